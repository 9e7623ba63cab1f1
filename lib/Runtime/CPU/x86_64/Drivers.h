//===- Drivers.h - Tiling shared by the x86 kernel variants --------*- C++ -*-===//
//
// The loops around the SIMD micro-kernels: padding and pre-summing the
// activations, decoding a tile of weight rows to the unsigned form once,
// walking M x N tiles, and the exact scalar epilogue from ../Common.h. An
// ISA variant supplies a policy with the micro-kernels; everything else is
// this one piece of code, instantiated per variant (internal linkage, since
// each variant's translation unit is built with different ISA flags).
//
// Policy requirements:
//   XS8, US8         element types of the prepared activations / weights
//   kGroupQuantum    group sizes must be multiples of this (else portable)
//   kMT, kNT         maximum integer tile (rows of x, rows of w)
//   prepareX(x, k, padded, dst), prepareU(bytes, padded, dst)
//   dotS8<MT, NT>(xs, us, stride, begin, end, sxu[MT][NT])  (adds)
//   kFMT             maximum float tile (rows of x; one weight row)
//   dotF32<MT>(xs, ldxs, u, begin, end, scale, y[MT] vectors) etc.: see
//   the f32 driver below.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_DRIVERS_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_DRIVERS_H

#include "../Common.h"
#include "Unpack.h"

#include <algorithm>

namespace {

using namespace qopt_rt;

/// Calls fn.template operator()<I>() for the runtime value i in [1, Max].
template <int Max, typename Fn> static inline void dispatchCount(int i, Fn &&fn) {
  if constexpr (Max >= 1) {
    if (i == Max)
      return fn.template operator()<Max>();
    dispatchCount<Max - 1>(i, fn);
  }
}

/// The integer path; with `accY` non-null, the accumulator path instead
/// (one group per row: accY = accBias + the exact int32 sum; y, bias and
/// xScale unused).
template <class P>
static void matmulS8Driver(int64_t m, const int8_t *x, int64_t ldx,
                           float xScale, int32_t zx, const qopt_rt_weight *w,
                           const float *bias, float *y, int64_t ldy,
                           int64_t nBegin, int64_t nEnd,
                           const int32_t *accBias = nullptr,
                           int32_t *accY = nullptr) {
  const int32_t gs = w->group_size;
  auto portable = [&] {
    if (accY)
      return portableKernels().matmulS8Acc(m, x, ldx, zx, w, accBias, accY,
                                           ldy, nBegin, nEnd);
    portableKernels().matmulS8(m, x, ldx, xScale, zx, w, bias, y, ldy, nBegin,
                               nEnd);
  };
  if ((gs > 0 && gs % P::kGroupQuantum != 0) || (accY && gs > 0))
    return portable();
  const int64_t k = w->k, kp = paddedK(k), groups = numGroups(k, gs);
  const int64_t rowBytes = qopt_rt_row_bytes(k, w->bits);
  constexpr int MT = P::kMT, NT = P::kNT;

  // The activations' padding is zero, so the products past k (rounded up
  // to the micro-kernel's step) add nothing: the dot products stop there,
  // and only that much of each row is prepared; the weight sums and counts
  // keep the padding.
  const int64_t dotEnd = (k + P::kGroupQuantum - 1) / P::kGroupQuantum *
                        P::kGroupQuantum;
  // Weight rows are decoded a block at a time (as many whole tiles as fit
  // in about 192 KiB, so the block stays in L2), and each tile of
  // activation rows then meets every tile of the block: the activations
  // stream once per block instead of once per tile.
  const int64_t blockRows = std::max<int64_t>(
      NT, (192 * 1024 / (kp * int64_t(sizeof(typename P::US8)))) / NT * NT);
  const int64_t rowsCap = std::min<int64_t>(blockRows, nEnd - nBegin);
  // Activations, padded with zeros, and their per-group sums; the decoded
  // weight block, its sums, and the tile's partial sums. Without memory
  // for them, the portable kernel (which needs none) computes the same
  // bits.
  Scratch<typename P::XS8> xs(m * kp);
  Scratch<int64_t> sx(m * groups, /*zero=*/true);
  Scratch<int8_t> xrow(kp);
  Scratch<typename P::US8> us((rowsCap + NT) * kp);
  Scratch<int64_t> su((rowsCap + NT) * groups);
  Scratch<int64_t> sxu(MT * NT * groups);
  Scratch<int32_t> acc(groups);
  if (!xs || !sx || !xrow || !us || !su || !sxu || !acc)
    return portable();
  for (int64_t r = 0; r < m; ++r) {
    padRow(x + r * ldx, k, kp, xrow.get());
    P::prepareX(xrow.get(), dotEnd, xs.get() + r * kp);
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t c = groupBegin(g, gs), e = groupEnd(g, k, gs); c < e; ++c)
        sx[r * groups + g] += xrow[c];
  }

