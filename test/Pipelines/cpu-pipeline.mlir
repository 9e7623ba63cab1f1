// RUN: qopt %S/../Target/CPU/Inputs/tiny_model.mlir -pass-pipeline='builtin.module(qopt-quantize,qopt-cpu-pipeline{name=net})' | FileCheck %s

// qopt-cpu-pipeline ends in the LLVM dialect: the entry takes the context and
// bare pointers (input, the caller's output buffer, the instance's
// workspace holding every temporary), calls the kernel library, allocates
// nothing, and needs nothing from MLIR's runtime libraries.

// CHECK: module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "net", inputs = [<"x", f32, [1, 2, 8]>], outputs = [<"y", f32, [1, 2, 3]>], workspace_bytes = 128>}
// CHECK-DAG: llvm.func @qopt_rt_uk_quantize_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, f32, i32)
// CHECK-DAG: llvm.func @qopt_rt_uk_matmul_s8(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64, i64, i32, i32, i32, f32, i32)
// CHECK: llvm.func @net_entry(%[[CTX:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.call @qopt_rt_uk_quantize_s8(%[[CTX]],
// CHECK: llvm.call @qopt_rt_uk_matmul_s8(%[[CTX]],
// CHECK-NOT: llvm.call @malloc
// CHECK-NOT: llvm.call @free
// CHECK-NOT: memrefCopy
// CHECK-NOT: qopt.ukernel
// CHECK-NOT: func.func
