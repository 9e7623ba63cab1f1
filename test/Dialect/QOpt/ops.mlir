// RUN: qopt %s -split-input-file | FileCheck %s
// RUN: qopt %s -split-input-file | qopt -split-input-file | FileCheck %s
// RUN: qopt %s -split-input-file -mlir-print-op-generic | qopt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @fake_quant_per_tensor
// CHECK: qopt.fake_quant %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<f32> as <si8, per_tensor>
func.func @fake_quant_per_tensor(%x: tensor<4x8xf32>, %s: tensor<f32>) -> tensor<4x8xf32> {
  %y = qopt.fake_quant %x, %s : tensor<4x8xf32>, tensor<f32> as <si8>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @fake_quant_per_channel_asymmetric
// CHECK: qopt.fake_quant %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x3x3x8xf16>, tensor<16xf32>, tensor<16xi32> as <ui4, per_channel(axis = 0), asymmetric>
func.func @fake_quant_per_channel_asymmetric(%x: tensor<16x3x3x8xf16>, %s: tensor<16xf32>, %z: tensor<16xi32>) -> tensor<16x3x3x8xf16> {
  %y = qopt.fake_quant %x, %s, %z : tensor<16x3x3x8xf16>, tensor<16xf32>, tensor<16xi32> as <ui4, per_channel(axis = 0), asymmetric>
  return %y : tensor<16x3x3x8xf16>
}

// -----

// CHECK-LABEL: func.func @fake_quant_group
// CHECK: qopt.fake_quant %{{.*}}, %{{.*}} : tensor<64x256xf32>, tensor<64x4xf32> as <si4, group(axis = 1, size = 64)>
func.func @fake_quant_group(%x: tensor<64x256xf32>, %s: tensor<64x4xf32>) -> tensor<64x256xf32> {
  %y = qopt.fake_quant %x, %s : tensor<64x256xf32>, tensor<64x4xf32> as <si4, group(axis = 1, size = 64)>
  return %y : tensor<64x256xf32>
}

// -----

// Dynamic dimensions are accepted where they cannot be checked.
// CHECK-LABEL: func.func @fake_quant_dynamic
// CHECK: qopt.fake_quant %{{.*}}, %{{.*}} : tensor<?x256xf32>, tensor<?x8xf32> as <f4E2M1FN, group(axis = 1, size = 32)>
func.func @fake_quant_dynamic(%x: tensor<?x256xf32>, %s: tensor<?x8xf32>) -> tensor<?x256xf32> {
  %y = qopt.fake_quant %x, %s : tensor<?x256xf32>, tensor<?x8xf32> as <f4E2M1FN, group(axis = 1, size = 32)>
  return %y : tensor<?x256xf32>
}

// -----

// Layer annotations on an upstream op implementing QuantizableOpInterface.
// CHECK-LABEL: func.func @annotated_layer
// CHECK: tosa.conv2d
// CHECK-SAME: qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 0)>, <si4, group(axis = 3, size = 4)>]>
// CHECK-SAME: qopt.format = #qopt.format<si4, group(axis = 3, size = 4)>
func.func @annotated_layer(%x: tensor<1x8x8x8xf32>, %w: tensor<16x3x3x8xf32>, %b: tensor<16xf32>) -> tensor<1x8x8x16xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {
    acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
    qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 0)>, <si4, group(axis = 3, size = 4)>]>,
    qopt.format = #qopt.format<si4, group(axis = 3, size = 4)>}
    : (tensor<1x8x8x8xf32>, tensor<16x3x3x8xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// -----

// linalg layers carry annotations too.
// CHECK-LABEL: func.func @annotated_linalg
// CHECK: linalg.matmul
// CHECK-SAME: qopt.format = #qopt.format<f8E4M3FN, per_channel(axis = 1)>
func.func @annotated_linalg(%a: tensor<4x32xf32>, %w: tensor<32x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = linalg.matmul {qopt.format = #qopt.format<f8E4M3FN, per_channel(axis = 1)>}
         ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
