// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(convert-qopt-ukernel-to-func)'

func.func @strided(%x: memref<8xf32, strided<[2]>>) {
  // expected-error @+1 {{'qopt.ukernel' op operand of type 'memref<8xf32, strided<[2]>>' is not a contiguous buffer}}
  qopt.ukernel "k" outs(%x : memref<8xf32, strided<[2]>>)
  return
}

// -----

func.func @tensors(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'qopt.ukernel' op has tensor operands; bufferize before lowering kernel calls}}
  %r = qopt.ukernel "k" outs(%x : tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// expected-error @+1 {{contains qopt.ukernel ops and is called within the module; only entry functions may call kernels}}
func.func @callee(%x: memref<8xf32>) {
  qopt.ukernel "k" outs(%x : memref<8xf32>)
  return
}
func.func @caller(%x: memref<8xf32>) {
  call @callee(%x) : (memref<8xf32>) -> ()
  return
}

// -----

func.func private @k(!llvm.ptr, !llvm.ptr)
func.func @signature(%x: memref<8xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op calls 'k' as '(!llvm.ptr, !llvm.ptr, i64) -> ()' but it is declared as '(!llvm.ptr, !llvm.ptr) -> ()'}}
  qopt.ukernel "k" outs(%x : memref<8xf32>) scalars([1 : i64])
  return
}
