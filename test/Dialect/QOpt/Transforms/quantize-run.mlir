// Runs quantized layers in the reference executor and compares with an
// independent transcription of docs/Semantics.md in numpy
// (Inputs/semantics_reference.py): bit for bit on the integer path, to
// float rounding on the weight-only path.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.array([[[-1.0, 0.0], [0.5, 1.0], [3.0, 2.0]]], np.float32))"
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-quantize)' -o %t/int8.mlir
// RUN: qopt-run %t/int8.mlir --input a=%t/a.npy --output-dir %t/int8
// RUN: %python %S/Inputs/semantics_reference.py int8 %t/a.npy %t/int8/result0.npy | FileCheck %s --check-prefix=INT8
// INT8: integer path: bit-exact (6 values)
// RUN: qopt %s -pass-pipeline='builtin.module(qopt-quantize{activations=float})' -o %t/float.mlir
// RUN: qopt-run %t/float.mlir --input a=%t/a.npy --output-dir %t/float
// RUN: %python %S/Inputs/semantics_reference.py float %t/a.npy %t/float/result0.npy | FileCheck %s --check-prefix=FLOAT
// FLOAT: weight-only path: within 1e-6 (6 values)

func.func @main(%a: tensor<1x3x2xf32> {qopt.name = "a", qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.5, -1.0], [0.25, 1.0]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<si4, per_channel(axis = 2)>} : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}
