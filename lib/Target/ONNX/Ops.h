//===- Ops.h - ONNX node handlers --------------------------------*- C++ -*-===//
//
// Shared includes of the handler files and their registration functions.
// Each Ops*.cpp file registers the op types of one family.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_TARGET_ONNX_OPS_H
#define QOPT_LIB_TARGET_ONNX_OPS_H

#include "Importer.h"
#include "TosaBuilder.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::qopt::onnx_import {
void registerShapeHandlers(llvm::StringMap<NodeHandler> &map);
void registerElementwiseHandlers(llvm::StringMap<NodeHandler> &map);
void registerNNHandlers(llvm::StringMap<NodeHandler> &map);
void registerQuantizationHandlers(llvm::StringMap<NodeHandler> &map);
void registerRecurrentHandlers(llvm::StringMap<NodeHandler> &map);
void registerResizeHandlers(llvm::StringMap<NodeHandler> &map);
} // namespace mlir::qopt::onnx_import

#endif // QOPT_LIB_TARGET_ONNX_OPS_H
