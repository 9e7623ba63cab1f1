/*===- qopt-runtime/cpu.h - qopt CPU kernel library, C ABI ---------*- C -*-===*
 *
 * The kernels that compiled qopt models call, and their storage ABI. This
 * library depends on no MLIR or LLVM library: a compiled model links only it.
 * The semantics (rounding, clamping, accumulation, the packed sub-byte
 * layout) are specified in docs/Semantics.md; the reference executor
 * implements the same rules and is the oracle every variant is tested
 * against, bit for bit on the integer paths.
 *
 * Every kernel exists in several ISA variants (portable C++, AVX2+FMA,
 * AVX-512 with VNNI). A caller picks one explicitly; qopt_rt_best_isa()
 * names the fastest one the running CPU supports. The kernels below are
 * single-threaded over the output-channel range [n_begin, n_end), so
 * callers split work across threads; the flat entry points of compiled
 * models (qopt_rt_uk_*) take an execution context whose thread pool, owned
 * by the model instance, they split the work over. The library has no
 * global state.
 *
 * No function here throws or fails for lack of memory: a kernel's scratch
 * memory comes from malloc, and a kernel that cannot get it computes the
 * same result without it (the SIMD variants run the portable code, which
 * decodes weights in place), so the functions need no status return.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QOPT_RUNTIME_CPU_H
#define QOPT_RUNTIME_CPU_H

/* qopt_rt_isa (and the model ABI's other types) is declared there. */
#include "qopt-runtime/model.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===-- ISA variants and dispatch -----------------------------------------===*/

/* Non-zero when this build contains `isa` and the running CPU supports it. */
int qopt_rt_isa_supported(qopt_rt_isa isa);
/* The fastest supported variant: avx512-vnni, avx-vnni, avx2, portable. */
qopt_rt_isa qopt_rt_best_isa(void);
/* "portable", "avx2", "avx512-vnni", "avx-vnni". */
const char *qopt_rt_isa_name(qopt_rt_isa isa);

/*===-- Thread pools and execution contexts -------------------------------===*
 *
 * A pool of `threads - 1` worker threads plus the calling thread. Each
 * compiled model instance owns one (no state is shared between instances).
 * qopt_rt_pool_run(pool, tasks, fn, arg) calls fn(arg, t) once for every
 * t in [0, tasks), spread over the pool's threads, and returns when all
 * calls have returned; the caller runs tasks too. One run at a time per
 * pool (a model instance runs one call at a time). Which thread runs a
 * task is unspecified: tasks must write disjoint outputs, so results do
 * not depend on it. Workers spin briefly after a run (kernels follow one
 * another closely) and then sleep until the next one.
 *===----------------------------------------------------------------------===*/

typedef struct qopt_rt_pool qopt_rt_pool;

/* The processors this process may run on (sched_getaffinity), at least 1. */
int32_t qopt_rt_available_cpus(void);
/* A pool of `threads` threads in all (<= 0: qopt_rt_available_cpus()),
 * capped at 256; NULL when out of memory. When the system refuses to start
 * a thread the pool has the threads it could start (qopt_rt_pool_size). */
qopt_rt_pool *qopt_rt_pool_create(int32_t threads);
/* Stops and joins the workers; NULL is allowed. */
void qopt_rt_pool_destroy(qopt_rt_pool *pool);
/* Threads including the caller's; 1 for NULL. */
int32_t qopt_rt_pool_size(const qopt_rt_pool *pool);
/* Runs so far that were handed to the workers (more than one task and a
 * worker to share them with); 0 for NULL. For tests and profiling. */
int64_t qopt_rt_pool_parallel_runs(const qopt_rt_pool *pool);
/* Runs fn(arg, t) for t in [0, tasks); with a NULL pool (or one thread)
 * in the calling thread, in order. */
void qopt_rt_pool_run(qopt_rt_pool *pool, int64_t tasks,
                      void (*fn)(void *arg, int64_t task), void *arg);

/* What the flat entry points of compiled models receive first: the kernel
 * variant and the instance's pool (NULL: single-threaded). */
typedef struct qopt_rt_context {
  int32_t isa; /* a qopt_rt_isa */
  qopt_rt_pool *pool;
} qopt_rt_context;

