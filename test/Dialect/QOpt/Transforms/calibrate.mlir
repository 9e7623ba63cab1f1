// Known statistics on a tiny model: samples x = [1, 2] and [3, 4] (batch 1).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([[1, 2], [3, 4]], np.float32)); np.save('%t/bad.npy', np.zeros((2, 3), np.float32))"
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy})' | FileCheck %s
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy second-moments=full sidecar=%t/h.npz})' -o %t/full.mlir
// RUN: FileCheck %s --check-prefix=FULL < %t/full.mlir
// RUN: %python -c "import numpy as np; print(np.load('%t/h.npz')['mm'].tolist())" | FileCheck %s --check-prefix=MATRIX
// Histograms go to the sidecar with the other methods.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy method=percentile sidecar=%t/hist.npz})' | FileCheck %s --check-prefix=HIST
// RUN: %python -c "import numpy as np; z = np.load('%t/hist.npz'); print(sorted(z.files), int(z['act0.counts'].sum()), z['act0.range'].tolist())" | FileCheck %s --check-prefix=HISTFILE
// Normalization, and determinism: the same data gives the same bytes.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy input-mean=1 input-std=2})' | FileCheck %s --check-prefix=NORM
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy second-moments=full sidecar=%t/h2.npz})' -o %t/full2.mlir
// RUN: cmp %t/h.npz %t/h2.npz
// Errors.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate)' 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy method=median})' 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy second-moments=full})' 2>&1 | FileCheck %s --check-prefix=SIDECAR
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/bad.npy})' 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/missing.npy})' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=%t/x.npy batch-size=8})' 2>&1 | FileCheck %s --check-prefix=BATCH

// CHECK-LABEL: func.func @main
// CHECK-SAME: qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 2, axis = -1, min = [1.000000e+00], max = [4.000000e+00], lo = [1.000000e+00], hi = [4.000000e+00]>
// y = x0 * 1 + x1 * -1: -1 for both samples.
// CHECK: tosa.matmul
// CHECK-SAME: qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 2, axis = -1, min = [-1.000000e+00], max = [-1.000000e+00]
// E[x0^2] = (1 + 9) / 2 = 5, E[x1^2] = (4 + 16) / 2 = 10; the means
// E[x0] = 2, E[x1] = 3.
// CHECK-SAME: qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense_resource<mm_hdiag> : tensor<2xf32>, mean = dense_resource<mm_mean> : tensor<2xf32>>
// CHECK: mm_hdiag: "0x040000000000A04000002041"
// CHECK: mm_mean: "0x040000000000004000004040"

// FULL: qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense_resource<mm_hdiag> : tensor<2xf32>, mean = dense_resource<mm_mean> : tensor<2xf32>, sidecar = "{{.*}}h.npz", key = "mm", sha256 = "{{[0-9a-f]+}}">
// E[x x^T] = [[5, 7], [7, 10]].
// MATRIX: {{\[\[}}5.0, 7.0], [7.0, 10.0]]

// HIST: func.func @main(%arg0: tensor<1x2xf32> {qopt.act_stats = #qopt.act_stats<method = "percentile", samples = 2, axis = -1, min = [1.000000e+00], max = [4.000000e+00], lo = [1.000000e+00], hi = [4.000000e+00], sidecar = "{{.*}}hist.npz", histogram = "act0", sha256 = "{{[0-9a-f]+}}">
// HISTFILE: ['act0.counts', 'act0.range', 'act1.counts', 'act1.range', 'act2.counts', 'act2.range'] 4 {{\[\[}}1.0, 4.0]]

// (x - 1) / 2: samples [0, 0.5] and [1, 1.5].
// NORM: min = [0.000000e+00], max = [1.500000e+00]

// NODATA: error: qopt-calibrate: no data given
// METHOD: for the --method option: Cannot find option named 'median'!
// SIDECAR: error: qopt-calibrate: second-moments=full needs sidecar=FILE.npz
// SHAPE: error: qopt-calibrate: sample 0 has 3 values, input 'x' takes 2 per batch element ([1, 2])
// BATCH: error: qopt-calibrate: batch-size=8 but input 'x' has batch 1; import the model with --input-shape=x:8x... to calibrate in batches of 8
// MISSING: error: qopt-calibrate: {{.*}}missing.npy: cannot read: No such file or directory

func.func @main(%x: tensor<1x2xf32> {qopt.name = "x"}) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [-1.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s : (tensor<1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %y = tosa.matmul %x3, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32> loc("mm")
  return %y : tensor<1x1x1xf32>
}
