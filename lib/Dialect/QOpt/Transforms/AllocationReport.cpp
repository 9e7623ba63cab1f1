//===- AllocationReport.cpp - qopt-allocate-bits reports ------------------===//
//
// Implements the allocation table, its JSON form and the Pareto frontier.
//
//===----------------------------------------------------------------------===//

#include "AllocationReport.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

#include <limits>

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// The rows and totals both report forms print.
struct Summary {
  SmallVector<SmallVector<std::string>> rows;
  llvm::json::Array jsonLayers;
  size_t numLayers = 0;
  double bytes = 0, bops = 0, bits = 0, latency = 0, luts = 0, dsps = 0,
         brams = 0, floatBytes = 0;
};

Summary summarize(const AllocationReport &r) {
  const ResourceTable &t = r.table;
  const ResourceEntry &bytesOf = t.get(AllocationResource::WeightBytes);
  const ResourceEntry &bitsOf = t.get(AllocationResource::AvgBits);
  const ResourceEntry &bopsOf = t.get(AllocationResource::BOPs);
  const ResourceEntry &latencyOf = t.get(AllocationResource::Latency);
  const ResourceEntry &lutsOf = t.get(AllocationResource::LUTs);
  const ResourceEntry &dspsOf = t.get(AllocationResource::DSPs);
  const ResourceEntry &bramsOf = t.get(AllocationResource::BRAMs);
  bool hasLatency = latencyOf.available;
  bool hasFPGA = r.fpgaModel != nullptr;

  Summary s;
  s.rows.push_back({"layer", "params", "MACs", "sensitivity per candidate",
                    "chosen", "bytes", "BOPs"});
  if (hasLatency)
    s.rows.back().push_back("latency (" + latencyOf.unit + ")");
  if (hasFPGA)
    s.rows.back().append({"LUTs", "DSPs", "BRAM18"});
  // One row per layer; a layer allocated per channel group sums its groups
  // and lists how many chose each format.
  ArrayRef<AllocationVariable> layers = r.variables;
  for (size_t g = 0; g < layers.size();) {
    const AllocationVariable &first = layers[g];
    size_t end = g;
    while (end < layers.size() && layers[end].info->op == first.info->op)
      ++end;
    ++s.numLayers;
    double b = 0, o = 0, time = 0, lut = 0, dsp = 0, bram = 0;
    SmallVector<double> sensitivity(first.formats.size(), 0.0);
    SmallVector<std::pair<std::string, int>> counts;
    llvm::json::Array groupChoices;
    for (size_t u = g; u < end; ++u) {
      const AllocationVariable &l = layers[u];
      FormatAttr chosen = l.formats[r.solution.choice[u]];
      b += bytesOf.use(l, chosen);
      o += bopsOf.use(l, chosen);
      s.bits += bitsOf.use(l, chosen);
      for (size_t c = 0; c < l.formats.size(); ++c)
        sensitivity[c] += l.sensitivity[c];
      if (hasLatency)
        time += latencyOf.use(l, chosen);
      if (hasFPGA) {
        lut += lutsOf.use(l, chosen);
        dsp += dspsOf.use(l, chosen);
        bram += bramsOf.use(l, chosen);
      }
      std::string name = chosen.getShortName();
      groupChoices.push_back(name);
      auto it = llvm::find_if(counts, [&](auto &e) { return e.first == name; });
      if (it == counts.end())
        counts.push_back({name, 1});
      else
        ++it->second;
    }
    s.bytes += b;
    s.bops += o;
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
    s.rows.push_back({first.info->name,
                      std::to_string(*first.info->numParams),
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
      s.latency += time;
      s.rows.back().push_back(llvm::formatv("{0:f3}", time).str());
      jsonLayer["latency"] = time;
    }
    if (hasFPGA) {
      s.luts += lut;
      s.dsps += dsp;
      s.brams += bram;
      s.rows.back().append({llvm::formatv("{0:f0}", lut).str(),
                            llvm::formatv("{0:f0}", dsp).str(),
                            llvm::formatv("{0:f0}", bram).str()});
      jsonLayer["luts"] = lut;
      jsonLayer["dsps"] = dsp;
      jsonLayer["brams"] = bram;
    }
    s.jsonLayers.push_back(std::move(jsonLayer));
    g = end;
  }
  // Layers the allocation does not cover are deployed in float: listed as
  // such, with their float32 bytes.
  for (const LayerInfo *info : r.floatLayers) {
    double bytes = 4.0 * double(*info->numParams);
    s.floatBytes += bytes;
    s.rows.push_back({info->name, std::to_string(*info->numParams),
                      info->macs ? std::to_string(*info->macs) : "?", "-",
                      "f32 (float)", llvm::formatv("{0:f0}", bytes).str(),
                      "-"});
    while (s.rows.back().size() < s.rows.front().size())
      s.rows.back().push_back("-");
    llvm::json::Object jsonLayer{{"name", info->name},
                                 {"params", *info->numParams},
                                 {"chosen", "f32"},
                                 {"deployed", "float"},
                                 {"bytes", bytes}};
    if (info->macs)
      jsonLayer["macs"] = *info->macs;
    s.jsonLayers.push_back(std::move(jsonLayer));
  }
  return s;
}

/// The parameters the averages are over.
double averageOver(const AllocationReport &r) {
  return totalParameters(r.variables);
}

} // namespace

