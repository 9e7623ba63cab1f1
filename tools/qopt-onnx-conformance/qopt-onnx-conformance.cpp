//===- qopt-onnx-conformance.cpp - ONNX node-test conformance driver ------===//
//
// Runs qopt's ONNX importer over the ONNX backend node tests (Debian's
// libonnx-testdata: <dir>/<test>/model.onnx). A test counts when every op
// it uses is one qopt lists as supported; it passes when the model imports
// and the resulting IR verifies. Integer-typed and scalar graph inputs
// (shapes, axes, indices, Range bounds) are bound to the test's input
// values, since a compiler needs them at compile time; other inputs stay
// function arguments. Prints one line per failure and
//
//   conformance-import: passed N / M
//
// Exit status is 0 unless --min-pass-rate is given and not reached.
//
//===----------------------------------------------------------------------===//

#include "qopt/Executor/Executor.h"
#include "qopt/Support/TensorIO.h"
#include "qopt/InitAllDialects.h"
#include "qopt/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace mlir;

static llvm::cl::opt<std::string>
    testDir(llvm::cl::Positional, llvm::cl::desc("<node test directory>"),
            llvm::cl::init("/usr/share/libonnx-testdata/data/node"));
static llvm::cl::opt<std::string>
    filter("filter", llvm::cl::desc("Only tests whose name contains this"),
           llvm::cl::init(""));
static llvm::cl::opt<double> minPassRate(
    "min-pass-rate",
    llvm::cl::desc("Fail unless at least this fraction of counted tests "
                   "passes (0 to 1)"),
    llvm::cl::init(0.0));
static llvm::cl::opt<bool> listSupported(
    "list-supported",
    llvm::cl::desc("Print the supported op types as a Markdown list and exit"),
    llvm::cl::init(false));
static llvm::cl::opt<bool> runTests(
    "run",
    llvm::cl::desc("Also execute each imported test with the reference "
                   "executor and compare with its stored outputs"),
    llvm::cl::init(false));
static llvm::cl::opt<bool>
    verbose("v", llvm::cl::desc("Print every test's result"),
            llvm::cl::init(false));

/// Compares an executor output with the test's expected tensor: same
/// element type and shape; floats within rtol 1e-3 / atol 1e-7 (the ONNX
/// backend test defaults, NaN equal to NaN), other types exactly.
static std::string compare(const qopt::Tensor &got, const qopt::Tensor &want) {
  // ONNX bool and uint8 read from .pb as I1 / U8; the executor agrees.
  if (got.getDType() != want.getDType() || got.getShape() != want.getShape())
    return "got " + got.describe() + ", expected " + want.describe();
  int64_t n = got.getNumElements();
  bool floating = qopt::isFloat(got.getDType());
  for (int64_t i = 0; i < n; ++i) {
    if (floating) {
      double a = got.getDouble(i), b = want.getDouble(i);
      if (std::isnan(a) && std::isnan(b))
        continue;
      if (std::isinf(a) && a == b)
        continue;
      if (!(std::fabs(a - b) <= 1e-7 + 1e-3 * std::fabs(b)))
        return llvm::formatv("element {0}: got {1}, expected {2}", i, a, b)
            .str();
    } else if (got.getInt(i) != want.getInt(i)) {
      return llvm::formatv("element {0}: got {1}, expected {2}", i,
                           got.getInt(i), want.getInt(i))
          .str();
    }
  }
  return "";
}

