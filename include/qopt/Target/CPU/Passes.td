//===- Passes.td - The CPU target's passes -----------------*- tablegen -*-===//
//
// The CPU target (docs/Backends/CPU.md): the entry ABI, quantized layers to
// kernel-library calls, the workspace plan and the codegen helpers that
// qopt-cpu-pipeline (Pipeline.h) strings together.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_PASSES_TD
#define QOPT_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def QOptCPUEntryABIPass : Pass<"qopt-cpu-entry-abi", "::mlir::ModuleOp"> {
  let summary = "Fix the C ABI of a model's entry function";
  let description = [{
    Prepares the entry function (`entry`, default `main`) for compilation
    into a library named `name`: records its inputs and outputs (names from
    `qopt.name`, else `argN` / `resultN` as the reference executor names
    them; static shapes and element types) as the module attribute
    `qopt.cpu.abi` (an `#qopt.entry_abi`), which the header generator reads after lowering, marks
    its arguments read-only for bufferization (the library never writes a
    caller's input) and renames it `<name>_entry`. Dynamic shapes and
    element types other than f32, f64, i8, i16, i32, i64 and i1 are errors.

    ```mlir
    // before
    func.func @main(%x: tensor<1x4xf32> {qopt.name = "x"}) -> tensor<1x2xf32>
    // after (name=model)
    module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "model",
        inputs = [<"x", f32, [1, 4]>], outputs = [<"result0", f32, [1, 2]>]>} {
      func.func @model_entry(%x: tensor<1x4xf32> {bufferization.writable = false,
                                                  qopt.name = "x"}) -> ...
    ```
  }];
  let options = [
    Option<"libraryName", "name", "std::string", "\"model\"",
           "Prefix of the library's C symbols (a C identifier)">,
    Option<"entry", "entry", "std::string", "\"main\"",
           "The function to export">,
  ];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::qopt::QOptDialect"];
}

def QOptCPUMaterializeWeightsPass
    : Pass<"qopt-cpu-materialize-weights", "::mlir::ModuleOp"> {
  let summary = "Pack logical weights into the CPU kernels' block64 layout";
  let description = [{
    The CPU target's weight-layout pass (its `TargetBackend`'s layout
    materialisation): every `qopt.packed_weight` in `#qopt.layout<logical>`
    (one field per byte, what `qopt-quantize` emits) is rewritten into
    `#qopt.layout<block64>`, the order the kernels of
    `include/qopt-runtime/cpu.h` read: rows padded to 64-field blocks,
    4-bit fields j and j + 32 sharing a byte, 2-bit fields j, j + 16,
    j + 32, j + 48 (`include/qopt-runtime/packing.h`). Padding takes the
    row's last zero point, or code 0 for code-book weights. Weights already
    in block64 are left alone. `qopt-cpu-pipeline` runs it first.

    ```mlir
    // before: 2 x 64 int4 fields, one per byte
    %w = qopt.packed_weight dense_resource<fc.packed> : tensor<128xi8>
           : tensor<2x64x!quant.uniform<i4:f32:0, {0.25, 0.5}>>
    // after: two nibbles per byte
    %w = qopt.packed_weight dense_resource<fc.packed.block64>
           : tensor<64xi8> layout <block64>
           : tensor<2x64x!quant.uniform<i4:f32:0, {0.25, 0.5}>>
    ```
  }];
}

