//===- BufferizableOpInterfaceImpl.cpp - Bufferizing qopt ops -------------===//
//
// `qopt.ukernel` on tensors becomes the same call on the buffers of its
// operands: the aliasing rules (outputs are written in place, inputs only
// read) come from the destination-style base model.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/ExternalModels/BufferizableOpInterfaceImpl.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace {
struct UKernelOpInterface
    : public DstBufferizableOpInterfaceExternalModel<UKernelOpInterface,
                                                     qopt::UKernelOp> {
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto ukernel = cast<qopt::UKernelOp>(op);
    auto bufferOf = [&](Value v) -> FailureOr<Value> {
      return getBuffer(rewriter, v, options, state);
    };
    SmallVector<Value> inputs, outputs;
    for (Value v : ukernel.getInputs()) {
      FailureOr<Value> buffer = bufferOf(v);
      if (failed(buffer))
        return failure();
      inputs.push_back(*buffer);
    }
    for (Value v : ukernel.getOutputs()) {
      FailureOr<Value> buffer = bufferOf(v);
      if (failed(buffer))
        return failure();
      outputs.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    qopt::UKernelOp::create(rewriter, op->getLoc(), TypeRange(),
                            ukernel.getNameAttr(), inputs, outputs,
                            ukernel.getScalarsAttr());
    replaceOpWithBufferizedValues(rewriter, op, outputs);
    return success();
  }
};
} // namespace

void mlir::qopt::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, qopt::QOptDialect *) {
    qopt::UKernelOp::attachInterface<UKernelOpInterface>(*ctx);
  });
}
