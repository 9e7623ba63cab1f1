//===- AnnotateCandidates.cpp - Attach candidate formats to layers ---------===//
//
// Implements qopt-annotate-candidates: the search space of bit allocation.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Target/TargetBackend.h"

#include "PassOptionChecks.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinTypes.h"

#include <map>

namespace mlir::qopt {
#define GEN_PASS_DEF_ANNOTATECANDIDATESPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {
struct AnnotateCandidatesPass
    : public qopt::impl::AnnotateCandidatesPassBase<AnnotateCandidatesPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    // Option errors have no IR location; the message names the pass. Every
    // bad option is reported.
    PassOptionChecks check(UnknownLoc::get(ctx), getArgument());
    elementTypes.clear();
    SmallVector<unsigned> widths(bits.begin(), bits.end());
    if (widths.empty() && minifloats.empty())
      widths = {8, 4};
    for (unsigned width : widths) {
      if (width < 1 || width > 8) {
        check.error() << "bits must be 1 to 8, got " << width;
        continue;
      }
      // Signed symmetric grids need a sign bit and one magnitude bit.
      if (width == 1 && !asymmetric) {
        check.error() << "bits=1 needs asymmetric (a symmetric signed "
                         "format needs at least 2 bits)";
        continue;
      }
      elementTypes.push_back(IntegerType::get(
          ctx, width,
          asymmetric && !signedAsymmetric ? IntegerType::Unsigned
                                          : IntegerType::Signed));
    }
    for (const std::string &name : minifloats) {
      Type type;
      {
        // parseType reports its own syntax errors; ours is clearer.
        ScopedDiagnosticHandler silence(ctx, [](Diagnostic &) {
          return success();
        });
        type = parseType(name, ctx, /*numRead=*/nullptr,
                         /*isKnownNullTerminated=*/false);
      }
      if (!type || !isa<FloatType>(type)) {
        check.error() << "minifloats: '" << name
                      << "' is not a builtin floating-point type";
        continue;
      }
      if (failed(FormatAttr::verify([&]() { return check.error(); }, type,
                                    Granularity::PerTensor, -1, 0,
                                    /*symmetric=*/true)))
        continue;
      elementTypes.push_back(type);
    }
    check.atLeast("group-size", groupSize, 1);
    if (signedAsymmetric && !asymmetric)
      check.error() << "signed applies to asymmetric formats; add asymmetric";
    targetBackend = nullptr;
    if (!target.empty()) {
      llvm::Expected<const TargetBackend *> found = getTargetBackend(target);
      if (!found)
        check.error() << "target: " << llvm::toString(found.takeError());
      else
        targetBackend = *found;
    }
    return check.finish();
  }

  void runOnOperation() override {
    bool failedAny = false;
    dropped.clear();
    QuantizableLayerAnalysis analysis(getOperation());
    for (const LayerInfo &info : analysis.getLayers()) {
      QuantizableOpInterface layer = info.op;
      if (!overwrite && layer->hasAttr(QOptDialect::kCandidatesAttrName))
        continue;
      if (!info.constantWeight)
        continue;
      // External models are not verified with the op: the axes used below
      // must exist.
      if (failed(qopt::detail::verifyQuantizableOpInterface(layer))) {
        failedAny = true;
        continue;
      }
      if (failed(annotate(info)))
        failedAny = true;
    }
    // One warning per dropped format and reason, naming the layers.
    for (auto &[key, names] : dropped) {
      InFlightDiagnostic diag = emitWarning(getOperation()->getLoc())
                                << "qopt-annotate-candidates: target '"
                                << target << "' does not lower "
                                << key.first << " for " << names.size()
                                << " layer" << (names.size() == 1 ? "" : "s")
                                << " (" << key.second << "): ";
      for (size_t i = 0; i < names.size() && i < 8; ++i)
        diag << (i ? ", " : "") << "'" << names[i] << "'";
      if (names.size() > 8)
        diag << ", ...";
    }
    if (failedAny)
      signalPassFailure();
  }

private:
  LogicalResult annotate(const LayerInfo &info) {
    QuantizableOpInterface layer = info.op;
    ArrayRef<int64_t> shape = layer.getWeightType().getShape();
    Granularity layerGranularity = granularity;
    int64_t axis = -1, size = 0;
    if (granularity == Granularity::PerChannel) {
      axis = layer.getWeightOutputChannelAxis();
    } else if (granularity == Granularity::Group) {
      axis = layer.getWeightGroupAxis();
      size = groupSize;
      if (ShapedType::isDynamic(shape[axis]) || shape[axis] % size != 0) {
        layer->emitWarning() << "group size " << size
                             << " does not tile weight axis " << axis
                             << " of size "
                             << (ShapedType::isDynamic(shape[axis])
                                     ? std::string("?")
                                     : std::to_string(shape[axis]))
                             << "; offering per_channel formats instead";
        layerGranularity = Granularity::PerChannel;
        axis = layer.getWeightOutputChannelAxis();
        size = 0;
      }
    }

    SmallVector<FormatAttr> formats;
    for (Type elementType : elementTypes) {
      bool symmetric = !asymmetric || isa<FloatType>(elementType);
      auto diag = [&]() { return layer->emitError(); };
      FormatAttr format = FormatAttr::getChecked(
          diag, &getContext(), elementType, layerGranularity, axis, size,
          symmetric);
      if (!format)
        return failure();
      if (targetBackend) {
        LayerSupport support = targetBackend->getLayerSupport(info, format);
        if (!support.isSupported()) {
          dropped[{format.getShortName(), support.reason}].push_back(
              info.name);
          continue;
        }
      }
      if (!llvm::is_contained(formats, format))
        formats.push_back(format);
    }
    // The name later stages (and latency tables, layers= options) use.
    layer->setAttr(QOptDialect::kNameAttrName,
                   StringAttr::get(&getContext(), info.name));
    if (formats.empty())
      return success(); // The layer stays float (the warning says why).
    layer->setAttr(QOptDialect::kCandidatesAttrName,
                   CandidatesAttr::get(&getContext(), formats));
    return success();
  }

  SmallVector<Type> elementTypes;
  const TargetBackend *targetBackend = nullptr;
  /// (format, reason) -> layers the target dropped it for.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      dropped;
};
} // namespace