  alignas(64) uint8_t block[kBlock];
  for (int64_t nb = nBegin; nb < nEnd; nb += blockRows) {
    const int64_t nbEnd = std::min(nEnd, nb + blockRows);
    for (int64_t n = nb; n < nbEnd; ++n) {
      const uint8_t *row = w->data + n * rowBytes;
      int64_t *sum = su.get() + (n - nb) * groups;
      std::fill(sum, sum + groups, 0);
      for (int64_t b = 0; b < kp / kBlock; ++b) {
        unpackBlockU(row + b * kBlock * w->bits / 8, w->bits, block);
        P::prepareU(block, us.get() + (n - nb) * kp + b * kBlock);
        int64_t chunks[4];
        chunkSums(block, chunks);
        for (int q = 0; q < 4; ++q)
          sum[gs > 0 ? std::min<int64_t>((b * kBlock + 16 * q) / gs,
                                         groups - 1)
                     : 0] += chunks[q];
      }
    }
    for (int64_t m0 = 0; m0 < m; m0 += MT) {
      const int mt = int(std::min<int64_t>(MT, m - m0));
      for (int64_t n0 = nb; n0 < nbEnd; n0 += NT) {
        const int nt = int(std::min<int64_t>(NT, nbEnd - n0));
        const typename P::US8 *ut = us.get() + (n0 - nb) * kp;
        const int64_t *st = su.get() + (n0 - nb) * groups;
        std::fill(sxu.get(), sxu.get() + MT * NT * groups, 0);
        for (int64_t g = 0; g < groups; ++g) {
          int64_t begin = groupBegin(g, gs),
                  end = std::min(groupEnd(g, k, gs), dotEnd);
          if (end <= begin)
            continue;
          int64_t *out = sxu.get() + g * MT * NT;
          dispatchCount<MT>(mt, [&]<int TM>() {
            dispatchCount<NT>(nt, [&]<int TN>() {
              P::template dotS8<TM, TN>(xs.get() + m0 * kp, ut, kp, begin,
                                        end, out);
            });
          });
        }
        if (groups == 1) {
          // Per channel: the tile's column constants are hoisted and each
          // output's group sum stays in a register; the arithmetic is
          // integerEpilogue's for one group (0 + acc * multiplier, then the
          // bias).
          const int64_t count = groupEnd(0, k, gs);
          float multiplier[NT], biasValue[NT];
          int32_t zq[NT];
          int64_t sumU[NT];
          if (accY) {
            for (int i = 0; i < mt; ++i)
              for (int j = 0; j < nt; ++j) {
                int32_t zq = w->zero_points ? w->zero_points[n0 + j] : 0;
                int32_t a = combineGroup(sxu[i * NT + j], sx[m0 + i], st[j],
                                         count, w->bits, zx, zq);
                accY[(m0 + i) * ldy + n0 + j] =
                    a + (accBias ? accBias[n0 + j] : 0);
              }
            continue;
          }
          for (int j = 0; j < nt; ++j) {
            multiplier[j] = xScale * w->scales[n0 + j];
            zq[j] = w->zero_points ? w->zero_points[n0 + j] : 0;
            sumU[j] = st[j];
            biasValue[j] = bias ? bias[n0 + j] : 0.0f;
          }
          for (int i = 0; i < mt; ++i) {
            const int64_t sumX = sx[m0 + i];
            float *row = y + (m0 + i) * ldy + n0;
            for (int j = 0; j < nt; ++j) {
              int32_t a = combineGroup(sxu[i * NT + j], sumX, sumU[j], count,
                                       w->bits, zx, zq[j]);
              float v = 0.0f;
              v = v + float(a) * multiplier[j];
              if (bias)
                v = v + biasValue[j];
              row[j] = v;
            }
          }
          continue;
        }
        for (int i = 0; i < mt; ++i) {
          for (int j = 0; j < nt; ++j) {
            int64_t n = n0 + j;
            for (int64_t g = 0; g < groups; ++g) {
              int32_t zq = w->zero_points ? w->zero_points[n * groups + g] : 0;
              int64_t count = groupEnd(g, k, gs) - groupBegin(g, gs);
              acc[g] = combineGroup(sxu[g * MT * NT + i * NT + j],
                                    sx[(m0 + i) * groups + g],
                                    st[j * groups + g], count, w->bits, zx,
                                    zq);
            }
            y[(m0 + i) * ldy + n] = integerEpilogue(
                acc.get(), groups, xScale, w->scales + n * groups,
                bias ? bias + n : nullptr);
          }
        }
      }
    }
  }
}

