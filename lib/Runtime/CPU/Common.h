//===- Common.h - Shared pieces of the CPU kernel variants --------*- C++ -*-===//
//
// Private to the runtime: the per-ISA kernel table, and the scalar rules of
// docs/Semantics.md every variant shares (rounding, packed element access,
// the float epilogue of the integer path). Variants include this header, so
// the scalar parts are the same code everywhere.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_COMMON_H
#define QOPT_LIB_RUNTIME_CPU_COMMON_H

#include "qopt-runtime/cpu.h"
#include "qopt-runtime/packing.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace qopt_rt {

/// Elements per packed block (docs/Semantics.md, "Packed storage").
constexpr int64_t kBlock = QOPT_BLOCK64_FIELDS;
/// Output channels per panel of qopt_rt_matmul_f32f32's weights.
constexpr int64_t kF32PanelWidth = QOPT_RT_F32_PANEL;

/// One ISA variant's kernels; every entry is non-null.
struct KernelTable {
  void (*quantizeS8)(int64_t, const float *, float, int32_t, int8_t *);
  void (*matmulS8)(int64_t, const int8_t *, int64_t, float, int32_t,
                   const qopt_rt_weight *, const float *, float *, int64_t,
                   int64_t, int64_t);
  void (*matmulF32)(int64_t, const float *, int64_t, const qopt_rt_weight *,
                    const float *, float *, int64_t, int64_t, int64_t);
  void (*requantizeS8)(int64_t, int64_t, const int32_t *, const int32_t *,
                       const int32_t *, int32_t, int32_t, int32_t, int8_t *);
  void (*matmulF32Lut)(int64_t, const float *, int64_t, const qopt_rt_weight *,
                       const float *, const float *, float *, int64_t, int64_t,
                       int64_t);
  void (*depthwiseS8)(const qopt_rt_depthwise_geometry *, const int8_t *, float,
                      int32_t, const qopt_rt_weight *, const float *, float *);
  void (*depthwiseF32)(const qopt_rt_depthwise_geometry *, const float *,
                       const qopt_rt_weight *, const float *, const float *,
                       float *);
  void (*matmulS8Acc)(int64_t, const int8_t *, int64_t, int32_t,
                      const qopt_rt_weight *, const int32_t *, int32_t *,
                      int64_t, int64_t, int64_t);
  void (*depthwiseS8Acc)(const qopt_rt_depthwise_geometry *, const int8_t *,
                         int32_t, const qopt_rt_weight *, const int32_t *,
                         int32_t *);
  void (*matmulF32F32)(int64_t, const float *, int64_t, const float *, int64_t,
                       int64_t, const float *, float *, int64_t, int64_t,
                       int64_t);
  void (*depthwiseF32F32)(const qopt_rt_depthwise_geometry *, const float *,
                          const float *, const float *, float *);
};

const KernelTable &portableKernels();
/// The portable depthwise and code-book kernels (Portable/Depthwise.cpp),
/// which the SIMD variants fall back to for shapes they do not specialise.
void portableMatmulF32Lut(int64_t m, const float *x, int64_t ldx,
                          const qopt_rt_weight *w, const float *table,
                          const float *bias, float *y, int64_t ldy,
                          int64_t nBegin, int64_t nEnd);
void portableDepthwiseS8(const qopt_rt_depthwise_geometry *g, const int8_t *x,
                         float xScale, int32_t xZeroPoint,
                         const qopt_rt_weight *w, const float *bias, float *y);
void portableDepthwiseS8Acc(const qopt_rt_depthwise_geometry *g,
                            const int8_t *x, int32_t xZeroPoint,
                            const qopt_rt_weight *w, const int32_t *bias,
                            int32_t *y);
void portableMatmulF32F32(int64_t m, const float *x, int64_t ldx,
                          const float *panels, int64_t n, int64_t k,
                          const float *bias, float *y, int64_t ldy,
                          int64_t nBegin, int64_t nEnd);
void portableDepthwiseF32(const qopt_rt_depthwise_geometry *g, const float *x,
                          const qopt_rt_weight *w, const float *table,
                          const float *bias, float *y);
/// Float weights [tap][output channel].
void portableDepthwiseF32F32(const qopt_rt_depthwise_geometry *g,
                             const float *x, const float *w,
                             const float *bias, float *y);
/// Null when the build does not contain the variant.
const KernelTable *avx2Kernels();
const KernelTable *avx512VnniKernels();
const KernelTable *avxVnniKernels();

/// Scratch memory of one kernel call, freed at the end of the scope. The
/// kernels sit behind a C ABI that returns no status, so they must not
/// throw (a `std::bad_alloc` escaping an `extern "C"` function terminates
/// the caller's process): scratch comes from malloc, and a kernel whose
/// scratch is null runs code that needs none (the portable kernels decode
/// weights in place; the SIMD drivers fall back to the portable kernels).
template <typename T> class Scratch {
public:
  /// `count` elements, zero-filled when `zero`; null when memory is short
  /// or the size does not fit in a size_t.
  explicit Scratch(int64_t count, bool zero = false) {
    if (count < 0 || uint64_t(count) > SIZE_MAX / sizeof(T))
      return;
    size_t bytes = count == 0 ? sizeof(T) : size_t(count) * sizeof(T);
    data = static_cast<T *>(zero ? std::calloc(1, bytes) : std::malloc(bytes));
  }
  Scratch(const Scratch &) = delete;
  Scratch &operator=(const Scratch &) = delete;
  ~Scratch() { std::free(data); }

  explicit operator bool() const { return data != nullptr; }
  T *get() const { return data; }
  T &operator[](int64_t i) const { return data[i]; }

private:
  T *data = nullptr;
};

