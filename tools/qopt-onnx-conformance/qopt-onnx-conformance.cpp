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

#include "qopt/InitAllDialects.h"
#include "qopt/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
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
static llvm::cl::opt<bool>
    verbose("v", llvm::cl::desc("Print every test's result"),
            llvm::cl::init(false));

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "qopt ONNX node-test conformance\n");

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

  unsigned counted = 0, passed = 0, skipped = 0;
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
    ++counted;
    // Integer inputs (shapes, axes, indices, repeats, ...) and scalar
    // parameters must be known at compile time: bind them to the test's own
    // input values. If the importer still asks for a compile-time value
    // (e.g. Resize scales given as a float input), bind every input but
    // the first and retry.
    std::vector<qopt::OnnxGraphInput> inputs =
        qopt::listOnnxGraphInputs((*buffer)->getBuffer());
    std::string model = (*buffer)->getBuffer().str();
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
      return succeeded(module) && succeeded(verify(**module));
    };
    std::string errors;
    bool ok = attempt(false, errors);
    if (!ok && errors.find("must be known at import time") !=
                   std::string::npos) {
      errors.clear();
      ok = attempt(true, errors);
    }
    passed += ok;
    if (!ok)
      llvm::outs() << "FAIL " << test << ": " << errors << "\n";
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
               << "not list as supported)\n";
  if (counted && double(passed) / counted < minPassRate)
    return 1;
  return 0;
}
