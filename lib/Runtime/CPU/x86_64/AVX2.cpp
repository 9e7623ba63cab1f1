//===- AVX2.cpp - AVX2 + FMA kernels -----------------------------------------===//
//
// Integer path: activations and unsigned weights widened to int16 once per
// call / block, then vpmaddwd (exact: |x * u| <= 128 * 255, pairs fit in
// int32), 4 x 3 output tiles (12 accumulators, 3 weight and 1 activation
// registers); for int4 GEMV, 8-row tiles from the packed bytes with
// vpmaddubsw + vpmaddwd (Gemv.h). Weight-only path: 8-wide float FMAs, two
// partial sums per row. Built with -mavx2 -mfma; called only when the CPU
// has them.
//
//===----------------------------------------------------------------------===//

#include "Gemv.h"

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

struct Avx2Policy {
  using XS8 = int16_t;
  using US8 = int16_t;
  static constexpr int kGroupQuantum = 16;
  static constexpr int kMT = 4, kNT = 3;
  static constexpr int kFloatGroupQuantum = 16;
  static constexpr int kFMT = 4;
  // vpmaddubsw pairs of u * x fit in int16 for u <= 15 (int4), not for
  // int8's u <= 255: int8 weights stay on the int16 tiles.
  static constexpr bool kInt16Pairs = true;
  static constexpr int kGemvMaxBits = 4;

  static __m256i dotAcc(__m256i acc, __m256i u, __m256i x) {
    return _mm256_add_epi32(
        acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, x),
                               _mm256_set1_epi16(1)));
  }

  static void prepareX(const int8_t *x, int64_t padded, int16_t *dst) {
    for (int64_t c = 0; c < padded; c += 16)
      _mm256_storeu_si256(
          reinterpret_cast<__m256i *>(dst + c),
          _mm256_cvtepi8_epi16(
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(x + c))));
  }
  static void prepareU(const uint8_t *block, int16_t *dst) {
    for (int c = 0; c < kBlock; c += 16)
      _mm256_storeu_si256(
          reinterpret_cast<__m256i *>(dst + c),
          _mm256_cvtepu8_epi16(
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(block + c))));
  }

  template <int TM, int TN>
  static void dotS8(const int16_t *xs, const int16_t *us, int64_t stride,
                    int64_t begin, int64_t end, int64_t *out) {
    __m256i acc[TM][TN];
    for (int i = 0; i < TM; ++i)
      for (int j = 0; j < TN; ++j)
        acc[i][j] = _mm256_setzero_si256();
    for (int64_t c = begin; c < end; c += 16) {
      __m256i u[TN];
      for (int j = 0; j < TN; ++j)
        u[j] = _mm256_loadu_si256(
            reinterpret_cast<const __m256i *>(us + j * stride + c));
      for (int i = 0; i < TM; ++i) {
        __m256i x = _mm256_loadu_si256(
            reinterpret_cast<const __m256i *>(xs + i * stride + c));
        for (int j = 0; j < TN; ++j)
          acc[i][j] = _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(x, u[j]));
      }
    }
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
        out[(q + e) / TN * kNT + (q + e) % TN] += sums[e];
    }
    for (; q < kCount; ++q)
      out[q / TN * kNT + q % TN] += reduceAdd((&acc[0][0])[q]);
  }

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

void quantizeS8(int64_t count, const float *x, float scale, int32_t zeroPoint,
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

const KernelTable *qopt_rt::avx2Kernels() {
  static const KernelTable table = {quantizeS8, matmulS8WithGemv<Avx2Policy>,
                                    matmulF32Driver<Avx2Policy>,
                                    requantizeS8Scalar};
  return &table;
}
