//===- Kernels.cpp - Portable C++ kernels ------------------------------------===//
//
// The variant every CPU runs, and the fallback the SIMD variants use for
// shapes they do not specialise (odd group sizes). Written for clarity: it
// computes the integer path exactly as docs/Semantics.md states it, one
// group at a time. It allocates at most one row of scratch memory and
// runs without it (Common.h, Scratch).
//
//===----------------------------------------------------------------------===//

#include "../Common.h"

#include <cmath>

#include <algorithm>

using namespace qopt_rt;

static void quantizeS8(int64_t count, const float *x, float scale,
                       int32_t zeroPoint, int8_t *out) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = quantizeOne(x[i], scale, zeroPoint);
}

/// Row `n` of `w` unpacked to int8, padding included.
static void unpackRow(const qopt_rt_weight &w, int64_t n, int8_t *out) {
  const uint8_t *row = w.data + n * qopt_rt_row_bytes(w.k, w.bits);
  for (int64_t c = 0, e = paddedK(w.k); c < e; ++c)
    out[c] = packedGet(row, w.bits, c);
}

/// Calls body(weightAt) for each row n in [nBegin, nEnd), where
/// weightAt(c) is element c of row n: from the row unpacked once into
/// scratch memory, or, when there is none, decoded in place (slower, but
/// the kernels then never fail for lack of memory).
template <typename Body>
static void forEachWeightRow(const qopt_rt_weight *w, int64_t nBegin,
                             int64_t nEnd, Body body) {
  Scratch<int8_t> q(paddedK(w->k));
  for (int64_t n = nBegin; n < nEnd; ++n) {
    if (q) {
      unpackRow(*w, n, q.get());
      body(n, [&](int64_t c) { return q[c]; });
    } else {
      const uint8_t *row = w->data + n * qopt_rt_row_bytes(w->k, w->bits);
      body(n, [&](int64_t c) { return packedGet(row, w->bits, c); });
    }
  }
}

static void matmulS8(int64_t m, const int8_t *x, int64_t ldx, float xScale,
                     int32_t xZeroPoint, const qopt_rt_weight *w,
                     const float *bias, float *y, int64_t ldy, int64_t nBegin,
                     int64_t nEnd) {
  int64_t k = w->k, groups = numGroups(k, w->group_size);
  forEachWeightRow(w, nBegin, nEnd, [&](int64_t n, auto weightAt) {
    const float *scales = w->scales + n * groups;
    for (int64_t r = 0; r < m; ++r) {
      const int8_t *xr = x + r * ldx;
      float out = 0.0f;
      for (int64_t g = 0; g < groups; ++g) {
        int32_t zq = w->zero_points ? w->zero_points[n * groups + g] : 0;
        int64_t end = groupEnd(g, k, w->group_size);
        int32_t sum = 0;
        for (int64_t c = groupBegin(g, w->group_size); c < end; ++c) {
          // Padding columns pair the zero point with the zero point.
          int32_t xv = c < k ? xr[c] : xZeroPoint;
          sum += (xv - xZeroPoint) * (int32_t(weightAt(c)) - zq);
        }
        out = epilogueStep(out, sum, xScale, scales[g]);
      }
      if (bias)
        out = out + bias[n];
      y[r * ldy + n] = out;
    }
  });
}

static void matmulF32(int64_t m, const float *x, int64_t ldx,
                      const qopt_rt_weight *w, const float *bias, float *y,
                      int64_t ldy, int64_t nBegin, int64_t nEnd) {
  int64_t k = w->k, groups = numGroups(k, w->group_size);
  forEachWeightRow(w, nBegin, nEnd, [&](int64_t n, auto weightAt) {
    for (int64_t r = 0; r < m; ++r) {
      const float *xr = x + r * ldx;
      float out = bias ? bias[n] : 0.0f;
      for (int64_t g = 0; g < groups; ++g) {
        float zq = w->zero_points ? float(w->zero_points[n * groups + g]) : 0;
        int64_t end = std::min(groupEnd(g, k, w->group_size), k);
        float sum = 0.0f;
        for (int64_t c = groupBegin(g, w->group_size); c < end; ++c)
          sum += xr[c] * (float(weightAt(c)) - zq);
        out += w->scales[n * groups + g] * sum;
      }
      y[r * ldy + n] = out;
    }
  });
}

static void requantizeS8(int64_t count, int64_t channels, const int32_t *acc,
                         const int32_t *multiplier, const int32_t *shift,
                         int32_t zeroPoint, int32_t lo, int32_t hi,
                         int8_t *out) {
  lo = std::max(lo, -128), hi = std::min(hi, 127);
  for (int64_t i = 0; i < count; ++i) {
    int64_t c = i % channels;
    out[i] = requantizeOne(acc[i], multiplier[c], shift[c], zeroPoint, lo, hi);
  }
}

/// The accumulator path: y = bias + sum (x - zx) * (q - zq), one group.
static void matmulS8Acc(int64_t m, const int8_t *x, int64_t ldx,
                        int32_t xZeroPoint, const qopt_rt_weight *w,
                        const int32_t *bias, int32_t *y, int64_t ldy,
                        int64_t nBegin, int64_t nEnd) {
  int64_t k = w->k;
  forEachWeightRow(w, nBegin, nEnd, [&](int64_t n, auto weightAt) {
    int32_t zq = w->zero_points ? w->zero_points[n] : 0;
    for (int64_t r = 0; r < m; ++r) {
      const int8_t *xr = x + r * ldx;
      int32_t sum = bias ? bias[n] : 0;
      for (int64_t c = 0; c < k; ++c)
        sum += (int32_t(xr[c]) - xZeroPoint) * (int32_t(weightAt(c)) - zq);
      y[r * ldy + n] = sum;
    }
  });
}

void qopt_rt::portableMatmulF32F32(int64_t m, const float *x, int64_t ldx,
                                   const float *panels, int64_t n, int64_t k,
                                   const float *bias, float *y, int64_t ldy,
                                   int64_t nBegin, int64_t nEnd) {
  // The definition: from 0, fused multiply-adds in ascending k, bias last.
  for (int64_t c = nBegin; c < nEnd; ++c) {
    const float *panel = panels + (c / kF32PanelWidth) * k * kF32PanelWidth +
                         c % kF32PanelWidth;
    for (int64_t r = 0; r < m; ++r) {
      const float *xr = x + r * ldx;
      float sum = 0.0f;
      for (int64_t i = 0; i < k; ++i)
        sum = std::fmaf(xr[i], panel[i * kF32PanelWidth], sum);
      y[r * ldy + c] = bias ? sum + bias[c] : sum;
    }
  }
}

const KernelTable &qopt_rt::portableKernels() {
  static const KernelTable table = {
      quantizeS8,           matmulS8,           matmulF32,
      requantizeS8,         portableMatmulF32Lut, portableDepthwiseS8,
      portableDepthwiseF32, matmulS8Acc,        portableDepthwiseS8Acc,
      portableMatmulF32F32, portableDepthwiseF32F32};
  return table;
}
