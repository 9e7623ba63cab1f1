//===- WeightQuantizationTest.cpp - Minifloat weight quantization --------===//
//
// quantizeMinifloatWeight is the one definition of what qopt-quantize
// stores for a minifloat format; fakeQuantizeWeight (sensitivity, the
// allocator) must decode exactly those codes. Known answers for f4E2M1FN
// (values 0, 0.5, 1, 1.5, 2, 3, 4, 6) by hand, then agreement of the two
// on every minifloat format and granularity.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/InitAllDialects.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace mlir;
using namespace mlir::qopt;

namespace {

struct WeightQuantizationTest : public ::testing::Test {
  WeightQuantizationTest() {
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

Tensor weight(std::vector<int64_t> shape, std::vector<float> values) {
  Tensor w = Tensor::zeros(DType::F32, shape);
  std::memcpy(w.mutableData<float>(), values.data(),
              values.size() * sizeof(float));
  return w;
}

TEST_F(WeightQuantizationTest, F4KnownAnswers) {
  // Row 0: max|w| = 6 = largest, s = 1; -1.4 rounds to -1.5.
  // Row 1: s = 2; -7 / 2 = -3.5 is a tie between 3 (mantissa 1) and 4
  // (mantissa 0): nearest even gives -4. Row 2: all zero, s = 1.
  Tensor w = weight({3, 4}, {6, 3, -1.4f, 0, 12, 1, -7, 0, 0, 0, 0, 0});
  FormatAttr f4 = format("#qopt.format<f4E2M1FN, per_channel(axis = 0)>");
  QuantizedWeight q = quantizeMinifloatWeight(w, f4);
  EXPECT_EQ(q.scales, (std::vector<float>{1.0f, 2.0f, 1.0f}));
  EXPECT_EQ(q.zeroPoints, (std::vector<int32_t>{0, 0, 0}));
  EXPECT_EQ(q.values,
            (std::vector<int32_t>{7, 5, 0b1011, 0, 7, 1, 0b1110, 0, 0, 0, 0,
                                  0}));
  Tensor d = fakeQuantizeWeight(w, f4);
  std::vector<float> expected = {6, 3, -1.5f, 0, 12, 1, -8, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(d.data<float>()[i], expected[i]) << "element " << i;
}

TEST_F(WeightQuantizationTest, MinifloatValueDecodes) {
  auto f4 = cast<FloatType>(
      format("#qopt.format<f4E2M1FN, per_tensor>").getElementType());
  std::vector<float> positive = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  for (uint32_t c = 0; c < 8; ++c) {
    EXPECT_EQ(minifloatValue(f4, c), positive[c]) << "code " << c;
    EXPECT_EQ(minifloatValue(f4, c | 8), -positive[c]) << "code " << c;
  }
  auto e4m3 = cast<FloatType>(
      format("#qopt.format<f8E4M3FN, per_tensor>").getElementType());
  EXPECT_EQ(minifloatValue(e4m3, 0x7e), 448.0f); // largest finite
  EXPECT_EQ(minifloatValue(e4m3, 0x01), 0x1p-9f); // smallest subnormal
}

// fakeQuantizeWeight == s * value(code) of quantizeMinifloatWeight, bit
// for bit, for every minifloat format and granularity, and the codes stay
// within the format (no NaN or infinity codes: saturation).
TEST_F(WeightQuantizationTest, FakeQuantizeDecodesTheStoredCodes) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(8 * 64);
  for (float &v : values)
    v = normal(rng) * (rng() % 4 == 0 ? 30.0f : 1.0f);
  Tensor w = weight({8, 64}, values);
  for (StringRef type :
       {"f8E4M3FN", "f8E5M2", "f6E3M2FN", "f6E2M3FN", "f4E2M1FN"})
    for (StringRef granularity :
         {"per_tensor", "per_channel(axis = 0)", "group(axis = 1, size = 16)"}) {
      FormatAttr f = format(("#qopt.format<" + type + ", " + granularity + ">")
                                .str());
      QuantizedWeight q = quantizeMinifloatWeight(w, f);
      Tensor d = fakeQuantizeWeight(w, f);
      auto ft = cast<FloatType>(f.getElementType());
      for (size_t i = 0; i < values.size(); ++i) {
        float v = minifloatValue(ft, uint32_t(q.values[i]));
        ASSERT_TRUE(std::isfinite(v)) << type.str() << " element " << i;
        ASSERT_EQ(d.data<float>()[i], q.scales[q.group[i]] * v)
            << type.str() << " " << granularity.str() << " element " << i;
      }
    }
}

} // namespace
