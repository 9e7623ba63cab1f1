//===- Legalize.cpp - qopt-hls-legalize ------------------------------------===//
//
// Checks that the HLS target lowers the entry function (buildGraph reports
// every op it cannot, in one error) and records the project configuration
// on the module.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/HLS/EmitProject.h"
#include "qopt/Target/HLS/HLSGraph.h"
#include "qopt/Target/HLS/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTHLSLEGALIZEPASS
#include "qopt/Target/HLS/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

struct HLSLegalizePass
    : public qopt::impl::QOptHLSLegalizePassBase<HLSLegalizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string text = "io=" + io + " reuse=" + std::to_string(reuseFactor) +
                       " part=" + part +
                       (fpgaModel.empty() ? "" : " fpga-model=" + fpgaModel);
    auto config = HLSConfig::parse(text);
    if (!config) {
      module.emitError() << llvm::toString(config.takeError());
      return signalPassFailure();
    }
    if (!(clockMHz > 0)) {
      module.emitError() << "hls: clock-mhz must be positive";
      return signalPassFailure();
    }
    config->clockMHz = clockMHz;
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func) {
      module.emitError() << "qopt-hls-legalize: no function '" << entry << "'";
      return signalPassFailure();
    }
    if (failed(hls::buildGraph(func)))
      return signalPassFailure();
    config->attachTo(module);
  }
};

} // namespace
