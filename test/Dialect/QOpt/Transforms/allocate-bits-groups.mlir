// Per-group allocation: layer "g" has 6 output channels in groups of 2
// (sensitivities per group for si8 / si4 / si2: [1, 2, 40], [1, 20, 50],
// [1, 3, 60]); layer "w" (4 channels) is allocated whole: [1, 10, 100].
// Each layer has K = 16, so a group of 2 channels holds 32 parameters and
// costs 32 + 8 (si8), 16 + 8 (si4) or 8 + 8 (si2) bytes; "w" costs
// 64 + 16, 32 + 16 or 16 + 16.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=5 report=%t.table report-json=%t.json})' -mlir-print-local-scope -mlir-print-debuginfo | FileCheck %s
// RUN: FileCheck %s --check-prefix=TABLE < %t.table
// RUN: %python -c "import json; d = json.load(open('%t.json')); l = d['layers'][0]; print(l['chosen'], l['channels_per_group'], l['groups'], l['bytes'], d['average_bits'])" | FileCheck %s --check-prefix=JSON
// The solvers agree.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=5 solver=cbc report=})' -mlir-print-local-scope -mlir-print-debuginfo | FileCheck %s
// All groups alike collapse to one qopt.format.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 report=})' -mlir-print-local-scope -mlir-print-debuginfo | FileCheck %s --check-prefix=UNIFORM
// Floors apply to every group of a layer: at 4 bits at least, 3.2 average
// bits cannot be met.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=3.2 min-bits=4 report=})' 2>&1 | FileCheck %s --check-prefix=FLOOR
// Weight bytes are those of each group's channels.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{weight-bytes=152 report=%t.bytes})' -o /dev/null
// RUN: FileCheck %s --check-prefix=BYTES < %t.bytes
// The allocation through split, fake quantization and the executor runs.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=5 report=},qopt-split-group-formats,qopt-fake-quantize-weights)' -o %t.fq.mlir
// RUN: FileCheck %s --check-prefix=SPLIT < %t.fq.mlir
// Without the split, quantization refuses the layer instead of leaving it
// float.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=5 report=},qopt-fake-quantize-weights)' 2>&1 | FileCheck %s --check-prefix=NOSPLIT
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=5 report=},qopt-quantize{activations=float})' 2>&1 | FileCheck %s --check-prefix=NOSPLIT-Q

// Average 5 bits over 96 + 64 parameters: 800 bits. A group of g takes 64
// (si2), 128 (si4) or 256 (si8) bits; w 128, 256 or 512. With w at si8
// (cost 1) g has 288 bits: at best si2, si2, si4 (cost 93). With w at si4
// (cost 10) g has 544: si4, si8, si4 (512 bits, cost 2 + 1 + 3) is the
// optimum, 16 in all, 768 bits (4.8 average).
// CHECK: tosa.matmul
// CHECK-SAME: qopt.group_formats = #qopt.group_formats<channels_per_group = 2, formats = [#qopt.format<si4, per_channel(axis = 2)>, #qopt.format<si8, per_channel(axis = 2)>, #qopt.format<si4, per_channel(axis = 2)>]>
// CHECK-NOT: qopt.format =
// CHECK-SAME: loc("g")
// CHECK: tosa.matmul
// CHECK-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 2)>
// CHECK-SAME: loc("w")

// TABLE: qopt allocation: 2 layers (4 channel groups), solver exact (optimal), objective 1.6000e+01
// TABLE: budget avg-bits: 4.800 of 5.000
// TABLE: layer params MACs sensitivity per candidate chosen bytes BOPs
// TABLE: g 96 288 si8-ch=3.00e+00 si4-ch=2.50e+01 si2-ch=1.50e+02 si4-ch
// TABLE-SAME: x2 si8-chx1 88
// TABLE: w 64 192 si8-ch=1.00e+00 si4-ch=1.00e+01 si2-ch=1.00e+02 si4-ch 48

// JSON: si4-chx2 si8-chx1 2 ['si4-ch', 'si8-ch', 'si4-ch'] 88 4.8

// UNIFORM: qopt.format = #qopt.format<si4, per_channel(axis = 2)>
// UNIFORM-NOT: group_formats
// UNIFORM-SAME: loc("g")

// FLOOR: error: qopt-allocate-bits: infeasible budgets; avg-bits budget 3.20 is below the smallest achievable 4.00

// 152 bytes: w at si4 (48) and g at si4, si8, si8 (24 + 40 + 40), cost
// 10 + 2 + 1 + 1 = 14; w at si8 (80) leaves 72 for g (all si4, cost 26).
// BYTES: weight bytes 152
// BYTES: g 96 288 {{.*}} si4-chx1 si8-chx2 104
// BYTES: w 64 192 {{.*}} si4-ch 48

// SPLIT: tosa.matmul {{.*}}qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}} -> tensor<1x3x2xf32>
// SPLIT: tosa.matmul {{.*}}qopt.format = #qopt.format<si8, per_channel(axis = 2)>{{.*}} -> tensor<1x3x2xf32>
// SPLIT: tosa.matmul {{.*}}qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}} -> tensor<1x3x2xf32>
// SPLIT: tosa.concat {{.*}} -> tensor<1x3x6xf32>
// SPLIT: tosa.matmul {{.*}}qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}} -> tensor<1x3x4xf32>

// NOSPLIT: error: {{.*}}qopt-fake-quantize-weights: layer 'g' has a format per channel group; run qopt-split-group-formats first
// NOSPLIT-Q: error: {{.*}}qopt-quantize: layer 'g' has a format per channel group; run qopt-split-group-formats first

#cands = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>, <si2, per_channel(axis = 2)>]>
func.func @main(%x: tensor<1x3x16xf32>) -> (tensor<1x3x6xf32>, tensor<1x3x4xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %wg = "tosa.const"() <{values = dense<0.5> : tensor<1x16x6xf32>}> : () -> tensor<1x16x6xf32>
  %g = tosa.matmul %x, %wg, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 2, values = dense<[[1.0, 2.0, 40.0], [1.0, 20.0, 50.0], [1.0, 3.0, 60.0]]> : tensor<3x3xf64>>} : (tensor<1x3x16xf32>, tensor<1x16x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x6xf32> loc("g")
  %ww = "tosa.const"() <{values = dense<0.25> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %w = tosa.matmul %x, %ww, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense<[1.0, 10.0, 100.0]> : tensor<3xf64>>} : (tensor<1x3x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4xf32> loc("w")
  return %g, %w : tensor<1x3x6xf32>, tensor<1x3x4xf32>
}
