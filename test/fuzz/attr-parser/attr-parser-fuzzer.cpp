//===- attr-parser-fuzzer.cpp - libFuzzer target for qopt attribute syntax ===//
//
// Users write qopt attributes by hand (candidate sets, formats, latency
// keys) and pass them through IR files. Parses `#qopt.<bytes>` with every
// qopt dialect loaded; a parse must either fail with a diagnostic or give an
// attribute that prints to text which parses back to the same attribute
// (the printer and parser agree). Crashes and round-trip mismatches abort.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllDialects.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    mlir::qopt::registerAllDialects(registry);
    auto *c = new mlir::MLIRContext(registry,
                                    mlir::MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    return c;
  }();
  mlir::ScopedDiagnosticHandler quiet(
      context, [](mlir::Diagnostic &) { return mlir::success(); });
  std::string text =
      "#qopt." + std::string(reinterpret_cast<const char *>(data), size);
  size_t consumed = 0;
  mlir::Attribute attr =
      mlir::parseAttribute(text, context, mlir::Type(), &consumed);
  if (!attr || consumed != text.size())
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  attr.print(os);
  // Each parse of a dense_resource without blob data makes a new resource
  // handle (MLIR renames the key), so equality cannot hold there.
  if (llvm::StringRef(printed).contains("dense_resource<"))
    return 0;
  mlir::Attribute back = mlir::parseAttribute(printed, context);
  if (back != attr) {
    llvm::errs() << "round trip mismatch:\n  input:   " << text
                 << "\n  printed: " << printed << "\n";
    std::abort();
  }
  return 0;
}
