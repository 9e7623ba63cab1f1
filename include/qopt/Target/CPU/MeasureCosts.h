//===- MeasureCosts.h - Measured layer latencies on this CPU ----*- C++ -*-===//
//
// The CPU target's latency table, measured: every quantizable layer with a
// constant weight is compiled alone (its input shape, its weight; as float,
// and in each candidate format the target lowers) through qopt-quantize and
// qopt-cpu-pipeline
// into a shared library, loaded with CompiledModel and timed (median of N
// runs after warm-up), so the kernels, im2col, quantize and dequantize
// glue are those the compiled model runs. The table records this machine's
// fingerprint and the qopt version; a table that matches is a cache whose
// entries are reused (docs/Backends/CPU-Latency.md).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_MEASURECOSTS_H
#define QOPT_TARGET_CPU_MEASURECOSTS_H

#include "qopt/Analysis/CostModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::qopt {

class TargetBackend;

/// The version measured tables record (the project's version).
llvm::StringRef getQOptVersion();

/// What identifies this machine for measured CPU latencies: "cpu" (the
/// model name in /proc/cpuinfo), "isas" (the kernel variants the runtime
/// dispatch finds supported, qopt_rt_isa_supported), "isa" (the one
/// compiled models use, qopt_rt_best_isa), "threads" (threads a compiled
/// model runs on: 1, libraries own none) and "cpus" (logical CPUs online).
llvm::json::Object getCPUFingerprint();

/// One latency to measure: a layer (by name) in a format (short name, or
/// kFloatFormatKey for the float layer).
struct LatencyRequest {
  std::string layer;
  std::string format;
};

/// What completing a table did.
struct LatencyCacheReport {
  /// Entries taken from the existing table.
  unsigned reused = 0;
  /// Entries measured now.
  unsigned measured = 0;
  /// The existing table was measured elsewhere (another machine, qopt
  /// version or target) and its entries were dropped; `reason` says why.
  bool invalidated = false;
  std::string reason;
};

/// Why `table` cannot serve as a cache for `target` on the machine
/// `fingerprint` describes with qopt `version` (another target, unit,
/// machine or version, or no fingerprint at all), or "" when it can.
std::string whyLatencyTableDiffers(const LatencyTable &table,
                                   llvm::StringRef target,
                                   const llvm::json::Object &fingerprint,
                                   llvm::StringRef version);

/// Measures one request; errors abort the table.
using LatencyMeasurer =
    llvm::function_ref<llvm::Expected<double>(const LatencyRequest &)>;

/// The cache logic, independent of how latencies are measured: starts from
/// `existing` when it was measured for `target` on `fingerprint` by qopt
/// `version` (else from an empty table, reporting why), measures every
/// request it lacks with `measure`, and returns the completed table
/// stamped with `target`, `fingerprint` and `version`. Entries of
/// `existing` that are not requested are kept when it matches.
llvm::Expected<LatencyTable>
completeLatencyTable(const LatencyTable *existing, llvm::StringRef target,
                     const llvm::json::Object &fingerprint,
                     llvm::StringRef version,
                     llvm::ArrayRef<LatencyRequest> requests,
                     LatencyMeasurer measure, LatencyCacheReport &report);

/// How layers are timed.
struct CPUCostMeasureOptions {
  /// Timed runs per entry (the median is recorded) and untimed runs first.
  unsigned repeat = 20;
  unsigned warmup = 3;
  /// Directory for the one-layer libraries; empty: a fresh temporary one,
  /// removed afterwards.
  std::string workDir;
  /// Artifact options for the CPU target's writeArtifact ("cpu", "cc",
  /// "runtime-library", "runtime-include-dir").
  std::vector<std::pair<std::string, std::string>> artifactOptions;
  /// Measure every entry even when the existing table matches.
  bool remeasure = false;
  /// Where progress lines go (with `verbose`, one per measured entry);
  /// null: silent.
  llvm::raw_ostream *log = nullptr;
  bool verbose = false;
};

/// The latency requests of `module`: for every layer with a constant
/// weight, the float layer, and each of its `qopt.candidates` that `target`
/// supports (getLayerSupport).
std::vector<LatencyRequest> getCPULatencyRequests(ModuleOp module,
                                                  const TargetBackend &target);

/// Completes `existing` (may be null) with measured latencies of every
/// request of `module` on this machine, compiling with `target` (the CPU
/// TargetBackend). Layers of equal shape, attributes and format are
/// compiled and timed once.
llvm::Expected<LatencyTable>
measureCPULayerCosts(ModuleOp module, const TargetBackend &target,
                     const LatencyTable *existing,
                     const CPUCostMeasureOptions &options,
                     LatencyCacheReport &report);

} // namespace mlir::qopt

#endif // QOPT_TARGET_CPU_MEASURECOSTS_H
