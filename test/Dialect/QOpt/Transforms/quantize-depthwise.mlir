// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize)' | FileCheck %s
// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize{activations=float})' | FileCheck %s --check-prefix=FLOAT

// A depthwise convolution: the [KH, KW, C, M] = [1, 2, 2, 1] weight is
// quantized in its own layout per channel (axis 2), then stored as rows
// o = c of taps (kh, kw): row 0 = [1.0, 0.5] -> s = 1/127, q = [127, 64];
// row 1 = [-0.5, 1.0] -> q = [round(-63.5) = -64, 127]. One logical byte
// per field.

// CHECK-LABEL: func @depthwise
// CHECK-DAG: %[[W:.*]] = qopt.packed_weight dense_resource<dw.packed> : tensor<4xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {0.007874015{{[0-9]*}},0.007874015{{[0-9]*}}}>>
// CHECK-DAG: %[[Q:.*]] = qopt.quantize %arg0 : tensor<1x3x3x2xf32> to tensor<1x3x3x2x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: qopt.depthwise_conv2d %[[Q]], %[[W]], %{{.*}} {dilation = array<i64: 1, 1>, kernel = array<i64: 1, 2>, pad = array<i64: 0, 0, 0, 1>, stride = array<i64: 1, 1>} : {{.*}} -> tensor<1x3x3x2xf32>
// CHECK-NOT: tosa.depthwise_conv2d
// CHECK: dw.packed: "0x400000007F40C07F"
// FLOAT-LABEL: func @depthwise
// FLOAT-NOT: qopt.quantize
// FLOAT: qopt.depthwise_conv2d %arg0, %{{.*}}, %{{.*}} {{.*}} : tensor<1x3x3x2xf32>, tensor<2x2x!quant.uniform<i8:f32:0
func.func @depthwise(%x: tensor<1x3x3x2xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x3x3x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [-0.5]], [[0.5], [1.0]]]]> : tensor<1x2x2x1xf32>}> : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -0.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 1>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<1x3x3x2xf32>, tensor<1x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32> loc("dw")
  return %y : tensor<1x3x3x2xf32>
}

// -----

// A channel multiplier of 2 (C = 1, M = 2): rows o = c * M + m. Per
// channel on axis 2 is one scale per input channel, shared by its M rows
// (max |w| = 1: s = 1/127); row 0 = [1.0, 0.5] -> [127, 64], row 1 =
// [-1.0, 0.25] -> [-127, 32].

// CHECK-LABEL: func @multiplier
// CHECK: qopt.packed_weight dense_resource<mult.packed> : tensor<4xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {0.007874015{{[0-9]*}},0.007874015{{[0-9]*}}}>>
// CHECK: qopt.depthwise_conv2d {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: mult.packed: "0x400000007F408120"
func.func @multiplier(%x: tensor<1x2x3x1xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, -1.0]], [[0.5, 0.25]]]]> : tensor<1x2x1x2xf32>}> : () -> tensor<1x2x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<1x2x3x1xf32>, tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("mult")
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Groups along KW (axis 1, size 1) are runs of one tap: a sub-channel
// type with blocks {0:1, 1:1} and a zero point per group (asymmetric).

// CHECK-LABEL: func @groups
// CHECK: qopt.packed_weight {{.*}} : tensor<2x2x!quant.uniform<i4:f32:{0:1, 1:1}, {{.*}}>>
// CHECK: qopt.depthwise_conv2d
func.func @groups(%x: tensor<1x3x3x2xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x3x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [-0.5]], [[0.5], [1.0]]]]> : tensor<1x2x2x1xf32>}> : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<ui4, group(axis = 1, size = 1), asymmetric>} : (tensor<1x3x3x2xf32>, tensor<1x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}
