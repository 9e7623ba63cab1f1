//===- FPGACostModel.h - Analytical FPGA resource/latency model -*- C++ -*-===//
//
// An analytical estimate of what a layer costs on an FPGA when it is built
// as an hls4ml-style dataflow stage (io_parallel, latency strategy, a reuse
// factor R): LUTs, DSP slices, 18 Kb block RAMs and cycles, per layer and
// weight format. The formulas and the published figures they are calibrated
// on are in docs/Allocation.md ("FPGA resource model"); the parameters come
// from a JSON file so that a device or tool version can be re-fitted
// without rebuilding.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_FPGACOSTMODEL_H
#define QOPT_ANALYSIS_FPGACOSTMODEL_H

#include "qopt/Analysis/CostModel.h"

#include <cstdint>
#include <string>

namespace mlir::qopt {

/// What the FPGA model needs to know of a layer: plain numbers, so the
/// formulas can be evaluated (and tested) without IR.
struct FPGALayerShape {
  /// Weight elements.
  int64_t params = 0;
  /// Multiply-accumulates of one execution.
  int64_t macs = 0;
  /// Products summed into one output (the reduction size).
  int64_t fanIn = 0;
};

/// The multipliers' weight operand: an integer of `bits` bits, or a
/// code-book (minifloat) code of `bits` bits whose value, an integer of
/// `valueBits` bits (value * 2^E), is a `mantissaBits + 1`-bit significand
/// shifted by one of 2^exponentBits positions.
struct FPGAWeightFormat {
  unsigned bits = 8;
  bool codeBook = false;
  unsigned exponentBits = 0, mantissaBits = 0, valueBits = 0;

  static FPGAWeightFormat integer(unsigned bits) { return {bits}; }
  /// The format of `format` (integer or minifloat).
  static FPGAWeightFormat of(FormatAttr format);
  /// The code book of minifloat type `type`.
  static FPGAWeightFormat codeBookOf(FloatType type);
};

/// Estimated cost of one layer in one format.
struct FPGAEstimate {
  /// Parallel multipliers: ceil(params / R).
  int64_t multipliers = 0;
  /// Whether the products are wide enough to be bound to DSP slices.
  bool wideProducts = false;
  /// Whether the weights are kept in block RAM (else in LUTs: constants
  /// folded into the logic at R = 1, LUT RAM for R > 1).
  bool weightsInBRAM = false;
  double luts = 0;
  double dsps = 0;
  /// 18 Kb block RAMs (RAMB18).
  double brams = 0;
  /// Flip-flops: the pipeline registers of the products and of the adder
  /// tree levels that end a clock cycle, and the layer's control.
  double ffs = 0;
  /// Latency of one execution in clock cycles.
  double cycles = 0;
};

/// Parameters of the model; every field has a documented default and a
/// JSON key (in brackets).
struct FPGAModelParameters {
  /// Name of the device, for reports ["device"].
  std::string device = "generic";
  /// Clock frequency, for reports ["clock_mhz"].
  double clockMHz = 200;
  /// Activation (layer input) bit width ["act_bits"].
  unsigned actBits = 8;
  /// Products computed by one multiplier per execution ["reuse_factor"].
  unsigned reuseFactor = 1;
  /// A product uses DSP slices when both operands have at least this many
  /// bits ["dsp_min_bits"].
  unsigned dspMinBits = 10;
  /// Share of the wide products the tool binds to DSPs; the rest are built
  /// from LUTs ["dsp_fraction"].
  double dspFraction = 1.0;
  /// LUTs of a LUT-built multiplier per bit product w * a
  /// ["lut_per_mult_bit"].
  double lutPerMultBit = 1.38;
  /// LUTs per bit and level of the shifter that scales a code-book
  /// weight's significand product by its exponent ["lut_per_shift_bit"].
  double lutPerShiftBit = 0.5;
  /// LUTs of the adder tree per multiplier and accumulator bit
  /// ["lut_per_acc_bit"].
  double lutPerAccBit = 1.1;
  /// Accumulator width; 0: the full product width w + a ["acc_bits"].
  unsigned accBits = 0;
  /// Fixed LUTs per layer (control) ["lut_per_layer"].
  double lutPerLayer = 300;
  /// Weights go to block RAM when the layer has more than this many and
  /// R > 1 (hls4ml's BramFactor) ["bram_factor"].
  int64_t bramFactor = 1000000000;
  /// Flip-flops per bit of a registered product (w + a bits per
  /// multiplier) ["ff_per_product_bit"].
  double ffPerProductBit = 1.0;
  /// Flip-flops per accumulator bit of a registered adder-tree sum
  /// ["ff_per_acc_bit"].
  double ffPerAccBit = 1.0;
  /// Fixed flip-flops per layer (control, handshakes) ["ff_per_layer"].
  double ffPerLayer = 400;
  /// Pipeline stages of a multiplier ["mult_cycles"].
  unsigned multCycles = 1;
  /// Adder-tree width that fits in one clock: levels per cycle are
  /// max(1, floor(adder_bits_per_cycle / accumulator bits))
  /// ["adder_bits_per_cycle"].
  unsigned adderBitsPerCycle = 96;
  /// Device totals, 0 when unknown, for utilization in reports
  /// ["totals": {"luts", "dsps", "brams", "ffs"}].
  double totalLUTs = 0, totalDSPs = 0, totalBRAMs = 0, totalFFs = 0;
};

/// The analytical FPGA model (docs/Allocation.md). latency() is in cycles.
class FPGACostModel : public CostModel {
public:
  explicit FPGACostModel(FPGAModelParameters parameters)
      : params(std::move(parameters)) {}

  /// Reads the parameters from a JSON file; every key is optional, unknown
  /// keys and values of the wrong type or range are errors naming the file
  /// and the key.
  static llvm::Expected<std::unique_ptr<FPGACostModel>>
  load(llvm::StringRef path);
  static llvm::Expected<std::unique_ptr<FPGACostModel>>
  parse(llvm::StringRef json, llvm::StringRef origin);

  const FPGAModelParameters &getParameters() const { return params; }

  /// The estimate for a layer of `shape` with weights of `weight`.
  FPGAEstimate estimate(const FPGALayerShape &shape,
                        const FPGAWeightFormat &weight) const;
  /// The estimate for a layer of `shape` with `weightBits`-bit integer
  /// weights.
  FPGAEstimate estimate(const FPGALayerShape &shape,
                        unsigned weightBits) const {
    return estimate(shape, FPGAWeightFormat::integer(weightBits));
  }
  /// The estimate for `layer` in `format`, or an error when the layer's
  /// shape is unknown.
  llvm::Expected<FPGAEstimate> estimate(const LayerInfo &layer,
                                        FormatAttr format) const;
  /// The shape of `layer` as the model sees it.
  static llvm::Expected<FPGALayerShape> getShape(const LayerInfo &layer);

  llvm::StringRef getTarget() const override { return params.device; }
  llvm::StringRef getLatencyUnit() const override { return "cycles"; }
  llvm::Expected<double> latency(const LayerInfo &layer,
                                 FormatAttr format) const override;

private:
  FPGAModelParameters params;
};

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_FPGACOSTMODEL_H
