//===- InitAllPasses.cpp - Passes qopt uses --------------------------------===//
//
// Implements qopt::registerAllPasses.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllPasses.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"

#include "mlir/Transforms/Passes.h"

void mlir::qopt::registerAllPasses() {
  registerQOptPasses();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
}
