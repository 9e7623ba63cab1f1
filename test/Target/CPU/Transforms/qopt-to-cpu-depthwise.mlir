// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(convert-qopt-to-cpu))' | FileCheck %s

// qopt.depthwise_conv2d becomes one kernel call on the NHWC input (no
// im2col, no tensor.pad: the kernel skips padding taps). Scalars: batch,
// in_h, in_w, channels, multiplier, out_h, out_w, kernel_h, kernel_w,
// pad_top, pad_left, stride_h, stride_w, dilation_h, dilation_w, bits,
// group_size, flags, then the activation scale and zero point on the
// integer path.

// CHECK-LABEL: func @depthwise_s8
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[Q:.*]] = qopt.ukernel "qopt_rt_uk_quantize_s8"
// CHECK-DAG: %[[BYTES:.*]] = arith.constant dense<1> : tensor<256xi8>
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[ZPS:.*]] = arith.constant dense<0> : tensor<1xi8>
// CHECK: %[[YE:.*]] = tensor.empty() : tensor<1x4x4x4xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[Y:.*]] = qopt.ukernel "qopt_rt_uk_depthwise_conv2d_s8" ins(%[[Q]], %[[BYTES]], %[[SCALES]], %[[ZPS]], %[[B]] : tensor<1x8x8x4xi8>, tensor<256xi8>, tensor<4xf32>, tensor<1xi8>, tensor<4xf32>) outs(%[[YE]] : tensor<1x4x4x4xf32>)
// CHECK-SAME: scalars([1, 8, 8, 4, 1, 4, 4, 3, 3, 1, 0, 2, 2, 1, 1, 8 : i32, 0 : i32, 2 : i32, 1.250000e-01 : f32, -3 : i32]) -> tensor<1x4x4x4xf32>
// CHECK: return %[[Y]]
func.func @depthwise_s8(%x: tensor<1x8x8x4xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %w = qopt.packed_weight dense<1> : tensor<256xi8> layout <block64> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  %q = qopt.quantize %x : tensor<1x8x8x4xf32> to tensor<1x8x8x4x!quant.uniform<i8:f32, 0.125:-3>>
  %y = qopt.depthwise_conv2d %q, %w, %b {kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 0, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.125:-3>>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>, tensor<4xf32> -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Weight-only, channel multiplier 2, groups of 3 taps with zero points
// (flags = 1: zero points, no bias, no table; the table and the bias are
// unread placeholders).

// CHECK-LABEL: func @depthwise_f32
// CHECK: qopt.ukernel "qopt_rt_uk_depthwise_conv2d_f32" ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x5x5x2xf32>, tensor<128xi8>, tensor<12xf32>, tensor<12xi8>, tensor<1xf32>, tensor<1xf32>)
// CHECK-SAME: scalars([1, 5, 5, 2, 2, 3, 3, 3, 3, 0, 0, 1, 1, 1, 1, 4 : i32, 3 : i32, 1 : i32]) -> tensor<1x3x3x4xf32>
func.func @depthwise_f32(%x: tensor<1x5x5x2xf32>) -> tensor<1x3x3x4xf32> {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> layout <block64> : tensor<4x9x!quant.uniform<i4:f32:{0:1, 1:3}, {{1.0:1, 1.0:1, 1.0:1}, {1.0:2, 1.0:2, 1.0:2}, {1.0:3, 1.0:3, 1.0:3}, {1.0:4, 1.0:4, 1.0:4}}>>
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x5x5x2xf32>, tensor<4x9x!quant.uniform<i4:f32:{0:1, 1:3}, {{1.0:1, 1.0:1, 1.0:1}, {1.0:2, 1.0:2, 1.0:2}, {1.0:3, 1.0:3, 1.0:3}, {1.0:4, 1.0:4, 1.0:4}}>> -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}
