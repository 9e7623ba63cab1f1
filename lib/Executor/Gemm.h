//===- Gemm.h - float GEMM of the reference executor -------------*- C++ -*-===//
//
// C[m x n] = A[m x k] * W^T + bias, with W given as [n x k] row-major (a
// layer's weight: OHWI convolution filters, transposed matmul operands).
// W is packed once (PackedWeights) and shared by threads computing row
// blocks of C. The CPU kernel library's qopt_rt_matmul_f32f32 computes it
// when the library has a SIMD variant for this CPU (chosen at run time):
// compiled float layers then give the same bits. Otherwise Eigen. Every
// element of C is the k-ordered sum for its row, so results do not depend
// on how rows are split.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_EXECUTOR_GEMM_H
#define QOPT_LIB_EXECUTOR_GEMM_H

#include <cstdint>
#include <vector>

namespace mlir::qopt::exec {

class PackedWeights {
public:
  /// Packs W [n x k] row-major.
  PackedWeights(const float *w, int64_t n, int64_t k);
  int64_t rows() const { return n; }
  int64_t depth() const { return k; }

private:
  friend void gemm(const float *, int64_t, const PackedWeights &,
                   const float *, float *, int64_t, int64_t);
  const float *w;
  int64_t n, k;
  /// qopt_rt_pack_f32_panels of W (kernel-library path).
  std::vector<float> panels;
  bool useAvx2;
};

/// C rows [0, m) (row stride ldc) = A rows (row stride lda) * W^T + bias
/// (bias may be null).
void gemm(const float *a, int64_t lda, const PackedWeights &w,
          const float *bias, float *c, int64_t ldc, int64_t m);

/// Whether the kernel library's SIMD path is in use on this CPU.
bool gemmUsesAvx2();

} // namespace mlir::qopt::exec

#endif // QOPT_LIB_EXECUTOR_GEMM_H
