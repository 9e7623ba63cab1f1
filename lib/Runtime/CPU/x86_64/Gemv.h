//===- Gemv.h - Integer-path GEMV tiles shared by the x86 variants -*- C++ -*-===//
//
// The integer path for few activation rows (GEMV), 8 weight rows at a time
// straight from the packed bytes. The unsigned form u = q + 2^(bits-1) is
// one XOR away (int4: both nibbles ^ 8; int8: ^ 0x80); a policy supplies
// the 256-bit u8 x s8 dot-product-accumulate (vpdpbusd with AVX-512 VNNI;
// vpmaddubsw + vpmaddwd with AVX2, exact only while |u * x| pairs fit in
// int16, hence int4 only there), a group's 8 per-row lane sets are reduced
// together, and the exact group sums and float epilogue (groups in order,
// no contraction) of combineGroup and integerEpilogue are computed for the
// 8 rows in vector lanes. Built into translation units with different ISA
// flags, so everything has internal linkage.
//
// Policy requirements (in addition to the tiled driver's):
//   dotAcc(acc, u, x)   acc + sum of 4-byte groups of u (u8) * x (s8), int32
//   kGemvMaxBits        4 or 8: widest packed weight the GEMV handles
//   kInt16Pairs         dotAcc is vpmaddubsw + vpmaddwd: groups of 32
//                       int4 elements are reduced from the int16 pair sums
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_GEMV_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_GEMV_H

#include "Drivers.h"

namespace {

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

/// Like reduce8 for 8 vectors of 16 int16 pair sums each within +-3840
/// (two products of u <= 15 and an int8): the int16 horizontal additions
/// cannot wrap (8 pairs are at most 30720), and the two 128-bit halves are
/// widened and added at the end.
static inline __m256i reduce8Pairs(const __m256i (&p)[8]) {
  __m256i a = _mm256_hadd_epi16(_mm256_hadd_epi16(p[0], p[1]),
                                _mm256_hadd_epi16(p[2], p[3]));
  __m256i b = _mm256_hadd_epi16(_mm256_hadd_epi16(p[4], p[5]),
                                _mm256_hadd_epi16(p[6], p[7]));
  __m256i c = _mm256_hadd_epi16(a, b);
  return _mm256_add_epi32(_mm256_cvtepi16_epi32(_mm256_castsi256_si128(c)),
                          _mm256_cvtepi16_epi32(_mm256_extracti128_si256(c, 1)));
}

/// One row of int8 activations (padded to the packed width) and its
/// per-group sums, shared by every 8-row tile of the weight.
struct GemvRow {
  int8_t *x;
  /// Per group: sum of x, and 2^(bits-1) times it (int32, wrapping).
  int32_t *sums, *offsetSums;
};

/// Per-tile buffers, allocated once per call.
struct GemvScratch {
  /// groups x 8 floats, 32-byte aligned.
  float *multipliers;
};

/// Writes out[g * 8 + j] = xScale * scales[j * groups + g] for the 8 rows
/// of a tile (the product rounded once, as integerEpilogue computes it):
/// 8 x 8 blocks transposed in registers, the last groups one by one.
static inline const float *transposeMultipliers(const float *scales,
                                                int64_t groups, float xScale,
                                                float *out) {
  const __m256 vxScale = _mm256_set1_ps(xScale);
  int64_t g = 0;
  for (; g + 8 <= groups; g += 8) {
    __m256 r[8], t[8];
    for (int j = 0; j < 8; ++j)
      r[j] = _mm256_loadu_ps(scales + j * groups + g);
    for (int j = 0; j < 8; j += 2) {
      t[j] = _mm256_unpacklo_ps(r[j], r[j + 1]);
      t[j + 1] = _mm256_unpackhi_ps(r[j], r[j + 1]);
    }
    for (int j = 0; j < 8; j += 4) {
      r[j] = _mm256_shuffle_ps(t[j], t[j + 2], 0x44);
      r[j + 1] = _mm256_shuffle_ps(t[j], t[j + 2], 0xEE);
      r[j + 2] = _mm256_shuffle_ps(t[j + 1], t[j + 3], 0x44);
      r[j + 3] = _mm256_shuffle_ps(t[j + 1], t[j + 3], 0xEE);
    }
    // r[0..3] hold rows 0-3 and r[4..7] rows 4-7 of groups g + {0, 1, 2,
    // 3} (low halves) and g + {4, 5, 6, 7} (high halves).
    for (int q = 0; q < 4; ++q) {
      _mm256_store_ps(out + (g + q) * 8,
                      _mm256_mul_ps(vxScale, _mm256_permute2f128_ps(
                                                 r[q], r[q + 4], 0x20)));
      _mm256_store_ps(out + (g + q + 4) * 8,
                      _mm256_mul_ps(vxScale, _mm256_permute2f128_ps(
                                                 r[q], r[q + 4], 0x31)));
    }
  }
  for (; g < groups; ++g)
    for (int j = 0; j < 8; ++j)
      out[g * 8 + j] = xScale * scales[j * groups + g];
  return out;
}

template <class P, int Bits, bool ZeroPointX>
static void gemvTile8(const GemvRow &row, int32_t zx, float xScale,
                      const qopt_rt_weight *w, const float *bias, int64_t n0,
                      const GemvScratch &scratch, float *y) {
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
  // multipliers[g * 8 + j] = xScale * scale of row n0 + j, group g.
  const float *multipliers = transposeMultipliers(
      w->scales + n0 * groups, groups, xScale, scratch.multipliers);
  // Group g's 8 sums of u * x (and of u, with ZeroPointX) to the output.
  auto flushSums = [&](int64_t g, __m256i sxu, auto sumU) {
    // sxq - zq * sx - zx * sq + count * zx * zq, wrapping like int32;
    // sxq = sxu - offset * sx.
    __m256i a = _mm256_sub_epi32(sxu, _mm256_set1_epi32(row.offsetSums[g]));
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
            sumU(), _mm256_set1_epi32(int32_t(int64_t(offset) * count)));
        a = _mm256_sub_epi32(a, _mm256_mullo_epi32(_mm256_set1_epi32(zx), sq));
        a = _mm256_add_epi32(
            a, _mm256_mullo_epi32(_mm256_set1_epi32(int32_t(count * zx)), zq));
      }
    }
    __m256 multiplier = _mm256_load_ps(multipliers + g * 8);
    out = _mm256_add_ps(out, _mm256_mul_ps(_mm256_cvtepi32_ps(a), multiplier));
  };
  auto flush = [&](int64_t g) {
    flushSums(g, reduce8(acc), [&] { return reduce8(accU); });
  };
  // With int16 pair sums (vpmaddubsw) and groups of 32, a group is one
  // 32-element half (unless the row's padding adds a half to the last
  // group): its 8 rows' pair sums are reduced in int16 directly.
  constexpr bool kPairGroups = P::kInt16Pairs && Bits == 4;
  const bool pairGroups = kPairGroups && gs == 32 && kp / 32 == groups;
  auto groupOf = [&](int64_t half) {
    return gs > 0 ? std::min<int64_t>(half * 32 / gs, groups - 1) : 0;
  };
  auto accumulate = [&](int j, __m256i u, __m256i x) {
    acc[j] = P::dotAcc(acc[j], u, x);
    if (ZeroPointX)
      accU[j] = P::dotAcc(accU[j], u, ones);
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
      if constexpr (kPairGroups) {
        if (pairGroups) {
          __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(
              row.x + (half + h) * 32));
          __m256i p[8], pu[8];
          for (int j = 0; j < 8; ++j) {
            __m256i u =
                h == 0 ? _mm256_and_si256(bytes[j], _mm256_set1_epi8(0x0F))
                       : _mm256_and_si256(_mm256_srli_epi16(bytes[j], 4),
                                          _mm256_set1_epi8(0x0F));
            p[j] = _mm256_maddubs_epi16(u, x);
            if (ZeroPointX)
              pu[j] = _mm256_maddubs_epi16(u, ones);
          }
          flushSums(g, reduce8Pairs(p), [&] { return reduce8Pairs(pu); });
          continue;
        }
      }
      if (g != current) {
        flush(current);
        clear();
        current = g;
      }
      __m256i x = _mm256_loadu_si256(
          reinterpret_cast<const __m256i *>(row.x + (half + h) * 32));
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
  if (!pairGroups)
    flush(current);
  if (bias)
    out = _mm256_add_ps(out, _mm256_loadu_ps(bias + n0));
  _mm256_storeu_ps(y, out);
}

