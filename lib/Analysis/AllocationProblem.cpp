//===- AllocationProblem.cpp - Layers as a bit-allocation problem ---------===//
//
// Implements the variables, the resource table and the solver problem of
// qopt-allocate-bits.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/AllocationProblem.h"
#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::qopt;

//===----------------------------------------------------------------------===//
// AllocationVariable
//===----------------------------------------------------------------------===//

double AllocationVariable::fraction() const {
  return channels ? double(channelEnd - channelBegin) / double(channels) : 1.0;
}

SmallVector<int64_t> AllocationVariable::weightShape() const {
  SmallVector<int64_t> shape(info->weightType.getShape());
  if (channelsPerGroup)
    shape[QuantizableOpInterface(info->op).getWeightOutputChannelAxis()] =
        channelEnd - channelBegin;
  return shape;
}

std::string AllocationVariable::name() const {
  if (!channelsPerGroup)
    return info->name;
  return info->name + "[" + std::to_string(channelBegin) + ":" +
         std::to_string(channelEnd) + "]";
}

//===----------------------------------------------------------------------===//
// ResourceTable
//===----------------------------------------------------------------------===//

double ResourceEntry::toOptionUnits(double summed) const {
  return kind == AllocationResource::AvgBits ? summed / totalParams : summed;
}

std::string ResourceEntry::format(double summed) const {
  switch (kind) {
  case AllocationResource::AvgBits:
    return llvm::formatv("{0:f3}", toOptionUnits(summed)).str();
  case AllocationResource::BOPs:
    return llvm::formatv("{0:e4}", summed).str();
  case AllocationResource::Latency:
    return llvm::formatv("{0:f3} {1}", summed, unit).str();
  default:
    return llvm::formatv("{0:f0}", summed).str();
  }
}

/// The entry of `l` in `f` among per-candidate values (0 when absent).
template <typename T, typename Fn>
static double perCandidate(const AllocationVariable &l, FormatAttr f,
                           const SmallVector<T> &values, Fn &&get) {
  for (size_t c = 0; c < l.formats.size(); ++c)
    if (l.formats[c] == f && c < values.size())
      return get(values[c]);
  return 0.0;
}

/// The use of the FPGA estimate's `field`, in the variable's share.
static ResourceUse fpgaUse(double FPGAEstimate::*field) {
  return [field](const AllocationVariable &l, FormatAttr f) {
    return perCandidate(l, f, l.fpga,
                        [&](const FPGAEstimate &e) { return e.*field; }) *
           l.fraction();
  };
}

llvm::ArrayRef<StringRef> ResourceTable::names() {
  static const StringRef kNames[kNumAllocationResources] = {
      "weight-bytes", "avg-bits", "bops", "latency", "luts", "dsps", "brams"};
  return kNames;
}

ResourceTable::ResourceTable(const AllocationBudgets &budgets,
                             double totalParams, unsigned actBits,
                             StringRef latencyUnit, bool haveFPGA) {
  // Per group: the bytes of its channels (exact for every granularity,
  // whose scales are per output channel or per group along the reduction
  // axis); parameters, MACs, latency and FPGA resources in proportion.
  ResourceUse bytes = [](const AllocationVariable &l, FormatAttr f) {
    return mlir::qopt::weightBytes(f, l.weightShape());
  };
  ResourceUse bits = [](const AllocationVariable &l, FormatAttr f) {
    return double(*l.info->numParams) * l.fraction() * f.getBitWidth();
  };
  // Minifloat (code-book) weights run weight-only on every target: their
  // activations stay float32, so their MACs count 32 activation bits.
  ResourceUse ops = [actBits](const AllocationVariable &l, FormatAttr f) {
    unsigned activationBits = f.isInteger() ? actBits : 32;
    return double(*l.info->macs) * l.fraction() * f.getBitWidth() *
           activationBits;
  };
  ResourceUse time = [](const AllocationVariable &l, FormatAttr f) {
    return perCandidate(l, f, l.latency, [](double t) { return t; });
  };
  bool haveLatency = !latencyUnit.empty();
  auto add = [&](AllocationResource kind, StringRef unit, ResourceUse use,
                 double budget, bool available) {
    ResourceEntry &e = entries[size_t(kind)];
    e.kind = kind;
    e.name = names()[size_t(kind)].str();
    e.unit = unit.str();
    e.use = std::move(use);
    e.budget = budget;
    e.available = available;
    e.totalParams = totalParams;
  };
  add(AllocationResource::WeightBytes, "bytes", bytes, budgets.weightBytes,
      true);
  add(AllocationResource::AvgBits, "bits", bits, budgets.avgBits, true);
  add(AllocationResource::BOPs, "BOPs", ops, budgets.bops, true);
  add(AllocationResource::Latency, latencyUnit, time, budgets.latency,
      haveLatency);
  add(AllocationResource::LUTs, "LUTs", fpgaUse(&FPGAEstimate::luts),
      budgets.luts, haveFPGA);
  add(AllocationResource::DSPs, "DSPs", fpgaUse(&FPGAEstimate::dsps),
      budgets.dsps, haveFPGA);
  add(AllocationResource::BRAMs, "BRAM18", fpgaUse(&FPGAEstimate::brams),
      budgets.brams, haveFPGA);
}

