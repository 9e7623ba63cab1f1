// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(convert-qopt-ukernel-to-func)' | FileCheck %s

// Each buffer becomes a pointer to its first element, scalars become
// constants, the function gets the execution context (ISA and thread pool)
// as a leading !llvm.ptr argument and the callee is declared once.

// CHECK: func.func private @qopt_rt_uk_quantize_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, f32, i32)
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[CTX:.*]]: !llvm.ptr, %[[X:.*]]: memref<64xf32>, %[[Y:.*]]: memref<64xi8>)
// CHECK: %[[XI:.*]] = memref.extract_aligned_pointer_as_index %[[X]] : memref<64xf32> -> index
// CHECK: %[[XA:.*]] = arith.index_cast %[[XI]] : index to i64
// CHECK: %[[XP:.*]] = llvm.inttoptr %[[XA]] : i64 to !llvm.ptr
// CHECK: %[[YI:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[YP:.*]] = llvm.inttoptr
// CHECK-DAG: %[[N:.*]] = arith.constant 64 : i64
// CHECK-DAG: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[Z:.*]] = arith.constant 3 : i32
// CHECK: call @qopt_rt_uk_quantize_s8(%[[CTX]], %[[XP]], %[[YP]], %[[N]], %[[S]], %[[Z]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, f32, i32) -> ()
// CHECK: call @qopt_rt_uk_quantize_s8(%[[CTX]],
// CHECK-NOT: qopt.ukernel
func.func @f(%x: memref<64xf32>, %y: memref<64xi8>) {
  qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%x : memref<64xf32>) outs(%y : memref<64xi8>) scalars([64 : i64, 0.5 : f32, 3 : i32])
  qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%x : memref<64xf32>) outs(%y : memref<64xi8>) scalars([64 : i64, 0.5 : f32, 3 : i32])
  return
}

// -----

// A buffer with a dynamic offset: the pointer is advanced by it.

// CHECK-LABEL: func.func @offset
// CHECK: %{{.*}}, %[[OFF:.*]], %{{.*}}, %{{.*}} = memref.extract_strided_metadata
// CHECK: %[[O:.*]] = arith.index_cast %[[OFF]] : index to i64
// CHECK: llvm.getelementptr %{{.*}}[%[[O]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
func.func @offset(%x: memref<8xf32, strided<[1], offset: ?>>) {
  qopt.ukernel "k" outs(%x : memref<8xf32, strided<[1], offset: ?>>)
  return
}

// -----

// The library's entry gets the context argument even without kernels, so
// every compiled model has the same signature.

// CHECK-LABEL: func.func @model_entry
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: memref<4xf32>)
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "model", inputs = [], outputs = [<"y", f32, [4]>]>} {
  func.func @model_entry(%y: memref<4xf32>) {
    return
  }
}
