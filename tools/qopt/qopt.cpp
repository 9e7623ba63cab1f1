//===- qopt.cpp - The qopt driver ------------------------------------------===//
//
// `qopt INPUT --pass-pipeline=... -o OUTPUT`: an mlir-opt built with the
// dialects and passes qopt uses. MLIR inputs (text or bytecode) go through
// MlirOptMain unchanged, so every standard flag works (-split-input-file,
// -verify-diagnostics, --mlir-print-ir-after-all, ...). Inputs in another
// format are recognised by content through the frontend table below,
// imported into a module, and then run through the same pass pipeline.
//
//===----------------------------------------------------------------------===//

#include "Frontends.h"
#include "Version.h"

#include "qopt/InitAllDialects.h"
#include "qopt/InitAllPasses.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
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
                                        const MlirOptMainConfig &config) {
  MLIRContext context(registry);
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    return printImportDiagnostic(inputFilename, diag);
  });

  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

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

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);

  DialectRegistry registry;
  qopt::registerAllDialects(registry);
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

  for (const qopt::Frontend &frontend : qopt::getFrontends())
    if (frontend.detect(inputFilename, buffer->getBuffer()))
      return asMainReturnCode(runOnImportedInput(
          frontend, std::move(buffer), inputFilename, outputFilename, registry, config));

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
