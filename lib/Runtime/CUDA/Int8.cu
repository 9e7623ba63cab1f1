//===- Int8.cu - W8A8 tensor-core GEMM, exact integer path ----------------===//
//
// mma.sync m16n8k32 s8 x s8 -> s32 over the mma-s8 layout
// (qopt-runtime/cuda_layout.h). A block's four warps each own a 64-column
// strip and share the activation tile, which cp.async brings into shared
// memory (double buffered, zero-filled past M and K) and ldmatrix into A
// fragments. K is never split: docs/Semantics.md fixes the float epilogue's
// order (groups in order), so each output is finished by one lane:
//
//   acc = Σxq - zq·Σx - zx·Σq + len·zx·zq        (exact int32, per group)
//   y   = float32(y + float32(float32(acc) * float32(sx * s[n][g])))
//   y   = float32(y + bias[n])
//
// with __fmul_rn/__fadd_rn (no contraction), which is the reference
// executor's result bit for bit. Σq comes from the packer, Σx (only needed
// with weight zero points) from rowGroupSums.
//
//===----------------------------------------------------------------------===//

#include "Launch.h"
#include "PTX.cuh"

#include "qopt-runtime/cuda.h"
#include "qopt-runtime/cuda_layout.h"

#include <algorithm>

namespace qopt::cuda {
namespace {

struct S8Params {
  int64_t m, n, k, nPad, nBlocks, kBlocks, group, groups;
  const int8_t *x;
  int64_t ldx;
  int32_t zx;
  const uint32_t *w;
  const float *cs;
  const int32_t *sumQ, *zq;
  /// [m][groups] Σx per group, with zero points.
  const int32_t *rowSums;
  const float *bias;
  float *y;
  int32_t *acc;
  int64_t ldy;
};

constexpr int kS8Warps = 4;
/// 32-element blocks per pipeline stage (64 k).
constexpr int kS8ChunkBlocks = 2;
/// Bytes per shared row: 64 + 16 keeps ldmatrix free of bank conflicts.
constexpr int kS8AStride = kS8ChunkBlocks * kS8BlockK + 16;

template <int MT, bool ZQ>
__global__ void __launch_bounds__(kS8Warps * kWarpSize)
    s8GemmMma(S8Params p) {
  __shared__ __align__(16) int8_t aS[2][MT * 16][kS8AStride];
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  const int64_t m0 = blockIdx.x * static_cast<int64_t>(MT * 16);
  const int64_t nb = blockIdx.y * kS8Warps + warp;
  const bool active = nb < p.nBlocks;
  const int64_t chunks = ceilDiv(p.kBlocks, kS8ChunkBlocks);

  auto loadA = [&](int64_t c, int stage) {
    for (int s = threadIdx.x; s < MT * 16 * 4; s += blockDim.x) {
      int r = s / 4, seg = s % 4;
      int64_t m = m0 + r, k = c * 64 + seg * 16;
      int bytes = 0;
      const int8_t *src = p.x;
      if (m < p.m && k < p.k) {
        bytes = static_cast<int>(minI64(16, p.k - k));
        src = p.x + m * p.ldx + k;
      }
      cpAsync16(&aS[stage][r][seg * 16], src, bytes);
    }
    cpAsyncCommit();
  };

  const int64_t cColBase = nb * kBlockN + 2 * (lane & 3);
  int32_t iacc[MT][8][4] = {};
  float y[MT][8][4] = {};
  int64_t curGroup = 0;

  auto flush = [&](int64_t gi) {
    int32_t len = static_cast<int32_t>(minI64(p.group, p.k - gi * p.group));
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) {
      int64_t at = gi * p.nPad + cColBase + nt * 8;
      float2 cs = *reinterpret_cast<const float2 *>(p.cs + at);
      int2 sq = *reinterpret_cast<const int2 *>(p.sumQ + at);
      int2 zq = make_int2(0, 0);
      if constexpr (ZQ)
        zq = *reinterpret_cast<const int2 *>(p.zq + at);
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          int64_t m = m0 + mt * 16 + accElement(lane, i).row;
          int32_t sumX = 0;
          if constexpr (ZQ)
            sumX = m < p.m ? p.rowSums[m * p.groups + gi] : 0;
          int32_t a = correctGroupAcc(iacc[mt][nt][i], sumX,
                                      (i & 1) ? sq.y : sq.x, p.zx,
                                      (i & 1) ? zq.y : zq.x, len);
          if (p.acc)
            iacc[mt][nt][i] = a; // per channel: kept for the store
          else {
            y[mt][nt][i] = epilogueStep(y[mt][nt][i], a, (i & 1) ? cs.y : cs.x);
            iacc[mt][nt][i] = 0;
          }
        }
    }
  };

