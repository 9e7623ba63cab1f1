// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(qopt-cuda-materialize-weights)'

// The int8 kernel keeps one scale per 32 elements of K.
func.func @s8_groups_of_16(%x: tensor<1x32x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'qopt.packed_weight' op has groups of 16; the int8 kernel needs groups that are a multiple of 32}}
  %w = qopt.packed_weight dense<1> : tensor<32xi8> : tensor<1x32x!quant.uniform<i8:f32:{0:1, 1:16}, {{0.5, 0.25}}>>
  %y = qopt.matmul %x, %w : tensor<1x32x!quant.uniform<i8:f32, 0.5>>, tensor<1x32x!quant.uniform<i8:f32:{0:1, 1:16}, {{0.5, 0.25}}>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// The weight-only kernels keep one scale per 16 elements of K.
func.func @f16_groups_of_8(%x: tensor<1x16xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'qopt.packed_weight' op has groups of 8; the weight-only kernels need groups that are a multiple of 16}}
  %w = qopt.packed_weight dense<1> : tensor<16xi8> : tensor<1x16x!quant.uniform<i4:f32:{0:1, 1:8}, {{0.5, 0.25}}>>
  %y = qopt.matmul %x, %w : tensor<1x16xf32>, tensor<1x16x!quant.uniform<i4:f32:{0:1, 1:8}, {{0.5, 0.25}}>> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @code_book_integer(%x: tensor<1x64x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{'qopt.packed_weight' op has code-book weights on the integer path; the CUDA kernels run code-book weights weight-only (f16 activations)}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
  %y = qopt.matmul %x, %w, %b : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64xf8E4M3FN>, tensor<2xi64> -> tensor<1x2xi64>
  return %y : tensor<1x2xi64>
}

// -----

func.func @depthwise(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x8x8x4xi32> {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op has no CUDA kernel yet (depthwise convolutions are not lowered by the cuda target)}}
  %d = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.5:-128>>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<1x8x8x4xi32>
  return %d : tensor<1x8x8x4xi32>
}

// -----

// A weight no layer reads has no path to choose a layout for.
func.func @unused() {
  // expected-error @+1 {{'qopt.packed_weight' op is read by no qopt layer; the CUDA kernels need to know its path to choose its layout}}
  %w = qopt.packed_weight dense<1> : tensor<16xi8> : tensor<1x16x!quant.uniform<i8:f32:0, {0.5}>>
  return
}
