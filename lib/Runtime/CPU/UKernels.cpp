//===- UKernels.cpp - Flat entry points for compiled models ----------------===//
//
// The functions compiled qopt models call. Compiled code passes buffers as
// pointers and scalars by value, in the order of the `qopt.ukernel` op that
// names the function; these wrappers rebuild the kernel arguments and
// forward to the dispatched C entry points, so compiled models and direct
// callers run the same kernels. The matmuls and depthwise convolutions
// split their outputs over the context's thread pool (cpu.h says how);
// each output is computed by the same code for every split, so the results
// do not depend on the thread count.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#include <algorithm>

static qopt_rt_weight makeWeight(const uint8_t *w, const float *scales,
                                 const int8_t *zeroPoints, int64_t n,
                                 int64_t k, int32_t bits, int32_t groupSize,
                                 int32_t flags) {
  qopt_rt_weight weight;
  weight.n = n;
  weight.k = k;
  weight.bits = bits;
  weight.group_size = groupSize;
  weight.data = w;
  weight.scales = scales;
  weight.zero_points =
      (flags & QOPT_RT_UK_HAS_ZERO_POINTS) ? zeroPoints : nullptr;
  return weight;
}

namespace {

/// Work below this many multiply-adds runs in the calling thread: waking
/// the pool costs a few microseconds.
constexpr int64_t kMinParallelMacs = 1 << 16;
/// Output-channel ranges start at multiples of this (whole SIMD tiles), and
/// activation-row ranges at multiples of kRowQuantum (whole row tiles of
/// every variant: 1, 2, 3, 4, 6, 8 rows divide it).
constexpr int64_t kChannelQuantum = 16;
constexpr int64_t kRowQuantum = 24;

qopt_rt_isa isaOf(const qopt_rt_context *ctx) {
  return ctx ? qopt_rt_isa(ctx->isa) : QOPT_RT_ISA_PORTABLE;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// How a matmul of [m, k] x [k, n] is cut: `tasks` pieces of `step`
/// channels (byChannels) or activation rows.
struct MatmulSplit {
  int64_t tasks = 1;
  int64_t step = 0;
  bool byChannels = true;
};

MatmulSplit planMatmul(const qopt_rt_context *ctx, int64_t m, int64_t n,
                       int64_t k) {
  MatmulSplit split;
  split.step = n;
  int64_t threads = qopt_rt_pool_size(ctx ? ctx->pool : nullptr);
  if (threads <= 1 || m * n * std::max<int64_t>(k, 1) < kMinParallelMacs)
    return split;
  // Channels first: each thread then decodes only its own weight rows.
  int64_t channelTasks = std::min(threads, n / kChannelQuantum);
  int64_t rowTasks = std::min(threads, m / kRowQuantum);
  if (channelTasks >= threads || channelTasks >= rowTasks) {
    if (channelTasks <= 1)
      return split;
    split.step = ceilDiv(ceilDiv(n, channelTasks), kChannelQuantum) *
                 kChannelQuantum;
    split.tasks = ceilDiv(n, split.step);
    return split;
  }
  split.byChannels = false;
  split.step = ceilDiv(ceilDiv(m, rowTasks), kRowQuantum) * kRowQuantum;
  split.tasks = ceilDiv(m, split.step);
  return split;
}

/// Runs body(rowBegin, rowEnd, nBegin, nEnd) for each piece of `split`.
template <typename Body>
void runMatmul(const qopt_rt_context *ctx, const MatmulSplit &split,
               int64_t m, int64_t n, Body body) {
  if (split.tasks <= 1)
    return body(0, m, 0, n);
  struct Job {
    const MatmulSplit *split;
    int64_t m, n;
    Body *body;
  } job{&split, m, n, &body};
  qopt_rt_pool_run(
      ctx->pool, split.tasks,
      [](void *arg, int64_t t) {
        Job &j = *static_cast<Job *>(arg);
        int64_t b = t * j.split->step;
        if (j.split->byChannels)
          (*j.body)(0, j.m, b, std::min(j.n, b + j.split->step));
        else
          (*j.body)(b, std::min(j.m, b + j.split->step), 0, j.n);
      },
      &job);
}

/// Runs body(geometry, image, firstOutputRow) over bands of output rows of
/// each image; the band's geometry has one image and its pad_top moved so
/// that the band's rows read the same input rows.
template <typename Body>
void runDepthwise(const qopt_rt_context *ctx,
                  const qopt_rt_depthwise_geometry &g, Body body) {
  int64_t threads = qopt_rt_pool_size(ctx ? ctx->pool : nullptr);
  int64_t macs = g.batch * g.out_h * g.out_w * g.channels * g.multiplier *
                 g.kernel_h * g.kernel_w;
  if (threads <= 1 || macs < kMinParallelMacs || g.batch * g.out_h < 2)
    return body(g, 0, 0);
  int64_t bandsPerImage =
      std::min(g.out_h, ceilDiv(threads, std::max<int64_t>(g.batch, 1)));
  int64_t bandRows = ceilDiv(g.out_h, bandsPerImage);
  bandsPerImage = ceilDiv(g.out_h, bandRows);
  struct Job {
    const qopt_rt_depthwise_geometry *g;
    int64_t bands, rows;
    Body *body;
  } job{&g, bandsPerImage, bandRows, &body};
  qopt_rt_pool_run(
      ctx->pool, g.batch * bandsPerImage,
      [](void *arg, int64_t t) {
        Job &j = *static_cast<Job *>(arg);
        int64_t image = t / j.bands, first = (t % j.bands) * j.rows;
        qopt_rt_depthwise_geometry band = *j.g;
        band.batch = 1;
        band.out_h = std::min(j.rows, j.g->out_h - first);
        band.pad_top = j.g->pad_top - first * j.g->stride_h;
        (*j.body)(band, image, first);
      },
      &job);
}

/// Offsets of image `image`, output row `row` in NHWC buffers of `g`.
int64_t inputOffset(const qopt_rt_depthwise_geometry &g, int64_t image) {
  return image * g.in_h * g.in_w * g.channels;
}
int64_t outputOffset(const qopt_rt_depthwise_geometry &g, int64_t image,
                     int64_t row) {
  return (image * g.out_h + row) * g.out_w * g.channels * g.multiplier;
}

} // namespace

extern "C" {

void qopt_rt_uk_quantize_s8(const qopt_rt_context *ctx, const float *x,
                            int8_t *out, int64_t count, float scale,
                            int32_t zeroPoint) {
  qopt_rt_quantize_s8(isaOf(ctx), count, x, scale, zeroPoint, out);
}

void qopt_rt_uk_matmul_s8(const qopt_rt_context *ctx, const int8_t *x,
                          const uint8_t *w, const float *scales,
                          const int8_t *zeroPoints, const float *bias,
                          float *y, int64_t m, int64_t n, int64_t k,
                          int32_t bits, int32_t groupSize, int32_t flags,
                          float xScale, int32_t xZeroPoint) {
  qopt_rt_weight weight =
      makeWeight(w, scales, zeroPoints, n, k, bits, groupSize, flags);
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runMatmul(ctx, planMatmul(ctx, m, n, k), m, n,
            [&](int64_t r0, int64_t r1, int64_t n0, int64_t n1) {
              qopt_rt_matmul_s8(isaOf(ctx), r1 - r0, x + r0 * k, k, xScale,
                                xZeroPoint, &weight, b, y + r0 * n, n, n0,
                                n1);
            });
}

void qopt_rt_uk_matmul_s8_acc(const qopt_rt_context *ctx, const int8_t *x,
                              const uint8_t *w, const float *scales,
                              const int8_t *zeroPoints, const int32_t *bias,
                              int32_t *y, int64_t m, int64_t n, int64_t k,
                              int32_t bits, int32_t groupSize, int32_t flags,
                              int32_t xZeroPoint) {
  qopt_rt_weight weight =
      makeWeight(w, scales, zeroPoints, n, k, bits, groupSize, flags);
  const int32_t *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runMatmul(ctx, planMatmul(ctx, m, n, k), m, n,
            [&](int64_t r0, int64_t r1, int64_t n0, int64_t n1) {
              qopt_rt_matmul_s8_acc(isaOf(ctx), r1 - r0, x + r0 * k, k,
                                    xZeroPoint, &weight, b, y + r0 * n, n, n0,
                                    n1);
            });
}

void qopt_rt_uk_requantize_s8(const qopt_rt_context *ctx, const int32_t *acc,
                              const int32_t *multiplier, const int32_t *shift,
                              int8_t *out, int64_t count, int64_t channels,
                              int32_t zeroPoint, int32_t min, int32_t max) {
  qopt_rt_requantize_s8(isaOf(ctx), count, channels, acc, multiplier, shift,
                        zeroPoint, min, max, out);
}

void qopt_rt_uk_matmul_f32(const qopt_rt_context *ctx, const float *x,
                           const uint8_t *w, const float *scales,
                           const int8_t *zeroPoints, const float *bias,
                           float *y, int64_t m, int64_t n, int64_t k,
                           int32_t bits, int32_t groupSize, int32_t flags) {
  qopt_rt_weight weight =
      makeWeight(w, scales, zeroPoints, n, k, bits, groupSize, flags);
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runMatmul(ctx, planMatmul(ctx, m, n, k), m, n,
            [&](int64_t r0, int64_t r1, int64_t n0, int64_t n1) {
              qopt_rt_matmul_f32(isaOf(ctx), r1 - r0, x + r0 * k, k, &weight,
                                 b, y + r0 * n, n, n0, n1);
            });
}

void qopt_rt_uk_matmul_f32_lut(const qopt_rt_context *ctx, const float *x,
                               const uint8_t *w, const float *scales,
                               const float *table, const float *bias,
                               float *y, int64_t m, int64_t n, int64_t k,
                               int32_t bits, int32_t groupSize,
                               int32_t flags) {
  qopt_rt_weight weight =
      makeWeight(w, scales, nullptr, n, k, bits, groupSize, 0);
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runMatmul(ctx, planMatmul(ctx, m, n, k), m, n,
            [&](int64_t r0, int64_t r1, int64_t n0, int64_t n1) {
              qopt_rt_matmul_f32_lut(isaOf(ctx), r1 - r0, x + r0 * k, k,
                                     &weight, table, b, y + r0 * n, n, n0,
                                     n1);
            });
}

void qopt_rt_uk_matmul_f32f32(const qopt_rt_context *ctx, const float *x,
                              const float *panels, const float *bias,
                              float *y, int64_t m, int64_t n, int64_t k,
                              int32_t flags) {
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runMatmul(ctx, planMatmul(ctx, m, n, k), m, n,
            [&](int64_t r0, int64_t r1, int64_t n0, int64_t n1) {
              qopt_rt_matmul_f32f32(isaOf(ctx), r1 - r0, x + r0 * k, k,
                                    panels, n, k, b, y + r0 * n, n, n0, n1);
            });
}

void qopt_rt_uk_depthwise_conv2d_s8(
    const qopt_rt_context *ctx, const int8_t *x, const uint8_t *w,
    const float *scales, const int8_t *zeroPoints, const float *bias,
    float *y, int64_t batch, int64_t inH, int64_t inW, int64_t channels,
    int64_t multiplier, int64_t outH, int64_t outW, int64_t kernelH,
    int64_t kernelW, int64_t padTop, int64_t padLeft, int64_t strideH,
    int64_t strideW, int64_t dilationH, int64_t dilationW, int32_t bits,
    int32_t groupSize, int32_t flags, float xScale, int32_t xZeroPoint) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  qopt_rt_weight weight = makeWeight(w, scales, zeroPoints,
                                     channels * multiplier, kernelH * kernelW,
                                     bits, groupSize, flags);
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runDepthwise(ctx, g,
               [&](const qopt_rt_depthwise_geometry &band, int64_t image,
                   int64_t row) {
                 qopt_rt_depthwise_conv2d_s8(
                     isaOf(ctx), &band, x + inputOffset(g, image), xScale,
                     xZeroPoint, &weight, b, y + outputOffset(g, image, row));
               });
}

void qopt_rt_uk_depthwise_conv2d_s8_acc(
    const qopt_rt_context *ctx, const int8_t *x, const uint8_t *w,
    const float *scales, const int8_t *zeroPoints, const int32_t *bias,
    int32_t *y, int64_t batch, int64_t inH, int64_t inW, int64_t channels,
    int64_t multiplier, int64_t outH, int64_t outW, int64_t kernelH,
    int64_t kernelW, int64_t padTop, int64_t padLeft, int64_t strideH,
    int64_t strideW, int64_t dilationH, int64_t dilationW, int32_t bits,
    int32_t groupSize, int32_t flags, int32_t xZeroPoint) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  qopt_rt_weight weight = makeWeight(w, scales, zeroPoints,
                                     channels * multiplier, kernelH * kernelW,
                                     bits, groupSize, flags);
  const int32_t *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runDepthwise(ctx, g,
               [&](const qopt_rt_depthwise_geometry &band, int64_t image,
                   int64_t row) {
                 qopt_rt_depthwise_conv2d_s8_acc(
                     isaOf(ctx), &band, x + inputOffset(g, image), xZeroPoint,
                     &weight, b, y + outputOffset(g, image, row));
               });
}