/*===-- Packed weight storage ABI -----------------------------------------===*
 *
 * A weight is N rows (output channels) of K quantized values (the
 * reduction axis; for a convolution the row is the OHWI kernel flattened).
 * Each row is padded with zero-valued elements to a multiple of 64 and
 * stored in blocks of 64 elements, rows one after another:
 *
 *  - 8 bits: 64 bytes, element j in byte j (two's complement);
 *  - 4 bits: 32 bytes, byte j holds element j in bits 0-3 and element
 *    j + 32 in bits 4-7;
 *  - 2 bits: 16 bytes, byte j holds elements j, j + 16, j + 32, j + 48 in
 *    bits 0-1, 2-3, 4-5, 6-7.
 *
 * Sub-byte elements are two's complement in their field (int4: -8..7,
 * int2: -2..1). Scales are float32, `scales[n * groups + g]`, where a
 * group is `group_size` consecutive elements of a row (the last one
 * ragged when group_size does not divide K), or the whole row when
 * group_size is 0 (per channel). Zero points, when present, are int8 in
 * the same layout; the padding elements of a row then hold the last
 * group's zero point so that they contribute nothing.
 *===----------------------------------------------------------------------===*/

typedef struct qopt_rt_weight {
  int64_t n;                  /* rows (output channels) */
  int64_t k;                  /* logical elements per row */
  int32_t bits;               /* 8, 4 or 2 */
  int32_t group_size;         /* 0: per channel */
  const uint8_t *data;        /* n * qopt_rt_row_bytes(k, bits) bytes */
  const float *scales;        /* n * qopt_rt_num_groups(k, group_size) */
  const int8_t *zero_points;  /* NULL when symmetric */
} qopt_rt_weight;

/* Bytes of one packed row: ceil(k / 64) * 64 * bits / 8. */
int64_t qopt_rt_row_bytes(int64_t k, int32_t bits);
/* Groups per row: 1 per channel, else ceil(k / group_size). */
int64_t qopt_rt_num_groups(int64_t k, int32_t group_size);
/* Packs `values` ([n][k] row-major, each within the bits' range) into
 * `out` (n * qopt_rt_row_bytes(k, bits) bytes); padding elements take
 * `pad_value[row]` (NULL: 0). */
void qopt_rt_pack(const int8_t *values, int64_t n, int64_t k, int32_t bits,
                  const int8_t *pad_value, uint8_t *out);
/* Element (row, col) of a packed weight, sign-extended. */
int8_t qopt_rt_packed_get(const uint8_t *data, int64_t k, int32_t bits,
                          int64_t row, int64_t col);

/*===-- Kernels -------------------------------------------------------------===*/

/* out[i] = clamp(round_half_even(x[i] / scale) + zero_point, -128, 127),
 * the division in float32; NaN quantizes to zero_point. */
void qopt_rt_quantize_s8(qopt_rt_isa isa, int64_t count, const float *x,
                         float scale, int32_t zero_point, int8_t *out);

/* Integer path (W8A8, W4A8, W2A8): for rows m < M and channels n in
 * [n_begin, n_end),
 *   acc[g] = sum_{k in group g} (x[m][k] - x_zero_point) * (w[n][k] - z[n][g])
 * exactly in int32, then in float32 without contraction, groups in order:
 *   y = 0; y = y + (float)acc[g] * (x_scale * scale[n][g]); y = y + bias[n]
 * (bias may be NULL: no addition). Bit-identical across ISA variants. */
void qopt_rt_matmul_s8(qopt_rt_isa isa, int64_t m, const int8_t *x,
                       int64_t ldx, float x_scale, int32_t x_zero_point,
                       const qopt_rt_weight *w, const float *bias, float *y,
                       int64_t ldy, int64_t n_begin, int64_t n_end);

/* Weight-only path (W8/W4/W2 with float32 activations):
 *   y[m][n] = bias[n] + sum_g scale[n][g] * sum_{k in g} x[m][k] * (w - z)
 * in float32. Summation order differs between variants, so results agree
 * to rounding, not bit for bit. */
void qopt_rt_matmul_f32(qopt_rt_isa isa, int64_t m, const float *x,
                        int64_t ldx, const qopt_rt_weight *w,
                        const float *bias, float *y, int64_t ldy,
                        int64_t n_begin, int64_t n_end);

/* Code-book weights (minifloats, weight-only): `w` holds unsigned codes
 * (bits 8 or 4, the same packed layout, zero_points NULL, padding code 0)
 * and `table` the 2^bits float32 values they stand for. The weight used is
 *   w[n][k] = scale[n][g] * table[code[n][k]]        (one float32 product)
 * and y[m][n] = bias[n] + sum_k x[m][k] * w[n][k] in float32; summation
 * order differs between variants (agreement to rounding), the decoded
 * weights are the same in every one. */
