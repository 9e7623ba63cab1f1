//===- Passes.td - qopt conversion passes ------------------*- tablegen -*-===//
//
// Lowerings out of the qopt dialect shared by targets: the target-neutral
// decomposition (convolutions to patches + matmul, dequantize to linalg)
// and microkernel ops to function calls. The CPU target's passes are in
// qopt/Target/CPU/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CONVERSION_PASSES_TD
#define QOPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QOptDecomposePass : Pass<"qopt-decompose"> {
  let summary = "Decompose qopt convolutions and dequantize, for every target";
  let description = [{
    The rewrites every target needs before lowering to its kernels,
    written once (`populateQOptDecompositionPatterns`,
    include/qopt/Conversion/QOptDecomposition/QOptDecomposition.h):

    * `qopt.conv2d` becomes `tensor.pad` (with the input's zero point on
      the integer path, 0.0 on the weight-only path), an im2col
      `linalg.generic` (rows `(b, oh, ow)`, columns `(kh, kw, c)`), a
      `qopt.matmul` with the same packed weight, and a reshape back to
      NHWC. A 1x1, stride-1, unpadded convolution is only reshaped.
      Quantized inputs are gathered on their storage type between
      `quant.scast`s, so the patches stay `!quant.uniform` for the matmul.
    * `qopt.dequantize` becomes `s * float(int32(q) - z)` elementwise.

    `qopt.quantize`, `qopt.matmul` and `qopt.depthwise_conv2d` (whose
    kernels read the taps in place, without im2col) are left to the
    target.

    ```mlir
    // before
    %y = qopt.conv2d %q, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>,
           stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>}
           : tensor<2x5x5x3x!quant.uniform<i8:f32, 0.5:-5>>, ... -> tensor<2x3x3x4xf32>
    // after
    %s = quant.scast %q : tensor<2x5x5x3x!quant.uniform<i8:f32, 0.5:-5>> to tensor<2x5x5x3xi8>
    %p = tensor.pad %s low[0, 1, 1, 0] high[0, 1, 1, 0] { tensor.yield %c-5_i8 : i8 } ...
    %g = linalg.generic ... ins(%p : tensor<2x7x7x3xi8>) outs(... : tensor<2x3x3x3x3x3xi8>)
    %c = tensor.collapse_shape %g [[0, 1, 2], [3, 4, 5]] : ... into tensor<18x27xi8>
    %x = quant.scast %c : tensor<18x27xi8> to tensor<18x27x!quant.uniform<i8:f32, 0.5:-5>>
    %m = qopt.matmul %x, %w : ... -> tensor<18x4xf32>
    %y = tensor.expand_shape %m [[0, 1, 2], [3]] output_shape [2, 3, 3, 4] ...
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertQOptUKernelToFuncPass
    : Pass<"convert-qopt-ukernel-to-func", "::mlir::ModuleOp"> {
  let summary = "Lower bufferized qopt.ukernel ops to C function calls";
  let description = [{
    Replaces each `qopt.ukernel` on memrefs by a `func.call` of its
    function with the documented ABI: the execution context (`!llvm.ptr` to
    a `qopt_rt_context`: ISA variant and thread pool), a pointer
    (`!llvm.ptr`) to the first element of each input and output buffer,
    then the scalars. It declares each called function once, and gives
    every function containing ukernels a leading `!llvm.ptr` argument, the
    context, which the caller (the generated library wrapper) owns.
    Such functions must not be called from within the module. Buffers with
    a non-contiguous layout are an error.

    ```mlir
    // before
    func.func @f(%x: memref<64xf32>, %y: memref<64xi8>) {
      qopt.ukernel "k" ins(%x : memref<64xf32>) outs(%y : memref<64xi8>)
          scalars([64 : i64])
    // after
    func.func private @k(!llvm.ptr, !llvm.ptr, !llvm.ptr, i64)
    func.func @f(%ctx: !llvm.ptr, %x: memref<64xf32>, %y: memref<64xi8>) {
      ... call @k(%ctx, %px, %py, %c64)
            : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> ()
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
