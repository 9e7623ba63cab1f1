//===- GPTQTest.cpp - Unit tests of GPTQ-style weight quantization --------===//
//
// With uncorrelated inputs (H diagonal) GPTQ has nothing to compensate and
// must equal round-to-nearest; with correlated inputs it must not lose to
// round-to-nearest on the output error it minimizes; dead inputs get zero
// weights; scales are those of round-to-nearest.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/InitAllDialects.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir;
using namespace mlir::qopt;

namespace {

struct GPTQTest : public ::testing::Test {
  GPTQTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }
  FormatAttr format(StringRef text) {
    return cast<FormatAttr>(parseAttribute(text, &ctx));
  }
  MLIRContext ctx;
};

Tensor randomWeight(int64_t n, int64_t k, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Tensor w = Tensor::zeros(DType::F32, {n, k});
  for (int64_t i = 0; i < n * k; ++i)
    w.mutableData<float>()[i] = normal(rng);
  return w;
}

/// E[x x^T] of `samples` inputs x = A z with z standard normal: strongly
/// correlated for a random mixing A.
std::vector<float> correlatedMoments(int64_t k, int64_t samples,
                                     unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> mix(static_cast<size_t>(k * k));
  for (double &m : mix)
    m = normal(rng);
  std::vector<double> h(static_cast<size_t>(k * k), 0.0);
  std::vector<double> x(static_cast<size_t>(k)), z(static_cast<size_t>(k));
  for (int64_t s = 0; s < samples; ++s) {
    for (double &v : z)
      v = normal(rng);
    for (int64_t i = 0; i < k; ++i) {
      x[i] = 0.0;
      for (int64_t j = 0; j < k; ++j)
        x[i] += mix[i * k + j] * z[j];
    }
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        h[i * k + j] += x[i] * x[j] / double(samples);
  }
  return std::vector<float>(h.begin(), h.end());
}

Tensor dequantize(const QuantizedWeight &q, ArrayRef<int64_t> shape) {
  Tensor d = Tensor::zeros(DType::F32, shape);
  for (size_t i = 0; i < q.values.size(); ++i) {
    int64_t g = q.group[i];
    d.mutableData<float>()[i] =
        q.scales[g] * float(q.values[i] - q.zeroPoints[g]);
  }
  return d;
}

TEST_F(GPTQTest, DiagonalHessianIsRoundToNearest) {
  Tensor w = randomWeight(6, 40, 1);
  std::vector<float> h(40 * 40, 0.0f);
  for (int j = 0; j < 40; ++j)
    h[j * 40 + j] = 1.0f + float(j);
  for (StringRef f : {"#qopt.format<si4, per_channel(axis = 0)>",
                      "#qopt.format<ui3, group(axis = 1, size = 8), asymmetric>"}) {
    QuantizedWeight rtn = quantizeWeight(w, format(f));
    FailureOr<QuantizedWeight> gptq = gptqQuantizeWeight(w, format(f), h, 0.01);
    ASSERT_TRUE(succeeded(gptq)) << f.str();
    EXPECT_EQ(gptq->values, rtn.values) << f.str();
    EXPECT_EQ(gptq->scales, rtn.scales) << f.str();
    EXPECT_EQ(gptq->zeroPoints, rtn.zeroPoints) << f.str();
  }
}

TEST_F(GPTQTest, CorrelatedInputsLowerTheOutputError) {
  for (unsigned seed = 0; seed < 5; ++seed) {
    Tensor w = randomWeight(8, 48, 10 + seed);
    std::vector<float> h = correlatedMoments(48, 400, 20 + seed);
    for (StringRef f : {"#qopt.format<si2, per_channel(axis = 0)>",
                        "#qopt.format<si4, group(axis = 1, size = 16)>"}) {
      QuantizedWeight rtn = quantizeWeight(w, format(f));
      FailureOr<QuantizedWeight> gptq =
          gptqQuantizeWeight(w, format(f), h, 0.01);
      ASSERT_TRUE(succeeded(gptq));
      double rtnError = outputError(w, dequantize(rtn, {8, 48}), h);
      double gptqError = outputError(w, dequantize(*gptq, {8, 48}), h);
      EXPECT_LT(gptqError, rtnError) << f.str() << " seed " << seed;
      // Every value stays on the format's grid.
      for (int32_t v : gptq->values) {
        EXPECT_GE(v, format(f).getQMin());
        EXPECT_LE(v, format(f).getQMax());
      }
    }
  }
}

TEST_F(GPTQTest, DeadInputsGetZeroWeights) {
  Tensor w = randomWeight(3, 8, 3);
  std::vector<float> h = correlatedMoments(8, 100, 4);
  // Input 5 is always zero.
  for (int j = 0; j < 8; ++j)
    h[5 * 8 + j] = h[j * 8 + 5] = 0.0f;
  FailureOr<QuantizedWeight> q = gptqQuantizeWeight(
      w, format("#qopt.format<si8, per_channel(axis = 0)>"), h, 0.01);
  ASSERT_TRUE(succeeded(q));
  for (int r = 0; r < 3; ++r)
    EXPECT_EQ(q->values[r * 8 + 5], 0);
}

TEST_F(GPTQTest, WrongHessianSizeFails) {
  Tensor w = randomWeight(2, 4, 5);
  std::vector<float> h(9, 1.0f);
  EXPECT_TRUE(failed(gptqQuantizeWeight(
      w, format("#qopt.format<si8, per_channel(axis = 0)>"), h, 0.01)));
}

} // namespace
