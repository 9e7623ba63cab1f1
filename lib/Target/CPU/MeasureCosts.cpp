//===- MeasureCosts.cpp - Measured layer latencies on this CPU ------------===//
//
// Builds a one-layer function per (layer, format), compiles it with the
// CPU target exactly as a model is compiled (qopt-quantize, the target's
// pipeline, its library writer), loads it with CompiledModel and records
// the median time of a run. The cache logic (completeLatencyTable) only
// sees requests and a measurer, so it is tested without timing anything.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/MeasureCosts.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/Target/CPU/CompiledModel.h"
#include "qopt/Target/TargetBackend.h"

#include "qopt-runtime/cpu.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <thread>

using namespace mlir;
using namespace mlir::qopt;

#ifndef QOPT_MEASURE_COSTS_VERSION
#define QOPT_MEASURE_COSTS_VERSION "unknown"
#endif

llvm::StringRef mlir::qopt::getQOptVersion() {
  return QOPT_MEASURE_COSTS_VERSION;
}

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The first "model name" of /proc/cpuinfo, else "unknown".
static std::string cpuModelName() {
  auto buffer = llvm::MemoryBuffer::getFileAsStream("/proc/cpuinfo");
  if (!buffer)
    return "unknown";
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    auto [key, value] = line.split(':');
    if (key.trim() == "model name")
      return value.trim().str();
  }
  return "unknown";
}

llvm::json::Object mlir::qopt::getCPUFingerprint() {
  llvm::json::Array isas;
  for (int i = 0; i < QOPT_RT_ISA_COUNT; ++i)
    if (qopt_rt_isa_supported(static_cast<qopt_rt_isa>(i)))
      isas.push_back(qopt_rt_isa_name(static_cast<qopt_rt_isa>(i)));
  return llvm::json::Object{
      {"cpu", cpuModelName()},
      {"isas", std::move(isas)},
      {"isa", qopt_rt_isa_name(qopt_rt_best_isa())},
      {"threads", 1},
      {"cpus", int64_t(std::thread::hardware_concurrency())},
  };
}

//===----------------------------------------------------------------------===//
// The cache
//===----------------------------------------------------------------------===//

std::string mlir::qopt::whyLatencyTableDiffers(
    const LatencyTable &table, llvm::StringRef target,
    const llvm::json::Object &fingerprint, llvm::StringRef version) {
  if (table.target != target)
    return "target '" + target.str() + "' here, '" + table.target +
           "' in the table";
  if (table.unit != "us")
    return "unit 'us' here, '" + table.unit + "' in the table";
  std::string why;
  table.matches(fingerprint, version, &why);
  return why;
}

llvm::Expected<LatencyTable> mlir::qopt::completeLatencyTable(
    const LatencyTable *existing, llvm::StringRef target,
    const llvm::json::Object &fingerprint, llvm::StringRef version,
    llvm::ArrayRef<LatencyRequest> requests, LatencyMeasurer measure,
    LatencyCacheReport &report) {
  report = LatencyCacheReport();
  LatencyTable table;
  if (existing) {
    std::string why =
        whyLatencyTableDiffers(*existing, target, fingerprint, version);
    if (why.empty()) {
      table = *existing;
    } else {
      report.invalidated = true;
      report.reason = why;
    }
  }
  table.target = target.str();
  table.unit = "us";
  table.fingerprint = fingerprint;
  table.qoptVersion = version.str();
  for (const LatencyRequest &request : requests) {
    if (table.lookup(request.layer, request.format)) {
      ++report.reused;
      continue;
    }
    llvm::Expected<double> us = measure(request);
    if (!us)
      return us.takeError();
    table.layers[request.layer][request.format] = *us;
    ++report.measured;
  }
  return table;
}

//===----------------------------------------------------------------------===//
// Requests
//===----------------------------------------------------------------------===//

namespace {
/// A request with the layer and format it stands for.
struct ResolvedRequest {
  LatencyRequest request;
  const LayerInfo *layer;
  /// Null for the float layer.
  FormatAttr format;
  LayerLowering lowering;
};
} // namespace

