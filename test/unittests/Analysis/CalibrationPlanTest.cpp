//===- CalibrationPlanTest.cpp - Unit tests of the calibration plan/runner -===//
//
// What a CalibrationPlan observes in a small module, and known answers of a
// CalibrationRunner on a tiny dataset: ranges, per-channel ranges, layer
// input moments, dropped partial batches and the progress labels.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/Transforms/CalibrationRunner.h"
#include "qopt/InitAllDialects.h"
#include "qopt/Support/Datasets.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::qopt;

namespace {
// x [2, 2] (a batch of two 2-vectors) -> reshape [1, 2, 2] -> matmul by the
// constant w = [[1.0], [0.3]]: y [1, 2, 1].
const char *kModule = R"mlir(
func.func @main(%x: tensor<2x2xf32> {qopt.name = "x"}) -> tensor<1x2x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s : (tensor<2x2xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32> loc("flat")
  %y = tosa.matmul %x3, %w, %zp, %zp : (tensor<1x2x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1xf32> loc("mm")
  return %y : tensor<1x2x1xf32>
}
)mlir";

Tensor vector(const std::vector<float> &values) {
  Tensor t = Tensor::zeros(DType::F32, {int64_t(values.size())});
  for (size_t i = 0; i < values.size(); ++i)
    t.mutableData<float>()[i] = values[i];
  return t;
}

/// Samples [1, 2], [3, -4] (one batch) and [-5, 6] (a partial batch, which
/// is dropped).
Dataset tinyDataset() {
  Dataset d;
  d.samples = {vector({1, 2}), vector({3, -4}), vector({-5, 6})};
  return d;
}

class CalibrationPlanTest : public ::testing::Test {
protected:
  void SetUp() override {
    DialectRegistry registry;
    registerAllDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry);
    module = parseSourceString<ModuleOp>(kModule, ctx.get());
    ASSERT_TRUE(module);
    func = cast<func::FuncOp>(module->getBody()->front());
  }

  std::unique_ptr<MLIRContext> ctx;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
};

TEST_F(CalibrationPlanTest, ObservesFloatValuesAndLayers) {
  CalibrationOptions options;
  CalibrationPlan plan = CalibrationPlan::build(func, options);
  EXPECT_EQ(plan.func, func);
  EXPECT_EQ(plan.axis, -1);

  // The argument, then the reshape and the matmul; not the constants, not
  // the !tosa.shape.
  ASSERT_EQ(plan.values.size(), 3u);
  EXPECT_EQ(plan.values[0].op, nullptr);
  EXPECT_EQ(plan.values[0].argNumber, 0);
  EXPECT_EQ(plan.values[0].name, "x");
  EXPECT_EQ(plan.values[0].value, func.getArgument(0));
  ASSERT_NE(plan.values[1].op, nullptr);
  EXPECT_EQ(plan.values[1].op->getName().getStringRef(), "tosa.reshape");
  EXPECT_EQ(plan.values[1].name, "flat");
  EXPECT_EQ(plan.values[1].argNumber, -1);
  ASSERT_NE(plan.values[2].op, nullptr);
  EXPECT_EQ(plan.values[2].op->getName().getStringRef(), "tosa.matmul");
  EXPECT_EQ(plan.values[2].name, "mm");
  EXPECT_EQ(plan.values[2].value, plan.values[2].op->getResult(0));

  // The matmul's input moments: a 2-vector per row, diagonal only.
  ASSERT_EQ(plan.layers.size(), 1u);
  EXPECT_EQ(plan.layers[0].op, plan.values[2].op);
  EXPECT_EQ(plan.layers[0].name, "mm");
  EXPECT_EQ(plan.layers[0].dim, 2);
  EXPECT_EQ(plan.layers[0].diagShape, SmallVector<int64_t>({2}));
  EXPECT_FALSE(plan.layers[0].full);
  ASSERT_EQ(plan.momentGroups.size(), 1u);
  EXPECT_EQ(plan.momentGroups[0], std::vector<size_t>({0}));
  EXPECT_EQ(plan.getNumPasses(), 1);

  // Histogram methods take a second pass; second-moments=none probes no
  // layer; full matrices are asked for.
  options.method = CalibrationMethod::Percentile;
  EXPECT_EQ(CalibrationPlan::build(func, options).getNumPasses(), 2);
  options.secondMoments = SecondMomentsMode::None;
  EXPECT_TRUE(CalibrationPlan::build(func, options).layers.empty());
  options.secondMoments = SecondMomentsMode::Full;
  EXPECT_TRUE(CalibrationPlan::build(func, options).layers[0].full);
}

