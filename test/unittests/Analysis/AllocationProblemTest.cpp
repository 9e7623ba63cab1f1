//===- AllocationProblemTest.cpp - Unit tests of the allocation builder ---===//
//
// Variables (per layer, per channel group, floors, float layers), the
// resource table (names, units, uses, availability) and the solver problem
// built from them, on a small module with known sizes.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/AllocationProblem.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/InitAllDialects.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {
// a: [1, 8, 4] weight (32 params, 3 x 8 x 4 = 96 MACs), per layer.
// b: [1, 4, 6] weight (24 params, 72 MACs), in groups of 4 channels (2
// groups: 4 + 2 channels). c: no candidates (a float layer).
const char *kModule = R"mlir(
func.func @f(%x: tensor<1x3x8xf32>) -> tensor<1x3x2xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %wa = "tosa.const"() <{values = dense<0.5> : tensor<1x8x4xf32>}> : () -> tensor<1x8x4xf32>
  %wb = "tosa.const"() <{values = dense<0.5> : tensor<1x4x6xf32>}> : () -> tensor<1x4x6xf32>
  %wc = "tosa.const"() <{values = dense<0.5> : tensor<1x6x2xf32>}> : () -> tensor<1x6x2xf32>
  %a = tosa.matmul %x, %wa, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>, <si2, per_channel(axis = 2)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense<[1.0, 10.0, 100.0]> : tensor<3xf64>>} : (tensor<1x3x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4xf32> loc("a")
  %b = tosa.matmul %a, %wb, %zp, %zp {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 4, values = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>>} : (tensor<1x3x4xf32>, tensor<1x4x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x6xf32> loc("b")
  %c = tosa.matmul %b, %wc, %zp, %zp : (tensor<1x3x6xf32>, tensor<1x6x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32> loc("c")
  return %c : tensor<1x3x2xf32>
}
)mlir";

class AllocationProblemTest : public ::testing::Test {
protected:
  void SetUp() override {
    DialectRegistry registry;
    registerAllDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry);
    module = parseSourceString<ModuleOp>(kModule, ctx.get());
    ASSERT_TRUE(module);
    analysis = std::make_unique<QuantizableLayerAnalysis>(*module);
  }

  std::vector<AllocationVariable>
  collect(const AllocationVariableOptions &options = {}) {
    floatLayers.clear();
    FailureOr<std::vector<AllocationVariable>> v = collectAllocationVariables(
        analysis->getLayers(), options, floatLayers);
    EXPECT_TRUE(succeeded(v));
    return succeeded(v) ? *v : std::vector<AllocationVariable>();
  }

  std::unique_ptr<MLIRContext> ctx;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<QuantizableLayerAnalysis> analysis;
  std::vector<const LayerInfo *> floatLayers;
};

TEST_F(AllocationProblemTest, VariablesPerLayerAndPerGroup) {
  std::vector<AllocationVariable> v = collect();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].name(), "a");
  EXPECT_EQ(v[0].formats.size(), 3u);
  EXPECT_EQ(v[0].sensitivity[2], 100.0);
  EXPECT_EQ(v[0].fraction(), 1.0);
  // b's groups: channels [0:4] and [4:6] of 6, sensitivities by row.
  EXPECT_EQ(v[1].name(), "b[0:4]");
  EXPECT_EQ(v[2].name(), "b[4:6]");
  EXPECT_EQ(v[1].ordinal, 1u);
  EXPECT_EQ(v[2].ordinal, 1u);
  EXPECT_DOUBLE_EQ(v[2].fraction(), 2.0 / 6.0);
  EXPECT_EQ(v[2].weightShape(), (SmallVector<int64_t>{1, 4, 2}));
  EXPECT_EQ(v[2].sensitivity[0], 3.0);
  EXPECT_EQ(v[2].sensitivity[1], 4.0);
  ASSERT_EQ(floatLayers.size(), 1u);
  EXPECT_EQ(floatLayers[0]->name, "c");
  EXPECT_DOUBLE_EQ(totalParameters(v), 32.0 + 24.0);
}

TEST_F(AllocationProblemTest, Floors) {
  AllocationVariableOptions options;
  options.firstLastMinBits = 8;
  std::vector<AllocationVariable> v = collect(options);
  ASSERT_EQ(v.size(), 3u);
  // The first and last layers (both groups of b) keep only si8.
  EXPECT_EQ(v[0].formats.size(), 1u);
  EXPECT_EQ(v[0].candidateIndex[0], 0);
  EXPECT_EQ(v[1].formats.size(), 1u);
  EXPECT_EQ(v[2].formats.size(), 1u);

  options = {};
  options.minBits = 4;
  v = collect(options);
  EXPECT_EQ(v[0].formats.size(), 2u); // si2 dropped
  EXPECT_EQ(v[1].formats.size(), 2u);
}

