//===- Avx2Common.h - Pieces shared by the 256-bit x86 variants -*- C++ -*-===//
//
// What the AVX2 and AVX-VNNI variants share: the 256-bit integer tiles
// (Tiles256.h), the weight-only (float) micro-kernel and float -> int8
// quantization. Both translation
// units are built with AVX2 + FMA (AVX-VNNI adds vpdpbusd), so everything
// here has internal linkage.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_AVX2COMMON_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_AVX2COMMON_H

#include "Gemv.h"
#include "Tiles256.h"

namespace {

/// The weight-only path: 8-wide float FMAs on weights sign-extended to
/// float, two partial sums per row.
struct Avx2FloatPath {
  static constexpr int kFloatGroupQuantum = 16;
  static constexpr int kFMT = 4;

  static __m256 load8(const uint8_t *q) {
    __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(q));
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
  }

  /// sum_g scale[g] * sum_{k in g} x[k] * q[k] for TM rows of x, groups
  /// alternating between two statically indexed accumulators per row.
  template <int TM>
  static void dotF32(const float *xs, int64_t stride, const uint8_t *q,
                     int64_t groups, int32_t gs, const float *scales,
                     float *out) {
    int64_t kp = stride;
    auto group = [&](int64_t g, __m256(&y)[TM]) {
      int64_t begin = gs > 0 ? g * gs : 0;
      int64_t end = (gs > 0 && g + 1 < groups) ? (g + 1) * gs : kp;
      __m256 a[TM][2];
      for (int i = 0; i < TM; ++i)
        a[i][0] = a[i][1] = _mm256_setzero_ps();
      for (int64_t c = begin; c < end; c += 16) {
        __m256 w0 = load8(q + c), w1 = load8(q + c + 8);
        for (int i = 0; i < TM; ++i) {
          a[i][0] = _mm256_fmadd_ps(_mm256_loadu_ps(xs + i * stride + c), w0,
                                    a[i][0]);
          a[i][1] = _mm256_fmadd_ps(_mm256_loadu_ps(xs + i * stride + c + 8),
                                    w1, a[i][1]);
        }
      }
      __m256 s = _mm256_set1_ps(scales[g]);
      for (int i = 0; i < TM; ++i)
        y[i] = _mm256_fmadd_ps(s, _mm256_add_ps(a[i][0], a[i][1]), y[i]);
    };
    __m256 y0[TM], y1[TM];
    for (int i = 0; i < TM; ++i)
      y0[i] = y1[i] = _mm256_setzero_ps();
    int64_t g = 0;
    for (; g + 2 <= groups; g += 2) {
      group(g, y0);
      group(g + 1, y1);
    }
    if (g < groups)
      group(g, y0);
    for (int i = 0; i < TM; ++i)
      out[i] = reduceAdd(_mm256_add_ps(y0[i], y1[i]));
  }
};

static void quantizeS8(int64_t count, const float *x, float scale, int32_t zeroPoint,
                int8_t *out) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256 lo = _mm256_set1_ps(float(-128 - zeroPoint));
  const __m256 hi = _mm256_set1_ps(float(127 - zeroPoint));
  const __m256i z = _mm256_set1_epi32(zeroPoint);
  int64_t i = 0;
  alignas(32) int32_t q[8];
  for (; i + 8 <= count; i += 8) {
    __m256 v = _mm256_div_ps(_mm256_loadu_ps(x + i), s);
    v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    _mm256_store_si256(reinterpret_cast<__m256i *>(q),
                       _mm256_add_epi32(_mm256_cvtps_epi32(v), z));
    for (int j = 0; j < 8; ++j)
      out[i + j] = int8_t(q[j]);
  }
  for (; i < count; ++i)
    out[i] = quantizeOne(x[i], scale, zeroPoint);
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_AVX2COMMON_H