static std::vector<ResolvedRequest>
resolveRequests(ArrayRef<LayerInfo> layers, const TargetBackend &target) {
  std::vector<ResolvedRequest> requests;
  for (const LayerInfo &layer : layers) {
    if (!layer.constantWeight)
      continue;
    // The float layer of every layer, candidates or not: a layer the
    // target keeps float (e.g. without candidates) still takes time in the
    // compiled model, and whole-model estimates need it.
    requests.push_back({{layer.name, kFloatFormatKey.str()},
                        &layer,
                        FormatAttr(),
                        LayerLowering::Unsupported});
    auto candidates =
        layer.op->getAttrOfType<CandidatesAttr>(QOptDialect::kCandidatesAttrName);
    if (!candidates)
      continue;
    for (FormatAttr format : candidates.getFormats()) {
      LayerSupport support = target.getLayerSupport(layer, format);
      if (!support.isSupported())
        continue;
      requests.push_back(
          {{layer.name, format.getShortName()}, &layer, format,
           support.lowering});
    }
  }
  return requests;
}

std::vector<LatencyRequest>
mlir::qopt::getCPULatencyRequests(ModuleOp module,
                                  const TargetBackend &target) {
  QuantizableLayerAnalysis analysis(module);
  std::vector<LatencyRequest> requests;
  for (const ResolvedRequest &r : resolveRequests(analysis.getLayers(), target))
    requests.push_back(r.request);
  return requests;
}

//===----------------------------------------------------------------------===//
// One-layer functions
//===----------------------------------------------------------------------===//

/// Whether `v` is computed from constants alone (the layer's weight, bias
/// and zero points, possibly through reshapes and transposes).
static bool isConstantValue(Value v, llvm::DenseMap<Value, bool> &memo) {
  auto it = memo.find(v);
  if (it != memo.end())
    return it->second;
  Operation *def = v.getDefiningOp();
  bool constant = def && def->getNumRegions() == 0 && isMemoryEffectFree(def);
  if (constant)
    for (Value operand : def->getOperands())
      if (!isConstantValue(operand, memo)) {
        constant = false;
        break;
      }
  memo[v] = constant;
  return constant;
}

/// Clones the constant computation of `v` before the builder's point.
static void cloneConstant(Value v, OpBuilder &b, IRMapping &map) {
  if (map.contains(v))
    return;
  Operation *def = v.getDefiningOp();
  for (Value operand : def->getOperands())
    cloneConstant(operand, b, map);
  b.clone(*def, map);
}

/// `func.func @main(<the layer's activation inputs>) -> <its results>`
/// holding the layer alone with `format` (null: float), its activations'
/// range fixed so that qopt-quantize needs no calibration.
static FailureOr<OwningOpRef<ModuleOp>>
buildLayerModule(const LayerInfo &layer, FormatAttr format, std::string &why) {
  Operation *op = layer.op;
  MLIRContext *ctx = op->getContext();
  Location loc = op->getLoc();
  llvm::DenseMap<Value, bool> memo;
  SmallVector<Value> activations;
  for (Value operand : op->getOperands())
    if (!isConstantValue(operand, memo) &&
        !llvm::is_contained(activations, operand))
      activations.push_back(operand);
  SmallVector<Type> argTypes;
  for (Value v : activations) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType())) {
      why = "its input is not a statically shaped float tensor";
      return failure();
    }
    argTypes.push_back(type);
  }
  // A symmetric range around zero: timings do not depend on the values.
  Attribute range = parseAttribute(
      "#qopt.act_stats<method = \"minmax\", samples = 1, axis = -1, "
      "min = [-4.0], max = [4.0], lo = [-4.0], hi = [4.0]>",
      ctx);
  if (!range) {
    why = "cannot build the activation range";
    return failure();
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
  auto func = func::FuncOp::create(
      b, loc, "main", FunctionType::get(ctx, argTypes, op->getResultTypes()));
  Block *entry = func.addEntryBlock();
  for (unsigned i = 0; i < argTypes.size(); ++i)
    func.setArgAttr(i, QOptDialect::kActStatsAttrName, range);
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (auto [value, arg] : llvm::zip(activations, entry->getArguments()))
    map.map(value, arg);
  for (Value operand : op->getOperands())
    if (!map.contains(operand))
      cloneConstant(operand, b, map);
  Operation *clone = b.clone(*op, map);
  for (StringRef name :
       {QOptDialect::kGroupFormatsAttrName, QOptDialect::kSensitivityAttrName,
        QOptDialect::kInputStatsAttrName, QOptDialect::kActStatsAttrName})
    clone->removeAttr(name);
  if (format)
    clone->setAttr(QOptDialect::kFormatAttrName, format);
  else
    clone->removeAttr(QOptDialect::kFormatAttrName);
  func::ReturnOp::create(b, loc, clone->getResults());
  return module;
}

