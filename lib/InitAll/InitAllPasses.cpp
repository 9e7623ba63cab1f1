//===- InitAllPasses.cpp - Passes qopt uses --------------------------------===//
//
// Implements qopt::registerAllPasses.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllPasses.h"
#include "qopt/Conversion/Passes.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/InitAllTargets.h"
#include "qopt/Pipelines/Compile.h"
#include "qopt/Target/CPU/Passes.h"
#include "qopt/Target/CPU/Pipeline.h"

#include "mlir/Transforms/Passes.h"

void mlir::qopt::registerAllPasses() {
  registerQOptPasses();
  registerQOptConversionPasses();
  registerQOptCPUPasses();
  registerCPUPipeline();
  registerCompilePipeline();
  registerAllTargets();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
}
