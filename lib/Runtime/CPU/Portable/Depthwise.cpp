//===- Depthwise.cpp - Portable depthwise and code-book kernels -------------===//
//
// The specification of qopt_rt_depthwise_conv2d_s8 / _f32 / _f32f32 and of the
// code-book (minifloat) weight-only matmul, written for clarity: one output
// at a time, taps in (kh, kw) order. The SIMD variants fall back to these
// for shapes they do not specialise (channel multipliers above 1, groups of
// taps) or when they cannot get scratch memory; these need none beyond a
// row, and run without it.
//
//===----------------------------------------------------------------------===//

#include "../Common.h"

#include <algorithm>

using namespace qopt_rt;

void qopt_rt::portableMatmulF32Lut(int64_t m, const float *x, int64_t ldx,
                                   const qopt_rt_weight *w, const float *table,
                                   const float *bias, float *y, int64_t ldy,
                                   int64_t nBegin, int64_t nEnd) {
  const int64_t k = w->k;
  Scratch<float> row(k);
  for (int64_t n = nBegin; n < nEnd; ++n) {
    if (row)
      for (int64_t c = 0; c < k; ++c)
        row[c] = decodedWeight(*w, table, n, c);
    for (int64_t r = 0; r < m; ++r) {
      const float *xr = x + r * ldx;
      float sum = 0.0f;
      if (row) {
        // Four partial sums: the order is unspecified on this path, and
        // one chain of dependent additions is several times slower.
        const float *wr = row.get();
        float part[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        int64_t c = 0;
        for (; c + 4 <= k; c += 4)
          for (int j = 0; j < 4; ++j)
            part[j] += xr[c + j] * wr[c + j];
        for (; c < k; ++c)
          part[0] += xr[c] * wr[c];
        sum = (part[0] + part[1]) + (part[2] + part[3]);
      } else {
        for (int64_t c = 0; c < k; ++c)
          sum += xr[c] * decodedWeight(*w, table, n, c);
      }
      y[r * ldy + n] = bias ? bias[n] + sum : sum;
    }
  }
}

void qopt_rt::portableDepthwiseS8(const qopt_rt_depthwise_geometry *g,
                                  const int8_t *x, float xScale,
                                  int32_t xZeroPoint, const qopt_rt_weight *w,
                                  const float *bias, float *y) {
  const int64_t oc = g->channels * g->multiplier, taps = w->k;
  const int64_t groups = numGroups(taps, w->group_size);
  const int64_t rowBytes = qopt_rt_row_bytes(taps, w->bits);
  for (int64_t b = 0; b < g->batch; ++b)
    for (int64_t oy = 0; oy < g->out_h; ++oy)
      for (int64_t ox = 0; ox < g->out_w; ++ox) {
        float *out = y + ((b * g->out_h + oy) * g->out_w + ox) * oc;
        for (int64_t o = 0; o < oc; ++o) {
          const uint8_t *row = w->data + o * rowBytes;
          const int64_t c = o / g->multiplier;
          float acc = 0.0f;
          for (int64_t gi = 0; gi < groups; ++gi) {
            int32_t zq = w->zero_points ? w->zero_points[o * groups + gi] : 0;
            int64_t end = std::min(groupEnd(gi, taps, w->group_size), taps);
            int32_t sum = 0;
            for (int64_t t = groupBegin(gi, w->group_size); t < end; ++t) {
              int64_t i = depthwiseTapIndex(*g, b, oy, ox, t);
              if (i >= 0)
                sum += (int32_t(x[i + c]) - xZeroPoint) *
                       (int32_t(packedGet(row, w->bits, t)) - zq);
            }
            acc = epilogueStep(acc, sum, xScale, w->scales[o * groups + gi]);
          }
          out[o] = bias ? acc + bias[o] : acc;
        }
      }
}

void qopt_rt::portableDepthwiseS8Acc(const qopt_rt_depthwise_geometry *g,
                                     const int8_t *x, int32_t xZeroPoint,
                                     const qopt_rt_weight *w,
                                     const int32_t *bias, int32_t *y) {
  const int64_t oc = g->channels * g->multiplier, taps = w->k;
  const int64_t rowBytes = qopt_rt_row_bytes(taps, w->bits);
  for (int64_t b = 0; b < g->batch; ++b)
    for (int64_t oy = 0; oy < g->out_h; ++oy)
      for (int64_t ox = 0; ox < g->out_w; ++ox) {
        int32_t *out = y + ((b * g->out_h + oy) * g->out_w + ox) * oc;
        for (int64_t o = 0; o < oc; ++o) {
          const uint8_t *row = w->data + o * rowBytes;
          const int64_t c = o / g->multiplier;
          int32_t zq = w->zero_points ? w->zero_points[o] : 0;
          int32_t sum = bias ? bias[o] : 0;
          for (int64_t t = 0; t < taps; ++t) {
            int64_t i = depthwiseTapIndex(*g, b, oy, ox, t);
            if (i >= 0)
              sum += (int32_t(x[i + c]) - xZeroPoint) *
                     (int32_t(packedGet(row, w->bits, t)) - zq);
          }
          out[o] = sum;
        }
      }
}

namespace {

/// The float depthwise definition with weight(o, t) the weight of output
/// channel o at tap t.
template <typename Weight>
void depthwiseF32Definition(const qopt_rt_depthwise_geometry *g,
                            const float *x, Weight weight, const float *bias,
                            float *y) {
  const int64_t oc = g->channels * g->multiplier;
  const int64_t taps = g->kernel_h * g->kernel_w;
  for (int64_t b = 0; b < g->batch; ++b)
    for (int64_t oy = 0; oy < g->out_h; ++oy)
      for (int64_t ox = 0; ox < g->out_w; ++ox) {
        float *out = y + ((b * g->out_h + oy) * g->out_w + ox) * oc;
        for (int64_t o = 0; o < oc; ++o) {
          const int64_t c = o / g->multiplier;
          float acc = 0.0f;
          for (int64_t t = 0; t < taps; ++t) {
            int64_t i = depthwiseTapIndex(*g, b, oy, ox, t);
            if (i < 0)
              continue;
            float product = x[i + c] * weight(o, t);
            acc = acc + product;
          }
          out[o] = bias ? acc + bias[o] : acc;
        }
      }
}

} // namespace

void qopt_rt::portableDepthwiseF32F32(const qopt_rt_depthwise_geometry *g,
                                      const float *x, const float *w,
                                      const float *bias, float *y) {
  const int64_t oc = g->channels * g->multiplier;
  depthwiseF32Definition(
      g, x, [&](int64_t o, int64_t t) { return w[t * oc + o]; }, bias, y);
}

void qopt_rt::portableDepthwiseF32(const qopt_rt_depthwise_geometry *g,
                                   const float *x, const qopt_rt_weight *w,
                                   const float *table, const float *bias,
                                   float *y) {
  const int64_t oc = g->channels * g->multiplier, taps = w->k;
  // The decoded weights [tap][oc] once, then the float-weight kernel; or
  // decoded per use without memory.
  Scratch<float> wf(oc * taps);
  if (wf) {
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t t = 0; t < taps; ++t)
        wf[t * oc + o] = decodedWeight(*w, table, o, t);
    return portableDepthwiseF32F32(g, x, wf.get(), bias, y);
  }
  depthwiseF32Definition(
      g, x,
      [&](int64_t o, int64_t t) { return decodedWeight(*w, table, o, t); },
      bias, y);
}
