//===- AVX512VNNI.cpp - AVX-512 + VNNI kernels -------------------------------===//
//
// Integer path: vpdpbusd on the unsigned weight form (u8) times int8
// activations, 4 x 4 output tiles of 512-bit accumulators; GEMV tiles
// (Gemv.h) for int4 and int8 weights. Weight-only
// path: 16-wide float FMAs on weights decoded to float, four partial sums
// per row to hide FMA latency. Built with -mavx512f -mavx512bw -mavx512dq
// -mavx512vl -mavx512vnni; called only when the CPU has them.
//
//===----------------------------------------------------------------------===//

#include "Gemv.h"
#include "Tiles256.h"
#include "Depthwise.h"
#include "GemmF32.h"

#include <cstring>

namespace {

struct Avx512VnniPolicy {
  using XS8 = int8_t;
  using US8 = uint8_t;
  static constexpr int kGroupQuantum = 16;
  static constexpr int kMT = 4, kNT = 4;
  static constexpr int kFloatGroupQuantum = 16;
  static constexpr int kFMT = 4;
  static constexpr bool kInt16Pairs = false;
  static constexpr int kGemvMaxBits = 8;

  static __m256i dotAcc(__m256i acc, __m256i u, __m256i x) {
    return _mm256_dpbusd_epi32(acc, u, x);
  }

  static void prepareX(const int8_t *x, int64_t padded, int8_t *dst) {
    std::memcpy(dst, x, size_t(padded));
  }
  static void prepareU(const uint8_t *block, uint8_t *dst) {
    std::memcpy(dst, block, kBlock);
  }

