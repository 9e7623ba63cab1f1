// Option values that mean nothing are rejected before any layer is
// measured, one error per option, at the module.
// RUN: qopt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qopt-sensitivity{channels-per-group=-1 num-samples=-1 input-mean=inf input-std=nan threads=0})'
// A negative group size used to reach method=output unchecked.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=output data=x.npy channels-per-group=-1})' -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: qopt-sensitivity: channels-per-group must be >= 0, got -1
// CHECK-NOT: error: qopt-sensitivity
// Names outside an option's set are the option parser's error.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{method=taylor})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{hessian=exact})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=HESSIAN
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-sensitivity{metric=l1})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=METRIC
// METHOD: for the --method option: Cannot find option named 'taylor'!
// HESSIAN: for the --hessian option: Cannot find option named 'exact'!
// METRIC: for the --metric option: Cannot find option named 'l1'!

// expected-error @below {{qopt-sensitivity: channels-per-group must be >= 0, got -1}}
// expected-error @below {{qopt-sensitivity: num-samples must be >= 0, got -1}}
// expected-error @below {{qopt-sensitivity: input-mean must be finite, got inf}}
// expected-error @below {{qopt-sensitivity: input-std must be finite and not 0, got nan}}
// expected-error @below {{qopt-sensitivity: threads must be >= 1, got 0}}
module {
  func.func @main(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
    %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
    %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_tensor>, <si2, per_tensor>]>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
    return %y : tensor<1x1x1xf32>
  }
}
