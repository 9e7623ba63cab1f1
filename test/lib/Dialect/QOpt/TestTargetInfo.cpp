//===- TestTargetInfo.cpp - Print what a target lowers --------------------===//
//
// test-qopt-target-info{target=cpu}: prints, for every layer, how the
// target deploys each of a fixed set of weight formats
// (TargetBackend::getLayerSupport), so lit tests check what a target
// claims.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"
#include "qopt/Target/TargetBackend.h"

#include "mlir/IR/Builders.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qopt;

namespace {
struct TestTargetInfoPass
    : public PassWrapper<TestTargetInfoPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestTargetInfoPass)

  TestTargetInfoPass() = default;
  TestTargetInfoPass(const TestTargetInfoPass &other) : PassWrapper(other) {}

  StringRef getArgument() const final { return "test-qopt-target-info"; }
  StringRef getDescription() const final {
    return "Print how a target deploys each layer in a set of formats";
  }

  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<QOptDialect>();
  }

  Option<std::string> target{*this, "target",
                             llvm::cl::desc("The target to ask"),
                             llvm::cl::init("cpu")};

  void runOnOperation() override {
    llvm::Expected<const TargetBackend *> backend = getTargetBackend(target);
    if (!backend) {
      emitError(getOperation()->getLoc())
          << llvm::toString(backend.takeError());
      return signalPassFailure();
    }
    raw_ostream &os = llvm::outs();
    os << "target " << (*backend)->getName() << "\n";
    // The passes that turn qopt-quantize's logical weights into the
    // target's layouts (none: the target reads logical weights).
    OpPassManager layout("builtin.module");
    (*backend)->addWeightLayoutPasses(layout);
    os << "weight layout passes:";
    if (layout.empty())
      os << " none";
    for (Pass &pass : layout.getPasses())
      os << " " << pass.getArgument();
    os << "\n";
    MLIRContext *ctx = &getContext();
    Builder b(ctx);
    QuantizableLayerAnalysis analysis(getOperation());
    for (const LayerInfo &info : analysis.getLayers()) {
      QuantizableOpInterface layer = info.op;
      if (failed(qopt::detail::verifyQuantizableOpInterface(layer)))
        return signalPassFailure();
      int64_t outAxis = layer.getWeightOutputChannelAxis();
      int64_t groupAxis = layer.getWeightGroupAxis();
      SmallVector<FormatAttr> formats;
      for (unsigned bits : {8u, 4u, 2u})
        formats.push_back(FormatAttr::get(ctx, b.getIntegerType(bits, true),
                                          Granularity::PerChannel, outAxis, 0,
                                          true));
      formats.push_back(FormatAttr::get(ctx, b.getIntegerType(4, false),
                                        Granularity::PerChannel, outAxis, 0,
                                        false));
      int64_t groupDim = info.weightType.getDimSize(groupAxis);
      if (!ShapedType::isDynamic(groupDim) && groupDim % 32 == 0)
        formats.push_back(FormatAttr::get(ctx, b.getIntegerType(4, true),
                                          Granularity::Group, groupAxis, 32,
                                          true));
      for (Type minifloat : {Type(b.getType<Float8E4M3FNType>()),
                             Type(b.getType<Float4E2M1FNType>())})
        formats.push_back(FormatAttr::get(ctx, minifloat,
                                          Granularity::PerChannel, outAxis, 0,
                                          true));
      os << info.name << " (" << layer->getName() << "):\n";
      for (FormatAttr format : formats) {
        LayerSupport support = (*backend)->getLayerSupport(info, format);
        os << "  " << format.getShortName() << ": ";
        switch (support.lowering) {
        case LayerLowering::Integer:
          os << "integer";
          break;
        case LayerLowering::WeightOnly:
          os << "weight-only";
          break;
        case LayerLowering::Unsupported:
          os << "unsupported (" << support.reason << ")";
          break;
        }
        os << "\n";
      }
    }
  }
};
} // namespace

namespace mlir::qopt::test {
void registerTestTargetInfoPass() { PassRegistration<TestTargetInfoPass>(); }
} // namespace mlir::qopt::test