template <class P>
static void matmulF32Driver(int64_t m, const float *x, int64_t ldx,
                            const qopt_rt_weight *w, const float *bias,
                            float *y, int64_t ldy, int64_t nBegin,
                            int64_t nEnd) {
  const int32_t gs = w->group_size;
  if (gs > 0 && gs % P::kFloatGroupQuantum != 0)
    return portableKernels().matmulF32(m, x, ldx, w, bias, y, ldy, nBegin,
                                       nEnd);
  const int64_t k = w->k, kp = paddedK(k), groups = numGroups(k, gs);
  const int64_t rowBytes = qopt_rt_row_bytes(k, w->bits);
  constexpr int MT = P::kFMT;

  // Activations zero-padded, and their per-group sums (for the zero-point
  // correction); one decoded weight row. Without memory for them, the
  // portable kernel computes the result (to rounding, as always between
  // variants on this path).
  Scratch<float> xs(m * kp, /*zero=*/true), sx(m * groups, /*zero=*/true);
  Scratch<uint8_t> u(kp);
  if (!xs || !sx || !u)
    return portableKernels().matmulF32(m, x, ldx, w, bias, y, ldy, nBegin,
                                       nEnd);
  for (int64_t r = 0; r < m; ++r) {
    std::copy(x + r * ldx, x + r * ldx + k, xs.get() + r * kp);
    for (int64_t g = 0; w->zero_points && g < groups; ++g) {
      float s = 0;
      for (int64_t c = groupBegin(g, gs), e = std::min(groupEnd(g, k, gs), k);
           c < e; ++c)
        s += xs[r * kp + c];
      sx[r * groups + g] = s;
    }
  }
  for (int64_t n = nBegin; n < nEnd; ++n) {
    const uint8_t *row = w->data + n * rowBytes;
    for (int64_t b = 0; b < kp / kBlock; ++b)
      unpackBlockU(row + b * kBlock * w->bits / 8, w->bits,
                   u.get() + b * kBlock);
    // Back to the signed values q = u - offset, which the micro-kernel
    // sign-extends.
    const __m256i offsetBytes = _mm256_set1_epi8(char(1 << (w->bits - 1)));
    for (int64_t c = 0; c < kp; c += 32) {
      __m256i *p = reinterpret_cast<__m256i *>(u.get() + c);
      _mm256_storeu_si256(p, _mm256_sub_epi8(_mm256_loadu_si256(p),
                                             offsetBytes));
    }
    const float *scales = w->scales + n * groups;
    for (int64_t m0 = 0; m0 < m; m0 += MT) {
      const int mt = int(std::min<int64_t>(MT, m - m0));
      float out[MT];
      dispatchCount<MT>(mt, [&]<int TM>() {
        P::template dotF32<TM>(xs.get() + m0 * kp, kp, u.get(), groups, gs,
                               scales, out);
      });
      for (int i = 0; i < mt; ++i) {
        // sum x * (q - z) = sum x*q - z * sum x.
        float correction = 0.0f;
        if (w->zero_points)
          for (int64_t g = 0; g < groups; ++g)
            correction += scales[g] * float(w->zero_points[n * groups + g]) *
                          sx[(m0 + i) * groups + g];
        y[(m0 + i) * ldy + n] = out[i] - correction + (bias ? bias[n] : 0.0f);
      }
    }
  }
}

static void requantizeS8Scalar(int64_t count, int64_t channels,
                               const int32_t *acc, const int32_t *multiplier,
                               const int32_t *shift, int32_t zeroPoint,
                               int32_t lo, int32_t hi, int8_t *out) {
  portableKernels().requantizeS8(count, channels, acc, multiplier, shift,
                                 zeroPoint, lo, hi, out);
}

/// The accumulator path through the SIMD tiles (matmulS8Driver).
template <class P>
static void matmulS8AccDriver(int64_t m, const int8_t *x, int64_t ldx,
                              int32_t zx, const qopt_rt_weight *w,
                              const int32_t *bias, int32_t *y, int64_t ldy,
                              int64_t nBegin, int64_t nEnd) {
  matmulS8Driver<P>(m, x, ldx, 0.0f, zx, w, nullptr, nullptr, ldy, nBegin,
                    nEnd, bias, y);
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_DRIVERS_H
