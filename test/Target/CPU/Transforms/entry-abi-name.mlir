// RUN: qopt %s -verify-diagnostics -pass-pipeline='builtin.module(qopt-cpu-entry-abi{name=3d})'

// expected-error @+1 {{library name '3d' is not a C identifier}}
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
