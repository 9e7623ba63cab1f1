// With target=, qopt-annotate-candidates offers only what the target lowers
// and warns once per dropped format, naming the layers; a layer left with no
// candidate stays float, and qopt-allocate-bits{target=} lists it as float
// with its float bytes. Every layer gets its name as qopt.name, so staged
// files keep it without debug info.
// RUN: qopt %s -qopt-annotate-candidates="bits=8,4 target=cpu" -verify-diagnostics | FileCheck %s
// RUN: qopt %s -qopt-annotate-candidates="bits=4 asymmetric signed" | FileCheck %s --check-prefix=SIGNED
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4 target=cpu},qopt-sensitivity,qopt-allocate-bits{avg-bits=6 target=cpu})' 2>/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4},qopt-sensitivity,qopt-allocate-bits{avg-bits=6 target=cpu})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNLOWERED
// RUN: not qopt %s -qopt-annotate-candidates="target=fpga-nope" -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not qopt %s -qopt-annotate-candidates="bits=4 signed" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOASYM

// CHECK-LABEL: func.func @layers
// CHECK: tosa.conv2d
// CHECK-SAME: qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 0)>, <si4, per_channel(axis = 0)>]>
// CHECK-SAME: qopt.name = "conv"
// CHECK: tosa.matmul
// CHECK-NOT: qopt.candidates
// CHECK-SAME: qopt.name = "batched"

// SIGNED: tosa.conv2d
// SIGNED-SAME: <si4, per_channel(axis = 0), asymmetric>

// REPORT: qopt allocation: 1 layers
// REPORT: kept float: 1 layer with 512 weight bytes (not in the totals above)
// REPORT: conv {{.*}} si8-ch
// REPORT: batched {{.*}} f32 (float)  512

// UNLOWERED: error: {{.*}}qopt-allocate-bits: target 'cpu' does not lower layer 'batched' in si8-ch (only batch-1 matmuls with a [1, K, N] weight are lowered); offer only what it lowers with qopt-annotate-candidates{target=cpu}

// UNKNOWN: error: qopt-annotate-candidates: target: unknown target 'fpga-nope' (registered: cpu, onnx, hls, cuda)

// NOASYM: signed applies to asymmetric formats; add asymmetric

// expected-warning @+2 {{qopt-annotate-candidates: target 'cpu' does not lower si8-ch for 1 layer (only batch-1 matmuls with a [1, K, N] weight are lowered): 'batched'}}
// expected-warning @+1 {{qopt-annotate-candidates: target 'cpu' does not lower si4-ch for 1 layer (only batch-1 matmuls with a [1, K, N] weight are lowered): 'batched'}}
module {
func.func @layers(%x: tensor<1x8x8x16xf32>, %a: tensor<2x4x16xf32>) -> (tensor<1x8x8x4xf32>, tensor<2x4x4xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %w = "tosa.const"() <{values = dense<[[[[1.0, -0.5, 0.25, 2.0, 1.0, -0.5, 0.25, 2.0, 1.0, -0.5, 0.25, 2.0, 1.0, -0.5, 0.25, 2.0]]]]> : tensor<1x1x1x16xf32>}> : () -> tensor<1x1x1x16xf32>
  %w4 = "tosa.const"() <{values = dense<0.5> : tensor<4x1x1x16xf32>}> : () -> tensor<4x1x1x16xf32>
  %wc = tosa.add %w4, %w : (tensor<4x1x1x16xf32>, tensor<1x1x1x16xf32>) -> tensor<4x1x1x16xf32>
  %0 = tosa.conv2d %x, %wc, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("conv")
  %wm = "tosa.const"() <{values = dense<0.25> : tensor<2x16x4xf32>}> : () -> tensor<2x16x4xf32>
  %1 = tosa.matmul %a, %wm, %zp, %zp : (tensor<2x4x16xf32>, tensor<2x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32> loc("batched")
  return %0, %1 : tensor<1x8x8x4xf32>, tensor<2x4x4xf32>
}
}
