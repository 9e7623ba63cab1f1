//===- FPGACostModelTest.cpp - Unit tests of the analytical FPGA model ----===//
//
// Known answers, worked out by hand from the formulas of docs/Allocation.md,
// for a dense and a convolution layer at several weight widths; the DSP
// threshold and BRAM factor switches; layer shapes read from IR; and
// malformed parameter files.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/FPGACostModel.h"
#include "qopt/InitAllDialects.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {
// A 16 -> 4 dense layer and a 3x3 convolution, 3 -> 4 channels, 8x8 output.
const FPGALayerShape kDense{/*params=*/64, /*macs=*/64, /*fanIn=*/16};
const FPGALayerShape kConv{/*params=*/108, /*macs=*/6912, /*fanIn=*/27};

FPGAEstimate estimate(const FPGAModelParameters &p, const FPGALayerShape &s,
                      unsigned bits) {
  return FPGACostModel(p).estimate(s, bits);
}

TEST(FPGACostModelTest, DenseLayerInLUTs) {
  FPGAModelParameters p; // 8-bit activations, R = 1, DSPs from 10 bits.
  // 64 multipliers; LUTs = 64 * 1.38 * w * 8 + 64 * 1.1 * (w + 8) + 300.
  FPGAEstimate e8 = estimate(p, kDense, 8);
  EXPECT_EQ(e8.multipliers, 64);
  EXPECT_FALSE(e8.wideProducts);
  EXPECT_NEAR(e8.luts, 5652.48 + 1126.4 + 300, 1e-6);
  EXPECT_EQ(e8.dsps, 0);
  EXPECT_EQ(e8.brams, 0); // R = 1: weights are constants in the logic.
  // One multiplier stage, ceil(log2 16) = 4 adder levels, 96 / 16 = 6 per
  // cycle: 2 cycles.
  EXPECT_EQ(e8.cycles, 2);
  EXPECT_NEAR(estimate(p, kDense, 4).luts, 2826.24 + 844.8 + 300, 1e-6);
  EXPECT_NEAR(estimate(p, kDense, 2).luts, 1413.12 + 704 + 300, 1e-6);
  // A fixed 12-bit accumulator instead of w + a = 16 bits.
  p.accBits = 12;
  EXPECT_NEAR(estimate(p, kDense, 8).luts, 5652.48 + 844.8 + 300, 1e-6);
}

TEST(FPGACostModelTest, DSPThreshold) {
  FPGAModelParameters p;
  p.actBits = 16;
  p.dspMinBits = 8;
  // 8 x 16 bits: one DSP per product; LUTs only for the adder tree.
  FPGAEstimate wide = estimate(p, kDense, 8);
  EXPECT_TRUE(wide.wideProducts);
  EXPECT_EQ(wide.dsps, 64);
  EXPECT_NEAR(wide.luts, 64 * 1.1 * 24 + 300, 1e-6);
  // 4 x 16 bits is under the threshold: LUT multipliers.
  FPGAEstimate narrow = estimate(p, kDense, 4);
  EXPECT_FALSE(narrow.wideProducts);
  EXPECT_EQ(narrow.dsps, 0);
  EXPECT_NEAR(narrow.luts, 64 * 1.38 * 64 + 64 * 1.1 * 20 + 300, 1e-6);
  // Half the wide products bound to DSPs, the rest to LUTs.
  p.dspFraction = 0.5;
  FPGAEstimate half = estimate(p, kDense, 8);
  EXPECT_EQ(half.dsps, 32);
  EXPECT_NEAR(half.luts, 32 * 1.38 * 128 + 64 * 1.1 * 24 + 300, 1e-6);
  // 20 x 32 bits needs 2 x 2 DSP48E2 (27 x 18) multipliers.
  p.dspFraction = 1;
  p.actBits = 32;
  EXPECT_EQ(estimate(p, kDense, 20).dsps, 64 * 4);
}

