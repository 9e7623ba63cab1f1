//===- Depthwise.h - 256-bit depthwise and code-book kernels ----*- C++ -*-===//
//
// The depthwise convolution (both paths) and the code-book weight-only
// matmul of the x86 variants, in 256-bit AVX2 code that every x86 variant
// includes (each translation unit is built with at least AVX2 + FMA, so
// everything here has internal linkage).
//
// Depthwise: channels are contiguous in NHWC, so 8 output channels share
// one vector (one core for the float-epilogue and the int32-accumulator
// kernels); the weights are decoded once per call into [tap][channel]
// order (int32 q - zq, or float32 weights). The integer sums are exact
// (vpmulld + vpaddd), and the float steps are the scalar ones of the
// portable kernel lane by lane (no fused multiply-add), so both paths are
// bit-identical to it. Channel multipliers above 1 and groups of taps run
// the portable kernel. Channels past the last multiple of 8 are computed
// with the portable kernel's scalar code.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_DEPTHWISE_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_DEPTHWISE_H

#include "../Common.h"

#include <immintrin.h>

#include <algorithm>

namespace {

/// The integer path's shared core: 8 channels per vector of exact int32
/// sums (x - zx) * (q - zq) over the taps inside the input; `Out` stores
/// them: the float epilogue (qopt_rt_depthwise_conv2d_s8) or the int32
/// accumulator with its bias (qopt_rt_depthwise_conv2d_s8_acc). False when
/// the shape needs the portable kernel (channel multiplier, groups, no
/// scratch memory).
template <typename Out>
static bool depthwiseS8Avx2Core(const qopt_rt_depthwise_geometry *g,
                                const int8_t *x, int32_t xZeroPoint,
                                const qopt_rt_weight *w, Out &out) {
  using namespace qopt_rt;
  const int64_t c = g->channels, taps = w->k;
  if (g->multiplier != 1 || numGroups(taps, w->group_size) != 1)
    return false;
  const int64_t c8 = c / 8 * 8;
  Scratch<int32_t> wq(taps * c8 + 1);
  Scratch<int64_t> tapOf(taps + 1), inputOf(taps + 1);
  if (!wq || !tapOf || !inputOf || !out.prepare(c8))
    return false;
  const int64_t rowBytes = qopt_rt_row_bytes(taps, w->bits);
  for (int64_t ch = 0; ch < c8; ++ch) {
    const uint8_t *row = w->data + ch * rowBytes;
    int32_t zq = w->zero_points ? w->zero_points[ch] : 0;
    for (int64_t t = 0; t < taps; ++t)
      wq[t * c8 + ch] = int32_t(packedGet(row, w->bits, t)) - zq;
  }
  const __m256i zx = _mm256_set1_epi32(xZeroPoint);
  for (int64_t b = 0; b < g->batch; ++b)
    for (int64_t oy = 0; oy < g->out_h; ++oy)
      for (int64_t ox = 0; ox < g->out_w; ++ox) {
        const int64_t pixel = ((b * g->out_h + oy) * g->out_w + ox) * c;
        int64_t valid = 0;
        for (int64_t t = 0; t < taps; ++t) {
          int64_t i = depthwiseTapIndex(*g, b, oy, ox, t);
          if (i >= 0) {
            tapOf[valid] = t;
            inputOf[valid++] = i;
          }
        }
        for (int64_t ch = 0; ch < c8; ch += 8) {
          __m256i acc = _mm256_setzero_si256();
          for (int64_t v = 0; v < valid; ++v) {
            int64_t t = tapOf[v], i = inputOf[v];
            __m256i xv = _mm256_sub_epi32(
                _mm256_cvtepi8_epi32(_mm_loadl_epi64(
                    reinterpret_cast<const __m128i *>(x + i + ch))),
                zx);
            __m256i wv = _mm256_loadu_si256(
                reinterpret_cast<const __m256i *>(wq.get() + t * c8 + ch));
            acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(xv, wv));
          }
          out.store8(pixel + ch, ch, acc);
        }
        for (int64_t ch = c8; ch < c; ++ch) {
          const uint8_t *row = w->data + ch * rowBytes;
          int32_t zq = w->zero_points ? w->zero_points[ch] : 0;
          int32_t sum = 0;
          for (int64_t v = 0; v < valid; ++v) {
            int64_t t = tapOf[v], i = inputOf[v];
            sum += (int32_t(x[i + ch]) - xZeroPoint) *
                   (int32_t(packedGet(row, w->bits, t)) - zq);
          }
          out.store1(pixel + ch, ch, sum);
        }
      }
  return true;
}

