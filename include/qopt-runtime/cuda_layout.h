//===- qopt-runtime/cuda_layout.h - The CUDA target's weight layouts ------===//
//
// The one definition of how the CUDA kernels (lib/Runtime/CUDA) read a
// quantized weight, as `__host__ __device__` functions: the compile-time
// repacking (packMma*), the host tests (test/unittests/Runtime/CUDA) and
// the kernels all call these, so a host emulation of one warp checks the
// layout the device consumes. Compiles as plain C++17 (g++) and as CUDA.
//
// Tensor-core fragments (PTX ISA, "Matrix Fragments for mma.m16n8k16" with
// .f16/.bf16 and "for mma.m16n8k32" with .s8): lane = 4 * group + t,
// group = lane / 4 (0..7), t = lane % 4 (0..3).
//
// The weight is N rows (output channels) of K elements (the reduction
// axis), the logical layout of docs/Semantics.md. As the B operand of
// C[M][N] = A[M][K] * B[K][N], B[k][n] = W[n][k] ("col" layout).
//
// Layout "mma-f16" (weight-only, integer fields of 8/4/2 bits or 8/4-bit
// minifloat codes): N padded to 64, K to 16; the weight is cut into
// blocks of 16 (k) x 64 (n), block (nb, kb) at index nb * KB + kb. In a
// block each lane holds the B fragments of 8 consecutive n-tiles of 8
// columns: 8 tiles x 4 elements = 32 fields = `bits` 32-bit words, stored
// contiguously per lane (a warp reads 32 * bits * 4 contiguous bytes).
// Field e of a lane: pair P = e / 2 (tile P / 2, register P % 2), half
// h = e % 2, i.e. fragment element 2 * (P % 2) + h. Inside a word of F =
// 32 / bits fields, pair p (of F / 2) keeps its first element in field
// slot p and its second in slot p + F / 2, so one mask (and one shift per
// pair) puts both into the two halves of a half2 at once (Marlin's
// "magic number" decode: 0x6400 | u is the half 1024 + u).
// Integer fields are stored biased, u = q + 2^(bits-1) (0 .. 2^bits - 1);
// code-book fields are the code. Padding fields hold the group's zero
// point (u = 2^(bits-1) + z, contributing 0), padding rows scale 0.
//
// Layout "mma-s8" (integer path, int8 weights): N padded to 64, K to 32;
// blocks of 32 (k) x 64 (n); a lane holds 8 tiles x 2 registers x 4 int8
// = 16 words, word 2 * tile + r, byte i = fragment element 4 * r + i.
//
// Per-group data (scales, zero points, sums) is [groups][Npad], groups
// along K of `group` elements (the last one may be ragged) or one group
// per channel.
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_CUDA_LAYOUT_H
#define QOPT_RUNTIME_CUDA_LAYOUT_H

#include <stdint.h>
#include <string.h>

#if defined(__CUDACC__)
#define QOPT_HD __host__ __device__ __forceinline__
#else
#define QOPT_HD inline
#endif

