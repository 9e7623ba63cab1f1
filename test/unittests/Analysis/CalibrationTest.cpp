//===- CalibrationTest.cpp - Unit tests of the calibration statistics -----===//
//
// Known answers for the range methods and the second-moment accumulator.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/Calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir::qopt;

namespace {
Tensor vector(const std::vector<float> &values) {
  Tensor t = Tensor::zeros(DType::F32, {int64_t(values.size())});
  for (size_t i = 0; i < values.size(); ++i)
    t.mutableData<float>()[i] = values[i];
  return t;
}

TEST(CalibrationTest, MinMaxPerTensorAndPerChannel) {
  ActivationStats perTensor;
  perTensor.observeRange(vector({1, -2, 3}));
  perTensor.observeRange(vector({5, 0, -1}));
  EXPECT_EQ(perTensor.getMin()[0], -2.0f);
  EXPECT_EQ(perTensor.getMax()[0], 5.0f);
  EXPECT_EQ(perTensor.getSamples(), 2);

  // [N=1, C=2, 2] per channel along axis 1.
  Tensor t = Tensor::zeros(DType::F32, {1, 2, 2});
  float v[] = {1, 4, -3, 2};
  for (int i = 0; i < 4; ++i)
    t.mutableData<float>()[i] = v[i];
  ActivationStats perChannel(1);
  perChannel.observeRange(t);
  ASSERT_EQ(perChannel.getMin().size(), 2u);
  EXPECT_EQ(perChannel.getMin()[0], 1.0f);
  EXPECT_EQ(perChannel.getMax()[0], 4.0f);
  EXPECT_EQ(perChannel.getMin()[1], -3.0f);
  EXPECT_EQ(perChannel.getMax()[1], 2.0f);
}

TEST(CalibrationTest, PercentileDropsTheTails) {
  // 1000 values 0..999: the 99 % range drops 10 values at each end.
  Histogram h(0, 1000, 1000);
  for (int i = 0; i < 1000; ++i)
    h.add(i + 0.5);
  auto [lo, hi] = percentileRange(h, 99.0);
  EXPECT_DOUBLE_EQ(lo, 10.0);
  EXPECT_DOUBLE_EQ(hi, 990.0);
}

TEST(CalibrationTest, MseAndEntropyClipOutliers) {
  // A Gaussian body with one far outlier. Entropy clips it at 8 bits; MSE
  // keeps it at 8 bits (its squared clipping error outweighs the coarser
  // grid) but clips it at 4 bits, where the grid error dominates.
  std::mt19937 gen(0);
  std::normal_distribution<double> dist(0, 1);
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i)
    values.push_back(std::fabs(dist(gen)));
  values.push_back(100.0);
  Histogram abs(0, 100.0, 2048);
  for (double v : values)
    abs.add(v);
  double mse8 = mseThreshold(abs, 8), mse4 = mseThreshold(abs, 4);
  double kl = entropyThreshold(abs, 8);
  EXPECT_GT(mse8, 50.0);
  EXPECT_GT(mse4, 1.0);
  EXPECT_LT(mse4, 10.0);
  EXPECT_GT(kl, 2.0);
  EXPECT_LT(kl, 10.0);
  // A uniform distribution without outliers keeps (almost) its full range.
  Histogram uniform(0, 1, 2048);
  for (int i = 0; i < 2048; ++i)
    uniform.add((i + 0.5) / 2048);
  EXPECT_GT(mseThreshold(uniform, 8), 0.95);
}

TEST(CalibrationTest, SecondMoments) {
  SecondMoments m(2, /*full=*/true);
  float rows[] = {1, 2, 3, 4};
  m.add(rows, 2);
  std::vector<float> diag = m.diagonal(), full = m.matrix();
  EXPECT_FLOAT_EQ(diag[0], 5.0f);
  EXPECT_FLOAT_EQ(diag[1], 10.0f);
  EXPECT_FLOAT_EQ(full[1], 7.0f);
  EXPECT_FLOAT_EQ(full[2], 7.0f);
  EXPECT_EQ(m.getCount(), 2);
}
} // namespace
