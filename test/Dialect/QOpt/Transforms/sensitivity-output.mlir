// qopt-sensitivity{method=output}: y = x W with W = [0.3, 1.0] (one output
// channel, max |w| = 1). si8: scale 1/127, 0.3 -> 38/127, dW = -7.874e-4;
// si4: scale 1/7, 0.3 -> 2/7, dW = -1.4286e-2. Samples x = [1, 2] and
// [3, -1] give errors dW and 3 dW, so the MSE is 5 dW^2: 3.0999e-06 and
// 1.0204e-03.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[1.0, 2.0]], [[3.0, -1.0]]], dtype=np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.npy})' -o %t.mlir
// RUN: FileCheck %s < %t.mlir
// The result parses back (round trip).
// RUN: qopt %t.mlir | FileCheck %s
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output})' 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.npy metric=kl})' 2>&1 | FileCheck %s --check-prefix=KL
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=%t.missing.npy})' 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK: tosa.matmul
// CHECK-SAME: qopt.sensitivity = #qopt.sensitivity<method = "output-mse", channels_per_group = 0, values = dense<[3.099{{[0-9]*}}E-6, 0.0010204{{[0-9]*}}]> : tensor<2xf64>>
// NODATA: error: qopt-sensitivity: method=output needs data=...
// KL: error: qopt-sensitivity: metric=kl needs an output of rank 2 or more with at least two classes on its last axis; 'result0' is {{\[}}1, 1, 1]
// MISSING: error: qopt-sensitivity: {{.*}}missing.npy

func.func @main(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.3], [1.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}