TEST(FPGACostModelTest, ConvolutionWithReuseAndBRAMFactor) {
  FPGAModelParameters p;
  p.reuseFactor = 4;
  // ceil(108 / 4) = 27 multipliers; weights 4 deep and 27 * 8 = 216 bits
  // wide, in LUT RAM (108 weights are under the BRAM factor): +216 LUTs.
  FPGAEstimate lutram = estimate(p, kConv, 8);
  EXPECT_EQ(lutram.multipliers, 27);
  EXPECT_FALSE(lutram.weightsInBRAM);
  EXPECT_NEAR(lutram.luts, 27 * 1.38 * 64 + 27 * 1.1 * 16 + 300 + 216, 1e-6);
  EXPECT_EQ(lutram.brams, 0);
  // 64 output pixels x R = 4 cycles each, plus a 2-stage pipeline
  // (ceil(log2 27) = 5 adder levels fit in one cycle) - 1.
  EXPECT_EQ(lutram.cycles, 64 * 4 - 1 + 2);
  // Above the BRAM factor: a 4-deep memory uses 512 x 36 blocks.
  p.bramFactor = 100;
  FPGAEstimate bram = estimate(p, kConv, 8);
  EXPECT_TRUE(bram.weightsInBRAM);
  EXPECT_EQ(bram.brams, 6); // ceil(216 / 36)
  EXPECT_NEAR(bram.luts, 27 * 1.38 * 64 + 27 * 1.1 * 16 + 300, 1e-6);
  EXPECT_EQ(estimate(p, kConv, 4).brams, 3); // ceil(108 / 36)
  // A reuse factor above the weight count is clamped: one multiplier.
  p.reuseFactor = 1000;
  EXPECT_EQ(estimate(p, kConv, 8).multipliers, 1);
  // 1024 deep: 1K x 18 blocks; 4 multipliers x 8 bits = 32 bits wide.
  p.reuseFactor = 1024;
  p.bramFactor = 0;
  EXPECT_EQ(estimate(p, FPGALayerShape{4096, 4096, 4096}, 8).brams, 2);
}

TEST(FPGACostModelTest, FlipFlops) {
  FPGAModelParameters p;
  // Dense, R = 1: 64 products of 8 + 8 bits registered; 4 trees (one per
  // output) of 16 leaves, 4 levels, 96 / 16 = 6 levels per clock: only the
  // last level's 4 sums of 16 bits are registered; + 400 for the layer.
  EXPECT_NEAR(estimate(p, kDense, 8).ffs, 64 * 16 + 4 * 16 + 400, 1e-9);
  // 4-bit weights: 12-bit products and accumulators.
  EXPECT_NEAR(estimate(p, kDense, 4).ffs, 64 * 12 + 4 * 12 + 400, 1e-9);
  // One level per clock: every level is registered, 4 * (8 + 4 + 2 + 1).
  p.adderBitsPerCycle = 16;
  EXPECT_NEAR(estimate(p, kDense, 8).ffs, 64 * 16 + 60 * 16 + 400, 1e-9);
  // Convolution, R = 4: 27 multipliers, trees of ceil(27 / 4) = 7 leaves,
  // ceil(27 / 7) = 4 of them, 3 levels (the last registered: 4 sums) and
  // an accumulator each (4 more).
  p = FPGAModelParameters();
  p.reuseFactor = 4;
  EXPECT_NEAR(estimate(p, kConv, 8).ffs, 27 * 16 + 8 * 16 + 400, 1e-9);
  // The coefficients scale their terms.
  p.ffPerProductBit = 0.5;
  p.ffPerAccBit = 2;
  p.ffPerLayer = 0;
  EXPECT_NEAR(estimate(p, kConv, 8).ffs, 27 * 8 + 8 * 32, 1e-9);
}

TEST(FPGACostModelTest, CodeBookWeights) {
  MLIRContext ctx;
  FPGAWeightFormat e4m3 =
      FPGAWeightFormat::codeBookOf(Float8E4M3FNType::get(&ctx));
  EXPECT_TRUE(e4m3.codeBook);
  EXPECT_EQ(e4m3.bits, 8u);
  EXPECT_EQ(e4m3.exponentBits, 4u);
  EXPECT_EQ(e4m3.mantissaBits, 3u);
  EXPECT_EQ(e4m3.valueBits, 19u); // 448 * 2^9 = 229376 < 2^18, and a sign
  FPGAWeightFormat e2m1 =
      FPGAWeightFormat::codeBookOf(Float4E2M1FNType::get(&ctx));
  EXPECT_EQ(e2m1.bits, 4u);
  EXPECT_EQ(e2m1.exponentBits, 2u);
  EXPECT_EQ(e2m1.mantissaBits, 1u);
  EXPECT_EQ(e2m1.valueBits, 5u); // 6 * 2 = 12
  // Dense, f8E4M3FN: 64 multipliers of the 4-bit significand by 8 bits,
  // a shifter of 4 levels over 12 bits, 19 + 8 = 27-bit accumulators.
  FPGAModelParameters p;
  FPGAEstimate e = FPGACostModel(p).estimate(kDense, e4m3);
  EXPECT_FALSE(e.wideProducts);
  EXPECT_NEAR(e.luts,
              64 * 1.38 * 4 * 8 + 64 * 0.5 * 12 * 4 + 64 * 1.1 * 27 + 300,
              1e-6);
  // 96 / 27 = 3 levels per clock: levels 3 and 4 of the 4 trees of 16
  // leaves are registered (2 + 1 sums each).
  EXPECT_NEAR(e.ffs, 64 * 27 + 12 * 27 + 400, 1e-9);
  EXPECT_EQ(e.cycles, 3); // 1 + ceil(4 / 3)
}

