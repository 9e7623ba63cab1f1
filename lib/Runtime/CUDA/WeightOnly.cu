//===- WeightOnly.cu - Low-bit weights x f16/bf16 activations -------------===//
//
// Two kernels over the mma-f16 layout (qopt-runtime/cuda_layout.h):
//
//  * woGemv (M = 1): CUDA cores. A warp streams one 64-column strip of the
//    weight 16 x 64 blocks at a time (32 * bits * 4 contiguous bytes per
//    warp load); each lane decodes its 32 fields, multiplies them by the
//    four activations at its k positions in float32, and keeps 8 column
//    sums. The K range is split over the block's warps and over blocks
//    (blockIdx.z, a fixed-order reduction after), so a GEMV fills the GPU.
//  * woGemmMma (M > 1): tensor cores, mma.sync m16n8k16 with f32
//    accumulators. Activations go global -> shared by cp.async (double
//    buffered, zero-filled past M and K) and into A fragments by ldmatrix;
//    the weight's fields are already in B-fragment order, so a lane decodes
//    its registers with one mask per pair and no shuffles (Marlin's idea).
//    Sums run per scale group and are scaled in float32 when the group
//    ends.
//
// The scale is applied to the exact Σ x·(q - z) of a group, as in
// docs/Semantics.md's weight-only formula; only the activations' rounding
// to f16/bf16 and float32 summation order separate the result from the
// reference executor's.
//
//===----------------------------------------------------------------------===//

#include "Decode.cuh"
#include "Launch.h"
#include "PTX.cuh"

#include <algorithm>
#include <type_traits>

namespace qopt::cuda {
namespace {

struct WoParams {
  int64_t m, n, k, nPad, kBlocks, group, groups;
  const void *x;
  int64_t ldx;
  const uint32_t *w;
  const float *scales;
  const uint16_t *zeroConsts;
  const uint16_t *table;
  const float *bias;
  void *y;
  int64_t ldy;
  /// [kSplit][m][nPad] partial sums when kSplit > 1, else null.
  float *partial;
  int kSplit;
};

/// Loads a lane's `BITS` words of one block.
template <int BITS>
__device__ __forceinline__ void loadBlock(uint32_t (&r)[BITS],
                                          const uint32_t *src) {
  if constexpr (BITS == 2) {
    uint2 v = *reinterpret_cast<const uint2 *>(src);
    r[0] = v.x;
    r[1] = v.y;
  } else {
#pragma unroll
    for (int i = 0; i < BITS / 4; ++i) {
      uint4 v = loadStreaming(reinterpret_cast<const uint4 *>(src) + i);
      r[4 * i] = v.x;
      r[4 * i + 1] = v.y;
      r[4 * i + 2] = v.z;
      r[4 * i + 3] = v.w;
    }
  }
}

/// The code table in shared memory (code-book fields), else null.
template <int BITS, int FIELD>
__device__ __forceinline__ const uint16_t *stageTable(uint16_t *smemTable,
                                                      const uint16_t *table) {
  if constexpr (FIELD == QOPT_CUDA_FIELD_CODEBOOK) {
    for (int i = threadIdx.x; i < (1 << BITS); i += blockDim.x)
      smemTable[i] = table[i];
    __syncthreads();
    return smemTable;
  } else {
    return nullptr;
  }
}

/// The f16x2 zero-point constants of a lane's 8 columns for group `gi`
/// (both halves equal).
template <int BITS, int FIELD>
__device__ __forceinline__ void loadZeroConsts(uint32_t (&zc)[8],
                                               const WoParams &p, int64_t gi,
                                               int64_t colBase) {
  uint32_t symmetric = zeroConstantBits(BITS, 0) * 0x00010001u;
#pragma unroll
  for (int nt = 0; nt < 8; ++nt) {
    if (FIELD != QOPT_CUDA_FIELD_INT || !p.zeroConsts) {
      zc[nt] = symmetric;
    } else {
      uint32_t h = p.zeroConsts[gi * p.nPad + colBase + nt * 8];
      zc[nt] = h * 0x00010001u;
    }
  }
}

constexpr int kGemvWarps = 8;

template <typename T, int BITS, int FIELD>
__global__ void __launch_bounds__(kGemvWarps * kWarpSize)
    woGemv(WoParams p) {
  __shared__ float reduce[kGemvWarps][kBlockN];
  __shared__ uint16_t tableSmem[256];
  const uint16_t *table = stageTable<BITS, FIELD>(tableSmem, p.table);
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  const int64_t nb = blockIdx.x;
  const int slices = p.kSplit * kGemvWarps;
  const int slice = blockIdx.z * kGemvWarps + warp;
  const int64_t kb0 = p.kBlocks * slice / slices;
  const int64_t kb1 = p.kBlocks * (slice + 1) / slices;
  const T *x = static_cast<const T *>(p.x);
  // This lane's B columns: nb * 64 + nt * 8 + group.
  const int64_t colBase = nb * kBlockN + (lane >> 2);
  const int kLane = (lane & 3) * 2;

  float acc[8] = {}, part[8] = {};
  uint32_t zc[8];
  int64_t curGroup = kb0 * kF16BlockK / p.group;
  loadZeroConsts<BITS, FIELD>(zc, p, curGroup, colBase);

  auto flush = [&](int64_t gi) {
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) {
      float s = p.scales[gi * p.nPad + colBase + nt * 8];
      acc[nt] = fmaf(s, part[nt], acc[nt]);
      part[nt] = 0.0f;
    }
  };

