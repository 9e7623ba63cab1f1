//===- QuantizableLayersTest.cpp - Unit tests of QuantizableLayerAnalysis -===//
//
// Layer discovery, naming, sizes and MACs on a small module.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/InitAllDialects.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {
const char *kModule = R"mlir(
func.func @f(%x: tensor<1x8x8x3xf32>, %k: tensor<1x16x4xf32>) -> (tensor<1x8x8x4xf32>, tensor<1x8x4xf32>) {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("conv")
  %q = tensor.empty() : tensor<1x8x16xf32>
  %z = tosa.matmul %q, %k, %zp, %zp : (tensor<1x8x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x4xf32>
  return %y, %z : tensor<1x8x8x4xf32>, tensor<1x8x4xf32>
}
)mlir";

TEST(QuantizableLayerAnalysisTest, FindsLayers) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext ctx(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &ctx);
  ASSERT_TRUE(module);

  QuantizableLayerAnalysis analysis(*module);
  ArrayRef<LayerInfo> layers = analysis.getLayers();
  ASSERT_EQ(layers.size(), 2u);

  EXPECT_EQ(layers[0].name, "conv");
  EXPECT_EQ(layers[0].numParams, 4 * 3 * 3 * 3);
  EXPECT_EQ(layers[0].macs, int64_t(8 * 8 * 4) * (3 * 3 * 3));
  EXPECT_TRUE(layers[0].constantWeight);

  EXPECT_EQ(layers[1].name, "tosa.matmul#1");
  EXPECT_EQ(layers[1].macs, int64_t(8 * 16 * 4));
  EXPECT_FALSE(layers[1].constantWeight); // %k is a function argument.
}
} // namespace