TEST(FPGACostModelTest, ShapesFromIR) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext ctx(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
func.func @f(%x: tensor<1x8x8x3xf32>, %q: tensor<1x1x16xf32>) -> (tensor<1x8x8x4xf32>, tensor<1x1x4xf32>) {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32>
  %k = "tosa.const"() <{values = dense<1.0> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32> loc("conv")
  %z = tosa.matmul %q, %k, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("dense")
  return %y, %z : tensor<1x8x8x4xf32>, tensor<1x1x4xf32>
}
)mlir",
                                                             &ctx);
  ASSERT_TRUE(module);
  QuantizableLayerAnalysis analysis(*module);
  ArrayRef<LayerInfo> layers = analysis.getLayers();
  ASSERT_EQ(layers.size(), 2u);
  llvm::Expected<FPGALayerShape> conv = FPGACostModel::getShape(layers[0]);
  ASSERT_TRUE(bool(conv)) << llvm::toString(conv.takeError());
  EXPECT_EQ(conv->params, kConv.params);
  EXPECT_EQ(conv->macs, kConv.macs);
  EXPECT_EQ(conv->fanIn, kConv.fanIn);
  llvm::Expected<FPGALayerShape> dense = FPGACostModel::getShape(layers[1]);
  ASSERT_TRUE(bool(dense)) << llvm::toString(dense.takeError());
  EXPECT_EQ(dense->fanIn, kDense.fanIn);
  EXPECT_EQ(dense->macs, kDense.macs);

  // Through the CostModel interface: latency in cycles.
  FPGACostModel model{FPGAModelParameters{}};
  auto si4 = cast<FormatAttr>(
      parseAttribute("#qopt.format<si4, per_channel(axis = 0)>", &ctx));
  EXPECT_EQ(model.getLatencyUnit(), "cycles");
  EXPECT_EQ(*model.latency(layers[1], si4), 2.0);
  EXPECT_NEAR(model.estimate(layers[1], si4)->luts, 2826.24 + 844.8 + 300,
              1e-6);

  LayerInfo unknown;
  unknown.name = "x";
  llvm::Expected<FPGALayerShape> missing = FPGACostModel::getShape(unknown);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "FPGA model: layer 'x' has a dynamic or unknown shape");
}

TEST(FPGACostModelTest, ParsesParameters) {
  auto model = FPGACostModel::parse(
      R"({"device": "xc7z020", "clock_mhz": 100, "act_bits": 6,
          "reuse_factor": 64, "dsp_min_bits": 12, "dsp_fraction": 0.5,
          "lut_per_mult_bit": 1, "lut_per_acc_bit": 2, "lut_per_layer": 0,
          "acc_bits": 16, "bram_factor": 4096, "mult_cycles": 2, "adder_bits_per_cycle": 48,
          "ff_per_product_bit": 0.5, "ff_per_acc_bit": 2, "ff_per_layer": 10,
          "totals": {"luts": 53200, "dsps": 220, "brams": 280, "ffs": 106400},
          "comment": "anything"})",
      "inline");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  const FPGAModelParameters &p = (*model)->getParameters();
  EXPECT_EQ((*model)->getTarget(), "xc7z020");
  EXPECT_EQ(p.clockMHz, 100);
  EXPECT_EQ(p.actBits, 6u);
  EXPECT_EQ(p.reuseFactor, 64u);
  EXPECT_EQ(p.dspMinBits, 12u);
  EXPECT_EQ(p.dspFraction, 0.5);
  EXPECT_EQ(p.lutPerMultBit, 1);
  EXPECT_EQ(p.lutPerAccBit, 2);
  EXPECT_EQ(p.lutPerLayer, 0);
  EXPECT_EQ(p.accBits, 16u);
  EXPECT_EQ(p.bramFactor, 4096);
  EXPECT_EQ(p.multCycles, 2u);
  EXPECT_EQ(p.adderBitsPerCycle, 48u);
  EXPECT_EQ(p.totalLUTs, 53200);
  EXPECT_EQ(p.totalDSPs, 220);
  EXPECT_EQ(p.totalBRAMs, 280);
  EXPECT_EQ(p.totalFFs, 106400);
  EXPECT_EQ(p.ffPerProductBit, 0.5);
  EXPECT_EQ(p.ffPerAccBit, 2);
  EXPECT_EQ(p.ffPerLayer, 10);
  // Every key is optional.
  auto defaults = FPGACostModel::parse("{}", "inline");
  ASSERT_TRUE(bool(defaults)) << llvm::toString(defaults.takeError());
  EXPECT_EQ((*defaults)->getParameters().reuseFactor, 1u);
  EXPECT_EQ((*defaults)->getTarget(), "generic");
}

