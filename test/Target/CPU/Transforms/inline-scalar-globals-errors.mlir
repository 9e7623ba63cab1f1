// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(qopt-cpu-inline-scalar-globals)'

// A resource with no blob data cannot become a value.
// expected-error @+1 {{initial value dense_resource<gone> has no data (the resource blob is missing)}}
memref.global "private" constant @gone : memref<f32> = dense_resource<gone>

// -----

// A blob of the wrong size for one element.
// expected-error @+1 {{initial value dense_resource<two> does not hold exactly one element}}
memref.global "private" constant @two : memref<f32> = dense_resource<two>

{-#
  dialect_resources: {
    builtin: {
      two: "0x040000000000803F00000040"
    }
  }
#-}