/// The integer path: GEMV tiles for up to 4 activation rows of weights up
/// to the policy's kGemvMaxBits (int4, int8) with per-channel scales or
/// groups of multiples of 32; the tiled GEMM driver otherwise, and for the
/// last rows that do not fill a tile.
template <class P>
static void matmulS8WithGemv(int64_t m, const int8_t *x, int64_t ldx,
                             float xScale, int32_t zx, const qopt_rt_weight *w,
                             const float *bias, float *y, int64_t ldy,
                             int64_t nBegin, int64_t nEnd) {
  const int32_t gs = w->group_size;
  bool gemv = m <= 4 &&
              (w->bits == 4 || (w->bits == 8 && P::kGemvMaxBits >= 8)) &&
              (gs == 0 || gs % 32 == 0) && nEnd - nBegin >= 8;
  if (!gemv)
    return matmulS8Driver<P>(m, x, ldx, xScale, zx, w, bias, y, ldy, nBegin,
                             nEnd);
  const int64_t k = w->k, kp = paddedK(k), groups = numGroups(k, gs);
  int64_t tiled = nBegin + (nEnd - nBegin) / 8 * 8;
  Scratch<int8_t> xBuffer(kp);
  Scratch<int32_t> sums(groups), offsetSums(groups);
  Scratch<float> multiplierBuffer(groups * 8 + 8);
  if (!xBuffer || !sums || !offsetSums || !multiplierBuffer)
    return portableKernels().matmulS8(m, x, ldx, xScale, zx, w, bias, y, ldy,
                                      nBegin, nEnd);
  GemvRow row{xBuffer.get(), sums.get(), offsetSums.get()};
  GemvScratch scratch{reinterpret_cast<float *>(
      (reinterpret_cast<uintptr_t>(multiplierBuffer.get()) + 31) &
      ~uintptr_t(31))};
  for (int64_t r = 0; r < m; ++r) {
    padRow(x + r * ldx, k, kp, row.x);
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
        zx ? gemvTile8<P, 4, true>(row, zx, xScale, w, bias, n0, scratch, out)
           : gemvTile8<P, 4, false>(row, zx, xScale, w, bias, n0, scratch, out);
      else if constexpr (P::kGemvMaxBits >= 8)
        zx ? gemvTile8<P, 8, true>(row, zx, xScale, w, bias, n0, scratch, out)
           : gemvTile8<P, 8, false>(row, zx, xScale, w, bias, n0, scratch, out);
    }
  }
  if (tiled < nEnd)
    matmulS8Driver<P>(m, x, ldx, xScale, zx, w, bias, y, ldy, tiled, nEnd);
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_GEMV_H