void qopt_rt_matmul_f32_lut(qopt_rt_isa isa, int64_t m, const float *x,
                            int64_t ldx, const qopt_rt_weight *w,
                            const float *table, const float *bias, float *y,
                            int64_t ldy, int64_t n_begin, int64_t n_end);

/* The shape of a depthwise convolution on an NHWC input [batch, in_h,
 * in_w, channels]: output [batch, out_h, out_w, channels * multiplier],
 * output channel o = c * multiplier + m reading input channel c. The weight
 * is a qopt_rt_weight of n = channels * multiplier rows and k = kernel_h *
 * kernel_w taps in (kh, kw) order. Input row iy = oy * stride_h - pad_top +
 * kh * dilation_h (likewise for columns); taps outside the input are
 * padding. */
typedef struct qopt_rt_depthwise_geometry {
  int64_t batch, in_h, in_w, channels, multiplier;
  int64_t out_h, out_w;
  int64_t kernel_h, kernel_w;
  int64_t pad_top, pad_left;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
} qopt_rt_depthwise_geometry;

/* Integer path of a depthwise convolution: per output and group of taps,
 *   acc[g] = sum_{taps t in g} (x[t] - x_zero_point) * (w[o][t] - z[o][g])
 * exactly in int32 (padding taps contribute 0: they hold x_zero_point),
 * then the float32 epilogue of qopt_rt_matmul_s8 (groups in order, bias
 * last; bias may be NULL). Bit-identical across ISA variants. */
void qopt_rt_depthwise_conv2d_s8(qopt_rt_isa isa,
                                 const qopt_rt_depthwise_geometry *g,
                                 const int8_t *x, float x_scale,
                                 int32_t x_zero_point, const qopt_rt_weight *w,
                                 const float *bias, float *y);

/* Weight-only path of a depthwise convolution (float32 activations): with
 * w = scale[o][g] * (q - z[o][g]) (integer fields) or scale[o][g] *
 * table[code] (table non-NULL, code-book weights as above), each output is
 *   y = 0; for taps t in (kh, kw) order inside the input: y = y + x[t] * w[t];
 *   y = y + bias[o]
 * in float32 without contraction: bit-identical across ISA variants. */
void qopt_rt_depthwise_conv2d_f32(qopt_rt_isa isa,
                                  const qopt_rt_depthwise_geometry *g,
                                  const float *x, const qopt_rt_weight *w,
                                  const float *table, const float *bias,
                                  float *y);

/* Float32 depthwise convolution with float32 weights (the float depthwise
 * layers of compiled models): w is [kernel_h * kernel_w][channels *
 * multiplier], TOSA's [KH, KW, C, M] depthwise weight as it is. Each output
 *   y = 0; for taps t in (kh, kw) order inside the input:
 *     y = y + x[t] * w[t][o];
 *   y = y + bias[o]
 * in float32 without contraction (the reference executor's float depthwise
 * convolution; bias may be NULL): bit-identical across ISA variants. */
void qopt_rt_depthwise_conv2d_f32f32(qopt_rt_isa isa,
                                     const qopt_rt_depthwise_geometry *g,
                                     const float *x, const float *w,
                                     const float *bias, float *y);

/* Float32 layers (the float convolutions and matmuls of compiled models):
 * weights in panels of QOPT_RT_F32_PANEL output channels, element (n, k) of
 * the [N, K] weight at panels[((n / 16) * K + k) * 16 + n % 16], zero for
 * n >= N (qopt_rt_pack_f32_panels). For rows m < M and channels n in
 * [n_begin, n_end),
 *   y = 0; for k ascending: y = fmaf(x[m][k], w[n][k], y); y = y + bias[n]
 * in float32 (bias may be NULL: no addition), so bit-identical across ISA
 * variants; the reference executor's float GEMM is this kernel. The SIMD
 * variants want n_begin a multiple of 16 (others run the portable code). */
#define QOPT_RT_F32_PANEL 16
/* Floats of the panels of an [n, k] weight: ceil(n / 16) * 16 * k. */
int64_t qopt_rt_f32_panel_elements(int64_t n, int64_t k);
/* Packs `w` ([n][k] row-major) into `panels`. */
void qopt_rt_pack_f32_panels(const float *w, int64_t n, int64_t k,
                             float *panels);
void qopt_rt_matmul_f32f32(qopt_rt_isa isa, int64_t m, const float *x,
                           int64_t ldx, const float *panels, int64_t n,
                           int64_t k, const float *bias, float *y, int64_t ldy,
                           int64_t n_begin, int64_t n_end);

