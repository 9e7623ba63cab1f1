// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(qopt-decompose))' | FileCheck %s

// A padded, strided 3x3 convolution on the integer path: the quantized
// input is gathered on its i8 storage (pad with the zero point, im2col
// rows (b, oh, ow), columns (kh, kw, c)), cast back to !quant.uniform for
// a qopt.matmul with the same packed weight, bias and name, and reshaped
// to NHWC.

// CHECK-DAG: #[[GATHER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func @conv_s8
// CHECK-SAME: (%[[X:.*]]: tensor<2x5x5x3x!quant.uniform<i8:f32, 5.000000e-01:-5>>, %[[B:.*]]: tensor<4xf32>)
// CHECK-DAG: %[[ZP:.*]] = arith.constant -5 : i8
// CHECK-DAG: %[[W:.*]] = qopt.packed_weight
// CHECK: %[[S:.*]] = quant.scast %[[X]] : tensor<2x5x5x3x!quant.uniform<i8:f32, 5.000000e-01:-5>> to tensor<2x5x5x3xi8>
// CHECK: %[[P:.*]] = tensor.pad %[[S]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZP]] : i8
// CHECK: } : tensor<2x5x5x3xi8> to tensor<2x7x7x3xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x3x3x3x3xi8>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[GATHER]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[P]] : tensor<2x7x7x3xi8>) outs(%[[E]] : tensor<2x3x3x3x3x3xi8>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<2x3x3x3x3x3xi8> into tensor<18x27xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<18x27xi8> to tensor<18x27x!quant.uniform<i8:f32, 5.000000e-01:-5>>
// CHECK: %[[M:.*]] = qopt.matmul %[[Q]], %[[W]], %[[B]] {qopt.name = "conv1"} : tensor<18x27x!quant.uniform<i8:f32, 5.000000e-01:-5>>, tensor<4x27x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01,1.000000e+00,2.000000e+00}>>, tensor<4xf32> -> tensor<18x4xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[M]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 3, 3, 4] : tensor<18x4xf32> into tensor<2x3x3x4xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: qopt.conv2d
func.func @conv_s8(%x: tensor<2x5x5x3x!quant.uniform<i8:f32, 0.5:-5>>, %b: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %w = qopt.packed_weight dense<1> : tensor<108xi8> layout <logical> : tensor<4x27x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  %y = qopt.conv2d %x, %w, %b {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>, qopt.name = "conv1"} : tensor<2x5x5x3x!quant.uniform<i8:f32, 0.5:-5>>, tensor<4x27x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>, tensor<4xf32> -> tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// Weight-only (float input), dilated and unpadded: no cast, no pad; the
// gather map carries the dilation.

// CHECK: #[[DIL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3 * 2, d2 + d4 * 2, d5)>
// CHECK-LABEL: func @conv_f32_dilated
// CHECK-NOT: quant.scast
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[DIL]], {{.*}}]{{.*}} ins(%{{.*}} : tensor<1x6x6x2xf32>) outs(%{{.*}} : tensor<1x2x2x3x3x2xf32>)
// CHECK: tensor.collapse_shape {{.*}} : tensor<1x2x2x3x3x2xf32> into tensor<4x18xf32>
// CHECK: qopt.matmul %{{.*}}, %{{.*}} : tensor<4x18xf32>, {{.*}} -> tensor<4x2xf32>
func.func @conv_f32_dilated(%x: tensor<1x6x6x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> layout <logical> : tensor<2x18x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %y = qopt.conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 2, 2>} : tensor<1x6x6x2xf32>, tensor<2x18x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A 1x1 stride-1 convolution needs no patches: the input is reshaped.

// CHECK-LABEL: func @pointwise
// CHECK-NOT: linalg.generic
// CHECK: %[[S:.*]] = quant.scast %{{.*}} : tensor<1x4x4x8x!quant.uniform<i8:f32, 2.500000e-01:3>> to tensor<1x4x4x8xi8>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[S]] {{\[\[}}0, 1, 2], [3]] : tensor<1x4x4x8xi8> into tensor<16x8xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<16x8xi8> to tensor<16x8x!quant.uniform<i8:f32, 2.500000e-01:3>>
// CHECK: qopt.matmul %[[Q]]
func.func @pointwise(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:3>>) -> tensor<1x4x4x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<16xi8> layout <logical> : tensor<2x8x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %y = qopt.conv2d %x, %w {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:3>>, tensor<2x8x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Dequantize: s * float(int32(q) - z) elementwise on the storage type.

// CHECK-LABEL: func @dequantize
// CHECK-DAG: %[[Z:.*]] = arith.constant 7 : i32
// CHECK-DAG: %[[SC:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[S:.*]] = quant.scast %{{.*}} : tensor<4x!quant.uniform<i8:f32, 2.500000e-01:7>> to tensor<4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<4xi8>)
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[W:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK: %[[C:.*]] = arith.subi %[[W]], %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[C]] : i32 to f32
// CHECK: %[[R:.*]] = arith.mulf %[[SC]], %[[F]] : f32
// CHECK: linalg.yield %[[R]] : f32
// CHECK-NOT: qopt.dequantize
func.func @dequantize(%q: tensor<4x!quant.uniform<i8:f32, 0.25:7>>) -> tensor<4xf32> {
  %y = qopt.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.25:7>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Depthwise convolutions and quantize are the target's: left alone.

// CHECK-LABEL: func @depthwise
// CHECK: qopt.quantize
// CHECK: qopt.depthwise_conv2d
func.func @depthwise(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<18xi8> layout <logical> : tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %q = qopt.quantize %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:3>>
  %y = qopt.depthwise_conv2d %q, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:3>>, tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
