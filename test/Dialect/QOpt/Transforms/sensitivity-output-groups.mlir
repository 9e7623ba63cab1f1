// qopt-sensitivity{method=output channels-per-group=1}: y = x W with two
// output channels, w0 = [0.3, 1.0] and w1 = [1.0, 0.5] (max |w| = 1 each),
// one group quantized at a time. Channel 0 errs by dW0 on the first input
// (si8: 38/127 - 0.3 = -7.874e-4; si4: 2/7 - 0.3 = -1.4286e-2), channel 1
// by dW1 on the second (0.5 rounds half to even: si8 64/127 - 0.5 =
// 3.937e-3; si4 4/7 - 0.5 = 7.1429e-2). Samples x = [1, 2] and [3, -1], and
// the MSE is over the 4 output elements: group 0 (1 + 9) dW0^2 / 4, group 1
// (4 + 1) dW1^2 / 4.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[1.0, 2.0]], [[3.0, -1.0]]], dtype=np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.npy channels-per-group=1})' -o %t.mlir
// RUN: FileCheck %s < %t.mlir
// RUN: qopt %t.mlir | FileCheck %s

// CHECK: qopt.sensitivity = #qopt.sensitivity<method = "output-mse", channels_per_group = 1, values = dense<{{\[\[}}1.5{{[0-9]*}}E-6, 5.10{{[0-9]*}}E-4], [1.93{{[0-9]*}}E-5, 0.0063{{[0-9]*}}]]> : tensor<2x2xf64>>

func.func @main(%x: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.3, 1.0], [1.0, 0.5]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %y : tensor<1x1x2xf32>
}