void mlir::qopt::writeAllocationTable(raw_ostream &os,
                                      const AllocationReport &r) {
  Summary s = summarize(r);
  const solver::Solution &solution = r.solution;
  const ResourceEntry &latency = r.table.get(AllocationResource::Latency);
  std::string variables;
  if (s.numLayers != r.variables.size())
    variables =
        llvm::formatv(" ({0} channel groups)", r.variables.size()).str();
  os << llvm::formatv("qopt allocation: {0} layers{7}, solver {1} ({2}), "
                      "objective {3:e4}, bound {4:e4}, gap {5:e2}, "
                      "{6:f3} s\n",
                      s.numLayers, solution.solver,
                      solver::statusName(solution.status), solution.objective,
                      solution.bound, solution.gap(), solution.seconds,
                      variables);
  os << llvm::formatv("  weight bytes {0:f0}, average bits {1:f3}, "
                      "BOPs {2:e3}",
                      s.bytes, s.bits / averageOver(r), s.bops);
  if (latency.available)
    os << llvm::formatv(", latency {0:f3} {1}", s.latency, latency.unit);
  os << "\n";
  if (!r.floatLayers.empty())
    os << llvm::formatv("  kept float: {0} layer{1} with {2:f0} weight "
                        "bytes (not in the totals above)\n",
                        r.floatLayers.size(),
                        r.floatLayers.size() == 1 ? "" : "s", s.floatBytes);
  if (r.fpgaModel) {
    const FPGAModelParameters &p = r.fpgaModel->getParameters();
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
                        ofDevice(s.luts, p.totalLUTs),
                        ofDevice(s.dsps, p.totalDSPs),
                        ofDevice(s.brams, p.totalBRAMs));
  }
  for (size_t i = 0; i < r.problem.numResources(); ++i) {
    const ResourceEntry *e = r.table.lookup(r.problem.resources[i]);
    os << llvm::formatv("  budget {0}: {1} of {2}\n", e->name,
                        e->format(solution.use[i]),
                        e->format(r.problem.budgets[i]));
  }
  SmallVector<size_t> widths(s.rows.front().size(), 0);
  for (const auto &row : s.rows)
    for (auto [i, cell] : llvm::enumerate(row))
      widths[i] = std::max(widths[i], cell.size());
  for (const auto &row : s.rows) {
    for (auto [i, cell] : llvm::enumerate(row)) {
      os << "  ";
      if (i + 1 == row.size())
        os << cell;
      else
        os << llvm::left_justify(cell, widths[i]);
    }
    os << "\n";
  }
}

llvm::json::Value mlir::qopt::allocationJson(const AllocationReport &r) {
  Summary s = summarize(r);
  const solver::Solution &solution = r.solution;
  bool hasLatency = r.table.get(AllocationResource::Latency).available;
  bool hasFPGA = r.fpgaModel != nullptr;
  llvm::json::Array budgets;
  for (size_t i = 0; i < r.problem.numResources(); ++i) {
    const ResourceEntry *e = r.table.lookup(r.problem.resources[i]);
    // Average bits per parameter (scaled as the JSON always has been).
    double scale = e->kind == AllocationResource::AvgBits
                       ? 1.0 / averageOver(r)
                       : 1.0;
    budgets.push_back(
        llvm::json::Object{{"name", e->name},
                           {"budget", r.problem.budgets[i] * scale},
                           {"use", solution.use[i] * scale}});
  }
  auto optional = [](bool present, double value) {
    return present ? llvm::json::Value(value) : llvm::json::Value(nullptr);
  };
  llvm::json::Object root{
      {"solver", solution.solver},
      {"status", solver::statusName(solution.status)},
      {"objective", solution.objective},
      {"bound", solution.bound},
      {"gap", solution.gap()},
      {"seconds", solution.seconds},
      {"weight_bytes", s.bytes},
      {"average_bits", s.bits / averageOver(r)},
      {"bops", s.bops},
      {"latency", optional(hasLatency, s.latency)},
      {"luts", optional(hasFPGA, s.luts)},
      {"dsps", optional(hasFPGA, s.dsps)},
      {"brams", optional(hasFPGA, s.brams)},
      {"budgets", std::move(budgets)},
      {"float_layers", int64_t(r.floatLayers.size())},
      {"float_weight_bytes", s.floatBytes},
      {"layers", std::move(s.jsonLayers)}};
  if (!r.target.empty())
    root["target"] = r.target;
  return llvm::json::Value(std::move(root));
}