TEST(FPGACostModelTest, MalformedParametersAreErrors) {
  struct Case {
    const char *json, *message;
  } cases[] = {
      {"[1]", "FPGA model 'x.json': expected a JSON object"},
      {R"({"reuse_factor": 0})",
       "FPGA model 'x.json': 'reuse_factor' must be an integer in [1, "
       "16777216]"},
      {R"({"reuse_factor": 2.5})",
       "FPGA model 'x.json': 'reuse_factor' must be an integer in [1, "
       "16777216]"},
      {R"({"dsp_fraction": 2})",
       "FPGA model 'x.json': 'dsp_fraction' must be a number in [0, 1]"},
      {R"({"lut_per_mult_bit": -1})",
       "FPGA model 'x.json': 'lut_per_mult_bit' must be a non-negative "
       "number"},
      {R"({"clock_mhz": "fast"})",
       "FPGA model 'x.json': 'clock_mhz' must be a positive number"},
      {R"({"device": 7020})", "FPGA model 'x.json': 'device' must be a string"},
      {R"({"lut_per_mult": 1})",
       "FPGA model 'x.json': unknown key 'lut_per_mult'"},
      {R"({"totals": 3})",
       "FPGA model 'x.json': 'totals' must be an object with 'luts', 'dsps', "
       "'brams' and 'ffs'"},
      {R"({"totals": {"lut": 5}})",
       "FPGA model 'x.json': unknown key 'totals.lut' (luts, dsps, brams or "
       "ffs)"},
      {R"({"totals": {"dsps": -5}})",
       "FPGA model 'x.json': 'totals.dsps' must be a non-negative number"},
  };
  for (const Case &c : cases) {
    auto model = FPGACostModel::parse(c.json, "x.json");
    ASSERT_FALSE(bool(model)) << c.json;
    EXPECT_EQ(llvm::toString(model.takeError()), c.message) << c.json;
  }
  auto notJson = FPGACostModel::parse("{", "x.json");
  ASSERT_FALSE(bool(notJson));
  EXPECT_NE(llvm::toString(notJson.takeError()).find("FPGA model 'x.json': "),
            std::string::npos);
  auto missing = FPGACostModel::load("/nonexistent/fpga.json");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError())
                .find("cannot read FPGA model '/nonexistent/fpga.json'"),
            std::string::npos);
}
} // namespace

namespace {
// The calibration figures of docs/Allocation.md, through the shipped
// parameter file: the hls4ml tutorial jet tagger (dense 16-64-32-32-5,
// ap_fixed<16,6> weights and activations, reuse factor 1) synthesized for
// xcu250 used 2118 DSPs, 109753 LUTs and 12 cycles.
TEST(FPGACostModelTest, CalibrationOnTheHls4mlJetTagger) {
  auto model = FPGACostModel::load(QOPT_SOURCE_DIR
                                   "/test/Dialect/QOpt/Transforms/Inputs/"
                                   "fpga-xcu250.json");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  double luts = 0, dsps = 0, brams = 0, cycles = 0;
  const int64_t widths[] = {16, 64, 32, 32, 5};
  for (int i = 0; i < 4; ++i) {
    int64_t params = widths[i] * widths[i + 1];
    FPGAEstimate e =
        (*model)->estimate(FPGALayerShape{params, params, widths[i]}, 16);
    luts += e.luts;
    dsps += e.dsps;
    brams += e.brams;
    cycles += e.cycles;
  }
  EXPECT_NEAR(dsps, 2118, 0.01 * 2118);
  EXPECT_NEAR(luts, 109753, 0.02 * 109753);
  EXPECT_EQ(brams, 0); // 4 published, for the I/O, not the weights.
  EXPECT_EQ(cycles, 12);
}
} // namespace
