//===- CPUKernelsTest.cpp - CPU kernel variants against the semantics ------===//
//
// Every ISA variant the running CPU supports is checked against a direct
// transcription of docs/Semantics.md on ragged shapes: bit for bit on the
// integer paths (quantize, matmul_s8, requantize), to float rounding on the
// weight-only path. Variants this CPU lacks are reported as skipped.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#include "gtest/gtest.h"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

struct Case {
  int64_t m, n, k;
  int32_t bits, groupSize;
  bool asymmetric;
  int32_t xZeroPoint;
};

/// Quantized weights [n][k], scales and zero points [n][groups].
struct Weight {
  std::vector<int8_t> q, zeroPoints;
  std::vector<float> scales;
  std::vector<uint8_t> packed;
  qopt_rt_weight view;
};

Weight makeWeight(const Case &c, std::mt19937 &rng) {
  Weight w;
  int32_t lo = -(1 << (c.bits - 1)), hi = (1 << (c.bits - 1)) - 1;
  std::uniform_int_distribution<int> value(lo, hi);
  int64_t groups = qopt_rt_num_groups(c.k, c.groupSize);
  w.q.resize(size_t(c.n * c.k));
  for (int8_t &v : w.q)
    v = int8_t(value(rng));
  std::uniform_real_distribution<float> scale(0.001f, 0.1f);
  w.scales.resize(size_t(c.n * groups));
  for (float &s : w.scales)
    s = scale(rng);
  std::vector<int8_t> pad(size_t(c.n), 0);
  if (c.asymmetric) {
    w.zeroPoints.resize(size_t(c.n * groups));
    for (int8_t &z : w.zeroPoints)
      z = int8_t(value(rng));
    for (int64_t r = 0; r < c.n; ++r)
      pad[r] = w.zeroPoints[r * groups + groups - 1];
  }
  w.packed.resize(size_t(c.n * qopt_rt_row_bytes(c.k, c.bits)));
  qopt_rt_pack(w.q.data(), c.n, c.k, c.bits, pad.data(), w.packed.data());
  w.view = {c.n,
            c.k,
            c.bits,
            c.groupSize,
            w.packed.data(),
            w.scales.data(),
            c.asymmetric ? w.zeroPoints.data() : nullptr};
  return w;
}

int64_t groupOf(int64_t col, int32_t groupSize) {
  return groupSize == 0 ? 0 : col / groupSize;
}

std::vector<qopt_rt_isa> supportedIsas() {
  std::vector<qopt_rt_isa> isas;
  for (int i = 0; i < QOPT_RT_ISA_COUNT; ++i) {
    if (qopt_rt_isa_supported(qopt_rt_isa(i)))
      isas.push_back(qopt_rt_isa(i));
    else
      std::printf("[ SKIPPED  ] %s: not supported by this CPU or build\n",
                  qopt_rt_isa_name(qopt_rt_isa(i)));
  }
  return isas;
}

std::vector<Case> cases() {
  std::vector<Case> all;
  for (int32_t bits : {8, 4, 2})
    for (int64_t k : {1, 7, 63, 64, 65, 130, 300})
      for (int32_t gs : {0, 16, 32, 64, 128, 48})
        for (bool asym : {false, true}) {
          if (gs > k + 64)
            continue;
          int64_t m = 1 + (k + gs + bits) % 6, n = 1 + (k * 3 + gs) % 9;
          all.push_back({m, n, k, bits, gs, asym, asym ? -128 : 0});
          all.push_back({9, 5, k, bits, gs, asym, 17});
        }
  // Few activation rows and enough output channels for the 8-row GEMV
  // tiles of the VNNI variant (per half of N), with ragged tails.
  for (int32_t bits : {8, 4})
    for (int64_t k : {7, 64, 100, 300, 1000})
      for (int32_t gs : {0, 32, 64, 96})
        for (int32_t zx : {0, -128, 17}) {
          if (gs > k + 64)
            continue;
          int64_t m = 1 + (k + gs + zx + 256) % 4, n = 16 + (k + gs) % 27;
          all.push_back({m, n, k, bits, gs, zx != 0, zx});
          all.push_back({1, 40, k, bits, gs, zx == 0, zx});
        }
  return all;
}