TEST_F(AllocationProblemTest, ResourceTable) {
  std::vector<AllocationVariable> v = collect();
  AllocationBudgets budgets;
  budgets.avgBits = 5;
  budgets.bops = 1e4;
  ResourceTable table(budgets, totalParameters(v), /*actBits=*/8,
                      /*latencyUnit=*/"", /*haveFPGA=*/false);
  ASSERT_EQ(table.getEntries().size(), kNumAllocationResources);
  for (auto [i, name] : llvm::enumerate(ResourceTable::names())) {
    const ResourceEntry *e = table.lookup(name);
    ASSERT_TRUE(e);
    EXPECT_EQ(size_t(e->kind), i);
    EXPECT_EQ(e->name, name.str());
  }
  EXPECT_FALSE(table.lookup("watts"));
  // No models: latency and the FPGA resources are unavailable.
  EXPECT_TRUE(table.get(AllocationResource::BOPs).available);
  EXPECT_FALSE(table.get(AllocationResource::Latency).available);
  EXPECT_FALSE(table.get(AllocationResource::LUTs).available);

  FormatAttr si4 = v[0].formats[1];
  const ResourceEntry &bits = table.get(AllocationResource::AvgBits);
  const ResourceEntry &ops = table.get(AllocationResource::BOPs);
  const ResourceEntry &bytes = table.get(AllocationResource::WeightBytes);
  EXPECT_EQ(bits.use(v[0], si4), 32.0 * 4);
  EXPECT_EQ(ops.use(v[0], si4), 96.0 * 4 * 8);
  // A group holds its share of parameters and MACs.
  EXPECT_DOUBLE_EQ(bits.use(v[2], si4), 24.0 * (2.0 / 6.0) * 4);
  EXPECT_DOUBLE_EQ(ops.use(v[2], si4), 72.0 * (2.0 / 6.0) * 4 * 8);
  // Minifloat weights run weight-only: float32 activations.
  auto f8 = llvm::dyn_cast_or_null<FormatAttr>(parseAttribute(
      "#qopt.format<f8E4M3FN, per_channel(axis = 2)>", ctx.get()));
  ASSERT_TRUE(f8);
  EXPECT_EQ(ops.use(v[0], f8), 96.0 * 8 * 32);
  // Bytes: 4-bit codes plus one scale per output channel.
  EXPECT_GT(bytes.use(v[0], si4), 32.0 * 4 / 8);
  // Units of reports.
  EXPECT_EQ(bits.toOptionUnits(56.0 * 4), 4.0);
  EXPECT_EQ(bits.format(56.0 * 4.5), "4.500");
  EXPECT_EQ(ops.format(12345), "1.2345e+04");
  EXPECT_EQ(bytes.format(100.4), "100");
}

TEST_F(AllocationProblemTest, SolverProblem) {
  std::vector<AllocationVariable> v = collect();
  AllocationBudgets budgets;
  budgets.bops = 1e4;
  budgets.avgBits = 5;
  ResourceTable table(budgets, totalParameters(v), 8, "", false);
  const ResourceEntry *cost = table.lookup("avg-bits");
  solver::Problem p = buildAllocationProblem(v, table, /*costWeight=*/0.5,
                                             cost);
  // Budgeted resources in table order, avg-bits summed as parameter bits.
  ASSERT_EQ(p.resources, (std::vector<std::string>{"avg-bits", "bops"}));
  EXPECT_EQ(p.budgets[0], 5.0 * 56);
  EXPECT_EQ(p.budgets[1], 1e4);
  ASSERT_EQ(p.groups.size(), 3u);
  ASSERT_EQ(p.groups[0].size(), 3u);
  // Cost: sensitivity + 0.5 x the average bits this choice contributes.
  EXPECT_DOUBLE_EQ(p.groups[0][1].cost, 10.0 + 0.5 * (32.0 * 4 / 56));
  EXPECT_EQ(p.groups[0][1].use,
            (std::vector<double>{32.0 * 4, 96.0 * 4 * 8}));
  EXPECT_TRUE(p.validate().empty()) << p.validate();

  // Infeasible: below the smallest achievable average (all at 2/4 bits).
  budgets = {};
  budgets.avgBits = 1;
  ResourceTable tight(budgets, totalParameters(v), 8, "", false);
  solver::Problem q = buildAllocationProblem(v, tight, 0, nullptr);
  // (32 x 2 + 24 x 4) / 56 = 2.857 bits.
  EXPECT_EQ(describeInfeasibility(q, tight),
            "; avg-bits budget 1.00 is below the smallest achievable 2.86");
}

TEST_F(AllocationProblemTest, ErrorsOnMissingSensitivity) {
  module->walk([](Operation *op) {
    if (op->hasAttr(QOptDialect::kSensitivityAttrName))
      op->removeAttr(QOptDialect::kSensitivityAttrName);
  });
  std::string message;
  ScopedDiagnosticHandler handler(ctx.get(), [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  FailureOr<std::vector<AllocationVariable>> v = collectAllocationVariables(
      analysis->getLayers(), {}, floatLayers);
  EXPECT_TRUE(failed(v));
  EXPECT_EQ(message, "qopt-allocate-bits: layer 'a' has no qopt.sensitivity; "
                     "run qopt-sensitivity first");
}
} // namespace
