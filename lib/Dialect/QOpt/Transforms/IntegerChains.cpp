//===- IntegerChains.cpp - Integer-only requantization between layers -----===//
//
// Implements qopt-integer-chains: qopt.quantize(f(layer(x))) with f a
// single-use chain of ops that commute with the monotone quantization
// (transpose, reshape, max-pooling, clamp; and a constant per-channel bias
// add right after the layer's reshapes, folded into the accumulator's
// bias) becomes layer -> int32
// accumulator -> qopt.requantize (clamps folded into its min/max codes) ->
// f on int8 codes. docs/Semantics.md, "Requantization".
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Executor/Executor.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

namespace mlir::qopt {
#define GEN_PASS_DEF_INTEGERCHAINSPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// The int8 code qopt.quantize gives `x` (same float operations), used to
/// move a float clamp bound into the code domain.
int32_t quantizeCode(float x, const ActivationQuantInfo &q) {
  float r = std::nearbyint(x / q.scale);
  double v = std::isnan(r) ? 0.0 : double(r);
  return int32_t(std::fmin(std::fmax(v + q.zeroPoint, -128.0), 127.0));
}

/// A layer and the ops between it and the quantize, innermost first.
struct Chain {
  Operation *layer = nullptr;
  SmallVector<Operation *> ops;
  /// A `tosa.add` of a constant per-channel bias (an imported Gemm's or
  /// MatMul+Add's bias), folded into the accumulator's bias; null if none.
  tosa::AddOp biasAdd;
  /// Its constant, one float per output channel (or one for all).
  std::vector<float> biasAddValues;
  /// A residual `tosa.add` of the layer's result and a shortcut (with
  /// residuals=true); null if none.
  tosa::AddOp residualAdd;
  /// The shortcut's int8 codes: the qopt.quantize that reads it (through
  /// transposes) and the permutation from that quantize's layout to the
  /// layer's result layout.
  QuantizeOp shortcutQuantize;
  SmallVector<int32_t> shortcutPerm;
};

/// `perm` followed by a tosa.transpose with `next`: out[i] = in[perm[next[i]]].
SmallVector<int32_t> thenTranspose(ArrayRef<int32_t> perm,
                                   ArrayRef<int32_t> next) {
  SmallVector<int32_t> out(next.size());
  for (size_t i = 0; i < next.size(); ++i)
    out[i] = perm[next[i]];
  return out;
}

SmallVector<int32_t> invertPerm(ArrayRef<int32_t> perm) {
  SmallVector<int32_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inverse[perm[i]] = int32_t(i);
  return inverse;
}

/// Finds the int8 codes of the shortcut `s` of a residual add whose other
/// operand is `T(layer result)` (`toAdd`: the transposes T, in order): a
/// qopt.quantize reading `s` through a single-use run of transposes `U`.
/// Sets the chain's shortcut quantize and the permutation T^-1 U^-1 from
/// that quantize's layout to the layer's.
LogicalResult findShortcutCodes(Chain &chain, Value s,
                                ArrayRef<tosa::TransposeOp> toAdd) {
  auto type = cast<RankedTensorType>(s.getType());
  for (Operation *user : s.getUsers()) {
    if (user == chain.residualAdd.getOperation())
      continue;
    SmallVector<tosa::TransposeOp> path;
    Operation *at = user;
    while (auto t = dyn_cast<tosa::TransposeOp>(at)) {
      path.push_back(t);
      if (!t->hasOneUse())
        break;
      at = *t->getUsers().begin();
    }
    auto quantize = dyn_cast<QuantizeOp>(at);
    if (!quantize)
      continue;
    SmallVector<int32_t> perm(type.getRank());
    for (int32_t i = 0; i < int32_t(perm.size()); ++i)
      perm[i] = i;
    for (tosa::TransposeOp t : llvm::reverse(path))
      perm = thenTranspose(perm, invertPerm(t.getPerms()));
    for (tosa::TransposeOp t : llvm::reverse(toAdd))
      perm = thenTranspose(perm, invertPerm(t.getPerms()));
    chain.shortcutQuantize = quantize;
    chain.shortcutPerm = std::move(perm);
    return success();
  }
  return failure();
}

/// The constant operand of `add` that is not `v`, as floats broadcasting
/// along the last of `channels` channels (shape [1, ..., 1, channels] or
/// all ones), or failure.
FailureOr<std::vector<float>> getChannelBias(tosa::AddOp add, Value v,
                                             int64_t channels) {
  Value other = add.getInput1() == v ? add.getInput2() : add.getInput1();
  if (other == v)
    return failure();
  FailureOr<Tensor> value = exec::evaluateConstantValue(other);
  if (failed(value) || value->getDType() != DType::F32)
    return failure();
  ArrayRef<int64_t> shape = value->getShape();
  int64_t last = shape.empty() ? 1 : shape.back();
  for (size_t i = 0; i + 1 < shape.size(); ++i)
    if (shape[i] != 1)
      return failure();
  if (last != channels && last != 1)
    return failure();
  if (cast<RankedTensorType>(add.getType()) !=
      cast<RankedTensorType>(v.getType()))
    return failure();
  const float *data = value->data<float>();
  std::vector<float> bias(channels);
  for (int64_t n = 0; n < channels; ++n)
    bias[n] = data[last == 1 ? 0 : n];
  return bias;
}

/// Why `quantize` does not start a chain, or the chain.
FailureOr<Chain> traceChain(QuantizeOp quantize, bool residuals,
                            std::string &why) {
  Chain chain;
  Value v = quantize.getInput();
  while (true) {
    if (!v.hasOneUse()) {
      why = "its float result has other users";
      return failure();
    }
    Operation *def = v.getDefiningOp();
    if (!def) {
      why = "";
      return failure();
    }
    if (isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(def)) {
      chain.layer = def;
      break;
    }
    if (auto clamp = dyn_cast<tosa::ClampOp>(def)) {
      if (!isa<FloatAttr>(clamp.getMinValAttr()) ||
          !isa<FloatAttr>(clamp.getMaxValAttr())) {
        why = "";
        return failure();
      }
    } else if (auto add = dyn_cast<tosa::AddOp>(def)) {
      Value lhs = add.getInput1(), rhs = add.getInput2();
      bool lhsConst = succeeded(exec::evaluateConstantValue(lhs));
      bool rhsConst = !lhsConst && succeeded(exec::evaluateConstantValue(rhs));
      if (!lhsConst && !rhsConst) {
        // A residual add: the chain continues through the operand that
        // leads to a layer (through transposes, checked below).
        if (!residuals || chain.residualAdd || chain.biasAdd) {
          why = "";
          return failure();
        }
        // The branch is single-use all the way from the layer; the
        // shortcut, which may also come from a layer (a block's output
        // projection), has the next layer's quantize as another user.
        auto leadsToLayer = [](Value x) {
          if (!x.hasOneUse())
            return false;
          while (auto t = x.getDefiningOp<tosa::TransposeOp>()) {
            x = t.getInput1();
            if (!x.hasOneUse())
              return false;
          }
          Operation *d = x.getDefiningOp();
          return d && isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(d);
        };
        Value branch = leadsToLayer(lhs) ? lhs : rhs;
        if (!leadsToLayer(branch) || lhs.getType() != rhs.getType() ||
            lhs.getType() != add.getType()) {
          why = "its residual add is not of a layer's result and a "
                "shortcut of the same shape";
          return failure();
        }
        chain.residualAdd = add;
        chain.ops.insert(chain.ops.begin(), def);
        v = branch;
        continue;
      }
      // A constant bias add: the chain continues through its other operand
      // (checked below once the layer is known).
      if (chain.biasAdd) {
        why = "";
        return failure();
      }
      chain.biasAdd = add;
      chain.ops.insert(chain.ops.begin(), def);
      v = lhsConst ? rhs : lhs;
      continue;
    } else if (!isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::MaxPool2dOp>(
                   def)) {
      why = "";
      return failure();
    }
    chain.ops.insert(chain.ops.begin(), def);
    v = def->getOperand(0);
  }
  Operation *layer = chain.layer;
  auto resultType = cast<RankedTensorType>(layer->getResult(0).getType());
  Type inputElement =
      cast<RankedTensorType>(layer->getOperand(0).getType()).getElementType();
  if (!resultType.getElementType().isF32() || inputElement.isF32()) {
    why = "";
    return failure();
  }
  if (chain.biasAdd) {
    // Only reshapes that keep the channels last may sit between the layer
    // and the add (then the add's last dimension is the layer's channels).
    int64_t channels = resultType.getShape().back();
    Value at = layer->getResult(0);
    for (Operation *op : chain.ops) {
      if (op == chain.biasAdd)
        break;
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      if (!isa<tosa::ReshapeOp>(op) || type.getShape().back() != channels) {
        why = "its bias add follows an op that moves the channels";
        return failure();
      }
      at = op->getResult(0);
    }
    FailureOr<std::vector<float>> bias =
        getChannelBias(chain.biasAdd, at, channels);
    if (failed(bias)) {
      why = "its add is not a constant per-channel bias";
      return failure();
    }
    chain.biasAddValues = std::move(*bias);
  }
  if (chain.residualAdd) {
    // Only transposes between the layer and the residual add.
    SmallVector<tosa::TransposeOp> toAdd;
    Value branch;
    for (Operation *op : chain.ops) {
      if (op == chain.residualAdd.getOperation())
        break;
      toAdd.push_back(cast<tosa::TransposeOp>(op));
    }
    branch = toAdd.empty() ? Value(layer->getResult(0))
                           : Value(toAdd.back().getOutput());
    Value shortcut = chain.residualAdd.getInput1() == branch
                         ? chain.residualAdd.getInput2()
                         : chain.residualAdd.getInput1();
    if (failed(findShortcutCodes(chain, shortcut, toAdd))) {
      why = "the shortcut of its residual add is not quantized (no "
            "qopt.quantize reads it)";
      return failure();
    }
  }
  return chain;
}

struct IntegerChainsPass
    : public qopt::impl::IntegerChainsPassBase<IntegerChainsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<QuantizeOp> quantizes;
    getOperation()->walk([&](QuantizeOp op) { quantizes.push_back(op); });
    // Last to first: a fused residual add releases its shortcut, whose
    // producer (earlier) then has the quantize as its only user.
    for (QuantizeOp quantize : llvm::reverse(quantizes)) {
      std::string why;
      FailureOr<Chain> chain = traceChain(quantize, residuals, why);
      if (failed(chain)) {
        if (verbose && !why.empty())
          quantize.emitWarning()
                << "qopt-integer-chains: kept in float: " << why;
        continue;
      }
      LogicalResult r = rewrite(quantize, *chain, why);
      if (failed(r) && !why.empty() && verbose)
        chain->layer->emitWarning()
            << "qopt-integer-chains: kept in float: " << why;
      if (succeeded(r))
        ++numChains;
    }
  }

  /// Rewrites one chain; fails (changing nothing) with `why` when the layer
  /// cannot be integer-only.
  LogicalResult rewrite(QuantizeOp quantize, Chain &chain,
                        std::string &why) {
    Operation *layer = chain.layer;
    Value weight = layer->getOperand(1);
    FailureOr<PackedWeightInfo> info = failure();
    if (auto packed = weight.getDefiningOp<PackedWeightOp>())
      info = packed.getInfo();
    else
      info = getPackedWeightInfo(weight.getType(),
                                 [&] { return layer->emitError(); });
    if (failed(info))
      return failure();
    if (info->groupSize != 0) {
      why = "its weight has groups of scales (integer-only needs one scale "
            "per row)";
      return failure();
    }
    // Code-book weights: the integers value(code) * 2^E with scales
    // s * 2^-E and an int64 accumulator (docs/Semantics.md).
    const bool codeBook = bool(info->codeType);
    const int codeExponent =
        codeBook ? int(getMinifloatIntegerExponent(info->codeType)) : 0;
    const int64_t maxRow =
        codeBook ? getMaxExactMinifloatProducts(info->codeType)
                 : kMaxExactGroup;
    if (info->k > maxRow) {
      why = "its rows are longer than " + std::to_string(maxRow);
      return failure();
    }
    Type inputElement =
        cast<RankedTensorType>(layer->getOperand(0).getType()).getElementType();
    ActivationQuantInfo in =
        *getActivationQuantInfo(inputElement, [&] { return layer->emitError(); });
    ActivationQuantInfo out = *getActivationQuantInfo(
        quantize.getType().getElementType(), [&] { return quantize.emitError(); });

    // Per output channel: the real multiplier and the bias in accumulator
    // units.
    SmallVector<int32_t> multipliers, shifts;
    SmallVector<int64_t> biasCodes;
    std::vector<float> biasValues;
    Value bias = layer->getNumOperands() > 2 ? layer->getOperand(2) : Value();
    if (bias) {
      FailureOr<Tensor> value = exec::evaluateConstantValue(bias);
      if (failed(value) || value->getDType() != DType::F32) {
        why = "its bias is not a float32 constant";
        return failure();
      }
      biasValues.assign(value->data<float>(),
                        value->data<float>() + value->getNumElements());
    }
    bool hasBias = bias || chain.biasAdd;
    // The largest |sum| of products (|x - zx| <= 255, |q - zq| <= 2^bits - 1
    // or the code book's largest integer).
    const double maxWeight =
        codeBook ? double(getMinifloatIntegerMax(info->codeType))
                 : double((int64_t(1) << info->bits) - 1);
    const double maxProducts = double(info->k) * 255.0 * maxWeight;
    const double accLimit =
        codeBook ? std::ldexp(1.0, 62)
                 : double(std::numeric_limits<int32_t>::max());
    for (int64_t n = 0; n < info->n; ++n) {
      float weightScale = std::ldexp(info->scales[n], -codeExponent);
      double accScale = double(in.scale) * double(weightScale);
      FailureOr<RequantMultiplier> m =
          encodeRequantMultiplier(accScale / double(out.scale));
      if (failed(m)) {
        why = "its requantization multiplier " +
              std::to_string(accScale / double(out.scale)) +
              " needs a shift outside [2, 62]";
        return failure();
      }
      multipliers.push_back(m->multiplier);
      shifts.push_back(m->shift);
      if (hasBias) {
        double total = (bias ? double(biasValues[n]) : 0.0) +
                       (chain.biasAdd ? double(chain.biasAddValues[n]) : 0.0);
        double code = std::nearbyint(total / accScale);
        if (!(std::fabs(code) + maxProducts < accLimit)) {
          why = codeBook ? "its bias does not fit the int64 accumulator"
                         : "its bias does not fit the int32 accumulator";
          return failure();
        }
        biasCodes.push_back(int64_t(code));
      }
    }
    // Clamps become the requantize's bounds, in codes.
    int32_t lo = -128, hi = 127;
    for (Operation *op : chain.ops)
      if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
        float minVal = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
        float maxVal = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
        lo = std::max(lo, quantizeCode(minVal, out));
        hi = std::min(hi, quantizeCode(maxVal, out));
      }
    if (lo > hi) // an empty clamp range: every output is the one code
      hi = lo;

    // A fused residual add: Mr = round(sr / sy * 2^S) per channel, with the
    // shortcut's codes defined before the layer.
    SmallVector<int64_t> mr;
    if (chain.residualAdd) {
      Operation *q = chain.shortcutQuantize;
      if (q->getBlock() != layer->getBlock() || !q->isBeforeInBlock(layer)) {
        why = "the shortcut of its residual add is quantized after the layer";
        return failure();
      }
      ActivationQuantInfo r = *getActivationQuantInfo(
          chain.shortcutQuantize.getType().getElementType(),
          [&] { return q->emitError(); });
      for (int32_t shift : shifts) {
        double m = std::nearbyint(
            std::ldexp(double(r.scale) / double(out.scale), shift));
        if (!(m >= 1.0 && m < double(kMaxResidualMultiplier))) {
          why = "its residual multiplier does not fit [1, 2^55)";
          return failure();
        }
        mr.push_back(int64_t(m));
      }
    }

    OpBuilder b(layer);
    Location loc = layer->getLoc();
    auto layerType = cast<RankedTensorType>(layer->getResult(0).getType());
    Type accType = codeBook ? b.getI64Type() : b.getI32Type();
    Value biasConst;
    if (hasBias) {
      auto biasType = RankedTensorType::get({info->n}, accType);
      SmallVector<int32_t> narrow(biasCodes.begin(), biasCodes.end());
      biasConst = tosa::ConstOp::create(
          b, bias ? bias.getLoc() : chain.biasAdd.getLoc(), biasType,
          codeBook
              ? DenseElementsAttr::get(biasType, ArrayRef<int64_t>(biasCodes))
              : DenseElementsAttr::get(biasType, ArrayRef<int32_t>(narrow)));
    }
    // The layer with an accumulator result (int32; int64 for code books)
    // and the accumulator bias.
    OperationState state(loc, layer->getName());
    state.addOperands({layer->getOperand(0), layer->getOperand(1)});
    if (hasBias)
      state.addOperands(biasConst);
    state.addAttributes(layer->getAttrs());
    state.addTypes(layerType.clone(accType));
    Operation *accLayer = b.create(state);
    Type codes = quantize.getType().getElementType();
    b.setInsertionPointAfter(accLayer);
    Value residual;
    DenseI64ArrayAttr residualMultiplier;
    if (chain.residualAdd) {
      // The shortcut's codes in the layer's layout, after both the layer
      // and the shortcut's quantize.
      Value shortcut = chain.shortcutQuantize.getResult();
      bool identity = true;
      for (auto [i, p] : llvm::enumerate(chain.shortcutPerm))
        identity &= int64_t(p) == int64_t(i);
      if (!identity) {
        auto type = cast<RankedTensorType>(shortcut.getType());
        SmallVector<int64_t> shape;
        for (int32_t p : chain.shortcutPerm)
          shape.push_back(type.getShape()[p]);
        shortcut = tosa::TransposeOp::create(
            b, chain.residualAdd.getLoc(), type.clone(shape), shortcut,
            b.getDenseI32ArrayAttr(chain.shortcutPerm));
      }
      residual = shortcut;
      residualMultiplier = b.getDenseI64ArrayAttr(mr);
    }
    Value v = RequantizeOp::create(
        b, loc, layerType.clone(codes), accLayer->getResult(0), residual,
        b.getDenseI32ArrayAttr(multipliers), b.getDenseI32ArrayAttr(shifts),
        residualMultiplier, b.getI32IntegerAttr(lo), b.getI32IntegerAttr(hi));
    if (chain.residualAdd)
      ++numResiduals;
    for (Operation *op : chain.ops) {
      if (isa<tosa::ClampOp>(op) || op == chain.biasAdd ||
          op == chain.residualAdd.getOperation())
        continue;
      b.setInsertionPoint(op);
      IRMapping mapping;
      mapping.map(op->getOperand(0), v);
      Operation *moved = b.clone(*op, mapping);
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      moved->getResult(0).setType(type.clone(codes));
      v = moved->getResult(0);
    }
    quantize.replaceAllUsesWith(v);
    quantize.erase();
    for (Operation *op : llvm::reverse(chain.ops))
      op->erase();
    layer->erase();
    return success();
  }
};

} // namespace
