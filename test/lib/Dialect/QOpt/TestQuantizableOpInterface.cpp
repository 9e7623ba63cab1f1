//===- TestQuantizableOpInterface.cpp - Print what layers report -----------===//
//
// test-qopt-quantizable-interface: prints, for every op implementing
// QuantizableOpInterface, what the interface reports, so lit tests can check
// each external model with FileCheck.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

#include "mlir/Pass/Pass.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qopt;

namespace {
struct TestQuantizableOpInterfacePass
    : public PassWrapper<TestQuantizableOpInterfacePass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestQuantizableOpInterfacePass)

  StringRef getArgument() const final {
    return "test-qopt-quantizable-interface";
  }
  StringRef getDescription() const final {
    return "Print what QuantizableOpInterface reports for each op";
  }

  void runOnOperation() override {
    raw_ostream &os = llvm::outs();
    bool invalid = false;
    getOperation()->walk([&](QuantizableOpInterface layer) {
      if (failed(qopt::detail::verifyQuantizableOpInterface(layer))) {
        invalid = true;
        return;
      }
      os << getLocationName(layer->getLoc()) << ": "
         << layer->getName() << " weight=" << layer.getWeightOperandIndex()
         << " reduction-axes=[";
      llvm::interleaveComma(layer.getWeightReductionAxes(), os);
      os << "] group-axis=" << layer.getWeightGroupAxis()
         << " output-channel-axis=" << layer.getWeightOutputChannelAxis()
         << " macs=";
      if (std::optional<int64_t> macs = layer.getMACs())
        os << *macs;
      else
        os << "?";
      os << " constant-weight="
         << (isConstantFoldable(layer.getWeight()) ? "yes" : "no") << "\n";
    });
    if (invalid)
      signalPassFailure();
  }
};
} // namespace

namespace mlir::qopt::test {
void registerTestQuantizableOpInterfacePass() {
  PassRegistration<TestQuantizableOpInterfacePass>();
}
} // namespace mlir::qopt::test
