// Only the named layers are rewritten; naming a layer without a format or
// a missing layer is an error.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-fake-quantize-weights{layers=b})' | FileCheck %s
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-fake-quantize-weights{layers=c})' 2>&1 | FileCheck %s --check-prefix=NOFORMAT
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-fake-quantize-weights{layers=a,zz})' 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}3.000000e-01], [1.000000e+00]]]>
// CHECK: tosa.matmul %{{.*}}, %[[W]], {{.*}}si4
// CHECK: %[[Q:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}0.000000e+00], [1.000000e+00]]]>
// CHECK-NEXT: tosa.matmul %{{.*}}, %[[Q]], {{.*}}si2
// NOFORMAT: error: {{.*}}qopt-fake-quantize-weights: layer 'c' has no qopt.format
// MISSING: error: qopt-fake-quantize-weights: no layer named 'zz'

func.func @main(%x: tensor<1x1x2xf32>) -> (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>) {
  %w = "tosa.const"() <{values = dense<[[[0.3], [1.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.format = #qopt.format<si4, per_channel(axis = 2)>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32> loc("a")
  %b = tosa.matmul %x, %w, %zp, %zp {qopt.format = #qopt.format<si2, per_channel(axis = 2)>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32> loc("b")
  %c = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32> loc("c")
  return %a, %b, %c : tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>
}
