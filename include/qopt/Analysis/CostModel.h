//===- CostModel.h - Per-target cost of a layer in a format -----*- C++ -*-===//
//
// What a layer costs on a target when its weight is stored in a format:
// the bit allocator budgets these costs. One implementation per kind of
// target; the allocator sees only this interface.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_COSTMODEL_H
#define QOPT_ANALYSIS_COSTMODEL_H

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"

#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <string>

namespace mlir::qopt {

class CostModel {
public:
  virtual ~CostModel();
  /// Name of the target the model describes, for reports.
  virtual llvm::StringRef getTarget() const = 0;
  /// Unit of latency() ("us", "cycles", ...).
  virtual llvm::StringRef getLatencyUnit() const = 0;
  /// Latency of one execution of `layer` with its weight in `format`, or
  /// an error naming the layer and format the model cannot price.
  virtual llvm::Expected<double> latency(const LayerInfo &layer,
                                         FormatAttr format) const = 0;
};

/// A latency table read from a JSON file (docs/Allocation.md):
///
///   {"target": "cpu-avx2", "unit": "us",
///    "per_mac": {"8": 0.0004, "4": 0.00025, "2": 0.0002},
///    "per_layer": 1.5,
///    "layers": {"/conv1/Conv": {"si8-ch": 51.0, "si4-ch": 33.2}}}
///
/// A layer's entry under "layers" (by layer name, then format short name)
/// is used as is (measured figures); otherwise the latency is
/// MACs * per_mac[weight bits] + per_layer. Missing both is an error.
class LatencyTableCostModel : public CostModel {
public:
  static llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
  load(llvm::StringRef path);
  static llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
  parse(llvm::StringRef json, llvm::StringRef origin);

  llvm::StringRef getTarget() const override { return target; }
  llvm::StringRef getLatencyUnit() const override { return unit; }
  llvm::Expected<double> latency(const LayerInfo &layer,
                                 FormatAttr format) const override;

private:
  std::string target, unit, origin;
  std::map<unsigned, double> perMac;
  double perLayer = 0;
  std::map<std::string, std::map<std::string, double>> layers;
};

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_COSTMODEL_H
