//===- CostModel.h - Per-target cost of a layer in a format -----*- C++ -*-===//
//
// What a layer costs on a target when its weight is stored in a format:
// the bit allocator budgets these costs. One implementation per kind of
// target; the allocator sees only this interface. The latency table here is
// also the file format of measured costs (qopt-measure-costs), which carries
// the fingerprint of the machine it was measured on.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_COSTMODEL_H
#define QOPT_ANALYSIS_COSTMODEL_H

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <memory>
#include <optional>
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
  /// Names the model has figures for that match none of `layers` (sorted),
  /// e.g. the layers of a latency table measured on another version of the
  /// model. Models that price layers by their shape return nothing.
  virtual llvm::SmallVector<std::string>
  unmatchedLayers(llvm::ArrayRef<LayerInfo> layers) const;
  /// The warning to print about unmatchedLayers(layers), naming them (at
  /// most 10, then a count), or std::nullopt when every name matches or
  /// the warning was already returned once by this model.
  std::optional<std::string>
  unmatchedLayersWarning(llvm::ArrayRef<LayerInfo> layers) const;

private:
  mutable bool warnedUnmatched = false;
};

/// Format key of the float (unquantized) layer in latency tables.
inline constexpr llvm::StringLiteral kFloatFormatKey = "f32";

/// The contents of a latency table file (docs/Allocation.md):
///
///   {"target": "cpu", "unit": "us",
///    "per_mac": {"8": 0.0004, "4": 0.00025, "2": 0.0002},
///    "per_layer": 1.5,
///    "layers": {"/conv1/Conv": {"f32": 80.2, "si8-ch": 51.0}},
///    "fingerprint": {"cpu": "...", ...}, "qopt_version": "0.1.0",
///    "measurement": {"repeat": 20, ...}}
///
/// Hand-written tables have no fingerprint; measured ones record where
/// (`fingerprint`, target-defined keys) and by which qopt they were
/// measured, and how (`measurement`, for the reader only).
struct LatencyTable {
  std::string target = "unknown";
  std::string unit = "us";
  std::map<unsigned, double> perMac;
  double perLayer = 0;
  /// Layer name -> format short name (or kFloatFormatKey) -> latency.
  std::map<std::string, std::map<std::string, double>> layers;
  std::optional<llvm::json::Object> fingerprint;
  std::string qoptVersion;
  std::optional<llvm::json::Object> measurement;

  /// Parses a table; errors name `origin` and the offending key.
  static llvm::Expected<LatencyTable> parse(llvm::StringRef json,
                                            llvm::StringRef origin);
  static llvm::Expected<LatencyTable> load(llvm::StringRef path);

  /// Writes the table as JSON: keys sorted, one layer per line, latencies
  /// with three decimals (parse(write()) writes the same text again).
  void write(llvm::raw_ostream &os) const;
  /// Writes the table to `path` (atomically: a temporary file renamed).
  llvm::Error save(llvm::StringRef path) const;

  /// Whether the table was measured on the machine `fingerprint` describes
  /// by qopt `version`; when not, `why` says what differs.
  bool matches(const llvm::json::Object &fingerprint, llvm::StringRef version,
               std::string *why = nullptr) const;

  /// The entry of `layer` in `format` (a short name or kFloatFormatKey).
  std::optional<double> lookup(llvm::StringRef layer,
                               llvm::StringRef format) const;
};

/// A latency table as a cost model. A layer's entry under "layers" (by
/// layer name, then format short name) is used as is (measured figures);
/// otherwise the latency is MACs * per_mac[weight bits] + per_layer.
/// Missing both is an error.
class LatencyTableCostModel : public CostModel {
public:
  static llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
  load(llvm::StringRef path);
  static llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
  parse(llvm::StringRef json, llvm::StringRef origin);
  /// A cost model over `table` (which must have "per_mac" or "layers");
  /// `origin` names it in errors.
  static llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
  fromTable(LatencyTable table, llvm::StringRef origin);

  llvm::StringRef getTarget() const override { return table.target; }
  llvm::StringRef getLatencyUnit() const override { return table.unit; }
  llvm::Expected<double> latency(const LayerInfo &layer,
                                 FormatAttr format) const override;
  /// Layer names under "layers" that are not the name of any of `layers`.
  llvm::SmallVector<std::string>
  unmatchedLayers(llvm::ArrayRef<LayerInfo> layers) const override;

  const LatencyTable &getTable() const { return table; }

private:
  LatencyTable table;
  std::string origin;
};

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_COSTMODEL_H
