// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(qopt-cpu-entry-abi)'

// expected-error @+1 {{argument 0 has type 'tensor<?x4xf32>'; a library entry takes statically shaped tensors of f32, f64, i1, i8, i16, i32 or i64}}
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{result 0 has type 'tensor<4xbf16>'; a library entry takes statically shaped tensors}}
func.func @main(%x: tensor<4xf32>) -> tensor<4xbf16> {
  %c = arith.constant dense<1.0> : tensor<4xbf16>
  return %c : tensor<4xbf16>
}

// -----

// expected-error @+1 {{an exported function needs at least one result}}
func.func @main(%x: tensor<4xf32>) {
  return
}

// -----

// expected-error @+1 {{symbol 'model_entry' is reserved for the library entry}}
func.func private @model_entry()
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
