//===- KernelOperands.h - Operands of CPU kernel calls -----------*- C++ -*-===//
//
// Helpers the CPU target's lowerings to `qopt.ukernel` share.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_TARGET_CPU_TRANSFORMS_KERNELOPERANDS_H
#define QOPT_LIB_TARGET_CPU_TRANSFORMS_KERNELOPERANDS_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::qopt {

/// `v` itself, or a copy of it when it is a slice (tosa.slice /
/// tensor.extract_slice, possibly reshaped): slices bufferize to strided
/// views, and kernels read dense buffers. The importer writes grouped
/// convolutions and channel splits as slices of the input.
inline Value denseInput(OpBuilder &b, Location loc, Value v) {
  Value root = v;
  while (Operation *def = root.getDefiningOp()) {
    if (isa<tosa::SliceOp, tensor::ExtractSliceOp>(def)) {
      auto type = cast<RankedTensorType>(v.getType());
      return bufferization::AllocTensorOp::create(b, loc, type, ValueRange{},
                                                  v)
          .getResult();
    }
    if (!isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
             UnrealizedConversionCastOp, quant::StorageCastOp>(def))
      break;
    root = def->getOperand(0);
  }
  return v;
}

} // namespace mlir::qopt

#endif // QOPT_LIB_TARGET_CPU_TRANSFORMS_KERNELOPERANDS_H
