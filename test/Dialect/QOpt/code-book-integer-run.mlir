// The integer path of code-book weights (docs/Semantics.md, "Minifloat
// weights on the integer path"), worked out by hand and run in the
// reference executor: int8 codes x = [2, -1, 4] (sx = 0.25), f8E4M3FN rows
// [1.0, -2.0, 2^-9] and [448, 0.5, -2^-9] (codes 0x38 0xC0 0x01 and 0x7E
// 0x30 0x81), scales 1 and 0.5. With E = 9 the integers are [512, -1024, 1]
// and [229376, 256, -1]:
//   acc = [2*512 + 1024 + 4, 2*229376 - 256 - 4] = [2052, 458492]
//   float epilogue: acc * float32(sx * s * 2^-9) = [2052 / 2048, 458492 / 4096]
//     = [1.001953125, 111.9365234375] (exact; the float product x . w gives
//     the same)
//   i64 accumulator with bias [10, -20]: [2062, 458472], requantized with
//     multipliers 2^30 and shifts 41, 42 (2^-11, 2^-12 into sy = 1):
//     round(2062 / 2048) = 1, round(458472 / 4096) = 112.
//   with bias [2^38, -2^38] and M = 2^30, S = 62 the products exceed int64
//     (2^68): round((2^38 + 2052) / 2^32) = 64, round((458492 - 2^38) / 2^32)
//     = -64.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.array([[0.5, -0.25, 1.0]], np.float32))"
// RUN: qopt-run %s --input a=%t/a.npy --output-dir %t/out
// RUN: %python -c "import numpy as np; [print(np.load('%t/out/result%%d.npy' %% i).tolist()) for i in range(3)]" | FileCheck %s
// CHECK: {{\[}}[1.001953125, 111.9365234375]]
// CHECK: {{\[}}[1.0, 112.0]]
// CHECK: {{\[}}[64.0, -64.0]]

func.func @main(%a: tensor<1x3xf32> {qopt.name = "a"}) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %xq = qopt.quantize %a : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i8:f32, 0.25>>
  %w = qopt.packed_weight dense<[56, -64, 1, 126, 48, -127]> : tensor<6xi8> scales dense<[[1.0], [0.5]]> : tensor<2x1xf32> : tensor<2x3xf8E4M3FN>
  %y = qopt.matmul %xq, %w : tensor<1x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3xf8E4M3FN> -> tensor<1x2xf32>
  %b = "tosa.const"() <{values = dense<[10, -20]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %acc = qopt.matmul %xq, %w, %b : tensor<1x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3xf8E4M3FN>, tensor<2xi64> -> tensor<1x2xi64>
  %q = qopt.requantize %acc {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 41, 42>} : tensor<1x2xi64> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %d = qopt.dequantize %q : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  %bb = "tosa.const"() <{values = dense<[274877906944, -274877906944]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %acc2 = qopt.matmul %xq, %w, %bb : tensor<1x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3xf8E4M3FN>, tensor<2xi64> -> tensor<1x2xi64>
  %q2 = qopt.requantize %acc2 {multiplier = array<i32: 1073741824>, shift = array<i32: 62>} : tensor<1x2xi64> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %d2 = qopt.dequantize %q2 : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  return %y, %d, %d2 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
