//===- FPGACostModel.cpp - Analytical FPGA resource/latency model ---------===//
//
// The formulas of docs/Allocation.md ("FPGA resource model") and the JSON
// reader of their parameters.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/FPGACostModel.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qopt;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// RAMB18 blocks holding a `depth` x `width` bit memory: the simple
/// dual-port aspect ratios of an 18 Kb block (16K x 1 ... 512 x 36, Xilinx
/// UG573), the narrowest that holds the depth in one block.
static int64_t bram18Blocks(int64_t depth, int64_t width) {
  static const struct {
    int64_t depth, width;
  } shapes[] = {{512, 36},  {1024, 18}, {2048, 9},
                {4096, 4},  {8192, 2},  {16384, 1}};
  for (const auto &s : shapes)
    if (depth <= s.depth)
      return ceilDiv(width, s.width);
  return ceilDiv(depth, 16384) * width;
}

FPGAWeightFormat FPGAWeightFormat::of(FormatAttr format) {
  auto minifloat = dyn_cast<FloatType>(format.getElementType());
  if (format.isInteger() || !minifloat || !getMinifloatCodeBits(minifloat))
    return integer(format.getBitWidth());
  return codeBookOf(minifloat);
}

FPGAWeightFormat FPGAWeightFormat::codeBookOf(FloatType minifloat) {
  FPGAWeightFormat f;
  const llvm::fltSemantics &sem = minifloat.getFloatSemantics();
  f.bits = llvm::APFloat::semanticsSizeInBits(sem);
  f.codeBook = true;
  f.mantissaBits = llvm::APFloat::semanticsPrecision(sem) - 1;
  f.exponentBits = f.bits - 1 - f.mantissaBits;
  // A sign bit over the largest integer value * 2^E.
  f.valueBits =
      llvm::Log2_64_Ceil(uint64_t(getMinifloatIntegerMax(minifloat)) + 1) + 1;
  return f;
}

FPGAEstimate FPGACostModel::estimate(const FPGALayerShape &shape,
                                     const FPGAWeightFormat &weight) const {
  FPGAEstimate e;
  const unsigned weightBits = weight.bits;
  const int64_t params = std::max<int64_t>(shape.params, 1);
  const int64_t reuse = std::min<int64_t>(
      std::max<unsigned>(this->params.reuseFactor, 1), params);
  const double a = this->params.actBits;
  e.multipliers = ceilDiv(params, reuse);

  // Multipliers: DSP slices for wide products (a DSP48E2 multiplies 27 x 18
  // bits), LUTs otherwise; every multiplier feeds the adder tree.
  // A code-book weight multiplies its significand (mantissa + the hidden
  // bit) and shifts the product by its exponent.
  const unsigned productBits =
      weight.codeBook ? weight.mantissaBits + 1 : weightBits;
  e.wideProducts = std::min(productBits, this->params.actBits) >=
                   this->params.dspMinBits;
  double dspMultipliers =
      e.wideProducts ? this->params.dspFraction * double(e.multipliers) : 0;
  double lutMultipliers = double(e.multipliers) - dspMultipliers;
  unsigned wide = std::max(productBits, this->params.actBits);
  unsigned narrow = std::min(productBits, this->params.actBits);
  double dspsPerProduct = double(ceilDiv(wide, 27) * ceilDiv(narrow, 18));
  e.dsps = dspMultipliers * dspsPerProduct;
  // Products (and so accumulators) of code-book weights are as wide as
  // their integer values.
  const unsigned valueBits = weight.codeBook ? weight.valueBits : weightBits;
  unsigned accBits = this->params.accBits ? this->params.accBits
                                          : valueBits + this->params.actBits;
  double shifter =
      weight.codeBook ? this->params.lutPerShiftBit *
                            double(this->params.actBits + productBits) *
                            double(weight.exponentBits)
                      : 0.0;
  e.luts = lutMultipliers * this->params.lutPerMultBit * double(productBits) *
               a +
           double(e.multipliers) * shifter +
           double(e.multipliers) * this->params.lutPerAccBit * accBits +
           this->params.lutPerLayer;

  // Weights: constants folded into the multipliers at R = 1; otherwise a
  // memory R deep and (multipliers x w) wide, in block RAM above the
  // BRAM factor and in LUT RAM (64 x 1 bits per LUT) below it.
  if (reuse > 1) {
    int64_t width = e.multipliers * int64_t(weightBits);
    if (params > this->params.bramFactor) {
      e.weightsInBRAM = true;
      e.brams = double(bram18Blocks(reuse, width));
    } else {
      e.luts += double(width * ceilDiv(reuse, 64));
    }
  }

  // Cycles: R per output position (pixel) through a pipeline of the
  // multiplier and ceil(log2 fanIn) adder levels, as many per clock as fit
  // in adder_bits_per_cycle.
  int64_t positions = std::max<int64_t>(shape.macs / params, 1);
  int64_t fanIn = std::max<int64_t>(shape.fanIn, 1);
  unsigned levels = llvm::Log2_64_Ceil(uint64_t(fanIn));
  unsigned perCycle = std::max<unsigned>(
      1, this->params.adderBitsPerCycle / std::max(accBits, 1u));
  int64_t depth = this->params.multCycles + ceilDiv(levels, perCycle);
  e.cycles = double(positions * reuse - 1 + depth);

  // Flip-flops: every multiplier's product is registered (w + a bits).
  // The products of one clock are summed by one adder tree per output
  // (params / fanIn of them; fewer when R exceeds the fan-in), each over
  // leaves = ceil(fanIn / R) products; the sums of every level that ends a
  // clock cycle (every perCycle-th and the last) are registered, and with
  // R > 1 each tree's result goes into an accumulator register.
  int64_t leaves = ceilDiv(fanIn, reuse);
  int64_t trees = ceilDiv(e.multipliers, leaves);
  unsigned treeLevels = llvm::Log2_64_Ceil(uint64_t(leaves));
  double registeredSums = reuse > 1 ? double(trees) : 0;
  for (unsigned l = 1; l <= treeLevels; ++l)
    if (l % perCycle == 0 || l == treeLevels)
      registeredSums +=
          double(trees * ceilDiv(leaves, int64_t(1) << std::min(l, 62u)));
  e.ffs = double(e.multipliers) * this->params.ffPerProductBit *
              double(valueBits + this->params.actBits) +
          registeredSums * this->params.ffPerAccBit * accBits +
          this->params.ffPerLayer;
  return e;
}

