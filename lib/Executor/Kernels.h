//===- Kernels.h - Reference executor kernels --------------------*- C++ -*-===//
//
// Private to the executor: registration of the kernel families and small
// helpers they share.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_EXECUTOR_KERNELS_H
#define QOPT_LIB_EXECUTOR_KERNELS_H

#include "qopt/Executor/Executor.h"

#include "mlir/IR/BuiltinTypes.h"

namespace mlir::qopt::exec {

void registerElementwiseKernels(KernelTable &table);
void registerDataMovementKernels(KernelTable &table);
void registerNNKernels(KernelTable &table);
void registerQuantKernels(KernelTable &table);
void registerLinalgKernels(KernelTable &table);

/// The values of a `!tosa.shape` operand (an I64 tensor at run time).
llvm::SmallVector<int64_t> shapeValues(const Tensor &t);

/// Element `i` of `t` as double / int64 and the reverse, for every dtype
/// (float16/bfloat16 converted with round-to-nearest-even).
double loadDouble(const Tensor &t, int64_t i);
void storeDouble(Tensor &t, int64_t i, double v);
void storeInt(Tensor &t, int64_t i, int64_t v);

/// Calls fn(outIndex, aIndex, bIndex, cIndex) for every element of
/// `resultShape`, with the operand indices broadcast numpy-style from the
/// operand shapes (equal ranks; size-1 dimensions repeat). Unused operands
/// pass an empty shape of the same rank as ones.
void forEachBroadcast(ArrayRef<int64_t> resultShape, ArrayRef<int64_t> a,
                      ArrayRef<int64_t> b, ArrayRef<int64_t> c,
                      llvm::function_ref<void(int64_t, int64_t, int64_t,
                                              int64_t)>
                          fn);

class KernelContext;
/// out[n] = a[n] x b[n] for `batch` float products [h x c] x [c x w]
/// (tosa.matmul, linalg.matmul / batch_matmul): a direct k-ordered
/// multiply-then-add loop for small products of activations, else b
/// transposed, packed and multiplied by the float GEMM in row blocks. A
/// `layer` (batch 1, constant b: what the CPU target compiles to the float
/// GEMM kernel) always takes the GEMM, so the two agree bit for bit.
void batchedMatmul(const float *a, const float *b, float *out, int64_t batch,
                   int64_t h, int64_t c, int64_t w, bool layer,
                   const KernelContext &ctx);

} // namespace mlir::qopt::exec

#endif // QOPT_LIB_EXECUTOR_KERNELS_H
