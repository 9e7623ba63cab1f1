//===- Gemm.cpp - float GEMM of the reference executor ---------------------===//
//
// The executor's float GEMM is the CPU kernel library's
// qopt_rt_matmul_f32f32 (fused multiply-adds in ascending k from 0, bias
// last; 6x16 AVX2 tiles over 16-channel weight panels), so the float
// layers a compiled model runs through that kernel give the executor's
// bits. Where the library has no SIMD variant for this CPU, Eigen.
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"

#include "qopt-runtime/cpu.h"

#include <Eigen/Core>

using namespace mlir::qopt::exec;

static qopt_rt_isa gemmIsa() {
  static const qopt_rt_isa isa = qopt_rt_best_isa();
  return isa;
}

bool mlir::qopt::exec::gemmUsesAvx2() {
  return gemmIsa() != QOPT_RT_ISA_PORTABLE;
}

PackedWeights::PackedWeights(const float *w, int64_t n, int64_t k)
    : w(w), n(n), k(k), useAvx2(gemmUsesAvx2()) {
  if (!useAvx2)
    return;
  panels.resize(size_t(qopt_rt_f32_panel_elements(n, k)));
  qopt_rt_pack_f32_panels(w, n, k, panels.data());
}

void mlir::qopt::exec::gemm(const float *a, int64_t lda,
                            const PackedWeights &w, const float *bias,
                            float *c, int64_t ldc, int64_t m) {
  int64_t n = w.n, k = w.k;
  if (w.useAvx2)
    return qopt_rt_matmul_f32f32(gemmIsa(), m, a, lda, w.panels.data(), n, k,
                                 bias, c, ldc, 0, n);
  using RowMajor =
      Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<const RowMajor, 0, Stride> am(a, m, k, Stride(lda));
  Eigen::Map<const RowMajor> wm(w.w, n, k);
  Eigen::Map<RowMajor, 0, Stride> cm(c, m, n, Stride(ldc));
  cm.noalias() = am * wm.transpose();
  if (bias)
    cm.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias, n);
}
