//===- AVX2.cpp - AVX2 + FMA kernels -----------------------------------------===//
//
// Integer path: activations and unsigned weights widened to int16 once per
// call / block, then vpmaddwd (exact: |x * u| <= 128 * 255, pairs fit in
// int32), 4 x 3 output tiles (12 accumulators, 3 weight and 1 activation
// registers); for int4 GEMV, 8-row tiles from the packed bytes with
// vpmaddubsw + vpmaddwd (Gemv.h). Weight-only path: 8-wide float FMAs, two
// partial sums per row. Built with -mavx2 -mfma; called only when the CPU
// has them.
//
//===----------------------------------------------------------------------===//

#include "Avx2Common.h"
#include "Depthwise.h"
#include "GemmF32.h"

namespace {

struct Avx2Policy : Avx2FloatPath {
  using XS8 = int16_t;
  using US8 = int16_t;
  static constexpr int kGroupQuantum = 16;
  static constexpr int kMT = 4, kNT = 3;
  // vpmaddubsw pairs of u * x fit in int16 for u <= 15 (int4), not for
  // int8's u <= 255: int8 weights stay on the int16 tiles.
  static constexpr bool kInt16Pairs = true;
  static constexpr int kGemvMaxBits = 4;

  static __m256i dotAcc(__m256i acc, __m256i u, __m256i x) {
    return _mm256_add_epi32(
        acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, x),
                               _mm256_set1_epi16(1)));
  }

  static void prepareX(const int8_t *x, int64_t padded, int16_t *dst) {
    for (int64_t c = 0; c < padded; c += 16)
      _mm256_storeu_si256(
          reinterpret_cast<__m256i *>(dst + c),
          _mm256_cvtepi8_epi16(
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(x + c))));
  }
  static void prepareU(const uint8_t *block, int16_t *dst) {
    for (int c = 0; c < kBlock; c += 16)
      _mm256_storeu_si256(
          reinterpret_cast<__m256i *>(dst + c),
          _mm256_cvtepu8_epi16(
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(block + c))));
  }

  template <int TM, int TN>
  static void dotS8(const int16_t *xs, const int16_t *us, int64_t stride,
                    int64_t begin, int64_t end, int64_t *out) {
    dotTile<TM, TN, kNT, 16>(xs, us, stride, begin, end, out,
                             [](__m256i acc, __m256i x, __m256i u) {
                               return _mm256_add_epi32(
                                   acc, _mm256_madd_epi16(x, u));
                             });
  }
};

} // namespace

const KernelTable *qopt_rt::avx2Kernels() {
  static const KernelTable table = {
      quantizeS8,       matmulS8WithGemv<Avx2Policy>,
      matmulF32Driver<Avx2Policy>, requantizeS8Scalar,
      matmulF32LutAvx2, depthwiseS8Avx2,
      depthwiseF32Avx2,
      matmulS8AccDriver<Avx2Policy>, depthwiseS8AccAvx2,
      matmulF32F32Avx2, depthwiseF32F32Avx2};
  return &table;
}
