// With channels-per-group, a layer that qopt-split-group-formats cannot
// split by output channel (a depthwise convolution: each output channel
// reads its own input channel) gets one sensitivity per layer, so the
// whole per-group flow runs on models with depthwise layers (MobileNet,
// PP-OCR); the matmul next to it is measured per group. (One weight per
// channel is exact at any width, so the depthwise layer takes si4.)
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=weight-error channels-per-group=1},qopt-allocate-bits{avg-bits=8 report=},qopt-split-group-formats)' | FileCheck %s

// CHECK: tosa.depthwise_conv2d
// CHECK-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 2)>
// CHECK-SAME: channels_per_group = 0
// CHECK: tosa.matmul

func.func @main(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.3], [1.0]]]]> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>} : (tensor<1x1x1x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %y, %s : (tensor<1x1x1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[0.3, 1.0], [1.0, 0.5]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %z = tosa.matmul %r, %w2, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %z : tensor<1x1x2xf32>
}
