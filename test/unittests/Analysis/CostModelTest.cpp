//===- CostModelTest.cpp - Unit tests of the latency-table cost model -----===//
//
// Table entries win over per-MAC costs; missing entries and malformed
// tables are errors naming what is wrong.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/CostModel.h"
#include "qopt/InitAllDialects.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/AsmParser/AsmParser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {
FormatAttr parseFormat(MLIRContext &ctx, StringRef text) {
  return cast<FormatAttr>(parseAttribute(text, &ctx));
}

TEST(CostModelTest, TableEntriesThenPerMac) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  auto model = LatencyTableCostModel::parse(
      R"({"target": "t", "unit": "cycles", "per_mac": {"8": 2, "4": 1},
          "per_layer": 10, "layers": {"conv": {"si4-ch": 3}}})",
      "inline");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  EXPECT_EQ((*model)->getTarget(), "t");
  EXPECT_EQ((*model)->getLatencyUnit(), "cycles");
  LayerInfo conv;
  conv.name = "conv";
  conv.macs = 100;
  FormatAttr si8 = parseFormat(ctx, "#qopt.format<si8, per_channel(axis = 0)>");
  FormatAttr si4 = parseFormat(ctx, "#qopt.format<si4, per_channel(axis = 0)>");
  FormatAttr si2 = parseFormat(ctx, "#qopt.format<si2, per_channel(axis = 0)>");
  EXPECT_EQ(*(*model)->latency(conv, si8), 100 * 2 + 10.0); // per MAC
  EXPECT_EQ(*(*model)->latency(conv, si4), 3.0);            // measured entry
  llvm::Expected<double> missing = (*model)->latency(conv, si2);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "latency table 'inline' has no entry for layer 'conv' in si2-ch "
            "and no per_mac cost for 2 bits");
}

TEST(CostModelTest, MalformedTablesAreErrors) {
  struct Case {
    const char *json, *message;
  } cases[] = {
      {"[1]", "latency table 'x': expected a JSON object"},
      {"{}", "latency table 'x': needs 'per_mac' or 'layers'"},
      {R"({"per_mac": {"8": -1}})",
       "latency table 'x': 'per_mac' entry '8' must be a non-negative number"},
      {R"({"per_mac": {"0": 1}})",
       "latency table 'x': 'per_mac' key '0' is not a bit width"},
      {R"({"layers": {"a": 3}})",
       "latency table 'x': layer 'a' must map format names to numbers"},
      {R"({"per_layer": "1", "per_mac": {"8": 1}})",
       "latency table 'x': 'per_layer' must be a non-negative number"},
  };
  for (const Case &c : cases) {
    auto model = LatencyTableCostModel::parse(c.json, "x");
    ASSERT_FALSE(bool(model)) << c.json;
    EXPECT_EQ(llvm::toString(model.takeError()), c.message) << c.json;
  }
  auto notJson = LatencyTableCostModel::parse("{", "x");
  ASSERT_FALSE(bool(notJson));
  EXPECT_NE(llvm::toString(notJson.takeError()).find("latency table 'x': "),
            std::string::npos);
}
} // namespace
