//===- FloatGemmTest.cpp - qopt_rt_matmul_f32f32 ----------------------------===//
//
// The float32 GEMM of compiled float layers, in every ISA variant the CPU
// supports, against a transcription of its definition in cpu.h (from 0,
// fused multiply-adds in ascending k, bias last): bit for bit, on ragged shapes
// (M not a multiple of the 6-row tile, N not a multiple of the 16-channel
// panel, K = 1), channel ranges that start inside the weight, and a K large
// enough that the panels are visited in several chunks. Variants the CPU
// lacks are skipped. Compiled with -ffp-contract=off, like the kernels.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#include "IsaVariants.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace {

class FloatGemm : public qopt_test::IsaVariantTest {};

TEST(FloatGemmPanels, PackingLayout) {
  // 17 x 3: two panels, the second holding one channel.
  std::vector<float> w(17 * 3);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = float(i + 1);
  ASSERT_EQ(qopt_rt_f32_panel_elements(17, 3), 2 * 16 * 3);
  std::vector<float> panels(size_t(qopt_rt_f32_panel_elements(17, 3)), -1.0f);
  qopt_rt_pack_f32_panels(w.data(), 17, 3, panels.data());
  for (int64_t n = 0; n < 32; ++n)
    for (int64_t k = 0; k < 3; ++k)
      EXPECT_EQ(panels[size_t(((n / 16) * 3 + k) * 16 + n % 16)],
                n < 17 ? w[size_t(n * 3 + k)] : 0.0f)
          << n << "," << k;
}

TEST_P(FloatGemm, MatchesDefinitionBitForBit) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  struct Shape {
    int64_t m, n, k;
  };
  const Shape shapes[] = {{1, 1, 1},    {1, 1000, 512}, {2, 15, 3},
                          {5, 16, 64},  {6, 17, 300},   {7, 40, 27},
                          {13, 100, 9}, {50, 33, 4608}, {3, 64, 1}};
  int checked = 0;
  for (const Shape &s : shapes)
    for (bool withBias : {false, true}) {
      std::vector<float> x(size_t(s.m * s.k)), w(size_t(s.n * s.k)),
          bias(size_t(s.n));
      for (float &v : x)
        v = value(rng);
      for (float &v : w)
        v = value(rng);
      for (float &v : bias)
        v = value(rng);
      std::vector<float> panels(size_t(qopt_rt_f32_panel_elements(s.n, s.k)));
      qopt_rt_pack_f32_panels(w.data(), s.n, s.k, panels.data());
      std::vector<float> want(size_t(s.m * s.n));
      for (int64_t r = 0; r < s.m; ++r)
        for (int64_t c = 0; c < s.n; ++c) {
          float sum = 0.0f;
          for (int64_t i = 0; i < s.k; ++i)
            sum = std::fmaf(x[size_t(r * s.k + i)], w[size_t(c * s.k + i)],
                            sum);
          want[size_t(r * s.n + c)] = withBias ? sum + bias[size_t(c)] : sum;
        }
      const float *b = withBias ? bias.data() : nullptr;
      // The whole range, and two ranges meeting at a panel boundary.
      std::vector<float> got(want.size(), -7.0f), split(want.size(), -7.0f);
      qopt_rt_matmul_f32f32(GetParam(), s.m, x.data(), s.k, panels.data(),
                            s.n, s.k, b, got.data(), s.n, 0, s.n);
      int64_t cut = std::min<int64_t>(s.n, 16);
      qopt_rt_matmul_f32f32(GetParam(), s.m, x.data(), s.k, panels.data(),
                            s.n, s.k, b, split.data(), s.n, 0, cut);
      qopt_rt_matmul_f32f32(GetParam(), s.m, x.data(), s.k, panels.data(),
                            s.n, s.k, b, split.data(), s.n, cut, s.n);
      EXPECT_EQ(std::memcmp(got.data(), want.data(), want.size() * 4), 0)
          << qopt_rt_isa_name(GetParam()) << " m=" << s.m << " n=" << s.n
          << " k=" << s.k << " bias=" << withBias;
      EXPECT_EQ(std::memcmp(split.data(), want.data(), want.size() * 4), 0)
          << "split at " << cut;
      ++checked;
    }
  EXPECT_EQ(checked, 18);
}

INSTANTIATE_TEST_SUITE_P(Variants, FloatGemm, qopt_test::allIsaVariants(),
                         qopt_test::isaVariantName);

} // namespace
