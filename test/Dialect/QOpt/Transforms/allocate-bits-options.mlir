// Option values that mean nothing are rejected before any work, one error
// per option, at the module.
// RUN: qopt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qopt-allocate-bits{weight-bytes=-1 avg-bits=-3 bops=nan latency=inf luts=-1 dsps=-2 brams=-0.5 cost-weight=nan act-bits=0 pareto=power pareto-points=1})'
// Alone, a bad budget is one error and a failing exit.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=-3})' -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: qopt-allocate-bits: avg-bits must be >= 0 and finite, got -3
// CHECK-NOT: error: qopt-allocate-bits
// A frontier file without a budget to sweep is not silently ignored.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 pareto-out=%t.csv})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PARETO-OUT
// PARETO-OUT: error: qopt-allocate-bits: pareto-out needs pareto=BUDGET
// Names outside an option's set are the option parser's error
// (bad-enum-option.mlir).
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-resource=energy})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=RESOURCE
// RESOURCE: for the --cost-resource option: Cannot find option named 'energy'!

// expected-error @below {{qopt-allocate-bits: weight-bytes must be >= 0 and finite, got -1}}
// expected-error @below {{qopt-allocate-bits: avg-bits must be >= 0 and finite, got -3}}
// expected-error @below {{qopt-allocate-bits: bops must be >= 0 and finite, got nan}}
// expected-error @below {{qopt-allocate-bits: latency must be >= 0 and finite, got inf}}
// expected-error @below {{qopt-allocate-bits: luts must be >= 0 and finite, got -1}}
// expected-error @below {{qopt-allocate-bits: dsps must be >= 0 and finite, got -2}}
// expected-error @below {{qopt-allocate-bits: brams must be >= 0 and finite, got -0.5}}
// expected-error @below {{qopt-allocate-bits: cost-weight must be >= 0 and finite, got nan}}
// expected-error @below {{qopt-allocate-bits: act-bits must be 1 to 32, got 0}}
// expected-error @below {{qopt-allocate-bits: unknown pareto budget 'power' (weight-bytes, avg-bits, bops, latency, luts, dsps or brams)}}
// expected-error @below {{qopt-allocate-bits: pareto needs pareto-out=FILE}}
// expected-error @below {{qopt-allocate-bits: pareto-points must be >= 2, got 1}}
module {
  func.func @main(%x: tensor<1x1x16xf32>) -> tensor<1x1x4xf32> {
    %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
    %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 2.0]> : tensor<2xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
    return %y : tensor<1x1x4xf32>
  }
}
