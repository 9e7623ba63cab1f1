//===- Passes.td - qopt conversion passes ------------------*- tablegen -*-===//
//
// Lowerings out of the qopt dialect: microkernel ops to function calls
// (shared by targets). The CPU target's passes are in
// qopt/Target/CPU/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CONVERSION_PASSES_TD
#define QOPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQOptUKernelToFuncPass
    : Pass<"convert-qopt-ukernel-to-func", "::mlir::ModuleOp"> {
  let summary = "Lower bufferized qopt.ukernel ops to C function calls";
  let description = [{
    Replaces each `qopt.ukernel` on memrefs by a `func.call` of its
    function with the documented ABI: the ISA variant (`i32`), a pointer
    (`!llvm.ptr`) to the first element of each input and output buffer,
    then the scalars. It declares each called function once, and gives
    every function containing ukernels a leading `i32` argument, the ISA,
    which the caller (the generated library wrapper) chooses at run time.
    Such functions must not be called from within the module. Buffers with
    a non-contiguous layout are an error.

    ```mlir
    // before
    func.func @f(%x: memref<64xf32>, %y: memref<64xi8>) {
      qopt.ukernel "k" ins(%x : memref<64xf32>) outs(%y : memref<64xi8>)
          scalars([64 : i64])
    // after
    func.func private @k(i32, !llvm.ptr, !llvm.ptr, i64)
    func.func @f(%isa: i32, %x: memref<64xf32>, %y: memref<64xi8>) {
      ... call @k(%isa, %px, %py, %c64) : (i32, !llvm.ptr, !llvm.ptr, i64) -> ()
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

#endif // QOPT_CONVERSION_PASSES_TD
