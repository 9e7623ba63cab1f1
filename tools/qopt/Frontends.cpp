//===- Frontends.cpp - Non-MLIR inputs of the qopt driver ------------------===//
//
// The table of frontends compiled into the driver, and their command-line
// options (tool-level options only: libraries take options structs).
//
//===----------------------------------------------------------------------===//

#include "Frontends.h"

#include "qopt/Target/ONNX/ImportONNX.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"

#include <memory>
#include <vector>

using namespace mlir;

static llvm::cl::OptionCategory onnxCategory("ONNX frontend options");

static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Pin an ONNX graph input's shape, e.g. "
                   "--input-shape=input:1x3x224x224 (repeatable)"),
    llvm::cl::value_desc("name:AxBxC"), llvm::cl::cat(onnxCategory));

static llvm::cl::opt<int64_t> defaultBatchSize(
    "default-batch-size",
    llvm::cl::desc("Size given to an ONNX input's dynamic batch dimension "
                   "when --input-shape does not pin it"),
    llvm::cl::init(1), llvm::cl::cat(onnxCategory));

static llvm::cl::opt<bool> skipChecker(
    "onnx-skip-checker",
    llvm::cl::desc("Do not run onnx::checker on the model before import"),
    llvm::cl::init(false), llvm::cl::cat(onnxCategory));

/// The import options the command line gives, or an error message.
static std::string parseOnnxOptions(qopt::OnnxImportOptions &options) {
  for (const std::string &spec : inputShapes) {
    std::string error = qopt::parseInputShapeOption(spec, options);
    if (!error.empty())
      return "--input-shape: " + error;
  }
  // parseInputShapeOption keeps the last shape given for a name.
  if (options.inputShapes.size() != inputShapes.size()) {
    llvm::StringSet<> seen;
    for (const std::string &spec : inputShapes) {
      StringRef name = StringRef(spec).rsplit(':').first;
      if (!seen.insert(name).second)
        return "--input-shape: input '" + name.str() + "' is given twice";
    }
  }
  if (defaultBatchSize < 1)
    return "--default-batch-size must be at least 1, not " +
           std::to_string(defaultBatchSize);
  options.defaultBatchSize = defaultBatchSize;
  options.runChecker = !skipChecker;
  return "";
}

static std::string checkOnnxOptions() {
  qopt::OnnxImportOptions options;
  return parseOnnxOptions(options);
}

static std::vector<std::string> givenOnnxOptions() {
  std::vector<std::string> given;
  const llvm::cl::Option *options[] = {std::addressof(inputShapes),
                                       &defaultBatchSize, &skipChecker};
  for (const llvm::cl::Option *option : options)
    if (option->getNumOccurrences())
      given.push_back(("--" + option->ArgStr).str());
  return given;
}

static OwningOpRef<ModuleOp>
importOnnx(std::unique_ptr<llvm::MemoryBuffer> buffer, StringRef path,
           MLIRContext &context) {
  qopt::OnnxImportOptions options;
  std::string error = parseOnnxOptions(options);
  if (!error.empty()) {
    emitError(UnknownLoc::get(&context)) << error;
    return nullptr;
  }
  FailureOr<OwningOpRef<ModuleOp>> module =
      qopt::importOnnxModel(std::move(buffer), path, context, options);
  if (failed(module))
    return nullptr;
  return std::move(*module);
}

ArrayRef<qopt::Frontend> qopt::getFrontends() {
  static const std::vector<Frontend> frontends = {
      {"ONNX", qopt::looksLikeOnnxModel, importOnnx, checkOnnxOptions,
       givenOnnxOptions},
  };
  return frontends;
}
