//===- InitAllPasses.cpp - Passes qopt uses --------------------------------===//
//
// Implements qopt::registerAllPasses: qopt's own passes and pipelines, and
// every upstream pass those pipelines are built from, so that what
// `--dump-pass-pipeline`, `--mlir-print-ir-after-all` and a
// `--mlir-pass-pipeline-crash-reproducer` print can be run again by `qopt`
// itself (test/InitAll/replay-cpu-pipeline.mlir).
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllPasses.h"
#include "qopt/Conversion/Passes.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/InitAllTargets.h"
#include "qopt/Pipelines/Compile.h"
#include "qopt/Target/CPU/Passes.h"
#include "qopt/Target/CUDA/Passes.h"
#include "qopt/Target/HLS/Passes.h"
#include "qopt/Target/CPU/Pipeline.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// The upstream passes qopt-cpu-pipeline (lib/Target/CPU/Pipeline.cpp)
/// runs, in its order, and those its nested upstream pipelines expand to.
static void registerCPUPipelineUpstreamPasses() {
  // tosa::addTosaToLinalgPasses.
  tosa::registerTosaOptionalDecompositionsPass();
  tosa::registerTosaInferShapesPass();
  tosa::registerTosaMakeBroadcastablePass();
  tosa::registerTosaLayerwiseConstantFoldPass();
  tosa::registerTosaValidationPass();
  tosa::registerTosaReduceTransposes();
  registerTosaToLinalgNamed();
  registerTosaToLinalg();
  registerTosaToTensorPass();
  registerTosaToArithPass();
  registerConvertElementwiseToLinalgPass();
  // Bufferization, and buildBufferDeallocationPipeline's passes (and the
  // pipeline itself, buffer-deallocation-pipeline).
  bufferization::registerOneShotBufferizePass();
  bufferization::registerBufferResultsToOutParamsPass();
  memref::registerExpandReallocPass();
  bufferization::registerOwnershipBasedBufferDeallocationPass();
  bufferization::registerBufferDeallocationSimplificationPass();
  bufferization::registerLowerDeallocationsPass();
  bufferization::registerBufferizationPipelines();
  bufferization::registerOptimizeAllocationLivenessPass();
  // Loops and the LLVM dialect.
  registerConvertLinalgToLoopsPass();
  registerLowerAffinePass();
  registerSCFToControlFlowPass();
  memref::registerExpandStridedMetadataPass();
  registerFinalizeMemRefToLLVMConversionPass();
  registerConvertMathToLLVMPass();
  registerConvertMathToLibmPass();
  registerArithToLLVMConversionPass();
  registerConvertControlFlowToLLVMPass();
  registerConvertFuncToLLVMPass();
  registerConvertIndexToLLVMPass();
  registerReconcileUnrealizedCastsPass();
}

void mlir::qopt::registerAllPasses() {
  registerQOptPasses();
  registerQOptConversionPasses();
  registerQOptCPUPasses();
  registerQOptHLSPasses();
  registerQOptCUDAPasses();
  registerCPUPipeline();
  registerCompilePipeline();
  registerAllTargets();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
  registerCPUPipelineUpstreamPasses();
}
