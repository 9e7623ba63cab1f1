//===- AvxVnniEmulationTest.cpp - The AVX-VNNI variant on AVX2 machines ---===//
//
// The avx-vnni variant runs only where the CPU has AVX-VNNI. Its code is
// compiled here a second time with vpdpbusd emulated exactly in AVX2
// (QOPT_RUNTIME_EMULATE_AVX_VNNI), so the tiling, GEMV tiles and epilogues
// around the instruction are checked bit for bit against the portable
// kernels on any AVX2 machine.
//
//===----------------------------------------------------------------------===//

#define QOPT_RUNTIME_EMULATE_AVX_VNNI 1
#include "../../../lib/Runtime/CPU/x86_64/AVXVNNI.cpp"

#include "gtest/gtest.h"

#include <random>

namespace {

TEST(AvxVnniEmulation, IntegerMatmulMatchesPortable) {
  if (!qopt_rt_isa_supported(QOPT_RT_ISA_AVX2))
    GTEST_SKIP() << "the emulation needs AVX2";
  const qopt_rt::KernelTable &emulated = *avxVnniEmulatedKernels();
  std::mt19937 rng(11);
  int checked = 0;
  for (int32_t bits : {8, 4, 2})
    for (int64_t k : {7, 64, 100, 300, 1000})
      for (int32_t gs : {0, 32, 64, 96, 48})
        for (int32_t zx : {0, -128, 17})
          for (int64_t m : {1, 3, 9}) {
            if (gs > k + 64)
              continue;
            bool asym = (k + gs + m) % 2 == 1;
            int64_t n = 8 + (k + gs + m) % 19;
            std::uniform_int_distribution<int> qv(-(1 << (bits - 1)),
                                                  (1 << (bits - 1)) - 1);
            std::uniform_int_distribution<int> xv(-128, 127);
            std::vector<int8_t> q(static_cast<size_t>(n * k)), x(static_cast<size_t>(m * k));
            for (int8_t &v : q)
              v = int8_t(qv(rng));
            for (int8_t &v : x)
              v = int8_t(xv(rng));
            int64_t groups = qopt_rt_num_groups(k, gs);
            std::vector<float> scales(static_cast<size_t>(n * groups)), bias(static_cast<size_t>(n));
            std::vector<int8_t> zps(static_cast<size_t>(n * groups)), pad(static_cast<size_t>(n));
            for (size_t i = 0; i < scales.size(); ++i) {
              scales[i] = 0.001f * float(1 + xv(rng) % 50 + 60);
              zps[i] = int8_t(qv(rng));
            }
            for (int64_t r = 0; r < n; ++r) {
              bias[r] = float(xv(rng)) / 9.0f;
              pad[r] = asym ? zps[r * groups + groups - 1] : 0;
            }
            std::vector<uint8_t> packed(size_t(n * qopt_rt_row_bytes(k, bits)));
            qopt_rt_pack(q.data(), n, k, bits, pad.data(), packed.data());
            qopt_rt_weight w{n,
                             k,
                             bits,
                             gs,
                             packed.data(),
                             scales.data(),
                             asym ? zps.data() : nullptr};
            std::vector<float> expected(static_cast<size_t>(m * n)), y(static_cast<size_t>(m * n));
            qopt_rt_matmul_s8(QOPT_RT_ISA_PORTABLE, m, x.data(), k, 0.043f, zx,
                              &w, bias.data(), expected.data(), n, 0, n);
            emulated.matmulS8(m, x.data(), k, 0.043f, zx, &w, bias.data(),
                              y.data(), n, 0, n);
            for (size_t i = 0; i < y.size(); ++i)
              ASSERT_EQ(std::memcmp(&y[i], &expected[i], 4), 0)
                  << "m=" << m << " n=" << n << " k=" << k << " bits=" << bits
                  << " group=" << gs << " asym=" << asym << " zx=" << zx
                  << " at " << i << ": " << y[i] << " vs " << expected[i];
            ++checked;
          }
  EXPECT_GT(checked, 500);
}

TEST(AvxVnniEmulation, WeightOnlyMatchesPortableToRounding) {
  if (!qopt_rt_isa_supported(QOPT_RT_ISA_AVX2))
    GTEST_SKIP() << "the emulation needs AVX2";
  const qopt_rt::KernelTable &emulated = *avxVnniEmulatedKernels();
  std::mt19937 rng(12);
  std::normal_distribution<float> xd;
  for (int64_t k : {7, 100, 300}) {
    int64_t m = 3, n = 11;
    std::vector<int8_t> q(size_t(n * k));
    for (int8_t &v : q)
      v = int8_t(int(rng() % 16) - 8);
    std::vector<uint8_t> packed(size_t(n * qopt_rt_row_bytes(k, 4)));
    qopt_rt_pack(q.data(), n, k, 4, nullptr, packed.data());
    std::vector<float> scales(static_cast<size_t>(n), 0.02f), x(static_cast<size_t>(m * k));
    for (float &v : x)
      v = xd(rng);
    qopt_rt_weight w{n, k, 4, 0, packed.data(), scales.data(), nullptr};
    std::vector<float> expected(static_cast<size_t>(m * n)), y(static_cast<size_t>(m * n));
    qopt_rt_matmul_f32(QOPT_RT_ISA_PORTABLE, m, x.data(), k, &w, nullptr,
                       expected.data(), n, 0, n);
    emulated.matmulF32(m, x.data(), k, &w, nullptr, y.data(), n, 0, n);
    for (size_t i = 0; i < y.size(); ++i)
      EXPECT_NEAR(y[i], expected[i], 1e-4f * (1.0f + std::fabs(expected[i])));
  }
}

} // namespace
