// Layers as other MLIR frontends emit them: named linalg ops on tensors
// (linalg.conv_2d_nhwc_hwcf, linalg.matmul, linalg.batch_matmul) with
// constant weights and inits, reshaped by tensor.collapse_shape /
// expand_shape. They are found through QuantizableOpInterface, calibrated
// through their patch geometry, and get the same sensitivities and the same
// allocation as the equivalent TOSA model (Inputs/linalg-frontend-tosa.mlir:
// the same weights in TOSA's layouts).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(1).standard_normal((8, 7, 7, 3)).astype(np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4,2},qopt-calibrate{data=%t/x.npy},qopt-sensitivity{method=hessian},qopt-allocate-bits{avg-bits=5 report=%t/linalg.table})' -mlir-print-debuginfo -o %t/linalg.mlir
// RUN: qopt %S/Inputs/linalg-frontend-tosa.mlir --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4,2},qopt-calibrate{data=%t/x.npy},qopt-sensitivity{method=hessian},qopt-allocate-bits{avg-bits=5 report=%t/tosa.table})' -mlir-print-debuginfo -o %t/tosa.mlir
// RUN: FileCheck %s < %t/linalg.mlir
// RUN: FileCheck %s --check-prefix=TABLE < %t/linalg.table
// RUN: FileCheck %s --check-prefix=TABLE < %t/tosa.table
// The same layer outputs (the executor's linalg kernels compute the TOSA
// kernels' bits), the same input moments, bit for bit, and the same
// sensitivities (up to the last bits of the conv's sum, taken in each
// weight's storage order: HWCF here, OHWI in TOSA).
// RUN: grep '_hdiag: ' %t/linalg.mlir > %t/linalg.diag
// RUN: grep '_hdiag: ' %t/tosa.mlir > %t/tosa.diag
// RUN: diff %t/linalg.diag %t/tosa.diag
// RUN: %python %S/Inputs/compare_sensitivities.py %t/linalg.mlir %t/tosa.mlir | FileCheck %s --check-prefix=SENS
// The full second moments and the sensitivities through them too.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4,2},qopt-calibrate{data=%t/x.npy second-moments=full sidecar=%t/linalg.npz},qopt-sensitivity{method=hessian hessian=full})' -mlir-print-debuginfo -o %t/linalg-full.mlir
// RUN: qopt %S/Inputs/linalg-frontend-tosa.mlir --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4,2},qopt-calibrate{data=%t/x.npy second-moments=full sidecar=%t/tosa.npz},qopt-sensitivity{method=hessian hessian=full})' -mlir-print-debuginfo -o %t/tosa-full.mlir
// RUN: %python -c "import numpy as np; a = np.load('%t/linalg.npz'); b = np.load('%t/tosa.npz'); print(sorted(a.files), all((a[k] == b[k]).all() for k in a.files))" | FileCheck %s --check-prefix=NPZ
// RUN: %python %S/Inputs/compare_sensitivities.py %t/linalg-full.mlir %t/tosa-full.mlir | FileCheck %s --check-prefix=SENS

// CHECK-LABEL: func.func @main
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 3)>
// CHECK-SAME: qopt.input_stats = #qopt.input_stats<samples = 8, diag = dense_resource<{{.*}}> : tensor<3x3x3xf32>>
// CHECK: linalg.matmul
// CHECK-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 1)>
// CHECK-SAME: qopt.input_stats = #qopt.input_stats<samples = 8, diag = dense_resource<{{.*}}> : tensor<4xf32>>
// CHECK: linalg.batch_matmul
// CHECK-SAME: qopt.format = #qopt.format<si8, per_channel(axis = 2)>
// CHECK-SAME: qopt.input_stats = #qopt.input_stats<samples = 8, diag = dense_resource<{{.*}}> : tensor<6xf32>>

// TABLE: qopt allocation: 3 layers, solver exact (optimal)
// TABLE-NEXT: weight bytes 156, average bits 4.741, BOPs 1.106e+05
// TABLE-NEXT: budget avg-bits: 4.741 of 5.000
// TABLE-NEXT: layer params MACs sensitivity per candidate chosen bytes BOPs
// TABLE-NEXT: conv 108 1944 si8-ch=6.55e-04 si4-ch=1.95e-01 si2-ch=9.05e+00 si4-ch 70 6.221e+04
// TABLE-NEXT: fc 24 432 si8-ch=5.09e-04 si4-ch=1.90e-01 si2-ch=7.18e+00 si4-ch 36 1.382e+04
// TABLE-NEXT: head 30 540 si8-ch=7.13e-04 si4-ch=4.07e-01 si2-ch=1.45e+01 si8-ch 50 3.456e+04

