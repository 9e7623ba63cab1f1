// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(func.func(convert-qopt-to-cpu))'

func.func @dynamic(%x: tensor<?x64xf32>) {
  // expected-error @+1 {{'qopt.quantize' op has a dynamic shape; the CPU backend needs static shapes}}
  %q = qopt.quantize %x : tensor<?x64xf32> to tensor<?x64x!quant.uniform<i8:f32, 0.5:0>>
  return
}

// -----

func.func @quantized_elsewhere(%x: tensor<4xf32>) {
  %q = qopt.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:0>>
  // expected-error @+1 {{'tensor.expand_shape' op uses a quantized tensor ('tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>'); the CPU backend lowers quantized values only through qopt.quantize, qopt.requantize, qopt.matmul, qopt.depthwise_conv2d and the quant.scast of qopt-decompose}}
  %r = tensor.expand_shape %q [[0, 1]] output_shape [2, 2] : tensor<4x!quant.uniform<i8:f32, 0.5:0>> into tensor<2x2x!quant.uniform<i8:f32, 0.5:0>>
  return
}

// -----

func.func @packed_elsewhere() -> tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>> {
  %w = qopt.packed_weight dense<1> : tensor<64xi8> layout <block64> : tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'func.return' op uses a packed weight; only the weight operand of qopt.matmul and qopt.depthwise_conv2d can (after qopt-decompose)}}
  return %w : tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
}

// -----

// qopt-quantize's logical fields are not what the kernels read: the CPU
// pipeline runs qopt-cpu-materialize-weights first.
func.func @logical_layout(%x: tensor<1x64xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'qopt.packed_weight' op is in the logical layout; the CPU kernels read #qopt.layout<block64> (run qopt-cpu-materialize-weights first)}}
  %w = qopt.packed_weight dense<1> : tensor<128xi8> : tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %y = qopt.matmul %x, %w : tensor<1x64xf32>, tensor<2x64x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Convolutions reach the CPU kernels as matmuls over patches: without
// qopt-decompose first, the pass says what to run.
func.func @conv_not_decomposed(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<64xi8> layout <block64> : tensor<2x8x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.conv2d' op is lowered through qopt.matmul and linalg; run qopt-decompose before convert-qopt-to-cpu}}
  %y = qopt.conv2d %x, %w {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x8xf32>, tensor<2x8x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

func.func @code_book_int8_input(%x: tensor<1x64x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2xf32> {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> layout <block64> : tensor<2x64xf8E4M3FN>
  // expected-error @+1 {{'qopt.matmul' op has an int8 input and code-book ('f8E4M3FN') weights; the CPU kernels run code-book weights on the weight-only path (float32 inputs)}}
  %y = qopt.matmul %x, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64xf8E4M3FN> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A fused residual add (qopt-integer-chains{residuals=true}, the HLS
// target's chains): the CPU kernels requantize without a second operand.
func.func @residual_requantize(%acc: tensor<1x2xi32>, %r: tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> {
  // expected-error @+1 {{'qopt.requantize' op fuses a residual add; the CPU kernels requantize without one (qopt-integer-chains{residuals=true} is for the HLS target; the CPU pipeline keeps residual adds in float)}}
  %y = qopt.requantize %acc residual %r : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, residual_multiplier = array<i64: 1024>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
}