/// What makes two requests time the same code: the op, its non-qopt
/// attributes, operand and result types, the format and the lowering.
static std::string signature(const ResolvedRequest &r) {
  std::string text;
  llvm::raw_string_ostream os(text);
  Operation *op = r.layer->op;
  os << op->getName() << "(";
  for (Value v : op->getOperands())
    os << v.getType() << ",";
  os << ")->(";
  for (Type t : op->getResultTypes())
    os << t << ",";
  os << "){";
  for (NamedAttribute attr : op->getAttrs())
    if (!attr.getName().getValue().starts_with("qopt."))
      os << attr.getName().getValue() << "=" << attr.getValue() << ",";
  os << "}" << r.request.format << "/" << int(r.lowering);
  return text;
}

//===----------------------------------------------------------------------===//
// Compiling and timing
//===----------------------------------------------------------------------===//

namespace {
class LayerTimer {
public:
  LayerTimer(const TargetBackend &target, const CPUCostMeasureOptions &options,
             StringRef dir)
      : target(target), options(options), dir(dir.str()) {}

  llvm::Expected<double> measure(const ResolvedRequest &r);

private:
  llvm::Expected<std::string> compile(const ResolvedRequest &r,
                                      StringRef name);

  const TargetBackend &target;
  const CPUCostMeasureOptions &options;
  std::string dir;
  unsigned counter = 0;
};
} // namespace

llvm::Expected<std::string> LayerTimer::compile(const ResolvedRequest &r,
                                                StringRef name) {
  std::string why;
  auto module = buildLayerModule(*r.layer, r.format, why);
  if (failed(module))
    return error("cannot measure layer '" + r.request.layer + "': " + why);
  MLIRContext *ctx = (*module)->getContext();
  // Keep the compiler's errors for the message; warnings of the one-layer
  // module (e.g. qopt-quantize on formats it leaves float) are not the
  // user's concern here.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      diagnostics += "\n  " + diag.str();
    return success();
  });
  auto failedTo = [&](const llvm::Twine &what) {
    return error("cannot measure layer '" + r.request.layer + "' in " +
                 r.request.format + ": " + what + diagnostics);
  };
  PassManager pm(ctx, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  if (r.format) {
    std::string quantize =
        r.lowering == LayerLowering::Integer
            ? "qopt-quantize{activations=int8}"
            : "qopt-quantize{activations=float}";
    std::string parseErrors;
    llvm::raw_string_ostream errs(parseErrors);
    if (failed(parsePassPipeline(quantize, pm, errs)))
      return failedTo("qopt-quantize is not registered (" + parseErrors +
                      ")");
  }
  TargetPipelineOptions pipeline;
  pipeline.name = name.str();
  pipeline.entry = "main";
  std::string pipelineErrors;
  if (failed(target.buildPipeline(pm, pipeline, [&](const llvm::Twine &m) {
        pipelineErrors += m.str();
      })))
    return failedTo(pipelineErrors);
  if (failed(pm.run(**module)))
    return failedTo("compilation failed");
  SmallString<256> path(dir);
  llvm::sys::path::append(path, "lib" + name + ".so");
  ArtifactRequest request;
  request.outputPath = path.str().str();
  request.producer = ("qopt " + getQOptVersion()).str();
  request.targetOptions = options.artifactOptions;
  if (failed(target.writeArtifact(**module, request)))
    return failedTo("writing the library failed");
  return path.str().str();
}