const ResourceEntry *ResourceTable::lookup(StringRef name) const {
  for (const ResourceEntry &e : entries)
    if (e.name == name)
      return &e;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Variables
//===----------------------------------------------------------------------===//

FailureOr<std::vector<AllocationVariable>> mlir::qopt::collectAllocationVariables(
    ArrayRef<LayerInfo> layers, const AllocationVariableOptions &options,
    std::vector<const LayerInfo *> &floatLayers) {
  std::vector<AllocationVariable> variables;
  for (const LayerInfo &info : layers) {
    auto candidates = info.op->getAttrOfType<CandidatesAttr>(
        QOptDialect::kCandidatesAttrName);
    if (!candidates || !info.constantWeight) {
      if (info.constantWeight && info.numParams)
        floatLayers.push_back(&info);
      continue;
    }
    if (options.checkCandidates &&
        failed(options.checkCandidates(info, candidates)))
      return failure();
    auto sens = info.op->getAttrOfType<SensitivityAttr>(
        QOptDialect::kSensitivityAttrName);
    if (!sens)
      return info.op->emitError("qopt-allocate-bits: layer '")
             << info.name << "' has no qopt.sensitivity; run "
                             "qopt-sensitivity first";
    if (!info.numParams || !info.macs)
      return info.op->emitError() << "qopt-allocate-bits: layer '"
                                  << info.name << "' has a dynamic shape";
    // Dense or blob-backed: the dialect verifier has read them already, so
    // this fails only on IR that skipped verification.
    FailureOr<SmallVector<double>> values = sens.readValues([&]() {
      return info.op->emitError()
             << "qopt-allocate-bits: layer '" << info.name
             << "' has an unreadable qopt.sensitivity: ";
    });
    if (failed(values))
      return failure();
    // One variable per layer, or per group of output channels (the
    // sensitivity's rows).
    int64_t per = sens.getChannelsPerGroup();
    int64_t channels =
        info.weightType.getShape()[QuantizableOpInterface(info.op)
                                       .getWeightOutputChannelAxis()];
    int64_t numGroups = per ? (channels + per - 1) / per : 1;
    size_t numCandidates = candidates.getFormats().size();
    if (int64_t(values->size()) != numGroups * int64_t(numCandidates))
      return info.op->emitError()
             << "qopt-allocate-bits: layer '" << info.name << "' has "
             << values->size() << " sensitivities; expected " << numGroups
             << " groups x " << numCandidates << " candidates";
    size_t ordinal = variables.empty() ? 0 : variables.back().ordinal + 1;
    for (int64_t g = 0; g < numGroups; ++g) {
      AllocationVariable l;
      l.info = &info;
      l.ordinal = ordinal;
      if (per) {
        l.channelsPerGroup = per;
        l.channels = channels;
        l.channelBegin = g * per;
        l.channelEnd = std::min(channels, (g + 1) * per);
      }
      for (auto [i, format] : llvm::enumerate(candidates.getFormats())) {
        l.formats.push_back(format);
        l.sensitivity.push_back((*values)[g * numCandidates + i]);
        l.candidateIndex.push_back(i);
      }
      variables.push_back(std::move(l));
    }
  }
  if (variables.empty())
    return variables;

  // Floors: every layer, and the first and last layers.
  size_t last = variables.back().ordinal;
  for (AllocationVariable &l : variables) {
    unsigned floor = options.minBits;
    if (l.ordinal == 0 || l.ordinal == last)
      floor = std::max<unsigned>(floor, options.firstLastMinBits);
    if (!floor)
      continue;
    AllocationVariable kept = l;
    kept.formats.clear();
    kept.sensitivity.clear();
    kept.candidateIndex.clear();
    for (size_t c = 0; c < l.formats.size(); ++c)
      if (l.formats[c].getBitWidth() >= floor) {
        kept.formats.push_back(l.formats[c]);
        kept.sensitivity.push_back(l.sensitivity[c]);
        kept.candidateIndex.push_back(l.candidateIndex[c]);
      }
    if (kept.formats.empty())
      return l.info->op->emitError()
             << "qopt-allocate-bits: layer '" << l.info->name
             << "' has no candidate with at least " << floor << " bits";
    l = std::move(kept);
  }
  return variables;
}

llvm::Error mlir::qopt::attachCostModels(
    std::vector<AllocationVariable> &variables, const CostModel *latencyModel,
    const FPGACostModel *fpgaModel) {
  if (fpgaModel)
    for (AllocationVariable &l : variables)
      for (FormatAttr f : l.formats) {
        llvm::Expected<FPGAEstimate> e = fpgaModel->estimate(*l.info, f);
        if (!e)
          return e.takeError();
        l.fpga.push_back(*e);
      }
  if (latencyModel)
    for (AllocationVariable &l : variables)
      for (FormatAttr f : l.formats) {
        llvm::Expected<double> t = latencyModel->latency(*l.info, f);
        if (!t)
          return t.takeError();
        l.latency.push_back(*t * l.fraction());
      }
  return llvm::Error::success();
}

double mlir::qopt::totalParameters(ArrayRef<AllocationVariable> variables) {
  double total = 0;
  for (const AllocationVariable &l : variables)
    total += double(*l.info->numParams) * l.fraction();
  return total;
}

//===----------------------------------------------------------------------===//
// The solver problem
//===----------------------------------------------------------------------===//

solver::Problem mlir::qopt::buildAllocationProblem(
    ArrayRef<AllocationVariable> variables, const ResourceTable &table,
    double costWeight, const ResourceEntry *costResource) {
  solver::Problem problem;
  SmallVector<const ResourceEntry *> budgeted;
  for (const ResourceEntry &e : table.getEntries()) {
    if (e.budget <= 0)
      continue;
    problem.resources.push_back(e.name);
    // The solver sums parameter bits: the average times the parameters.
    problem.budgets.push_back(e.kind == AllocationResource::AvgBits
                                  ? e.budget * totalParameters(variables)
                                  : e.budget);
    budgeted.push_back(&e);
  }
  for (const AllocationVariable &l : variables) {
    std::vector<solver::Choice> group;
    for (size_t c = 0; c < l.formats.size(); ++c) {
      solver::Choice choice;
      choice.cost = l.sensitivity[c];
      if (costResource && costWeight != 0.0)
        choice.cost += costWeight * costResource->toOptionUnits(
                                        costResource->use(l, l.formats[c]));
      for (const ResourceEntry *e : budgeted)
        choice.use.push_back(e->use(l, l.formats[c]));
      group.push_back(choice);
    }
    problem.groups.push_back(group);
  }
  return problem;
}

std::string mlir::qopt::describeInfeasibility(const solver::Problem &problem,
                                              const ResourceTable &table) {
  std::string details;
  for (size_t r = 0; r < problem.numResources(); ++r) {
    double minimal = problem.minimalUse(r);
    if (minimal <= problem.budgets[r])
      continue;
    const ResourceEntry *e = table.lookup(problem.resources[r]);
    details += llvm::formatv("; {0} budget {1} is below the smallest "
                             "achievable {2}",
                             problem.resources[r], e->budget,
                             e->toOptionUnits(minimal))
                   .str();
  }
  if (details.empty())
    details = "; the budgets cannot be met together";
  return details;
}