  for (int64_t kb = kb0; kb < kb1; ++kb) {
    int64_t gi = kb * kF16BlockK / p.group;
    if (gi != curGroup) {
      flush(curGroup);
      curGroup = gi;
      loadZeroConsts<BITS, FIELD>(zc, p, gi, colBase);
    }
    uint32_t words[BITS];
    loadBlock<BITS>(words, p.w + mmaF16WordIndex(nb, kb, p.kBlocks, lane, BITS));
    // Activations at k0, k0 + 1 and k0 + 8, k0 + 9.
    int64_t k0 = kb * kF16BlockK + kLane;
    float2 x0, x1;
    if (kb * kF16BlockK + kF16BlockK <= p.k) {
      x0 = toFloat2<T>(*reinterpret_cast<const uint32_t *>(x + k0));
      x1 = toFloat2<T>(*reinterpret_cast<const uint32_t *>(x + k0 + 8));
    } else {
      auto at = [&](int64_t kk) {
        return kk < p.k ? static_cast<float>(x[kk]) : 0.0f;
      };
      x0 = make_float2(at(k0), at(k0 + 1));
      x1 = make_float2(at(k0 + 8), at(k0 + 9));
    }
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) {
      float2 w0 = __half22float2(
          decodePair<BITS, FIELD>(words, 2 * nt, zc[nt], table));
      float2 w1 = __half22float2(
          decodePair<BITS, FIELD>(words, 2 * nt + 1, zc[nt], table));
      float s = part[nt];
      s = fmaf(w0.x, x0.x, s);
      s = fmaf(w0.y, x0.y, s);
      s = fmaf(w1.x, x1.x, s);
      s = fmaf(w1.y, x1.y, s);
      part[nt] = s;
    }
  }
  if (kb0 < kb1)
    flush(curGroup);
  // The 4 lanes of a group hold the same columns at different k.
#pragma unroll
  for (int nt = 0; nt < 8; ++nt) {
    acc[nt] += __shfl_xor_sync(0xffffffffu, acc[nt], 1);
    acc[nt] += __shfl_xor_sync(0xffffffffu, acc[nt], 2);
  }
  if ((lane & 3) == 0)
#pragma unroll
    for (int nt = 0; nt < 8; ++nt)
      reduce[warp][nt * 8 + (lane >> 2)] = acc[nt];
  __syncthreads();
  if (threadIdx.x < kBlockN) {
    int col = threadIdx.x;
    float sum = 0.0f;
#pragma unroll
    for (int w = 0; w < kGemvWarps; ++w)
      sum += reduce[w][col];
    int64_t n = nb * kBlockN + col;
    if (p.partial) {
      p.partial[blockIdx.z * p.nPad + n] = sum;
    } else if (n < p.n) {
      if (p.bias)
        sum += p.bias[n];
      static_cast<T *>(p.y)[n] = fromFloat<T>(sum);
    }
  }
}