/// Runs the imported test on test_data_set_0 and compares its outputs.
static std::string runTest(ModuleOp module, StringRef testPath,
                           ArrayRef<qopt::OnnxGraphInput> inputs,
                           const llvm::StringMap<std::string> &bound) {
  auto func = module.lookupSymbol<func::FuncOp>("main");
  auto executor = qopt::Executor::create(func);
  if (failed(executor))
    return "executor rejected the IR";
  SmallVector<qopt::Tensor> args;
  for (auto [i, in] : llvm::enumerate(inputs)) {
    if (bound.count(in.name))
      continue;
    SmallString<256> pb(testPath);
    llvm::sys::path::append(pb, "test_data_set_0",
                            "input_" + std::to_string(i) + ".pb");
    auto t = qopt::readTensorProto(pb);
    if (!t)
      return llvm::toString(t.takeError());
    // Some test data stores bfloat16 as UINT16 bit patterns.
    const qopt::TensorSpec &spec = (*executor)->getInputs()[args.size()];
    if (t->getDType() != spec.dtype &&
        qopt::dtypeBytes(t->getDType()) == qopt::dtypeBytes(spec.dtype) &&
        !qopt::isFloat(t->getDType()))
      *t = t->bitcast(spec.dtype);
    args.push_back(*t);
  }
  auto results = (*executor)->run(args);
  if (failed(results))
    return "execution failed";
  for (auto [j, got] : llvm::enumerate(*results)) {
    SmallString<256> pb(testPath);
    llvm::sys::path::append(pb, "test_data_set_0",
                            "output_" + std::to_string(j) + ".pb");
    auto want = qopt::readTensorProto(pb);
    if (!want)
      return llvm::toString(want.takeError());
    if (want->getDType() == qopt::DType::I16 &&
        got.getDType() == qopt::DType::BF16)
      *want = want->bitcast(qopt::DType::BF16);
    std::string mismatch = compare(got, *want);
    if (!mismatch.empty())
      return "output " + std::to_string(j) + ": " + mismatch;
  }
  return "";
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "qopt ONNX node-test conformance\n");

  if (listSupported) {
    llvm::outs() << "<!-- Generated by qopt-onnx-conformance --list-supported; "
                    "do not edit. -->\n# ONNX op types qopt imports\n\n"
                    "Default domain (`ai.onnx`), opsets 9 to 17:\n\n";
    for (const std::string &op : qopt::getSupportedOnnxOps())
      llvm::outs() << "- `" << op << "`\n";
    return 0;
  }

  std::vector<std::string> tests;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(testDir, ec), end;
       it != end && !ec; it.increment(ec)) {
    std::string name = llvm::sys::path::filename(it->path()).str();
    if (!filter.empty() && name.find(filter) == std::string::npos)
      continue;
    tests.push_back(name);
  }
  if (ec) {
    llvm::errs() << "cannot list '" << testDir << "': " << ec.message()
                 << "\n";
    return 2;
  }
  std::sort(tests.begin(), tests.end());

  DialectRegistry registry;
  qopt::registerAllDialects(registry);
  qopt::registerOnnxImportDialects(registry);

  unsigned counted = 0, passed = 0, skipped = 0, skippedTypes = 0, ran = 0;
  llvm::StringMap<unsigned> skippedOps;
  for (const std::string &test : tests) {
    SmallString<256> path(testDir);
    llvm::sys::path::append(path, test, "model.onnx");
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer)
      continue;
    std::vector<std::string> unsupported =
        qopt::listUnsupportedOnnxOps((*buffer)->getBuffer());
    if (!unsupported.empty()) {
      ++skipped;
      for (const std::string &op : unsupported)
        ++skippedOps[op];
      continue;
    }
    // Tests of types qopt has no representation for (sequences, optionals,
    // string tensors) are skipped like unsupported ops, and counted apart.
    if (!qopt::listUnsupportedOnnxTypes((*buffer)->getBuffer()).empty()) {
      ++skippedTypes;
      continue;
    }
    ++counted;
    // Integer inputs (shapes, axes, indices, repeats, ...) and scalar
    // parameters must be known at compile time: bind them to the test's own
    // input values. If the importer still asks for a compile-time value
    // (e.g. Resize scales given as a float input), bind every input but
    // the first and retry.
    std::vector<qopt::OnnxGraphInput> inputs =
        qopt::listOnnxGraphInputs((*buffer)->getBuffer());
    std::string model = (*buffer)->getBuffer().str();
    std::string runError;
    bool runOk = false;
    auto attempt = [&](bool bindAllButFirst, std::string &errors) {
      qopt::OnnxImportOptions options;
      for (auto [i, in] : llvm::enumerate(inputs)) {
        bool bind = in.isInteger() || in.rank == 0 || (bindAllButFirst && i);
        if (!bind)
          continue;
        SmallString<256> pb(testDir);
        llvm::sys::path::append(pb, test, "test_data_set_0",
                                "input_" + std::to_string(i) + ".pb");
        if (auto data = llvm::MemoryBuffer::getFile(pb))
          options.boundInputs[in.name] = (*data)->getBuffer().str();
      }
      MLIRContext context(registry);
      llvm::raw_string_ostream errorStream(errors);
      ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error)
          errorStream << diag.str() << "; ";
        return success();
      });
      FailureOr<OwningOpRef<ModuleOp>> module = qopt::importOnnxModel(
          llvm::MemoryBuffer::getMemBuffer(model, path, false), path, context,
          options);
      bool imported = succeeded(module) && succeeded(verify(**module));
      if (imported && runTests) {
        SmallString<256> testPath(testDir);
        llvm::sys::path::append(testPath, test);
        runError = runTest(**module, testPath, inputs, options.boundInputs);
        if (!runError.empty() && !errors.empty())
          runError += " (" + errors + ")";
        runOk = runError.empty();
      }
      return imported;
    };
    std::string errors;
    bool ok = attempt(false, errors);
    if (!ok && errors.find("must be known at import time") !=
                   std::string::npos) {
      errors.clear();
      ok = attempt(true, errors);
    }
    passed += ok;
    ran += runOk;
    if (!ok)
      llvm::outs() << "FAIL " << test << ": " << errors << "\n";
    else if (runTests && !runOk)
      llvm::outs() << "FAIL-RUN " << test << ": " << runError << "\n";
    else if (verbose)
      llvm::outs() << "PASS " << test << "\n";
  }
  if (verbose) {
    llvm::outs() << "skipped " << skipped
                 << " tests using unsupported ops:";
    for (auto &entry : skippedOps)
      llvm::outs() << " " << entry.getKey();
    llvm::outs() << "\n";
  }
  llvm::outs() << "conformance-import: passed " << passed << " / " << counted
               << " (" << skipped << " tests skipped: they use ops qopt does "
               << "not list as supported; " << skippedTypes
               << " skipped: sequence, optional or string inputs/outputs)\n";
  if (runTests)
    llvm::outs() << "conformance-run: passed " << ran << " / " << counted
                 << " (imported, executed and matched the stored outputs "
                    "within rtol 1e-3, atol 1e-7)\n";
  if (counted && double(passed) / counted < minPassRate)
    return 1;
  if (runTests && counted && double(ran) / counted < minPassRate)
    return 1;
  return 0;
}