TEST(CPUKernels, PackRoundTrip) {
  std::mt19937 rng(1);
  for (int32_t bits : {8, 4, 2})
    for (int64_t k : {1, 31, 64, 100}) {
      Case c{1, 3, k, bits, 0, false, 0};
      Weight w = makeWeight(c, rng);
      EXPECT_EQ(qopt_rt_row_bytes(k, bits), (k + 63) / 64 * 64 * bits / 8);
      for (int64_t r = 0; r < c.n; ++r)
        for (int64_t col = 0; col < std::min<int64_t>(k + 5, (k + 63) / 64 * 64);
             ++col)
          EXPECT_EQ(qopt_rt_packed_get(w.packed.data(), k, bits, r, col),
                    col < k ? w.q[r * k + col] : 0)
              << "bits " << bits << " row " << r << " col " << col;
    }
  // The documented nibble order: element j low, element j + 32 high.
  std::vector<int8_t> q(64, 0);
  q[0] = 1;
  q[32] = -1;
  std::vector<uint8_t> out(32);
  qopt_rt_pack(q.data(), 1, 64, 4, nullptr, out.data());
  EXPECT_EQ(out[0], 0xF1);
}

TEST(CPUKernels, QuantizeMatchesSemantics) {
  std::mt19937 rng(2);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  std::vector<float> x(1037);
  for (float &v : x)
    v = dist(rng);
  // Ties, saturation and NaN.
  x[0] = 0.5f * 0.25f;
  x[1] = 1.5f * 0.25f;
  x[2] = -2.5f * 0.25f;
  x[3] = 1e9f;
  x[4] = -1e9f;
  x[5] = std::numeric_limits<float>::quiet_NaN();
  x[6] = std::numeric_limits<float>::infinity();
  for (int32_t zp : {0, -128, 5}) {
    std::vector<int8_t> expected(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      float r = std::nearbyint(x[i] / 0.25f);
      double v = std::isnan(r) ? zp : double(r) + zp;
      expected[i] = int8_t(std::fmin(127.0, std::fmax(-128.0, v)));
    }
    if (zp == 0) {
      EXPECT_EQ(expected[0], 0);
      EXPECT_EQ(expected[1], 2);
      EXPECT_EQ(expected[2], -2);
    }
    for (qopt_rt_isa isa : supportedIsas()) {
      std::vector<int8_t> out(x.size());
      qopt_rt_quantize_s8(isa, int64_t(x.size()), x.data(), 0.25f, zp,
                          out.data());
      EXPECT_EQ(out, expected) << qopt_rt_isa_name(isa) << " zp " << zp;
    }
  }
}

