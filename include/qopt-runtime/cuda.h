/*===- qopt-runtime/cuda.h - The CUDA kernel library's C ABI -----*- C -*-===*
 *
 * What the CUDA target's model libraries (and qopt-cuda-check) call: the
 * low-bit GEMV/GEMM kernels of lib/Runtime/CUDA on weights repacked by the
 * host functions below into the layouts of qopt-runtime/cuda_layout.h.
 *
 * Numerics (docs/Semantics.md, docs/Backends/CUDA.md):
 *  - weight-only (f16/bf16 activations, integer or code-book weights):
 *      y[m][n] = bias[n] + sum_g scale[n][g] * sum_{k in g} x[m][k] * w'
 *    with w' = q - z (exact) or the code's value (exact in half), products
 *    and sums in float32 (tensor cores or FMA), the group scale applied in
 *    float32; y rounded once to the activation type. Agreement with the
 *    reference executor to rounding (the bound is in docs/Backends/CUDA.md).
 *  - integer path (int8 activations, int8 weights, W8A8): exactly the
 *    reference's int32 group accumulators and float32 epilogue in group
 *    order, bit for bit.
 *
 * All pointers are device pointers; every call is asynchronous on
 * `stream` (a cudaStream_t, 0 for the legacy stream). Functions return 0,
 * or a QOPT_CUDA_E* code that qopt_cuda_error_string describes.
 *===----------------------------------------------------------------------===*/

#ifndef QOPT_RUNTIME_CUDA_H
#define QOPT_RUNTIME_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  QOPT_CUDA_OK = 0,
  QOPT_CUDA_EINVAL = 1,      /* bad shape, bits, group size or alignment */
  QOPT_CUDA_EWORKSPACE = 2,  /* workspace smaller than *_workspace_bytes */
  QOPT_CUDA_ELAUNCH = 3,     /* the CUDA runtime failed to launch */
};

/* Activation element types. */
typedef enum qopt_cuda_act { QOPT_CUDA_F16 = 0, QOPT_CUDA_BF16 = 1 } qopt_cuda_act;

/* What the fields of a weight-only weight are. */
typedef enum qopt_cuda_field {
  QOPT_CUDA_FIELD_INT = 0,      /* signed integers, bits 8, 4 or 2 */
  QOPT_CUDA_FIELD_E4M3 = 1,     /* f8E4M3FN codes (bits 8), decoded by cvt */
  QOPT_CUDA_FIELD_CODEBOOK = 2, /* codes into `table` (bits 8 or 4) */
} qopt_cuda_field;

/* A weight in the mma-f16 layout (qopt_cuda_pack_weight_only). */
typedef struct qopt_cuda_wo_weight {
  int64_t n, k;
  int32_t bits;              /* 8, 4 or 2 */
  int32_t field;             /* qopt_cuda_field */
  int32_t group;             /* along K; 0 or >= k: per channel */
  const uint32_t *data;      /* qopt_cuda_wo_words(n, k, bits) words */
  const float *scales;       /* [groups][round_up(n, 64)] */
  const uint16_t *zero_consts; /* [groups][round_up(n, 64)] half bits, or NULL (z = 0) */
  const uint16_t *table;     /* 2^bits half bits (code-book fields) */
} qopt_cuda_wo_weight;

/* A weight in the mma-s8 layout (qopt_cuda_pack_s8). */
typedef struct qopt_cuda_s8_weight {
  int64_t n, k;
  int32_t group;                 /* along K, a multiple of 32; 0: per channel */
  const uint32_t *data;          /* qopt_cuda_s8_words(n, k) words */
  const float *combined_scales;  /* [groups][npad]: float32(x_scale * scale[n][g]) */
  const int32_t *sum_q;          /* [groups][npad]: sum of q over the group */
  const int32_t *zero_points;    /* [groups][npad], or NULL (symmetric) */
} qopt_cuda_s8_weight;

const char *qopt_cuda_error_string(int code);

/* Number of groups (1 per channel) and the padded column count. */
int64_t qopt_cuda_num_groups(int64_t k, int32_t group);
int64_t qopt_cuda_padded_n(int64_t n);
int64_t qopt_cuda_wo_words(int64_t n, int64_t k, int32_t bits);
int64_t qopt_cuda_s8_words(int64_t n, int64_t k);

/* Host-side repacking from the logical layout (docs/Semantics.md): `q`
 * [n][k] signed storage values (or codes), scales [n][groups] float32,
 * zero points [n][groups] int8 or NULL. Outputs are host buffers of the
 * sizes above, to be copied to the device. `zero_consts` may be NULL when
 * `zero_points` is. Returns QOPT_CUDA_EINVAL for a bad argument. */
int qopt_cuda_pack_weight_only(const int8_t *q, int64_t n, int64_t k,
                               int32_t bits, int32_t field, int32_t group,
                               const float *scales, const int8_t *zero_points,
                               uint32_t *data, float *packed_scales,
                               uint16_t *zero_consts);
int qopt_cuda_pack_s8(const int8_t *q, int64_t n, int64_t k, int32_t group,
                      const float *scales, const int8_t *zero_points,
                      float x_scale, uint32_t *data, float *combined_scales,
                      int32_t *sum_q, int32_t *zero_points_out);

/* Device workspace the calls need (0: none; pass NULL). */
size_t qopt_cuda_wo_gemm_workspace_bytes(int64_t m, const qopt_cuda_wo_weight *w);
size_t qopt_cuda_s8_gemm_workspace_bytes(int64_t m, const qopt_cuda_s8_weight *w);

/* Weight-only GEMV (m = 1, CUDA cores) / GEMM (m > 1, tensor cores):
 * x [m][k] (row stride ldx, a multiple of 8, 16-byte aligned), y [m][n]
 * (row stride ldy) of `act`; bias float32 [n] or NULL. */
int qopt_cuda_wo_gemm(void *stream, qopt_cuda_act act, int64_t m,
                      const void *x, int64_t ldx, const qopt_cuda_wo_weight *w,
                      const float *bias, void *y, int64_t ldy, void *workspace,
                      size_t workspace_bytes);

/* W8A8 tensor-core GEMM: x int8 [m][k] (ldx a multiple of 16, 16-byte
 * aligned) with zero point x_zero_point; y float32 [m][n]; bias float32 or
 * NULL. When `acc` is not NULL (per-channel weights only) the exact int32
 * accumulators are written there ([m][n], row stride ldy) instead, for
 * qopt.requantize. */
int qopt_cuda_s8_gemm(void *stream, int64_t m, const int8_t *x, int64_t ldx,
                      int32_t x_zero_point, const qopt_cuda_s8_weight *w,
                      const float *bias, float *y, int32_t *acc, int64_t ldy,
                      void *workspace, size_t workspace_bytes);

#ifdef __cplusplus
}
#endif

#endif /* QOPT_RUNTIME_CUDA_H */
