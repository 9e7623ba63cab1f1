// qopt.requantize with a fused residual add (docs/Semantics.md,
// "Residual adds"), worked out by hand and run in the reference executor:
// int8 codes x = [2, -1, 4] (sx = 0.25), int8 rows [1, 2, 3] and
// [-1, 0, 2]: acc = [12, 6]. The shortcut b = [1.0, -2.0] quantized with
// scale 0.5 and zero point 10: r = [12, 6], r - zr = [2, -4].
// M = 2^30, S = 31 (acc / 2) and Mr = 2^31 (sr / sy = 1):
//   out = (acc * 2^30 + (r - zr) * 2^31 + 2^30) >> 31
//       = floor(acc / 2 + (r - zr) + 1/2) = [floor(8.5), floor(-0.5)]
//       = [8, -1]; with min = 0 (a fused ReLU): [8, 0].
// With the largest Mr, 2^54 - 1, and S = 62: (r - zr) * Mr / 2^62 =
// [2, -4] * (2^54 - 1) / 2^62 ~ [0.0078, -0.0156]: both round to 0.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.array([[0.5, -0.25, 1.0]], np.float32)); np.save('%t/b.npy', np.array([[1.0, -2.0]], np.float32))"
// RUN: qopt-run %s --input a=%t/a.npy --input b=%t/b.npy --output-dir %t/out
// RUN: %python -c "import numpy as np; [print(np.load('%t/out/result%%d.npy' %% i).tolist()) for i in range(3)]" | FileCheck %s
// CHECK: {{\[}}[8.0, -1.0]]
// CHECK: {{\[}}[8.0, 0.0]]
// CHECK: {{\[}}[0.0, 0.0]]

func.func @main(%a: tensor<1x3xf32> {qopt.name = "a"}, %b: tensor<1x2xf32> {qopt.name = "b"}) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %xq = qopt.quantize %a : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i8:f32, 0.25>>
  %rq = qopt.quantize %b : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5:10>>
  %w = qopt.packed_weight dense<[1, 2, 3, -1, 0, 2]> : tensor<6xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 1.0}>>
  %acc = qopt.matmul %xq, %w : tensor<1x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3x!quant.uniform<i8:f32:0, {1.0, 1.0}>> -> tensor<1x2xi32>
  %q = qopt.requantize %acc residual %rq : tensor<1x2x!quant.uniform<i8:f32, 0.5:10>> {multiplier = array<i32: 1073741824>, shift = array<i32: 31>, residual_multiplier = array<i64: 2147483648>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %d = qopt.dequantize %q : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  %q2 = qopt.requantize %acc residual %rq : tensor<1x2x!quant.uniform<i8:f32, 0.5:10>> {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 31, 31>, residual_multiplier = array<i64: 2147483648, 2147483648>, min = 0 : i32} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %d2 = qopt.dequantize %q2 : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  %q3 = qopt.requantize %acc residual %rq : tensor<1x2x!quant.uniform<i8:f32, 0.5:10>> {multiplier = array<i32: 1073741824>, shift = array<i32: 62>, residual_multiplier = array<i64: 18014398509481983>} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %d3 = qopt.dequantize %q3 : tensor<1x2x!quant.uniform<i8:f32, 1.0>> to tensor<1x2xf32>
  return %d, %d2, %d3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
