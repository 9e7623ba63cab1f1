//===- Dispatch.cpp - ISA selection and the C entry points -------------------===//
//
// Detects what the running CPU supports and forwards each C entry point to
// the chosen variant's kernel table. Selection is explicit (the caller
// passes the ISA), so the library has no mutable global state.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <cstring>
#include <initializer_list>

using namespace qopt_rt;

static const KernelTable *tableFor(qopt_rt_isa isa) {
  switch (isa) {
  case QOPT_RT_ISA_AVX2:
    return avx2Kernels();
  case QOPT_RT_ISA_AVX512_VNNI:
    return avx512VnniKernels();
  case QOPT_RT_ISA_AVX_VNNI:
    return avxVnniKernels();
  default:
    return &portableKernels();
  }
}

static bool cpuSupports(qopt_rt_isa isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  switch (isa) {
  case QOPT_RT_ISA_AVX2:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case QOPT_RT_ISA_AVX512_VNNI:
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512vnni");
  case QOPT_RT_ISA_AVX_VNNI:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("avxvnni");
  default:
    return isa == QOPT_RT_ISA_PORTABLE;
  }
#else
  return isa == QOPT_RT_ISA_PORTABLE;
#endif
}

/// The table of a supported variant; unsupported requests run portably
/// rather than fault on an illegal instruction.
static const KernelTable &kernels(qopt_rt_isa isa) {
  if (qopt_rt_isa_supported(isa))
    return *tableFor(isa);
  return portableKernels();
}

