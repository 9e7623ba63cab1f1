//===- PrintLayerTable.cpp - Print the quantizable layers ------------------===//
//
// Implements qopt-print-layer-table.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_PRINTLAYERTABLEPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// `1234567` -> `1.2 M`.
std::string humanCount(int64_t value) {
  const char *suffixes[] = {"", " K", " M", " G", " T"};
  double scaled = double(value);
  unsigned index = 0;
  while (scaled >= 1000.0 && index < 4) {
    scaled /= 1000.0;
    ++index;
  }
  if (index == 0)
    return std::to_string(value);
  return llvm::formatv("{0:f1}{1}", scaled, suffixes[index]).str();
}

std::string optionalCount(std::optional<int64_t> value) {
  return value ? std::to_string(*value) : "?";
}

std::string typeString(Type type) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << type;
  return result;
}

struct PrintLayerTablePass
    : public qopt::impl::PrintLayerTablePassBase<PrintLayerTablePass> {
  using Base::Base;

  void runOnOperation() override {
    markAllAnalysesPreserved();
    const auto &analysis = getAnalysis<QuantizableLayerAnalysis>();

    std::string errorMessage;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(outputFile, &errorMessage);
    if (!file) {
      mlir::emitError(getOperation()->getLoc())
          << "qopt-print-layer-table: " << errorMessage;
      return signalPassFailure();
    }
    print(analysis.getLayers(), file->os());
    file->keep();
  }

  void print(ArrayRef<LayerInfo> layers, raw_ostream &os) {
    int64_t params = 0, macs = 0;
    unsigned constant = 0;
    for (const LayerInfo &layer : layers) {
      params += layer.numParams.value_or(0);
      macs += layer.macs.value_or(0);
      constant += layer.constantWeight;
    }
    os << "qopt layers: " << layers.size() << " (" << constant
       << " with constant weights), " << humanCount(params) << " params, "
       << humanCount(macs) << " MACs\n";

    // Rows as strings first, so columns can be sized to their content.
    SmallVector<SmallVector<std::string>> rows;
    rows.push_back({"#", "layer", "op", "weight", "params", "MACs", "const",
                    "candidates", "chosen"});
    for (auto [index, layer] : llvm::enumerate(layers)) {
      std::string candidates = "-", chosen = "-";
      if (auto attr = layer.op->getAttrOfType<CandidatesAttr>(
              QOptDialect::kCandidatesAttrName)) {
        SmallVector<std::string> names;
        for (FormatAttr format : attr.getFormats())
          names.push_back(format.getShortName());
        candidates = llvm::join(names, ",");
      }
      if (auto attr = layer.op->getAttrOfType<FormatAttr>(
              QOptDialect::kFormatAttrName))
        chosen = attr.getShortName();
      rows.push_back({std::to_string(index), layer.name,
                      layer.op->getName().getStringRef().str(),
                      typeString(layer.weightType),
                      optionalCount(layer.numParams),
                      optionalCount(layer.macs),
                      layer.constantWeight ? "yes" : "no", candidates,
                      chosen});
    }
    SmallVector<size_t> widths(rows.front().size(), 0);
    for (const auto &row : rows)
      for (auto [i, cell] : llvm::enumerate(row))
        widths[i] = std::max(widths[i], cell.size());
    // Numbers are right-aligned, text left-aligned.
    const bool rightAligned[] = {true,  false, false, false, true,
                                 true,  false, false, false};
    for (const auto &row : rows) {
      for (auto [i, cell] : llvm::enumerate(row)) {
        os << "  ";
        if (rightAligned[i])
          os << llvm::right_justify(cell, widths[i]);
        else if (i + 1 == row.size())
          os << cell;
        else
          os << llvm::left_justify(cell, widths[i]);
      }
      os << "\n";
    }
  }
};
} // namespace