constexpr int kMmaWarps = 4;
/// 16-element blocks per pipeline stage (64 k).
constexpr int kChunkBlocks = 4;
/// Halves per shared row: 64 + 8 keeps ldmatrix free of bank conflicts.
constexpr int kAStride = kChunkBlocks * kF16BlockK + 8;

template <int MT> constexpr int mmaSmemBytes() {
  int stages = kMmaWarps * 2 * MT * 16 * kAStride * 2;
  int reduce = kMmaWarps * MT * 16 * kBlockN * 4;
  return stages > reduce ? stages : reduce;
}

template <typename T>
__device__ __forceinline__ void mma(float (&d)[4], const uint32_t (&a)[4],
                                    const uint32_t (&b)[2]) {
  if constexpr (std::is_same_v<T, __half>)
    mmaF16(d, a, b);
  else
    mmaBF16(d, a, b);
}

template <typename T, int BITS, int FIELD, int MT, bool GROUPED>
__global__ void __launch_bounds__(kMmaWarps * kWarpSize)
    woGemmMma(WoParams p) {
  extern __shared__ __align__(16) unsigned char smemRaw[];
  __shared__ uint16_t tableSmem[256];
  const uint16_t *table = stageTable<BITS, FIELD>(tableSmem, p.table);
  const int warp = threadIdx.x / kWarpSize, lane = threadIdx.x % kWarpSize;
  const int64_t nb = blockIdx.x, m0 = blockIdx.y * (MT * 16);
  const int64_t chunks = ceilDiv(p.kBlocks, kChunkBlocks);
  const int slices = p.kSplit * kMmaWarps;
  const int slice = blockIdx.z * kMmaWarps + warp;
  const int64_t c0 = chunks * slice / slices, c1 = chunks * (slice + 1) / slices;
  const T *x = static_cast<const T *>(p.x);
  uint16_t *stages =
      reinterpret_cast<uint16_t *>(smemRaw) + warp * 2 * MT * 16 * kAStride;

  auto loadA = [&](int64_t c, int stage) {
    for (int s = lane; s < MT * 16 * 8; s += kWarpSize) {
      int r = s / 8, seg = s % 8;
      int64_t m = m0 + r, k = c * 64 + seg * 8;
      int bytes = 0;
      const T *src = x;
      if (m < p.m && k < p.k) {
        bytes = static_cast<int>(minI64(8, p.k - k)) * 2;
        src = x + m * p.ldx + k;
      }
      cpAsync16(stages + (stage * MT * 16 + r) * kAStride + seg * 8, src,
                bytes);
    }
    cpAsyncCommit();
  };

  // Columns of the C fragments: nb * 64 + nt * 8 + 2 * (lane % 4) + {0, 1}.
  const int64_t cColBase = nb * kBlockN + 2 * (lane & 3);
  // Columns of the B fragments (zero points): nb * 64 + nt * 8 + lane / 4.
  const int64_t bColBase = nb * kBlockN + (lane >> 2);
  float part[MT][8][4] = {};
  float acc[GROUPED ? MT : 1][8][4] = {};
  uint32_t zc[8];
  int64_t curGroup = c0 * kChunkBlocks * kF16BlockK / p.group;
  loadZeroConsts<BITS, FIELD>(zc, p, curGroup, bColBase);

  auto flush = [&](int64_t gi) {
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) {
      float2 s = *reinterpret_cast<const float2 *>(
          p.scales + gi * p.nPad + cColBase + nt * 8);
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          float si = (i & 1) ? s.y : s.x;
          if constexpr (GROUPED) {
            acc[mt][nt][i] = fmaf(si, part[mt][nt][i], acc[mt][nt][i]);
            part[mt][nt][i] = 0.0f;
          } else {
            part[mt][nt][i] *= si;
          }
        }
    }
  };

  if (c0 < c1)
    loadA(c0, 0);
  for (int64_t c = c0; c < c1; ++c) {
    const int stage = static_cast<int>((c - c0) & 1);
    if (c + 1 < c1)
      loadA(c + 1, stage ^ 1);
    uint32_t words[kChunkBlocks][BITS];
#pragma unroll
    for (int b = 0; b < kChunkBlocks; ++b) {
      int64_t kb = c * kChunkBlocks + b;
      if (kb < p.kBlocks)
        loadBlock<BITS>(words[b],
                        p.w + mmaF16WordIndex(nb, kb, p.kBlocks, lane, BITS));
    }
    if (c + 1 < c1)
      cpAsyncWait<1>();
    else
      cpAsyncWait<0>();
    __syncwarp();
#pragma unroll
    for (int b = 0; b < kChunkBlocks; ++b) {
      int64_t kb = c * kChunkBlocks + b;
      if (kb >= p.kBlocks)
        break;
      if constexpr (GROUPED) {
        int64_t gi = kb * kF16BlockK / p.group;
        if (gi != curGroup) {
          flush(curGroup);
          curGroup = gi;
          loadZeroConsts<BITS, FIELD>(zc, p, gi, bColBase);
        }
      }
      uint32_t a[MT][4];
#pragma unroll
      for (int mt = 0; mt < MT; ++mt)
        ldmatrixX4(a[mt], stages + (stage * MT * 16 + mt * 16 + (lane & 15)) *
                                       kAStride +
                              b * kF16BlockK + (lane >> 4) * 8);
#pragma unroll
      for (int nt = 0; nt < 8; ++nt) {
        uint32_t bf[2] = {
            toOperand<T>(decodePair<BITS, FIELD>(words[b], 2 * nt, zc[nt], table)),
            toOperand<T>(
                decodePair<BITS, FIELD>(words[b], 2 * nt + 1, zc[nt], table))};
#pragma unroll
        for (int mt = 0; mt < MT; ++mt)
          mma<T>(part[mt][nt], a[mt], bf);
      }
    }
    __syncwarp();
  }
  if (c0 < c1)
    flush(curGroup);

  // Fixed-order reduction over the warps' K slices.
  __syncthreads();
  float *red = reinterpret_cast<float *>(smemRaw);
