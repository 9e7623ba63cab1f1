// qopt-cpu-materialize-weights: qopt-quantize's logical fields (one per
// byte) become the CPU kernels' block64 layout (include/qopt-runtime/
// packing.h), padding with the row's last zero point (integer) or code 0.
// The reference executor reads both layouts: its results on the logical
// and on the materialised IR are identical.
//
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-cpu-materialize-weights)' | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-cpu-materialize-weights)' -o %t/block64.mlir
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.linspace(-2, 3, 40, dtype=np.float32).reshape(1, 40))"
// RUN: qopt-run %s --input x=%t/x.npy --output-dir %t/logical
// RUN: qopt-run %t/block64.mlir --input x=%t/x.npy --output-dir %t/block64
// RUN: cmp %t/logical/result0.npy %t/block64/result0.npy
// RUN: cmp %t/logical/result1.npy %t/block64/result1.npy
// RUN: cmp %t/logical/result2.npy %t/block64/result2.npy
// RUN: cmp %t/logical/result3.npy %t/block64/result3.npy
// Running it twice changes nothing (block64 weights are left alone).
// RUN: qopt %t/block64.mlir -pass-pipeline='builtin.module(qopt-cpu-materialize-weights)' | FileCheck %s

// 2-bit fields, four to a byte (j, j + 16, j + 32, j + 48); the 60 padding
// fields hold the zero point -2 (field 0b10): bytes AA AB A8 A9, then AA.
// CHECK-LABEL: func.func @main
// CHECK: qopt.packed_weight dense_resource<[[I2:.*]]> : tensor<16xi8> layout <block64> : tensor<1x4x!quant.uniform<i2:f32:0, {1.000000e+00:-2}>>
// 4-bit codes, nibbles j and j + 32; padding code 0.
// CHECK: qopt.packed_weight dense_resource<[[F4:.*]]> : tensor<32xi8> scales {{.*}} layout <block64> : tensor<1x4xf4E2M1FN>
// Groups of 20 of 40 int4 fields (all 1): bytes 0-7 pair fields j and
// j + 32 (both 1), bytes 8-31 field j with padding, the last group's zero
// point 3.
// CHECK: qopt.packed_weight dense_resource<[[I4:.*]]> : tensor<32xi8> layout <block64> : tensor<1x40x!quant.uniform<i4:f32:{0:1, 1:20}
// 8-bit fields, one per byte, rows padded to 64 with their zero point.
// CHECK: qopt.packed_weight dense_resource<[[I8:.*]]> : tensor<128xi8> layout <block64> : tensor<2x3x!quant.uniform<i8:f32:0, {5.000000e-01:5,2.500000e-01:-7}>>
// CHECK: [[I2]]: "0x40000000AAABA8A9AAAAAAAAAAAAAAAAAAAAAAAA"
// CHECK: [[F4]]: "0x40000000070D070000000000000000000000000000000000000000000000000000000000"
// CHECK: [[I4]]: "0x400000001111111111111111313131313131313131313131313131313131313131313131"
// CHECK: [[I8]]: "0x400000000102FD050505050505050505050505050505050505050505050505050505050505050505050505050505050505050505050505050505050505050505050505057FFF80F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9F9"
func.func @main(%x: tensor<1x40xf32> {qopt.name = "x"})
    -> (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x2xf32>) {
  %s0 = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s3 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %x4 = tosa.slice %x, %s0, %s4 : (tensor<1x40xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4xf32>
  %x3 = tosa.slice %x, %s0, %s3 : (tensor<1x40xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x3xf32>
  %w2 = qopt.packed_weight dense<[-2, -1, 0, 1]> : tensor<4xi8> : tensor<1x4x!quant.uniform<i2:f32:0, {1.0:-2}>>
  %y2 = qopt.matmul %x4, %w2 : tensor<1x4xf32>, tensor<1x4x!quant.uniform<i2:f32:0, {1.0:-2}>> -> tensor<1x1xf32>
  %wf = qopt.packed_weight dense<[7, 13, 7, 0]> : tensor<4xi8> scales dense<[[0.5, 0.25]]> : tensor<1x2xf32> : tensor<1x4xf4E2M1FN>
  %yf = qopt.matmul %x4, %wf : tensor<1x4xf32>, tensor<1x4xf4E2M1FN> -> tensor<1x1xf32>
  %w4 = qopt.packed_weight dense<1> : tensor<40xi8> : tensor<1x40x!quant.uniform<i4:f32:{0:1, 1:20}, {{0.5:-1, 0.25:3}}>>
  %y4 = qopt.matmul %x, %w4 : tensor<1x40xf32>, tensor<1x40x!quant.uniform<i4:f32:{0:1, 1:20}, {{0.5:-1, 0.25:3}}>> -> tensor<1x1xf32>
  %w8 = qopt.packed_weight dense<[1, 2, -3, 127, -1, -128]> : tensor<6xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.5:5, 0.25:-7}>>
  %y8 = qopt.matmul %x3, %w8 : tensor<1x3xf32>, tensor<2x3x!quant.uniform<i8:f32:0, {0.5:5, 0.25:-7}>> -> tensor<1x2xf32>
  return %y2, %yf, %y4, %y8 : tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x2xf32>
}