void qopt_rt_uk_depthwise_conv2d_f32(
    const qopt_rt_context *ctx, const float *x, const uint8_t *w,
    const float *scales, const int8_t *zeroPoints, const float *table,
    const float *bias, float *y, int64_t batch, int64_t inH, int64_t inW,
    int64_t channels, int64_t multiplier, int64_t outH, int64_t outW,
    int64_t kernelH, int64_t kernelW, int64_t padTop, int64_t padLeft,
    int64_t strideH, int64_t strideW, int64_t dilationH, int64_t dilationW,
    int32_t bits, int32_t groupSize, int32_t flags) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  qopt_rt_weight weight = makeWeight(w, scales, zeroPoints,
                                     channels * multiplier, kernelH * kernelW,
                                     bits, groupSize, flags);
  const float *t = (flags & QOPT_RT_UK_HAS_TABLE) ? table : nullptr;
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runDepthwise(ctx, g,
               [&](const qopt_rt_depthwise_geometry &band, int64_t image,
                   int64_t row) {
                 qopt_rt_depthwise_conv2d_f32(
                     isaOf(ctx), &band, x + inputOffset(g, image), &weight, t,
                     b, y + outputOffset(g, image, row));
               });
}

void qopt_rt_uk_depthwise_conv2d_f32f32(
    const qopt_rt_context *ctx, const float *x, const float *w,
    const float *bias, float *y, int64_t batch, int64_t inH, int64_t inW,
    int64_t channels, int64_t multiplier, int64_t outH, int64_t outW,
    int64_t kernelH, int64_t kernelW, int64_t padTop, int64_t padLeft,
    int64_t strideH, int64_t strideW, int64_t dilationH, int64_t dilationW,
    int32_t flags) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  const float *b = (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr;
  runDepthwise(ctx, g,
               [&](const qopt_rt_depthwise_geometry &band, int64_t image,
                   int64_t row) {
                 qopt_rt_depthwise_conv2d_f32f32(
                     isaOf(ctx), &band, x + inputOffset(g, image), w, b,
                     y + outputOffset(g, image, row));
               });
}

} // extern "C"
