// RUN: qopt %s -split-input-file -qopt-annotate-candidates | FileCheck %s --check-prefix=DEFAULT
// RUN: qopt %s -split-input-file -qopt-annotate-candidates="bits=8,4,2 granularity=group group-size=8" -verify-diagnostics | FileCheck %s --check-prefix=GROUP
// RUN: qopt %s -split-input-file -qopt-annotate-candidates="bits=4 minifloats=f8E4M3FN,f4E2M1FN granularity=per-tensor asymmetric=true" | FileCheck %s --check-prefix=MIXED
// RUN: qopt %s -split-input-file -qopt-annotate-candidates="bits=2 overwrite=true" | FileCheck %s --check-prefix=OVERWRITE

// DEFAULT-LABEL: func.func @layers
// DEFAULT: tosa.conv2d
// DEFAULT-SAME: qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 0)>, <si4, per_channel(axis = 0)>]>
// DEFAULT: tosa.matmul
// DEFAULT-SAME: qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>
// DEFAULT: tosa.matmul
// DEFAULT-NOT: qopt.candidates
// DEFAULT-SAME: -> tensor<1x4x4xf32>

// GROUP-LABEL: func.func @layers
// GROUP: tosa.conv2d
// GROUP-SAME: qopt.candidates = #qopt.candidates<[<si8, group(axis = 3, size = 8)>, <si4, group(axis = 3, size = 8)>, <si2, group(axis = 3, size = 8)>]>
// GROUP: tosa.matmul
// GROUP-SAME: qopt.candidates = #qopt.candidates<[<si8, group(axis = 1, size = 8)>, <si4, group(axis = 1, size = 8)>, <si2, group(axis = 1, size = 8)>]>

// MIXED-LABEL: func.func @layers
// MIXED: tosa.conv2d
// MIXED-SAME: qopt.candidates = #qopt.candidates<[<ui4, per_tensor, asymmetric>, <f8E4M3FN, per_tensor>, <f4E2M1FN, per_tensor>]>
func.func @layers(%x: tensor<1x8x8x16xf32>, %a: tensor<1x4x16xf32>, %k: tensor<1x16x4xf32>) -> (tensor<1x8x8x4xf32>, tensor<1x4x4xf32>, tensor<1x4x4xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %w = "tosa.const"() <{values = dense<1.0> : tensor<4x3x3x16xf32>}> : () -> tensor<4x3x3x16xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x3x3x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %wm = "tosa.const"() <{values = dense<1.0> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %1 = tosa.matmul %a, %wm, %zp, %zp : (tensor<1x4x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4xf32>
  // A product of two run-time values has no weight to quantize.
  %2 = tosa.matmul %a, %k, %zp, %zp : (tensor<1x4x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4xf32>
  return %0, %1, %2 : tensor<1x8x8x4xf32>, tensor<1x4x4xf32>, tensor<1x4x4xf32>
}

// -----

// A group size that does not tile the group axis falls back to per-channel.

// GROUP-LABEL: func.func @ragged
// GROUP: tosa.conv2d
// GROUP-SAME: qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 0)>, <si4, per_channel(axis = 0)>, <si2, per_channel(axis = 0)>]>
func.func @ragged(%x: tensor<1x8x8x3xf32>) -> tensor<1x8x8x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %w = "tosa.const"() <{values = dense<1.0> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32>
  // expected-warning @+1 {{group size 8 does not tile weight axis 3 of size 3; offering per_channel formats instead}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  return %0 : tensor<1x8x8x4xf32>
}

// -----

// Existing candidates are kept unless overwrite=true.

// DEFAULT-LABEL: func.func @existing
// DEFAULT: qopt.candidates = #qopt.candidates<[<si3, per_tensor>]>
// OVERWRITE-LABEL: func.func @existing
// OVERWRITE: qopt.candidates = #qopt.candidates<[<si2, per_channel(axis = 1)>]>
func.func @existing(%a: tensor<4x32xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<1.0> : tensor<32x16xf32>
  %0 = linalg.matmul {qopt.candidates = #qopt.candidates<[<si3>]>} ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
