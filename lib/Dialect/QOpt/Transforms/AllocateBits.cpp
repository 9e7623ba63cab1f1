//===- AllocateBits.cpp - Choose formats under budgets ---------------------===//
//
// Implements qopt-allocate-bits: layers with candidates and sensitivities
// -> solver::Problem (costs: sensitivity; resources: bytes, bits, BOPs,
// latency, FPGA LUTs/DSPs/BRAMs) -> solver -> qopt.format on each layer, and
// a report.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/CostModel.h"
#include "qopt/Analysis/FPGACostModel.h"
#include "qopt/Target/TargetBackend.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Solver/Allocation.h"

#include "PassOptionChecks.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
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

/// One variable of the allocation: a whole layer, or one group of its
/// output channels when its sensitivity is per group.
struct Layer {
  const LayerInfo *info;
  SmallVector<FormatAttr> formats; // allowed candidates
  SmallVector<double> sensitivity;
  SmallVector<int64_t> candidateIndex; // into the layer's candidates
  SmallVector<double> latency;         // per allowed candidate, with a model
  SmallVector<FPGAEstimate> fpga;      // per allowed candidate, with a model
  /// Position of the layer among the allocated layers.
  size_t ordinal = 0;
  /// Output channels [channelBegin, channelEnd) of `channels`, in groups of
  /// `channelsPerGroup` (0: the whole layer).
  int64_t channelsPerGroup = 0, channelBegin = 0, channelEnd = 0,
          channels = 0;

  /// The share of the layer's parameters and MACs this variable holds.
  double fraction() const {
    return channels ? double(channelEnd - channelBegin) / double(channels)
                    : 1.0;
  }
  /// The weight shape of this variable's channels.
  SmallVector<int64_t> weightShape() const {
    SmallVector<int64_t> shape(info->weightType.getShape());
    if (channelsPerGroup)
      shape[QuantizableOpInterface(info->op).getWeightOutputChannelAxis()] =
          channelEnd - channelBegin;
    return shape;
  }
  std::string name() const {
    if (!channelsPerGroup)
      return info->name;
    return info->name + "[" + std::to_string(channelBegin) + ":" +
           std::to_string(channelEnd) + "]";
  }
};

using UseFn = std::function<double(const Layer &, FormatAttr)>;

/// The value of `field` of the FPGA estimate of `l` in `f`.
double fpgaUse(const Layer &l, FormatAttr f, double FPGAEstimate::*field) {
  for (size_t c = 0; c < l.formats.size(); ++c)
    if (l.formats[c] == f && c < l.fpga.size())
      return l.fpga[c].*field * l.fraction();
  return 0.0;
}

