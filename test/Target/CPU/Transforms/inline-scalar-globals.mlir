// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-cpu-inline-scalar-globals)' | FileCheck %s

// A rank-0 global backed by a dense_resource blob gets the blob's value as
// a dense initial value; larger globals keep their blob.
// CHECK: memref.global "private" constant @eps : memref<f32> = dense<2.500000e-01>
// CHECK: memref.global "private" constant @w : memref<2xf32> = dense_resource<w>
memref.global "private" constant @eps : memref<f32> = dense_resource<eps>
memref.global "private" constant @w : memref<2xf32> = dense_resource<w>

{-#
  dialect_resources: {
    builtin: {
      eps: "0x040000000000803E",
      w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// An integer scalar too.
// CHECK: memref.global "private" constant @n : memref<i32> = dense<7>
memref.global "private" constant @n : memref<i32> = dense_resource<n>

{-#
  dialect_resources: {
    builtin: {
      n: "0x0400000007000000"
    }
  }
#-}