def ConvertQOptToCPUPass : Pass<"convert-qopt-to-cpu"> {
  let summary = "Lower quantized qopt ops to CPU microkernel calls";
  let description = [{
    Rewrites what `qopt-decompose` leaves of the quantized IR into calls
    of the CPU kernel library (`qopt.ukernel` ops naming `qopt_rt_uk_*`
    functions, `include/qopt-runtime/cpu.h`) and replaces `!quant.uniform`
    activation types by their int8 storage, folding the decomposition's
    `quant.scast`s:

    * `qopt.quantize` → `qopt_rt_uk_quantize_s8`;
    * `qopt.matmul` → `qopt_rt_uk_matmul_s8` (int8 input) or
      `qopt_rt_uk_matmul_f32` / `_f32_lut` (float input), the packed
      bytes, scales and zero points (or minifloat decode table) of its
      `qopt.packed_weight` becoming constants;
    * `qopt.depthwise_conv2d` → `qopt_rt_uk_depthwise_conv2d_{s8,f32}`.

    `qopt.conv2d` and `qopt.dequantize` must have been decomposed
    (`qopt-decompose`: patches + `qopt.matmul`, and a `linalg.generic`);
    finding one is an error that says so.
    Shapes must be static. A quantized value used by an op this pass does
    not lower is an error naming that op.

    ```mlir
    // before
    %q = qopt.quantize %x : tensor<1x64xf32> to tensor<1x64x!quant.uniform<i8:f32, 0.5:3>>
    // after
    %e = tensor.empty() : tensor<1x64xi8>
    %q = qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%x : tensor<1x64xf32>)
           outs(%e : tensor<1x64xi8>) scalars([64 : i64, 5.000000e-01 : f32, 3 : i32])
           -> tensor<1x64xi8>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QOptCPUFloatKernelsPass : Pass<"qopt-cpu-float-kernels"> {
  let summary = "Lower float32 convolutions and matmuls to the float GEMM "
                "kernel";
  let description = [{
    Rewrites the float32 layers a model keeps (all of them when it is not
    quantized) into calls of the kernel library's float GEMM,
    `qopt_rt_uk_matmul_f32f32` (`include/qopt-runtime/cpu.h`), instead of
    leaving them to linalg's scalar loops:

    * `tosa.conv2d` with a constant weight and zero zero points → the
      im2col patches of `qopt-decompose` (`tensor.pad` + gathering
      `linalg.generic`, a reshape for 1x1 stride-1 convolutions) and one
      kernel call over `[B*OH*OW, KH*KW*C]`; a one-element bias is
      broadcast;
    * `tosa.matmul` of batch 1 with a constant right-hand side;
    * `tosa.depthwise_conv2d` with zero zero points →
      `qopt_rt_uk_depthwise_conv2d_f32f32` on the NHWC input, reading the
      `[KH, KW, C, M]` weight as it is (taps in (kh, kw) order from zero,
      padding skipped, bias last; eight channels per AVX2 vector).

    The weight is repacked at compile time into the kernel's panels of 16
    output channels (a `f32` resource blob). The kernel accumulates fused
    multiply-adds in ascending k from 0 and adds the bias last: it is the
    reference executor's float GEMM, so the layers keep the executor's
    bits. Other ops (non-constant weights, batched matmuls, dynamic shapes,
    other element types) are left alone.

    ```mlir
    // before
    %y = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x8xf32>, tensor<1x8x3xf32>,
           tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
    // after
    %p = arith.constant dense_resource<f32_panels> : tensor<128xf32>
    %c = tensor.collapse_shape %a [[0, 1], [2]] : tensor<1x2x8xf32> into tensor<2x8xf32>
    %r = qopt.ukernel "qopt_rt_uk_matmul_f32f32" ins(%c, %p, %bias : ...)
           outs(%e : tensor<2x3xf32>) scalars([2, 3, 8, 0 : i32]) -> tensor<2x3xf32>
    %y = tensor.expand_shape %r [[0, 1], [2]] ...
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qopt::QOptDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QOptCPUTilePatchesPass : Pass<"qopt-cpu-tile-patches"> {
  let summary = "Gather convolution patches and multiply them in row tiles";
  let description = [{
    A convolution lowered to a GEMM kernel call (`convert-qopt-to-cpu`,
    `qopt-cpu-float-kernels`) reads its whole im2col patch matrix
    `[B*OH*OW, KH*KW*C]`: KH*KW times the input, for the whole batch at
    once (a 3x3 convolution at batch 1574 needs gigabytes). This pass
    rewrites each `qopt.ukernel` GEMM call (`qopt_rt_uk_matmul_*`) whose
    left-hand side is the gathering `linalg.generic` of `qopt-decompose`
    into an `scf.for` over tiles of R output rows of one image: each
    iteration gathers the tile's patches from the window of input rows they
    read (a `tensor.extract_slice`, a view after bufferization) and calls
    the same kernel on `[R*OW, K]`, writing its rows of the result in
    place. R is the largest divisor of OH whose patches take at most
    `tile-bytes`; calls whose patches already fit are left alone, as are
    1x1 stride-1 convolutions (their patches are the input itself).

    Rows of the product are independent and each is computed by the same
    kernel instructions, so the result is bit-identical; the patch buffer
    (one tile, reused by every iteration: `qopt-cpu-plan-workspace` places
    buffers of loop bodies) no longer grows with the batch.

    ```mlir
    // before: patches of 2 images, 8x8 outputs, K = 27
    %p = linalg.generic {...} ins(%padded : tensor<2x10x10x3xi8>) ...
    %c = tensor.collapse_shape %p [[0, 1, 2], [3, 4, 5]] ... into tensor<128x27xi8>
    %y = qopt.ukernel "qopt_rt_uk_matmul_s8" ins(%c, ...) outs(%e : tensor<128x4xf32>)
           scalars([128, 4, 27, ...])
    // after (tile-bytes=512: 2 output rows per tile, 8 tiles)
    %y = scf.for %t = %c0 to %c8 step %c1 iter_args(%acc = %e) -> (tensor<128x4xf32>) {
      %w = tensor.extract_slice %padded[%img, %row, 0, 0] [1, 4, 10, 3] [1, 1, 1, 1]
      %tp = linalg.generic {...} ins(%w : tensor<1x4x10x3xi8>) ...
      %tc = tensor.collapse_shape %tp ... into tensor<16x27xi8>
      %d = tensor.extract_slice %acc[%off, 0] [16, 4] [1, 1]
      %r = qopt.ukernel "qopt_rt_uk_matmul_s8" ins(%tc, ...) outs(%d : tensor<16x4xf32>)
             scalars([16, 4, 27, ...])
      %u = tensor.insert_slice %r into %acc[%off, 0] [16, 4] [1, 1]
      scf.yield %u : tensor<128x4xf32>
    }
    ```
  }];
  let options = [
    Option<"tileBytes", "tile-bytes", "int64_t", "1048576",
           "Most bytes of patches one tile may take">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qopt::QOptDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QOptCPULowerCopiesPass : Pass<"qopt-cpu-lower-copies"> {
  let summary = "Turn strided memref.copy into linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between buffers that
    are not both contiguous to a call of `memrefCopy` from MLIR's C runner
    library, which a compiled qopt library does not link. This pass
    rewrites exactly those copies (e.g. the one bufferization makes for
    `tensor.pad`) into `linalg.copy`, which becomes loops; contiguous
    copies stay `memref.copy` and become `memcpy`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def QOptCPUInlineScalarGlobalsPass
    : Pass<"qopt-cpu-inline-scalar-globals", "::mlir::ModuleOp"> {
  let summary = "Give scalar memref.globals a dense initial value";
  let description = [{
    Weights and constants travel as `dense_resource` blobs. For a global of
    rank 0, `finalize-memref-to-llvm` unpacks the initial value into a
    single element, which only `DenseElementsAttr` supports: a
    `dense_resource` scalar (ONNX exporters emit many, e.g. the epsilon of
    a normalisation) would crash it. This pass reads each such blob and
    replaces the initial value with the equivalent `DenseElementsAttr`;
    a resource without data is an error. Larger globals keep their blobs.

    ```mlir
    // before
    memref.global "private" constant @eps : memref<f32> =
        dense_resource<eps> {alignment = 64 : i64}
    // after
    memref.global "private" constant @eps : memref<f32> =
        dense<9.99999974E-6> {alignment = 64 : i64}
    ```
  }];
}

def QOptCPUPlanWorkspacePass
    : Pass<"qopt-cpu-plan-workspace", "::mlir::ModuleOp"> {
  let summary = "Place the entry's temporary buffers in one workspace";
  let description = [{
    After bufferization and deallocation, the entry function of a compiled
    library (`qopt.cpu.abi`) allocates and frees every temporary on each
    call; large ones come from fresh pages each time. This pass assigns
    each statically shaped `memref.alloc` of the entry's body an offset in
    one workspace buffer, reusing space whose buffer was freed earlier
    (first fit, in program order, 64-byte aligned), replaces it with a
    `memref.view` of a new trailing `memref<Nxi8>` argument and erases the
    matching `memref.dealloc`. The workspace size is recorded as
    `workspace_bytes` in `qopt.cpu.abi`; the generated wrapper allocates it
    once per model instance. Buffers allocated and freed within the body of
    an `scf.for` (`qopt-cpu-tile-patches`) are placed the same way, live
    from their alloc to their dealloc inside it, so every iteration reuses
    the same bytes. Allocations inside other regions, never freed in their
    block or with dynamic shapes are left alone.

    ```mlir
    // before
    %a = memref.alloc() {alignment = 64 : i64} : memref<4x4xf32>
    ...
    memref.dealloc %a : memref<4x4xf32>
    // after
    %c0 = arith.constant 0 : index
    %a = memref.view %ws[%c0][] : memref<64xi8> to memref<4x4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // QOPT_TARGET_CPU_PASSES_TD