/// The float epilogue, lane by lane as epilogueStep: 0 + float(acc) *
/// (sx * s), then the bias.
struct DepthwiseFloatOut {
  float xScale;
  const qopt_rt_weight *w;
  const float *bias;
  float *y;
  qopt_rt::Scratch<float> mul;
  DepthwiseFloatOut(const qopt_rt_depthwise_geometry *g, float xScale,
                    const qopt_rt_weight *w, const float *bias, float *y)
      : xScale(xScale), w(w), bias(bias), y(y), mul(g->channels / 8 * 8 + 1) {}
  bool prepare(int64_t c8) {
    if (!mul)
      return false;
    for (int64_t ch = 0; ch < c8; ++ch)
      mul[ch] = xScale * w->scales[ch];
    return true;
  }
  void store8(int64_t at, int64_t ch, __m256i acc) {
    __m256 term = _mm256_mul_ps(_mm256_cvtepi32_ps(acc),
                                _mm256_loadu_ps(mul.get() + ch));
    __m256 r = _mm256_add_ps(_mm256_setzero_ps(), term);
    if (bias)
      r = _mm256_add_ps(r, _mm256_loadu_ps(bias + ch));
    _mm256_storeu_ps(y + at, r);
  }
  void store1(int64_t at, int64_t ch, int32_t sum) {
    float acc = qopt_rt::epilogueStep(0.0f, sum, xScale, w->scales[ch]);
    y[at] = bias ? acc + bias[ch] : acc;
  }
};

/// The int32 accumulator plus its bias (exact; the verifier bounds it).
struct DepthwiseAccOut {
  const int32_t *bias;
  int32_t *y;
  bool prepare(int64_t) { return true; }
  void store8(int64_t at, int64_t ch, __m256i acc) {
    if (bias)
      acc = _mm256_add_epi32(
          acc, _mm256_loadu_si256(reinterpret_cast<const __m256i *>(bias + ch)));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(y + at), acc);
  }
  void store1(int64_t at, int64_t ch, int32_t sum) {
    y[at] = bias ? sum + bias[ch] : sum;
  }
};

static void depthwiseS8Avx2(const qopt_rt_depthwise_geometry *g,
                            const int8_t *x, float xScale, int32_t xZeroPoint,
                            const qopt_rt_weight *w, const float *bias,
                            float *y) {
  DepthwiseFloatOut out(g, xScale, w, bias, y);
  if (!depthwiseS8Avx2Core(g, x, xZeroPoint, w, out))
    qopt_rt::portableDepthwiseS8(g, x, xScale, xZeroPoint, w, bias, y);
}

static void depthwiseS8AccAvx2(const qopt_rt_depthwise_geometry *g,
                               const int8_t *x, int32_t xZeroPoint,
                               const qopt_rt_weight *w, const int32_t *bias,
                               int32_t *y) {
  DepthwiseAccOut out{bias, y};
  if (!depthwiseS8Avx2Core(g, x, xZeroPoint, w, out))
    qopt_rt::portableDepthwiseS8Acc(g, x, xZeroPoint, w, bias, y);
}

