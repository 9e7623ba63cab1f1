//===- AVX512VNNI.cpp - AVX-512 + VNNI kernels -------------------------------===//
//
// Integer path: vpdpbusd on the unsigned weight form (u8) times int8
// activations, 4 x 4 output tiles of 512-bit accumulators. Weight-only
// path: 16-wide float FMAs on weights decoded to float, four partial sums
// per row to hide FMA latency. Built with -mavx512f -mavx512bw -mavx512dq
// -mavx512vl -mavx512vnni; called only when the CPU has them.
//
//===----------------------------------------------------------------------===//

#include "Drivers.h"

#include <cstring>

namespace {

struct Avx512VnniPolicy {
  using XS8 = int8_t;
  using US8 = uint8_t;
  static constexpr int kGroupQuantum = 64;
  static constexpr int kMT = 4, kNT = 4;
  static constexpr int kFloatGroupQuantum = 16;
  static constexpr int kFMT = 4;

  static void prepareX(const int8_t *x, int64_t padded, int8_t *dst) {
    std::memcpy(dst, x, size_t(padded));
  }
  static void prepareU(const uint8_t *block, uint8_t *dst) {
    std::memcpy(dst, block, kBlock);
  }

  template <int TM, int TN>
  static void dotS8(const int8_t *xs, const uint8_t *us, int64_t stride,
                    int64_t begin, int64_t end, int64_t *out) {
    __m512i acc[TM][TN];
    for (int i = 0; i < TM; ++i)
      for (int j = 0; j < TN; ++j)
        acc[i][j] = _mm512_setzero_si512();
    for (int64_t c = begin; c < end; c += 64) {
      __m512i u[TN];
      for (int j = 0; j < TN; ++j)
        u[j] = _mm512_loadu_si512(us + j * stride + c);
      for (int i = 0; i < TM; ++i) {
        __m512i x = _mm512_loadu_si512(xs + i * stride + c);
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

/// Sum of each of 8 vectors' 8 int32 lanes: lane j of the result is the
/// sum of v[j].
static inline __m256i reduce8(const __m256i (&v)[8]) {
  __m256i a = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]),
                                _mm256_hadd_epi32(v[2], v[3]));
  __m256i b = _mm256_hadd_epi32(_mm256_hadd_epi32(v[4], v[5]),
                                _mm256_hadd_epi32(v[6], v[7]));
  return _mm256_add_epi32(_mm256_permute2x128_si256(a, b, 0x20),
                          _mm256_permute2x128_si256(a, b, 0x31));
}

/// One row of int8 activations (padded to the packed width) and its
/// per-group sums, shared by every 8-row tile of the weight.
struct GemvRow {
  std::vector<int8_t> x;
  /// Per group: sum of x, and 2^(bits-1) times it (int32, wrapping).
  std::vector<int32_t> sums, offsetSums;
};

/// The integer path for few activation rows (GEMV), 8 weight rows at a
/// time straight from the packed bytes: the unsigned form u = q + 2^(b-1)
/// is one XOR away (int4: both nibbles ^ 8; int8: ^ 0x80), vpdpbusd
/// accumulates u * x per 32-element half block, and a group's 8 per-row
/// lane sets are reduced together. The exact group sums and the float
/// epilogue (groups in order, no contraction) are those of combineGroup and
/// integerEpilogue, computed for the 8 rows in vector lanes.
template <int Bits, bool ZeroPointX>
static void gemvTile8(const GemvRow &row, int32_t zx, float xScale,
                      const qopt_rt_weight *w, const float *bias, int64_t n0,
                      float *y) {
  const int64_t k = w->k, kp = paddedK(k), groups = numGroups(k, w->group_size);
  const int32_t gs = w->group_size;
  const int64_t rowBytes = qopt_rt_row_bytes(k, Bits);
  const int32_t offset = 1 << (Bits - 1);
  const __m256i ones = _mm256_set1_epi8(1);
  __m256i acc[8], accU[8];
  __m256 out = _mm256_setzero_ps();
  auto clear = [&] {
    for (int j = 0; j < 8; ++j)
      acc[j] = accU[j] = _mm256_setzero_si256();
  };
  // Row n0 + j's scale of group g is scales[(n0 + j) * groups + g].
  const __m256i scaleIndex = _mm256_mullo_epi32(
      _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
      _mm256_set1_epi32(int32_t(groups)));
  const float *scaleBase = w->scales + n0 * groups;
  const __m256 vxScale = _mm256_set1_ps(xScale);
  auto flush = [&](int64_t g) {
    // sxq - zq * sx - zx * sq + count * zx * zq, wrapping like int32;
    // sxq = sxu - offset * sx.
    __m256i a = _mm256_sub_epi32(reduce8(acc),
                                 _mm256_set1_epi32(row.offsetSums[g]));
    if (w->zero_points || ZeroPointX) {
      int64_t count = groupEnd(g, k, gs) - groupBegin(g, gs);
      alignas(32) int32_t z[8] = {};
      if (w->zero_points)
        for (int j = 0; j < 8; ++j)
          z[j] = w->zero_points[(n0 + j) * groups + g];
      __m256i zq = _mm256_load_si256(reinterpret_cast<const __m256i *>(z));
      a = _mm256_sub_epi32(
          a, _mm256_mullo_epi32(zq, _mm256_set1_epi32(row.sums[g])));
      if (ZeroPointX) {
        __m256i sq = _mm256_sub_epi32(
            reduce8(accU), _mm256_set1_epi32(int32_t(int64_t(offset) * count)));
        a = _mm256_sub_epi32(a, _mm256_mullo_epi32(_mm256_set1_epi32(zx), sq));
        a = _mm256_add_epi32(
            a, _mm256_mullo_epi32(_mm256_set1_epi32(int32_t(count * zx)), zq));
      }
    }
    __m256 scale = _mm256_i32gather_ps(
        scaleBase, _mm256_add_epi32(scaleIndex, _mm256_set1_epi32(int32_t(g))),
        4);
    __m256 multiplier = _mm256_mul_ps(vxScale, scale);
    out = _mm256_add_ps(out, _mm256_mul_ps(_mm256_cvtepi32_ps(a), multiplier));
  };
  auto groupOf = [&](int64_t half) {
    return gs > 0 ? std::min<int64_t>(half * 32 / gs, groups - 1) : 0;
  };
  auto accumulate = [&](int j, __m256i u, __m256i x) {
    acc[j] = _mm256_dpbusd_epi32(acc[j], u, x);
    if (ZeroPointX)
      accU[j] = _mm256_dpbusd_epi32(accU[j], u, ones);
  };

  clear();
  int64_t current = 0;
  const uint8_t *base = w->data + n0 * rowBytes;
  for (int64_t half = 0; half < kp / 32; half += 2) {
    // Int4: block half / 2 of a row is 32 bytes, byte i holding element i
    // (low nibble, first half) and i + 32 (high nibble, second half).
    __m256i bytes[8];
    if constexpr (Bits == 4)
      for (int j = 0; j < 8; ++j)
        bytes[j] = _mm256_xor_si256(
            _mm256_loadu_si256(reinterpret_cast<const __m256i *>(
                base + j * rowBytes + half / 2 * 32)),
            _mm256_set1_epi8(char(0x88)));
    for (int h = 0; h < 2; ++h) {
      int64_t g = groupOf(half + h);
      if (g != current) {
        flush(current);
        clear();
        current = g;
      }
      __m256i x = _mm256_loadu_si256(
          reinterpret_cast<const __m256i *>(row.x.data() + (half + h) * 32));
      for (int j = 0; j < 8; ++j) {
        __m256i u;
        if constexpr (Bits == 4)
          u = h == 0 ? _mm256_and_si256(bytes[j], _mm256_set1_epi8(0x0F))
                     : _mm256_and_si256(_mm256_srli_epi16(bytes[j], 4),
                                        _mm256_set1_epi8(0x0F));
        else
          u = _mm256_xor_si256(
              _mm256_loadu_si256(reinterpret_cast<const __m256i *>(
                  base + j * rowBytes + (half + h) * 32)),
              _mm256_set1_epi8(char(0x80)));
        accumulate(j, u, x);
      }
    }
  }
  flush(current);
  if (bias)
    out = _mm256_add_ps(out, _mm256_loadu_ps(bias + n0));
  _mm256_storeu_ps(y, out);
}

/// The integer path: GEMV tiles for up to 4 activation rows of int4/int8
/// weights with per-channel scales or groups of multiples of 32; the tiled
/// GEMM driver otherwise, and for the last rows that do not fill a tile.
void matmulS8(int64_t m, const int8_t *x, int64_t ldx, float xScale,
              int32_t zx, const qopt_rt_weight *w, const float *bias, float *y,
              int64_t ldy, int64_t nBegin, int64_t nEnd) {
  const int32_t gs = w->group_size;
  bool gemv = m <= 4 && (w->bits == 4 || w->bits == 8) &&
              (gs == 0 || gs % 32 == 0) && nEnd - nBegin >= 8;
  if (!gemv)
    return matmulS8Driver<Avx512VnniPolicy>(m, x, ldx, xScale, zx, w, bias, y,
                                            ldy, nBegin, nEnd);
  const int64_t k = w->k, kp = paddedK(k), groups = numGroups(k, gs);
  int64_t tiled = nBegin + (nEnd - nBegin) / 8 * 8;
  GemvRow row;
  row.x.resize(size_t(kp));
  row.sums.resize(size_t(groups));
  row.offsetSums.resize(size_t(groups));
  for (int64_t r = 0; r < m; ++r) {
    padRow(x + r * ldx, k, kp, row.x.data());
    for (int64_t g = 0; g < groups; ++g) {
      int32_t sum = 0;
      for (int64_t c = groupBegin(g, gs), e = groupEnd(g, k, gs); c < e; ++c)
        sum += row.x[c];
      row.sums[g] = sum;
      row.offsetSums[g] = int32_t(int64_t(sum) << (w->bits - 1));
    }
    for (int64_t n0 = nBegin; n0 < tiled; n0 += 8) {
      float *out = y + r * ldy + n0;
      if (w->bits == 4)
        zx ? gemvTile8<4, true>(row, zx, xScale, w, bias, n0, out)
           : gemvTile8<4, false>(row, zx, xScale, w, bias, n0, out);
      else
        zx ? gemvTile8<8, true>(row, zx, xScale, w, bias, n0, out)
           : gemvTile8<8, false>(row, zx, xScale, w, bias, n0, out);
    }
  }
  if (tiled < nEnd)
    matmulS8Driver<Avx512VnniPolicy>(m, x, ldx, xScale, zx, w, bias, y, ldy,
                                     tiled, nEnd);
}

} // namespace

const KernelTable *qopt_rt::avx512VnniKernels() {
  static const KernelTable table = {quantizeS8, matmulS8,
                                    matmulF32Driver<Avx512VnniPolicy>,
                                    requantizeS8Scalar};
  return &table;
}
