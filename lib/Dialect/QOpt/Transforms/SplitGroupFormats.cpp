//===- SplitGroupFormats.cpp - One layer per run of equal group formats ---===//
//
// Implements qopt-split-group-formats: a layer with qopt.group_formats ->
// runs of consecutive output-channel groups with the same format -> per run,
// a clone of the layer over tosa.slice'd weight (and bias) with that
// format -> tosa.concat of the clones along the result's channel axis.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_SPLITGROUPFORMATSPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// Output channels [begin, end) sharing one format.
struct Run {
  int64_t begin, end;
  FormatAttr format;
};

struct SplitGroupFormatsPass
    : public qopt::impl::SplitGroupFormatsPassBase<SplitGroupFormatsPass> {
  using Base::Base;

  void runOnOperation() override {
    QuantizableLayerAnalysis analysis(getOperation());
    bool failedAny = false;
    for (const LayerInfo &layer : analysis.getLayers()) {
      auto groups = layer.op->getAttrOfType<GroupFormatsAttr>(
          QOptDialect::kGroupFormatsAttrName);
      if (groups && failed(split(layer, groups)))
        failedAny = true;
    }
    if (failedAny)
      signalPassFailure();
  }

  LogicalResult split(const LayerInfo &layer, GroupFormatsAttr groups) {
    Operation *op = layer.op;
    QuantizableOpInterface iface = layer.op;
    int64_t axis = iface.getWeightOutputChannelAxis();
    ArrayRef<int64_t> weightShape = layer.weightType.getShape();
    int64_t channels = weightShape[axis];
    int64_t per = groups.getChannelsPerGroup();

    SmallVector<Run> runs;
    for (size_t g = 0; g < groups.getFormats().size(); ++g) {
      int64_t begin = int64_t(g) * per;
      int64_t end = std::min(channels, begin + per);
      FormatAttr format = groups.getFormat(g);
      if (!runs.empty() && runs.back().format == format)
        runs.back().end = end;
      else
        runs.push_back({begin, end, format});
    }
    op->removeAttr(QOptDialect::kGroupFormatsAttrName);
    if (runs.size() == 1) {
      op->setAttr(QOptDialect::kFormatAttrName, runs.front().format);
      return success();
    }

    // A layer splits by output channel when each output channel reads the
    // whole input (not depthwise) and lands on one result axis.
    std::optional<PatchGeometry> geometry = iface.getPatchGeometry();
    if (!geometry || geometry->depthwise || geometry->resultChannelAxis < 0)
      return op->emitError()
             << "qopt-split-group-formats: layer '" << layer.name << "' ("
             << op->getName()
             << ") cannot be split by output channel; allocate it per layer "
                "(qopt-sensitivity channels-per-group=0)";
    // TOSA allows unranked results and biases; slicing needs ranks.
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    std::optional<unsigned> biasOperand = geometry->biasOperandIndex;
    RankedTensorType biasType =
        biasOperand
            ? dyn_cast<RankedTensorType>(op->getOperand(*biasOperand).getType())
            : nullptr;
    int64_t resultAxis = geometry->resultChannelAxis;
    if (!resultType || (biasOperand && !biasType) ||
        resultAxis != resultType.getRank() - 1 ||
        resultType.isDynamicDim(resultAxis) ||
        resultType.getDimSize(resultAxis) != channels ||
        ShapedType::isDynamicShape(weightShape))
      return op->emitError() << "qopt-split-group-formats: layer '"
                             << layer.name
                             << "' needs static shapes with the weight's "
                                "output channels last in the result";

    OpBuilder b(op);
    Location loc = op->getLoc();
    auto shapeValue = [&](ArrayRef<int64_t> dims) -> Value {
      auto type = tosa::shapeType::get(b.getContext(), dims.size());
      return tosa::ConstShapeOp::create(b, loc, type,
                                        b.getIndexTensorAttr(dims));
    };
    // Channels [begin, end) of `v` (the ranked weight or bias) along
    // `sliceAxis`.
    auto slice = [&](Value v, int64_t sliceAxis, int64_t begin,
                     int64_t end) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> start(type.getRank(), 0), size(type.getShape());
      start[sliceAxis] = begin;
      size[sliceAxis] = end - begin;
      auto sliced = RankedTensorType::get(size, type.getElementType());
      return tosa::SliceOp::create(b, loc, sliced, v, shapeValue(start),
                                   shapeValue(size));
    };

    unsigned weightIndex = iface.getWeightOperandIndex();
    std::optional<unsigned> biasIndex;
    if (biasOperand && biasType.getRank() == 1 &&
        biasType.getDimSize(0) == channels)
      biasIndex = biasOperand;
    Attribute actStats = op->getAttr(QOptDialect::kActStatsAttrName);
    SmallVector<Value> parts;
    for (const Run &run : runs) {
      Value weight = slice(op->getOperand(weightIndex), axis, run.begin,
                           run.end);
      std::optional<Value> bias;
      if (biasIndex)
        bias = slice(op->getOperand(*biasIndex), 0, run.begin, run.end);
      Operation *part = b.clone(*op);
      part->setOperand(weightIndex, weight);
      if (bias)
        part->setOperand(*biasIndex, *bias);
      SmallVector<int64_t> shape(resultType.getShape());
      shape[resultAxis] = run.end - run.begin;
      part->getResult(0).setType(
          RankedTensorType::get(shape, resultType.getElementType()));
      std::string name = layer.name + "[" + std::to_string(run.begin) + ":" +
                         std::to_string(run.end) + "]";
      part->setLoc(NameLoc::get(b.getStringAttr(name), loc));
      part->removeAttr(QOptDialect::kSensitivityAttrName);
      part->setAttr(QOptDialect::kFormatAttrName, run.format);
      parts.push_back(part->getResult(0));
    }
    auto concat = tosa::ConcatOp::create(b, loc, resultType, parts,
                                         b.getI32IntegerAttr(resultAxis));
    if (actStats)
      concat->setAttr(QOptDialect::kActStatsAttrName, actStats);
    op->getResult(0).replaceAllUsesWith(concat.getResult());
    op->erase();
    return success();
  }
};
} // namespace