  if (chunks > 0)
    loadA(0, 0);
  for (int64_t c = 0; c < chunks; ++c) {
    const int stage = static_cast<int>(c & 1);
    if (c + 1 < chunks)
      loadA(c + 1, stage ^ 1);
    if (c + 1 < chunks)
      cpAsyncWait<1>();
    else
      cpAsyncWait<0>();
    __syncthreads();
    if (active) {
#pragma unroll
      for (int b = 0; b < kS8ChunkBlocks; ++b) {
        int64_t kb = c * kS8ChunkBlocks + b;
        if (kb >= p.kBlocks)
          break;
        int64_t gi = kb * kS8BlockK / p.group;
        if (gi != curGroup) {
          flush(curGroup);
          curGroup = gi;
        }
        // One block's B fragments: 16 words per lane, 512 contiguous
        // bytes per warp load.
        uint32_t words[kS8WordsPerLane];
        const uint4 *src = reinterpret_cast<const uint4 *>(
            p.w + mmaS8WordIndex(nb, kb, p.kBlocks, lane));
#pragma unroll
        for (int q = 0; q < 4; ++q) {
          uint4 v = loadStreaming(src + q);
          words[4 * q] = v.x;
          words[4 * q + 1] = v.y;
          words[4 * q + 2] = v.z;
          words[4 * q + 3] = v.w;
        }
        uint32_t a[MT][4];
#pragma unroll
        for (int mt = 0; mt < MT; ++mt)
          ldmatrixX4(a[mt], &aS[stage][mt * 16 + (lane & 15)]
                               [b * kS8BlockK + (lane >> 4) * 16]);
#pragma unroll
        for (int nt = 0; nt < 8; ++nt) {
          uint32_t bf[2] = {words[2 * nt], words[2 * nt + 1]};
#pragma unroll
          for (int mt = 0; mt < MT; ++mt)
            mmaS8(iacc[mt][nt], a[mt], bf);
        }
      }
    }
    __syncthreads();
  }
  if (!active)
    return;
  flush(curGroup);

#pragma unroll
  for (int mt = 0; mt < MT; ++mt)
#pragma unroll
    for (int nt = 0; nt < 8; ++nt)
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        RowCol rc = accElement(lane, i);
        int64_t m = m0 + mt * 16 + rc.row, n = nb * kBlockN + nt * 8 + rc.col;
        if (m >= p.m || n >= p.n)
          continue;
        if (p.acc) {
          p.acc[m * p.ldy + n] = iacc[mt][nt][i];
        } else {
          float v = y[mt][nt][i];
          if (p.bias)
            v = __fadd_rn(v, p.bias[n]);
          p.y[m * p.ldy + n] = v;
        }
      }
}

/// sums[m][g] = Σ_{k in group g} x[m][k] (exact).
__global__ void rowGroupSums(const int8_t *x, int64_t ldx, int64_t m, int64_t k,
                             int64_t group, int64_t groups, int32_t *sums) {
  int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (e >= m * groups)
    return;
  int64_t row = e / groups, g = e % groups;
  int32_t s = 0;
  for (int64_t kk = g * group; kk < minI64(k, (g + 1) * group); ++kk)
    s += x[row * ldx + kk];
  sums[e] = s;
}

