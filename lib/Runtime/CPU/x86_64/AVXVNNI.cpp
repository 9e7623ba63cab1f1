//===- AVXVNNI.cpp - AVX-VNNI kernels (256-bit vpdpbusd) ---------------------===//
//
// For CPUs with the VEX-encoded VNNI instructions but no AVX-512 (Alder
// Lake and later client cores, Zen 5): the integer path multiplies the
// unsigned weight form (u8) by int8 activations with 256-bit vpdpbusd, 4 x
// 3 output tiles, and takes the GEMV tiles (Gemv.h) for int4 and int8
// weights; the weight-only path and quantization are the AVX2 ones
// (Avx2Common.h). Built with -mavx2 -mfma -mavxvnni; called only when the
// CPU has them.
//
//===----------------------------------------------------------------------===//

#include "Avx2Common.h"
#include "Depthwise.h"
#include "GemmF32.h"

#include <cstring>

namespace {

#ifdef QOPT_RUNTIME_EMULATE_AVX_VNNI
// Test builds on CPUs without AVX-VNNI (test/unittests/Runtime): vpdpbusd
// emulated exactly with AVX2. The lanes come out in another order, which
// the callers cannot see: they only ever sum all lanes of an accumulator.
static inline __m256i dpbusd(__m256i acc, __m256i u, __m256i x) {
  __m256i lo = _mm256_madd_epi16(
      _mm256_cvtepu8_epi16(_mm256_castsi256_si128(u)),
      _mm256_cvtepi8_epi16(_mm256_castsi256_si128(x)));
  __m256i hi = _mm256_madd_epi16(
      _mm256_cvtepu8_epi16(_mm256_extracti128_si256(u, 1)),
      _mm256_cvtepi8_epi16(_mm256_extracti128_si256(x, 1)));
  return _mm256_add_epi32(acc, _mm256_hadd_epi32(lo, hi));
}
#else
static inline __m256i dpbusd(__m256i acc, __m256i u, __m256i x) {
  return _mm256_dpbusd_avx_epi32(acc, u, x);
}
#endif

struct AvxVnniPolicy : Avx2FloatPath {
  using XS8 = int8_t;
  using US8 = uint8_t;
  static constexpr int kGroupQuantum = 32;
  static constexpr int kMT = 4, kNT = 3;
  static constexpr bool kInt16Pairs = false;
  static constexpr int kGemvMaxBits = 8;

  static __m256i dotAcc(__m256i acc, __m256i u, __m256i x) {
    return dpbusd(acc, u, x);
  }

  static void prepareX(const int8_t *x, int64_t padded, int8_t *dst) {
    std::memcpy(dst, x, size_t(padded));
  }
  static void prepareU(const uint8_t *block, uint8_t *dst) {
    std::memcpy(dst, block, kBlock);
  }

  template <int TM, int TN>
  static void dotS8(const int8_t *xs, const uint8_t *us, int64_t stride,
                    int64_t begin, int64_t end, int64_t *out) {
    dotTile<TM, TN, kNT, 32>(xs, us, stride, begin, end, out,
                             [](__m256i acc, __m256i x, __m256i u) {
                               return dpbusd(acc, u, x);
                             });
  }
};

} // namespace

#ifdef QOPT_RUNTIME_EMULATE_AVX_VNNI
const KernelTable *avxVnniEmulatedKernels() {
#else
const KernelTable *qopt_rt::avxVnniKernels() {
#endif
  static const KernelTable table = {
      quantizeS8,       matmulS8WithGemv<AvxVnniPolicy>,
      matmulF32Driver<AvxVnniPolicy>, requantizeS8Scalar,
      matmulF32LutAvx2, depthwiseS8Avx2,
      depthwiseF32Avx2,
      matmulS8AccDriver<AvxVnniPolicy>, depthwiseS8AccAvx2,
      matmulF32F32Avx2, depthwiseF32F32Avx2};
  return &table;
}