TEST(CPUKernels, IntegerMatmulBitExact) {
  std::mt19937 rng(3);
  std::vector<qopt_rt_isa> isas = supportedIsas();
  for (const Case &c : cases()) {
    Weight w = makeWeight(c, rng);
    std::uniform_int_distribution<int> xv(-128, 127);
    std::vector<int8_t> x(size_t(c.m * (c.k + 3)));
    for (int8_t &v : x)
      v = int8_t(xv(rng));
    int64_t ldx = c.k + 3, groups = qopt_rt_num_groups(c.k, c.groupSize);
    std::vector<float> bias(size_t(c.n));
    for (float &b : bias)
      b = float(xv(rng)) / 7.0f;
    float xScale = 0.0371f;
    // docs/Semantics.md, integer path.
    std::vector<float> expected(size_t(c.m * c.n));
    for (int64_t r = 0; r < c.m; ++r)
      for (int64_t n = 0; n < c.n; ++n) {
        std::vector<int32_t> acc(size_t(groups), 0);
        for (int64_t col = 0; col < c.k; ++col) {
          int64_t g = groupOf(col, c.groupSize);
          int32_t zq = c.asymmetric ? w.zeroPoints[n * groups + g] : 0;
          acc[g] += (x[r * ldx + col] - c.xZeroPoint) *
                    (w.q[n * c.k + col] - zq);
        }
        float y = 0.0f;
        for (int64_t g = 0; g < groups; ++g) {
          volatile float multiplier = xScale * w.scales[n * groups + g];
          volatile float term = float(acc[g]) * multiplier;
          y = y + term;
        }
        expected[r * c.n + n] = y + bias[n];
      }
    for (qopt_rt_isa isa : isas) {
      std::vector<float> y(size_t(c.m * c.n), -1.0f);
      // Two calls over halves of N, as a threaded caller would.
      int64_t half = c.n / 2;
      qopt_rt_matmul_s8(isa, c.m, x.data(), ldx, xScale, c.xZeroPoint,
                        &w.view, bias.data(), y.data(), c.n, 0, half);
      qopt_rt_matmul_s8(isa, c.m, x.data(), ldx, xScale, c.xZeroPoint,
                        &w.view, bias.data(), y.data(), c.n, half, c.n);
      for (size_t i = 0; i < y.size(); ++i)
        ASSERT_EQ(std::memcmp(&y[i], &expected[i], 4), 0)
            << qopt_rt_isa_name(isa) << ": m=" << c.m << " n=" << c.n
            << " k=" << c.k << " bits=" << c.bits << " group=" << c.groupSize
            << " asym=" << c.asymmetric << " zx=" << c.xZeroPoint << " at "
            << i << ": " << y[i] << " vs " << expected[i];
    }
  }
}

TEST(CPUKernels, WeightOnlyMatmulMatchesToRounding) {
  std::mt19937 rng(4);
  std::vector<qopt_rt_isa> isas = supportedIsas();
  for (const Case &c : cases()) {
    Weight w = makeWeight(c, rng);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    int64_t ldx = c.k + 1, groups = qopt_rt_num_groups(c.k, c.groupSize);
    std::vector<float> x(size_t(c.m * ldx)), bias(size_t(c.n));
    for (float &v : x)
      v = dist(rng);
    for (float &b : bias)
      b = dist(rng);
    std::vector<double> expected(size_t(c.m * c.n));
    std::vector<double> magnitude(size_t(c.m * c.n));
    for (int64_t r = 0; r < c.m; ++r)
      for (int64_t n = 0; n < c.n; ++n) {
        double y = bias[n], mag = std::fabs(bias[n]);
        for (int64_t col = 0; col < c.k; ++col) {
          int64_t g = groupOf(col, c.groupSize);
          int32_t zq = c.asymmetric ? w.zeroPoints[n * groups + g] : 0;
          double term = double(w.scales[n * groups + g]) *
                        double(x[r * ldx + col]) * (w.q[n * c.k + col] - zq);
          y += term;
          mag += std::fabs(term);
        }
        expected[r * c.n + n] = y;
        magnitude[r * c.n + n] = mag;
      }
    for (qopt_rt_isa isa : isas) {
      std::vector<float> y(size_t(c.m * c.n));
      qopt_rt_matmul_f32(isa, c.m, x.data(), ldx, &w.view, bias.data(),
                         y.data(), c.n, 0, c.n);
      for (size_t i = 0; i < y.size(); ++i)
        ASSERT_NEAR(y[i], expected[i], 1e-5 * (magnitude[i] + 1.0))
            << qopt_rt_isa_name(isa) << ": m=" << c.m << " n=" << c.n
            << " k=" << c.k << " bits=" << c.bits << " group=" << c.groupSize
            << " asym=" << c.asymmetric << " at " << i;
    }
  }
}

