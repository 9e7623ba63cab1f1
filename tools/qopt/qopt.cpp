//===- qopt.cpp - The qopt driver ------------------------------------------===//
//
// `qopt INPUT --pass-pipeline=... -o OUTPUT`: an mlir-opt built with the
// dialects and passes qopt uses. MLIR inputs (text or bytecode) go through
// MlirOptMain unchanged, so every standard flag works (-split-input-file,
// -verify-diagnostics, --mlir-print-ir-after-all, ...). Inputs in another
// format are recognised by content through the frontend table below,
// imported into a module, and then run through the same pass pipeline.
//
// With `-o model.so` (or `--emit=lib`) the pipeline's result, which must be
// LLVM dialect from qopt-cpu-pipeline, becomes a shared library plus its C
// header `model.h`; `-o model.o` (`--emit=obj`) a relocatable object.
// With `-o model.q.onnx` (`--emit=onnx`) the result of qopt-quantize is
// written back as a QDQ ONNX model, edited from the input ONNX model (or
// from `--onnx-base` for MLIR input).
//
//===----------------------------------------------------------------------===//

#include "Frontends.h"
#include "Version.h"

#include "qopt/InitAllDialects.h"
#include "qopt/InitAllPasses.h"
#include "qopt/InitAllTargets.h"
#include "qopt/Target/CPU/EmitLibrary.h"
#include "qopt/Target/TargetBackend.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <unistd.h>

#ifdef QOPT_INCLUDE_TESTS
namespace mlir::qopt::test {
void registerTestQuantizableOpInterfacePass();
void registerTestTargetInfoPass();
} // namespace mlir::qopt::test
#endif

using namespace mlir;

static void printVersion(llvm::raw_ostream &os) {
  os << "qopt version " << QOPT_VERSION << " (" << QOPT_GIT_REVISION << ")\n"
     << "  built with MLIR " << LLVM_VERSION_STRING << "\n";
}

