// qopt-sensitivity{method=output} with KL over the rows of the last axis of
// a rank-3 output (a language model's [batch, positions, vocab] logits, or
// a recognizer's [batch, steps, symbols] softmax).
// z = x W with W = [[0.3, 1.0], [1.0, -0.6]] (K = 2 rows, 2 output
// channels, max |w| = 1 in both): si4 per channel (scale 1/7) rounds 0.3 to
// 2/7 and -0.6 to -4/7. One sample x = [[1, 2], [3, -1]] (two positions):
// z_float = [[2.3, -0.2], [-0.1, 3.6]], z_quant = [[2.2857, -0.1429],
// [-0.1429, 3.5714]]; KL(softmax(z_float) || softmax(z_quant)) per row
// 1.8249e-4 and 2.3917e-6, mean over the rows 9.2442e-5.
// @logits returns z (softmaxed by the metric); @probs returns softmax(z),
// whose rows are recognised as probabilities: the same value.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[1.0, 2.0], [3.0, -1.0]]], dtype=np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.npy metric=kl})' | FileCheck %s
// RUN: sed -e 's/@main/@logits/' -e 's/@probs/@main/' %s | qopt --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.npy metric=kl})' | FileCheck %s --check-prefix=PROBS
// A rank-3 output is not taken for classes unless asked: auto is mse.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.npy})' | FileCheck %s --check-prefix=MSE

// CHECK-LABEL: func.func @main
// CHECK: qopt.sensitivity = #qopt.sensitivity<method = "output-kl", channels_per_group = 0, values = dense<9.244{{[0-9]*}}E-5> : tensor<1xf64>>
// PROBS-LABEL: func.func @main
// PROBS: qopt.sensitivity = #qopt.sensitivity<method = "output-kl", channels_per_group = 0, values = dense<9.244{{[0-9]*}}E-5> : tensor<1xf64>>
// MSE: method = "output-mse"

func.func @main(%x: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.3, 1.0], [1.0, -0.6]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %z = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_channel(axis = 2)>]>} : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  return %z : tensor<1x2x2xf32>
}

func.func @probs(%x: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.3, 1.0], [1.0, -0.6]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %z = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_channel(axis = 2)>]>} : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  %m = tosa.reduce_max %z {axis = 2 : i32} : (tensor<1x2x2xf32>) -> tensor<1x2x1xf32>
  %s = tosa.sub %z, %m : (tensor<1x2x2xf32>, tensor<1x2x1xf32>) -> tensor<1x2x2xf32>
  %e = tosa.exp %s : (tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %t = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<1x2x2xf32>) -> tensor<1x2x1xf32>
  %r = tosa.reciprocal %t : (tensor<1x2x1xf32>) -> tensor<1x2x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %p = tosa.mul %e, %r, %shift : (tensor<1x2x2xf32>, tensor<1x2x1xf32>, tensor<1xi8>) -> tensor<1x2x2xf32>
  return %p : tensor<1x2x2xf32>
}
