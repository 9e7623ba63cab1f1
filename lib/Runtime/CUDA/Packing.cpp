//===- Packing.cpp - Logical weights into the CUDA kernels' layouts -------===//
//
// Host code (no CUDA needed): the CUDA target's weight materialisation and
// the tests repack through these, so the device reads exactly what the
// layout functions of qopt-runtime/cuda_layout.h describe.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cuda.h"
#include "qopt-runtime/cuda_layout.h"

#include <algorithm>
#include <cstring>

using namespace qopt::cuda;

extern "C" {

const char *qopt_cuda_error_string(int code) {
  switch (code) {
  case QOPT_CUDA_OK:
    return "success";
  case QOPT_CUDA_EINVAL:
    return "invalid argument (shape, bits, group size, field kind or "
           "alignment)";
  case QOPT_CUDA_EWORKSPACE:
    return "workspace too small";
  case QOPT_CUDA_ELAUNCH:
    return "kernel launch failed";
  default:
    return "unknown qopt CUDA error";
  }
}

int64_t qopt_cuda_num_groups(int64_t k, int32_t group) {
  return numGroups(k, group);
}
int64_t qopt_cuda_padded_n(int64_t n) { return roundUp(n, kBlockN); }
int64_t qopt_cuda_wo_words(int64_t n, int64_t k, int32_t bits) {
  return mmaF16Words(n, k, bits);
}
int64_t qopt_cuda_s8_words(int64_t n, int64_t k) { return mmaS8Words(n, k); }

int qopt_cuda_pack_weight_only(const int8_t *q, int64_t n, int64_t k,
                               int32_t bits, int32_t field, int32_t group,
                               const float *scales, const int8_t *zeroPoints,
                               uint32_t *data, float *packedScales,
                               uint16_t *zeroConsts) {
  if (n <= 0 || k <= 0 || !q || !scales || !data || !packedScales)
    return QOPT_CUDA_EINVAL;
  if (bits != 8 && bits != 4 && bits != 2)
    return QOPT_CUDA_EINVAL;
  if (field == QOPT_CUDA_FIELD_E4M3 && bits != 8)
    return QOPT_CUDA_EINVAL;
  if (field == QOPT_CUDA_FIELD_CODEBOOK && bits == 2)
    return QOPT_CUDA_EINVAL;
  if (field != QOPT_CUDA_FIELD_INT && zeroPoints)
    return QOPT_CUDA_EINVAL;
  if (zeroPoints && !zeroConsts)
    return QOPT_CUDA_EINVAL;
  int64_t g = effectiveGroup(k, group), groups = numGroups(k, group);
  // The tensor-core kernel keeps one scale per 16-element block.
  if (groups > 1 && g % kF16BlockK != 0)
    return QOPT_CUDA_EINVAL;
  int64_t nPad = roundUp(n, kBlockN);
  if (!packMmaF16Data(q, n, k, bits, field != QOPT_CUDA_FIELD_INT, group,
                      zeroPoints, data))
    return QOPT_CUDA_EINVAL;
  for (int64_t gi = 0; gi < groups; ++gi)
    for (int64_t nn = 0; nn < nPad; ++nn) {
      packedScales[gi * nPad + nn] = nn < n ? scales[nn * groups + gi] : 0.0f;
      if (zeroConsts)
        zeroConsts[gi * nPad + nn] = zeroConstantBits(
            bits, nn < n && zeroPoints ? zeroPoints[nn * groups + gi] : 0);
    }
  return QOPT_CUDA_OK;
}

int qopt_cuda_pack_s8(const int8_t *q, int64_t n, int64_t k, int32_t group,
                      const float *scales, const int8_t *zeroPoints,
                      float xScale, uint32_t *data, float *combinedScales,
                      int32_t *sumQ, int32_t *zeroPointsOut) {
  if (n <= 0 || k <= 0 || !q || !scales || !data || !combinedScales || !sumQ)
    return QOPT_CUDA_EINVAL;
  if (zeroPoints && !zeroPointsOut)
    return QOPT_CUDA_EINVAL;
  int64_t g = effectiveGroup(k, group), groups = numGroups(k, group);
  if (groups > 1 && g % kS8BlockK != 0)
    return QOPT_CUDA_EINVAL;
  // The reference's int32 sums are exact only up to 32768 per group.
  if (g > 32768)
    return QOPT_CUDA_EINVAL;
  int64_t nPad = roundUp(n, kBlockN);
  packMmaS8Data(q, n, k, data);
  for (int64_t gi = 0; gi < groups; ++gi)
    for (int64_t nn = 0; nn < nPad; ++nn) {
      int64_t at = gi * nPad + nn;
      if (nn >= n) {
        combinedScales[at] = 0.0f;
        sumQ[at] = 0;
        if (zeroPointsOut)
          zeroPointsOut[at] = 0;
        continue;
      }
      combinedScales[at] = xScale * scales[nn * groups + gi];
      int32_t s = 0;
      for (int64_t kk = gi * g; kk < std::min(k, (gi + 1) * g); ++kk)
        s += q[nn * k + kk];
      sumQ[at] = s;
      if (zeroPointsOut)
        zeroPointsOut[at] = zeroPoints ? zeroPoints[nn * groups + gi] : 0;
    }
  return QOPT_CUDA_OK;
}

} // extern "C"
