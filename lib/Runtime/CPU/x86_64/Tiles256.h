//===- Tiles256.h - 256-bit integer tiles of the x86 variants --*- C++ -*-===//
//
// Horizontal sums and the TM x TN tile of 256-bit int32 accumulators that
// the AVX2 and AVX-VNNI micro-kernels are (Avx2Common.h), and that the
// AVX-512 variant uses for groups of 32 elements, whose 8-lane sums are
// cheaper to reduce than half-empty 512-bit ones. Internal linkage: every
// x86 translation unit is built with at least AVX2.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_TILES256_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_TILES256_H

#include <immintrin.h>

#include <cstdint>

namespace {

static int64_t reduceAdd(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
                            _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

static float reduceAdd(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/// out[i * NT + j] += the lane sum of acc[i][j] for a TM x TN tile (out
/// has NT columns per row).
template <int TM, int TN, int NT>
static inline void addTileSums(const __m256i (&acc)[TM][TN], int64_t *out) {
    // Four accumulators' sums at a time: two rounds of vphaddd leave each
    // one's partial sums in one 32-bit lane per 128-bit half.
    constexpr int kCount = TM * TN;
    int q = 0;
    for (; q + 4 <= kCount; q += 4) {
      const __m256i *a = &acc[0][0] + q;
      __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a[0], a[1]),
                                    _mm256_hadd_epi32(a[2], a[3]));
      alignas(16) int32_t sums[4];
      _mm_store_si128(reinterpret_cast<__m128i *>(sums),
                      _mm_add_epi32(_mm256_castsi256_si128(h),
                                    _mm256_extracti128_si256(h, 1)));
      for (int e = 0; e < 4; ++e)
        out[(q + e) / TN * NT + (q + e) % TN] += sums[e];
    }
    for (; q < kCount; ++q)
      out[q / TN * NT + q % TN] += reduceAdd((&acc[0][0])[q]);
}

/// The integer micro-kernel loop both 256-bit variants share: a TM x TN
/// tile of int32 accumulators over [begin, end) of the prepared activations
/// `xs` and weights `us` (rows `stride` elements apart), `Step` elements per
/// 256-bit load; mac(acc, x, u) adds one step's products (vpmaddwd + add,
/// or vpdpbusd). The lane sums are added to `out` (NT columns per row).
template <int TM, int TN, int NT, int Step, typename X, typename U,
          typename Mac>
static inline void dotTile(const X *xs, const U *us, int64_t stride,
                           int64_t begin, int64_t end, int64_t *out, Mac mac) {
  __m256i acc[TM][TN];
  for (int i = 0; i < TM; ++i)
    for (int j = 0; j < TN; ++j)
      acc[i][j] = _mm256_setzero_si256();
  for (int64_t c = begin; c < end; c += Step) {
    __m256i u[TN];
    for (int j = 0; j < TN; ++j)
      u[j] = _mm256_loadu_si256(
          reinterpret_cast<const __m256i *>(us + j * stride + c));
    for (int i = 0; i < TM; ++i) {
      __m256i x = _mm256_loadu_si256(
          reinterpret_cast<const __m256i *>(xs + i * stride + c));
      for (int j = 0; j < TN; ++j)
        acc[i][j] = mac(acc[i][j], x, u[j]);
    }
  }
  addTileSums<TM, TN, NT>(acc, out);
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_TILES256_H