namespace qopt::cuda {

constexpr int kWarpSize = 32;
/// Columns per fragment block (8 mma n-tiles of 8).
constexpr int kBlockN = 64;
/// K per fragment block: m16n8k16 (f16/bf16) and m16n8k32 (s8).
constexpr int kF16BlockK = 16;
constexpr int kS8BlockK = 32;

struct RowCol {
  int row, col;
};

/// Element i (0..7) of lane's A fragment of m16n8k16 (16 x 16, row-major).
QOPT_HD RowCol f16AElement(int lane, int i) {
  return {(lane >> 2) + 8 * ((i >> 1) & 1), (lane & 3) * 2 + (i & 1) + 8 * (i >> 2)};
}
/// Element i (0..3) of lane's B fragment of m16n8k16: row = k, col = n.
QOPT_HD RowCol f16BElement(int lane, int i) {
  return {(lane & 3) * 2 + (i & 1) + 8 * (i >> 1), lane >> 2};
}
/// Element i (0..3) of lane's C/D fragment (16 x 8, f32 or s32), both
/// shapes.
QOPT_HD RowCol accElement(int lane, int i) {
  return {(lane >> 2) + 8 * (i >> 1), (lane & 3) * 2 + (i & 1)};
}
/// Element i (0..15) of lane's A fragment of m16n8k32 .s8 (16 x 32).
QOPT_HD RowCol s8AElement(int lane, int i) {
  return {(lane >> 2) + 8 * ((i >> 2) & 1), (lane & 3) * 4 + (i & 3) + 16 * (i >> 3)};
}
/// Element i (0..7) of lane's B fragment of m16n8k32 .s8: row = k, col = n.
QOPT_HD RowCol s8BElement(int lane, int i) {
  return {(lane & 3) * 4 + (i & 3) + 16 * (i >> 2), lane >> 2};
}

QOPT_HD int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
QOPT_HD int64_t ceilDiv(int64_t v, int64_t m) { return (v + m - 1) / m; }
QOPT_HD int64_t minI64(int64_t a, int64_t b) { return a < b ? a : b; }

/// Groups along K: one per channel (group 0 or >= K), else ceil(K / group).
QOPT_HD int64_t numGroups(int64_t k, int64_t group) {
  return group <= 0 || group >= k ? 1 : ceilDiv(k, group);
}
/// The group size the kernels use (K for per channel).
QOPT_HD int64_t effectiveGroup(int64_t k, int64_t group) {
  return group <= 0 || group >= k ? k : group;
}

//===-- mma-f16 ------------------------------------------------------------===//

/// 32-bit words of one lane in one block.
QOPT_HD int mmaF16WordsPerLane(int bits) { return bits; }

/// Where field e (0..31) of a lane's block lives: word and bit offset.
struct FieldPos {
  int word, shift;
};
QOPT_HD FieldPos mmaF16FieldPos(int bits, int e) {
  int pairsPerWord = 16 / bits, pair = e >> 1, half = e & 1;
  int p = pair % pairsPerWord;
  int slot = half == 0 ? p : p + pairsPerWord;
  return {pair / pairsPerWord, slot * bits};
}
/// The (k, n) inside its block of field e of `lane`.
QOPT_HD RowCol mmaF16FieldElement(int lane, int e) {
  int pair = e >> 1, tile = pair >> 1, reg = pair & 1;
  RowCol rc = f16BElement(lane, 2 * reg + (e & 1));
  return {rc.row, tile * 8 + rc.col};
}
/// Index (in words) of lane's first word of block (nb, kb).
QOPT_HD int64_t mmaF16WordIndex(int64_t nb, int64_t kb, int64_t kBlocks,
                                int lane, int bits) {
  return ((nb * kBlocks + kb) * kWarpSize + lane) * bits;
}
/// Words of a packed weight.
QOPT_HD int64_t mmaF16Words(int64_t n, int64_t k, int bits) {
  return roundUp(n, kBlockN) / kBlockN * (roundUp(k, kF16BlockK) / kF16BlockK) *
         kWarpSize * bits;
}

/// Pair p of a word as the bit pattern of a half2 (1024 + u_lo, 1024 + u_hi)
/// for integer fields (bits 8, 4, 2).
QOPT_HD uint32_t magicPair(uint32_t word, int p, int bits) {
  uint32_t mask = ((1u << bits) - 1u) * 0x00010001u;
  return ((word >> (p * bits)) & mask) | 0x64006400u;
}
/// The half bit pattern of the integer 1024 + u, u in [0, 1024).
QOPT_HD uint16_t halfBitsOf1024Plus(int u) { return (uint16_t)(0x6400 | u); }
/// A stored field's zero-point constant: the half 1024 + 2^(bits-1) + z,
/// which (1024 + u) - it = q - z exactly.
QOPT_HD uint16_t zeroConstantBits(int bits, int z) {
  return halfBitsOf1024Plus((1 << (bits - 1)) + z);
}

/// Field value (unsigned, `bits` wide) of a lane's block, host or device.
QOPT_HD uint32_t mmaF16Field(const uint32_t *laneWords, int bits, int e) {
  FieldPos pos = mmaF16FieldPos(bits, e);
  return (laneWords[pos.word] >> pos.shift) & ((1u << bits) - 1u);
}

/// Writes the mma-f16 words (`mmaF16Words(n, k, bits)`, zeroed here) of
/// the logical weight `q` [n][k]: signed storage values (stored biased) or,
/// with `isCode`, unsigned codes. K-padding fields hold the group's zero
/// point (`zeroPoints` [n][groups], or null for 0), N-padding fields 0.
/// Returns false when a value does not fit `bits`. Host code (the
/// compile-time repacking and qopt_cuda_pack_weight_only).
template <class ZeroPoint>
inline bool packMmaF16Data(const int8_t *q, int64_t n, int64_t k, int bits,
                           bool isCode, int64_t group,
                           const ZeroPoint *zeroPoints, uint32_t *data) {
  int64_t g = effectiveGroup(k, group), groups = numGroups(k, group);
  int64_t nBlocks = roundUp(n, kBlockN) / kBlockN;
  int64_t kBlocks = roundUp(k, kF16BlockK) / kF16BlockK;
  int bias = isCode ? 0 : 1 << (bits - 1);
  int lo = isCode ? 0 : -(1 << (bits - 1));
  int hi = isCode ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
  memset(data, 0, sizeof(uint32_t) * mmaF16Words(n, k, bits));
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t kb = 0; kb < kBlocks; ++kb)
      for (int lane = 0; lane < kWarpSize; ++lane) {
        uint32_t *words = data + mmaF16WordIndex(nb, kb, kBlocks, lane, bits);
        for (int e = 0; e < 32; ++e) {
          RowCol rc = mmaF16FieldElement(lane, e);
          int64_t kk = kb * kF16BlockK + rc.row, nn = nb * kBlockN + rc.col;
          int value = 0; // N padding: its scale is 0
          if (nn < n) {
            int64_t gi = minI64(kk, k - 1) / g;
            int z = zeroPoints ? (int)zeroPoints[nn * groups + gi] : 0;
            if (kk >= k) {
              value = z; // K padding: q - z = 0 (code 0 = +0.0 for codes)
            } else {
              value = isCode ? (int)(uint8_t)q[nn * k + kk] : q[nn * k + kk];
              if (value < lo || value > hi)
                return false;
            }
          }
          FieldPos pos = mmaF16FieldPos(bits, e);
          words[pos.word] |= (uint32_t)(value + bias) << pos.shift;
        }
      }
  return true;
}