  template <int TM, int TN>
  static void dotS8(const int8_t *xs, const uint8_t *us, int64_t stride,
                    int64_t begin, int64_t end, int64_t *out) {
    // Groups of 32 (or 96, ...): 256-bit vpdpbusd, whose 8-lane sums are
    // cheaper to reduce per group than 16 half-empty lanes.
    if ((end - begin) % 64 == 32)
      return dotTile<TM, TN, kNT, 32>(xs, us, stride, begin, end, out,
                                      [](__m256i acc, __m256i x, __m256i u) {
                                        return _mm256_dpbusd_epi32(acc, u, x);
                                      });
    __m512i acc[TM][TN];
    for (int i = 0; i < TM; ++i)
      for (int j = 0; j < TN; ++j)
        acc[i][j] = _mm512_setzero_si512();
    int64_t c = begin;
    for (; c + 64 <= end; c += 64) {
      __m512i u[TN];
      for (int j = 0; j < TN; ++j)
        u[j] = _mm512_loadu_si512(us + j * stride + c);
      for (int i = 0; i < TM; ++i) {
        __m512i x = _mm512_loadu_si512(xs + i * stride + c);
        for (int j = 0; j < TN; ++j)
          acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], u[j], x);
      }
    }
    if (c < end) {
      // A group of 16, 32 or 48 (or the end of one): masked loads zero the
      // lanes past it, which add nothing.
      const __mmask64 lanes = (~__mmask64(0)) >> (64 - (end - c));
      __m512i u[TN];
      for (int j = 0; j < TN; ++j)
        u[j] = _mm512_maskz_loadu_epi8(lanes, us + j * stride + c);
      for (int i = 0; i < TM; ++i) {
        __m512i x = _mm512_maskz_loadu_epi8(lanes, xs + i * stride + c);
        for (int j = 0; j < TN; ++j)
          acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], u[j], x);
      }
    }
    for (int i = 0; i < TM; ++i)
      for (int j = 0; j < TN; ++j)
        out[i * kNT + j] += _mm512_reduce_add_epi32(acc[i][j]);
  }

  static __m512 load16(const uint8_t *q) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(q));
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(b));
  }

  /// sum_g scale[g] * sum_{k in g} x[k] * q[k] for TM rows of x. Groups
  /// go round four accumulators per row (statically indexed, so they stay
  /// in registers) to break the dependency from one group to the next.
  template <int TM>
  static void dotF32(const float *xs, int64_t stride, const uint8_t *q,
                     int64_t groups, int32_t gs, const float *scales,
                     float *out) {
    int64_t kp = stride;
    auto group = [&](int64_t g, __m512(&y)[TM]) {
      int64_t begin = gs > 0 ? g * gs : 0;
      int64_t end = (gs > 0 && g + 1 < groups) ? (g + 1) * gs : kp;
      __m512 a[TM][2];
      for (int i = 0; i < TM; ++i)
        a[i][0] = a[i][1] = _mm512_setzero_ps();
      int64_t c = begin;
      for (; c + 32 <= end; c += 32) {
        __m512 w0 = load16(q + c), w1 = load16(q + c + 16);
        for (int i = 0; i < TM; ++i) {
          a[i][0] = _mm512_fmadd_ps(_mm512_loadu_ps(xs + i * stride + c), w0,
                                    a[i][0]);
          a[i][1] = _mm512_fmadd_ps(_mm512_loadu_ps(xs + i * stride + c + 16),
                                    w1, a[i][1]);
        }
      }
      if (c < end) {
        __m512 w0 = load16(q + c);
        for (int i = 0; i < TM; ++i)
          a[i][0] = _mm512_fmadd_ps(_mm512_loadu_ps(xs + i * stride + c), w0,
                                    a[i][0]);
      }
      __m512 s = _mm512_set1_ps(scales[g]);
      for (int i = 0; i < TM; ++i)
        y[i] = _mm512_fmadd_ps(s, _mm512_add_ps(a[i][0], a[i][1]), y[i]);
    };
    __m512 y0[TM], y1[TM], y2[TM], y3[TM];
    for (int i = 0; i < TM; ++i)
      y0[i] = y1[i] = y2[i] = y3[i] = _mm512_setzero_ps();
    int64_t g = 0;
    for (; g + 4 <= groups; g += 4) {
      group(g, y0);
      group(g + 1, y1);
      group(g + 2, y2);
      group(g + 3, y3);
    }
    for (; g < groups; ++g)
      group(g, y0);
    for (int i = 0; i < TM; ++i)
      out[i] = _mm512_reduce_add_ps(_mm512_add_ps(
          _mm512_add_ps(y0[i], y1[i]), _mm512_add_ps(y2[i], y3[i])));
  }
};

void quantizeS8(int64_t count, const float *x, float scale, int32_t zeroPoint,
                int8_t *out) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512 lo = _mm512_set1_ps(float(-128 - zeroPoint));
  const __m512 hi = _mm512_set1_ps(float(127 - zeroPoint));
  const __m512i z = _mm512_set1_epi32(zeroPoint);
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    __m512 v = _mm512_div_ps(_mm512_loadu_ps(x + i), s);
    v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // NaN -> 0 (ordered compare is false for NaN), then clamp.
    __mmask16 ordered = _mm512_cmp_ps_mask(v, v, _CMP_ORD_Q);
    v = _mm512_maskz_mov_ps(ordered, v);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), z);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i),
                     _mm512_cvtepi32_epi8(q));
  }
  for (; i < count; ++i)
    out[i] = quantizeOne(x[i], scale, zeroPoint);
}

} // namespace

const KernelTable *qopt_rt::avx512VnniKernels() {
  static const KernelTable table = {
      quantizeS8,       matmulS8WithGemv<Avx512VnniPolicy>,
      matmulF32Driver<Avx512VnniPolicy>, requantizeS8Scalar,
      matmulF32LutAvx2, depthwiseS8Avx2,
      depthwiseF32Avx2,
      matmulS8AccDriver<Avx512VnniPolicy>, depthwiseS8AccAvx2,
      matmulF32F32Avx2, depthwiseF32F32Avx2};
  return &table;
}