TEST(CPUKernels, RequantizeMatchesSemantics) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int32_t> accDist(-(1 << 24), 1 << 24);
  std::vector<int32_t> acc(301), multiplier = {1 << 30, 1518500250,
                                               2147483647},
                                 shift = {31, 38, 45};
  for (int32_t &a : acc)
    a = accDist(rng);
  acc[0] = 3;   // 3 * 2^30 >> 31 = 1.5: ties toward +infinity give 2.
  acc[3] = -3;  // -1.5 -> -1.
  std::vector<int8_t> expected(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    __int128 v = __int128(acc[i]) * multiplier[i % 3];
    __int128 rounded = v + (__int128(1) << (shift[i % 3] - 1));
    // Floor division by 2^shift.
    __int128 d = rounded >= 0 ? rounded >> shift[i % 3]
                              : -((-rounded + ((__int128(1) << shift[i % 3]) - 1)) >>
                                  shift[i % 3]);
    __int128 q = d + 3;
    expected[i] = int8_t(q < -128 ? -128 : (q > 127 ? 127 : q));
  }
  EXPECT_EQ(expected[0], 2 + 3);
  EXPECT_EQ(expected[3], -1 + 3);
  for (qopt_rt_isa isa : supportedIsas()) {
    std::vector<int8_t> out(acc.size());
    qopt_rt_requantize_s8(isa, int64_t(acc.size()), 3, acc.data(),
                          multiplier.data(), shift.data(), 3, -128, 127,
                          out.data());
    EXPECT_EQ(out, expected) << qopt_rt_isa_name(isa);
    // Fused bounds (a ReLU6 in codes) clamp after the zero point.
    std::vector<int8_t> clamped(acc.size()), bounded = expected;
    for (int8_t &v : bounded)
      v = int8_t(std::min<int>(std::max<int>(v, 3), 50));
    qopt_rt_requantize_s8(isa, int64_t(acc.size()), 3, acc.data(),
                          multiplier.data(), shift.data(), 3, 3, 50,
                          clamped.data());
    EXPECT_EQ(clamped, bounded) << qopt_rt_isa_name(isa);
  }
}

// The accumulator path of integer-only chains: bias + the exact int32 sum,
// per-channel weights only, every variant bit for bit.
TEST(CPUKernels, AccumulatorMatmulBitExact) {
  std::mt19937 rng(11);
  for (Case c : cases()) {
    if (c.groupSize != 0)
      continue;
    Weight w = makeWeight(c, rng);
    std::uniform_int_distribution<int> xv(-128, 127), bv(-100000, 100000);
    std::vector<int8_t> x(size_t(c.m * c.k));
    for (int8_t &v : x)
      v = int8_t(xv(rng));
    std::vector<int32_t> bias(size_t(c.n));
    for (int32_t &b : bias)
      b = bv(rng);
    std::vector<int32_t> expected(size_t(c.m * c.n));
    for (int64_t r = 0; r < c.m; ++r)
      for (int64_t n = 0; n < c.n; ++n) {
        int32_t zq = c.asymmetric ? w.zeroPoints[n] : 0;
        int64_t sum = bias[n];
        for (int64_t col = 0; col < c.k; ++col)
          sum += int64_t(x[r * c.k + col] - c.xZeroPoint) *
                 (w.q[n * c.k + col] - zq);
        expected[r * c.n + n] = int32_t(sum);
      }
    for (qopt_rt_isa isa : supportedIsas()) {
      std::vector<int32_t> y(expected.size(), -1);
      qopt_rt_matmul_s8_acc(isa, c.m, x.data(), c.k, c.xZeroPoint, &w.view,
                            bias.data(), y.data(), c.n, 0, c.n);
      ASSERT_EQ(y, expected) << qopt_rt_isa_name(isa) << ": m=" << c.m
                             << " n=" << c.n << " k=" << c.k
                             << " bits=" << c.bits << " asym=" << c.asymmetric
                             << " zx=" << c.xZeroPoint;
    }
  }
}

TEST(CPUKernels, BestIsaIsSupported) {
  EXPECT_TRUE(qopt_rt_isa_supported(qopt_rt_best_isa()));
  EXPECT_TRUE(qopt_rt_isa_supported(QOPT_RT_ISA_PORTABLE));
  EXPECT_FALSE(qopt_rt_isa_supported(QOPT_RT_ISA_COUNT));
}

} // namespace