#pragma unroll
  for (int mt = 0; mt < MT; ++mt)
#pragma unroll
    for (int nt = 0; nt < 8; ++nt)
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        RowCol rc = accElement(lane, i);
        float v = GROUPED ? acc[GROUPED ? mt : 0][nt][i] : part[mt][nt][i];
        if (c0 >= c1)
          v = 0.0f;
        red[(warp * MT * 16 + mt * 16 + rc.row) * kBlockN + nt * 8 + rc.col] = v;
      }
  __syncthreads();
  for (int e = threadIdx.x; e < MT * 16 * kBlockN; e += blockDim.x) {
    int r = e / kBlockN, col = e % kBlockN;
    float sum = 0.0f;
#pragma unroll
    for (int w = 0; w < kMmaWarps; ++w)
      sum += red[(w * MT * 16 + r) * kBlockN + col];
    int64_t m = m0 + r, n = nb * kBlockN + col;
    if (m >= p.m)
      continue;
    if (p.partial) {
      p.partial[(blockIdx.z * p.m + m) * p.nPad + n] = sum;
    } else if (n < p.n) {
      if (p.bias)
        sum += p.bias[n];
      static_cast<T *>(p.y)[m * p.ldy + n] = fromFloat<T>(sum);
    }
  }
}

/// y = Σ_z partial[z] (in order) + bias.
template <typename T>
__global__ void reducePartials(const float *partial, int kSplit, int64_t m,
                               int64_t n, int64_t nPad, const float *bias,
                               T *y, int64_t ldy) {
  int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (e >= m * n)
    return;
  int64_t row = e / n, col = e % n;
  float sum = 0.0f;
  for (int z = 0; z < kSplit; ++z)
    sum += partial[(z * m + row) * nPad + col];
  if (bias)
    sum += bias[col];
  y[row * ldy + col] = fromFloat<T>(sum);
}