// SENS: conv fc head: equal output ranges; 9 sensitivities, max relative difference below 1e-12

// NPZ: ['conv', 'fc', 'head'] True

func.func @main(%x: tensor<2x7x7x3xf32>) -> tensor<1x18x5xf32> {
  %w0 = arith.constant dense<[[[[0.001, 0.149, -0.137, -0.445],   [-0.227, -0.496, 0.030, 0.670],   [-0.246, -0.310, 0.245, 0.178]],  [[0.053, -0.465, -0.015, 0.348],   [-0.672, -0.229, -0.951, -0.645],   [-0.921, -0.118, -0.634, 0.136]],  [[0.078, -0.093, -1.258, -0.269],   [-0.024, 0.057, -0.765, -0.239],   [-0.489, -0.404, 0.530, -0.404]]], [[[-0.016, 0.442, -0.292, -0.056],   [0.055, 0.032, -0.613, 0.038],   [0.679, -0.774, 0.430, 0.060]],  [[-0.321, 1.000, 0.381, -0.600],   [0.037, 0.288, -0.094, 0.341],   [-0.033, 0.334, 0.719, -0.338]],  [[0.102, -0.232, 0.064, -0.594],   [-0.290, -0.098, 0.449, 0.573],   [-0.662, -0.397, 0.323, -0.996]]], [[[-0.232, -0.049, 0.629, 0.345],   [-0.164, -0.184, -0.125, 0.762],   [-0.214, -0.152, 0.176, -0.060]],  [[-0.099, -0.557, -0.006, -0.222],   [0.583, 0.327, -0.012, 0.334],   [-0.170, 0.526, -0.003, 0.292]],  [[-0.645, 0.173, -0.844, -1.018],   [-0.152, -0.450, 0.082, 1.122],   [-0.416, -0.312, 0.103, 0.247]]]]> : tensor<3x3x3x4xf32>
  %i0 = arith.constant dense<0.0> : tensor<2x3x3x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w0 : tensor<2x7x7x3xf32>, tensor<3x3x3x4xf32>) outs(%i0 : tensor<2x3x3x4xf32>) -> tensor<2x3x3x4xf32> loc("conv")
  %r = tensor.collapse_shape %c [[0, 1, 2], [3]] : tensor<2x3x3x4xf32> into tensor<18x4xf32>
  %w1 = arith.constant dense<[[-0.123, -0.144, 0.492, 0.364, -0.724, -0.055], [0.025, -0.738, 0.182, -0.601, 0.680, 0.135], [0.063, -0.414, -0.083, -1.398, -0.792, 0.254], [-1.490, 0.593, -1.222, 0.530, -0.592, 0.545]]> : tensor<4x6xf32>
  %i1 = arith.constant dense<0.0> : tensor<18x6xf32>
  %m = linalg.matmul ins(%r, %w1 : tensor<18x4xf32>, tensor<4x6xf32>) outs(%i1 : tensor<18x6xf32>) -> tensor<18x6xf32> loc("fc")
  %e = tensor.expand_shape %m [[0, 1], [2]] output_shape [1, 18, 6] : tensor<18x6xf32> into tensor<1x18x6xf32>
  %w2 = arith.constant dense<[[[0.079, -0.922, 0.749, 0.865, -0.039],  [-0.164, -0.096, -0.585, 0.659, -0.326],  [-0.031, -0.476, -0.376, -0.767, 0.754],  [-0.092, 0.580, 0.008, -0.417, -0.196],  [-0.336, 0.005, -0.225, -0.180, -0.827],  [-0.484, 0.992, -0.403, -0.632, 0.202]]]> : tensor<1x6x5xf32>
  %i2 = arith.constant dense<0.0> : tensor<1x18x5xf32>
  %y = linalg.batch_matmul ins(%e, %w2 : tensor<1x18x6xf32>, tensor<1x6x5xf32>) outs(%i2 : tensor<1x18x5xf32>) -> tensor<1x18x5xf32> loc("head")
  return %y : tensor<1x18x5xf32>
}
