//===- QuantizableLayers.cpp - The layers of a model -----------------------===//
//
// Implements QuantizableLayerAnalysis.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"

#include "mlir/IR/Location.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace mlir::qopt;

std::string mlir::qopt::getLocationName(Location loc) {
  std::string name;
  loc->walk([&](Location inner) {
    if (auto nameLoc = dyn_cast<NameLoc>(inner)) {
      name = nameLoc.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

QuantizableLayerAnalysis::QuantizableLayerAnalysis(Operation *root) {
  llvm::StringMap<unsigned> seen;
  root->walk<WalkOrder::PreOrder>([&](QuantizableOpInterface op) {
    LayerInfo info;
    info.op = op;
    // qopt.name (set by qopt-annotate-candidates) survives files printed
    // without locations; else the location's name.
    if (auto name = op->getAttrOfType<StringAttr>("qopt.name"))
      info.name = name.getValue().str();
    else
      info.name = getLocationName(op->getLoc());
    if (info.name.empty())
      info.name = (op->getName().getStringRef() + "#" +
                   Twine(layers.size()))
                      .str();
    unsigned &count = seen[info.name];
    if (count++ > 0)
      info.name += "#" + std::to_string(count - 1);
    info.weightType = op.getWeightType();
    if (info.weightType.hasStaticShape())
      info.numParams = info.weightType.getNumElements();
    info.macs = op.getMACs();
    info.constantWeight = isConstantFoldable(op.getWeight());
    layers.push_back(std::move(info));
  });
}