llvm::Expected<FPGALayerShape>
FPGACostModel::getShape(const LayerInfo &layer) {
  if (!layer.numParams || !layer.macs || !layer.op || !layer.weightType ||
      !layer.weightType.hasStaticShape())
    return error("FPGA model: layer '" + layer.name +
                 "' has a dynamic or unknown shape");
  FPGALayerShape shape;
  shape.params = *layer.numParams;
  shape.macs = *layer.macs;
  shape.fanIn = 1;
  ArrayRef<int64_t> dims = layer.weightType.getShape();
  QuantizableOpInterface op = layer.op;
  for (int64_t axis : op.getWeightReductionAxes())
    shape.fanIn *= dims[axis];
  return shape;
}

llvm::Expected<FPGAEstimate>
FPGACostModel::estimate(const LayerInfo &layer, FormatAttr format) const {
  llvm::Expected<FPGALayerShape> shape = getShape(layer);
  if (!shape)
    return shape.takeError();
  return estimate(*shape, FPGAWeightFormat::of(format));
}

llvm::Expected<double> FPGACostModel::latency(const LayerInfo &layer,
                                              FormatAttr format) const {
  llvm::Expected<FPGAEstimate> e = estimate(layer, format);
  if (!e)
    return e.takeError();
  return e->cycles;
}

llvm::Expected<std::unique_ptr<FPGACostModel>>
FPGACostModel::load(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return error("cannot read FPGA model '" + path +
                 "': " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), path);
}

