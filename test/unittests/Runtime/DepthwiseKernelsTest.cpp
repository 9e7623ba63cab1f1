//===- DepthwiseKernelsTest.cpp - Depthwise and code-book kernels ---------===//
//
// qopt_rt_depthwise_conv2d_s8 / _f32 and qopt_rt_matmul_f32_lut in every
// ISA variant the running CPU supports, against a direct transcription of
// their definitions in qopt-runtime/cpu.h (docs/Semantics.md): bit for bit
// on both depthwise paths, to rounding (with decoded weights identical) on
// the code-book matmul. One test instance per variant; a variant the CPU
// or build lacks is skipped with GTEST_SKIP.
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

struct DwCase {
  int64_t batch, h, w, c, mult, kh, kw, padTop, padBottom, padLeft, padRight,
      strideH, strideW, dilH, dilW;
  int32_t bits, groupSize;
  bool asymmetric;
  int32_t xZeroPoint;
};

int64_t outSize(int64_t in, int64_t k, int64_t p0, int64_t p1, int64_t s,
                int64_t d) {
  return (in + p0 + p1 - d * (k - 1) - 1) / s + 1;
}

std::vector<DwCase> dwCases() {
  std::vector<DwCase> cases;
  const int64_t channels[] = {1, 7, 8, 13, 32, 67};
  int i = 0;
  for (int64_t c : channels)
    for (int32_t bits : {8, 4, 2})
      for (int shape = 0; shape < 4; ++shape, ++i) {
        DwCase d{};
        d.batch = 1 + i % 2;
        d.c = c;
        d.mult = shape == 3 ? 2 : 1;
        d.bits = bits;
        d.asymmetric = i % 3 == 1;
        d.xZeroPoint = (i % 3 == 0) ? 0 : (i % 3 == 1 ? -128 : 17);
        switch (shape) {
        case 0: // 3x3, stride 1, pad 1 (mobilenet's stride-1 layers)
          d = {d.batch, 6, 5, c, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1,
               bits, 0, d.asymmetric, d.xZeroPoint};
          break;
        case 1: // 3x3 stride 2, uneven pads, groups of 3 taps
          d = {d.batch, 9, 7, c, 1, 3, 3, 0, 1, 1, 0, 2, 2, 1, 1,
               bits, 3, d.asymmetric, d.xZeroPoint};
          break;
        case 2: // 5x3, dilation 2, pad 2
          d = {d.batch, 8, 8, c, 1, 5, 3, 2, 2, 2, 2, 1, 1, 2, 2,
               bits, 0, d.asymmetric, d.xZeroPoint};
          break;
        default: // channel multiplier 2, 2x2
          d = {d.batch, 5, 4, c, 2, 2, 2, 1, 0, 0, 1, 1, 2, 1, 1,
               bits, 0, d.asymmetric, d.xZeroPoint};
          break;
        }
        cases.push_back(d);
      }
  return cases;
}

struct PackedWeight {
  std::vector<int8_t> q, zeroPoints;
  std::vector<float> scales;
  std::vector<uint8_t> packed;
  qopt_rt_weight view;
};

PackedWeight makeWeight(int64_t n, int64_t k, int32_t bits, int32_t groupSize,
                        bool asymmetric, std::mt19937 &rng) {
  PackedWeight w;
  int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  std::uniform_int_distribution<int> value(lo, hi);
  int64_t groups = qopt_rt_num_groups(k, groupSize);
  w.q.resize(size_t(n * k));
  for (int8_t &v : w.q)
    v = int8_t(value(rng));
  std::uniform_real_distribution<float> scale(0.001f, 0.1f);
  w.scales.resize(size_t(n * groups));
  for (float &s : w.scales)
    s = scale(rng);
  std::vector<int8_t> pad(size_t(n), 0);
  if (asymmetric) {
    w.zeroPoints.resize(size_t(n * groups));
    for (int8_t &z : w.zeroPoints)
      z = int8_t(value(rng));
    for (int64_t r = 0; r < n; ++r)
      pad[r] = w.zeroPoints[r * groups + groups - 1];
  }
  w.packed.resize(size_t(n * qopt_rt_row_bytes(k, bits)));
  qopt_rt_pack(w.q.data(), n, k, bits, pad.data(), w.packed.data());
  w.view = {n, k, bits, groupSize, w.packed.data(), w.scales.data(),
            asymmetric ? w.zeroPoints.data() : nullptr};
  return w;
}