static llvm::cl::OptionCategory targetCategory("Targets and artifacts");
static llvm::cl::opt<std::string> targetName(
    "target",
    llvm::cl::desc("Target to deploy to (cpu, onnx, ...: --list-targets). "
                   "Default: from -o's extension (.so/.o: cpu, .onnx: onnx)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<bool> listTargets(
    "list-targets", llvm::cl::desc("Print the registered targets and exit"),
    llvm::cl::init(false), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> emitKind(
    "emit",
    llvm::cl::desc("What to write: mlir (the IR after the pipeline), obj "
                   "(relocatable object) or lib (shared library), each "
                   "native kind with a C header next to it, or onnx (QDQ "
                   "model). Default: the artifact of the target -o's "
                   "extension names, else mlir"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> libraryNameOption(
    "name",
    llvm::cl::desc("Name of the artifact's symbols and header when qopt runs "
                   "the target pipeline itself (default: from -o, else "
                   "model)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> targetCPU(
    "target-cpu",
    llvm::cl::desc("cpu target: LLVM CPU for the generated code: generic "
                   "(default; kernels still dispatch at run time), native, "
                   "or a name"),
    llvm::cl::init("generic"), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string>
    ccProgram("cc",
              llvm::cl::desc("cpu target: C compiler driver used to link (cc)"),
              llvm::cl::init("cc"), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> onnxBase(
    "onnx-base",
    llvm::cl::desc("onnx target from MLIR input: the ONNX model the IR was "
                   "imported from"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> runtimeLibrary(
    "runtime-library",
    llvm::cl::desc("cpu target: libQOptRuntimeCPU.a to link (default: next "
                   "to qopt's installation, else the build tree's)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> runtimeIncludeDir(
    "runtime-include-dir",
    llvm::cl::desc("cpu target: directory containing qopt-runtime/cpu.h "
                   "(default: the include directory next to the library, "
                   "then next to qopt's installation, then the source "
                   "tree's)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));

// The hls target's project.
static llvm::cl::opt<std::string> tbData(
    "tb-data",
    llvm::cl::desc("hls target: testbench inputs (a dataset spec like "
                   "--calib-data's); the expected outputs come from the "
                   "reference executor"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> tbSamples(
    "tb-samples",
    llvm::cl::desc("hls target: testbench samples (default: all of "
                   "--tb-data, else 16 drawn over the input range)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> fpgaPart(
    "fpga-part", llvm::cl::desc("hls target: the FPGA part"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> reuseFactor(
    "reuse-factor",
    llvm::cl::desc("hls target: products per multiplier (default 1)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> ioStyle(
    "io-style",
    llvm::cl::desc("hls target: parallel (arrays, default) or stream "
                   "(hls::stream)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));
static llvm::cl::opt<std::string> fpgaModelFile(
    "fpga-model",
    llvm::cl::desc("hls target: FPGA cost model parameters (JSON, "
                   "docs/Allocation.md)"),
    llvm::cl::init(""), llvm::cl::cat(targetCategory));

// The whole job in one command: these build qopt-compile{...} when no
// --pass-pipeline is given.
static llvm::cl::OptionCategory compileCategory(
    "Compile in one command (qopt-compile; without --pass-pipeline)");
static llvm::cl::opt<std::string> avgBits(
    "avg-bits", llvm::cl::desc("Budget: average weight bits"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> weightBytes(
    "weight-bytes", llvm::cl::desc("Budget: weight bytes (with scales)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> bopsBudget(
    "bops", llvm::cl::desc("Budget: bit operations"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> latencyBudget(
    "latency",
    llvm::cl::desc("Budget: summed layer latency from the target's cost "
                   "model (--latency-table)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> lutsBudget(
    "luts", llvm::cl::desc("Budget: FPGA LUTs (hls target)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> dspsBudget(
    "dsps", llvm::cl::desc("Budget: FPGA DSP slices (hls target)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> bramsBudget(
    "brams", llvm::cl::desc("Budget: FPGA 18 Kb block RAMs (hls target)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> latencyTable(
    "latency-table",
    llvm::cl::desc("The target's latency table (JSON; measured with "
                   "qopt-measure-costs)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> calibData(
    "calib-data",
    llvm::cl::desc("Calibration data (qopt-calibrate's data= specs); "
                   "without it activations stay float"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> calibSamples(
    "calib-samples", llvm::cl::desc("Calibration samples (default 256)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> inputMean(
    "input-mean", llvm::cl::desc("Subtracted from every calibration input"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> inputStd(
    "input-std", llvm::cl::desc("Divides every calibration input"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> bitsOption(
    "bits", llvm::cl::desc("Integer weight bits to offer (default 8,4,2)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> minifloatsOption(
    "minifloats",
    llvm::cl::desc("Minifloat weight formats to offer, e.g. f8E4M3FN"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> granularityOption(
    "granularity",
    llvm::cl::desc("per-channel (default), group or per-tensor"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> groupSizeOption(
    "group-size", llvm::cl::desc("Group size for --granularity=group"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> methodOption(
    "method",
    llvm::cl::desc("Sensitivity method: weight-error, hessian (default with "
                   "--calib-data) or output"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<std::string> reportJson(
    "report-json", llvm::cl::desc("Write the allocation as JSON here"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<bool> asymmetricOption(
    "asymmetric",
    llvm::cl::desc("Asymmetric integer weight formats (with zero points)"),
    llvm::cl::cat(compileCategory));
static llvm::cl::opt<bool> integerOnlyOption(
    "integer-only",
    llvm::cl::desc("Integer-only chains between integer layers (int32 "
                   "accumulators, dyadic requantization; needs --calib-data)"),
    llvm::cl::cat(compileCategory));

enum class EmitKind { MLIR, Artifact };

/// Extensions of files qopt does not write: without --emit, `-o libm.a`
/// or `-o model.ll` would silently get MLIR text.
static constexpr StringLiteral kForeignExtensions[] = {
    ".a",   ".lib", ".dll", ".dylib", ".exe", ".obj", ".ll", ".bc",
    ".s",   ".asm", ".c",   ".cc",    ".cpp", ".h",   ".hpp"};

/// What the driver writes: MLIR, or `target`'s artifact.
struct OutputPlan {
  EmitKind kind = EmitKind::MLIR;
  const qopt::TargetBackend *target = nullptr;
};

static FailureOr<OutputPlan> resolveOutput(StringRef outputFilename) {
  OutputPlan plan;
  if (!targetName.empty()) {
    llvm::Expected<const qopt::TargetBackend *> target =
        qopt::getTargetBackend(targetName);
    if (!target) {
      llvm::errs() << "qopt: error: --target: "
                   << llvm::toString(target.takeError()) << "\n";
      return failure();
    }
    plan.target = *target;
  }
  // A trailing '/' names a directory (project-style targets).
  StringRef extension = outputFilename.ends_with("/")
                            ? StringRef("/")
                            : llvm::sys::path::extension(outputFilename);
  if (!emitKind.empty()) {
    if (emitKind == "mlir")
      return plan;
    StringRef implied = emitKind == "obj" || emitKind == "lib" ? "cpu"
                        : emitKind == "onnx"                  ? "onnx"
                                                              : "";
    if (implied.empty()) {
      llvm::errs() << "qopt: --emit must be mlir, obj, lib or onnx, not '"
                   << emitKind << "'\n";
      return failure();
    }
    if (plan.target && plan.target->getName() != implied) {
      llvm::errs() << "qopt: --emit=" << emitKind << " is a " << implied
                   << " artifact, but --target=" << targetName << "\n";
      return failure();
    }
    plan.target = qopt::lookupTargetBackend(implied);
    plan.kind = EmitKind::Artifact;
    return plan;
  }
  if (extension == ".mlir" || extension == ".mlirbc" || outputFilename == "-")
    return plan;
  if (!plan.target)
    for (const qopt::TargetBackend *target : qopt::getTargetBackends())
      if (llvm::is_contained(target->getArtifactExtensions(), extension)) {
        plan.target = target;
        break;
      }
  if (plan.target) {
    plan.kind = EmitKind::Artifact;
    return plan;
  }
  if (llvm::is_contained(kForeignExtensions, extension)) {
    llvm::errs() << "qopt: -o '" << outputFilename
                 << "': qopt does not write '" << extension
                 << "' files (.so: shared library, .o: object, .onnx: QDQ "
                    "model, else MLIR; or pass --emit)\n";
    return failure();
  }
  return plan;
}

/// Options that only one target reads are an error for the others (they
/// would be silently ignored).
static LogicalResult checkOutputOptions(const OutputPlan &plan) {
  bool cpu = plan.kind == EmitKind::Artifact && plan.target &&
             plan.target->getName() == "cpu";
  const llvm::cl::Option *cpuOptions[] = {&targetCPU, &ccProgram,
                                          &runtimeLibrary, &runtimeIncludeDir};
  for (const llvm::cl::Option *option : cpuOptions)
    if (!cpu && option->getNumOccurrences()) {
      llvm::errs() << "qopt: --" << option->ArgStr
                   << " applies to the cpu target's artifacts (-o x.so or "
                      "x.o)\n";
      return failure();
    }
  bool hls = plan.target && plan.target->getName() == "hls";
  const llvm::cl::Option *hlsOptions[] = {&tbData,     &tbSamples,
                                          &fpgaPart,   &reuseFactor,
                                          &ioStyle,    &fpgaModelFile,
                                          &lutsBudget, &dspsBudget,
                                          &bramsBudget};
  for (const llvm::cl::Option *option : hlsOptions)
    if (!hls && option->getNumOccurrences()) {
      llvm::errs() << "qopt: --" << option->ArgStr
                   << " applies to the hls target (--target=hls, -o dir/)\n";
      return failure();
    }
  bool onnx = plan.kind == EmitKind::Artifact && plan.target &&
              plan.target->getName() == "onnx";
  if (!onnx && onnxBase.getNumOccurrences()) {
    llvm::errs() << "qopt: --onnx-base applies to ONNX output (-o x.onnx or "
                    "--emit=onnx)\n";
    return failure();
  }
  return success();
}

/// The hls target's pipeline options from --io-style, --reuse-factor,
/// --fpga-part and --fpga-model ("" when none is given).
static std::string hlsTargetOptions() {
  std::string options;
  auto add = [&](const llvm::cl::opt<std::string> &option, StringRef key) {
    if (option.getNumOccurrences())
      options += (options.empty() ? "" : " ") + key.str() + "=" +
                 option.getValue();
  };
  add(ioStyle, "io");
  add(reuseFactor, "reuse");
  add(fpgaPart, "part");
  add(fpgaModelFile, "fpga-model");
  return options;
}

/// The options of qopt-compile given through the driver's shortcuts, or
/// "" when none is given.
static std::string compileShortcutOptions() {
  std::string options;
  auto add = [&](const llvm::cl::opt<std::string> &option, StringRef key) {
    if (option.getNumOccurrences())
      options += " " + key.str() + "=" + option.getValue();
  };
  add(avgBits, "avg-bits");
  add(weightBytes, "weight-bytes");
  add(bopsBudget, "bops");
  add(latencyBudget, "latency");
  add(lutsBudget, "luts");
  add(dspsBudget, "dsps");
  add(bramsBudget, "brams");
  add(latencyTable, "latency-table");
  add(calibData, "data");
  add(calibSamples, "num-samples");
  add(inputMean, "input-mean");
  add(inputStd, "input-std");
  add(bitsOption, "bits");
  add(minifloatsOption, "minifloats");
  add(granularityOption, "granularity");
  add(groupSizeOption, "group-size");
  add(methodOption, "method");
  add(reportJson, "report-json");
  if (integerOnlyOption.getNumOccurrences())
    options += integerOnlyOption ? " integer-only=true" : " integer-only=false";
  if (asymmetricOption.getNumOccurrences())
    options += asymmetricOption ? " asymmetric=true" : " asymmetric=false";
  std::string hls = hlsTargetOptions();
  if (!options.empty() && !hls.empty())
    options += " target-options={" + hls + "}";
  return options;
}

/// The name of the artifact's symbols: --name, else derived from -o
/// (getDefaultArtifactName, as the loaders derive it).
static std::string artifactName(StringRef outputFilename) {
  if (!libraryNameOption.empty())
    return libraryNameOption;
  return qopt::getDefaultArtifactName(outputFilename);
}

/// Runs `plan.target`'s pipeline when the module is not lowered for it
/// yet (`-o x.so` after a pipeline without qopt-cpu-pipeline, or with no
/// pipeline at all), then writes its artifact.
static LogicalResult writeArtifact(ModuleOp module, const OutputPlan &plan,
                                   StringRef outputFilename,
                                   StringRef originalPath = {},
                                   StringRef original = {}) {
  const qopt::TargetBackend &target = *plan.target;
  if (outputFilename == "-") {
    llvm::errs() << "qopt: the " << target.getName()
                 << " target's artifact needs a file name (-o)\n";
    return failure();
  }
  if (!target.isLowered(module)) {
    PassManager pm(module.getContext(), ModuleOp::getOperationName(),
                   OpPassManager::Nesting::Implicit);
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    qopt::TargetPipelineOptions options;
    options.name = artifactName(outputFilename);
    if (target.getName() == "hls")
      options.extra = hlsTargetOptions();
    bool bad = false;
    if (failed(target.buildPipeline(pm, options, [&](const Twine &message) {
          llvm::errs() << "qopt: error: " << message << "\n";
          bad = true;
        })) ||
        bad || failed(pm.run(module)))
      return failure();
  }
  qopt::ArtifactRequest request;
  request.outputPath = outputFilename.str();
  request.producer = "qopt " QOPT_VERSION;
  std::unique_ptr<llvm::MemoryBuffer> base;
  if (target.getName() == "onnx") {
    if (original.empty() && !onnxBase.empty()) {
      std::string error;
      base = openInputFile(onnxBase, &error);
      if (!base) {
        llvm::errs() << "qopt: " << error << "\n";
        return failure();
      }
      original = base->getBuffer();
      originalPath = onnxBase;
    }
    if (original.empty()) {
      llvm::errs() << "qopt: --emit=onnx from MLIR input needs --onnx-base "
                      "(the ONNX model it was imported from)\n";
      return failure();
    }
  }
  request.originalModel = original.str();
  request.originalModelPath = originalPath.str();
  if (target.getName() == "hls") {
    if (!libraryNameOption.empty())
      request.targetOptions.push_back({"name", libraryNameOption});
    if (!tbData.empty())
      request.targetOptions.push_back({"tb-data", tbData});
    if (!tbSamples.empty())
      request.targetOptions.push_back({"tb-samples", tbSamples});
    if (inputMean.getNumOccurrences())
      request.targetOptions.push_back({"input-mean", inputMean});
    if (inputStd.getNumOccurrences())
      request.targetOptions.push_back({"input-std", inputStd});
  }
  if (target.getName() == "cpu") {
    request.targetOptions.push_back({"cpu", targetCPU});
    request.targetOptions.push_back({"cc", ccProgram});
    if (!runtimeLibrary.empty())
      request.targetOptions.push_back({"runtime-library", runtimeLibrary});
    if (!runtimeIncludeDir.empty())
      request.targetOptions.push_back(
          {"runtime-include-dir", runtimeIncludeDir});
  }
  return target.writeArtifact(module, request);
}

/// Prints diagnostics about an imported model as `model.onnx: node 'conv1':
/// error: ...`: imported ops carry NameLocs (node names), which the default
/// handler would print as `loc("conv1")`.
static LogicalResult printImportDiagnostic(StringRef inputFilename,
                                          Diagnostic &diag) {
  llvm::raw_ostream &os = llvm::errs();
  std::string message = diag.str();
  os << inputFilename << ": ";
  if (auto nameLoc = dyn_cast<NameLoc>(diag.getLocation())) {
    StringRef name = nameLoc.getName().getValue();
    // Importer messages already name their node or graph input.
    if (!StringRef(message).contains("'" + name.str() + "'"))
      os << "node '" << name << "': ";
  } else if (auto fileLoc = dyn_cast<FileLineColLoc>(diag.getLocation())) {
    if (fileLoc.getLine() != 0 && fileLoc.getFilename() != inputFilename)
      os << fileLoc.getFilename() << ":" << fileLoc.getLine() << ": ";
  }
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    os << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  case DiagnosticSeverity::Remark:
    os << "remark: ";
    break;
  case DiagnosticSeverity::Note:
    os << "note: ";
    break;
  }
  os << message << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << inputFilename << ": note: " << note.str() << "\n";
  return success();
}

/// Imports `buffer` with `frontend`, runs the configured pass pipeline and
/// writes the result, honouring the MlirOptMain options that apply to a
/// single imported module.
static LogicalResult runOnImportedInput(const qopt::Frontend &frontend,
                                        std::unique_ptr<llvm::MemoryBuffer> buffer,
                                        StringRef inputFilename,
                                        StringRef outputFilename,
                                        DialectRegistry &registry,
                                        const MlirOptMainConfig &config,
                                        const OutputPlan &plan) {
  MLIRContext context(registry);
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    return printImportDiagnostic(inputFilename, diag);
  });

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  // The ONNX target edits the original model.
  std::string original =
      plan.kind == EmitKind::Artifact && plan.target->getName() == "onnx"
          ? buffer->getBuffer().str()
          : std::string();
  OwningOpRef<ModuleOp> module;
  {
    TimingScope importTiming = timing.nest(frontend.name + " import");
    module = frontend.import(std::move(buffer), inputFilename, context);
  }
  if (!module)
    return failure();

  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  pm.enableVerifier(config.shouldVerifyPasses());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.enableTiming(timing);
  if (failed(config.setupPassPipeline(pm)) || failed(pm.run(*module)))
    return failure();
  if (plan.kind == EmitKind::Artifact) {
    TimingScope outputTiming = timing.nest("Artifact");
    return writeArtifact(*module, plan, outputFilename, inputFilename,
                         original);
  }

  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return failure();
  }
  TimingScope outputTiming = timing.nest("Output");
  if (config.shouldEmitBytecode()) {
    BytecodeWriterConfig writerConfig;
    if (failed(writeBytecodeToFile(*module, output->os(), writerConfig)))
      return failure();
  } else {
    module->print(output->os());
    output->os() << "\n";
  }
  output->keep();
  return success();
}

/// MLIR input compiled to an artifact: MlirOptMain can only print IR, so
/// parse, run the pipeline and write here.
static LogicalResult
runOnMLIRInputToArtifact(std::unique_ptr<llvm::MemoryBuffer> buffer,
                         StringRef outputFilename, DialectRegistry &registry,
                         const MlirOptMainConfig &config,
                         const OutputPlan &plan) {
  MLIRContext context(registry);
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return failure();
  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  pm.enableVerifier(config.shouldVerifyPasses());
  if (failed(applyPassManagerCLOptions(pm)) ||
      failed(config.setupPassPipeline(pm)) || failed(pm.run(*module)))
    return failure();
  return writeArtifact(*module, plan, outputFilename);
}

/// Runs `fn` with file descriptor 2 sent to a temporary file and returns
/// what was written there: llvm::cl reports a bad pass option value
/// straight to stderr, apart from the diagnostic that follows.
static std::string captureStderr(llvm::function_ref<void()> fn) {
  SmallString<128> path;
  int fd = -1;
  int saved = -1;
  if (!llvm::sys::fs::createTemporaryFile("qopt-stderr", "txt", fd, path))
    saved = ::dup(2);
  if (saved < 0) {
    fn();
    return "";
  }
  llvm::errs().flush();
  ::dup2(fd, 2);
  fn();
  llvm::errs().flush();
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  auto buffer = llvm::MemoryBuffer::getFile(path);
  llvm::sys::fs::remove(path);
  return buffer ? (*buffer)->getBuffer().str() : "";
}

/// Builds the --pass-pipeline once before any input is read, so that an
/// unknown pass or a bad option is one line, whatever the input and
/// output (MlirOptMain would print it with the module it belongs to).
static LogicalResult checkPassPipeline(DialectRegistry &registry,
                                       const MlirOptMainConfig &config) {
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  std::string messages;
  LogicalResult result = success();
  std::string printed = captureStderr([&] {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      messages += "\n" + diag.str();
      return success();
    });
    PassManager pm(&context, ModuleOp::getOperationName(),
                   OpPassManager::Nesting::Implicit);
    result = config.setupPassPipeline(pm);
  });
  if (succeeded(result)) {
    llvm::errs() << printed;
    return success();
  }
  SmallVector<StringRef> lines, parts;
  std::string all = printed + messages;
  StringRef(all).split(lines, '\n');
  auto isCaret = [](StringRef line) {
    return !line.trim().empty() &&
           line.find_first_not_of(" \t^~") == StringRef::npos;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i].trim();
    // The pipeline parser quotes the pipeline with a caret under the
    // error: the message says which pass.
    if (isCaret(line) || (i + 1 < lines.size() && isCaret(lines[i + 1])))
      continue;
    line.consume_front("qopt: ");
    line.consume_front("<Pass-Options-Parser>: ");
    if (line.consume_front("MLIR Textual PassPipeline Parser:"))
      line = line.split("error: ").second;
    if (!line.empty())
      parts.push_back(line);
  }
  llvm::errs() << "qopt: error: --pass-pipeline: "
               << (parts.empty() ? "invalid" : llvm::join(parts, "; "))
               << "\n";
  return failure();
}

/// Diagnostics name an operation by its location; the default of
/// attaching the whole operation (the module, for module-level errors)
/// prints megabytes for a real model. --mlir-print-op-on-diagnostic still
/// turns it on.
static void defaultToNotPrintingOpOnDiagnostic() {
  auto &options = llvm::cl::getRegisteredOptions();
  auto it = options.find("mlir-print-op-on-diagnostic");
  if (it == options.end() || it->second->getNumOccurrences())
    return;
  static_cast<llvm::cl::opt<bool> *>(it->second)->setValue(false);
}

/// `qopt --help` lists qopt's options and MLIR's user-facing ones; the
/// options libLLVM registers for its code generators (amdgpu, polly,
/// x86 scheduling, ...) are moved behind --help-hidden. They all exist
/// before main runs, while MLIR registers its tool options at run time
/// (registerAndParseCLIOptions), so "static, uncategorised and not ours"
/// picks exactly the former.
static void hideLibraryOptions() {
  // qopt's own option categories (this file and Frontends.cpp).
  auto isOurs = [](llvm::cl::OptionCategory *category) {
    return category == &targetCategory || category == &compileCategory ||
           category->getName().ends_with("frontend options");
  };
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.second;
    if (option->getOptionHiddenFlag() != llvm::cl::NotHidden)
      continue;
    StringRef name = option->ArgStr;
    // --help, --version and friends stay.
    if (llvm::any_of(option->Categories, isOurs) || name == "help" ||
        name == "help-list" || name == "version" || name == "color")
      continue;
    option->setHiddenFlag(llvm::cl::Hidden);
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);

  DialectRegistry registry;
  qopt::registerAllDialects(registry);
  qopt::registerCPUTargetTranslations(registry);
  qopt::registerAllPasses();
#ifdef QOPT_INCLUDE_TESTS
  qopt::test::registerTestQuantizableOpInterfacePass();
  qopt::test::registerTestTargetInfoPass();
#endif
  llvm::cl::AddExtraVersionPrinter(printVersion);
  hideLibraryOptions();

  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv, "qopt: mixed-precision quantization compiler\n", registry);
  defaultToNotPrintingOpOnDiagnostic();
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects())
    return asMainReturnCode(MlirOptMain(argc, argv, inputFilename,
                                        outputFilename, registry));

  if (listTargets) {
    for (const qopt::TargetBackend *target : qopt::getTargetBackends())
      llvm::outs() << target->getName() << ": " << target->getDescription()
                   << "\n";
    return EXIT_SUCCESS;
  }

  // The driver's own options, then the pipeline, before reading the input.
  FailureOr<OutputPlan> plan = resolveOutput(outputFilename);
  if (failed(plan) || failed(checkOutputOptions(*plan)))
    return EXIT_FAILURE;
  for (const qopt::Frontend &frontend : qopt::getFrontends()) {
    std::string error = frontend.checkOptions();
    if (!error.empty()) {
      llvm::errs() << "qopt: error: " << error << "\n";
      return EXIT_FAILURE;
    }
  }
  // --avg-bits=… and friends: the whole job as qopt-compile.
  std::string shortcuts = compileShortcutOptions();
  if (!shortcuts.empty()) {
    auto &options = llvm::cl::getRegisteredOptions();
    auto it = options.find("pass-pipeline");
    if (it != options.end() && it->second->getNumOccurrences()) {
      llvm::errs() << "qopt: error: --" << StringRef(shortcuts).trim().split('=').first
                   << " and the other qopt-compile shortcuts replace "
                      "--pass-pipeline; give one or the other\n";
      return EXIT_FAILURE;
    }
    std::string target = plan->target ? plan->target->getName().str()
                         : targetName.empty() ? "cpu"
                                              : targetName.getValue();
    // Elements of the module pass manager (not anchored: an anchored
    // "builtin.module(...)" would nest under the module).
    std::string pipeline = "qopt-compile{target=" + target +
                           " name=" + artifactName(outputFilename) +
                           shortcuts + "}";
    config.setPassPipelineSetupFn([pipeline](PassManager &pm) {
      return parsePassPipeline(pipeline, pm, llvm::errs());
    });
  }
  if (failed(checkPassPipeline(registry, config)))
    return EXIT_FAILURE;

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      openInputFile(inputFilename, &errorMessage);
  if (!buffer) {
    llvm::errs() << "qopt: " << errorMessage << "\n";
    return EXIT_FAILURE;
  }

  const qopt::Frontend *detected = nullptr;
  for (const qopt::Frontend &frontend : qopt::getFrontends())
    if (frontend.detect(inputFilename, buffer->getBuffer())) {
      detected = &frontend;
      break;
    }
  // Another format's options would be ignored.
  for (const qopt::Frontend &frontend : qopt::getFrontends()) {
    std::vector<std::string> given = frontend.givenOptions();
    if (&frontend != detected && !given.empty()) {
      llvm::errs() << "qopt: " << given.front() << " applies to "
                   << frontend.name << " input; '" << inputFilename
                   << "' is " << (detected ? detected->name : "MLIR") << "\n";
      return EXIT_FAILURE;
    }
  }
  if (detected)
    return asMainReturnCode(runOnImportedInput(
        *detected, std::move(buffer), inputFilename, outputFilename, registry,
        config, *plan));
  if (plan->kind == EmitKind::Artifact)
    return asMainReturnCode(runOnMLIRInputToArtifact(
        std::move(buffer), outputFilename, registry, config, *plan));

  // MLIR text or bytecode.
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "qopt: " << errorMessage << "\n";
    return EXIT_FAILURE;
  }
  if (failed(MlirOptMain(output->os(), std::move(buffer), registry, config)))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
