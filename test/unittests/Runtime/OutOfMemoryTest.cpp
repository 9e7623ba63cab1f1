//===- OutOfMemoryTest.cpp - CPU kernels when memory runs out ---------------===//
//
// The kernels' C entry points return no status, so running out of scratch
// memory must neither throw through them (std::bad_alloc escaping an
// `extern "C"` function terminates the process) nor give a wrong answer:
// a variant without scratch memory computes the same result another way
// (lib/Runtime/CPU/Common.h, Scratch). Each check runs in a child process
// whose address space is capped a little above its current size, so every
// allocation of a scratch buffer (at least the 256 KiB of one padded
// activation row here) fails, and compares the outputs with those computed
// before the cap.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#include "IsaVariants.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#ifdef __linux__
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define QOPT_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||      \
    __has_feature(memory_sanitizer)
#define QOPT_TEST_SANITIZED 1
#endif
#endif

namespace {

/// Padded row width of 256 Ki elements: each kernel's scratch is at least
/// one such row.
constexpr int64_t kK = int64_t(1) << 18;
constexpr int64_t kN = 8;

struct Problem {
  int64_t m;
  int32_t bits, groupSize;
  std::vector<uint8_t> packed;
  std::vector<float> scales, bias, xf;
  std::vector<int8_t> zeroPoints, x;
  qopt_rt_weight weight;
};

Problem makeProblem(int64_t m, int32_t bits, int32_t groupSize,
                    unsigned seed) {
  std::mt19937 rng(seed);
  Problem p;
  p.m = m;
  p.bits = bits;
  p.groupSize = groupSize;
  int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  std::uniform_int_distribution<int> value(lo, hi), act(-128, 127);
  std::uniform_real_distribution<float> scale(0.001f, 0.01f), real(-1, 1);
  int64_t groups = qopt_rt_num_groups(kK, groupSize);
  std::vector<int8_t> q(size_t(kN * kK));
  for (int8_t &v : q)
    v = int8_t(value(rng));
  p.zeroPoints.resize(size_t(kN * groups));
  for (int8_t &z : p.zeroPoints)
    z = int8_t(value(rng));
  std::vector<int8_t> pad(static_cast<size_t>(kN));
  for (int64_t r = 0; r < kN; ++r)
    pad[r] = p.zeroPoints[r * groups + groups - 1];
  p.packed.resize(size_t(kN * qopt_rt_row_bytes(kK, bits)));
  qopt_rt_pack(q.data(), kN, kK, bits, pad.data(), p.packed.data());
  p.scales.resize(size_t(kN * groups));
  for (float &s : p.scales)
    s = scale(rng);
  p.bias.resize(size_t(kN));
  for (float &b : p.bias)
    b = real(rng);
  p.x.resize(size_t(m * kK));
  for (int8_t &v : p.x)
    v = int8_t(act(rng));
  p.xf.resize(size_t(m * kK));
  for (float &v : p.xf)
    v = real(rng);
  p.weight = {kN,           kK,
              bits,         groupSize,
              p.packed.data(), p.scales.data(),
              p.zeroPoints.data()};
  return p;
}

std::vector<float> runS8(qopt_rt_isa isa, const Problem &p) {
  std::vector<float> y(size_t(p.m * kN));
  qopt_rt_matmul_s8(isa, p.m, p.x.data(), kK, 0.05f, 3, &p.weight,
                    p.bias.data(), y.data(), kN, 0, kN);
  return y;
}

std::vector<float> runF32(qopt_rt_isa isa, const Problem &p) {
  std::vector<float> y(size_t(p.m * kN));
  qopt_rt_matmul_f32(isa, p.m, p.xf.data(), kK, &p.weight, p.bias.data(),
                     y.data(), kN, 0, kN);
  return y;
}

bool sameBits(const float *a, const std::vector<float> &b) {
  return std::memcmp(a, b.data(), b.size() * sizeof(float)) == 0;
}

#if defined(__linux__) && !defined(QOPT_TEST_SANITIZED)
/// In a child process: caps the address space at its current size plus
/// 64 KiB, so that no scratch buffer can be allocated.
void capAddressSpace() {
  malloc_trim(0);
  long pages = 0;
  if (FILE *f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld", &pages) != 1)
      pages = 0;
    std::fclose(f);
  }
  if (pages <= 0)
    _exit(3);
  struct rlimit limit;
  getrlimit(RLIMIT_AS, &limit);
  limit.rlim_cur = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE)) + 64 * 1024;
  if (setrlimit(RLIMIT_AS, &limit) != 0)
    _exit(4);
  // The cap works: a 256 KiB allocation fails.
  void *probe = std::malloc(256 * 1024);
  if (probe)
    _exit(5);
}
#else
void capAddressSpace() { _exit(6); }
#endif