/* Integer-only requantization of int32 accumulators to int8 (TOSA RESCALE
 * with single rounding; qopt.requantize):
 *   out = clamp(zero_point + ((acc * multiplier + 2^(shift-1)) >> shift),
 *               max(min, -128), min(max, 127))
 * with the product in int64 and an arithmetic shift (ties round toward
 * +infinity); multiplier in [2^30, 2^31), 2 <= shift <= 62, per channel
 * (channel of element i: i % channels). min/max are a fused ReLU or clip
 * in codes (-128 and 127 for none). */
void qopt_rt_requantize_s8(qopt_rt_isa isa, int64_t count, int64_t channels,
                           const int32_t *acc, const int32_t *multiplier,
                           const int32_t *shift, int32_t zero_point,
                           int32_t min, int32_t max, int8_t *out);

/* Accumulator path of integer-only chains (weights with one scale per row,
 * group_size 0): for rows m < M and channels n in [n_begin, n_end),
 *   y[m][n] = bias[n] + sum_k (x[m][k] - x_zero_point) * (w[n][k] - z[n])
 * exactly in int32 (bias may be NULL). Bit-identical across ISA variants. */
void qopt_rt_matmul_s8_acc(qopt_rt_isa isa, int64_t m, const int8_t *x,
                           int64_t ldx, int32_t x_zero_point,
                           const qopt_rt_weight *w, const int32_t *bias,
                           int32_t *y, int64_t ldy, int64_t n_begin,
                           int64_t n_end);

/* The accumulator path of a depthwise convolution (one scale per row):
 *   y = bias[o] + sum_{taps t} (x[t] - x_zero_point) * (w[o][t] - z[o])
 * exactly in int32, padding taps skipped. */
void qopt_rt_depthwise_conv2d_s8_acc(qopt_rt_isa isa,
                                     const qopt_rt_depthwise_geometry *g,
                                     const int8_t *x, int32_t x_zero_point,
                                     const qopt_rt_weight *w,
                                     const int32_t *bias, int32_t *y);

/*===-- Entry points for compiled models ----------------------------------===*
 *
 * Flat-argument forms of the kernels above, the functions code compiled by
 * qopt's CPU pipeline calls (`qopt.ukernel` ops lowered by
 * `convert-qopt-ukernel-to-func`, docs/Backends/CPU.md). The argument
 * order is the op's: the execution context, then a pointer to the first
 * element of each input buffer, then of each output buffer, then the
 * scalars. Optional buffers are always passed (compiled code passes a
 * dummy) and `flags` says which are real.
 *
 * The matmuls and depthwise convolutions split their outputs over the
 * context's pool: matmuls into ranges of output channels (multiples of 16)
 * or, when there are too few channels, of activation rows (multiples of
 * 24); depthwise convolutions into bands of output rows per image. Every
 * output is computed by the same code whatever the split, so results are
 * bit-identical for every thread count (integer and weight-only paths).
 * Problems under about 64K multiply-adds run in the calling thread.
 *===----------------------------------------------------------------------===*/

enum {
  QOPT_RT_UK_HAS_ZERO_POINTS = 1, /* weight zero points are present */
  QOPT_RT_UK_HAS_BIAS = 2,        /* bias is present */
  QOPT_RT_UK_HAS_TABLE = 4        /* codes decode through a table */
};

/* qopt_rt_quantize_s8 over `count` elements. */
void qopt_rt_uk_quantize_s8(const qopt_rt_context *ctx, const float *x, int8_t *out,
                            int64_t count, float scale, int32_t zero_point);

/* y[m][n] (dense [m, n]) = qopt_rt_matmul_s8 of x (dense [m, k]) with the
 * packed [n, k] weight, over all n. */
void qopt_rt_uk_matmul_s8(const qopt_rt_context *ctx, const int8_t *x, const uint8_t *w,
                          const float *scales, const int8_t *zero_points,
                          const float *bias, float *y, int64_t m, int64_t n,
                          int64_t k, int32_t bits, int32_t group_size,
                          int32_t flags, float x_scale, int32_t x_zero_point);

/* The accumulator path, qopt_rt_matmul_s8_acc over all n (y dense int32
 * [m, n]; `scales` unread, passed for the operand order of the integer
 * path). */
void qopt_rt_uk_matmul_s8_acc(const qopt_rt_context *ctx, const int8_t *x, const uint8_t *w,
                              const float *scales, const int8_t *zero_points,
                              const int32_t *bias, int32_t *y, int64_t m,
                              int64_t n, int64_t k, int32_t bits,
                              int32_t group_size, int32_t flags,
                              int32_t x_zero_point);

