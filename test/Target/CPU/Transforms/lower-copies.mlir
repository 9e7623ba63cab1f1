// RUN: qopt %s -pass-pipeline='builtin.module(func.func(qopt-cpu-lower-copies))' | FileCheck %s

// Only copies involving a non-contiguous buffer become linalg.copy (loops);
// a contiguous copy stays memref.copy (memcpy).

// CHECK-LABEL: func @copies
// CHECK: linalg.copy ins(%{{.*}} : memref<4x4xf32>) outs(%{{.*}} : memref<4x4xf32, strided<[8, 1], offset: 9>>)
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<4x4xf32> to memref<4x4xf32>
func.func @copies(%a: memref<4x4xf32>, %b: memref<8x8xf32>, %c: memref<4x4xf32>) {
  %s = memref.subview %b[1, 1] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 9>>
  memref.copy %a, %s : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 9>>
  memref.copy %a, %c : memref<4x4xf32> to memref<4x4xf32>
  return
}