TEST_F(CalibrationPlanTest, RunsMinMaxAndMoments) {
  CalibrationOptions options;
  options.secondMoments = SecondMomentsMode::Full;
  CalibrationPlan plan = CalibrationPlan::build(func, options);
  std::vector<std::string> labels;
  CalibrationRunOptions run;
  run.progress = [&](StringRef label, int64_t done, int64_t total) {
    labels.push_back(label.str() + " " + std::to_string(done) + "/" +
                     std::to_string(total));
  };
  FailureOr<CalibrationResults> results =
      runCalibration(plan, tinyDataset(), run);
  ASSERT_TRUE(succeeded(results));

  // One batch of 2; the third sample does not fill a batch.
  EXPECT_EQ(results->samples, 2);
  EXPECT_EQ(labels, std::vector<std::string>({"pass 1/1 (ranges) 1/1"}));
  ASSERT_EQ(results->values.size(), 3u);
  // x = [[1, 2], [3, -4]], also after the reshape.
  for (int i : {0, 1}) {
    const ActivationStats &s = results->values[i];
    EXPECT_EQ(s.getSamples(), 1);
    ASSERT_EQ(s.getMin().size(), 1u);
    EXPECT_EQ(s.getMin()[0], -4.0f);
    EXPECT_EQ(s.getMax()[0], 3.0f);
  }
  // y = x w = [1 + 2 * 0.3, 3 - 4 * 0.3] = [1.6, 1.8].
  const ActivationStats &y = results->values[2];
  EXPECT_FLOAT_EQ(y.getMin()[0], 1.6f);
  EXPECT_FLOAT_EQ(y.getMax()[0], 1.8f);
  auto [lo, hi] = y.range(CalibrationMethod::MinMax, 99.99, 8);
  EXPECT_EQ(lo, std::vector<float>(y.getMin().begin(), y.getMin().end()));
  EXPECT_EQ(hi, std::vector<float>(y.getMax().begin(), y.getMax().end()));

  // E[x x^T] over the rows [1, 2] and [3, -4]: [[5, -5], [-5, 10]].
  ASSERT_EQ(results->moments.size(), 1u);
  ASSERT_TRUE(results->moments[0].has_value());
  EXPECT_EQ(results->moments[0]->getCount(), 2);
  EXPECT_EQ(results->moments[0]->diagonal(), std::vector<float>({5, 10}));
  EXPECT_EQ(results->moments[0]->matrix(), std::vector<float>({5, -5, -5, 10}));
}

TEST_F(CalibrationPlanTest, RunsPerChannelWithHistograms) {
  CalibrationOptions options;
  options.perChannel = true;
  options.method = CalibrationMethod::Percentile;
  options.percentile = 100;
  options.bins = 16;
  options.secondMoments = SecondMomentsMode::None;
  CalibrationPlan plan = CalibrationPlan::build(func, options);
  EXPECT_EQ(plan.axis, 1);
  ASSERT_EQ(plan.values.size(), 3u);

  CalibrationRunOptions run;
  run.inputMean = 1;
  run.inputStd = 2;
  std::vector<std::string> labels;
  run.progress = [&](StringRef label, int64_t, int64_t) {
    labels.push_back(label.str());
  };
  FailureOr<CalibrationResults> results =
      runCalibration(plan, tinyDataset(), run);
  ASSERT_TRUE(succeeded(results));
  EXPECT_EQ(labels, std::vector<std::string>(
                        {"pass 1/2 (ranges)", "pass 2/2 (histograms)"}));
  EXPECT_TRUE(results->moments.empty());

  // (x - 1) / 2 = [[0, 0.5], [1, -2.5]]; channels along axis 1 are x's
  // columns: [0, 1] and [-2.5, 0.5].
  const ActivationStats &x = results->values[0];
  ASSERT_EQ(x.getMin().size(), 2u);
  EXPECT_EQ(x.getMin()[0], 0.0f);
  EXPECT_EQ(x.getMax()[0], 1.0f);
  EXPECT_EQ(x.getMin()[1], -2.5f);
  EXPECT_EQ(x.getMax()[1], 0.5f);
  // The second pass filled one histogram per channel; the 100th
  // percentile keeps the observed range.
  ASSERT_EQ(x.getHistograms().size(), 2u);
  EXPECT_EQ(x.getHistograms()[0].total(), 2u);
  auto [lo, hi] = x.range(CalibrationMethod::Percentile, 100, 8);
  EXPECT_EQ(lo, std::vector<float>({0.0f, -2.5f}));
  EXPECT_EQ(hi, std::vector<float>({1.0f, 0.5f}));
}

TEST_F(CalibrationPlanTest, RejectsAnotherBatchSize) {
  CalibrationPlan plan = CalibrationPlan::build(func, {});
  CalibrationRunOptions run;
  run.batchSize = 8;
  std::string message;
  ScopedDiagnosticHandler handler(ctx.get(), [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  auto runner = CalibrationRunner::create(plan, run);
  ASSERT_TRUE(succeeded(runner));
  EXPECT_EQ((*runner)->getInput().name, "x");
  EXPECT_TRUE(failed((*runner)->run(tinyDataset())));
  EXPECT_EQ(message, "qopt-calibrate: batch-size=8 but input 'x' has batch 2; "
                     "import the model with --input-shape=x:8x... to "
                     "calibrate in batches of 8");
}
} // namespace
