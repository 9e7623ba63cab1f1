// Runs an integer-only chain in the reference executor and compares with
// an independent transcription of docs/Semantics.md ("Requantization") in
// plain Python integers (Inputs/integer_chain_reference.py): bit for bit,
// with zero points on both sides, a bias and a ReLU6 (both bounds).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.array([[-1.0, 0.35, 2.0, 6.3, -0.05], [0.0, 0.125, -3.0, 1.5, 4.4]], np.float32))"
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-integer-chains)' -o %t/int.mlir
// RUN: FileCheck %s --check-prefix=IR < %t/int.mlir
// IR: qopt.requantize
// IR-NOT: tosa.clamp
// RUN: qopt-run %t/int.mlir --input a=%t/a.npy --output-dir %t/out
// RUN: %python %S/Inputs/integer_chain_reference.py %t/a.npy %t/out/result0.npy | FileCheck %s
// CHECK: integer-only chain: bit-exact (6 values)

func.func @main(%a: tensor<2x5xf32> {qopt.name = "a"}) -> tensor<2x3xf32> {
  %xq = qopt.quantize %a : tensor<2x5xf32> to tensor<2x5x!quant.uniform<i8:f32, 0.05:-7>>
  %w = qopt.packed_weight dense<[3, -4, 7, 0, -8, 1, 2, -3, 4, 5, -8, -8, 7, 7, 1]> : tensor<15xi8> : tensor<3x5x!quant.uniform<i4:f32:0, {0.125, 0.0625:2, 0.25:-1}>>
  %b = "tosa.const"() <{values = dense<[0.3, -1.2, 2.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %y = qopt.matmul %xq, %w, %b : tensor<2x5x!quant.uniform<i8:f32, 0.05:-7>>, tensor<3x5x!quant.uniform<i4:f32:0, {0.125, 0.0625:2, 0.25:-1}>>, tensor<3xf32> -> tensor<2x3xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %q = qopt.quantize %r : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.03125:-100>>
  %d = qopt.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.03125:-100>> to tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}
