//===- Frontends.h - Non-MLIR inputs of the qopt driver ----------*- C++ -*-===//
//
// The driver's table of input formats other than MLIR. Each frontend says
// whether an input is in its format (by content; the file name is only a
// hint) and imports it into a module. The ONNX frontend registers here.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TOOLS_QOPT_FRONTENDS_H
#define QOPT_TOOLS_QOPT_FRONTENDS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir::qopt {

struct Frontend {
  /// Name used in timing reports and messages, e.g. "ONNX".
  std::string name;
  /// True if the input (`contents`, read from `filename`) is in this format.
  std::function<bool(llvm::StringRef filename, llvm::StringRef contents)>
      detect;
  /// Imports the input; on failure, diagnostics have been emitted through
  /// `context` and the result is null.
  std::function<OwningOpRef<ModuleOp>(
      std::unique_ptr<llvm::MemoryBuffer> buffer, llvm::StringRef filename,
      MLIRContext &context)>
      import;
  /// Checks this frontend's command-line options on their own (before any
  /// input is read); returns an error message, or "" when they are valid.
  std::function<std::string()> checkOptions;
  /// The options of this frontend the command line sets (e.g.
  /// "--input-shape"), so that setting them for another input format is an
  /// error rather than silently ignored.
  std::function<std::vector<std::string>()> givenOptions;
};

/// The frontends this qopt was built with, tried in order.
llvm::ArrayRef<Frontend> getFrontends();

} // namespace mlir::qopt

#endif // QOPT_TOOLS_QOPT_FRONTENDS_H
