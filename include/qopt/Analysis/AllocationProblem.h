//===- AllocationProblem.h - Layers as a bit-allocation problem --*- C++ -*-===//
//
// Translates the quantizable layers of a module into the solver's
// multiple-choice knapsack (qopt/Solver/Allocation.h), the problem builder
// of qopt-allocate-bits:
//
//  * variables: one per layer with candidates, or one per group of output
//    channels when its sensitivity is per group, each with the candidates
//    its bit floors keep and their sensitivities;
//  * a resource table: one entry per resource a budget can bound (name,
//    unit, the use of a variable in a format, the budget in the option's
//    units), the same table the report and the Pareto sweep read;
//  * the solver problem: costs (sensitivity + cost-weight x a resource) and
//    the uses of the budgeted resources in table order.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_ALLOCATIONPROBLEM_H
#define QOPT_ANALYSIS_ALLOCATIONPROBLEM_H

#include "qopt/Analysis/CostModel.h"
#include "qopt/Analysis/FPGACostModel.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Solver/Allocation.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qopt {

/// One variable of the allocation: a whole layer, or one group of its
/// output channels when its sensitivity is per group.
struct AllocationVariable {
  const LayerInfo *info = nullptr;
  /// The candidates the floors allow, their sensitivities and their
  /// indices among the layer's candidates.
  SmallVector<FormatAttr> formats;
  SmallVector<double> sensitivity;
  SmallVector<int64_t> candidateIndex;
  /// Per allowed candidate, when a latency / FPGA model is attached.
  SmallVector<double> latency;
  SmallVector<FPGAEstimate> fpga;
  /// Position of the layer among the allocated layers.
  size_t ordinal = 0;
  /// Output channels [channelBegin, channelEnd) of `channels`, in groups of
  /// `channelsPerGroup` (0: the whole layer).
  int64_t channelsPerGroup = 0, channelBegin = 0, channelEnd = 0,
          channels = 0;

  /// The share of the layer's parameters and MACs this variable holds.
  double fraction() const;
  /// The weight shape of this variable's channels.
  SmallVector<int64_t> weightShape() const;
  /// The layer's name, with `[begin:end]` for a channel group.
  std::string name() const;
};

/// The resources a budget, the cost term or a Pareto sweep can use, in the
/// order a problem lists them.
enum class AllocationResource {
  WeightBytes,
  AvgBits,
  BOPs,
  Latency,
  LUTs,
  DSPs,
  BRAMs,
};
constexpr size_t kNumAllocationResources = 7;

/// The use of a variable in a format, summed over variables.
using ResourceUse =
    std::function<double(const AllocationVariable &, FormatAttr)>;

/// One resource of the table.
struct ResourceEntry {
  AllocationResource kind;
  /// The option spelling (weight-bytes, avg-bits, bops, latency, luts,
  /// dsps, brams), also the solver's resource name.
  std::string name;
  /// The unit of its totals in reports.
  std::string unit;
  /// The use of a variable in a format (avg-bits: parameter bits).
  ResourceUse use;
  /// The budget as given by its option (0: none).
  double budget = 0;
  /// Whether the model its uses need is there (latency: a latency model;
  /// LUTs, DSPs, BRAMs: the FPGA model).
  bool available = true;

  /// A summed use (or the solver's budget) in the option's units: avg-bits
  /// divides parameter bits by the parameters.
  double toOptionUnits(double summed) const;
  /// A summed use as reports print it.
  std::string format(double summed) const;

private:
  friend class ResourceTable;
  double totalParams = 1;
};

/// Budgets by option, 0 where not given.
struct AllocationBudgets {
  double weightBytes = 0, avgBits = 0, bops = 0, latency = 0, luts = 0,
         dsps = 0, brams = 0;
};

/// One entry per resource, in AllocationResource order.
class ResourceTable {
public:
  /// `totalParams` over the variables; `actBits` for BOPs; `latencyUnit`
  /// non-empty when the variables carry latencies, `haveFPGA` when they
  /// carry FPGA estimates.
  ResourceTable(const AllocationBudgets &budgets, double totalParams,
                unsigned actBits, llvm::StringRef latencyUnit, bool haveFPGA);

  const ResourceEntry &get(AllocationResource kind) const {
    return entries[size_t(kind)];
  }
  /// The entry an option names, or null for an unknown name.
  const ResourceEntry *lookup(llvm::StringRef name) const;
  llvm::ArrayRef<ResourceEntry> getEntries() const { return entries; }
  /// The option spellings, in table order.
  static llvm::ArrayRef<llvm::StringRef> names();

private:
  std::array<ResourceEntry, kNumAllocationResources> entries;
};

/// What the variables are collected under.
struct AllocationVariableOptions {
  /// Bit floors for every layer and for the first and last ones.
  unsigned minBits = 0, firstLastMinBits = 0;
  /// Checks a layer's candidates before it becomes variables (a target
  /// that must lower them); emits its own error.
  llvm::function_ref<LogicalResult(const LayerInfo &, CandidatesAttr)>
      checkCandidates;
};

/// The variables of `layers`: those with candidates and a constant weight,
/// in order. Layers with a constant weight and no candidates go to
/// `floatLayers` (deployed in float). Emits an error on the layer and fails
/// on a missing or malformed sensitivity, a dynamic shape, or floors no
/// candidate meets; fails without a variable only if `layers` has none
/// (the caller reports that).
FailureOr<std::vector<AllocationVariable>>
collectAllocationVariables(llvm::ArrayRef<LayerInfo> layers,
                           const AllocationVariableOptions &options,
                           std::vector<const LayerInfo *> &floatLayers);

/// Attaches per-candidate latencies (scaled by each variable's share) and
/// FPGA estimates; either model may be null.
llvm::Error attachCostModels(std::vector<AllocationVariable> &variables,
                             const CostModel *latencyModel,
                             const FPGACostModel *fpgaModel);

/// Total parameters over the variables (groups by their share).
double totalParameters(llvm::ArrayRef<AllocationVariable> variables);

/// The solver problem: the budgeted resources in table order, each choice
/// costing its sensitivity plus `costWeight` x `costResource`'s use in the
/// option's units (when `costResource` is set).
solver::Problem buildAllocationProblem(
    llvm::ArrayRef<AllocationVariable> variables, const ResourceTable &table,
    double costWeight, const ResourceEntry *costResource);

/// Why an infeasible `problem` is: each budget below its smallest
/// achievable use, in the option's units ("; <name> budget B is below the
/// smallest achievable M"...).
std::string describeInfeasibility(const solver::Problem &problem,
                                  const ResourceTable &table);

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_ALLOCATIONPROBLEM_H