extern "C" {

int qopt_rt_isa_supported(qopt_rt_isa isa) {
  if (isa < 0 || isa >= QOPT_RT_ISA_COUNT)
    return 0;
  return tableFor(isa) != nullptr && cpuSupports(isa);
}

qopt_rt_isa qopt_rt_best_isa(void) {
  for (qopt_rt_isa isa : {QOPT_RT_ISA_AVX512_VNNI, QOPT_RT_ISA_AVX_VNNI,
                          QOPT_RT_ISA_AVX2})
    if (qopt_rt_isa_supported(isa))
      return isa;
  return QOPT_RT_ISA_PORTABLE;
}

const char *qopt_rt_isa_name(qopt_rt_isa isa) {
  switch (isa) {
  case QOPT_RT_ISA_PORTABLE:
    return "portable";
  case QOPT_RT_ISA_AVX2:
    return "avx2";
  case QOPT_RT_ISA_AVX512_VNNI:
    return "avx512-vnni";
  case QOPT_RT_ISA_AVX_VNNI:
    return "avx-vnni";
  default:
    return "unknown";
  }
}

int64_t qopt_rt_row_bytes(int64_t k, int32_t bits) {
  return qopt_block64_row_bytes(k, bits);
}

int64_t qopt_rt_num_groups(int64_t k, int32_t groupSize) {
  return numGroups(k, groupSize);
}

void qopt_rt_pack(const int8_t *values, int64_t n, int64_t k, int32_t bits,
                  const int8_t *padValue, uint8_t *out) {
  int64_t rowBytes = qopt_rt_row_bytes(k, bits);
  for (int64_t r = 0; r < n; ++r)
    qopt_block64_pack_row(values + r * k, k, bits, padValue ? padValue[r] : 0,
                          out + r * rowBytes);
}

int8_t qopt_rt_packed_get(const uint8_t *data, int64_t k, int32_t bits,
                          int64_t row, int64_t col) {
  return packedGet(data + row * qopt_rt_row_bytes(k, bits), bits, col);
}

void qopt_rt_quantize_s8(qopt_rt_isa isa, int64_t count, const float *x,
                         float scale, int32_t zeroPoint, int8_t *out) {
  kernels(isa).quantizeS8(count, x, scale, zeroPoint, out);
}

void qopt_rt_matmul_s8(qopt_rt_isa isa, int64_t m, const int8_t *x,
                       int64_t ldx, float xScale, int32_t xZeroPoint,
                       const qopt_rt_weight *w, const float *bias, float *y,
                       int64_t ldy, int64_t nBegin, int64_t nEnd) {
  kernels(isa).matmulS8(m, x, ldx, xScale, xZeroPoint, w, bias, y, ldy, nBegin,
                        nEnd);
}

void qopt_rt_matmul_f32(qopt_rt_isa isa, int64_t m, const float *x,
                        int64_t ldx, const qopt_rt_weight *w,
                        const float *bias, float *y, int64_t ldy,
                        int64_t nBegin, int64_t nEnd) {
  kernels(isa).matmulF32(m, x, ldx, w, bias, y, ldy, nBegin, nEnd);
}

void qopt_rt_requantize_s8(qopt_rt_isa isa, int64_t count, int64_t channels,
                           const int32_t *acc, const int32_t *multiplier,
                           const int32_t *shift, int32_t zeroPoint,
                           int32_t min, int32_t max, int8_t *out) {
  kernels(isa).requantizeS8(count, channels, acc, multiplier, shift, zeroPoint,
                            min, max, out);
}

void qopt_rt_matmul_s8_acc(qopt_rt_isa isa, int64_t m, const int8_t *x,
                           int64_t ldx, int32_t xZeroPoint,
                           const qopt_rt_weight *w, const int32_t *bias,
                           int32_t *y, int64_t ldy, int64_t nBegin,
                           int64_t nEnd) {
  kernels(isa).matmulS8Acc(m, x, ldx, xZeroPoint, w, bias, y, ldy, nBegin,
                           nEnd);
}

void qopt_rt_depthwise_conv2d_s8_acc(qopt_rt_isa isa,
                                     const qopt_rt_depthwise_geometry *g,
                                     const int8_t *x, int32_t xZeroPoint,
                                     const qopt_rt_weight *w,
                                     const int32_t *bias, int32_t *y) {
  kernels(isa).depthwiseS8Acc(g, x, xZeroPoint, w, bias, y);
}

void qopt_rt_matmul_f32_lut(qopt_rt_isa isa, int64_t m, const float *x,
                            int64_t ldx, const qopt_rt_weight *w,
                            const float *table, const float *bias, float *y,
                            int64_t ldy, int64_t nBegin, int64_t nEnd) {
  kernels(isa).matmulF32Lut(m, x, ldx, w, table, bias, y, ldy, nBegin, nEnd);
}

void qopt_rt_depthwise_conv2d_s8(qopt_rt_isa isa,
                                 const qopt_rt_depthwise_geometry *g,
                                 const int8_t *x, float xScale,
                                 int32_t xZeroPoint, const qopt_rt_weight *w,
                                 const float *bias, float *y) {
  kernels(isa).depthwiseS8(g, x, xScale, xZeroPoint, w, bias, y);
}

void qopt_rt_depthwise_conv2d_f32(qopt_rt_isa isa,
                                  const qopt_rt_depthwise_geometry *g,
                                  const float *x, const qopt_rt_weight *w,
                                  const float *table, const float *bias,
                                  float *y) {
  kernels(isa).depthwiseF32(g, x, w, table, bias, y);
}

void qopt_rt_depthwise_conv2d_f32f32(qopt_rt_isa isa,
                                     const qopt_rt_depthwise_geometry *g,
                                     const float *x, const float *w,
                                     const float *bias, float *y) {
  kernels(isa).depthwiseF32F32(g, x, w, bias, y);
}

int64_t qopt_rt_f32_panel_elements(int64_t n, int64_t k) {
  return (n + kF32PanelWidth - 1) / kF32PanelWidth * kF32PanelWidth * k;
}

void qopt_rt_pack_f32_panels(const float *w, int64_t n, int64_t k,
                             float *panels) {
  std::memset(panels, 0,
              size_t(qopt_rt_f32_panel_elements(n, k)) * sizeof(float));
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      panels[((r / kF32PanelWidth) * k + c) * kF32PanelWidth +
             r % kF32PanelWidth] = w[r * k + c];
}

void qopt_rt_matmul_f32f32(qopt_rt_isa isa, int64_t m, const float *x,
                           int64_t ldx, const float *panels, int64_t n,
                           int64_t k, const float *bias, float *y, int64_t ldy,
                           int64_t nBegin, int64_t nEnd) {
  kernels(isa).matmulF32F32(m, x, ldx, panels, n, k, bias, y, ldy, nBegin,
                            nEnd);
}

} // extern "C"
