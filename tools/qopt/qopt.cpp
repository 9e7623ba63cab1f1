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
#include "qopt/Target/CPU/EmitLibrary.h"
#include "qopt/Target/ONNX/ExportONNX.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#ifdef QOPT_INCLUDE_TESTS
namespace mlir::qopt::test {
void registerTestQuantizableOpInterfacePass();
} // namespace mlir::qopt::test
#endif

using namespace mlir;

static void printVersion(llvm::raw_ostream &os) {
  os << "qopt version " << QOPT_VERSION << " (" << QOPT_GIT_REVISION << ")\n"
     << "  built with MLIR " << LLVM_VERSION_STRING << "\n";
}

static llvm::cl::OptionCategory nativeCategory(
    "Native code (after qopt-cpu-pipeline)");
static llvm::cl::opt<std::string> emitKind(
    "emit",
    llvm::cl::desc("What to write: mlir, obj (relocatable object) or lib "
                   "(shared library), each native kind with a C header "
                   "next to it, or onnx (QDQ model of qopt-quantize's "
                   "result). Default: from -o's extension (.so: lib, .o: "
                   "obj, .onnx: onnx, else mlir)"),
    llvm::cl::init(""), llvm::cl::cat(nativeCategory));
static llvm::cl::opt<std::string> targetCPU(
    "target-cpu",
    llvm::cl::desc("LLVM CPU for the generated code: generic (default; "
                   "kernels still dispatch at run time), native, or a name"),
    llvm::cl::init("generic"), llvm::cl::cat(nativeCategory));
static llvm::cl::opt<std::string>
    ccProgram("cc", llvm::cl::desc("C compiler driver used to link (cc)"),
              llvm::cl::init("cc"), llvm::cl::cat(nativeCategory));
static llvm::cl::opt<std::string> onnxBase(
    "onnx-base",
    llvm::cl::desc("--emit=onnx from MLIR input: the ONNX model the IR was "
                   "imported from"),
    llvm::cl::init(""), llvm::cl::cat(nativeCategory));
static llvm::cl::opt<std::string> runtimeLibrary(
    "runtime-library",
    llvm::cl::desc("libQOptRuntimeCPU.a to link (default: next to qopt's "
                   "installation, else the build tree's)"),
    llvm::cl::init(""), llvm::cl::cat(nativeCategory));

enum class EmitKind { MLIR, Object, Library, ONNX };

static FailureOr<EmitKind> resolveEmitKind(StringRef outputFilename) {
  if (emitKind.empty())
    return outputFilename.ends_with(".so")     ? EmitKind::Library
           : outputFilename.ends_with(".o")    ? EmitKind::Object
           : outputFilename.ends_with(".onnx") ? EmitKind::ONNX
                                               : EmitKind::MLIR;
  if (emitKind == "mlir")
    return EmitKind::MLIR;
  if (emitKind == "obj")
    return EmitKind::Object;
  if (emitKind == "lib")
    return EmitKind::Library;
  if (emitKind == "onnx")
    return EmitKind::ONNX;
  llvm::errs() << "qopt: --emit must be mlir, obj, lib or onnx, not '" << emitKind
               << "'\n";
  return failure();
}

/// libQOptRuntimeCPU.a: --runtime-library, else <prefix>/lib next to an
/// installed qopt, else the one this qopt was built with.
static std::string findRuntimeLibrary(const char *argv0) {
  if (!runtimeLibrary.empty())
    return runtimeLibrary;
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&findRuntimeLibrary));
  SmallString<256> installed(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(installed, "lib", "libQOptRuntimeCPU.a");
  if (llvm::sys::fs::exists(installed))
    return installed.str().str();
  return QOPT_BUILD_RUNTIME_LIBRARY;
}

