//===- TosaBuilder.cpp - Building TOSA ops for ONNX handlers ---------------===//
//
// Implements TosaBuilder.
//
//===----------------------------------------------------------------------===//

#include "TosaBuilder.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::qopt::onnx_import;

Value TosaBuilder::shape(ArrayRef<int64_t> dims) {
  auto type = tosa::shapeType::get(b.getContext(), dims.size());
  auto attr = DenseIntElementsAttr::get(
      RankedTensorType::get({int64_t(dims.size())}, b.getIndexType()), dims);
  return tosa::ConstShapeOp::create(b, loc, type, attr);
}

Value TosaBuilder::splat(Type elementType, ArrayRef<int64_t> shape,
                         double value) {
  auto type = RankedTensorType::get(shape, elementType);
  Attribute element;
  if (isa<FloatType>(elementType))
    element = b.getFloatAttr(elementType, value);
  else
    element = b.getIntegerAttr(elementType, int64_t(value));
  auto attr = DenseElementsAttr::get(type, element);
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value TosaBuilder::zeroPoint(Type elementType) {
  return splat(elementType, {1}, 0.0);
}

Value TosaBuilder::scalarLike(Value like, double value) {
  SmallVector<int64_t> ones(typeOf(like).getRank(), 1);
  return splat(typeOf(like).getElementType(), ones, value);
}

Value TosaBuilder::reshape(Value v, ArrayRef<int64_t> newShape) {
  if (shapeOf(v) == newShape)
    return v;
  auto type = RankedTensorType::get(newShape, typeOf(v).getElementType());
  return tosa::ReshapeOp::create(b, loc, type, v, shape(newShape));
}

Value TosaBuilder::transpose(Value v, ArrayRef<int32_t> perms) {
  if (llvm::equal(perms, llvm::seq<int32_t>(0, perms.size())))
    return v;
  SmallVector<int64_t> newShape;
  for (int32_t p : perms)
    newShape.push_back(shapeOf(v)[p]);
  auto type = RankedTensorType::get(newShape, typeOf(v).getElementType());
  return tosa::TransposeOp::create(b, loc, type, v,
                                   b.getDenseI32ArrayAttr(perms));
}

Value TosaBuilder::expandRank(Value v, int64_t rank) {
  int64_t current = typeOf(v).getRank();
  if (current >= rank)
    return v;
  SmallVector<int64_t> newShape(rank - current, 1);
  llvm::append_range(newShape, shapeOf(v));
  return reshape(v, newShape);
}

Value TosaBuilder::castTo(Value v, Type elementType) {
  if (typeOf(v).getElementType() == elementType)
    return v;
  return tosa::CastOp::create(
      b, loc, RankedTensorType::get(shapeOf(v), elementType), v);
}

SmallVector<int64_t> TosaBuilder::broadcastShape(ArrayRef<int64_t> a,
                                                 ArrayRef<int64_t> c) {
  size_t rank = std::max(a.size(), c.size());
  SmallVector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t dc = i < rank - c.size() ? 1 : c[i - (rank - c.size())];
    out[i] = da == 1 ? dc : da;
  }
  return out;
}

std::pair<Value, Value> TosaBuilder::matchRanks(Value lhs, Value rhs) {
  int64_t rank = std::max(typeOf(lhs).getRank(), typeOf(rhs).getRank());
  return {expandRank(lhs, rank), expandRank(rhs, rank)};
}

RankedTensorType TosaBuilder::broadcastType(Value lhs, Value rhs,
                                            Type elementType) {
  return RankedTensorType::get(broadcastShape(shapeOf(lhs), shapeOf(rhs)),
                               elementType);
}

template <typename OpTy>
static Value binary(OpBuilder &b, Location loc, RankedTensorType type,
                    Value lhs, Value rhs) {
  return OpTy::create(b, loc, type, lhs, rhs);
}

#define QOPT_BINARY(NAME, OP, RESULT_ELEMENT)                                  \
  Value TosaBuilder::NAME(Value lhs, Value rhs) {                              \
    auto [l, r] = matchRanks(lhs, rhs);                                        \
    Type element = RESULT_ELEMENT;                                             \
    return binary<OP>(b, loc, broadcastType(l, r, element), l, r);             \
  }

