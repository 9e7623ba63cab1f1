//===- InlineScalarGlobals.cpp - dense_resource scalars to dense ----------===//
//
// finalize-memref-to-llvm unpacks the initial value of a rank-0
// memref.global with getSplatValue, which only DenseElementsAttr provides;
// a dense_resource scalar crashes it. This pass gives those globals a dense
// initial value read from the blob.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCPUINLINESCALARGLOBALSPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;

namespace {

struct QOptCPUInlineScalarGlobalsPass
    : public qopt::impl::QOptCPUInlineScalarGlobalsPassBase<
          QOptCPUInlineScalarGlobalsPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](memref::GlobalOp global) {
      auto resource = dyn_cast_if_present<DenseResourceElementsAttr>(
          global.getInitialValueAttr());
      if (!resource || global.getType().getRank() != 0)
        return WalkResult::advance();
      auto type = cast<ShapedType>(resource.getType());
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      Type element = type.getElementType();
      // Sub-byte and non-integer/float element types have no dense raw
      // buffer form here.
      unsigned bits = element.isIntOrFloat() ? element.getIntOrFloatBitWidth()
                                             : 0;
      if (bits == 0 || bits % 8 != 0) {
        global.emitOpError() << "has a scalar dense_resource initial value of "
                                "unsupported element type "
                             << element;
        return WalkResult::interrupt();
      }
      if (!blob || blob->getData().size() != bits / 8) {
        global.emitOpError()
            << "initial value dense_resource<"
            << resource.getRawHandle().getKey() << "> "
            << (blob ? "does not hold exactly one element"
                     : "has no data (the resource blob is missing)");
        return WalkResult::interrupt();
      }
      global.setInitialValueAttr(
          DenseElementsAttr::getFromRawBuffer(type, blob->getData()));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