llvm::Error mlir::qopt::writeParetoFrontier(
    ArrayRef<AllocationVariable> layers, const solver::Problem &base,
    const ResourceTable &table, const ResourceEntry &swept, unsigned numPoints,
    StringRef solverName,
    const std::function<solver::Solution(const solver::Problem &)> &solve,
    bool withFPGA, StringRef path) {
  auto error = [](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  // The swept resource replaces a budget on the same resource.
  solver::Problem problem = base;
  size_t r =
      llvm::find(problem.resources, swept.name) - problem.resources.begin();
  if (r == problem.resources.size()) {
    problem.resources.push_back(swept.name);
    problem.budgets.push_back(0);
  }
  double lo = 0, hi = 0;
  for (auto [g, l] : llvm::enumerate(layers)) {
    double gLo = std::numeric_limits<double>::infinity(), gHi = 0;
    for (size_t c = 0; c < l.formats.size(); ++c) {
      double u = swept.use(l, l.formats[c]);
      gLo = std::min(gLo, u);
      gHi = std::max(gHi, u);
      if (r == base.resources.size())
        problem.groups[g][c].use.push_back(u);
    }
    lo += gLo;
    hi += gHi;
  }
  const ResourceEntry &bytesOf = table.get(AllocationResource::WeightBytes);
  const ResourceEntry &bitsOf = table.get(AllocationResource::AvgBits);
  const ResourceEntry &bopsOf = table.get(AllocationResource::BOPs);
  const ResourceEntry &lutsOf = table.get(AllocationResource::LUTs);
  const ResourceEntry &dspsOf = table.get(AllocationResource::DSPs);
  const ResourceEntry &bramsOf = table.get(AllocationResource::BRAMs);
  double totalParams = totalParameters(layers);
  bool csv = path.ends_with(".csv");
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::Array points;
  if (csv) {
    os << "budget,status,objective,bound,gap,weight_bytes,average_bits,bops";
    if (withFPGA)
      os << ",luts,dsps,brams";
    for (const AllocationVariable &l : layers)
      os << "," << l.name();
    os << "\n";
  }
  for (unsigned i = 0; i < numPoints; ++i) {
    problem.budgets[r] = lo + (hi - lo) * double(i) / (numPoints - 1);
    solver::Solution s = solve(problem);
    double budget = swept.toOptionUnits(problem.budgets[r]);
    if (s.choice.empty()) {
      if (s.status != solver::Status::Infeasible)
        return error("solver '" + solverName + "' failed at " + swept.name +
                     " " + llvm::formatv("{0}", budget).str() + ": " +
                     s.message);
      if (csv)
        os << llvm::formatv("{0:f4},infeasible,,,,,,{1}", budget,
                            withFPGA ? ",,," : "")
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
      bytes += bytesOf.use(l, f);
      bits += bitsOf.use(l, f);
      ops += bopsOf.use(l, f);
      lut += lutsOf.use(l, f);
      dsp += dspsOf.use(l, f);
      bram += bramsOf.use(l, f);
      names.push_back(f.getShortName());
      chosen.push_back(f.getShortName());
    }
    if (csv) {
      os << llvm::formatv(
          "{0:f4},{1},{2:e6},{3:e6},{4:e2},{5:f0},{6:f4},{7:e6}", budget,
          solver::statusName(s.status), s.objective, s.bound, s.gap(), bytes,
          bits / totalParams, ops);
      if (withFPGA)
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
      if (withFPGA) {
        point["luts"] = lut;
        point["dsps"] = dsp;
        point["brams"] = bram;
      }
      points.push_back(std::move(point));
    }
  }
  if (!csv) {
    llvm::json::Array names;
    for (const AllocationVariable &l : layers)
      names.push_back(l.name());
    os << llvm::formatv("{0:2}",
                        llvm::json::Value(llvm::json::Object{
                            {"budget", swept.name},
                            {"solver", solverName},
                            {"layers", std::move(names)},
                            {"points", std::move(points)}}))
       << "\n";
  }
  std::string message;
  auto out = openOutputFile(path, &message);
  if (!out)
    return error(message);
  out->os() << text;
  out->keep();
  return llvm::Error::success();
}