class OutOfMemory : public ::testing::TestWithParam<qopt_rt_isa> {
protected:
  void SetUp() override {
#if !defined(__linux__) || defined(QOPT_TEST_SANITIZED)
    GTEST_SKIP() << "needs Linux address-space limits and no sanitizer";
#endif
    if (!qopt_rt_isa_supported(GetParam()))
      GTEST_SKIP() << qopt_rt_isa_name(GetParam())
                   << ": not supported by this CPU or build";
    GTEST_FLAG_SET(death_test_style, "fast");
#if defined(__linux__) && !defined(QOPT_TEST_SANITIZED)
    // Large blocks come from mmap and go back to the system when freed, so
    // no free heap space left by earlier problems can serve the kernels'
    // scratch under the cap.
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
#endif
  }
};

// The integer path is bit-identical across variants, so the result without
// scratch memory equals the portable kernel's with it: for few rows (the
// GEMV tiles of int4 and int8 weights) and for many (the tiled driver).
TEST_P(OutOfMemory, IntegerPathIsExactWithoutScratch) {
  for (auto [m, bits, groupSize] :
       {std::tuple{2, 4, 0}, std::tuple{3, 8, 64}, std::tuple{9, 4, 64},
        std::tuple{5, 2, 0}}) {
    Problem p = makeProblem(m, bits, groupSize, unsigned(m * 10 + bits));
    std::vector<float> expected = runS8(QOPT_RT_ISA_PORTABLE, p);
    std::vector<float> y(expected.size());
    EXPECT_EXIT(
        {
          capAddressSpace();
          qopt_rt_matmul_s8(GetParam(), p.m, p.x.data(), kK, 0.05f, 3,
                            &p.weight, p.bias.data(), y.data(), kN, 0, kN);
          _exit(sameBits(y.data(), expected) ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "")
        << qopt_rt_isa_name(GetParam()) << " m=" << m << " bits=" << bits
        << " group=" << groupSize;
  }
}

// The weight-only path without scratch memory gives the portable result
// (variants differ there by rounding only), or this variant's own if an
// allocation got through.
TEST_P(OutOfMemory, WeightOnlyPathIsCorrectWithoutScratch) {
  for (auto [m, bits, groupSize] :
       {std::tuple{1, 4, 32}, std::tuple{6, 8, 0}}) {
    Problem p = makeProblem(m, bits, groupSize, unsigned(m * 10 + bits));
    std::vector<float> portable = runF32(QOPT_RT_ISA_PORTABLE, p);
    std::vector<float> own = runF32(GetParam(), p);
    std::vector<float> y(portable.size());
    EXPECT_EXIT(
        {
          capAddressSpace();
          qopt_rt_matmul_f32(GetParam(), p.m, p.xf.data(), kK, &p.weight,
                             p.bias.data(), y.data(), kN, 0, kN);
          _exit(sameBits(y.data(), portable) || sameBits(y.data(), own) ? 0
                                                                        : 1);
        },
        ::testing::ExitedWithCode(0), "")
        << qopt_rt_isa_name(GetParam()) << " m=" << m << " bits=" << bits
        << " group=" << groupSize;
  }
}

// The flat entry points compiled models call forward to the same kernels.
TEST_P(OutOfMemory, CompiledModelEntryPointsWithoutScratch) {
  Problem p = makeProblem(4, 4, 0, 7);
  std::vector<float> expected = runS8(QOPT_RT_ISA_PORTABLE, p);
  std::vector<float> y(expected.size());
  EXPECT_EXIT(
      {
        capAddressSpace();
        qopt_rt_context context;
        context.isa = GetParam();
        context.pool = nullptr;
        qopt_rt_uk_matmul_s8(&context, p.x.data(), p.packed.data(),
                             p.scales.data(), p.zeroPoints.data(),
                             p.bias.data(), y.data(), p.m, kN, kK, p.bits,
                             p.groupSize,
                             QOPT_RT_UK_HAS_ZERO_POINTS | QOPT_RT_UK_HAS_BIAS,
                             0.05f, 3);
        _exit(sameBits(y.data(), expected) ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

INSTANTIATE_TEST_SUITE_P(Variants, OutOfMemory, qopt_test::allIsaVariants(),
                         qopt_test::isaVariantName);

} // namespace