/// How many ways to split K so that about two waves of blocks fill the GPU.
int chooseKSplit(int64_t blocks, int64_t kUnits) {
  int sms = deviceMultiprocessors();
  int64_t want = std::max<int64_t>(1, (2 * sms + blocks - 1) / blocks);
  return static_cast<int>(std::clamp<int64_t>(want, 1, std::max<int64_t>(1, kUnits / 4)));
}

struct Plan {
  int mt = 1;
  int kSplit = 1;
  int64_t gridX = 0, gridY = 1;
};

Plan planWo(int64_t m, const qopt_cuda_wo_weight &w) {
  Plan plan;
  int64_t nPad = roundUp(w.n, kBlockN), kBlocks = roundUp(w.k, kF16BlockK) / kF16BlockK;
  plan.gridX = nPad / kBlockN;
  if (m == 1) {
    plan.kSplit = chooseKSplit(plan.gridX, kBlocks / kGemvWarps);
  } else {
    plan.mt = m <= 16 ? 1 : 2;
    plan.gridY = ceilDiv(m, plan.mt * 16);
    plan.kSplit = chooseKSplit(plan.gridX * plan.gridY,
                               ceilDiv(kBlocks, kChunkBlocks) / kMmaWarps);
  }
  return plan;
}

template <typename T, int BITS, int FIELD>
cudaError_t launchWo(cudaStream_t stream, const Plan &plan, WoParams p) {
  dim3 grid(static_cast<unsigned>(plan.gridX), static_cast<unsigned>(plan.gridY),
            static_cast<unsigned>(plan.kSplit));
  if (p.m == 1) {
    woGemv<T, BITS, FIELD><<<grid, kGemvWarps * kWarpSize, 0, stream>>>(p);
  } else {
    bool grouped = p.groups > 1;
    auto go = [&](auto kernel, int smem) {
      cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                           smem);
      kernel<<<grid, kMmaWarps * kWarpSize, smem, stream>>>(p);
    };
    if (plan.mt == 1)
      grouped ? go(woGemmMma<T, BITS, FIELD, 1, true>, mmaSmemBytes<1>())
              : go(woGemmMma<T, BITS, FIELD, 1, false>, mmaSmemBytes<1>());
    else
      grouped ? go(woGemmMma<T, BITS, FIELD, 2, true>, mmaSmemBytes<2>())
              : go(woGemmMma<T, BITS, FIELD, 2, false>, mmaSmemBytes<2>());
  }
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess || !p.partial)
    return err;
  int64_t total = p.m * p.n;
  reducePartials<T><<<static_cast<unsigned>(ceilDiv(total, 256)), 256, 0,
                      stream>>>(p.partial, plan.kSplit, p.m, p.n, p.nPad,
                                p.bias, static_cast<T *>(p.y), p.ldy);
  return cudaGetLastError();
}

template <typename T>
cudaError_t dispatchWo(cudaStream_t stream, const Plan &plan, const WoParams &p,
                       int bits, int field) {
  if (field == QOPT_CUDA_FIELD_INT) {
    if (bits == 8)
      return launchWo<T, 8, QOPT_CUDA_FIELD_INT>(stream, plan, p);
    if (bits == 4)
      return launchWo<T, 4, QOPT_CUDA_FIELD_INT>(stream, plan, p);
    return launchWo<T, 2, QOPT_CUDA_FIELD_INT>(stream, plan, p);
  }
  if (field == QOPT_CUDA_FIELD_E4M3)
    return launchWo<T, 8, QOPT_CUDA_FIELD_E4M3>(stream, plan, p);
  if (bits == 8)
    return launchWo<T, 8, QOPT_CUDA_FIELD_CODEBOOK>(stream, plan, p);
  return launchWo<T, 4, QOPT_CUDA_FIELD_CODEBOOK>(stream, plan, p);
}

