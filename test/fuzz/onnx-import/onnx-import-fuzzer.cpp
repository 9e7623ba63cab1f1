//===- onnx-import-fuzzer.cpp - libFuzzer target for the ONNX importer ----===//
//
// Feeds arbitrary bytes to qopt::importOnnxModel. Any outcome but a crash,
// a sanitizer report, a hang or an out-of-memory is fine: malformed models
// must be rejected with a diagnostic. Built by scripts/fuzz-onnx.sh in its
// own clang build (QOPT_ENABLE_FUZZERS=ON) so that qopt's code carries
// coverage instrumentation.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllDialects.h"
#include "qopt/Target/ONNX/ImportONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    mlir::qopt::registerAllDialects(*r);
    mlir::qopt::registerOnnxImportDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry,
                            mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx");
  (void)mlir::qopt::importOnnxModel(std::move(buffer), "fuzz.onnx", context);
  return 0;
}
