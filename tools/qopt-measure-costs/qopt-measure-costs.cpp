//===- qopt-measure-costs.cpp - Measure a model's layer latencies ---------===//
//
// Writes the CPU target's latency table for a model: every layer with
// candidates, in every candidate format the CPU lowers and as float, is
// compiled alone and timed on this machine (qopt/Target/CPU/MeasureCosts.h).
// An existing table at the output path that was measured here by this qopt
// is reused; only missing entries are measured.
//
//   qopt-measure-costs model.mlir -o latency.json [--repeat=N]
//   qopt-measure-costs model.onnx -o latency.json \
//       --pass-pipeline='builtin.module(qopt-annotate-candidates{bits=8,4})'
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllDialects.h"
#include "qopt/InitAllPasses.h"
#include "qopt/InitAllTargets.h"
#include "qopt/Target/CPU/EmitLibrary.h"
#include "qopt/Target/CPU/MeasureCosts.h"
#include "qopt/Target/ONNX/ImportONNX.h"
#include "qopt/Target/TargetBackend.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

using namespace mlir;
using namespace mlir::qopt;

namespace cl = llvm::cl;

static cl::OptionCategory category("qopt-measure-costs options");
static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model>"),
                                      cl::cat(category));
static cl::opt<std::string>
    outputPath("o", cl::desc("The latency table to write (read first as a "
                             "cache when it exists)"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> pipeline(
    "pass-pipeline",
    cl::desc("Passes to run on the model before measuring, e.g. "
             "'builtin.module(qopt-annotate-candidates{bits=8,4})'"),
    cl::cat(category));
static cl::opt<unsigned> repeat("repeat",
                                cl::desc("Timed runs per entry (the median "
                                         "is recorded)"),
                                cl::init(20), cl::cat(category));
static cl::opt<unsigned> warmup("warmup",
                                cl::desc("Untimed runs before timing"),
                                cl::init(3), cl::cat(category));
static cl::opt<bool> remeasure("remeasure",
                               cl::desc("Measure every entry even when the "
                                        "table matches this machine"),
                               cl::cat(category));
static cl::opt<std::string>
    workDir("work-dir",
            cl::desc("Keep the one-layer libraries' directory here "
                     "(default: a temporary one)"),
            cl::cat(category));
static cl::opt<std::string> targetCPU(
    "target-cpu",
    cl::desc("LLVM CPU of the glue code, as qopt's --target-cpu"),
    cl::init("generic"), cl::cat(category));
static cl::opt<std::string> ccProgram("cc",
                                      cl::desc("C compiler driver to link"),
                                      cl::init("cc"), cl::cat(category));
static cl::opt<bool> quiet("quiet", cl::desc("No per-entry progress lines"),
                           cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "qopt-measure-costs: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qopt-measure-costs: the CPU latency table of a model's layers\n");
  if (modelPath.empty())
    return fail("no model given (see --help)");
  if (outputPath.empty())
    return fail("no output table given (-o FILE)");
  if (repeat == 0)
    return fail("--repeat must be at least 1");

  registerAllPasses();
  registerAllTargets();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerOnnxImportDialects(registry);
  registerCPUTargetTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);

  // Parse the pipeline before reading the model: a typo is one line.
  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  if (!pipeline.empty()) {
    std::string errors;
    llvm::raw_string_ostream os(errors);
    // The anchored form (`builtin.module(...)`) parses to the pass manager
    // of the module itself, not one nested in it.
    FailureOr<OpPassManager> parsed = parsePassPipeline(pipeline, os);
    if (failed(parsed))
      return fail("--pass-pipeline: " + StringRef(errors).trim());
    if (parsed->getOpAnchorName() != ModuleOp::getOperationName())
      return fail("--pass-pipeline: expected 'builtin.module(...)'");
    static_cast<OpPassManager &>(pm) = std::move(*parsed);
  }

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module;
  if (llvm::sys::path::extension(modelPath) == ".onnx") {
    auto imported = importOnnxModel(modelPath, context);
    if (failed(imported))
      return 1;
    module = std::move(*imported);
  } else {
    module = parseSourceFile<ModuleOp>(modelPath, sourceMgr,
                                       ParserConfig(&context));
    if (!module)
      return 1;
  }
  if (!pipeline.empty() && failed(pm.run(*module)))
    return 1;

  auto target = getTargetBackend("cpu");
  if (!target)
    return fail(llvm::toString(target.takeError()));
  std::vector<LatencyRequest> requests =
      getCPULatencyRequests(*module, **target);
  if (llvm::all_of(requests, [](const LatencyRequest &r) {
        return r.format == kFloatFormatKey;
      }))
    return fail("no layer of '" + modelPath +
                "' has qopt.candidates the cpu target lowers; run "
                "qopt-annotate-candidates first (--pass-pipeline)");

  std::optional<LatencyTable> existing;
  if (llvm::sys::fs::exists(outputPath)) {
    auto table = LatencyTable::load(outputPath);
    if (!table)
      return fail(llvm::toString(table.takeError()));
    existing = std::move(*table);
  }

  CPUCostMeasureOptions options;
  options.repeat = repeat;
  options.warmup = warmup;
  options.workDir = workDir;
  options.remeasure = remeasure;
  options.log = &llvm::errs();
  options.verbose = !quiet;
  options.artifactOptions = {{"cpu", targetCPU}, {"cc", ccProgram}};
  LatencyCacheReport report;
  if (existing && !remeasure) {
    std::string why = whyLatencyTableDiffers(
        *existing, (*target)->getName(), getCPUFingerprint(), getQOptVersion());
    if (why.empty())
      llvm::errs() << "qopt-measure-costs: '" << outputPath
                   << "' was measured on this CPU by this qopt: reusing its "
                      "entries\n";
    else
      llvm::errs() << "qopt-measure-costs: '" << outputPath
                   << "' does not match this machine (" << why
                   << "): re-measuring every entry\n";
  }
  auto table = measureCPULayerCosts(*module, **target,
                                    existing ? &*existing : nullptr, options,
                                    report);
  if (!table)
    return fail(llvm::toString(table.takeError()));
  llvm::errs() << "qopt-measure-costs: " << report.measured << " measured, "
               << report.reused << " reused\n";
  if (llvm::Error e = table->save(outputPath))
    return fail(llvm::toString(std::move(e)));
  return 0;
}
