// Options with a fixed set of values (method, hessian, metric, solver,
// cost-resource, activations, second-moments, granularity) are enums: a
// name outside the set is the option parser's error, before any pass runs,
// and the passes print back the spellings they parse.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{solver=foo})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SOLVER
// SOLVER: qopt: error: --pass-pipeline: for the --solver option: Cannot find option named 'foo'!; failed to add `qopt-allocate-bits` with options `solver=foo`
// SOLVER-NOT: qopt-allocate-bits:
// RUN: not qopt %s -qopt-allocate-bits="solver=foo" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FLAG
// FLAG: for the --solver option: Cannot find option named 'foo'!
// qopt-compile checks its own copies of the options the same way.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-compile{solver=foo})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=COMPILE
// COMPILE: qopt: error: --pass-pipeline: for the --solver option: Cannot find option named 'foo'!; qopt-compile: invalid options 'solver=foo'

// A good value parses and is used.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=6 solver=greedy})' -o /dev/null | FileCheck %s --check-prefix=GREEDY
// GREEDY: qopt allocation: 1 layers, solver greedy
// Priced at 0.1 per bit, si8 costs 1 + 0.8 < si4's 2 + 0.4; at 0.1 per
// weight byte (the default resource) si4's 2 + 4.8 < si8's 1 + 8.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-weight=0.1 cost-resource=avg-bits report=})' | FileCheck %s --check-prefix=BITS
// BITS: qopt.format = #qopt.format<si8, per_channel(axis = 2)>
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-weight=0.1 report=})' | FileCheck %s --check-prefix=BYTES
// BYTES: qopt.format = #qopt.format<si4, per_channel(axis = 2)>

// Every spelling round-trips through the printed pipeline (which then
// fails: qopt-calibrate has no data).
// RUN: not qopt %s --dump-pass-pipeline -o /dev/null --pass-pipeline='builtin.module(qopt-calibrate{method=percentile second-moments=full},qopt-sensitivity{method=output hessian=diagonal metric=kl},qopt-allocate-bits{solver=cbc cost-resource=brams},qopt-quantize{activations=float})' 2>&1 | FileCheck %s --check-prefix=PRINT
// PRINT: qopt-calibrate{{.*}} method=percentile {{.*}} second-moments=full
// PRINT: qopt-sensitivity{{.*}} hessian=diagonal {{.*}} method=output metric=kl
// PRINT: qopt-allocate-bits{{.*}} cost-resource=brams {{.*}} solver=cbc
// PRINT: qopt-quantize{activations=float
// RUN: not qopt %s --dump-pass-pipeline -o /dev/null --pass-pipeline='builtin.module(qopt-calibrate,qopt-sensitivity,qopt-allocate-bits,qopt-quantize)' 2>&1 | FileCheck %s --check-prefix=DEFAULTS
// DEFAULTS: qopt-calibrate{{.*}} method=minmax {{.*}} second-moments=diagonal
// DEFAULTS: qopt-sensitivity{{.*}} hessian=auto {{.*}} method=weight-error metric=auto
// DEFAULTS: qopt-allocate-bits{{.*}} cost-resource=weight-bytes {{.*}} solver=exact
// DEFAULTS: qopt-quantize{activations=int8

func.func @main(%x: tensor<1x1x16xf32>) -> tensor<1x1x4xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense<[1.0, 2.0]> : tensor<2xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}
