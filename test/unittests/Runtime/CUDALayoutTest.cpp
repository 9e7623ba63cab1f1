//===- CUDALayoutTest.cpp - The CUDA kernels' layouts, checked on the host ===//
//
// No GPU needed: the index, packing and decode functions the kernels call
// (qopt-runtime/cuda_layout.h) run here, and a host emulation of one warp
// (fragments in, fragments out, the kernels' group epilogues) is compared
// with the CPU runtime's portable kernels: bit for bit on the integer path,
// to rounding on the weight-only path.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"
#include "qopt-runtime/cuda.h"
#include "qopt-runtime/cuda_layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <tuple>
#include <vector>

using namespace qopt::cuda;

namespace {

/// Every (row, col) of a rows x cols fragment is held by exactly one
/// (lane, element).
template <typename F>
void expectBijective(F map, int elements, int rows, int cols) {
  std::set<std::pair<int, int>> seen;
  for (int lane = 0; lane < 32; ++lane)
    for (int i = 0; i < elements; ++i) {
      RowCol rc = map(lane, i);
      ASSERT_GE(rc.row, 0);
      ASSERT_LT(rc.row, rows);
      ASSERT_GE(rc.col, 0);
      ASSERT_LT(rc.col, cols);
      EXPECT_TRUE(seen.insert({rc.row, rc.col}).second)
          << "lane " << lane << " element " << i;
    }
  EXPECT_EQ(seen.size(), static_cast<size_t>(rows * cols));
}

TEST(CUDALayout, FragmentMapsCoverTheirTiles) {
  expectBijective(f16AElement, 8, 16, 16);
  expectBijective(f16BElement, 4, 16, 8);
  expectBijective(accElement, 4, 16, 8);
  expectBijective(s8AElement, 16, 16, 32);
  expectBijective(s8BElement, 8, 32, 8);
  expectBijective(mmaF16FieldElement, 32, 16, 64);
  expectBijective(mmaS8ByteElement, 64, 32, 64);
}

// Known answers from the PTX ISA's fragment figures.
TEST(CUDALayout, FragmentMapsKnownAnswers) {
  // Lane 5: group 1, thread 1.
  EXPECT_EQ(f16AElement(5, 0).row, 1);
  EXPECT_EQ(f16AElement(5, 0).col, 2);
  EXPECT_EQ(f16AElement(5, 3).row, 9);
  EXPECT_EQ(f16AElement(5, 3).col, 3);
  EXPECT_EQ(f16AElement(5, 6).row, 9);
  EXPECT_EQ(f16AElement(5, 6).col, 10);
  EXPECT_EQ(f16BElement(5, 2).row, 10);
  EXPECT_EQ(f16BElement(5, 2).col, 1);
  EXPECT_EQ(accElement(31, 3).row, 15);
  EXPECT_EQ(accElement(31, 3).col, 7);
  EXPECT_EQ(s8AElement(6, 9).row, 1);
  EXPECT_EQ(s8AElement(6, 9).col, 25);
  EXPECT_EQ(s8BElement(6, 5).row, 25);
  EXPECT_EQ(s8BElement(6, 5).col, 1);
}

/// The registers ldmatrix.x4 gives lane t when lane i points at row
/// (i % 16), column (i / 16) * colStep of a row-major tile of 16-bit
/// elements: matrix j = i / 8, thread t receives row t / 4 of each matrix,
/// 16-bit columns 2 (t % 4) and 2 (t % 4) + 1.
RowCol ldmatrixElement(int lane, int reg, int half, int colStep) {
  int rowBase = (reg & 1) * 8, colBase = (reg >> 1) * colStep;
  return {rowBase + lane / 4, colBase + 2 * (lane % 4) + half};
}

TEST(CUDALayout, LdmatrixAddressesGiveAFragments) {
  for (int lane = 0; lane < 32; ++lane)
    for (int reg = 0; reg < 4; ++reg)
      for (int half = 0; half < 2; ++half) {
        // f16: 8 halves per matrix column step.
        RowCol got = ldmatrixElement(lane, reg, half, 8);
        RowCol want = f16AElement(lane, 2 * reg + half);
        EXPECT_EQ(got.row, want.row);
        EXPECT_EQ(got.col, want.col);
        // s8: the same 16-bit view of 16-byte rows; 16-bit column c holds
        // bytes 2c, 2c + 1.
        RowCol g8 = ldmatrixElement(lane, reg, half, 8);
        for (int byte = 0; byte < 2; ++byte) {
          RowCol w8 = s8AElement(lane, 4 * reg + 2 * half + byte);
          EXPECT_EQ(g8.row, w8.row);
          EXPECT_EQ(2 * g8.col + byte, w8.col);
        }
      }
}

TEST(CUDALayout, HalfConversionKnownAnswers) {
  EXPECT_EQ(floatToHalfBits(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalfBits(-2.0f), 0xc000);
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -25)), 0x0000); // tie to even
  EXPECT_EQ(floatToHalfBits(std::ldexp(3.0f, -25)), 0x0002); // tie to even
  EXPECT_EQ(floatToHalfBits(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(floatToHalfBits(1.0f + std::ldexp(3.0f, -11)), 0x3c02);
  for (int h = 0; h < 0x7c00; ++h)
    ASSERT_EQ(floatToHalfBits(halfBitsToFloat(static_cast<uint16_t>(h))), h);
  EXPECT_EQ(floatToBFloat16Bits(1.0f), 0x3f80);
  EXPECT_EQ(bfloat16BitsToFloat(0x4040), 3.0f);
}

TEST(CUDALayout, E4M3KnownAnswers) {
  EXPECT_EQ(e4m3ToFloat(0x38), 1.0f);
  EXPECT_EQ(e4m3ToFloat(0xb8), -1.0f);
  EXPECT_EQ(e4m3ToFloat(0x7e), 448.0f);
  EXPECT_EQ(e4m3ToFloat(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(e4m3ToFloat(0x08), std::ldexp(1.0f, -6));
  EXPECT_TRUE(std::isnan(e4m3ToFloat(0x7f)));
  // Every finite code is exact in half (what the device's cvt relies on).
  for (int c = 0; c < 256; ++c) {
    float v = e4m3ToFloat(static_cast<uint8_t>(c));
    if (!std::isnan(v)) {
      EXPECT_EQ(halfBitsToFloat(floatToHalfBits(v)), v) << c;
    }
  }
}

/// The magic-number decode gives q - z exactly for every field and zero
/// point of every width.
TEST(CUDALayout, MagicDecodeIsExact) {
  for (int bits : {2, 4, 8}) {
    int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    for (int q = lo; q <= hi; ++q)
      for (int z = lo; z <= hi; ++z) {
        int u = q + (1 << (bits - 1));
        // Field slot 0 and slot F/2 of a word hold pair 0.
        uint32_t word = static_cast<uint32_t>(u) |
                        (static_cast<uint32_t>(u) << (16 / bits * bits));
        uint32_t pair = magicPair(word, 0, bits);
        float zc = halfBitsToFloat(zeroConstantBits(bits, z));
        EXPECT_EQ(halfBitsToFloat(pair & 0xffff) - zc, q - z);
        EXPECT_EQ(halfBitsToFloat(pair >> 16) - zc, q - z);
      }
  }
}

struct Weight {
  int64_t n, k;
  int bits, group;
  std::vector<int8_t> q, zp;
  std::vector<float> scales;
  int64_t groups() const { return numGroups(k, group); }
};

Weight randomWeight(std::mt19937 &rng, int64_t n, int64_t k, int bits,
                    int group, bool asymmetric) {
  Weight w{n, k, bits, group, {}, {}, {}};
  int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  std::uniform_int_distribution<int> field(lo, hi);
  std::uniform_real_distribution<float> scale(0.001f, 0.05f);
  w.q.resize(n * k);
  for (auto &v : w.q)
    v = static_cast<int8_t>(field(rng));
  w.scales.resize(n * w.groups());
  for (auto &s : w.scales)
    s = scale(rng);
  if (asymmetric) {
    w.zp.resize(n * w.groups());
    for (auto &z : w.zp)
      z = static_cast<int8_t>(field(rng));
  }
  return w;
}

/// The CPU runtime's view of the same weight (block64, its own layout).
struct CpuWeight {
  std::vector<uint8_t> data;
  qopt_rt_weight w;
  CpuWeight(const Weight &src) {
    int64_t groups = src.groups();
    std::vector<int8_t> pad(src.n);
    for (int64_t r = 0; r < src.n; ++r)
      pad[r] = src.zp.empty() ? 0 : src.zp[r * groups + groups - 1];
    data.resize(src.n * qopt_rt_row_bytes(src.k, src.bits));
    qopt_rt_pack(src.q.data(), src.n, src.k, src.bits, pad.data(), data.data());
    w = {src.n,         src.k,
         src.bits,      groups == 1 ? 0 : src.group,
         data.data(),   src.scales.data(),
         src.zp.empty() ? nullptr : src.zp.data()};
  }
};

TEST(CUDALayout, WeightOnlyPackingRoundTrips) {
  std::mt19937 rng(1);
  for (int bits : {2, 4, 8})
    for (auto [n, k, group] : {std::tuple<int64_t, int64_t, int>{70, 100, 0},
                               {64, 64, 16},
                               {130, 96, 32},
                               {5, 40, 0}}) {
      Weight w = randomWeight(rng, n, k, bits, group, /*asymmetric=*/true);
      int64_t groups = w.groups(), nPad = roundUp(n, kBlockN);
      std::vector<uint32_t> data(mmaF16Words(n, k, bits));
      std::vector<float> scales(groups * nPad);
      std::vector<uint16_t> zc(groups * nPad);
      ASSERT_EQ(qopt_cuda_pack_weight_only(w.q.data(), n, k, bits,
                                           QOPT_CUDA_FIELD_INT, group,
                                           w.scales.data(), w.zp.data(),
                                           data.data(), scales.data(), zc.data()),
                QOPT_CUDA_OK);
      int64_t kBlocks = roundUp(k, kF16BlockK) / kF16BlockK;
      int64_t g = effectiveGroup(k, group);
      for (int64_t nb = 0; nb < nPad / kBlockN; ++nb)
        for (int64_t kb = 0; kb < kBlocks; ++kb)
          for (int lane = 0; lane < 32; ++lane) {
            const uint32_t *words =
                data.data() + mmaF16WordIndex(nb, kb, kBlocks, lane, bits);
            for (int e = 0; e < 32; ++e) {
              RowCol rc = mmaF16FieldElement(lane, e);
              int64_t kk = kb * 16 + rc.row, nn = nb * 64 + rc.col;
              int u = static_cast<int>(mmaF16Field(words, bits, e));
              int q = u - (1 << (bits - 1));
              if (nn >= n)
                EXPECT_EQ(q, 0);
              else if (kk >= k)
                EXPECT_EQ(q, w.zp[nn * groups + (k - 1) / g]);
              else
                EXPECT_EQ(q, w.q[nn * k + kk]);
            }
          }
    }
}

// The compile-time repacking (qopt-cuda-materialize-weights) and the
// reference executor's reading of a materialised weight: unpack inverts
// pack on every real field, for ragged shapes, every field width, codes,
// and both layouts.
TEST(CUDALayout, UnpackInvertsPack) {
  std::mt19937 rng(7);
  for (auto [n, k, group] : {std::tuple<int64_t, int64_t, int>{70, 100, 0},
                             {1, 16, 0},
                             {130, 96, 32},
                             {65, 33, 0},
                             {3, 64, 16}}) {
    for (int bits : {2, 4, 8}) {
      for (bool isCode : {false, true}) {
        if (isCode && bits == 2)
          continue;
        Weight w = randomWeight(rng, n, k, bits, group, !isCode);
        if (isCode) // codes are unsigned: 0 .. 2^bits - 1
          for (auto &v : w.q)
            v = static_cast<int8_t>(static_cast<uint8_t>(v) & ((1 << bits) - 1));
        std::vector<uint32_t> data(mmaF16Words(n, k, bits));
        ASSERT_TRUE(packMmaF16Data(w.q.data(), n, k, bits, isCode, group,
                                   w.zp.empty() ? nullptr : w.zp.data(),
                                   data.data()));
        std::vector<int8_t> back(n * k, 99);
        unpackMmaF16Data(data.data(), n, k, bits, isCode, back.data());
        EXPECT_EQ(back, w.q) << n << "x" << k << " bits " << bits
                             << (isCode ? " codes" : "");
      }
    }
    Weight w = randomWeight(rng, n, k, 8, group, false);
    std::vector<uint32_t> data(mmaS8Words(n, k));
    packMmaS8Data(w.q.data(), n, k, data.data());
    std::vector<int8_t> back(n * k, 99);
    unpackMmaS8Data(data.data(), n, k, back.data());
    EXPECT_EQ(back, w.q) << n << "x" << k << " s8";
  }
  // A value outside its field is refused.
  int8_t bad[16] = {8};
  std::vector<uint32_t> data(mmaF16Words(1, 16, 4));
  EXPECT_FALSE(packMmaF16Data<int8_t>(bad, 1, 16, 4, false, 0, nullptr,
                                      data.data()));
}

TEST(CUDALayout, PackingRejectsWhatTheKernelsCannotRead) {
  int8_t q[32 * 24] = {};
  float s[32 * 3] = {};
  std::vector<uint32_t> data(mmaF16Words(32, 24, 4));
  std::vector<float> ps(3 * 64);
  // Group 8 is not a multiple of the 16-element block.
  EXPECT_EQ(qopt_cuda_pack_weight_only(q, 32, 24, 4, QOPT_CUDA_FIELD_INT, 8, s,
                                       nullptr, data.data(), ps.data(), nullptr),
            QOPT_CUDA_EINVAL);
  EXPECT_EQ(qopt_cuda_pack_weight_only(q, 32, 24, 3, QOPT_CUDA_FIELD_INT, 0, s,
                                       nullptr, data.data(), ps.data(), nullptr),
            QOPT_CUDA_EINVAL);
  q[0] = 9; // outside int4
  EXPECT_EQ(qopt_cuda_pack_weight_only(q, 32, 24, 4, QOPT_CUDA_FIELD_INT, 0, s,
                                       nullptr, data.data(), ps.data(), nullptr),
            QOPT_CUDA_EINVAL);
  std::vector<uint32_t> d8(mmaS8Words(32, 24));
  std::vector<float> cs(64);
  std::vector<int32_t> sq(64);
  EXPECT_EQ(qopt_cuda_pack_s8(q, 32, 48, 16, s, nullptr, 1.0f, d8.data(),
                              cs.data(), sq.data(), nullptr),
            QOPT_CUDA_EINVAL);
}

/// Host emulation of woGemmMma's arithmetic for one warp covering all of
/// K: B tiles rebuilt from the lanes' decoded registers (magicPair minus
/// the zero constant, as the device decodes), products summed per group
/// and scaled in float32 when the group ends.
std::vector<float> emulateWeightOnly(const Weight &w,
                                     const std::vector<float> &x, int64_t m) {
  int64_t groups = w.groups(), nPad = roundUp(w.n, kBlockN);
  std::vector<uint32_t> data(mmaF16Words(w.n, w.k, w.bits));
  std::vector<float> scales(groups * nPad);
  std::vector<uint16_t> zc(groups * nPad);
  EXPECT_EQ(qopt_cuda_pack_weight_only(
                w.q.data(), w.n, w.k, w.bits, QOPT_CUDA_FIELD_INT, w.group,
                w.scales.data(), w.zp.empty() ? nullptr : w.zp.data(),
                data.data(), scales.data(), w.zp.empty() ? nullptr : zc.data()),
            QOPT_CUDA_OK);
  int64_t kBlocks = roundUp(w.k, kF16BlockK) / kF16BlockK;
  int64_t g = groups == 1 ? kBlocks * 16 : w.group;
  std::vector<float> y(m * w.n, 0.0f);
  for (int64_t nb = 0; nb < nPad / kBlockN; ++nb) {
    std::vector<double> acc(m * 64, 0.0), part(m * 64, 0.0);
    int64_t cur = 0;
    auto flush = [&](int64_t gi) {
      for (int64_t r = 0; r < m; ++r)
        for (int c = 0; c < 64; ++c) {
          acc[r * 64 + c] += scales[gi * nPad + nb * 64 + c] * part[r * 64 + c];
          part[r * 64 + c] = 0.0;
        }
    };
    for (int64_t kb = 0; kb < kBlocks; ++kb) {
      if (kb * 16 / g != cur) {
        flush(cur);
        cur = kb * 16 / g;
      }
      float b[16][64];
      for (int lane = 0; lane < 32; ++lane) {
        const uint32_t *words =
            data.data() + mmaF16WordIndex(nb, kb, kBlocks, lane, w.bits);
        for (int pair = 0; pair < 16; ++pair) {
          int ppw = 16 / w.bits;
          uint32_t h2 = magicPair(words[pair / ppw], pair % ppw, w.bits);
          int tile = pair / 2, reg = pair % 2;
          int col = tile * 8 + lane / 4;
          float z = zc.empty() || w.zp.empty()
                        ? halfBitsToFloat(zeroConstantBits(w.bits, 0))
                        : halfBitsToFloat(zc[cur * nPad + nb * 64 + col]);
          for (int h = 0; h < 2; ++h) {
            RowCol rc = f16BElement(lane, 2 * reg + h);
            b[rc.row][tile * 8 + rc.col] =
                halfBitsToFloat(static_cast<uint16_t>(h2 >> (16 * h))) - z;
          }
        }
      }
      for (int64_t r = 0; r < m; ++r)
        for (int c = 0; c < 64; ++c)
          for (int kk = 0; kk < 16; ++kk) {
            int64_t k = kb * 16 + kk;
            if (k < w.k)
              part[r * 64 + c] += x[r * w.k + k] * b[kk][c];
          }
    }
    flush(cur);
    for (int64_t r = 0; r < m; ++r)
      for (int c = 0; c < 64; ++c)
        if (nb * 64 + c < w.n)
          y[r * w.n + nb * 64 + c] = static_cast<float>(acc[r * 64 + c]);
  }
  return y;
}

TEST(CUDALayout, WeightOnlyEmulationMatchesTheReference) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> act(-2.0f, 2.0f);
  for (int bits : {2, 4, 8})
    for (bool asym : {false, true})
      for (auto [m, n, k, group] :
           {std::tuple<int64_t, int64_t, int64_t, int>{1, 70, 100, 0},
            {3, 130, 96, 32},
            {17, 64, 256, 128},
            {2, 33, 48, 16}}) {
        Weight w = randomWeight(rng, n, k, bits, group, asym);
        // Activations on the f16 grid, as the device sees them.
        std::vector<float> x(m * k);
        for (auto &v : x)
          v = halfBitsToFloat(floatToHalfBits(act(rng)));
        std::vector<float> got = emulateWeightOnly(w, x, m);
        CpuWeight cpu(w);
        std::vector<float> want(m * n);
        qopt_rt_matmul_f32(QOPT_RT_ISA_PORTABLE, m, x.data(), k, &cpu.w,
                           nullptr, want.data(), n, 0, n);
        for (int64_t r = 0; r < m; ++r)
          for (int64_t c = 0; c < n; ++c) {
            double terms = 0;
            for (int64_t kk = 0; kk < k; ++kk)
              terms += std::fabs(x[r * k + kk]) * 0.05 * 255;
            ASSERT_NEAR(got[r * n + c], want[r * n + c], 1e-5 * (terms + 1))
                << "bits " << bits << " m " << r << " n " << c;
          }
      }
}

/// Host emulation of s8GemmMma: A and B fragments from the mma-s8 words,
/// the exact int32 sums per group, the same correction and epilogue
/// helpers the device calls.
std::vector<float> emulateS8(const Weight &w, const std::vector<int8_t> &x,
                             int64_t m, float xScale, int32_t zx,
                             const std::vector<float> &bias) {
  int64_t groups = w.groups(), nPad = roundUp(w.n, kBlockN);
  std::vector<uint32_t> data(mmaS8Words(w.n, w.k));
  std::vector<float> cs(groups * nPad);
  std::vector<int32_t> sq(groups * nPad), zq(groups * nPad);
  EXPECT_EQ(qopt_cuda_pack_s8(w.q.data(), w.n, w.k, w.group, w.scales.data(),
                              w.zp.empty() ? nullptr : w.zp.data(), xScale,
                              data.data(), cs.data(), sq.data(), zq.data()),
            QOPT_CUDA_OK);
  int64_t kBlocks = roundUp(w.k, kS8BlockK) / kS8BlockK;
  int64_t g = groups == 1 ? kBlocks * 32 : w.group;
  int64_t realGroup = effectiveGroup(w.k, w.group);
  std::vector<float> y(m * w.n);
  for (int64_t nb = 0; nb < nPad / kBlockN; ++nb) {
    std::vector<int32_t> iacc(m * 64, 0);
    std::vector<float> acc(m * 64, 0.0f);
    int64_t cur = 0;
    auto flush = [&](int64_t gi) {
      int32_t len = static_cast<int32_t>(std::min<int64_t>(g, w.k - gi * g));
      for (int64_t r = 0; r < m; ++r) {
        int32_t sumX = 0;
        for (int64_t kk = gi * realGroup;
             kk < std::min<int64_t>(w.k, (gi + 1) * realGroup); ++kk)
          sumX += x[r * w.k + kk];
        for (int c = 0; c < 64; ++c) {
          int64_t at = gi * nPad + nb * 64 + c;
          int32_t a = correctGroupAcc(iacc[r * 64 + c], w.zp.empty() ? 0 : sumX,
                                      sq[at], zx, w.zp.empty() ? 0 : zq[at], len);
          acc[r * 64 + c] = epilogueStep(acc[r * 64 + c], a, cs[at]);
          iacc[r * 64 + c] = 0;
        }
      }
    };
    for (int64_t kb = 0; kb < kBlocks; ++kb) {
      if (kb * 32 / g != cur) {
        flush(cur);
        cur = kb * 32 / g;
      }
      int8_t b[32][64];
      for (int lane = 0; lane < 32; ++lane) {
        const uint32_t *words = data.data() + mmaS8WordIndex(nb, kb, kBlocks, lane);
        for (int byte = 0; byte < 64; ++byte) {
          RowCol rc = mmaS8ByteElement(lane, byte);
          b[rc.row][rc.col] =
              static_cast<int8_t>((words[byte / 4] >> (8 * (byte % 4))) & 0xff);
        }
      }
      for (int64_t r = 0; r < m; ++r)
        for (int c = 0; c < 64; ++c)
          for (int kk = 0; kk < 32; ++kk) {
            int64_t k = kb * 32 + kk;
            int32_t xv = k < w.k ? x[r * w.k + k] : 0; // zero-filled
            iacc[r * 64 + c] += xv * b[kk][c];
          }
    }
    flush(cur);
    for (int64_t r = 0; r < m; ++r)
      for (int c = 0; c < 64; ++c) {
        int64_t n = nb * 64 + c;
        if (n < w.n) {
          float v = acc[r * 64 + c];
          if (!bias.empty()) {
            volatile float sum = v + bias[n];
            v = sum;
          }
          y[r * w.n + n] = v;
        }
      }
  }
  return y;
}

TEST(CUDALayout, Int8EmulationIsBitExactWithTheReference) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> act(-128, 127);
  std::uniform_real_distribution<float> b(-1.0f, 1.0f);
  for (bool asym : {false, true})
    for (int bits : {8, 4})
      for (auto [m, n, k, group] :
           {std::tuple<int64_t, int64_t, int64_t, int>{1, 70, 100, 0},
            {5, 130, 96, 32},
            {19, 64, 256, 64},
            {3, 200, 1000, 0}}) {
        // W4A8 weights are int8 fields of the narrower grid here.
        Weight w = randomWeight(rng, n, k, bits, group, asym);
        std::vector<int8_t> x(m * k);
        for (auto &v : x)
          v = static_cast<int8_t>(act(rng));
        std::vector<float> bias(n);
        for (auto &v : bias)
          v = b(rng);
        float xScale = 0.0173f;
        int32_t zx = -7;
        std::vector<float> got = emulateS8(w, x, m, xScale, zx, bias);
        Weight w8 = w;
        w8.bits = 8;
        CpuWeight cpu(w8);
        std::vector<float> want(m * n);
        qopt_rt_matmul_s8(QOPT_RT_ISA_PORTABLE, m, x.data(), k, xScale, zx,
                          &cpu.w, bias.data(), want.data(), n, 0, n);
        for (int64_t i = 0; i < m * n; ++i) {
          uint32_t gb, wb;
          std::memcpy(&gb, &got[i], 4);
          std::memcpy(&wb, &want[i], 4);
          ASSERT_EQ(gb, wb) << "element " << i << ": " << got[i] << " vs "
                            << want[i] << " (asym " << asym << ", k " << k
                            << ")";
        }
      }
}

} // namespace
