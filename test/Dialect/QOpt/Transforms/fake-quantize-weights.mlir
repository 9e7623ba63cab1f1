// RUN: qopt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(qopt-fake-quantize-weights)' | FileCheck %s

// One output channel, max |w| = 1: si4 scale 1/7 turns 0.3 into 2/7 and
// keeps 1.0; si2 (qmax 1) turns 0.3 into 0 and -1.0 stays.
// CHECK-LABEL: func.func @per_channel
// CHECK: %[[Q4:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}0.285714298], [1.000000e+00]]]> : tensor<1x2x1xf32>}>
// CHECK-NEXT: tosa.matmul %{{.*}}, %[[Q4]]
// CHECK-NEXT: %[[Q2:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}0.000000e+00], [-1.000000e+00]]]> : tensor<1x2x1xf32>}>
// CHECK-NEXT: tosa.matmul %{{.*}}, %[[Q2]]
// A layer without a format keeps its weight.
// CHECK: tosa.matmul %{{.*}}, %[[W:[^,]*]],
func.func @per_channel(%x: tensor<1x1x2xf32>) -> (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>) {
  %w = "tosa.const"() <{values = dense<[[[0.3], [1.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %v = "tosa.const"() <{values = dense<[[[0.3], [-1.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.format = #qopt.format<si4, per_channel(axis = 2)>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %b = tosa.matmul %x, %v, %zp, %zp {qopt.format = #qopt.format<si2, per_channel(axis = 2)>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %c = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %a, %b, %c : tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>
}

// -----

func.func @dynamic_weight(%x: tensor<1x1x2xf32>, %w: tensor<1x2x1xf32>) -> tensor<1x1x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-fake-quantize-weights: layer 'tosa.matmul#0' has qopt.format si4-ch but no constant float32 weight}}
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.format = #qopt.format<si4, per_channel(axis = 2)>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %a : tensor<1x1x1xf32>
}
