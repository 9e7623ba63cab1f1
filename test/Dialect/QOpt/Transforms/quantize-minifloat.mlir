// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize)' | FileCheck %s

// Minifloat formats become code-book packed weights, weight-only even with
// int8 activations (no qopt.quantize). The [1, K, N] = [1, 2, 2] weight is
// transposed to rows [N, K]: row 0 = [1.0, 0.5], max 1 -> s = 1/448,
// w / s = [448, 224] -> f8E4M3FN codes [0x7E, 0x76]; row 1 = [-2.0, 0.25],
// s = 2/448, w / s = [-448, 56] -> [0xFE, 0x66]. One logical code per byte.

// CHECK-LABEL: func @matmul_f8
// CHECK-NOT: qopt.quantize
// CHECK: %[[W:.*]] = qopt.packed_weight dense_resource<mm.packed> : tensor<4xi8> scales dense<{{\[}}[0.002232142{{[0-9]*}}], [0.004464285{{[0-9]*}}]]> : tensor<2x1xf32> : tensor<2x2xf8E4M3FN>
// CHECK: qopt.matmul %{{.*}}, %[[W]] : tensor<1x2xf32>, tensor<2x2xf8E4M3FN> -> tensor<1x2xf32>
// CHECK: mm.packed: "0x400000007E76FE66"
func.func @matmul_f8(%a: tensor<1x1x2xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0, -2.0], [0.5, 0.25]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<f8E4M3FN, per_channel(axis = 2)>} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32> loc("mm")
  return %y : tensor<1x1x2xf32>
}

// -----

// f4E2M1FN (largest 6) in 4-bit fields, groups of 2 along C of a 1x1
// convolution: row 0 = [3.0, -1.5 | 0.5, 0.0]: group 0 s = 0.5,
// [6, -3] -> codes [0x7, 0xD]; group 1 s = 0.5/6, [6, 0] -> [0x7, 0x0].
// One logical code per byte: 07 0D 07 00 (qopt-cpu-materialize-weights
// packs them into nibbles).

// CHECK-LABEL: func @conv_f4_groups
// CHECK-NOT: qopt.quantize
// CHECK: qopt.packed_weight dense_resource<cv.packed> : tensor<4xi8> scales dense<{{\[}}[5.000000e-01, 0.0833333{{[0-9]*}}]]> : tensor<1x2xf32> : tensor<1x4xf4E2M1FN>
// CHECK: qopt.conv2d %arg0, %{{.*}}, %{{.*}} {{.*}} : tensor<1x2x2x4xf32>, tensor<1x4xf4E2M1FN>, tensor<1xf32> -> tensor<1x2x2x1xf32>
// CHECK: cv.packed: "0x40000000070D0700"
func.func @conv_f4_groups(%x: tensor<1x2x2x4xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[[3.0, -1.5, 0.5, 0.0]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<f4E2M1FN, group(axis = 3, size = 2)>} : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32> loc("cv")
  return %y : tensor<1x2x2x1xf32>
}

// -----

// A depthwise layer in f8E5M2 (largest 57344) keeps its float input too.

// CHECK-LABEL: func @depthwise_e5m2
// CHECK-NOT: qopt.quantize
// CHECK: qopt.depthwise_conv2d %arg0, %{{.*}}, %{{.*}} {{.*}} : tensor<1x3x3x2xf32>, tensor<2x4xf8E5M2>, tensor<2xf32> -> tensor<1x2x2x2xf32>
func.func @depthwise_e5m2(%x: tensor<1x3x3x2xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<2x2x2x1xf32>}> : () -> tensor<2x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<f8E5M2, per_channel(axis = 2)>} : (tensor<1x3x3x2xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
