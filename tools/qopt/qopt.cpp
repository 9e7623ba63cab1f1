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
static llvm::cl::opt<std::string> runtimeIncludeDir(
    "runtime-include-dir",
    llvm::cl::desc("Directory containing qopt-runtime/cpu.h, the kernel "
                   "library's header the wrapper is compiled against "
                   "(default: the include directory next to the library, "
                   "then next to qopt's installation, then the source tree's)"),
    llvm::cl::init(""), llvm::cl::cat(nativeCategory));

enum class EmitKind { MLIR, Object, Library, ONNX };

/// Extensions of files qopt does not write: without --emit, `-o libm.a`
/// or `-o model.ll` would silently get MLIR text.
static constexpr StringLiteral kForeignExtensions[] = {
    ".a",   ".lib", ".dll", ".dylib", ".exe", ".obj", ".ll", ".bc",
    ".s",   ".asm", ".c",   ".cc",    ".cpp", ".h",   ".hpp"};

static FailureOr<EmitKind> resolveEmitKind(StringRef outputFilename) {
  if (emitKind.empty()) {
    StringRef extension = llvm::sys::path::extension(outputFilename);
    if (extension == ".so")
      return EmitKind::Library;
    if (extension == ".o")
      return EmitKind::Object;
    if (extension == ".onnx")
      return EmitKind::ONNX;
    if (llvm::is_contained(kForeignExtensions, extension)) {
      llvm::errs() << "qopt: -o '" << outputFilename
                   << "': qopt does not write '" << extension
                   << "' files (.so: shared library, .o: object, .onnx: QDQ "
                      "model, else MLIR; or pass --emit)\n";
      return failure();
    }
    return EmitKind::MLIR;
  }
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

/// Options that only one kind of output reads are an error for the others
/// (they would be silently ignored).
static LogicalResult checkOutputOptions(EmitKind emit) {
  bool native = emit == EmitKind::Library || emit == EmitKind::Object;
  const llvm::cl::Option *nativeOptions[] = {&targetCPU, &ccProgram,
                                             &runtimeLibrary,
                                             &runtimeIncludeDir};
  for (const llvm::cl::Option *option : nativeOptions)
    if (!native && option->getNumOccurrences()) {
      llvm::errs() << "qopt: --" << option->ArgStr
                   << " applies to native output (-o x.so or x.o, or "
                      "--emit=lib or obj)\n";
      return failure();
    }
  if (emit != EmitKind::ONNX && onnxBase.getNumOccurrences()) {
    llvm::errs() << "qopt: --onnx-base applies to ONNX output (-o x.onnx or "
                    "--emit=onnx)\n";
    return failure();
  }
  return success();
}

/// `<prefix>/<dir>` for an install directory relative to the prefix, or
/// `dir` when it is absolute.
static std::string installPath(StringRef prefix, StringRef dir) {
  if (llvm::sys::path::is_absolute(dir))
    return dir.str();
  SmallString<256> path(prefix);
  llvm::sys::path::append(path, dir);
  return path.str().str();
}

/// The installation prefix of this qopt (the parent of its bin/).
static std::string installPrefix(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&installPrefix));
  return llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)).str();
}

/// libQOptRuntimeCPU.a: --runtime-library, else the one installed with
/// this qopt, else the one this qopt was built with.
static std::string findRuntimeLibrary(const char *argv0) {
  if (!runtimeLibrary.empty())
    return runtimeLibrary;
  SmallString<256> installed(
      installPath(installPrefix(argv0), QOPT_INSTALL_LIBDIR));
  llvm::sys::path::append(installed, "libQOptRuntimeCPU.a");
  if (llvm::sys::fs::exists(installed))
    return installed.str().str();
  return QOPT_BUILD_RUNTIME_LIBRARY;
}

/// The directory with qopt-runtime/cpu.h matching `library`:
/// --runtime-include-dir, else the include directory of the prefix the
/// library is installed in, else of this qopt's installation, else the
/// source tree this qopt was built from.
static std::string findRuntimeIncludeDir(StringRef library,
                                         const char *argv0) {
  if (!runtimeIncludeDir.empty())
    return runtimeIncludeDir;
  auto hasHeader = [](StringRef dir) {
    SmallString<256> header(dir);
    llvm::sys::path::append(header, "qopt-runtime", "cpu.h");
    return llvm::sys::fs::exists(header);
  };
  // <prefix>/lib/libQOptRuntimeCPU.a -> <prefix>/include.
  std::string libraryPrefix =
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(library))
          .str();
  for (const std::string &dir :
       {installPath(libraryPrefix, QOPT_INSTALL_INCLUDEDIR),
        installPath(installPrefix(argv0), QOPT_INSTALL_INCLUDEDIR)})
    if (!dir.empty() && hasHeader(dir))
      return dir;
  return QOPT_BUILD_RUNTIME_INCLUDE_DIR;
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
  options.runtimeIncludeDir =
      findRuntimeIncludeDir(options.runtimeLibrary, argv0);
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
  defaultToNotPrintingOpOnDiagnostic();
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects())
    return asMainReturnCode(MlirOptMain(argc, argv, inputFilename,
                                        outputFilename, registry));

  // The driver's own options, then the pipeline, before reading the input.
  FailureOr<EmitKind> emit = resolveEmitKind(outputFilename);
  if (failed(emit) || failed(checkOutputOptions(*emit)))
    return EXIT_FAILURE;
  for (const qopt::Frontend &frontend : qopt::getFrontends()) {
    std::string error = frontend.checkOptions();
    if (!error.empty()) {
      llvm::errs() << "qopt: error: " << error << "\n";
      return EXIT_FAILURE;
    }
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
        config, *emit, argv[0]));
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