bool validWo(const qopt_cuda_wo_weight *w) {
  if (!w || w->n <= 0 || w->k <= 0 || !w->data || !w->scales)
    return false;
  if (w->bits != 8 && w->bits != 4 && w->bits != 2)
    return false;
  if (w->field == QOPT_CUDA_FIELD_E4M3 && w->bits != 8)
    return false;
  if (w->field == QOPT_CUDA_FIELD_CODEBOOK && (w->bits == 2 || !w->table))
    return false;
  if (w->field < 0 || w->field > QOPT_CUDA_FIELD_CODEBOOK)
    return false;
  int64_t groups = numGroups(w->k, w->group);
  return groups == 1 || effectiveGroup(w->k, w->group) % kF16BlockK == 0;
}

} // namespace
} // namespace qopt::cuda

using namespace qopt::cuda;

extern "C" size_t qopt_cuda_wo_gemm_workspace_bytes(int64_t m,
                                                    const qopt_cuda_wo_weight *w) {
  if (m <= 0 || !validWo(w))
    return 0;
  Plan plan = planWo(m, *w);
  if (plan.kSplit == 1)
    return 0;
  return sizeof(float) * plan.kSplit * m * roundUp(w->n, kBlockN);
}

extern "C" int qopt_cuda_wo_gemm(void *stream, qopt_cuda_act act, int64_t m,
                                 const void *x, int64_t ldx,
                                 const qopt_cuda_wo_weight *w, const float *bias,
                                 void *y, int64_t ldy, void *workspace,
                                 size_t workspaceBytes) {
  if (m <= 0 || !x || !y || !validWo(w) || ldx < w->k || ldy < w->n ||
      (m > 1 && (ldx % 8 != 0 || reinterpret_cast<uintptr_t>(x) % 16 != 0)) ||
      reinterpret_cast<uintptr_t>(x) % 4 != 0 ||
      (act != QOPT_CUDA_F16 && act != QOPT_CUDA_BF16))
    return QOPT_CUDA_EINVAL;
  Plan plan = planWo(m, *w);
  size_t need = qopt_cuda_wo_gemm_workspace_bytes(m, w);
  if (need > 0 && (workspaceBytes < need || !workspace))
    return QOPT_CUDA_EWORKSPACE;
  WoParams p;
  p.m = m;
  p.n = w->n;
  p.k = w->k;
  p.nPad = roundUp(w->n, kBlockN);
  p.kBlocks = roundUp(w->k, kF16BlockK) / kF16BlockK;
  p.group = effectiveGroup(w->k, w->group);
  p.groups = numGroups(w->k, w->group);
  // Per channel: one group that covers the padded K too.
  if (p.groups == 1)
    p.group = p.kBlocks * kF16BlockK;
  p.x = x;
  p.ldx = ldx;
  p.w = w->data;
  p.scales = w->scales;
  p.zeroConsts = w->zero_consts;
  p.table = w->table;
  p.bias = bias;
  p.y = y;
  p.ldy = ldy;
  p.partial = need > 0 ? static_cast<float *>(workspace) : nullptr;
  p.kSplit = plan.kSplit;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  cudaError_t err = act == QOPT_CUDA_F16
                        ? dispatchWo<__half>(s, plan, p, w->bits, w->field)
                        : dispatchWo<__nv_bfloat16>(s, plan, p, w->bits, w->field);
  return err == cudaSuccess ? QOPT_CUDA_OK : QOPT_CUDA_ELAUNCH;
}
