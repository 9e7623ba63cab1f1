// Option values that mean nothing are rejected before any data is read,
// one error per option, at the module.
// RUN: qopt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qopt-calibrate{num-samples=-1 batch-size=-2 percentile=0 bits=1 bins=0 max-memory-mb=0 input-mean=nan input-std=0 threads=0})'
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=x.npy percentile=150})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PERCENTILE
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=x.npy input-std=nan max-memory-mb=9000000000000})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=STD
// PERCENTILE: error: qopt-calibrate: percentile must be in (0, 100], got 150
// STD: error: qopt-calibrate: max-memory-mb must be 1 to 1073741824, got 9000000000000
// STD: error: qopt-calibrate: input-std must be finite and not 0, got nan
// Names outside an option's set are the option parser's error.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=x.npy method=median})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-calibrate{data=x.npy second-moments=some})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=MOMENTS
// METHOD: for the --method option: Cannot find option named 'median'!
// MOMENTS: for the --second-moments option: Cannot find option named 'some'!

// expected-error @below {{qopt-calibrate: no data given (data=FILE|DIR|fashion-mnist:...|digits:...)}}
// expected-error @below {{qopt-calibrate: num-samples must be >= 0, got -1}}
// expected-error @below {{qopt-calibrate: batch-size must be >= 0, got -2}}
// expected-error @below {{qopt-calibrate: percentile must be in (0, 100], got 0}}
// expected-error @below {{qopt-calibrate: bits must be 2 to 16, got 1}}
// expected-error @below {{qopt-calibrate: bins must be 1 to 1048576, got 0}}
// expected-error @below {{qopt-calibrate: max-memory-mb must be 1 to 1073741824, got 0}}
// expected-error @below {{qopt-calibrate: input-mean must be finite, got nan}}
// expected-error @below {{qopt-calibrate: input-std must be finite and not 0, got 0}}
// expected-error @below {{qopt-calibrate: threads must be >= 1, got 0}}
module {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    return %x : tensor<1x2xf32>
  }
}
