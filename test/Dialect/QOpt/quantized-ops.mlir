// RUN: qopt %s -split-input-file | FileCheck %s
// RUN: qopt %s -split-input-file | qopt -split-input-file | FileCheck %s

// Round trip of the quantized-compute ops: quantize/dequantize, packed
// weights (per-channel and group-wise, with and without zero points), and
// the integer and weight-only forms of matmul, conv2d and depthwise_conv2d.

// CHECK-LABEL: func @activations
// CHECK: qopt.quantize %{{.*}} : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 2.500000e-01:-3>>
// CHECK: qopt.dequantize %{{.*}} : tensor<2x3x!quant.uniform<i8:f32, 2.500000e-01:-3>> to tensor<2x3xf32>
func.func @activations(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = qopt.quantize %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.25:-3>>
  %y = qopt.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.25:-3>> to tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @integer_matmul
// CHECK: qopt.packed_weight dense<{{.*}}> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK: qopt.matmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x3x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<2x3x!quant.uniform<i4:f32:0, {5.000000e-01,2.500000e-01}>>, tensor<2xf32> -> tensor<1x2xf32>
func.func @integer_matmul(%x: tensor<1x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2xf32>) -> tensor<1x2xf32> {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %y = qopt.matmul %x, %w, %b : tensor<1x3x!quant.uniform<i8:f32, 0.1>>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>, tensor<2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The CPU's block64 layout: 2-bit fields, four to a byte.
// CHECK-LABEL: func @weight_only_groups
// CHECK: qopt.packed_weight dense<0> : tensor<32xi8> layout <block64> : tensor<1x128x
// CHECK: qopt.matmul %{{.*}}, %{{.*}} : tensor<4x128xf32>, tensor<1x128x!quant.uniform<i2:f32:{0:1, 1:64}, {{.*}}>> -> tensor<4x1xf32>
func.func @weight_only_groups(%x: tensor<4x128xf32>) -> tensor<4x1xf32> {
  %w = qopt.packed_weight dense<0> : tensor<32xi8> layout <block64> : tensor<1x128x!quant.uniform<i2:f32:{0:1, 1:64}, {{0.5:1, 0.25:-1}}>>
  %y = qopt.matmul %x, %w : tensor<4x128xf32>, tensor<1x128x!quant.uniform<i2:f32:{0:1, 1:64}, {{0.5:1, 0.25:-1}}>> -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// CHECK-LABEL: func @conv
// CHECK: qopt.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilation = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>}
// CHECK-SAME: -> tensor<1x4x4x2xf32>
func.func @conv(%x: tensor<1x8x8x1x!quant.uniform<i8:f32, 0.5:-128>>, %b: tensor<2xf32>) -> tensor<1x4x4x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<18xi8> : tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %y = qopt.conv2d %x, %w, %b {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : tensor<1x8x8x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>>, tensor<2xf32> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// CHECK-LABEL: func @depthwise
// CHECK: qopt.depthwise_conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilation = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
// CHECK-SAME: : tensor<1x8x8x4x!quant.uniform<i8:f32, 5.000000e-01:-128>>, tensor<4x9x!quant.uniform<i8:f32:0, {{.*}}>>, tensor<4xf32> -> tensor<1x8x8x4xf32>
func.func @depthwise(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.5:-128>>, %b: tensor<4xf32>) -> tensor<1x8x8x4xf32> {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  %y = qopt.depthwise_conv2d %x, %w, %b {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.5:-128>>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>, tensor<4xf32> -> tensor<1x8x8x4xf32>
  return %y : tensor<1x8x8x4xf32>
}

// -----

// A channel multiplier of 2 (8 output channels from 4), weight-only, groups
// of 3 taps, strided.
// CHECK-LABEL: func @depthwise_multiplier
// CHECK: qopt.depthwise_conv2d %{{.*}}, %{{.*}} {{.*}} : tensor<1x8x8x4xf32>, tensor<8x9x!quant.uniform<i4:f32:{0:1, 1:3}, {{.*}}>> -> tensor<1x4x4x8xf32>
func.func @depthwise_multiplier(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x8xf32> {
  %w = qopt.packed_weight dense<0> : tensor<72xi8> : tensor<8x9x!quant.uniform<i4:f32:{0:1, 1:3}, {{1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}}>>
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4xf32>, tensor<8x9x!quant.uniform<i4:f32:{0:1, 1:3}, {{1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}}>> -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// Code-book (minifloat) packed weights: the scales in `scales` [N, G], the
// codes in the result's element type; weight-only.
// CHECK-LABEL: func @code_book
// CHECK: qopt.packed_weight dense<56> : tensor<128xi8> scales dense<{{\[}}[5.000000e-01], [2.500000e-01]]> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
// CHECK: qopt.matmul %{{.*}}, %{{.*}} : tensor<1x64xf32>, tensor<2x64xf8E4M3FN> -> tensor<1x2xf32>
// CHECK: qopt.packed_weight dense<0> : tensor<32xi8> scales dense<{{.*}}> : tensor<1x2xf32> layout <block64> : tensor<1x18xf4E2M1FN>
// CHECK: qopt.conv2d %{{.*}}, %{{.*}} {{.*}} : tensor<1x4x4x2xf32>, tensor<1x18xf4E2M1FN> -> tensor<1x2x2x1xf32>
// CHECK: qopt.packed_weight dense<0> : tensor<18xi8> scales dense<1.000000e+00> : tensor<2x1xf32> : tensor<2x9xf6E2M3FN>
func.func @code_book(%x: tensor<1x64xf32>, %i: tensor<1x4x4x2xf32>) -> (tensor<1x2xf32>, tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>) {
  %w = qopt.packed_weight dense<56> : tensor<128xi8> scales dense<[[0.5], [0.25]]> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
  %y = qopt.matmul %x, %w : tensor<1x64xf32>, tensor<2x64xf8E4M3FN> -> tensor<1x2xf32>
  %c = qopt.packed_weight dense<0> : tensor<32xi8> scales dense<[[1.0, 2.0]]> : tensor<1x2xf32> layout <block64> : tensor<1x18xf4E2M1FN>
  %z = qopt.conv2d %i, %c {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2xf32>, tensor<1x18xf4E2M1FN> -> tensor<1x2x2x1xf32>
  %d = qopt.packed_weight dense<0> : tensor<18xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x9xf6E2M3FN>
  %v = qopt.depthwise_conv2d %i, %d {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2xf32>, tensor<2x9xf6E2M3FN> -> tensor<1x2x2x2xf32>
  return %y, %z, %v : tensor<1x2xf32>, tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>
}

// -----

// The integer-only path: an i32 accumulator result (and bias) and
// qopt.requantize (per channel, with fused clamp bounds, and per tensor
// with the default bounds elided).
// CHECK-LABEL: func @accumulator
// CHECK: qopt.matmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x3x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<2x3x!quant.uniform<i4:f32:0, {5.000000e-01,2.500000e-01}>>, tensor<2xi32> -> tensor<1x2xi32>
// CHECK: qopt.requantize %{{.*}} {max = 100 : i32, min = -3 : i32, multiplier = array<i32: 1073741824, 2147483647>, shift = array<i32: 2, 62>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: qopt.requantize %{{.*}} {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: qopt.depthwise_conv2d {{.*}} -> tensor<1x8x8x4xi32>
// CHECK: qopt.requantize %{{.*}} residual %{{.*}} : tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> {multiplier = array<i32: 1073741824>, residual_multiplier = array<i64: 36028797018963967>, shift = array<i32: 31>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
func.func @accumulator(%x: tensor<1x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2xi32>, %xd: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.5:-128>>) -> (tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x8x8x4xi32>) {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %acc = qopt.matmul %x, %w, %b : tensor<1x3x!quant.uniform<i8:f32, 0.1>>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>, tensor<2xi32> -> tensor<1x2xi32>
  %q = qopt.requantize %acc {multiplier = array<i32: 1073741824, 2147483647>, shift = array<i32: 2, 62>, min = -3 : i32, max = 100 : i32} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  %p = qopt.requantize %acc {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  %wd = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  %d = qopt.depthwise_conv2d %xd, %wd {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.5:-128>>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<1x8x8x4xi32>
  %s = qopt.requantize %acc residual %q : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, residual_multiplier = array<i64: 36028797018963967>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  return %s, %p, %d : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x8x8x4xi32>
}

// -----

// CHECK-LABEL: func @code_book_integer
// CHECK: qopt.matmul %{{.*}}, %{{.*}} : tensor<1x64x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<2x64xf8E4M3FN> -> tensor<1x2xf32>
// CHECK: qopt.matmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x64x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<2x64xf8E4M3FN>, tensor<2xi64> -> tensor<1x2xi64>
// CHECK: qopt.requantize %{{.*}} {multiplier = array<i32: 1073741824>, shift = array<i32: 50>} : tensor<1x2xi64> to tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02>>
func.func @code_book_integer(%x: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2xi64>) -> (tensor<1x2xf32>, tensor<1x2x!quant.uniform<i8:f32, 0.05>>) {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
  %y = qopt.matmul %x, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64xf8E4M3FN> -> tensor<1x2xf32>
  %acc = qopt.matmul %x, %w, %b : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64xf8E4M3FN>, tensor<2xi64> -> tensor<1x2xi64>
  %q = qopt.requantize %acc {multiplier = array<i32: 1073741824>, shift = array<i32: 50>} : tensor<1x2xi64> to tensor<1x2x!quant.uniform<i8:f32, 0.05>>
  return %y, %q : tensor<1x2xf32>, tensor<1x2x!quant.uniform<i8:f32, 0.05>>
}
