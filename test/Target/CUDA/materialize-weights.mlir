// qopt-cuda-materialize-weights: logical weights become the CUDA kernels'
// fragment layouts (include/qopt-runtime/cuda_layout.h): mma_f16 for the
// weight-only layers (float inputs), mma_s8 for the integer path (int8
// inputs). The reference executor reads every layout: its results on the
// logical and on the materialised IR are identical. Running the pass
// twice changes nothing.
//
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-cuda-materialize-weights)' | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-cuda-materialize-weights)' -o %t/mma.mlir
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.linspace(-2, 3, 64, dtype=np.float32).reshape(1, 64))"
// RUN: qopt-run %s --input x=%t/x.npy --output-dir %t/logical
// RUN: qopt-run %t/mma.mlir --input x=%t/x.npy --output-dir %t/mma
// RUN: cmp %t/logical/result0.npy %t/mma/result0.npy
// RUN: cmp %t/logical/result1.npy %t/mma/result1.npy
// RUN: cmp %t/logical/result2.npy %t/mma/result2.npy
// RUN: cmp %t/logical/result3.npy %t/mma/result3.npy
// RUN: qopt %t/mma.mlir -pass-pipeline='builtin.module(qopt-cuda-materialize-weights)' | FileCheck %s

// 8-bit weight-only, 1 x 16 (q = k - 8): one 16 x 64 block, 32 lanes x 8
// words. Lane 0 holds column 0 rows 0, 1, 8, 9 (pair 0: k 0/1, pair 1:
// k 8/9) in word 0 as slots 0, 2, 1, 3, biased by 128: 78 80 79 81; its
// other words are columns 8..56 (padding: u = 128).
// CHECK-LABEL: func.func @main
// CHECK: qopt.packed_weight dense_resource<[[W8:.*]]> : tensor<1024xi8> layout <mma_f16> : tensor<1x16x!quant.uniform<i8:f32:0, {5.000000e-01}>>
// 4-bit f4E2M1FN codes, 2 x 64: 4 blocks of K, 4 words a lane.
// CHECK: qopt.packed_weight dense_resource<{{.*}}> : tensor<2048xi8> scales {{.*}} layout <mma_f16> : tensor<2x64xf4E2M1FN>
// int4 in groups of 16 with zero points, 3 x 64.
// CHECK: qopt.packed_weight dense_resource<{{.*}}> : tensor<2048xi8> layout <mma_f16> : tensor<3x64x!quant.uniform<i4:f32:{0:1, 1:16}
// int8 on the integer path, 1 x 32 (q = k - 16): one 32 x 64 block, 16
// words a lane; lane 0's word 0 is column 0 rows 0..3, word 1 rows
// 16..19, the rest padding (0).
// CHECK: qopt.packed_weight dense_resource<[[S8:.*]]> : tensor<2048xi8> layout <mma_s8> : tensor<1x32x!quant.uniform<i8:f32:0, {2.500000e-01}>>
// CHECK: [[W8]]: "0x400000007880798180808080808080808080808080808080
// CHECK: [[S8]]: "0x40000000F0F1F2F300010203000000000000000000000000
func.func @main(%x: tensor<1x64xf32> {qopt.name = "x"})
    -> (tensor<1x1xf32>, tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x1xf32>) {
  %s0 = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s16 = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s32 = tosa.const_shape {values = dense<[1, 32]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %x16 = tosa.slice %x, %s0, %s16 : (tensor<1x64xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x16xf32>
  %x32 = tosa.slice %x, %s0, %s32 : (tensor<1x64xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x32xf32>
  %w8 = qopt.packed_weight dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]> : tensor<16xi8> : tensor<1x16x!quant.uniform<i8:f32:0, {0.5}>>
  %y8 = qopt.matmul %x16, %w8 : tensor<1x16xf32>, tensor<1x16x!quant.uniform<i8:f32:0, {0.5}>> -> tensor<1x1xf32>
  %wf = qopt.packed_weight dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<128xi8> scales dense<[[0.5], [0.25]]> : tensor<2x1xf32> : tensor<2x64xf4E2M1FN>
  %yf = qopt.matmul %x, %wf : tensor<1x64xf32>, tensor<2x64xf4E2M1FN> -> tensor<1x2xf32>
  %w4 = qopt.packed_weight dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, -1, -2, -3, -4, -5, -6, -7, -8, -1, -2, -3, -4, -5, -6, -7, -8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 5, -5, 5, -5, 5, -5, 5, -5, 5, -5, 5, -5, 5, -5, 5, -5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, -8, 7, -8, 7, -8, 7, -8, 7, -8, 7, -8, 7, -8, 7, -8, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0, 3, 2, 1, 0]> : tensor<192xi8> : tensor<3x64x!quant.uniform<i4:f32:{0:1, 1:16}, {{0.5:-1, 0.25:3, 0.125:0, 1.0:-8}, {0.5:2, 0.5:2, 0.5:2, 0.5:2}, {0.1:7, 0.2:-8, 0.3:0, 0.4:1}}>>
  %y4 = qopt.matmul %x, %w4 : tensor<1x64xf32>, tensor<3x64x!quant.uniform<i4:f32:{0:1, 1:16}, {{0.5:-1, 0.25:3, 0.125:0, 1.0:-8}, {0.5:2, 0.5:2, 0.5:2, 0.5:2}, {0.1:7, 0.2:-8, 0.3:0, 0.4:1}}>> -> tensor<1x3xf32>
  %xq = qopt.quantize %x32 : tensor<1x32xf32> to tensor<1x32x!quant.uniform<i8:f32, 0.05:3>>
  %ws = qopt.packed_weight dense<[-16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<32xi8> : tensor<1x32x!quant.uniform<i8:f32:0, {0.25}>>
  %ys = qopt.matmul %xq, %ws : tensor<1x32x!quant.uniform<i8:f32, 0.05:3>>, tensor<1x32x!quant.uniform<i8:f32:0, {0.25}>> -> tensor<1x1xf32>
  return %y8, %yf, %y4, %ys : tensor<1x1xf32>, tensor<1x2xf32>, tensor<1x3xf32>, tensor<1x1xf32>
}
