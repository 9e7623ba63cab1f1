//===- QuantizableLayers.h - The layers of a model ---------------*- C++ -*-===//
//
// Collects the quantizable layers under an op (usually the module) through
// QuantizableOpInterface, with what later stages need to know about each:
// a stable name, the weight, its size and the layer's MACs. Sensitivity
// analysis, bit allocation and reports all index layers this way.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_QUANTIZABLELAYERS_H
#define QOPT_ANALYSIS_QUANTIZABLELAYERS_H

#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::qopt {

/// One quantizable layer.
struct LayerInfo {
  /// The layer op.
  QuantizableOpInterface op;
  /// A name unique within the analysed op: the layer's location name (the
  /// ONNX node name for imported models), else `<op name>#<index>`; repeated
  /// names get a `#<n>` suffix.
  std::string name;
  /// Type of the weight operand.
  ShapedType weightType;
  /// Number of weight elements, or std::nullopt if the shape is dynamic.
  std::optional<int64_t> numParams;
  /// Multiply-accumulates per execution, or std::nullopt if unknown.
  std::optional<int64_t> macs;
  /// True if the weight is known at compile time (see isConstantFoldable).
  bool constantWeight = false;
};

/// The quantizable layers nested under an op, in pre-order walk order. Can be
/// obtained with `getAnalysis<QuantizableLayerAnalysis>()`.
class QuantizableLayerAnalysis {
public:
  explicit QuantizableLayerAnalysis(Operation *root);

  ArrayRef<LayerInfo> getLayers() const { return layers; }

private:
  SmallVector<LayerInfo> layers;
};

/// The name a location gives an op: the first NameLoc found in `loc`
/// (through fused and call-site locations), or an empty string.
std::string getLocationName(Location loc);

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_QUANTIZABLELAYERS_H
