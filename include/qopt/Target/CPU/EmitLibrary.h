//===- EmitLibrary.h - Compiled models as objects and libraries --*- C++ -*-===//
//
// The last step of the CPU backend: a module lowered by qopt-cpu-pipeline
// (LLVM dialect plus the `qopt.cpu.abi` module attribute) becomes native
// code: an object file, the C header describing the model's entry points,
// the small C source implementing them, and a shared library linking all of
// it with the CPU kernel library (docs/Backends/CPU.md, "Library ABI").
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_EMITLIBRARY_H
#define QOPT_TARGET_CPU_EMITLIBRARY_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir {
class DialectRegistry;

namespace qopt {

/// How native code is produced.
struct CPULibraryOptions {
  /// LLVM CPU name for the generated glue code: "generic" (runs on any CPU
  /// of the target architecture; kernels still dispatch at run time),
  /// "native" (this machine) or an LLVM CPU name such as "skylake-avx512".
  std::string cpu = "generic";
  /// LLVM optimization level, 0 to 3.
  unsigned optLevel = 2;
  /// C compiler driver used to compile the wrapper and link.
  std::string cc = "cc";
  /// The static CPU kernel library (libQOptRuntimeCPU.a).
  std::string runtimeLibrary;
  /// The directory holding that library's C header,
  /// `qopt-runtime/cpu.h`, which the wrapper includes: the runtime
  /// functions it calls are declared there once.
  std::string runtimeIncludeDir;
  /// Written into generated files' header comments.
  std::string producer = "qopt";
};

/// Registers the LLVM IR translations the emitters need.
void registerCPUTargetTranslations(DialectRegistry &registry);

/// Translates `module` to LLVM IR, optimizes it and writes an ELF object.
LogicalResult emitObjectFile(ModuleOp module, const CPULibraryOptions &options,
                             llvm::raw_pwrite_stream &os);

/// The C header declaring `<name>_create`, `_run`, `_destroy` and the
/// input/output descriptors of `module`'s `qopt.cpu.abi`.
LogicalResult emitCHeader(ModuleOp module, const CPULibraryOptions &options,
                          llvm::raw_ostream &os);

/// The C source implementing the header's functions over `<name>_entry`.
/// It includes the header as `headerName`, and the runtime's
/// `qopt-runtime/cpu.h`.
LogicalResult emitCWrapper(ModuleOp module, const CPULibraryOptions &options,
                           StringRef headerName, llvm::raw_ostream &os);

/// What `emitLibrary` produces.
enum class CPULibraryKind {
  /// A shared library containing the model, its wrapper and the kernels.
  SharedLibrary,
  /// A relocatable object with the model and its wrapper; link it with
  /// libQOptRuntimeCPU.a.
  Object,
};

/// Writes `outputPath` (a shared library or relocatable object) and the
/// header `headerPath`, compiling the wrapper (against
/// `options.runtimeIncludeDir`) and linking with `options.cc`. Errors are
/// reported on `module`.
LogicalResult emitLibrary(ModuleOp module, const CPULibraryOptions &options,
                          CPULibraryKind kind, StringRef outputPath,
                          StringRef headerPath);

} // namespace qopt
} // namespace mlir

#endif // QOPT_TARGET_CPU_EMITLIBRARY_H
