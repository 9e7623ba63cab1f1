// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(qopt-decompose,convert-qopt-to-cpu))' | FileCheck %s

// Quantize and an integer-path matmul: the activation becomes int8 storage,
// the packed weight's bytes, scales and (absent, placeholder) zero points
// become constants; flags = 2 (bias present), x scale and zero point last.

// CHECK-LABEL: func @matmul_s8
// CHECK-SAME: (%[[X:.*]]: tensor<3x64xf32>, %[[B:.*]]: tensor<2xf32>)
// CHECK: %[[QE:.*]] = tensor.empty() : tensor<3x64xi8>
// CHECK: %[[Q:.*]] = qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%[[X]] : tensor<3x64xf32>) outs(%[[QE]] : tensor<3x64xi8>) scalars([192, 1.250000e-01 : f32, -3 : i32]) -> tensor<3x64xi8>
// CHECK-DAG: %[[BYTES:.*]] = arith.constant dense<1> : tensor<64xi8>
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[ZPS:.*]] = arith.constant dense<0> : tensor<1xi8>
// CHECK: %[[YE:.*]] = tensor.empty() : tensor<3x2xf32>
// CHECK: %[[Y:.*]] = qopt.ukernel "qopt_rt_uk_matmul_s8" ins(%[[Q]], %[[BYTES]], %[[SCALES]], %[[ZPS]], %[[B]] : tensor<3x64xi8>, tensor<64xi8>, tensor<2xf32>, tensor<1xi8>, tensor<2xf32>) outs(%[[YE]] : tensor<3x2xf32>) scalars([3, 2, 64, 4 : i32, 0 : i32, 2 : i32, 1.250000e-01 : f32, -3 : i32]) -> tensor<3x2xf32>
// CHECK: return %[[Y]]
func.func @matmul_s8(%x: tensor<3x64xf32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<64xi8> layout <block64> : tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %q = qopt.quantize %x : tensor<3x64xf32> to tensor<3x64x!quant.uniform<i8:f32, 0.125:-3>>
  %y = qopt.matmul %q, %w, %b : tensor<3x64x!quant.uniform<i8:f32, 0.125:-3>>, tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>>, tensor<2xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Weight-only path with group scales and zero points (flags = 1): no bias
// (a placeholder), no activation quantization.

// CHECK-LABEL: func @matmul_f32
// CHECK-DAG: arith.constant dense<[5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: arith.constant dense<[1, 2, 3, 4]> : tensor<4xi8>
// CHECK-DAG: arith.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK: qopt.ukernel "qopt_rt_uk_matmul_f32" ins({{.*}}) outs({{.*}} : tensor<1x2xf32>) scalars([1, 2, 64, 8 : i32, 32 : i32, 1 : i32]) -> tensor<1x2xf32>
func.func @matmul_f32(%x: tensor<1x64xf32>) -> tensor<1x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<128xi8> layout <block64> : tensor<2x64x!quant.uniform<i8:f32:{0:1, 1:32}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>>
  %y = qopt.matmul %x, %w : tensor<1x64xf32>, tensor<2x64x!quant.uniform<i8:f32:{0:1, 1:32}, {{0.5:1, 0.25:2}, {1.0:3, 2.0:4}}>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A padded, strided 3x3 convolution: pad with the input's zero point,
// gather the patches (rows (b, oh, ow), columns (kh, kw, c)), multiply,
// reshape back to NHWC.

// CHECK-DAG: #[[GATHER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func @conv
// CHECK: %[[ZP:.*]] = arith.constant -5 : i8
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZP]] : i8
// CHECK: } : tensor<2x5x5x3xi8> to tensor<2x7x7x3xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x3x3x3x3xi8>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[GATHER]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[P]] : tensor<2x7x7x3xi8>) outs(%[[E]] : tensor<2x3x3x3x3x3xi8>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<2x3x3x3x3x3xi8> into tensor<18x27xi8>
// CHECK: %[[Y:.*]] = qopt.ukernel "qopt_rt_uk_matmul_s8" ins(%[[C]], {{.*}}) outs({{.*}} : tensor<18x4xf32>) scalars([18, 4, 27, 8 : i32, 0 : i32, 0 : i32, 5.000000e-01 : f32, -5 : i32])
// CHECK: tensor.expand_shape %[[Y]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 3, 3, 4] : tensor<18x4xf32> into tensor<2x3x3x4xf32>
func.func @conv(%x: tensor<2x5x5x3xf32>) -> tensor<2x3x3x4xf32> {
  %w = qopt.packed_weight dense<1> : tensor<256xi8> layout <block64> : tensor<4x27x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  %q = qopt.quantize %x : tensor<2x5x5x3xf32> to tensor<2x5x5x3x!quant.uniform<i8:f32, 0.5:-5>>
  %y = qopt.conv2d %q, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : tensor<2x5x5x3x!quant.uniform<i8:f32, 0.5:-5>>, tensor<4x27x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// A 1x1 stride-1 convolution needs no patches: the input is reshaped.

// CHECK-LABEL: func @pointwise
// CHECK-NOT: linalg.generic
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<1x4x4x8xf32> into tensor<16x8xf32>
// CHECK: qopt.ukernel "qopt_rt_uk_matmul_f32"
func.func @pointwise(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<64xi8> layout <block64> : tensor<2x8x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %y = qopt.conv2d %x, %w {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x8xf32>, tensor<2x8x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Dequantize: s * float(int32(q) - z) elementwise.

// CHECK-LABEL: func @dequantize
// CHECK: linalg.generic
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[W:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK: %[[C:.*]] = arith.subi %[[W]], %{{.*}} : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[C]] : i32 to f32
// CHECK: %[[R:.*]] = arith.mulf %{{.*}}, %[[F]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @dequantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qopt.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.25:7>>
  %y = qopt.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.25:7>> to tensor<4xf32>
  return %y : tensor<4xf32>
}
