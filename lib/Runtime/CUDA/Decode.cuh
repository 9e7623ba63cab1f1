//===- Decode.cuh - Packed weight fields to tensor-core operands -*- CUDA -*-===//
//
// A lane's B-fragment register for one pair of fields of the mma-f16 layout
// (qopt-runtime/cuda_layout.h), as f16x2 or bf16x2 bit patterns:
//   integer fields: (1024 + u) - (1024 + 2^(b-1) + z) = q - z, exact in half;
//   f8E4M3FN codes: cvt.rn.f16x2.e4m3x2 on sm_89+ (exact);
//   code books:     a half table in shared memory (exact for every
//                   minifloat format, all of which fit in half).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_CUDA_DECODE_CUH
#define QOPT_RUNTIME_CUDA_DECODE_CUH

#include "qopt-runtime/cuda.h"
#include "qopt-runtime/cuda_layout.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

namespace qopt::cuda {

__device__ __forceinline__ uint32_t asU32(__half2 h) {
  return *reinterpret_cast<uint32_t *>(&h);
}
__device__ __forceinline__ __half2 asHalf2(uint32_t u) {
  return *reinterpret_cast<__half2 *>(&u);
}

/// Pair `pair` (0 .. 15) of a lane's block words as f16x2 values.
template <int BITS, int FIELD>
__device__ __forceinline__ __half2 decodePair(const uint32_t *words, int pair,
                                              uint32_t zeroConst2,
                                              const uint16_t *table) {
  constexpr int kPairsPerWord = 16 / BITS;
  uint32_t word = words[pair / kPairsPerWord];
  int p = pair % kPairsPerWord;
  if constexpr (FIELD == QOPT_CUDA_FIELD_INT) {
    return __hsub2(asHalf2(magicPair(word, p, BITS)), asHalf2(zeroConst2));
  } else if constexpr (FIELD == QOPT_CUDA_FIELD_E4M3) {
    static_assert(BITS == 8, "f8E4M3FN codes are 8-bit fields");
    // Byte slots p and p + 2 hold the pair's two codes.
    uint32_t two = __byte_perm(word, 0, 0x4400 | ((p + 2) << 4) | p) & 0xffffu;
    __half2_raw raw = __nv_cvt_fp8x2_to_halfraw2(
        static_cast<__nv_fp8x2_storage_t>(two), __NV_E4M3);
    return *reinterpret_cast<__half2 *>(&raw);
  } else {
    constexpr uint32_t kMask = (1u << BITS) - 1u;
    uint32_t lo = (word >> (p * BITS)) & kMask;
    uint32_t hi = (word >> ((p + kPairsPerWord) * BITS)) & kMask;
    return asHalf2(static_cast<uint32_t>(table[lo]) |
                   (static_cast<uint32_t>(table[hi]) << 16));
  }
}

/// The operand bits for activation type T: f16 as is; bf16 converted,
/// exactly (q - z in [-255, 255] and every minifloat value have at most 8
/// significant bits, bf16's precision).
template <typename T> __device__ __forceinline__ uint32_t toOperand(__half2 h);
template <> __device__ __forceinline__ uint32_t toOperand<__half>(__half2 h) {
  return asU32(h);
}
template <>
__device__ __forceinline__ uint32_t toOperand<__nv_bfloat16>(__half2 h) {
  __nv_bfloat162 b = __float22bfloat162_rn(__half22float2(h));
  return *reinterpret_cast<uint32_t *>(&b);
}

template <typename T> __device__ __forceinline__ float2 toFloat2(uint32_t v);
template <> __device__ __forceinline__ float2 toFloat2<__half>(uint32_t v) {
  return __half22float2(asHalf2(v));
}
template <>
__device__ __forceinline__ float2 toFloat2<__nv_bfloat16>(uint32_t v) {
  return __bfloat1622float2(*reinterpret_cast<__nv_bfloat162 *>(&v));
}

template <typename T> __device__ __forceinline__ T fromFloat(float v);
template <> __device__ __forceinline__ __half fromFloat<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 fromFloat<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

} // namespace qopt::cuda

#endif // QOPT_RUNTIME_CUDA_DECODE_CUH