/// The logical weight [n][k] (signed storage, or codes as int8 bytes) of
/// mma-f16 `data`: the inverse of packMmaF16Data on the real fields.
inline void unpackMmaF16Data(const uint32_t *data, int64_t n, int64_t k,
                             int bits, bool isCode, int8_t *q) {
  int64_t nBlocks = roundUp(n, kBlockN) / kBlockN;
  int64_t kBlocks = roundUp(k, kF16BlockK) / kF16BlockK;
  int bias = isCode ? 0 : 1 << (bits - 1);
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t kb = 0; kb < kBlocks; ++kb)
      for (int lane = 0; lane < kWarpSize; ++lane) {
        const uint32_t *words =
            data + mmaF16WordIndex(nb, kb, kBlocks, lane, bits);
        for (int e = 0; e < 32; ++e) {
          RowCol rc = mmaF16FieldElement(lane, e);
          int64_t kk = kb * kF16BlockK + rc.row, nn = nb * kBlockN + rc.col;
          if (nn < n && kk < k)
            q[nn * k + kk] = (int8_t)((int)mmaF16Field(words, bits, e) - bias);
        }
      }
}

//===-- mma-s8 -------------------------------------------------------------===//

constexpr int kS8WordsPerLane = 16;
/// The (k, n) inside its block of byte b (0..63) of `lane`.
QOPT_HD RowCol mmaS8ByteElement(int lane, int b) {
  int word = b >> 2, tile = word >> 1, reg = word & 1;
  RowCol rc = s8BElement(lane, 4 * reg + (b & 3));
  return {rc.row, tile * 8 + rc.col};
}
QOPT_HD int64_t mmaS8WordIndex(int64_t nb, int64_t kb, int64_t kBlocks,
                               int lane) {
  return ((nb * kBlocks + kb) * kWarpSize + lane) * kS8WordsPerLane;
}
QOPT_HD int64_t mmaS8Words(int64_t n, int64_t k) {
  return roundUp(n, kBlockN) / kBlockN * (roundUp(k, kS8BlockK) / kS8BlockK) *
         kWarpSize * kS8WordsPerLane;
}

/// Writes the mma-s8 words (`mmaS8Words(n, k)`, zeroed here) of the
/// logical int8 weight `q` [n][k]; padding is 0 (its activation is
/// zero-filled, and the corrections use the real group length).
inline void packMmaS8Data(const int8_t *q, int64_t n, int64_t k,
                          uint32_t *data) {
  int64_t nBlocks = roundUp(n, kBlockN) / kBlockN;
  int64_t kBlocks = roundUp(k, kS8BlockK) / kS8BlockK;
  memset(data, 0, sizeof(uint32_t) * mmaS8Words(n, k));
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t kb = 0; kb < kBlocks; ++kb)
      for (int lane = 0; lane < kWarpSize; ++lane) {
        uint32_t *words = data + mmaS8WordIndex(nb, kb, kBlocks, lane);
        for (int b = 0; b < 64; ++b) {
          RowCol rc = mmaS8ByteElement(lane, b);
          int64_t kk = kb * kS8BlockK + rc.row, nn = nb * kBlockN + rc.col;
          int8_t value = nn < n && kk < k ? q[nn * k + kk] : 0;
          words[b >> 2] |= (uint32_t)(uint8_t)value << (8 * (b & 3));
        }
      }
}