llvm::Expected<std::unique_ptr<FPGACostModel>>
FPGACostModel::parse(llvm::StringRef json, llvm::StringRef origin) {
  auto bad = [&](const llvm::Twine &what) {
    return error("FPGA model '" + origin + "': " + what);
  };
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return bad(llvm::toString(value.takeError()));
  const llvm::json::Object *root = value->getAsObject();
  if (!root)
    return bad("expected a JSON object");

  FPGAModelParameters p;
  // Readers of one key each: a number in [lo, hi], an integer in [lo, hi].
  auto number = [&](const llvm::json::Value &v, llvm::StringRef key,
                    double lo, double hi, llvm::StringRef what,
                    double &out) -> llvm::Error {
    std::optional<double> d = v.getAsNumber();
    if (!d || !std::isfinite(*d) || *d < lo || *d > hi)
      return bad("'" + key + "' must be " + what);
    out = *d;
    return llvm::Error::success();
  };
  auto integer = [&](const llvm::json::Value &v, llvm::StringRef key,
                     int64_t lo, int64_t hi, int64_t &out) -> llvm::Error {
    std::optional<int64_t> i = v.getAsInteger();
    if (!i || *i < lo || *i > hi)
      return bad(llvm::formatv("'{0}' must be an integer in [{1}, {2}]", key,
                               lo, hi)
                     .str());
    out = *i;
    return llvm::Error::success();
  };
  auto unsignedKey = [&](const llvm::json::Value &v, llvm::StringRef key,
                         int64_t lo, int64_t hi,
                         unsigned &out) -> llvm::Error {
    int64_t i = 0;
    if (llvm::Error err = integer(v, key, lo, hi, i))
      return err;
    out = unsigned(i);
    return llvm::Error::success();
  };

  // Sorted so the first unknown or bad key reported does not depend on the
  // hash order of the object.
  std::vector<std::string> keys;
  for (const auto &entry : *root)
    keys.push_back(entry.first.str());
  llvm::sort(keys);
  auto readKey = [&](const std::string &key,
                     const llvm::json::Value &v) -> llvm::Error {
    if (key == "device" || key == "comment") {
      std::optional<llvm::StringRef> s = v.getAsString();
      if (!s)
        return bad("'" + key + "' must be a string");
      if (key == "device")
        p.device = s->str();
      return llvm::Error::success();
    }
    if (key == "clock_mhz")
      return number(v, key, 1e-3, 1e6, "a positive number", p.clockMHz);
    if (key == "act_bits")
      return unsignedKey(v, key, 1, 64, p.actBits);
    if (key == "reuse_factor")
      return unsignedKey(v, key, 1, 1 << 24, p.reuseFactor);
    if (key == "dsp_min_bits")
      return unsignedKey(v, key, 1, 65, p.dspMinBits);
    if (key == "dsp_fraction")
      return number(v, key, 0, 1, "a number in [0, 1]", p.dspFraction);
    if (key == "lut_per_mult_bit")
      return number(v, key, 0, 1e3, "a non-negative number", p.lutPerMultBit);
    if (key == "lut_per_shift_bit")
      return number(v, key, 0, 1e3, "a non-negative number",
                    p.lutPerShiftBit);
    if (key == "lut_per_acc_bit")
      return number(v, key, 0, 1e3, "a non-negative number", p.lutPerAccBit);
    if (key == "lut_per_layer")
      return number(v, key, 0, 1e9, "a non-negative number", p.lutPerLayer);
    if (key == "ff_per_product_bit")
      return number(v, key, 0, 1e3, "a non-negative number",
                    p.ffPerProductBit);
    if (key == "ff_per_acc_bit")
      return number(v, key, 0, 1e3, "a non-negative number", p.ffPerAccBit);
    if (key == "ff_per_layer")
      return number(v, key, 0, 1e9, "a non-negative number", p.ffPerLayer);
    if (key == "acc_bits")
      return unsignedKey(v, key, 0, 256, p.accBits);
    if (key == "bram_factor")
      return integer(v, key, 0, int64_t(1) << 62, p.bramFactor);
    if (key == "mult_cycles")
      return unsignedKey(v, key, 0, 64, p.multCycles);
    if (key == "adder_bits_per_cycle")
      return unsignedKey(v, key, 1, 1 << 16, p.adderBitsPerCycle);
    if (key == "totals") {
      const llvm::json::Object *totals = v.getAsObject();
      if (!totals)
        return bad("'totals' must be an object with 'luts', 'dsps', "
                   "'brams' and 'ffs'");
      for (const auto &[name, total] : *totals) {
        llvm::StringRef n = name;
        double *out = n == "luts"    ? &p.totalLUTs
                      : n == "dsps"  ? &p.totalDSPs
                      : n == "brams" ? &p.totalBRAMs
                      : n == "ffs"   ? &p.totalFFs
                                     : nullptr;
        if (!out)
          return bad("unknown key 'totals." + n +
                     "' (luts, dsps, brams or ffs)");
        if (llvm::Error err = number(total, ("totals." + n).str(), 0, 1e12,
                                     "a non-negative number", *out))
          return err;
      }
      return llvm::Error::success();
    }
    return bad("unknown key '" + key + "'");
  };
  for (const std::string &key : keys)
    if (llvm::Error err = readKey(key, *root->get(key)))
      return std::move(err);
  return std::make_unique<FPGACostModel>(std::move(p));
}
