//===- CompiledModel.h - Models compiled to shared libraries ----*- C++ -*-===//
//
// qopt-run's side of the library ABI qopt generates (`qopt -o model.so`,
// docs/Backends/CPU.md): loads the library, reads its input/output
// descriptors and runs it on executor tensors.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_COMPILEDMODEL_H
#define QOPT_TARGET_CPU_COMPILEDMODEL_H

#include "qopt/Executor/Executor.h"
#include "qopt/Support/Tensor.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::qopt {

class CompiledModel {
public:
  /// Loads `path` and creates an instance with kernel variant `isa`
  /// ("auto" for the fastest supported one, or a qopt_rt_isa_name). The
  /// library's symbol prefix is `name`; when empty, the file's stem
  /// (without a leading "lib"), then "model", are tried. The instance runs
  /// on `threads` threads in all (0: as many as the process may use).
  static llvm::Expected<std::unique_ptr<CompiledModel>>
  load(llvm::StringRef path, llvm::StringRef name, llvm::StringRef isa,
       int32_t threads = 0);
  ~CompiledModel();

  llvm::ArrayRef<TensorSpec> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSpec> getOutputs() const { return outputs; }
  /// The kernel variant in use.
  std::string getIsaName() const;
  /// The threads a run uses, the caller's included.
  int32_t getNumThreads() const;

  /// Runs the model; `args` must match getInputs().
  llvm::Expected<llvm::SmallVector<Tensor>> run(llvm::ArrayRef<Tensor> args);

private:
  CompiledModel() = default;

  void *handle = nullptr;
  void *instance = nullptr;
  int32_t (*runFn)(void *, const void *const *, void *const *) = nullptr;
  void (*destroyFn)(void *) = nullptr;
  const char *(*isaNameFn)(const void *) = nullptr;
  int32_t (*numThreadsFn)(const void *) = nullptr;
  std::vector<TensorSpec> inputs, outputs;
};

/// The names of the kernel variants this machine supports, fastest last,
/// as a compiled library can use them.
std::vector<std::string> supportedIsaNames();

} // namespace mlir::qopt

#endif // QOPT_TARGET_CPU_COMPILEDMODEL_H