/// The logical weight [n][k] of mma-s8 `data` (inverse of packMmaS8Data).
inline void unpackMmaS8Data(const uint32_t *data, int64_t n, int64_t k,
                            int8_t *q) {
  int64_t nBlocks = roundUp(n, kBlockN) / kBlockN;
  int64_t kBlocks = roundUp(k, kS8BlockK) / kS8BlockK;
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t kb = 0; kb < kBlocks; ++kb)
      for (int lane = 0; lane < kWarpSize; ++lane) {
        const uint32_t *words = data + mmaS8WordIndex(nb, kb, kBlocks, lane);
        for (int b = 0; b < 64; ++b) {
          RowCol rc = mmaS8ByteElement(lane, b);
          int64_t kk = kb * kS8BlockK + rc.row, nn = nb * kBlockN + rc.col;
          if (nn < n && kk < k)
            q[nn * k + kk] = (int8_t)(uint8_t)(words[b >> 2] >> (8 * (b & 3)));
        }
      }
}

//===-- Epilogues ----------------------------------------------------------===//

/// The integer path's exact group accumulator from the raw Σ x·q of a
/// group of `len` elements (docs/Semantics.md):
///   Σ (x - zx)(q - zq) = Σxq - zq Σx - zx Σq + len zx zq.
QOPT_HD int32_t correctGroupAcc(int32_t sumXQ, int32_t sumX, int32_t sumQ,
                                int32_t zx, int32_t zq, int32_t len) {
  return sumXQ - zq * sumX - zx * sumQ + len * zx * zq;
}

/// One group of the integer path's float epilogue, without contraction:
/// y = float32(y + float32(float32(acc) * combinedScale)), where
/// combinedScale = float32(x_scale * scale[n][g]).
#if defined(__CUDA_ARCH__)
__device__ __forceinline__ float epilogueStep(float y, int32_t acc,
                                              float combinedScale) {
  return __fadd_rn(y, __fmul_rn((float)acc, combinedScale));
}
#else
inline float epilogueStep(float y, int32_t acc, float combinedScale) {
  volatile float product = (float)acc * combinedScale;
  return y + product;
}
#endif

//===-- Half precision on the host -----------------------------------------===//

/// float -> IEEE half bits, round to nearest even (host reference for
/// __float2half_rn).
inline uint16_t floatToHalfBits(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx > 0x7f800000u) // NaN
    return (uint16_t)(sign | 0x7e00u);
  if (absx >= 0x477ff000u) // rounds to >= 65520: infinity
    return (uint16_t)(sign | 0x7c00u);
  if (absx < 0x38800000u) { // below the smallest normal half: subnormal
    float a;
    memcpy(&a, &absx, 4);
    // a * 2^24 rounded to nearest even is the subnormal's mantissa.
    float scaled = a * 16777216.0f;
    uint32_t m = (uint32_t)scaled;
    float rem = scaled - (float)m;
    if (rem > 0.5f || (rem == 0.5f && (m & 1u)))
      ++m;
    return (uint16_t)(sign | m);
  }
  uint32_t mant = absx & 0x7fffffu, exp = (absx >> 23) - 127 + 15;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
    ++h;
  return (uint16_t)(sign | h);
}

/// IEEE half bits -> float (exact).
inline float halfBitsToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, x;
  if (exp == 0) {
    float v = (float)mant / 16777216.0f;
    memcpy(&x, &v, 4);
    x |= sign;
  } else if (exp == 31) {
    x = sign | 0x7f800000u | (mant << 13);
  } else {
    x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  memcpy(&f, &x, 4);
  return f;
}

/// float -> bfloat16 bits, round to nearest even.
inline uint16_t floatToBFloat16Bits(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t)((x >> 16) | 0x40u);
  uint32_t lsb = (x >> 16) & 1u;
  return (uint16_t)((x + 0x7fffu + lsb) >> 16);
}
inline float bfloat16BitsToFloat(uint16_t b) {
  uint32_t x = (uint32_t)b << 16;
  float f;
  memcpy(&f, &x, 4);
  return f;
}

/// f8E4M3FN code -> float (exact; S.1111.111 is NaN).
inline float e4m3ToFloat(uint8_t code) {
  int sign = code >> 7, exp = (code >> 3) & 0xf, mant = code & 7;
  float v;
  if (exp == 15 && mant == 7)
    v = __builtin_nanf("");
  else if (exp == 0)
    v = (float)mant / 512.0f; // 2^-6 * mant / 8
  else
    v = (1.0f + (float)mant / 8.0f) * __builtin_ldexpf(1.0f, exp - 7);
  return sign ? -v : v;
}

} // namespace qopt::cuda

#endif // QOPT_RUNTIME_CUDA_LAYOUT_H