QOPT_BINARY(add, tosa::AddOp, typeOf(l).getElementType())
QOPT_BINARY(sub, tosa::SubOp, typeOf(l).getElementType())
QOPT_BINARY(pow, tosa::PowOp, typeOf(l).getElementType())
QOPT_BINARY(maximum, tosa::MaximumOp, typeOf(l).getElementType())
QOPT_BINARY(minimum, tosa::MinimumOp, typeOf(l).getElementType())
QOPT_BINARY(equal, tosa::EqualOp, b.getI1Type())
QOPT_BINARY(greater, tosa::GreaterOp, b.getI1Type())
QOPT_BINARY(greaterEqual, tosa::GreaterEqualOp, b.getI1Type())
QOPT_BINARY(logicalAnd, tosa::LogicalAndOp, b.getI1Type())
QOPT_BINARY(logicalOr, tosa::LogicalOrOp, b.getI1Type())
QOPT_BINARY(logicalXor, tosa::LogicalXorOp, b.getI1Type())
#undef QOPT_BINARY

Value TosaBuilder::mul(Value lhs, Value rhs) {
  auto [l, r] = matchRanks(lhs, rhs);
  Value shift = splat(b.getI8Type(), {1}, 0);
  return tosa::MulOp::create(
      b, loc, broadcastType(l, r, typeOf(l).getElementType()), l, r, shift);
}

Value TosaBuilder::div(Value lhs, Value rhs) {
  if (isa<FloatType>(typeOf(lhs).getElementType()))
    return mul(lhs, reciprocal(rhs));
  auto [l, r] = matchRanks(lhs, rhs);
  return tosa::IntDivOp::create(
      b, loc, broadcastType(l, r, typeOf(l).getElementType()), l, r);
}

Value TosaBuilder::select(Value pred, Value onTrue, Value onFalse) {
  int64_t rank = std::max({typeOf(pred).getRank(), typeOf(onTrue).getRank(),
                           typeOf(onFalse).getRank()});
  pred = expandRank(pred, rank);
  onTrue = expandRank(onTrue, rank);
  onFalse = expandRank(onFalse, rank);
  SmallVector<int64_t> shape =
      broadcastShape(broadcastShape(shapeOf(pred), shapeOf(onTrue)),
                     shapeOf(onFalse));
  return tosa::SelectOp::create(
      b, loc, RankedTensorType::get(shape, typeOf(onTrue).getElementType()),
      pred, onTrue, onFalse);
}

Value TosaBuilder::reciprocal(Value v) {
  return tosa::ReciprocalOp::create(b, loc, typeOf(v), v);
}
Value TosaBuilder::rsqrt(Value v) {
  return tosa::RsqrtOp::create(b, loc, typeOf(v), v);
}
Value TosaBuilder::exp(Value v) {
  return tosa::ExpOp::create(b, loc, typeOf(v), v);
}
Value TosaBuilder::log(Value v) {
  return tosa::LogOp::create(b, loc, typeOf(v), v);
}
Value TosaBuilder::negate(Value v) {
  Type element = typeOf(v).getElementType();
  Value zp = zeroPoint(element);
  return tosa::NegateOp::create(b, loc, typeOf(v), v, zp, zp);
}

Value TosaBuilder::clamp(Value v, double lo, double hi) {
  Type element = typeOf(v).getElementType();
  Attribute minAttr, maxAttr;
  if (isa<FloatType>(element)) {
    minAttr = b.getFloatAttr(element, lo);
    maxAttr = b.getFloatAttr(element, hi);
  } else {
    minAttr = b.getIntegerAttr(element, int64_t(lo));
    maxAttr = b.getIntegerAttr(element, int64_t(hi));
  }
  return tosa::ClampOp::create(b, loc, typeOf(v), v, minAttr, maxAttr);
}

template <typename OpTy>
static Value reduce(OpBuilder &b, Location loc, Value v, int64_t axis) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 1;
  return OpTy::create(b, loc,
                      RankedTensorType::get(shape, type.getElementType()), v,
                      b.getI32IntegerAttr(axis));
}

