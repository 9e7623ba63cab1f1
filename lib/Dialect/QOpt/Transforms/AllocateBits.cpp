//===- AllocateBits.cpp - Choose formats under budgets ---------------------===//
//
// Implements qopt-allocate-bits, a thin driver: layers
// (QuantizableLayerAnalysis) -> variables, resource table and solver
// problem (qopt/Analysis/AllocationProblem.h) -> solver -> qopt.format /
// qopt.group_formats on each layer -> reports (AllocationReport.h).
//
//===----------------------------------------------------------------------===//

#include "AllocationReport.h"
#include "PassOptionChecks.h"

#include "qopt/Analysis/AllocationProblem.h"
#include "qopt/Analysis/CostModel.h"
#include "qopt/Analysis/FPGACostModel.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Solver/Allocation.h"
#include "qopt/Target/TargetBackend.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_ALLOCATEBITSPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

struct AllocateBitsPass
    : public qopt::impl::AllocateBitsPassBase<AllocateBitsPass> {
  using Base::Base;

  LogicalResult fail(const Twine &message) {
    mlir::emitError(getOperation().getLoc()) << "qopt-allocate-bits: "
                                             << message;
    signalPassFailure();
    return failure();
  }

  /// Rejects option values that mean nothing (negative, NaN or infinite
  /// budgets, unknown budget names), one error each, before any work (the
  /// option parser rejects unknown solver and cost-resource names).
  LogicalResult validateOptions() {
    PassOptionChecks check(getOperation().getLoc(), getArgument());
    for (auto [name, value] : {std::pair<StringRef, double>{"weight-bytes",
                                                            weightBytes},
                               {"avg-bits", avgBits},
                               {"bops", bops},
                               {"latency", latency},
                               {"luts", luts},
                               {"dsps", dsps},
                               {"brams", brams},
                               {"cost-weight", costWeight}})
      check.nonNegative(name, value);
    check.inRange("act-bits", actBits, 1, 32);
    if (!pareto.empty()) {
      check.oneOf("pareto budget", pareto, ResourceTable::names());
      if (paretoOut.empty())
        check.error() << "pareto needs pareto-out=FILE";
      check.atLeast("pareto-points", paretoPoints, 2);
    } else if (!paretoOut.empty()) {
      check.error() << "pareto-out needs pareto=BUDGET";
    }
    return check.finish();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(validateOptions()))
      return signalPassFailure();
    const TargetBackend *targetBackend = nullptr;
    if (!target.empty()) {
      llvm::Expected<const TargetBackend *> found = getTargetBackend(target);
      if (!found)
        return (void)fail("target: " + llvm::toString(found.takeError()));
      targetBackend = *found;
    }

    // Variables: a target must lower every candidate it is offered.
    QuantizableLayerAnalysis analysis(module);
    std::vector<const LayerInfo *> floatLayers;
    auto lowered = [&](const LayerInfo &info,
                       CandidatesAttr candidates) -> LogicalResult {
      for (FormatAttr format : candidates.getFormats()) {
        LayerSupport support = targetBackend->getLayerSupport(info, format);
        if (!support.isSupported())
          return info.op->emitError()
                 << "qopt-allocate-bits: target '" << target
                 << "' does not lower layer '" << info.name << "' in "
                 << format.getShortName() << " (" << support.reason
                 << "); offer only what it lowers with "
                    "qopt-annotate-candidates{target="
                 << target << "}";
      }
      return success();
    };
    AllocationVariableOptions variableOptions;
    variableOptions.minBits = minBits;
    variableOptions.firstLastMinBits = firstLastMinBits;
    if (targetBackend)
      variableOptions.checkCandidates = lowered;
    FailureOr<std::vector<AllocationVariable>> collected =
        collectAllocationVariables(analysis.getLayers(), variableOptions,
                                   floatLayers);
    if (failed(collected))
      return signalPassFailure();
    std::vector<AllocationVariable> layers = std::move(*collected);
    if (layers.empty())
      return (void)fail(
          "no layer has candidates and a sensitivity (qopt-annotate-"
          "candidates warns for each format its target does not lower; "
          "qopt-sensitivity gives each layer with candidates a sensitivity)");

    // Target cost models: latency from the table when one is given, else
    // from the FPGA model; LUTs, DSPs and BRAMs from the FPGA model.
    std::unique_ptr<CostModel> table;
    std::shared_ptr<const FPGACostModel> fpgaCost;
    bool wantsLatency = latency > 0 || costResource == CostResource::Latency ||
                        pareto == "latency";
    // (A target with an FPGA resource model prices latency with it.)
    bool fpgaLatency = targetBackend && targetBackend->hasResourceModel() &&
                       latencyTable.empty();
    if (targetBackend && !fpgaLatency &&
        (!latencyTable.empty() || wantsLatency)) {
      // The target's cost model: for the cpu, a latency table measured
      // with its own kernels on this machine (and cached in the file).
      CostModelOptions costOptions;
      costOptions.tablePath = latencyTable;
      auto created = targetBackend->createCostModel(module, costOptions);
      if (!created)
        return (void)fail(llvm::toString(created.takeError()));
      table = std::move(*created);
    } else if (!latencyTable.empty()) {
      auto loaded = LatencyTableCostModel::load(latencyTable);
      if (!loaded)
        return (void)fail(llvm::toString(loaded.takeError()));
      table = std::move(*loaded);
    }
    // A table key that names no layer (the model changed, or names drifted)
    // would otherwise fall back to the per-MAC estimate silently.
    if (table)
      if (std::optional<std::string> warning =
              table->unmatchedLayersWarning(analysis.getLayers()))
        emitWarning(module.getLoc()) << "qopt-allocate-bits: " << *warning;
    // FPGA resources: fpga-model=FILE, else the target's own resource
    // model (the hls target's, from its part and reuse factor).
    if (!fpgaModel.empty()) {
      auto loaded = FPGACostModel::load(fpgaModel);
      if (!loaded)
        return (void)fail(llvm::toString(loaded.takeError()));
      fpgaCost = std::move(*loaded);
    } else if (targetBackend && targetBackend->hasResourceModel()) {
      auto created = targetBackend->createResourceModel(targetOptions);
      if (!created)
        return (void)fail(llvm::toString(created.takeError()));
      fpgaCost = std::move(*created);
    }
    for (auto [name, budget] : {std::pair<StringRef, double>{"luts", luts},
                                {"dsps", dsps},
                                {"brams", brams}})
      if (budget > 0 && !fpgaCost)
        return (void)fail(name + "=" + llvm::formatv("{0}", budget).str() +
                          " needs fpga-model=FILE (or target=hls)");
    if (fpgaCost)
      if (llvm::Error e = attachCostModels(layers, nullptr, fpgaCost.get()))
        return (void)fail(llvm::toString(std::move(e)));
    const CostModel *latencyModel =
        table ? static_cast<const CostModel *>(table.get()) : fpgaCost.get();
    if (latency > 0 && !latencyModel)
      return (void)fail("latency=" +
                        llvm::formatv("{0}", double(latency)).str() +
                        " needs latency-table=FILE or fpga-model=FILE");
    std::string latencyUnit;
    if (latencyModel) {
      if (llvm::Error e = attachCostModels(layers, latencyModel, nullptr))
        return (void)fail(llvm::toString(std::move(e)));
      latencyUnit = latencyModel->getLatencyUnit().str();
    }

    // The resource table and the problem.
    AllocationBudgets budgets;
    budgets.weightBytes = weightBytes;
    budgets.avgBits = avgBits;
    budgets.bops = bops;
    budgets.latency = latency;
    budgets.luts = luts;
    budgets.dsps = dsps;
    budgets.brams = brams;
    ResourceTable resources(budgets, totalParameters(layers), actBits,
                            latencyUnit, fpgaCost != nullptr);
    // Objective: sensitivity, plus cost-weight x a resource when asked
    // (trading accuracy against size or speed without a hard budget).
    const ResourceEntry *weighted = nullptr;
    if (costWeight != 0.0) {
      weighted = resources.lookup(stringifyCostResource(costResource));
      if (!weighted || !weighted->available)
        return (void)fail("cost-resource must be weight-bytes, avg-bits, "
                          "bops, latency (with latency-table or fpga-model) "
                          "or luts, dsps, brams (with fpga-model)");
    }
    solver::Problem problem =
        buildAllocationProblem(layers, resources, costWeight, weighted);

    solver::Solution solution = solve(problem);
    if (solution.status == solver::Status::Infeasible)
      return (void)fail("infeasible budgets" +
                        describeInfeasibility(problem, resources));
    if (solution.choice.empty())
      return (void)fail("solver '" + stringifyAllocationSolver(solver) +
                        "' failed: " + solution.message);
    applySolution(layers, solution);

    AllocationReport summary{layers,    problem,     solution,
                             resources, floatLayers, fpgaCost.get(),
                             targetBackend ? targetBackend->getName() : ""};
    if (!report.empty() && failed(writeReport(summary)))
      return;
    if (!reportJson.empty() && failed(writeJson(summary)))
      return;

    if (!pareto.empty()) {
      const ResourceEntry *swept = resources.lookup(pareto);
      if (!swept->available && pareto == "latency")
        return (void)fail("pareto=latency needs latency-table=FILE or "
                          "fpga-model=FILE");
      if (!swept->available) // luts, dsps or brams
        return (void)fail("pareto=" + pareto + " needs fpga-model=FILE");
      if (llvm::Error e = writeParetoFrontier(
              layers, problem, resources, *swept, paretoPoints,
              stringifyAllocationSolver(solver),
              [&](const solver::Problem &p) { return solve(p); },
              fpgaCost != nullptr, paretoOut))
        return (void)fail(llvm::toString(std::move(e)));
    }
  }

  solver::Solution solve(const solver::Problem &problem) {
    switch (solver) {
    case AllocationSolver::Exact:
      return solver::solveExact(problem);
    case AllocationSolver::CBC:
      return solver::solveCBC(problem);
    case AllocationSolver::Greedy:
      return solver::solveGreedy(problem);
    }
    llvm_unreachable("unknown solver");
  }

  /// Per layer: one format, or one per channel group (collapsed to one
  /// format when every group chose the same).
  static void applySolution(ArrayRef<AllocationVariable> layers,
                            const solver::Solution &solution) {
    for (size_t g = 0; g < layers.size();) {
      Operation *op = layers[g].info->op;
      SmallVector<Attribute> chosen;
      size_t end = g;
      for (; end < layers.size() && layers[end].info->op == op; ++end)
        chosen.push_back(layers[end].formats[solution.choice[end]]);
      if (llvm::all_equal(chosen)) {
        op->removeAttr(QOptDialect::kGroupFormatsAttrName);
        op->setAttr(QOptDialect::kFormatAttrName, chosen.front());
      } else {
        op->removeAttr(QOptDialect::kFormatAttrName);
        op->setAttr(QOptDialect::kGroupFormatsAttrName,
                    GroupFormatsAttr::get(op->getContext(),
                                          layers[g].channelsPerGroup,
                                          ArrayAttr::get(op->getContext(),
                                                         chosen)));
      }
      g = end;
    }
  }

  LogicalResult writeReport(const AllocationReport &r) {
    std::string error;
    auto out = openOutputFile(report, &error);
    if (!out)
      return fail(error);
    writeAllocationTable(out->os(), r);
    out->keep();
    return success();
  }

  LogicalResult writeJson(const AllocationReport &r) {
    std::string error;
    auto out = openOutputFile(reportJson, &error);
    if (!out)
      return fail(error);
    out->os() << llvm::formatv("{0:2}", allocationJson(r)) << "\n";
    out->keep();
    return success();
  }
};
} // namespace
