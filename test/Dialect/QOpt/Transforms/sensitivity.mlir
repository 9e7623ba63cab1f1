// Known answers on w = [1.0, 0.3] (a 2x1 matmul weight), candidates si4 and
// si2 per tensor:
//   si4: s = 1/7, 0.3 -> 2/7, error 0.3 - 2/7 = 1/70: weight-error 2.0408e-4
//   si2: s = 1, 0.3 -> 0, error 0.3: weight-error 0.09
// With calibration samples x = [1, 2], [3, 4]: H = [[5, 7], [7, 10]], and
// only the second weight changes, so the Hessian proxy is 10 * error^2 with
// both the diagonal and the full matrix.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([[1, 2], [3, 4]], np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-sensitivity)' | FileCheck %s --check-prefix=WERR
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy},qopt-sensitivity{method=hessian})' | FileCheck %s --check-prefix=HDIAG
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy second-moments=full sidecar=%t/h.npz},qopt-sensitivity{method=hessian hessian=full})' | FileCheck %s --check-prefix=HFULL
// Errors.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=hessian})' 2>&1 | FileCheck %s --check-prefix=NOSTATS
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy},qopt-sensitivity{method=hessian hessian=full})' 2>&1 | FileCheck %s --check-prefix=NOFULL
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=taylor})' 2>&1 | FileCheck %s --check-prefix=METHOD

// WERR: qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense<[2.0408{{[0-9]*}}E-4, {{0.0899999[0-9]*|0.0900000[0-9]*}}]> : tensor<2xf64>>
// HDIAG: qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[0.0020408{{[0-9]*}}, {{0.899999[0-9]*|0.900000[0-9]*}}]> : tensor<2xf64>>
// HFULL: qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[0.0020408{{[0-9]*}}, {{0.899999[0-9]*|0.900000[0-9]*}}]> : tensor<2xf64>>
// NOSTATS: error: {{.*}}qopt-sensitivity: method=hessian needs the layer's input statistics; run qopt-calibrate first
// NOFULL: error: {{.*}}qopt-sensitivity: needs the full input second moments; run qopt-calibrate with second-moments=full
// METHOD: for the --method option: Cannot find option named 'taylor'!

func.func @main(%x: tensor<1x2xf32> {qopt.name = "x"}) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s : (tensor<1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %y = tosa.matmul %x3, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_tensor>, <si2, per_tensor>]>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32> loc("mm")
  return %y : tensor<1x1x1xf32>
}