qopt_rt_depthwise_geometry geometryOf(const DwCase &d) {
  return {d.batch,
          d.h,
          d.w,
          d.c,
          d.mult,
          outSize(d.h, d.kh, d.padTop, d.padBottom, d.strideH, d.dilH),
          outSize(d.w, d.kw, d.padLeft, d.padRight, d.strideW, d.dilW),
          d.kh,
          d.kw,
          d.padTop,
          d.padLeft,
          d.strideH,
          d.strideW,
          d.dilH,
          d.dilW};
}

/// The definition, one output at a time (integer path when `xq`, else
/// weight-only with `wf` the decoded weights [oc][taps]).
void referenceDepthwise(const qopt_rt_depthwise_geometry &g, const int8_t *xq,
                        const float *xf, float xScale, int32_t zx,
                        const PackedWeight &w, const std::vector<float> &wf,
                        const float *bias, std::vector<float> &y) {
  int64_t oc = g.channels * g.multiplier, taps = g.kernel_h * g.kernel_w;
  int64_t gs = w.view.group_size == 0 ? taps : w.view.group_size;
  int64_t groups = taps / gs;
  y.assign(size_t(g.batch * g.out_h * g.out_w * oc), 0.0f);
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t oy = 0; oy < g.out_h; ++oy)
      for (int64_t ox = 0; ox < g.out_w; ++ox)
        for (int64_t o = 0; o < oc; ++o) {
          int64_t c = o / g.multiplier;
          auto input = [&](int64_t t) -> int64_t {
            int64_t iy = oy * g.stride_h - g.pad_top +
                         (t / g.kernel_w) * g.dilation_h;
            int64_t ix = ox * g.stride_w - g.pad_left +
                         (t % g.kernel_w) * g.dilation_w;
            if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w)
              return -1;
            return ((b * g.in_h + iy) * g.in_w + ix) * g.channels + c;
          };
          float acc = 0.0f;
          if (xq) {
            for (int64_t gi = 0; gi < groups; ++gi) {
              int32_t zq = w.zeroPoints.empty()
                               ? 0
                               : w.zeroPoints[o * groups + gi];
              int32_t sum = 0;
              for (int64_t t = gi * gs; t < (gi + 1) * gs; ++t) {
                // Padding holds the zero point.
                int64_t i = input(t);
                int32_t xv = i < 0 ? zx : xq[i];
                sum += (xv - zx) * (int32_t(w.q[o * taps + t]) - zq);
              }
              float multiplier = xScale * w.scales[o * groups + gi];
              float term = float(sum) * multiplier;
              acc = acc + term;
            }
          } else {
            for (int64_t t = 0; t < taps; ++t) {
              int64_t i = input(t);
              if (i < 0)
                continue;
              float product = xf[i] * wf[o * taps + t];
              acc = acc + product;
            }
          }
          if (bias)
            acc = acc + bias[o];
          y[((b * g.out_h + oy) * g.out_w + ox) * oc + o] = acc;
        }
}

bool sameBits(float a, float b) {
  uint32_t x, y;
  std::memcpy(&x, &a, 4);
  std::memcpy(&y, &b, 4);
  return x == y;
}

class DepthwiseKernels : public qopt_test::IsaVariantTest {};

TEST_P(DepthwiseKernels, IntegerBitExact) {
  std::mt19937 rng(11);
  int tested = 0;
  for (const DwCase &d : dwCases()) {
    qopt_rt_depthwise_geometry g = geometryOf(d);
    int64_t oc = d.c * d.mult, taps = d.kh * d.kw;
    PackedWeight w = makeWeight(oc, taps, d.bits, d.groupSize, d.asymmetric,
                                rng);
    std::uniform_int_distribution<int> byte(-128, 127);
    std::vector<int8_t> x(size_t(d.batch * d.h * d.w * d.c));
    for (int8_t &v : x)
      v = int8_t(byte(rng));
    std::vector<float> bias(static_cast<size_t>(oc));
    std::normal_distribution<float> normal;
    for (float &v : bias)
      v = normal(rng);
    for (bool withBias : {false, true}) {
      const float *b = withBias ? bias.data() : nullptr;
      std::vector<float> expected, got(size_t(d.batch * g.out_h * g.out_w * oc),
                                       -1.0f);
      referenceDepthwise(g, x.data(), nullptr, 0.0123f, d.xZeroPoint, w, {}, b,
                         expected);
      qopt_rt_depthwise_conv2d_s8(GetParam(), &g, x.data(), 0.0123f,
                                  d.xZeroPoint, &w.view, b, got.data());
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_TRUE(sameBits(got[i], expected[i]))
            << "c=" << d.c << " mult=" << d.mult << " bits=" << d.bits
            << " kernel " << d.kh << "x" << d.kw << " groups " << d.groupSize
            << " at " << i << ": " << got[i] << " vs " << expected[i];
      ++tested;
    }
  }
  EXPECT_EQ(tested, int(dwCases().size()) * 2);
}

