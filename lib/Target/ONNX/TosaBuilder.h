//===- TosaBuilder.h - Building TOSA ops for ONNX handlers -------*- C++ -*-===//
//
// Small helpers over TOSA's builders: shape operands, zero points, splat
// constants, rank matching and numpy-style broadcasting, NCHW <-> NHWC.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_TARGET_ONNX_TOSABUILDER_H
#define QOPT_LIB_TARGET_ONNX_TOSABUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

namespace mlir::qopt::onnx_import {

class TosaBuilder {
public:
  TosaBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  static RankedTensorType typeOf(Value v) {
    return llvm::cast<RankedTensorType>(v.getType());
  }
  static llvm::ArrayRef<int64_t> shapeOf(Value v) {
    return typeOf(v).getShape();
  }

  /// `!tosa.shape<N>` constant.
  Value shape(llvm::ArrayRef<int64_t> dims);
  /// tensor<1xT> zero, for zero-point operands.
  Value zeroPoint(Type elementType);
  /// A splat constant of `shape` (a DenseElementsAttr with one value).
  Value splat(Type elementType, llvm::ArrayRef<int64_t> shape, double value);
  /// Splat of the same element type as `like`, broadcastable to its rank.
  Value scalarLike(Value like, double value);

  /// Small constants (index vectors, interpolation weights) as dense
  /// attributes; weights never go through these.
  Value constI32(llvm::ArrayRef<int32_t> values, llvm::ArrayRef<int64_t> shape);
  Value constF32(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape);

  /// out[..., i, ...] = v[..., indices[i], ...] along `axis`, with
  /// `indices` known (tosa.gather over the axis moved first).
  Value gatherAxis(Value v, int64_t axis, llvm::ArrayRef<int32_t> indices);

  Value reshape(Value v, llvm::ArrayRef<int64_t> shape);
  Value transpose(Value v, llvm::ArrayRef<int32_t> perms);
  /// Prepends unit dimensions up to `rank`.
  Value expandRank(Value v, int64_t rank);
  Value castTo(Value v, Type elementType);

  /// numpy broadcast of two shapes (ranks already equal or not).
  static llvm::SmallVector<int64_t> broadcastShape(llvm::ArrayRef<int64_t> a,
                                                   llvm::ArrayRef<int64_t> b);

  /// Elementwise binaries with numpy broadcasting (ranks matched first).
  Value add(Value lhs, Value rhs);
  Value sub(Value lhs, Value rhs);
  Value mul(Value lhs, Value rhs);
  Value div(Value lhs, Value rhs); // float: lhs * reciprocal(rhs)
  Value pow(Value lhs, Value rhs);
  Value maximum(Value lhs, Value rhs);
  Value minimum(Value lhs, Value rhs);
  Value equal(Value lhs, Value rhs);
  Value greater(Value lhs, Value rhs);
  Value greaterEqual(Value lhs, Value rhs);
  Value logicalAnd(Value lhs, Value rhs);
  Value logicalOr(Value lhs, Value rhs);
  Value logicalXor(Value lhs, Value rhs);
  Value select(Value pred, Value onTrue, Value onFalse);

  /// Unaries.
  Value reciprocal(Value v);
  Value rsqrt(Value v);
  Value exp(Value v);
  Value log(Value v);
  Value negate(Value v);
  Value clamp(Value v, double lo, double hi);

  /// Reductions keeping the reduced axis (size 1).
  Value reduceSum(Value v, int64_t axis);
  Value reduceMax(Value v, int64_t axis);
  Value reduceMin(Value v, int64_t axis);
  Value reduceProd(Value v, int64_t axis);

  /// tosa.slice with static start/size.
  Value slice(Value v, llvm::ArrayRef<int64_t> start,
              llvm::ArrayRef<int64_t> size);
  Value concat(llvm::ArrayRef<Value> values, int64_t axis);
  /// Zero padding (the element type's zero) of `low`/`high` per dimension.
  Value pad(Value v, llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high);
  /// 3-D batched matmul a [N,H,C] x b [N,C,W].
  Value matmul(Value a, Value b);

  /// NCHW <-> NHWC for 4-D tensors.
  Value toNHWC(Value v) { return transpose(v, {0, 2, 3, 1}); }
  Value toNCHW(Value v) { return transpose(v, {0, 3, 1, 2}); }

  OpBuilder &builder() { return b; }
  Location getLoc() const { return loc; }

private:
  /// Reshapes the lower-rank operand so both have the same rank.
  std::pair<Value, Value> matchRanks(Value lhs, Value rhs);
  RankedTensorType broadcastType(Value lhs, Value rhs, Type elementType);

  OpBuilder &b;
  Location loc;
};

} // namespace mlir::qopt::onnx_import

#endif // QOPT_LIB_TARGET_ONNX_TOSABUILDER_H
