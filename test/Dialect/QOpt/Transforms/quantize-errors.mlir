// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(qopt-quantize)'
// RUN: not qopt %s -pass-pipeline='builtin.module(qopt-quantize{activations=int4})' 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: for the --activations option: Cannot find option named 'int4'!

// Diagnostics of qopt-quantize: a layer it cannot quantize to its format
// is an error naming the layer and why (never a silent float layer).

func.func @half(%a: tensor<1x1x4xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>}) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-quantize: layer 'tosa.matmul#0' cannot be quantized to f16-ch: there is no packed encoding for f16-ch weights (integers of 1-8 bits and the minifloats f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN have one)}}
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<f16, per_channel(axis = 2)>} : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

func.func @uncalibrated(%a: tensor<1x1x4xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-quantize: layer 'tosa.matmul#0' has no per-tensor calibrated range for its input; run qopt-calibrate first, or use activations=float}}
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

func.func @runtime_weight(%a: tensor<1x1x4xf32>, %w: tensor<1x4x1xf32>) -> tensor<1x1x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-quantize: layer 'tosa.matmul#0' cannot be quantized to si8-ch: the weight is not a constant}}
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

// TOSA allows unranked operands and results; the lowerings need ranks.
func.func @unranked_conv_input(%x: tensor<*xf32>) -> tensor<*xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-quantize: layer 'tosa.conv2d#0' needs ranked input, bias and result types}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si8, per_channel(axis = 0)>} : (tensor<*xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @unranked_matmul_input(%a: tensor<*xf32>) -> tensor<*xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-quantize: layer 'tosa.matmul#0' cannot be quantized to si8-ch: only batch-1 matmuls with a [1, K, N] weight are lowered}}
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<*xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// A layer kind without a quantized op.
func.func @transpose_conv(%x: tensor<1x4x4x1xf32>) -> tensor<1x5x5x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x2x2x1xf32>}> : () -> tensor<2x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-quantize: layer 'tosa.transpose_conv2d#0' cannot be quantized to si8-ch: there is no quantized op for tosa.transpose_conv2d}}
  %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si8, per_channel(axis = 0)>} : (tensor<1x4x4x1xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x2xf32>
  return %y : tensor<1x5x5x2xf32>
}
