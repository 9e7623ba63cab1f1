//===- OpsElementwise.cpp - ONNX elementwise ops ---------------------------===//
//
// Arithmetic, comparisons, logic, activations, Cast and Where. Binary ops
// broadcast numpy-style (TosaBuilder matches ranks first).
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::qopt::onnx_import;

namespace {
using BinaryFn = Value (TosaBuilder::*)(Value, Value);
using UnaryFn = Value (TosaBuilder::*)(Value);

template <BinaryFn Fn>
LogicalResult binaryHandler(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  im.setOutput(0, (tb.*Fn)(im.input(0), im.input(1)));
  return success();
}

/// Variadic Sum / Max / Min: a left fold.
template <BinaryFn Fn>
LogicalResult variadicHandler(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value acc = im.input(0);
  for (unsigned i = 1; i < im.numInputs(); ++i)
    acc = (tb.*Fn)(acc, im.input(i));
  im.setOutput(0, acc);
  return success();
}

template <UnaryFn Fn>
LogicalResult unaryHandler(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  im.setOutput(0, (tb.*Fn)(im.input(0)));
  return success();
}

template <typename OpTy>
LogicalResult tosaUnaryHandler(GraphImporter &im, const onnx::NodeProto &) {
  Value x = im.input(0);
  im.setOutput(0, OpTy::create(im.builder(), im.loc(), x.getType(), x));
  return success();
}

template <typename OpTy>
LogicalResult mathUnaryHandler(GraphImporter &im, const onnx::NodeProto &) {
  Value x = im.input(0);
  im.setOutput(0, OpTy::create(im.builder(), im.loc(), x));
  return success();
}

LogicalResult importMean(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value sum = im.input(0);
  for (unsigned i = 1; i < im.numInputs(); ++i)
    sum = tb.add(sum, im.input(i));
  im.setOutput(0, tb.mul(sum, tb.scalarLike(sum, 1.0 / im.numInputs())));
  return success();
}

LogicalResult importLess(GraphImporter &im, const onnx::NodeProto &) {
  im.setOutput(0, im.tosa().greater(im.input(1), im.input(0)));
  return success();
}

LogicalResult importLessOrEqual(GraphImporter &im, const onnx::NodeProto &) {
  im.setOutput(0, im.tosa().greaterEqual(im.input(1), im.input(0)));
  return success();
}

LogicalResult importNot(GraphImporter &im, const onnx::NodeProto &) {
  Value x = im.input(0);
  im.setOutput(0, tosa::LogicalNotOp::create(im.builder(), im.loc(),
                                             x.getType(), x));
  return success();
}

LogicalResult importPow(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  // Small integral and half exponents are exact as products/sqrt, and stay
  // defined for negative bases; tosa.pow is exp(y*log(x)).
  if (std::optional<ConstTensor> e = im.constInput(1)) {
    SmallVector<double> v = e->toDouble();
    if (v.size() == 1 && TosaBuilder::typeOf(x).getRank() >=
                             int64_t(e->shape.size())) {
      double y = v[0];
      if (y == 1.0)
        return im.setOutput(0, x), success();
      if (y == 2.0)
        return im.setOutput(0, tb.mul(x, x)), success();
      if (y == 3.0)
        return im.setOutput(0, tb.mul(tb.mul(x, x), x)), success();
      if (y == 0.5)
        return im.setOutput(0, math::SqrtOp::create(im.builder(), im.loc(), x)),
               success();
      if (y == -1.0)
        return im.setOutput(0, tb.reciprocal(x)), success();
    }
  }
  Value y = tb.castTo(im.input(1), TosaBuilder::typeOf(x).getElementType());
  im.setOutput(0, tb.pow(x, y));
  return success();
}

LogicalResult importRelu(GraphImporter &im, const onnx::NodeProto &) {
  Value x = im.input(0);
  bool isFloat = isa<FloatType>(TosaBuilder::typeOf(x).getElementType());
  double hi = isFloat ? double(std::numeric_limits<float>::max())
                      : double(std::numeric_limits<int32_t>::max());
  im.setOutput(0, im.tosa().clamp(x, 0, hi));
  return success();
}

LogicalResult importClip(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  Type element = TosaBuilder::typeOf(x).getElementType();
  double lo = -double(std::numeric_limits<float>::max());
  double hi = double(std::numeric_limits<float>::max());
  if (auto intType = dyn_cast<IntegerType>(element)) {
    lo = double(APInt::getSignedMinValue(intType.getWidth()).getSExtValue());
    hi = double(APInt::getSignedMaxValue(intType.getWidth()).getSExtValue());
  }
  if (im.opset() < 11) {
    lo = im.floatAttr("min", float(lo));
    hi = im.floatAttr("max", float(hi));
    im.setOutput(0, tb.clamp(x, lo, hi));
    return success();
  }
  // Bounds are inputs; constant ones become clamp attributes.
  Value v = x;
  bool dynamic = false;
  for (unsigned i : {1u, 2u}) {
    if (!im.hasInput(i))
      continue;
    if (std::optional<ConstTensor> c = im.constInput(i)) {
      (i == 1 ? lo : hi) = c->toDouble()[0];
      continue;
    }
    dynamic = true;
    v = i == 1 ? tb.maximum(v, im.input(i)) : tb.minimum(v, im.input(i));
  }
  if (!dynamic || lo != -double(std::numeric_limits<float>::max()) ||
      hi != double(std::numeric_limits<float>::max()))
    v = tb.clamp(v, lo, hi);
  im.setOutput(0, v);
  return success();
}

LogicalResult importLeakyRelu(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  double alpha = im.floatAttr("alpha", 0.01f);
  Value scaled = tb.mul(x, tb.scalarLike(x, alpha));
  Value positive = tb.greater(x, tb.scalarLike(x, 0));
  im.setOutput(0, tb.select(positive, x, scaled));
  return success();
}

LogicalResult importPRelu(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  Value scaled = tb.mul(x, im.input(1));
  Value negative = tb.greater(tb.scalarLike(x, 0), x);
  im.setOutput(0, tb.select(negative, scaled, x));
  return success();
}

/// clamp(alpha * x + beta, 0, 1)
Value hardSigmoid(TosaBuilder &tb, Value x, double alpha, double beta) {
  // One statement per op: argument evaluation order is unspecified in C++,
  // and the IR's op order must not depend on the compiler.
  Value scaled = tb.mul(x, tb.scalarLike(x, alpha));
  Value y = tb.add(scaled, tb.scalarLike(x, beta));
  return tb.clamp(y, 0, 1);
}

LogicalResult importHardSigmoid(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  im.setOutput(0, hardSigmoid(tb, im.input(0), im.floatAttr("alpha", 0.2f),
                              im.floatAttr("beta", 0.5f)));
  return success();
}

LogicalResult importHardSwish(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  im.setOutput(0, tb.mul(x, hardSigmoid(tb, x, 1.0 / 6.0, 0.5)));
  return success();
}

LogicalResult importSoftplus(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  Value e = tb.exp(x);
  im.setOutput(0, tb.log(tb.add(e, tb.scalarLike(x, 1))));
  return success();
}

LogicalResult importElu(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  double alpha = im.floatAttr("alpha", 1.0f);
  Value e = tb.exp(x);
  Value em1 = tb.sub(e, tb.scalarLike(x, 1));
  Value neg = tb.mul(em1, tb.scalarLike(x, alpha));
  Value positive = tb.greater(x, tb.scalarLike(x, 0));
  im.setOutput(0, tb.select(positive, x, neg));
  return success();
}

LogicalResult importSign(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  Value zero = tb.scalarLike(x, 0);
  Value gt = tb.greater(x, zero);
  Value pos = tb.select(gt, tb.scalarLike(x, 1), zero);
  Value lt = tb.greater(zero, x);
  im.setOutput(0, tb.select(lt, tb.scalarLike(x, -1), pos));
  return success();
}

LogicalResult importCast(GraphImporter &im, const onnx::NodeProto &) {
  int64_t to = im.intAttr("to", 0);
  Type element = im.convertDType(to);
  if (!element)
    return im.nodeError("cast to unsupported type " + dtypeName(to));
  TosaBuilder tb = im.tosa();
  OpBuilder &b = im.builder();
  Value x = im.input(0);
  // UINT8 is `ui8` in the IR; TOSA computes on signless bits.
  auto fromType = dyn_cast<IntegerType>(TosaBuilder::typeOf(x).getElementType());
  if (fromType && fromType.isUnsigned()) {
    auto bitsType = RankedTensorType::get(TosaBuilder::shapeOf(x),
                                          b.getIntegerType(8));
    x = tensor::BitcastOp::create(b, im.loc(), bitsType, x);
    Value wide = tb.castTo(x, b.getI32Type());
    Value negative = tb.greater(tb.scalarLike(wide, 0), wide);
    x = tb.select(negative, tb.add(wide, tb.scalarLike(wide, 256)), wide);
  }
  auto toType = dyn_cast<IntegerType>(element);
  if (toType && toType.isUnsigned()) {
    if (toType.getWidth() != 8)
      return im.nodeError("cast to " + dtypeName(to) + " is not supported");
    // Values are taken modulo 256, as a C cast to uint8_t does.
    Value bits = tb.castTo(tb.castTo(x, b.getI32Type()), b.getIntegerType(8));
    im.setOutput(0, tensor::BitcastOp::create(
                        b, im.loc(),
                        RankedTensorType::get(TosaBuilder::shapeOf(bits),
                                              element),
                        bits));
    return success();
  }
  im.setOutput(0, tb.castTo(x, element));
  return success();
}

LogicalResult importWhere(GraphImporter &im, const onnx::NodeProto &) {
  im.setOutput(0, im.tosa().select(im.input(0), im.input(1), im.input(2)));
  return success();
}
} // namespace

