//===- InitAllPasses.cpp - Passes qopt uses --------------------------------===//
//
// Implements qopt::registerAllPasses.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllPasses.h"
#include "qopt/Conversion/Passes.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Pipelines/CPUPipeline.h"

#include "mlir/Transforms/Passes.h"

void mlir::qopt::registerAllPasses() {
  registerQOptPasses();
  registerQOptConversionPasses();
  registerCPUPipeline();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
}
