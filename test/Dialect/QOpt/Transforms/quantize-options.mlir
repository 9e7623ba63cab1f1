// Option values that mean nothing are rejected before any layer is
// rewritten, one error per option, at the module.
// RUN: qopt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qopt-quantize{gptq-damp=nan})'
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-quantize{gptq=true gptq-damp=-1})' -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: qopt-quantize: gptq-damp must be >= 0 and finite, got -1
// Activations other than int8 and float are the option parser's error.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-quantize{activations=int4})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ACTIVATIONS
// ACTIVATIONS: for the --activations option: Cannot find option named 'int4'!

// expected-error @below {{qopt-quantize: gptq-damp must be >= 0 and finite, got nan}}
module {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    return %x : tensor<1x2xf32>
  }
}