/* qopt_rt_requantize_s8 over `count` elements of `channels` channels. */
void qopt_rt_uk_requantize_s8(const qopt_rt_context *ctx, const int32_t *acc,
                              const int32_t *multiplier, const int32_t *shift,
                              int8_t *out, int64_t count, int64_t channels,
                              int32_t zero_point, int32_t min, int32_t max);

/* The weight-only counterpart, qopt_rt_matmul_f32. */
void qopt_rt_uk_matmul_f32(const qopt_rt_context *ctx, const float *x, const uint8_t *w,
                           const float *scales, const int8_t *zero_points,
                           const float *bias, float *y, int64_t m, int64_t n,
                           int64_t k, int32_t bits, int32_t group_size,
                           int32_t flags);

/* qopt_rt_matmul_f32_lut over all n (y dense [m, n], x dense [m, k]). */
void qopt_rt_uk_matmul_f32_lut(const qopt_rt_context *ctx, const float *x, const uint8_t *w,
                               const float *scales, const float *table,
                               const float *bias, float *y, int64_t m,
                               int64_t n, int64_t k, int32_t bits,
                               int32_t group_size, int32_t flags);

/* qopt_rt_matmul_f32f32 over all n (x dense [m, k], y dense [m, n]). */
void qopt_rt_uk_matmul_f32f32(const qopt_rt_context *ctx, const float *x,
                              const float *panels, const float *bias,
                              float *y, int64_t m, int64_t n, int64_t k,
                              int32_t flags);

/* qopt_rt_depthwise_conv2d_s8 / _f32 with the geometry as scalars; x and y
 * dense NHWC. For _f32, flags & QOPT_RT_UK_HAS_TABLE says whether `table`
 * is real (code-book weights). */
void qopt_rt_uk_depthwise_conv2d_s8(
    const qopt_rt_context *ctx, const int8_t *x, const uint8_t *w,
    const float *scales,
    const int8_t *zero_points, const float *bias, float *y, int64_t batch,
    int64_t in_h, int64_t in_w, int64_t channels, int64_t multiplier,
    int64_t out_h, int64_t out_w, int64_t kernel_h, int64_t kernel_w,
    int64_t pad_top, int64_t pad_left, int64_t stride_h, int64_t stride_w,
    int64_t dilation_h, int64_t dilation_w, int32_t bits, int32_t group_size,
    int32_t flags, float x_scale, int32_t x_zero_point);
void qopt_rt_uk_depthwise_conv2d_s8_acc(
    const qopt_rt_context *ctx, const int8_t *x, const uint8_t *w,
    const float *scales,
    const int8_t *zero_points, const int32_t *bias, int32_t *y, int64_t batch,
    int64_t in_h, int64_t in_w, int64_t channels, int64_t multiplier,
    int64_t out_h, int64_t out_w, int64_t kernel_h, int64_t kernel_w,
    int64_t pad_top, int64_t pad_left, int64_t stride_h, int64_t stride_w,
    int64_t dilation_h, int64_t dilation_w, int32_t bits, int32_t group_size,
    int32_t flags, int32_t x_zero_point);
void qopt_rt_uk_depthwise_conv2d_f32(
    const qopt_rt_context *ctx, const float *x, const uint8_t *w,
    const float *scales,
    const int8_t *zero_points, const float *table, const float *bias,
    float *y, int64_t batch, int64_t in_h, int64_t in_w, int64_t channels,
    int64_t multiplier, int64_t out_h, int64_t out_w, int64_t kernel_h,
    int64_t kernel_w, int64_t pad_top, int64_t pad_left, int64_t stride_h,
    int64_t stride_w, int64_t dilation_h, int64_t dilation_w, int32_t bits,
    int32_t group_size, int32_t flags);
/* qopt_rt_depthwise_conv2d_f32f32 with the geometry as scalars; `bias` is
 * read when flags & QOPT_RT_UK_HAS_BIAS. */
void qopt_rt_uk_depthwise_conv2d_f32f32(
    const qopt_rt_context *ctx, const float *x, const float *w,
    const float *bias, float *y, int64_t batch, int64_t in_h, int64_t in_w,
    int64_t channels, int64_t multiplier, int64_t out_h, int64_t out_w,
    int64_t kernel_h, int64_t kernel_w, int64_t pad_top, int64_t pad_left,
    int64_t stride_h, int64_t stride_w, int64_t dilation_h,
    int64_t dilation_w, int32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* QOPT_RUNTIME_CPU_H */
