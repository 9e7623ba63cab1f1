//===- UKernels.cpp - Flat entry points for compiled models ----------------===//
//
// The functions compiled qopt models call. Compiled code passes buffers as
// pointers and scalars by value, in the order of the `qopt.ukernel` op that
// names the function; these wrappers rebuild the kernel arguments and
// forward to the dispatched C entry points, so compiled models and direct
// callers run the same kernels.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

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

extern "C" {

void qopt_rt_uk_quantize_s8(int32_t isa, const float *x, int8_t *out,
                            int64_t count, float scale, int32_t zeroPoint) {
  qopt_rt_quantize_s8(qopt_rt_isa(isa), count, x, scale, zeroPoint, out);
}

void qopt_rt_uk_matmul_s8(int32_t isa, const int8_t *x, const uint8_t *w,
                          const float *scales, const int8_t *zeroPoints,
                          const float *bias, float *y, int64_t m, int64_t n,
                          int64_t k, int32_t bits, int32_t groupSize,
                          int32_t flags, float xScale, int32_t xZeroPoint) {
  qopt_rt_weight weight =
      makeWeight(w, scales, zeroPoints, n, k, bits, groupSize, flags);
  qopt_rt_matmul_s8(qopt_rt_isa(isa), m, x, k, xScale, xZeroPoint, &weight,
                    (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr, y, n, 0,
                    n);
}

void qopt_rt_uk_matmul_s8_acc(int32_t isa, const int8_t *x, const uint8_t *w,
                              const float *scales, const int8_t *zeroPoints,
                              const int32_t *bias, int32_t *y, int64_t m,
                              int64_t n, int64_t k, int32_t bits,
                              int32_t groupSize, int32_t flags,
                              int32_t xZeroPoint) {
  qopt_rt_weight weight =
      makeWeight(w, scales, zeroPoints, n, k, bits, groupSize, flags);
  qopt_rt_matmul_s8_acc(qopt_rt_isa(isa), m, x, k, xZeroPoint, &weight,
                        (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr, y, n,
                        0, n);
}

void qopt_rt_uk_requantize_s8(int32_t isa, const int32_t *acc,
                              const int32_t *multiplier, const int32_t *shift,
                              int8_t *out, int64_t count, int64_t channels,
                              int32_t zeroPoint, int32_t min, int32_t max) {
  qopt_rt_requantize_s8(qopt_rt_isa(isa), count, channels, acc, multiplier,
                        shift, zeroPoint, min, max, out);
}

void qopt_rt_uk_matmul_f32(int32_t isa, const float *x, const uint8_t *w,
                           const float *scales, const int8_t *zeroPoints,
                           const float *bias, float *y, int64_t m, int64_t n,
                           int64_t k, int32_t bits, int32_t groupSize,
                           int32_t flags) {
  qopt_rt_weight weight =
      makeWeight(w, scales, zeroPoints, n, k, bits, groupSize, flags);
  qopt_rt_matmul_f32(qopt_rt_isa(isa), m, x, k, &weight,
                     (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr, y, n, 0,
                     n);
}

void qopt_rt_uk_matmul_f32_lut(int32_t isa, const float *x, const uint8_t *w,
                               const float *scales, const float *table,
                               const float *bias, float *y, int64_t m,
                               int64_t n, int64_t k, int32_t bits,
                               int32_t groupSize, int32_t flags) {
  qopt_rt_weight weight =
      makeWeight(w, scales, nullptr, n, k, bits, groupSize, 0);
  qopt_rt_matmul_f32_lut(qopt_rt_isa(isa), m, x, k, &weight, table,
                         (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr, y, n,
                         0, n);
}

void qopt_rt_uk_depthwise_conv2d_s8(
    int32_t isa, const int8_t *x, const uint8_t *w, const float *scales,
    const int8_t *zeroPoints, const float *bias, float *y, int64_t batch,
    int64_t inH, int64_t inW, int64_t channels, int64_t multiplier,
    int64_t outH, int64_t outW, int64_t kernelH, int64_t kernelW,
    int64_t padTop, int64_t padLeft, int64_t strideH, int64_t strideW,
    int64_t dilationH, int64_t dilationW, int32_t bits, int32_t groupSize,
    int32_t flags, float xScale, int32_t xZeroPoint) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  qopt_rt_weight weight = makeWeight(w, scales, zeroPoints,
                                     channels * multiplier, kernelH * kernelW,
                                     bits, groupSize, flags);
  qopt_rt_depthwise_conv2d_s8(qopt_rt_isa(isa), &g, x, xScale, xZeroPoint,
                              &weight,
                              (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr,
                              y);
}

void qopt_rt_uk_depthwise_conv2d_s8_acc(
    int32_t isa, const int8_t *x, const uint8_t *w, const float *scales,
    const int8_t *zeroPoints, const int32_t *bias, int32_t *y, int64_t batch,
    int64_t inH, int64_t inW, int64_t channels, int64_t multiplier,
    int64_t outH, int64_t outW, int64_t kernelH, int64_t kernelW,
    int64_t padTop, int64_t padLeft, int64_t strideH, int64_t strideW,
    int64_t dilationH, int64_t dilationW, int32_t bits, int32_t groupSize,
    int32_t flags, int32_t xZeroPoint) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  qopt_rt_weight weight = makeWeight(w, scales, zeroPoints,
                                     channels * multiplier, kernelH * kernelW,
                                     bits, groupSize, flags);
  qopt_rt_depthwise_conv2d_s8_acc(
      qopt_rt_isa(isa), &g, x, xZeroPoint, &weight,
      (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr, y);
}

void qopt_rt_uk_depthwise_conv2d_f32(
    int32_t isa, const float *x, const uint8_t *w, const float *scales,
    const int8_t *zeroPoints, const float *table, const float *bias,
    float *y, int64_t batch, int64_t inH, int64_t inW, int64_t channels,
    int64_t multiplier, int64_t outH, int64_t outW, int64_t kernelH,
    int64_t kernelW, int64_t padTop, int64_t padLeft, int64_t strideH,
    int64_t strideW, int64_t dilationH, int64_t dilationW, int32_t bits,
    int32_t groupSize, int32_t flags) {
  qopt_rt_depthwise_geometry g = {batch,  inH,     inW,     channels,
                                  multiplier, outH, outW,   kernelH,
                                  kernelW, padTop,  padLeft, strideH,
                                  strideW, dilationH, dilationW};
  qopt_rt_weight weight = makeWeight(w, scales, zeroPoints,
                                     channels * multiplier, kernelH * kernelW,
                                     bits, groupSize, flags);
  qopt_rt_depthwise_conv2d_f32(
      qopt_rt_isa(isa), &g, x, &weight,
      (flags & QOPT_RT_UK_HAS_TABLE) ? table : nullptr,
      (flags & QOPT_RT_UK_HAS_BIAS) ? bias : nullptr, y);
}

} // extern "C"