/// The int32 accumulator path (one scale per row, so no groups): every
/// variant equals the definition in qopt-runtime/cpu.h exactly, with and
/// without bias, on the shapes the vector code takes (multiplier 1, any
/// channel count: 8-channel vectors plus the scalar tail) and those it
/// hands to the portable kernel (multiplier 2).
TEST_P(DepthwiseKernels, AccumulatorBitExact) {
  std::mt19937 rng(21);
  int tested = 0;
  for (const DwCase &d : dwCases()) {
    if (d.groupSize != 0)
      continue;
    qopt_rt_depthwise_geometry g = geometryOf(d);
    int64_t oc = d.c * d.mult, taps = d.kh * d.kw;
    PackedWeight w = makeWeight(oc, taps, d.bits, 0, d.asymmetric, rng);
    std::uniform_int_distribution<int> byte(-128, 127), code(-100000, 100000);
    std::vector<int8_t> x(size_t(d.batch * d.h * d.w * d.c));
    for (int8_t &v : x)
      v = int8_t(byte(rng));
    std::vector<int32_t> bias(static_cast<size_t>(oc));
    for (int32_t &v : bias)
      v = code(rng);
    for (bool withBias : {false, true}) {
      const int32_t *b = withBias ? bias.data() : nullptr;
      size_t outputs = size_t(d.batch * g.out_h * g.out_w * oc);
      std::vector<int32_t> expected(outputs), got(outputs, -1);
      for (int64_t n = 0; n < d.batch; ++n)
        for (int64_t oy = 0; oy < g.out_h; ++oy)
          for (int64_t ox = 0; ox < g.out_w; ++ox)
            for (int64_t o = 0; o < oc; ++o) {
              int64_t c = o / d.mult;
              int32_t zq = w.zeroPoints.empty() ? 0 : w.zeroPoints[o];
              int32_t sum = b ? b[o] : 0;
              for (int64_t kh = 0; kh < d.kh; ++kh)
                for (int64_t kw = 0; kw < d.kw; ++kw) {
                  int64_t iy = oy * d.strideH - d.padTop + kh * d.dilH;
                  int64_t ix = ox * d.strideW - d.padLeft + kw * d.dilW;
                  if (iy < 0 || iy >= d.h || ix < 0 || ix >= d.w)
                    continue;
                  int32_t xv = x[((n * d.h + iy) * d.w + ix) * d.c + c];
                  sum += (xv - d.xZeroPoint) *
                         (int32_t(w.q[o * taps + kh * d.kw + kw]) - zq);
                }
              expected[((n * g.out_h + oy) * g.out_w + ox) * oc + o] = sum;
            }
      qopt_rt_depthwise_conv2d_s8_acc(GetParam(), &g, x.data(), d.xZeroPoint,
                                      &w.view, b, got.data());
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_EQ(got[i], expected[i])
            << "c=" << d.c << " mult=" << d.mult << " bits=" << d.bits
            << " kernel " << d.kh << "x" << d.kw << " at " << i;
      ++tested;
    }
  }
  EXPECT_GT(tested, 0);
}

TEST_P(DepthwiseKernels, WeightOnlyBitExact) {
  std::mt19937 rng(12);
  for (const DwCase &d : dwCases()) {
    qopt_rt_depthwise_geometry g = geometryOf(d);
    int64_t oc = d.c * d.mult, taps = d.kh * d.kw;
    int64_t gs = d.groupSize == 0 ? taps : d.groupSize, groups = taps / gs;
    PackedWeight w = makeWeight(oc, taps, d.bits, d.groupSize, d.asymmetric,
                                rng);
    std::vector<float> wf(size_t(oc * taps));
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t t = 0; t < taps; ++t) {
        int64_t gi = t / gs;
        int32_t zq = w.zeroPoints.empty() ? 0 : w.zeroPoints[o * groups + gi];
        wf[o * taps + t] = w.scales[o * groups + gi] *
                           float(int32_t(w.q[o * taps + t]) - zq);
      }
    std::normal_distribution<float> normal;
    std::vector<float> x(size_t(d.batch * d.h * d.w * d.c)), bias(static_cast<size_t>(oc));
    for (float &v : x)
      v = normal(rng);
    for (float &v : bias)
      v = normal(rng);
    std::vector<float> expected, got(size_t(d.batch * g.out_h * g.out_w * oc));
    referenceDepthwise(g, nullptr, x.data(), 0, 0, w, wf, bias.data(),
                       expected);
    qopt_rt_depthwise_conv2d_f32(GetParam(), &g, x.data(), &w.view, nullptr,
                                 bias.data(), got.data());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_TRUE(sameBits(got[i], expected[i]))
          << "c=" << d.c << " mult=" << d.mult << " bits=" << d.bits << " at "
          << i << ": " << got[i] << " vs " << expected[i];
  }
}

