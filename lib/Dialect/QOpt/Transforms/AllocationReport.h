//===- AllocationReport.h - qopt-allocate-bits reports -----------*- C++ -*-===//
//
// The report writers of qopt-allocate-bits: the allocation table (text),
// its JSON form, and the Pareto frontier (JSON or CSV). Every total is read
// through the allocation's resource table (qopt/Analysis/AllocationProblem.h).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_DIALECT_QOPT_TRANSFORMS_ALLOCATIONREPORT_H
#define QOPT_LIB_DIALECT_QOPT_TRANSFORMS_ALLOCATIONREPORT_H

#include "qopt/Analysis/AllocationProblem.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

namespace mlir::qopt {

/// What a solved allocation reports.
struct AllocationReport {
  llvm::ArrayRef<AllocationVariable> variables;
  const solver::Problem &problem;
  const solver::Solution &solution;
  const ResourceTable &table;
  /// Layers deployed in float (constant weight, no candidates).
  llvm::ArrayRef<const LayerInfo *> floatLayers;
  /// The FPGA model when one is used (its device line and columns).
  const FPGACostModel *fpgaModel = nullptr;
  /// The target deployed to, or empty.
  llvm::StringRef target;
};

/// The allocation table: a summary, the budgets, one row per layer (a layer
/// allocated per channel group sums its groups), then the float layers.
void writeAllocationTable(llvm::raw_ostream &os, const AllocationReport &r);

/// The same as JSON.
llvm::json::Value allocationJson(const AllocationReport &r);

/// Solves `base` at `points` values of `swept`'s budget between the
/// smallest and largest achievable use and writes the frontier to `path`
/// (CSV if it ends in .csv, else JSON).
llvm::Error writeParetoFrontier(
    llvm::ArrayRef<AllocationVariable> variables, const solver::Problem &base,
    const ResourceTable &table, const ResourceEntry &swept, unsigned points,
    llvm::StringRef solverName,
    const std::function<solver::Solution(const solver::Problem &)> &solve,
    bool withFPGA, llvm::StringRef path);

} // namespace mlir::qopt

#endif // QOPT_LIB_DIALECT_QOPT_TRANSFORMS_ALLOCATIONREPORT_H
