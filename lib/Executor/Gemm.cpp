//===- Gemm.cpp - float GEMM of the reference executor ---------------------===//
//
// A 6x16 AVX2/FMA micro-kernel over packed weight panels, compiled with a
// target attribute (the rest of qopt stays baseline x86-64) and chosen at
// run time; Eigen otherwise.
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"

#include <Eigen/Core>

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace mlir::qopt::exec;

bool mlir::qopt::exec::gemmUsesAvx2() {
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2") &&
                           __builtin_cpu_supports("fma");
  return avx2;
#else
  return false;
#endif
}

static constexpr int64_t kPanel = 16, kRows = 6;

PackedWeights::PackedWeights(const float *w, int64_t n, int64_t k)
    : w(w), n(n), k(k), useAvx2(gemmUsesAvx2()) {
  if (!useAvx2)
    return;
  int64_t numPanels = (n + kPanel - 1) / kPanel;
  panels.assign(numPanels * k * kPanel, 0.0f);
  for (int64_t p = 0; p < numPanels; ++p)
    for (int64_t j = 0; j < kPanel && p * kPanel + j < n; ++j) {
      const float *row = w + (p * kPanel + j) * k;
      float *dst = panels.data() + p * k * kPanel + j;
      for (int64_t kk = 0; kk < k; ++kk)
        dst[kk * kPanel] = row[kk];
    }
}

#if defined(__x86_64__)
/// Writes R rows of 16 accumulated columns (the first `cols`), plus bias.
template <int R>
__attribute__((target("avx2,fma"))) static void
storeTile(const __m256 (&acc)[R][2], float *c, int64_t ldc, int64_t cols,
          const float *bias) {
  alignas(32) float tmp[kPanel];
  for (int r = 0; r < R; ++r) {
    if (cols == kPanel && !bias) {
      _mm256_storeu_ps(c + r * ldc, acc[r][0]);
      _mm256_storeu_ps(c + r * ldc + 8, acc[r][1]);
      continue;
    }
    _mm256_store_ps(tmp, acc[r][0]);
    _mm256_store_ps(tmp + 8, acc[r][1]);
    for (int64_t j = 0; j < cols; ++j)
      c[r * ldc + j] = tmp[j] + (bias ? bias[j] : 0.0f);
  }
}

/// C[r, 0..cols) for R rows r, from A rows and one packed 16-column panel.
template <int R>
__attribute__((target("avx2,fma"))) static void
microKernel(const float *a, int64_t lda, const float *panel, int64_t k,
            float *c, int64_t ldc, int64_t cols, const float *bias) {
  __m256 acc[R][2];
  for (int r = 0; r < R; ++r)
    acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int64_t kk = 0; kk < k; ++kk) {
    __m256 b0 = _mm256_loadu_ps(panel + kk * kPanel);
    __m256 b1 = _mm256_loadu_ps(panel + kk * kPanel + 8);
    for (int r = 0; r < R; ++r) {
      __m256 av = _mm256_broadcast_ss(a + r * lda + kk);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
  }
  storeTile<R>(acc, c, ldc, cols, bias);
}

/// The full 6-row tile with its 12 accumulators in named variables: GCC
/// spills an accumulator array to the stack on every iteration.
__attribute__((target("avx2,fma"))) static void
microKernel6(const float *a, int64_t lda, const float *panel, int64_t k,
             float *c, int64_t ldc, int64_t cols, const float *bias) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * lda, *a3 = a + 3 * lda,
              *a4 = a + 4 * lda, *a5 = a + 5 * lda;
  for (int64_t kk = 0; kk < k; ++kk) {
    __m256 b0 = _mm256_loadu_ps(panel + kk * kPanel);
    __m256 b1 = _mm256_loadu_ps(panel + kk * kPanel + 8);
    __m256 av = _mm256_broadcast_ss(a0 + kk);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a1 + kk);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a2 + kk);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a3 + kk);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a4 + kk);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a5 + kk);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
  }
  __m256 acc[kRows][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                          {c30, c31}, {c40, c41}, {c50, c51}};
  storeTile<kRows>(acc, c, ldc, cols, bias);
}

using MicroKernelFn = void (*)(const float *, int64_t, const float *, int64_t,
                               float *, int64_t, int64_t, const float *);
static const MicroKernelFn kMicroKernels[kRows + 1] = {
    nullptr,         microKernel<1>, microKernel<2>, microKernel<3>,
    microKernel<4>, microKernel<5>, microKernel6};
#endif

void mlir::qopt::exec::gemm(const float *a, int64_t lda,
                            const PackedWeights &w, const float *bias,
                            float *c, int64_t ldc, int64_t m) {
  int64_t n = w.n, k = w.k;
#if defined(__x86_64__)
  if (w.useAvx2) {
    // Rows outer: a 6-row sliver of A stays in L1 while every weight panel
    // streams past it from L2.
    int64_t numPanels = (n + kPanel - 1) / kPanel;
    for (int64_t i = 0; i < m; i += kRows) {
      MicroKernelFn kernel = kMicroKernels[std::min(kRows, m - i)];
      for (int64_t p = 0; p < numPanels; ++p)
        kernel(a + i * lda, lda, w.panels.data() + p * k * kPanel, k,
               c + i * ldc + p * kPanel, ldc,
               std::min(kPanel, n - p * kPanel),
               bias ? bias + p * kPanel : nullptr);
    }
    return;
  }
#endif
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
