// qopt-calibrate{smooth-alpha=A} (SmoothQuant): y = x W, W = [[1], [4]]
// (K = 2, one output). Samples x = [1, 8] and [-2, 2]: max|x_k| = [2, 8],
// max|W_k| = [1, 4]; A = 0.5: s_k = sqrt(a_k) / sqrt(w_k) = [sqrt 2, sqrt 2].
// A = 0.75: s = [2^0.75 / 1^0.25, 8^0.75 / 4^0.25] = [1.6818, 3.3636].
// The layer then reads x * (1/s) and diag(s) W; statistics are recorded on
// the smoothed model (the mul's range), and the float result is unchanged.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[1.0, 8.0]], [[-2.0, 2.0]]], dtype=np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t.npy smooth-alpha=0.75})' | FileCheck %s
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t.npy smooth-alpha=0.5})' | FileCheck %s --check-prefix=HALF
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t.npy smooth-alpha=1.5})' 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}1.68179{{[0-9]*}}], [13.4543{{[0-9]*}}]]]> : tensor<1x2x1xf32>}>
// CHECK-DAG: %[[INV:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}0.594603{{[0-9]*}}, 0.297301{{[0-9]*}}]]]> : tensor<1x1x2xf32>}>
// CHECK: %[[X:.*]] = tosa.mul %arg0, %[[INV]], %{{.*}} {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 2
// CHECK: tosa.matmul %[[X]], %[[W]]
// HALF: dense<0.707106{{[0-9]*}}> : tensor<1x1x2xf32>
// BAD: error: qopt-calibrate: smooth-alpha must be in (0, 1) (0: off), got 1.5

func.func @main(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [4.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}