struct AllocateBitsPass
    : public qopt::impl::AllocateBitsPassBase<AllocateBitsPass> {
  using Base::Base;

  bool hasLatency = false;
  std::string latencyUnit;
  /// The FPGA model, when fpga-model names one.
  std::shared_ptr<const FPGACostModel> fpgaCost;
  /// The target deployed to (target=), or null.
  const TargetBackend *targetBackend = nullptr;
  /// Layers with a constant weight that take no part in the allocation
  /// (no candidates): deployed in float, reported as such.
  std::vector<const LayerInfo *> floatLayers;

  LogicalResult fail(const Twine &message) {
    mlir::emitError(getOperation().getLoc()) << "qopt-allocate-bits: "
                                             << message;
    signalPassFailure();
    return failure();
  }

  /// Rejects option values that mean nothing (negative, NaN or infinite
  /// budgets, unknown names), one error each, before any work.
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
    check.oneOf("solver", solver, {"exact", "cbc", "greedy"});
    const StringRef resources[] = {"weight-bytes", "avg-bits", "bops",
                                   "latency",      "luts",     "dsps",
                                   "brams"};
    check.oneOf("cost-resource", costResource, resources);
    if (!pareto.empty()) {
      check.oneOf("pareto budget", pareto, resources);
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
    floatLayers.clear();
    targetBackend = nullptr;
    if (!target.empty()) {
      llvm::Expected<const TargetBackend *> found = getTargetBackend(target);
      if (!found)
        return (void)fail("target: " + llvm::toString(found.takeError()));
      targetBackend = *found;
    }
    QuantizableLayerAnalysis analysis(module);
    std::vector<Layer> layers;
    for (const LayerInfo &info : analysis.getLayers()) {
      auto candidates = info.op->getAttrOfType<CandidatesAttr>(
          QOptDialect::kCandidatesAttrName);
      if (!candidates || !info.constantWeight) {
        if (info.constantWeight && info.numParams)
          floatLayers.push_back(&info);
        continue;
      }
      if (targetBackend)
        for (FormatAttr format : candidates.getFormats()) {
          LayerSupport support = targetBackend->getLayerSupport(info, format);
          if (!support.isSupported()) {
            info.op->emitError()
                << "qopt-allocate-bits: target '" << target
                << "' does not lower layer '" << info.name << "' in "
                << format.getShortName() << " (" << support.reason
                << "); offer only what it lowers with "
                   "qopt-annotate-candidates{target="
                << target << "}";
            return signalPassFailure();
          }
        }
      auto sens = info.op->getAttrOfType<SensitivityAttr>(
          QOptDialect::kSensitivityAttrName);
      if (!sens) {
        info.op->emitError("qopt-allocate-bits: layer '")
            << info.name << "' has no qopt.sensitivity; run "
                            "qopt-sensitivity first";
        return signalPassFailure();
      }
      if (!info.numParams || !info.macs) {
        info.op->emitError() << "qopt-allocate-bits: layer '" << info.name
                             << "' has a dynamic shape";
        return signalPassFailure();
      }
      // Dense or blob-backed: the dialect verifier has read them already,
      // so this fails only on IR that skipped verification.
      FailureOr<SmallVector<double>> read = sens.readValues([&]() {
        return info.op->emitError()
               << "qopt-allocate-bits: layer '" << info.name
               << "' has an unreadable qopt.sensitivity: ";
      });
      if (failed(read))
        return signalPassFailure();
      SmallVector<double> values = std::move(*read);
      // One variable per layer, or per group of output channels (the
      // sensitivity's rows).
      int64_t per = sens.getChannelsPerGroup();
      int64_t channels =
          info.weightType.getShape()[QuantizableOpInterface(info.op)
                                         .getWeightOutputChannelAxis()];
      int64_t numGroups = per ? (channels + per - 1) / per : 1;
      size_t numCandidates = candidates.getFormats().size();
      if (int64_t(values.size()) != numGroups * int64_t(numCandidates)) {
        info.op->emitError()
            << "qopt-allocate-bits: layer '" << info.name << "' has "
            << values.size() << " sensitivities; expected " << numGroups
            << " groups x " << numCandidates << " candidates";
        return signalPassFailure();
      }
      size_t ordinal = layers.empty() ? 0 : layers.back().ordinal + 1;
      for (int64_t g = 0; g < numGroups; ++g) {
        Layer l{&info, {}, {}, {}, {}, {}};
        l.ordinal = ordinal;
        if (per) {
          l.channelsPerGroup = per;
          l.channels = channels;
          l.channelBegin = g * per;
          l.channelEnd = std::min(channels, (g + 1) * per);
        }
        for (auto [i, format] : llvm::enumerate(candidates.getFormats())) {
          l.formats.push_back(format);
          l.sensitivity.push_back(values[g * numCandidates + i]);
          l.candidateIndex.push_back(i);
        }
        layers.push_back(std::move(l));
      }
    }
    if (layers.empty())
      return (void)fail("no layer has candidates and a sensitivity");

    // Floors: every layer, and the first and last layers.
    for (Layer &l : layers) {
      unsigned floor = minBits;
      if (l.ordinal == 0 || l.ordinal == layers.back().ordinal)
        floor = std::max<unsigned>(floor, firstLastMinBits);
      if (!floor)
        continue;
      Layer kept = l;
      kept.formats.clear();
      kept.sensitivity.clear();
      kept.candidateIndex.clear();
      for (size_t c = 0; c < l.formats.size(); ++c)
        if (l.formats[c].getBitWidth() >= floor) {
          kept.formats.push_back(l.formats[c]);
          kept.sensitivity.push_back(l.sensitivity[c]);
          kept.candidateIndex.push_back(l.candidateIndex[c]);
        }
      if (kept.formats.empty()) {
        l.info->op->emitError()
            << "qopt-allocate-bits: layer '" << l.info->name
            << "' has no candidate with at least " << floor << " bits";
        return signalPassFailure();
      }
      l = std::move(kept);
    }

    // Target cost models: latency from the table when one is given, else
    // from the FPGA model; LUTs, DSPs and BRAMs from the FPGA model.
    std::unique_ptr<CostModel> table;
    fpgaCost.reset();
    bool wantsLatency = latency > 0 || costResource == "latency" ||
                        pareto == "latency";
    if (targetBackend && (!latencyTable.empty() || wantsLatency)) {
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
    for (auto [name, budget] : {std::pair<StringRef, double>{"luts", luts},
                                {"dsps", dsps},
                                {"brams", brams}})
      if (budget > 0 && fpgaModel.empty())
        return (void)fail(name + "=" + llvm::formatv("{0}", budget).str() +
                          " needs fpga-model=FILE");
    if (!fpgaModel.empty()) {
      auto loaded = FPGACostModel::load(fpgaModel);
      if (!loaded)
        return (void)fail(llvm::toString(loaded.takeError()));
      fpgaCost = std::move(*loaded);
      for (Layer &l : layers)
        for (FormatAttr f : l.formats) {
          llvm::Expected<FPGAEstimate> e = fpgaCost->estimate(*l.info, f);
          if (!e)
            return (void)fail(llvm::toString(e.takeError()));
          l.fpga.push_back(*e);
        }
    }
    const CostModel *latencyModel =
        table ? static_cast<const CostModel *>(table.get()) : fpgaCost.get();
    if (latency > 0 && !latencyModel)
      return (void)fail("latency=" + llvm::formatv("{0}", double(latency)).str() +
                        " needs latency-table=FILE or fpga-model=FILE");
    if (latencyModel) {
      for (Layer &l : layers)
        for (FormatAttr f : l.formats) {
          llvm::Expected<double> t = latencyModel->latency(*l.info, f);
          if (!t)
            return (void)fail(llvm::toString(t.takeError()));
          l.latency.push_back(*t * l.fraction());
        }
      latencyUnit = latencyModel->getLatencyUnit().str();
    }
    hasLatency = latencyModel != nullptr;

    // The problem: resources in the order they are enabled.
    solver::Problem problem;
    std::vector<std::function<double(const Layer &, FormatAttr)>> uses;
    double totalParams = 0;
    for (const Layer &l : layers)
      totalParams += double(*l.info->numParams) * l.fraction();
    // Per group: the bytes of its channels (exact for every granularity,
    // whose scales are per output channel or per group along the reduction
    // axis); parameters, MACs, latency and FPGA resources in proportion.
    auto bytesOf = [](const Layer &l, FormatAttr f) {
      return mlir::qopt::weightBytes(f, l.weightShape());
    };
    auto bitsOf = [](const Layer &l, FormatAttr f) {
      return double(*l.info->numParams) * l.fraction() * f.getBitWidth();
    };
    unsigned abits = actBits;
    auto bopsOf = [abits](const Layer &l, FormatAttr f) {
      return double(*l.info->macs) * l.fraction() * f.getBitWidth() * abits;
    };
    if (weightBytes > 0) {
      problem.resources.push_back("weight-bytes");
      problem.budgets.push_back(weightBytes);
      uses.push_back(bytesOf);
    }
    if (avgBits > 0) {
      problem.resources.push_back("avg-bits");
      problem.budgets.push_back(avgBits * totalParams);
      uses.push_back(bitsOf);
    }
    if (bops > 0) {
      problem.resources.push_back("bops");
      problem.budgets.push_back(bops);
      uses.push_back(bopsOf);
    }
    auto latencyOf = [](const Layer &l, FormatAttr f) {
      for (size_t c = 0; c < l.formats.size(); ++c)
        if (l.formats[c] == f && c < l.latency.size())
          return l.latency[c];
      return 0.0;
    };
    if (latency > 0) {
      problem.resources.push_back("latency");
      problem.budgets.push_back(latency);
      uses.push_back(latencyOf);
    }
    UseFn lutsOf = [](const Layer &l, FormatAttr f) {
      return fpgaUse(l, f, &FPGAEstimate::luts);
    };
    UseFn dspsOf = [](const Layer &l, FormatAttr f) {
      return fpgaUse(l, f, &FPGAEstimate::dsps);
    };
    UseFn bramsOf = [](const Layer &l, FormatAttr f) {
      return fpgaUse(l, f, &FPGAEstimate::brams);
    };
    for (auto [name, budget, use] :
         {std::tuple<StringRef, double, UseFn>{"luts", luts, lutsOf},
          {"dsps", dsps, dspsOf},
          {"brams", brams, bramsOf}})
      if (budget > 0) {
        problem.resources.push_back(name.str());
        problem.budgets.push_back(budget);
        uses.push_back(use);
      }
    // A resource by name, or null when its model is missing.
    auto resourceByName = [&](StringRef name) -> UseFn {
      if (name == "weight-bytes")
        return bytesOf;
      if (name == "bops")
        return bopsOf;
      if (name == "latency" && hasLatency)
        return latencyOf;
      if (fpgaCost && name == "luts")
        return lutsOf;
      if (fpgaCost && name == "dsps")
        return dspsOf;
      if (fpgaCost && name == "brams")
        return bramsOf;
      return nullptr;
    };
    // Objective: sensitivity, plus cost-weight x a resource when asked
    // (trading accuracy against size or speed without a hard budget).
    std::function<double(const Layer &, FormatAttr)> weighted;
    if (costWeight != 0.0) {
      if (costResource == "avg-bits")
        weighted = [&](const Layer &l, FormatAttr f) {
          return bitsOf(l, f) / totalParams;
        };
      else
        weighted = resourceByName(costResource);
      if (!weighted)
        return (void)fail("cost-resource must be weight-bytes, avg-bits, "
                          "bops, latency (with latency-table or fpga-model) "
                          "or luts, dsps, brams (with fpga-model)");
    }
    for (const Layer &l : layers) {
      std::vector<solver::Choice> group;
      for (size_t c = 0; c < l.formats.size(); ++c) {
        solver::Choice choice;
        choice.cost = l.sensitivity[c];
        if (weighted)
          choice.cost += costWeight * weighted(l, l.formats[c]);
        for (auto &use : uses)
          choice.use.push_back(use(l, l.formats[c]));
        group.push_back(choice);
      }
      problem.groups.push_back(group);
    }

    solver::Solution solution = solve(problem);
    if (solution.status == solver::Status::Infeasible) {
      std::string details;
      for (size_t r = 0; r < problem.numResources(); ++r) {
        double minimal = problem.minimalUse(r);
        if (minimal <= problem.budgets[r])
          continue;
        if (problem.resources[r] == "avg-bits")
          minimal /= totalParams;
        double budget = problem.resources[r] == "avg-bits"
                            ? double(avgBits)
                            : problem.budgets[r];
        details += llvm::formatv("; {0} budget {1} is below the smallest "
                                 "achievable {2}",
                                 problem.resources[r], budget, minimal)
                       .str();
      }
      if (details.empty())
        details = "; the budgets cannot be met together";
      return (void)fail("infeasible budgets" + details);
    }
    if (solution.choice.empty())
      return (void)fail("solver '" + solver + "' failed: " +
                        solution.message);

    // Per layer: one format, or one per channel group (collapsed to one
    // format when every group chose the same).
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
    printReport(layers, problem, solution, bytesOf, bopsOf, latencyOf,
                lutsOf, dspsOf, bramsOf, totalParams);

    if (!pareto.empty()) {
      UseFn sweptUse =
          pareto == "avg-bits" ? UseFn(bitsOf) : resourceByName(pareto);
      if (!sweptUse && pareto == "latency")
        return (void)fail("pareto=latency needs latency-table=FILE or "
                          "fpga-model=FILE");
      if (!sweptUse) // luts, dsps or brams: names are validated up front
        return (void)fail("pareto=" + pareto + " needs fpga-model=FILE");
      (void)writePareto(layers, problem, sweptUse, bytesOf, bitsOf, bopsOf,
                        lutsOf, dspsOf, bramsOf, totalParams);
    }
  }

  solver::Solution solve(const solver::Problem &problem) {
    return solver == "exact" ? solver::solveExact(problem)
           : solver == "cbc" ? solver::solveCBC(problem)
                             : solver::solveGreedy(problem);
  }

  /// Solves `base` once per swept budget value and writes the frontier.
  template <typename BytesFn, typename BitsFn, typename BopsFn>
  LogicalResult writePareto(const std::vector<Layer> &layers,
                            const solver::Problem &base, UseFn sweptUse,
                            BytesFn bytesOf, BitsFn bitsOf, BopsFn bopsOf,
                            UseFn lutsOf, UseFn dspsOf, UseFn bramsOf,
                            double totalParams) {
    // The swept resource replaces a budget on the same resource.
    solver::Problem problem = base;
    size_t r = llvm::find(problem.resources, pareto) - problem.resources.begin();
    if (r == problem.resources.size()) {
      problem.resources.push_back(pareto);
      problem.budgets.push_back(0);
    }
    double lo = 0, hi = 0;
    for (auto [g, l] : llvm::enumerate(layers)) {
      double gLo = std::numeric_limits<double>::infinity(), gHi = 0;
      for (size_t c = 0; c < l.formats.size(); ++c) {
        double u = sweptUse(l, l.formats[c]);
        gLo = std::min(gLo, u);
        gHi = std::max(gHi, u);
        if (r == base.resources.size())
          problem.groups[g][c].use.push_back(u);
      }
      lo += gLo;
      hi += gHi;
    }
    double unit = pareto == "avg-bits" ? totalParams : 1.0;
    bool csv = StringRef(paretoOut).ends_with(".csv");
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::json::Array points;
    if (csv) {
      os << "budget,status,objective,bound,gap,weight_bytes,average_bits,bops";
      if (fpgaCost)
        os << ",luts,dsps,brams";
      for (const Layer &l : layers)
        os << "," << l.name();
      os << "\n";
    }
    for (unsigned i = 0; i < paretoPoints; ++i) {
      problem.budgets[r] = lo + (hi - lo) * double(i) / (paretoPoints - 1);
      solver::Solution s = solve(problem);
      double budget = problem.budgets[r] / unit;
      if (s.choice.empty()) {
        if (s.status != solver::Status::Infeasible)
          return fail("solver '" + solver + "' failed at " + pareto + " " +
                      llvm::formatv("{0}", budget).str() + ": " + s.message);
        if (csv)
          os << llvm::formatv("{0:f4},infeasible,,,,,,{1}", budget,
                              fpgaCost ? ",,," : "")
             << "\n";
        else
          points.push_back(llvm::json::Object{{"budget", budget},
                                              {"status", "infeasible"}});
        continue;
      }
      double bytes = 0, bits = 0, ops = 0, lut = 0, dsp = 0, bram = 0;
      llvm::json::Array chosen;
      SmallVector<std::string> names;
      for (auto [g, l] : llvm::enumerate(layers)) {
        FormatAttr f = l.formats[s.choice[g]];
        bytes += bytesOf(l, f);
        bits += bitsOf(l, f);
        ops += bopsOf(l, f);
        lut += lutsOf(l, f);
        dsp += dspsOf(l, f);
        bram += bramsOf(l, f);
        names.push_back(f.getShortName());
        chosen.push_back(f.getShortName());
      }
      if (csv) {
        os << llvm::formatv("{0:f4},{1},{2:e6},{3:e6},{4:e2},{5:f0},{6:f4},{7:e6}",
                            budget, solver::statusName(s.status), s.objective,
                            s.bound, s.gap(), bytes, bits / totalParams, ops);
        if (fpgaCost)
          os << llvm::formatv(",{0:f0},{1:f0},{2:f0}", lut, dsp, bram);
        for (const std::string &name : names)
          os << "," << name;
        os << "\n";
      } else {
        llvm::json::Object point{{"budget", budget},
                                 {"status", solver::statusName(s.status)},
                                 {"objective", s.objective},
                                 {"bound", s.bound},
                                 {"gap", s.gap()},
                                 {"weight_bytes", bytes},
                                 {"average_bits", bits / totalParams},
                                 {"bops", ops},
                                 {"chosen", std::move(chosen)}};
        if (fpgaCost) {
          point["luts"] = lut;
          point["dsps"] = dsp;
          point["brams"] = bram;
        }
        points.push_back(std::move(point));
      }
    }
    if (!csv) {
      llvm::json::Array names;
      for (const Layer &l : layers)
        names.push_back(l.name());
      os << llvm::formatv(
                "{0:2}",
                llvm::json::Value(llvm::json::Object{
                    {"budget", pareto},
                    {"solver", solver},
                    {"layers", std::move(names)},
                    {"points", std::move(points)}}))
         << "\n";
    }
    std::string error;
    auto out = openOutputFile(paretoOut, &error);
    if (!out)
      return fail(error);
    out->os() << text;
    out->keep();
    return success();
  }

  template <typename BytesFn, typename BopsFn, typename LatencyFn>
  void printReport(const std::vector<Layer> &layers,
                   const solver::Problem &problem,
                   const solver::Solution &solution, BytesFn bytesOf,
                   BopsFn bopsOf, LatencyFn latencyOf, UseFn lutsOf,
                   UseFn dspsOf, UseFn bramsOf, double totalParams) {
    double totalBytes = 0, totalBops = 0, bits = 0, totalLatency = 0;
    double totalLUTs = 0, totalDSPs = 0, totalBRAMs = 0;
    // Budgets in the units of their options (avg-bits is summed as
    // parameter bits).
    auto userUnits = [&](size_t r, double value) {
      if (problem.resources[r] == "avg-bits")
        return llvm::formatv("{0:f3}", value / totalParams).str();
      if (problem.resources[r] == "bops")
        return llvm::formatv("{0:e4}", value).str();
      if (problem.resources[r] == "latency")
        return llvm::formatv("{0:f3} {1}", value, latencyUnit).str();
      return llvm::formatv("{0:f0}", value).str();
    };
    llvm::json::Array jsonLayers;
    SmallVector<SmallVector<std::string>> rows;
    rows.push_back({"layer", "params", "MACs", "sensitivity per candidate",
                    "chosen", "bytes", "BOPs"});
    if (hasLatency)
      rows.back().push_back("latency (" + latencyUnit + ")");
    if (fpgaCost)
      rows.back().append({"LUTs", "DSPs", "BRAM18"});
    // One row per layer; a layer allocated per channel group sums its
    // groups and lists how many chose each format.
    size_t numLayers = 0;
    for (size_t g = 0; g < layers.size();) {
      const Layer &first = layers[g];
      size_t end = g;
      while (end < layers.size() && layers[end].info->op == first.info->op)
        ++end;
      ++numLayers;
      double b = 0, o = 0, t = 0, lut = 0, dsp = 0, bram = 0;
      SmallVector<double> sensitivity(first.formats.size(), 0.0);
      SmallVector<std::pair<std::string, int>> counts;
      llvm::json::Array groupChoices;
      for (size_t u = g; u < end; ++u) {
        const Layer &l = layers[u];
        FormatAttr chosen = l.formats[solution.choice[u]];
        b += bytesOf(l, chosen);
        o += bopsOf(l, chosen);
        bits += double(*l.info->numParams) * l.fraction() *
                chosen.getBitWidth();
        for (size_t c = 0; c < l.formats.size(); ++c)
          sensitivity[c] += l.sensitivity[c];
        if (hasLatency)
          t += latencyOf(l, chosen);
        if (fpgaCost) {
          lut += lutsOf(l, chosen);
          dsp += dspsOf(l, chosen);
          bram += bramsOf(l, chosen);
        }
        std::string name = chosen.getShortName();
        groupChoices.push_back(name);
        auto it = llvm::find_if(counts, [&](auto &e) { return e.first == name; });
        if (it == counts.end())
          counts.push_back({name, 1});
        else
          ++it->second;
      }
      totalBytes += b;
      totalBops += o;
      std::string chosenText = counts.front().first;
      if (first.channelsPerGroup) {
        SmallVector<std::string> parts;
        for (auto &[name, count] : counts)
          parts.push_back(name + "x" + std::to_string(count));
        chosenText = llvm::join(parts, " ");
      }
      SmallVector<std::string> sens;
      llvm::json::Object perCandidate;
      for (size_t c = 0; c < first.formats.size(); ++c) {
        sens.push_back(first.formats[c].getShortName() + "=" +
                       llvm::formatv("{0:e2}", sensitivity[c]).str());
        perCandidate[first.formats[c].getShortName()] = sensitivity[c];
      }
      rows.push_back({first.info->name, std::to_string(*first.info->numParams),
                      std::to_string(*first.info->macs), llvm::join(sens, " "),
                      chosenText, llvm::formatv("{0:f0}", b).str(),
                      llvm::formatv("{0:e3}", o).str()});
      llvm::json::Object jsonLayer{{"name", first.info->name},
                                   {"params", *first.info->numParams},
                                   {"macs", *first.info->macs},
                                   {"sensitivity", std::move(perCandidate)},
                                   {"chosen", chosenText},
                                   {"bytes", b},
                                   {"bops", o}};
      if (first.channelsPerGroup) {
        jsonLayer["channels_per_group"] = first.channelsPerGroup;
        jsonLayer["groups"] = std::move(groupChoices);
      }
      if (hasLatency) {
        totalLatency += t;
        rows.back().push_back(llvm::formatv("{0:f3}", t).str());
        jsonLayer["latency"] = t;
      }
      if (fpgaCost) {
        totalLUTs += lut;
        totalDSPs += dsp;
        totalBRAMs += bram;
        rows.back().append({llvm::formatv("{0:f0}", lut).str(),
                            llvm::formatv("{0:f0}", dsp).str(),
                            llvm::formatv("{0:f0}", bram).str()});
        jsonLayer["luts"] = lut;
        jsonLayer["dsps"] = dsp;
        jsonLayer["brams"] = bram;
      }
      jsonLayers.push_back(std::move(jsonLayer));
      g = end;
    }
    // Layers the allocation does not cover are deployed in float: listed
    // as such, with their float32 bytes.
    double floatBytes = 0;
    for (const LayerInfo *info : floatLayers) {
      double bytes = 4.0 * double(*info->numParams);
      floatBytes += bytes;
      rows.push_back({info->name, std::to_string(*info->numParams),
                      info->macs ? std::to_string(*info->macs) : "?", "-",
                      "f32 (float)", llvm::formatv("{0:f0}", bytes).str(),
                      "-"});
      while (rows.back().size() < rows.front().size())
        rows.back().push_back("-");
      llvm::json::Object jsonLayer{{"name", info->name},
                                   {"params", *info->numParams},
                                   {"chosen", "f32"},
                                   {"deployed", "float"},
                                   {"bytes", bytes}};
      if (info->macs)
        jsonLayer["macs"] = *info->macs;
      jsonLayers.push_back(std::move(jsonLayer));
    }
    if (!report.empty()) {
      std::string error;
      auto out = openOutputFile(report, &error);
      if (!out) {
        (void)fail(error);
        return;
      }
      raw_ostream &os = out->os();
      std::string variables;
      if (numLayers != layers.size())
        variables = llvm::formatv(" ({0} channel groups)", layers.size()).str();
      os << llvm::formatv("qopt allocation: {0} layers{7}, solver {1} ({2}), "
                          "objective {3:e4}, bound {4:e4}, gap {5:e2}, "
                          "{6:f3} s\n",
                          numLayers, solution.solver,
                          solver::statusName(solution.status),
                          solution.objective, solution.bound, solution.gap(),
                          solution.seconds, variables);
      os << llvm::formatv("  weight bytes {0:f0}, average bits {1:f3}, "
                          "BOPs {2:e3}",
                          totalBytes, bits / totalParams, totalBops);
      if (hasLatency)
        os << llvm::formatv(", latency {0:f3} {1}", totalLatency,
                            latencyUnit);
      os << "\n";
      if (!floatLayers.empty())
        os << llvm::formatv("  kept float: {0} layer{1} with {2:f0} weight "
                            "bytes (not in the totals above)\n",
                            floatLayers.size(),
                            floatLayers.size() == 1 ? "" : "s", floatBytes);
      if (fpgaCost) {
        const FPGAModelParameters &p = fpgaCost->getParameters();
        // A total, and its share of the device when the model knows it.
        auto ofDevice = [](double used, double total) {
          std::string text = llvm::formatv("{0:f0}", used).str();
          if (total > 0)
            text += llvm::formatv(" ({0:f1}%)", 100 * used / total).str();
          return text;
        };
        os << llvm::formatv("  FPGA {0} (reuse factor {1}, {2}-bit "
                            "activations): LUTs {3}, DSPs {4}, BRAM18 {5}\n",
                            p.device, p.reuseFactor, p.actBits,
                            ofDevice(totalLUTs, p.totalLUTs),
                            ofDevice(totalDSPs, p.totalDSPs),
                            ofDevice(totalBRAMs, p.totalBRAMs));
      }
      for (size_t r = 0; r < problem.numResources(); ++r)
        os << llvm::formatv("  budget {0}: {1} of {2}\n",
                            problem.resources[r],
                            userUnits(r, solution.use[r]),
                            userUnits(r, problem.budgets[r]));
      SmallVector<size_t> widths(rows.front().size(), 0);
      for (const auto &row : rows)
        for (auto [i, cell] : llvm::enumerate(row))
          widths[i] = std::max(widths[i], cell.size());
      for (const auto &row : rows) {
        for (auto [i, cell] : llvm::enumerate(row)) {
          os << "  ";
          if (i + 1 == row.size())
            os << cell;
          else
            os << llvm::left_justify(cell, widths[i]);
        }
        os << "\n";
      }
      out->keep();
    }
    if (!reportJson.empty()) {
      llvm::json::Array jsonBudgets;
      for (size_t r = 0; r < problem.numResources(); ++r) {
        double scale =
            problem.resources[r] == "avg-bits" ? 1.0 / totalParams : 1.0;
        jsonBudgets.push_back(
            llvm::json::Object{{"name", problem.resources[r]},
                               {"budget", problem.budgets[r] * scale},
                               {"use", solution.use[r] * scale}});
      }
      llvm::json::Object root{
          {"solver", solution.solver},
          {"status", solver::statusName(solution.status)},
          {"objective", solution.objective},
          {"bound", solution.bound},
          {"gap", solution.gap()},
          {"seconds", solution.seconds},
          {"weight_bytes", totalBytes},
          {"average_bits", bits / totalParams},
          {"bops", totalBops},
          {"latency", hasLatency ? llvm::json::Value(totalLatency)
                                 : llvm::json::Value(nullptr)},
          {"luts", fpgaCost ? llvm::json::Value(totalLUTs)
                            : llvm::json::Value(nullptr)},
          {"dsps", fpgaCost ? llvm::json::Value(totalDSPs)
                            : llvm::json::Value(nullptr)},
          {"brams", fpgaCost ? llvm::json::Value(totalBRAMs)
                             : llvm::json::Value(nullptr)},
          {"budgets", std::move(jsonBudgets)},
          {"float_layers", int64_t(floatLayers.size())},
          {"float_weight_bytes", floatBytes},
          {"layers", std::move(jsonLayers)}};
      if (targetBackend)
        root["target"] = targetBackend->getName();
      std::string error;
      auto out = openOutputFile(reportJson, &error);
      if (!out) {
        (void)fail(error);
        return;
      }
      out->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root)))
                << "\n";
      out->keep();
    }
  }
};
} // namespace
