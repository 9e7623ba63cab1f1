//===- FakeQuantizeWeights.cpp - Simulate the chosen weight formats --------===//
//
// Implements qopt-fake-quantize-weights: layers with qopt.format -> weight
// evaluated from constants -> fakeQuantizeWeight (qopt/Analysis) -> a new
// tosa.const feeding the layer.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Executor/Executor.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_FAKEQUANTIZEWEIGHTSPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {
struct FakeQuantizeWeightsPass
    : public qopt::impl::FakeQuantizeWeightsPassBase<FakeQuantizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    QuantizableLayerAnalysis analysis(getOperation());
    bool failedAny = false;
    llvm::StringSet<> wanted(llvm::from_range, layers), found;
    for (const LayerInfo &layer : analysis.getLayers()) {
      auto format =
          layer.op->getAttrOfType<FormatAttr>(QOptDialect::kFormatAttrName);
      if (!layers.empty() && !wanted.contains(layer.name))
        continue;
      found.insert(layer.name);
      if (layer.op->hasAttr(QOptDialect::kGroupFormatsAttrName)) {
        layer.op->emitError()
            << "qopt-fake-quantize-weights: layer '" << layer.name
            << "' has a format per channel group; run "
               "qopt-split-group-formats first";
        failedAny = true;
        continue;
      }
      if (!format) {
        if (layers.empty())
          continue;
        layer.op->emitError() << "qopt-fake-quantize-weights: layer '"
                              << layer.name << "' has no qopt.format";
        failedAny = true;
        continue;
      }
      if (failed(rewrite(layer, format)))
        failedAny = true;
    }
    for (const std::string &name : layers) {
      if (found.contains(name))
        continue;
      mlir::emitError(getOperation()->getLoc())
          << "qopt-fake-quantize-weights: no layer named '" << name << "'";
      failedAny = true;
    }
    if (failedAny)
      signalPassFailure();
  }

  LogicalResult rewrite(const LayerInfo &layer, FormatAttr format) {
    QuantizableOpInterface iface = layer.op;
    Operation *op = iface;
    Value weight = iface.getWeight();
    FailureOr<Tensor> w;
    if (layer.constantWeight)
      w = exec::evaluateConstantValue(weight);
    if (!layer.constantWeight || failed(w) || w->getDType() != DType::F32)
      return op->emitError() << "qopt-fake-quantize-weights: layer '"
                             << layer.name << "' has qopt.format "
                             << format.getShortName()
                             << " but no constant float32 weight";
    Tensor q = fakeQuantizeWeight(*w, format);
    // evaluateConstantValue succeeds only on static tensors.
    auto type = cast<RankedTensorType>(weight.getType());
    auto values = DenseElementsAttr::get(
        type, ArrayRef(q.data<float>(), size_t(q.getNumElements())));
    OpBuilder b(op);
    auto constant = tosa::ConstOp::create(b, weight.getLoc(), type, values);
    for (OpOperand &operand : op->getOpOperands())
      if (operand.get() == weight) {
        operand.set(constant);
        break;
      }
    return success();
  }
};
} // namespace