llvm::Expected<double> LayerTimer::measure(const ResolvedRequest &r) {
  std::string name = "qopt_measure_" + std::to_string(counter++);
  llvm::Expected<std::string> path = compile(r, name);
  if (!path)
    return path.takeError();
  auto cleanup = llvm::make_scope_exit([&] {
    llvm::sys::fs::remove(*path);
    SmallString<256> header(*path);
    llvm::sys::path::replace_extension(header, "h");
    llvm::sys::fs::remove(header);
  });
  // One thread: the table records latencies at {"threads": 1}.
  auto model = CompiledModel::load(*path, name, "auto", /*threads=*/1);
  if (!model)
    return model.takeError();
  // Deterministic inputs in the activation range.
  SmallVector<Tensor> inputs;
  uint32_t state = 12345;
  for (const TensorSpec &spec : (*model)->getInputs()) {
    Tensor t = Tensor::zeros(spec.dtype, spec.shape);
    if (spec.dtype == DType::F32) {
      float *data = t.mutableData<float>();
      for (int64_t i = 0, e = t.getNumElements(); i < e; ++i) {
        state = state * 1664525u + 1013904223u;
        data[i] = float(int32_t(state >> 8) % 2001 - 1000) * 0.002f;
      }
    }
    inputs.push_back(std::move(t));
  }
  for (unsigned i = 0; i < options.warmup; ++i)
    if (auto results = (*model)->run(inputs); !results)
      return results.takeError();
  std::vector<double> samples;
  for (unsigned i = 0; i < std::max(1u, options.repeat); ++i) {
    auto start = std::chrono::steady_clock::now();
    auto results = (*model)->run(inputs);
    auto end = std::chrono::steady_clock::now();
    if (!results)
      return results.takeError();
    samples.push_back(
        std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(samples.begin(), samples.end());
  size_t n = samples.size();
  return n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
}

llvm::Expected<LatencyTable> mlir::qopt::measureCPULayerCosts(
    ModuleOp module, const TargetBackend &target, const LatencyTable *existing,
    const CPUCostMeasureOptions &options, LatencyCacheReport &report) {
  QuantizableLayerAnalysis analysis(module);
  std::vector<ResolvedRequest> resolved =
      resolveRequests(analysis.getLayers(), target);
  std::vector<LatencyRequest> requests;
  llvm::StringMap<const ResolvedRequest *> byKey;
  for (const ResolvedRequest &r : resolved) {
    requests.push_back(r.request);
    byKey[r.request.layer + "\x1f" + r.request.format] = &r;
  }

  std::string dir = options.workDir;
  bool removeDir = dir.empty();
  if (removeDir) {
    SmallString<256> temp;
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("qopt-measure-costs", temp))
      return error("cannot create a temporary directory: " + ec.message());
    dir = temp.str().str();
  } else if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    return error("cannot create '" + dir + "': " + ec.message());
  }
  auto removeWorkDir = llvm::make_scope_exit([&] {
    if (removeDir)
      llvm::sys::fs::remove_directories(dir);
  });

  LayerTimer timer(target, options, dir);
  llvm::StringMap<double> bySignature;
  unsigned done = 0, toMeasure = 0;
  llvm::json::Object fingerprint = getCPUFingerprint();
  // Count what will be measured, for the progress lines.
  if (options.log) {
    LatencyCacheReport dryRun;
    auto count = completeLatencyTable(
        options.remeasure ? nullptr : existing, target.getName(), fingerprint,
        getQOptVersion(), requests,
        [](const LatencyRequest &) -> llvm::Expected<double> { return 0.0; },
        dryRun);
    if (!count)
      return count.takeError();
    toMeasure = dryRun.measured;
  }
  auto measure = [&](const LatencyRequest &request) -> llvm::Expected<double> {
    const ResolvedRequest &r = *byKey[request.layer + "\x1f" + request.format];
    std::string key = signature(r);
    ++done;
    auto it = bySignature.find(key);
    bool shared = it != bySignature.end();
    double us;
    if (shared) {
      us = it->second;
    } else {
      llvm::Expected<double> measured = timer.measure(r);
      if (!measured)
        return measured.takeError();
      us = *measured;
      bySignature[key] = us;
    }
    if (options.log && options.verbose)
      *options.log << llvm::formatv("  [{0}/{1}] {2} {3}: {4:f3} us{5}\n",
                                    done, toMeasure, request.layer,
                                    request.format, us,
                                    shared ? " (same shape as an earlier "
                                             "layer)"
                                           : "");
    return us;
  };
  auto table = completeLatencyTable(options.remeasure ? nullptr : existing,
                                    target.getName(), fingerprint,
                                    getQOptVersion(), requests, measure, report);
  if (!table)
    return table.takeError();
  if (report.measured || !table->measurement)
    table->measurement =
      llvm::json::Object{{"repeat", int64_t(std::max(1u, options.repeat))},
                         {"warmup", int64_t(options.warmup)},
                         {"statistic", "median"}};
  return table;
}