Value TosaBuilder::reduceSum(Value v, int64_t axis) {
  return reduce<tosa::ReduceSumOp>(b, loc, v, axis);
}
Value TosaBuilder::reduceMax(Value v, int64_t axis) {
  return reduce<tosa::ReduceMaxOp>(b, loc, v, axis);
}
Value TosaBuilder::reduceMin(Value v, int64_t axis) {
  return reduce<tosa::ReduceMinOp>(b, loc, v, axis);
}
Value TosaBuilder::reduceProd(Value v, int64_t axis) {
  return reduce<tosa::ReduceProductOp>(b, loc, v, axis);
}

Value TosaBuilder::slice(Value v, ArrayRef<int64_t> start,
                         ArrayRef<int64_t> size) {
  if (llvm::all_of(start, [](int64_t s) { return s == 0; }) &&
      shapeOf(v) == size)
    return v;
  auto type = RankedTensorType::get(size, typeOf(v).getElementType());
  return tosa::SliceOp::create(b, loc, type, v, shape(start), shape(size));
}

Value TosaBuilder::pad(Value v, ArrayRef<int64_t> low, ArrayRef<int64_t> high) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return v;
  SmallVector<int64_t> padded(shapeOf(v)), pads;
  for (size_t i = 0; i < padded.size(); ++i) {
    padded[i] += low[i] + high[i];
    pads.push_back(low[i]);
    pads.push_back(high[i]);
  }
  Type element = typeOf(v).getElementType();
  return tosa::PadOp::create(b, loc, RankedTensorType::get(padded, element), v,
                             shape(pads), splat(element, {1}, 0));
}

Value TosaBuilder::concat(ArrayRef<Value> inputs, int64_t axis) {
  if (inputs.size() == 1)
    return inputs.front();
  SmallVector<int64_t> shape(shapeOf(inputs.front()));
  shape[axis] = 0;
  for (Value v : inputs)
    shape[axis] += shapeOf(v)[axis];
  auto type =
      RankedTensorType::get(shape, typeOf(inputs.front()).getElementType());
  return tosa::ConcatOp::create(b, loc, type, inputs,
                                b.getI32IntegerAttr(axis));
}

Value TosaBuilder::matmul(Value a, Value c) {
  ArrayRef<int64_t> as = shapeOf(a), cs = shapeOf(c);
  Type element = typeOf(a).getElementType();
  Type accElement = element;
  if (auto intType = dyn_cast<IntegerType>(element))
    accElement = b.getIntegerType(intType.getWidth() <= 8 ? 32 : 48);
  auto type = RankedTensorType::get({as[0], as[1], cs[2]}, accElement);
  Value zp = zeroPoint(element);
  return tosa::MatMulOp::create(b, loc, type, a, c, zp, zp);
}

Value TosaBuilder::constI32(ArrayRef<int32_t> values, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, b.getI32Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, values));
}

Value TosaBuilder::constF32(ArrayRef<float> values, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, values));
}

Value TosaBuilder::gatherAxis(Value v, int64_t axis,
                              ArrayRef<int32_t> indices) {
  SmallVector<int64_t> shape(shapeOf(v));
  int64_t rank = shape.size();
  SmallVector<int32_t> perm{int32_t(axis)};
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      perm.push_back(i);
  Value moved = transpose(v, perm);
  int64_t k = shape[axis], w = indices.size();
  int64_t c = 1;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      c *= shape[i];
  Value values = reshape(moved, {1, k, c});
  Value idx = constI32(indices, {1, w});
  auto gatheredType =
      RankedTensorType::get({1, w, c}, typeOf(v).getElementType());
  Value gathered = tosa::GatherOp::create(b, loc, gatheredType, values, idx);
  SmallVector<int64_t> movedShape{w};
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      movedShape.push_back(shape[i]);
  Value out = reshape(gathered, movedShape);
  // Inverse of `perm`.
  SmallVector<int32_t> back(rank);
  for (int64_t i = 0; i < rank; ++i)
    back[perm[i]] = i;
  return transpose(out, back);
}
