//===- GemmF32.h - Float32 GEMM over panel-packed weights (AVX2) -*- C++ -*-===//
//
// qopt_rt_matmul_f32f32 for the x86 variants (all of which have AVX2 and
// FMA): the compiled float convolutions and matmuls, and the reference
// executor's float GEMM. Each output is accumulated from 0 by fused
// multiply-adds in ascending k and the bias is added last, so the result
// is bit-identical to the portable kernel (std::fmaf in the same order). A
// tile is up to 6 activation rows x one panel of 16 output channels (12
// ymm accumulators; the broadcast activation meets the panel's two
// vectors). Panels are visited in chunks of about 256 KiB so that a chunk
// stays in L2 while every row tile meets it.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_GEMMF32_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_GEMMF32_H

#include "../Common.h"

#include <immintrin.h>

#include <algorithm>

namespace {

/// Adds the bias (last) and stores the first `cols` of R rows of a tile.
template <int R>
inline void gemmF32Store(const __m256 (&acc)[R][2], const float *bias,
                         float *y, int64_t ldy, int cols) {
  alignas(32) float b[16] = {};
  if (bias)
    std::copy(bias, bias + cols, b);
  const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
  for (int i = 0; i < R; ++i) {
    __m256 v0 = bias ? _mm256_add_ps(acc[i][0], b0) : acc[i][0];
    __m256 v1 = bias ? _mm256_add_ps(acc[i][1], b1) : acc[i][1];
    float *out = y + i * ldy;
    if (cols == 16) {
      _mm256_storeu_ps(out, v0);
      _mm256_storeu_ps(out + 8, v1);
    } else {
      alignas(32) float t[16];
      _mm256_store_ps(t, v0);
      _mm256_store_ps(t + 8, v1);
      std::copy(t, t + cols, out);
    }
  }
}

/// R < 6 rows x one 16-channel panel.
template <int R>
inline void gemmF32Tile(const float *x, int64_t ldx, const float *panel,
                        int64_t k, const float *bias, float *y, int64_t ldy,
                        int cols) {
  __m256 acc[R][2];
  for (int i = 0; i < R; ++i)
    acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t c = 0; c < k; ++c) {
    const __m256 b0 = _mm256_loadu_ps(panel + c * 16);
    const __m256 b1 = _mm256_loadu_ps(panel + c * 16 + 8);
    for (int i = 0; i < R; ++i) {
      const __m256 a = _mm256_broadcast_ss(x + i * ldx + c);
      acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  gemmF32Store<R>(acc, bias, y, ldy, cols);
}

/// The full 6-row tile, its 12 accumulators in named variables (GCC spills
/// an accumulator array to the stack on every iteration).
inline void gemmF32Tile6(const float *x, int64_t ldx, const float *panel,
                         int64_t k, const float *bias, float *y, int64_t ldy,
                         int cols) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  const float *x0 = x, *x1 = x + ldx, *x2 = x + 2 * ldx, *x3 = x + 3 * ldx,
              *x4 = x + 4 * ldx, *x5 = x + 5 * ldx;
  for (int64_t c = 0; c < k; ++c) {
    const __m256 b0 = _mm256_loadu_ps(panel + c * 16);
    const __m256 b1 = _mm256_loadu_ps(panel + c * 16 + 8);
    __m256 a = _mm256_broadcast_ss(x0 + c);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(x1 + c);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(x2 + c);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(x3 + c);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(x4 + c);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(x5 + c);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
  }
  const __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                            {c30, c31}, {c40, c41}, {c50, c51}};
  gemmF32Store<6>(acc, bias, y, ldy, cols);
}

using GemmF32TileFn = void (*)(const float *, int64_t, const float *, int64_t,
                               const float *, float *, int64_t, int);
/// The tile for 1..6 rows.
constexpr GemmF32TileFn kTiles[7] = {
    nullptr,         gemmF32Tile<1>, gemmF32Tile<2>, gemmF32Tile<3>,
    gemmF32Tile<4>, gemmF32Tile<5>, gemmF32Tile6};

static void matmulF32F32Avx2(int64_t m, const float *x, int64_t ldx,
                             const float *panels, int64_t n, int64_t k,
                             const float *bias, float *y, int64_t ldy,
                             int64_t nBegin, int64_t nEnd) {
  constexpr int64_t kPanel = qopt_rt::kF32PanelWidth;
  if (nBegin % kPanel != 0 || nEnd > n)
    return qopt_rt::portableKernels().matmulF32F32(m, x, ldx, panels, n, k,
                                                   bias, y, ldy, nBegin, nEnd);
  const int64_t panelBytes = std::max<int64_t>(k, 1) * kPanel * 4;
  const int64_t chunk = std::max<int64_t>(1, (256 << 10) / panelBytes);
  const int64_t firstPanel = nBegin / kPanel;
  const int64_t endPanel = (nEnd + kPanel - 1) / kPanel;
  for (int64_t p0 = firstPanel; p0 < endPanel; p0 += chunk) {
    const int64_t p1 = std::min(endPanel, p0 + chunk);
    for (int64_t m0 = 0; m0 < m; m0 += 6) {
      const int mt = int(std::min<int64_t>(6, m - m0));
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t n0 = p * kPanel;
        const int cols = int(std::min<int64_t>(kPanel, nEnd - n0));
        const float *panel = panels + p * k * kPanel;
        const float *b = bias ? bias + n0 : nullptr;
        const float *xs = x + m0 * ldx;
        float *ys = y + m0 * ldy + n0;
        kTiles[mt](xs, ldx, panel, k, b, ys, ldy, cols);
      }
    }
  }
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_GEMMF32_H
