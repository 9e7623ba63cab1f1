//===- Passes.td - The CUDA target's passes ----------------*- tablegen -*-===//
//
// The CUDA target (docs/Backends/CUDA.md): the weights in the layouts the
// kernels of lib/Runtime/CUDA read.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CUDA_PASSES_TD
#define QOPT_TARGET_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def QOptCUDAMaterializeWeightsPass
    : Pass<"qopt-cuda-materialize-weights", "::mlir::ModuleOp"> {
  let summary = "Repack weights into the CUDA kernels' fragment layouts";
  let description = [{
    The CUDA target's weight-layout pass (its `TargetBackend`'s layout
    materialisation), at compile time: every `qopt.packed_weight` read by
    a layer is rewritten from whatever layout it is in into the one the
    kernel for that layer reads (`include/qopt-runtime/cuda_layout.h`, the
    definition the kernels, the host packer and the host tests share):

    * a layer with float inputs (the weight-only path) reads
      `#qopt.layout<mma_f16>`: `mma.m16n8k16` B fragments in blocks of 16
      (K) x 64 (N), each lane's 32 fields in `bits` words with pairs laid
      out for the magic-number half decode, integer fields biased by
      2^(bits-1), K padding with the group's zero point; groups must be a
      multiple of 16 (the kernel keeps one scale per 16-element block);
    * a layer with int8 inputs (the integer path) reads
      `#qopt.layout<mma_s8>`: `mma.m16n8k32` B fragments in blocks of 32
      (K) x 64 (N), one signed byte per field, padding 0; integer weights
      only, groups a multiple of 32 of at most 32768 elements.

    The reference executor reads every layout, so a model computes the
    same before and after. A weight that no layer reads, or that layers on
    both paths read, or whose groups the kernel cannot take, is an error
    naming the op.

    ```mlir
    // before: 2 x 64 int4 fields, one per byte
    %w = qopt.packed_weight dense_resource<fc.packed> : tensor<128xi8>
           : tensor<2x64x!quant.uniform<i4:f32:0, {0.25, 0.5}>>
    %y = qopt.matmul %x, %w : tensor<1x64xf32>, ... -> tensor<1x2xf32>
    // after: one 16 x 64 block per 16 rows of K, 32 lanes x 4 words each
    %w = qopt.packed_weight dense_resource<fc.packed.mma_f16>
           : tensor<2048xi8> layout <mma_f16> : tensor<2x64x...>
    ```
  }];
}

#endif // QOPT_TARGET_CUDA_PASSES_TD
