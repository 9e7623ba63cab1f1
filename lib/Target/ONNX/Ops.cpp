//===- Ops.cpp - The table of ONNX node handlers ---------------------------===//
//
// Builds the op-type -> handler table from the handler families.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

using namespace mlir;
using namespace mlir::qopt::onnx_import;

const llvm::StringMap<NodeHandler> &mlir::qopt::onnx_import::getNodeHandlers() {
  static const llvm::StringMap<NodeHandler> handlers = [] {
    llvm::StringMap<NodeHandler> map;
    registerShapeHandlers(map);
    registerElementwiseHandlers(map);
    registerNNHandlers(map);
    registerQuantizationHandlers(map);
    registerRecurrentHandlers(map);
    registerResizeHandlers(map);
    registerConvTransposeHandlers(map);
    registerControlFlowHandlers(map);
    return map;
  }();
  return handlers;
}