inline int64_t paddedK(int64_t k) { return qopt_block64_padded_k(k); }
inline int64_t numGroups(int64_t k, int32_t groupSize) {
  return groupSize <= 0 ? 1 : (k + groupSize - 1) / groupSize;
}
/// The elements of group `g` are [groupBegin, groupEnd) of the padded row;
/// padding belongs to the last group.
inline int64_t groupBegin(int64_t g, int32_t groupSize) {
  return groupSize <= 0 ? 0 : g * groupSize;
}
inline int64_t groupEnd(int64_t g, int64_t k, int32_t groupSize) {
  int64_t groups = numGroups(k, groupSize);
  return g + 1 == groups ? paddedK(k) : (g + 1) * groupSize;
}

/// Element `col` of a packed row (sign-extended), `col` < paddedK(k).
inline int8_t packedGet(const uint8_t *row, int32_t bits, int64_t col) {
  return qopt_block64_get(row, bits, col);
}

/// round_half_even(x / scale) + zeroPoint clamped to int8; NaN gives the
/// zero point. The clamp happens in float before conversion so that no
/// integer overflows.
inline int8_t quantizeOne(float x, float scale, int32_t zeroPoint) {
  float r = std::nearbyint(x / scale);
  if (r != r)
    r = 0.0f;
  float lo = float(-128 - zeroPoint), hi = float(127 - zeroPoint);
  r = r < lo ? lo : (r > hi ? hi : r);
  return int8_t(int32_t(r) + zeroPoint);
}

/// One step of the float32 epilogue of the integer path: `y` after the
/// groups before this one, plus this group's sum times its multiplier, no
/// fused multiply-add (the runtime is built with -ffp-contract=off).
inline float epilogueStep(float y, int32_t acc, float xScale, float scale) {
  float multiplier = xScale * scale;
  float term = float(acc) * multiplier;
  return y + term;
}

/// The float32 epilogue of the integer path for one output: groups in
/// order (epilogueStep from y = 0), then the bias.
inline float integerEpilogue(const int32_t *acc, int64_t groups, float xScale,
                             const float *scales, const float *bias) {
  float y = 0.0f;
  for (int64_t g = 0; g < groups; ++g)
    y = epilogueStep(y, acc[g], xScale, scales[g]);
  if (bias)
    y = y + *bias;
  return y;
}

/// acc = sum (x - zx)(q - zq) over a group from the partial sums the SIMD
/// variants compute on the unsigned form u = q + 2^(bits-1):
/// sxu = sum x*u, sx = sum x, su = sum u, count elements.
inline int32_t combineGroup(int64_t sxu, int64_t sx, int64_t su, int64_t count,
                            int32_t bits, int32_t zx, int32_t zq) {
  int64_t offset = int64_t(1) << (bits - 1);
  int64_t sxq = sxu - offset * sx;
  int64_t sq = su - offset * count;
  return int32_t(sxq - int64_t(zq) * sx - int64_t(zx) * sq +
                 count * int64_t(zx) * int64_t(zq));
}

/// The float32 weight element `col` of row `n` on a weight-only path:
/// scale * table[code] for code-book weights (table non-null; the field is
/// read unsigned), else scale * (q - zq). One rounding in both cases.
inline float decodedWeight(const qopt_rt_weight &w, const float *table,
                           int64_t n, int64_t col) {
  const uint8_t *row = w.data + n * qopt_rt_row_bytes(w.k, w.bits);
  int64_t groups = numGroups(w.k, w.group_size);
  int64_t g = w.group_size <= 0 ? 0 : col / w.group_size;
  float scale = w.scales[n * groups + g];
  int8_t field = packedGet(row, w.bits, col);
  if (table)
    return scale * table[uint8_t(field) & ((1u << w.bits) - 1)];
  int32_t zq = w.zero_points ? w.zero_points[n * groups + g] : 0;
  return scale * float(int32_t(field) - zq);
}

/// Input element index of tap `t` of output pixel (b, oy, ox) of a
/// depthwise convolution at channel 0, or -1 for a padding tap.
inline int64_t depthwiseTapIndex(const qopt_rt_depthwise_geometry &g, int64_t b,
                                 int64_t oy, int64_t ox, int64_t t) {
  int64_t iy = oy * g.stride_h - g.pad_top + (t / g.kernel_w) * g.dilation_h;
  int64_t ix = ox * g.stride_w - g.pad_left + (t % g.kernel_w) * g.dilation_w;
  if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w)
    return -1;
  return ((b * g.in_h + iy) * g.in_w + ix) * g.channels;
}

/// docs/Semantics.md, "Requantization": clamp(zeroPoint + ((acc * M +
/// 2^(S-1)) >> S), lo, hi) with lo/hi within [-128, 127].
inline int8_t requantizeOne(int32_t acc, int32_t multiplier, int32_t shift,
                            int32_t zeroPoint, int32_t lo = -128,
                            int32_t hi = 127) {
  int64_t v = int64_t(acc) * int64_t(multiplier);
  v = (v + (int64_t(1) << (shift - 1))) >> shift;
  v += zeroPoint;
  return int8_t(v < lo ? lo : (v > hi ? hi : v));
}

} // namespace qopt_rt

#endif // QOPT_LIB_RUNTIME_CPU_COMMON_H