void mlir::qopt::onnx_import::registerElementwiseHandlers(
    llvm::StringMap<NodeHandler> &map) {
  map["Add"] = binaryHandler<&TosaBuilder::add>;
  map["Sub"] = binaryHandler<&TosaBuilder::sub>;
  map["Mul"] = binaryHandler<&TosaBuilder::mul>;
  map["Div"] = binaryHandler<&TosaBuilder::div>;
  map["Equal"] = binaryHandler<&TosaBuilder::equal>;
  map["Greater"] = binaryHandler<&TosaBuilder::greater>;
  map["GreaterOrEqual"] = binaryHandler<&TosaBuilder::greaterEqual>;
  map["Less"] = importLess;
  map["LessOrEqual"] = importLessOrEqual;
  map["And"] = binaryHandler<&TosaBuilder::logicalAnd>;
  map["Or"] = binaryHandler<&TosaBuilder::logicalOr>;
  map["Xor"] = binaryHandler<&TosaBuilder::logicalXor>;
  map["Not"] = importNot;
  map["Sum"] = variadicHandler<&TosaBuilder::add>;
  map["Max"] = variadicHandler<&TosaBuilder::maximum>;
  map["Min"] = variadicHandler<&TosaBuilder::minimum>;
  map["Mean"] = importMean;
  map["Pow"] = importPow;
  map["Neg"] = unaryHandler<&TosaBuilder::negate>;
  map["Reciprocal"] = unaryHandler<&TosaBuilder::reciprocal>;
  map["Exp"] = unaryHandler<&TosaBuilder::exp>;
  map["Log"] = unaryHandler<&TosaBuilder::log>;
  map["Abs"] = tosaUnaryHandler<tosa::AbsOp>;
  map["Sigmoid"] = tosaUnaryHandler<tosa::SigmoidOp>;
  map["Tanh"] = tosaUnaryHandler<tosa::TanhOp>;
  map["Erf"] = tosaUnaryHandler<tosa::ErfOp>;
  map["Floor"] = tosaUnaryHandler<tosa::FloorOp>;
  map["Ceil"] = tosaUnaryHandler<tosa::CeilOp>;
  map["Sin"] = tosaUnaryHandler<tosa::SinOp>;
  map["Cos"] = tosaUnaryHandler<tosa::CosOp>;
  map["Sqrt"] = mathUnaryHandler<math::SqrtOp>;
  map["Round"] = mathUnaryHandler<math::RoundEvenOp>;
  map["Relu"] = importRelu;
  map["Clip"] = importClip;
  map["LeakyRelu"] = importLeakyRelu;
  map["PRelu"] = importPRelu;
  map["HardSigmoid"] = importHardSigmoid;
  map["HardSwish"] = importHardSwish;
  map["Softplus"] = importSoftplus;
  map["Elu"] = importElu;
  map["Sign"] = importSign;
  map["Cast"] = importCast;
  map["Where"] = importWhere;
}