// Float weights [tap][output channel] as the compiled float depthwise
// layers pass them (TOSA's [KH, KW, C, M]); every other case without bias.
TEST_P(DepthwiseKernels, FloatWeightsBitExact) {
  std::mt19937 rng(13);
  int i = 0;
  for (const DwCase &d : dwCases()) {
    qopt_rt_depthwise_geometry g = geometryOf(d);
    int64_t oc = d.c * d.mult, taps = d.kh * d.kw;
    PackedWeight unused = makeWeight(oc, taps, 8, 0, false, rng);
    std::normal_distribution<float> normal;
    std::vector<float> wf(size_t(oc * taps)), byTap(wf.size());
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t t = 0; t < taps; ++t) {
        wf[o * taps + t] = normal(rng);
        byTap[t * oc + o] = wf[o * taps + t];
      }
    std::vector<float> x(size_t(d.batch * d.h * d.w * d.c)),
        bias(static_cast<size_t>(oc));
    for (float &v : x)
      v = normal(rng);
    for (float &v : bias)
      v = normal(rng);
    const float *b = (i++ % 2) ? nullptr : bias.data();
    std::vector<float> expected, got(size_t(d.batch * g.out_h * g.out_w * oc));
    referenceDepthwise(g, nullptr, x.data(), 0, 0, unused, wf, b, expected);
    qopt_rt_depthwise_conv2d_f32f32(GetParam(), &g, x.data(), byTap.data(), b,
                                    got.data());
    for (size_t j = 0; j < got.size(); ++j)
      ASSERT_TRUE(sameBits(got[j], expected[j]))
          << "c=" << d.c << " mult=" << d.mult << " kernel " << d.kh << "x"
          << d.kw << " at " << j << ": " << got[j] << " vs " << expected[j];
  }
}

/// f8E4M3FN and f4E2M1FN values by their bit fields (a transcription of
/// the OCP MX formats, independent of the compiler's tables): NaN codes
/// of E4M3FN (S.1111.111) are left out of the weights below.
float e4m3(unsigned code) {
  int sign = code >> 7, e = (code >> 3) & 15, m = code & 7;
  float v = e == 0 ? std::ldexp(float(m) / 8.0f, -6)
                   : std::ldexp(1.0f + float(m) / 8.0f, e - 7);
  return sign ? -v : v;
}
float e2m1(unsigned code) {
  int sign = code >> 3, e = (code >> 1) & 3, m = code & 1;
  float v = e == 0 ? float(m) * 0.5f : std::ldexp(1.0f + float(m) / 2.0f, e - 1);
  return sign ? -v : v;
}

struct LutCase {
  int64_t m, n, k;
  int32_t bits, groupSize;
};