bool validS8(const qopt_cuda_s8_weight *w) {
  if (!w || w->n <= 0 || w->k <= 0 || !w->data || !w->combined_scales ||
      !w->sum_q)
    return false;
  int64_t groups = numGroups(w->k, w->group), g = effectiveGroup(w->k, w->group);
  return (groups == 1 || g % kS8BlockK == 0) && g <= 32768;
}

} // namespace
} // namespace qopt::cuda

using namespace qopt::cuda;

extern "C" size_t qopt_cuda_s8_gemm_workspace_bytes(int64_t m,
                                                    const qopt_cuda_s8_weight *w) {
  if (m <= 0 || !validS8(w) || !w->zero_points)
    return 0;
  return sizeof(int32_t) * m * numGroups(w->k, w->group);
}

extern "C" int qopt_cuda_s8_gemm(void *stream, int64_t m, const int8_t *x,
                                 int64_t ldx, int32_t xZeroPoint,
                                 const qopt_cuda_s8_weight *w, const float *bias,
                                 float *y, int32_t *acc, int64_t ldy,
                                 void *workspace, size_t workspaceBytes) {
  if (m <= 0 || !x || !validS8(w) || ldx < w->k || ldx % 16 != 0 ||
      reinterpret_cast<uintptr_t>(x) % 16 != 0 || ldy < w->n ||
      (!y && !acc) || (acc && numGroups(w->k, w->group) != 1) ||
      xZeroPoint < -128 || xZeroPoint > 127)
    return QOPT_CUDA_EINVAL;
  size_t need = qopt_cuda_s8_gemm_workspace_bytes(m, w);
  if (need > 0 && (workspaceBytes < need || !workspace))
    return QOPT_CUDA_EWORKSPACE;
  S8Params p;
  p.m = m;
  p.n = w->n;
  p.k = w->k;
  p.nPad = roundUp(w->n, kBlockN);
  p.nBlocks = p.nPad / kBlockN;
  p.kBlocks = roundUp(w->k, kS8BlockK) / kS8BlockK;
  p.groups = numGroups(w->k, w->group);
  p.group = p.groups == 1 ? p.kBlocks * kS8BlockK : effectiveGroup(w->k, w->group);
  p.x = x;
  p.ldx = ldx;
  p.zx = xZeroPoint;
  p.w = w->data;
  p.cs = w->combined_scales;
  p.sumQ = w->sum_q;
  p.zq = w->zero_points;
  p.rowSums = static_cast<const int32_t *>(workspace);
  p.bias = bias;
  p.y = y;
  p.acc = acc;
  p.ldy = ldy;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  if (w->zero_points) {
    int64_t total = m * p.groups;
    rowGroupSums<<<static_cast<unsigned>(ceilDiv(total, 256)), 256, 0, s>>>(
        x, ldx, m, w->k, effectiveGroup(w->k, w->group), p.groups,
        static_cast<int32_t *>(workspace));
  }
  int mt = m <= 16 ? 1 : 2;
  dim3 grid(static_cast<unsigned>(ceilDiv(m, mt * 16)),
            static_cast<unsigned>(ceilDiv(p.nBlocks, kS8Warps)));
  dim3 block(kS8Warps * kWarpSize);
  bool zq = w->zero_points != nullptr;
  if (mt == 1)
    zq ? s8GemmMma<1, true><<<grid, block, 0, s>>>(p)
       : s8GemmMma<1, false><<<grid, block, 0, s>>>(p);
  else
    zq ? s8GemmMma<2, true><<<grid, block, 0, s>>>(p)
       : s8GemmMma<2, false><<<grid, block, 0, s>>>(p);
  return cudaGetLastError() == cudaSuccess ? QOPT_CUDA_OK : QOPT_CUDA_ELAUNCH;
}
