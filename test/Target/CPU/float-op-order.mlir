// Float layers between integer layers must round identically in the
// reference executor and in compiled code, or a quantized value downstream
// flips (efficientnet_b0 / mobilenets differed by 1.6e-2 before). A float
// depthwise convolution sums its taps from zero in (ky, kx) order and adds
// the bias last, as TOSA's linalg lowering does (docs/Semantics.md, "Float
// ops between integer layers"). With taps 1e8 and -1e8 and bias 1, that
// order gives exactly 1; adding the bias first would give 0.

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([1e8, -1e8], np.float32).reshape(1, 1, 2, 1))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-cpu-pipeline{name=dw})' -o %t/libdw.so
// RUN: qopt-run %s --input x=%t/x.npy --output-dir %t/ref
// RUN: qopt-run %t/libdw.so --input x=%t/x.npy --output-dir %t/lib
// RUN: %python -c "import numpy as np; r = np.load('%t/ref/y.npy'); l = np.load('%t/lib/y.npy'); print(r.ravel().tolist(), l.ravel().tolist())" | FileCheck %s
// CHECK: [1.0] [1.0]

func.func @main(%x: tensor<1x1x2x1xf32> {qopt.name = "x"}) -> (tensor<1x1x1x1xf32> {qopt.name = "y"}) {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x2x1xf32>, tensor<1x2x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}