TEST_P(DepthwiseKernels, CodeBookMatmulDecodesExactly) {
  std::mt19937 rng(13);
  std::vector<LutCase> cases;
  for (int32_t bits : {8, 4})
    for (int64_t k : {1, 9, 64, 100, 130})
      for (int64_t n : {1, 5, 16})
        for (int32_t gs : {0, 32})
          if (gs == 0 || k % gs == 0)
            cases.push_back({3, n, k, bits, gs});
  for (const LutCase &c : cases) {
    std::vector<float> table(size_t(1) << c.bits);
    for (unsigned i = 0; i < table.size(); ++i)
      table[i] = c.bits == 8 ? e4m3(i) : e2m1(i);
    // Codes (unsigned fields, NaN codes excluded), per row/group scales.
    int64_t groups = qopt_rt_num_groups(c.k, c.groupSize);
    std::uniform_int_distribution<int> code(0, (1 << c.bits) - 1);
    std::vector<int8_t> codes(size_t(c.n * c.k));
    for (int8_t &v : codes) {
      int cv;
      do
        cv = code(rng);
      while (c.bits == 8 && (cv & 0x7f) == 0x7f);
      v = int8_t(cv);
    }
    std::vector<float> scales(size_t(c.n * groups));
    std::uniform_real_distribution<float> scale(0.01f, 1.0f);
    for (float &s : scales)
      s = scale(rng);
    std::vector<uint8_t> packed(size_t(c.n * qopt_rt_row_bytes(c.k, c.bits)));
    qopt_rt_pack(codes.data(), c.n, c.k, c.bits, nullptr, packed.data());
    qopt_rt_weight w = {c.n,         c.k,           c.bits, c.groupSize,
                        packed.data(), scales.data(), nullptr};
    auto decoded = [&](int64_t r, int64_t col) {
      int64_t g = c.groupSize == 0 ? 0 : col / c.groupSize;
      unsigned field = uint8_t(codes[r * c.k + col]) & ((1u << c.bits) - 1);
      return scales[r * groups + g] * table[field];
    };
    // Decoded weights: with one-hot activation rows, y[j][n] = w[n][j].
    std::vector<float> eye(size_t(c.k * c.k), 0.0f), y(size_t(c.k * c.n));
    for (int64_t j = 0; j < c.k; ++j)
      eye[j * c.k + j] = 1.0f;
    qopt_rt_matmul_f32_lut(GetParam(), c.k, eye.data(), c.k, &w, table.data(),
                           nullptr, y.data(), c.n, 0, c.n);
    for (int64_t j = 0; j < c.k; ++j)
      for (int64_t r = 0; r < c.n; ++r)
        ASSERT_EQ(y[j * c.n + r], decoded(r, j))
            << "bits " << c.bits << " k " << c.k << " row " << r << " col "
            << j;
    // Random activations: the sum to rounding.
    std::normal_distribution<float> normal;
    std::vector<float> x(size_t(c.m * c.k)), bias(size_t(c.n)),
        got(size_t(c.m * c.n));
    for (float &v : x)
      v = normal(rng);
    for (float &v : bias)
      v = normal(rng);
    qopt_rt_matmul_f32_lut(GetParam(), c.m, x.data(), c.k, &w, table.data(),
                           bias.data(), got.data(), c.n, 0, c.n);
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t r = 0; r < c.n; ++r) {
        double sum = bias[r], magnitude = std::fabs(bias[r]);
        for (int64_t j = 0; j < c.k; ++j) {
          double term = double(x[i * c.k + j]) * double(decoded(r, j));
          sum += term;
          magnitude += std::fabs(term);
        }
        EXPECT_NEAR(got[i * c.n + r], sum, 1e-5 * (magnitude + 1))
            << "bits " << c.bits << " k " << c.k;
      }
  }
}

TEST_P(DepthwiseKernels, CodeBookDepthwiseBitExact) {
  std::mt19937 rng(14);
  for (const DwCase &d : dwCases()) {
    if (d.bits == 2)
      continue;
    qopt_rt_depthwise_geometry g = geometryOf(d);
    int64_t oc = d.c * d.mult, taps = d.kh * d.kw;
    int64_t gs = d.groupSize == 0 ? taps : d.groupSize, groups = taps / gs;
    std::vector<float> table(size_t(1) << d.bits);
    for (unsigned i = 0; i < table.size(); ++i)
      table[i] = d.bits == 8 ? e4m3(i) : e2m1(i);
    PackedWeight w = makeWeight(oc, taps, d.bits, d.groupSize, false, rng);
    for (int8_t &v : w.q)
      if (d.bits == 8 && (uint8_t(v) & 0x7f) == 0x7f)
        v = 0x7e;
    qopt_rt_pack(w.q.data(), oc, taps, d.bits, nullptr, w.packed.data());
    std::vector<float> wf(size_t(oc * taps));
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t t = 0; t < taps; ++t)
        wf[o * taps + t] =
            w.scales[o * groups + t / gs] *
            table[uint8_t(w.q[o * taps + t]) & ((1u << d.bits) - 1)];
    std::normal_distribution<float> normal;
    std::vector<float> x(size_t(d.batch * d.h * d.w * d.c));
    for (float &v : x)
      v = normal(rng);
    std::vector<float> expected, got(size_t(d.batch * g.out_h * g.out_w * oc));
    referenceDepthwise(g, nullptr, x.data(), 0, 0, w, wf, nullptr, expected);
    qopt_rt_depthwise_conv2d_f32(GetParam(), &g, x.data(), &w.view,
                                 table.data(), nullptr, got.data());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_TRUE(sameBits(got[i], expected[i])) << "at " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(AllIsas, DepthwiseKernels, qopt_test::allIsaVariants(),
                         qopt_test::isaVariantName);

} // namespace
