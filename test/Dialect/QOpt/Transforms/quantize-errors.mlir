// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(qopt-quantize)'
// RUN: not qopt %s -pass-pipeline='builtin.module(qopt-quantize{activations=int4})' 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: error: qopt-quantize: activations must be 'int8' or 'float', got 'int4'

// Diagnostics of qopt-quantize: layers it leaves float (warnings) and
// layers it cannot quantize (errors naming the layer).

func.func @minifloat(%a: tensor<1x1x4xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>}) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-warning @+1 {{qopt-quantize: layer 'tosa.matmul#0' keeps float weights: floating-point format f8E4M3FN-ch is not lowered yet}}
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<f8E4M3FN, per_channel(axis = 2)>} : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
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
  // expected-error @+1 {{qopt-quantize: layer 'tosa.matmul#0' has qopt.format but no constant weight}}
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
  // expected-warning @+1 {{qopt-quantize: layer 'tosa.matmul#0' stays float: only batch-1 matmuls with a ranked input and a [1, K, N] float32 constant weight are lowered}}
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<*xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
