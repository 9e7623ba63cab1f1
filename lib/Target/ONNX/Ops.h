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
/// Pooling/conv window parameters in ONNX order, resolved for auto_pad.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads; // b0 b1 e0 e1
};

/// Gives the convolution weight (ONNX's OIHW, or OIW for 1-D) transposed
/// with `perm` and, if `shape` is not empty, reshaped to it.
using ConvWeightFn = llvm::function_ref<Value(llvm::ArrayRef<int64_t> perm,
                                              llvm::ArrayRef<int64_t> shape)>;

/// Emits an ONNX Conv of the NCHW (1-D: N C 1 W) activation `x` of shape
/// `xs` with a weight of ONNX shape `ws` as tosa.conv2d (depthwise and
/// grouped included) and binds it to the current node's output 0. `bias`
/// may be null (zeros). Shared by Conv and ConvTranspose.
LogicalResult emitConv2D(GraphImporter &im, Value x,
                         llvm::SmallVector<int64_t> xs,
                         llvm::ArrayRef<int64_t> ws, Value bias, int64_t group,
                         const Window &window, bool oneD,
                         ConvWeightFn weightWithLayout);

/// Transposes a constant on the host (a new buffer).
ConstTensor transposeConst(const ConstTensor &x, llvm::ArrayRef<int64_t> perm);

void registerConvTransposeHandlers(llvm::StringMap<NodeHandler> &map);
void registerControlFlowHandlers(llvm::StringMap<NodeHandler> &map);
void registerShapeHandlers(llvm::StringMap<NodeHandler> &map);
void registerElementwiseHandlers(llvm::StringMap<NodeHandler> &map);
void registerNNHandlers(llvm::StringMap<NodeHandler> &map);
void registerQuantizationHandlers(llvm::StringMap<NodeHandler> &map);
void registerRecurrentHandlers(llvm::StringMap<NodeHandler> &map);
void registerResizeHandlers(llvm::StringMap<NodeHandler> &map);
} // namespace mlir::qopt::onnx_import

#endif // QOPT_LIB_TARGET_ONNX_OPS_H