/// Float32 depthwise convolution over float weights [tap][channel]
/// (multiplier 1): eight channels per vector, taps in (kh, kw) order; the
/// portable kernel for other multipliers or without scratch memory.
static void depthwiseF32F32Avx2(const qopt_rt_depthwise_geometry *g,
                                const float *x, const float *wf,
                                const float *bias, float *y) {
  using namespace qopt_rt;
  const int64_t c = g->channels, taps = g->kernel_h * g->kernel_w;
  if (g->multiplier != 1)
    return portableDepthwiseF32F32(g, x, wf, bias, y);
  Scratch<int64_t> tapOf(taps + 1), inputOf(taps + 1);
  if (!tapOf || !inputOf)
    return portableDepthwiseF32F32(g, x, wf, bias, y);
  const int64_t c8 = c / 8 * 8;
  for (int64_t b = 0; b < g->batch; ++b)
    for (int64_t oy = 0; oy < g->out_h; ++oy)
      for (int64_t ox = 0; ox < g->out_w; ++ox) {
        float *out = y + ((b * g->out_h + oy) * g->out_w + ox) * c;
        int64_t valid = 0;
        for (int64_t t = 0; t < taps; ++t) {
          int64_t i = depthwiseTapIndex(*g, b, oy, ox, t);
          if (i >= 0) {
            tapOf[valid] = t;
            inputOf[valid++] = i;
          }
        }
        for (int64_t ch = 0; ch < c8; ch += 8) {
          __m256 acc = _mm256_setzero_ps();
          for (int64_t v = 0; v < valid; ++v) {
            int64_t t = tapOf[v], i = inputOf[v];
            acc = _mm256_add_ps(
                acc, _mm256_mul_ps(_mm256_loadu_ps(x + i + ch),
                                   _mm256_loadu_ps(wf + t * c + ch)));
          }
          if (bias)
            acc = _mm256_add_ps(acc, _mm256_loadu_ps(bias + ch));
          _mm256_storeu_ps(out + ch, acc);
        }
        for (int64_t ch = c8; ch < c; ++ch) {
          float acc = 0.0f;
          for (int64_t v = 0; v < valid; ++v) {
            int64_t t = tapOf[v], i = inputOf[v];
            float product = x[i + ch] * wf[t * c + ch];
            acc = acc + product;
          }
          out[ch] = bias ? acc + bias[ch] : acc;
        }
      }
}

static void depthwiseF32Avx2(const qopt_rt_depthwise_geometry *g,
                             const float *x, const qopt_rt_weight *w,
                             const float *table, const float *bias, float *y) {
  using namespace qopt_rt;
  const int64_t c = g->channels, taps = w->k;
  if (g->multiplier != 1)
    return portableDepthwiseF32(g, x, w, table, bias, y);
  // The decoded weights [tap][channel], then the float-weight kernel.
  Scratch<float> wf(taps * c);
  if (!wf)
    return portableDepthwiseF32(g, x, w, table, bias, y);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t t = 0; t < taps; ++t)
      wf[t * c + ch] = decodedWeight(*w, table, ch, t);
  depthwiseF32F32Avx2(g, x, wf.get(), bias, y);
}

/// Code-book weight-only matmul: each weight row decoded once to float32
/// (the same values as the portable kernel), then 8-wide FMA dot products
/// with two partial sums against zero-padded activation rows.
static void matmulF32LutAvx2(int64_t m, const float *x, int64_t ldx,
                             const qopt_rt_weight *w, const float *table,
                             const float *bias, float *y, int64_t ldy,
                             int64_t nBegin, int64_t nEnd) {
  using namespace qopt_rt;
  const int64_t k = w->k, k16 = (k + 15) / 16 * 16;
  Scratch<float> xs(m * k16, /*zero=*/true), wf(k16, /*zero=*/true);
  if (!xs || !wf)
    return portableMatmulF32Lut(m, x, ldx, w, table, bias, y, ldy, nBegin,
                                nEnd);
  for (int64_t r = 0; r < m; ++r)
    std::copy(x + r * ldx, x + r * ldx + k, xs.get() + r * k16);
  for (int64_t n = nBegin; n < nEnd; ++n) {
    for (int64_t c = 0; c < k; ++c)
      wf[c] = decodedWeight(*w, table, n, c);
    for (int64_t r = 0; r < m; ++r) {
      const float *xr = xs.get() + r * k16;
      __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
      for (int64_t c = 0; c < k16; c += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(xr + c),
                             _mm256_loadu_ps(wf.get() + c), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(xr + c + 8),
                             _mm256_loadu_ps(wf.get() + c + 8), a1);
      }
      __m256 s = _mm256_add_ps(a0, a1);
      __m128 h = _mm_add_ps(_mm256_castps256_ps128(s),
                            _mm256_extractf128_ps(s, 1));
      h = _mm_add_ps(h, _mm_movehl_ps(h, h));
      h = _mm_add_ss(h, _mm_movehdup_ps(h));
      float sum = _mm_cvtss_f32(h);
      y[r * ldy + n] = bias ? bias[n] + sum : sum;
    }
  }
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_DEPTHWISE_H