/// Writes `module` as a QDQ ONNX model edited from `original` (the bytes
/// of the ONNX model it was imported from; empty: read --onnx-base).
static LogicalResult emitOnnx(ModuleOp module, StringRef outputFilename,
                              StringRef original) {
  std::unique_ptr<llvm::MemoryBuffer> base;
  if (original.empty()) {
    if (onnxBase.empty()) {
      llvm::errs() << "qopt: --emit=onnx from MLIR input needs --onnx-base "
                      "(the ONNX model it was imported from)\n";
      return failure();
    }
    std::string error;
    base = openInputFile(onnxBase, &error);
    if (!base) {
      llvm::errs() << "qopt: " << error << "\n";
      return failure();
    }
    original = base->getBuffer();
  }
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << "qopt: " << error << "\n";
    return failure();
  }
  if (failed(qopt::exportQuantizedOnnxModel(module, original, output->os())))
    return failure();
  output->keep();
  return success();
}

/// Writes the native output of a module lowered by qopt-cpu-pipeline, or
/// the ONNX export.
static LogicalResult emitNative(ModuleOp module, EmitKind kind,
                                StringRef outputFilename, const char *argv0,
                                StringRef originalOnnx = {}) {
  if (kind == EmitKind::ONNX)
    return emitOnnx(module, outputFilename, originalOnnx);
  if (outputFilename == "-") {
    llvm::errs() << "qopt: native output needs a file name (-o)\n";
    return failure();
  }
  qopt::CPULibraryOptions options;
  options.cpu = targetCPU;
  options.cc = ccProgram;
  options.runtimeLibrary = findRuntimeLibrary(argv0);
  options.producer = "qopt " QOPT_VERSION;
  SmallString<256> header(outputFilename);
  llvm::sys::path::replace_extension(header, "h");
  return qopt::emitLibrary(module, options,
                           kind == EmitKind::Library
                               ? qopt::CPULibraryKind::SharedLibrary
                               : qopt::CPULibraryKind::Object,
                           outputFilename, header);
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
                                        EmitKind emit, const char *argv0) {
  MLIRContext context(registry);
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    return printImportDiagnostic(inputFilename, diag);
  });

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  // The ONNX export edits the original model.
  std::string original =
      emit == EmitKind::ONNX ? buffer->getBuffer().str() : std::string();
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
  if (emit != EmitKind::MLIR) {
    TimingScope outputTiming = timing.nest("Native code");
    return emitNative(*module, emit, outputFilename, argv0, original);
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

/// MLIR input compiled to native code: MlirOptMain can only print IR, so
/// parse, run the pipeline and emit here.
static LogicalResult
runOnMLIRInputToNative(std::unique_ptr<llvm::MemoryBuffer> buffer,
                       StringRef outputFilename, DialectRegistry &registry,
                       const MlirOptMainConfig &config, EmitKind emit,
                       const char *argv0) {
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
  return emitNative(*module, emit, outputFilename, argv0);
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);

  DialectRegistry registry;
  qopt::registerAllDialects(registry);
  qopt::registerCPUTargetTranslations(registry);
  qopt::registerAllPasses();
#ifdef QOPT_INCLUDE_TESTS
  qopt::test::registerTestQuantizableOpInterfacePass();
#endif
  llvm::cl::AddExtraVersionPrinter(printVersion);

  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv, "qopt: mixed-precision quantization compiler\n", registry);
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects())
    return asMainReturnCode(MlirOptMain(argc, argv, inputFilename,
                                        outputFilename, registry));

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      openInputFile(inputFilename, &errorMessage);
  if (!buffer) {
    llvm::errs() << "qopt: " << errorMessage << "\n";
    return EXIT_FAILURE;
  }

  FailureOr<EmitKind> emit = resolveEmitKind(outputFilename);
  if (failed(emit))
    return EXIT_FAILURE;
  for (const qopt::Frontend &frontend : qopt::getFrontends())
    if (frontend.detect(inputFilename, buffer->getBuffer()))
      return asMainReturnCode(
          runOnImportedInput(frontend, std::move(buffer), inputFilename,
                             outputFilename, registry, config, *emit, argv[0]));
  if (*emit != EmitKind::MLIR)
    return asMainReturnCode(runOnMLIRInputToNative(
        std::move(buffer), outputFilename, registry, config, *emit, argv[0]));

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
