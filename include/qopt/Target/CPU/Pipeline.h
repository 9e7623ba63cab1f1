//===- Pipeline.h - Quantized IR to native CPU code --------------*- C++ -*-===//
//
// `qopt-cpu-pipeline`: the pass pipeline from the IR qopt-quantize produces
// to the LLVM dialect, ready for translation to an object file
// (qopt/Target/CPU/EmitLibrary.h). Quantized layers become calls of the CPU
// kernel library; everything else goes through upstream codegen (TOSA →
// linalg → bufferization → loops → LLVM).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_PIPELINE_H
#define QOPT_TARGET_CPU_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::qopt {

/// Options of qopt-cpu-pipeline.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<std::string> libraryName{
      *this, "name",
      llvm::cl::desc("Prefix of the library's C symbols and header"),
      llvm::cl::init("model")};
  PassOptions::Option<std::string> entry{
      *this, "entry", llvm::cl::desc("The function to compile"),
      llvm::cl::init("main")};
};

/// Appends the CPU target's weight-layout passes (logical weights to the
/// kernels' block64 layout) to `pm` (a module pass manager).
void addCPUWeightLayoutPasses(OpPassManager &pm);

/// Appends qopt-cpu-pipeline to `pm` (a module pass manager), starting
/// with addCPUWeightLayoutPasses after the entry ABI.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers `qopt-cpu-pipeline` for textual pass pipelines.
void registerCPUPipeline();

} // namespace mlir::qopt

#endif // QOPT_TARGET_CPU_PIPELINE_H
