//===- Unpack.h - Packed-block decoding shared by the x86 variants -*- C++ -*-===//
//
// Decodes one 64-element packed block into its unsigned form u = q +
// 2^(bits-1) (one byte per element, in element order) with AVX2 integer
// instructions, which both x86 variants have. Included by translation units
// built with different ISA flags, so everything here has internal linkage.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_RUNTIME_CPU_X86_64_UNPACK_H
#define QOPT_LIB_RUNTIME_CPU_X86_64_UNPACK_H

#include <immintrin.h>
#include <cstdint>

namespace {

/// u = q + 2^(bits-1) for the 64 elements of the block at `src`.
static inline void unpackBlockU(const uint8_t *src, int32_t bits,
                                uint8_t *dst) {
  if (bits == 8) {
    const __m256i flip = _mm256_set1_epi8(char(0x80));
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(src));
    __m256i b =
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(src + 32));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst),
                        _mm256_xor_si256(a, flip));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst + 32),
                        _mm256_xor_si256(b, flip));
    return;
  }
  if (bits == 4) {
    const __m256i low = _mm256_set1_epi8(0x0F), flip = _mm256_set1_epi8(0x08);
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(src));
    __m256i lo = _mm256_and_si256(b, low);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(b, 4), low);
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst),
                        _mm256_xor_si256(lo, flip));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(dst + 32),
                        _mm256_xor_si256(hi, flip));
    return;
  }
  const __m128i mask = _mm_set1_epi8(0x03), flip = _mm_set1_epi8(0x02);
  __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src));
  for (int i = 0; i < 4; ++i) {
    __m128i f = _mm_and_si128(_mm_srli_epi16(b, 2 * i), mask);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + 16 * i),
                     _mm_xor_si128(f, flip));
  }
}

/// Sums of the four 16-byte chunks of an unpacked block.
static inline void chunkSums(const uint8_t *block, int64_t out[4]) {
  const __m256i zero = _mm256_setzero_si256();
  for (int h = 0; h < 2; ++h) {
    __m256i s = _mm256_sad_epu8(
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(block + 32 * h)),
        zero);
    alignas(32) int64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), s);
    out[2 * h] = lanes[0] + lanes[1];
    out[2 * h + 1] = lanes[2] + lanes[3];
  }
}

/// A row of x (int8) copied into `dst` and zero-padded to `padded`.
static inline void padRow(const int8_t *x, int64_t k, int64_t padded,
                          int8_t *dst) {
  for (int64_t c = 0; c < k; ++c)
    dst[c] = x[c];
  for (int64_t c = k; c < padded; ++c)
    dst[c] = 0;
}

} // namespace

#endif // QOPT_LIB_RUNTIME_CPU_X86_64_UNPACK_H
