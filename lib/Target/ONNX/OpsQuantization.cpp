//===- OpsQuantization.cpp - ONNX quantization ops -------------------------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv, so pre-quantized (QDQ and
// QOperator) models import. The IR states the integer semantics exactly:
//
//  * TOSA has no unsigned tensors. ONNX UINT8 values are `ui8` at the
//    function boundary and `tensor.bitcast` to signless i8 inside; they are
//    widened to i32 by a cast plus 256 where the signed reading is negative.
//  * Integer products run on tosa.matmul / tosa.conv2d with i8 operands,
//    zero points as operands and i32 accumulation. Unsigned operands are
//    moved to the signed range by subtracting 128 from values and zero
//    points alike, which leaves every (x - zp) unchanged.
//  * Quantization divides in float (arith.divf, as onnxruntime does), rounds
//    half to even (math.roundeven), adds the zero point and saturates.
//  * QLinear* requantize with the float multiplier x_scale * w_scale /
//    y_scale applied to the int32 accumulator, as onnxruntime's MLAS does.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qopt::onnx_import;

namespace {

bool isUnsigned(Type element) {
  auto intType = dyn_cast<IntegerType>(element);
  return intType && intType.isUnsigned();
}

/// The same bits as a signless integer tensor.
Value signlessBits(GraphImporter &im, Value v) {
  auto type = TosaBuilder::typeOf(v);
  auto intType = dyn_cast<IntegerType>(type.getElementType());
  if (!intType || intType.isSignless())
    return v;
  auto signless = RankedTensorType::get(
      type.getShape(), im.builder().getIntegerType(intType.getWidth()));
  return tensor::BitcastOp::create(im.builder(), im.loc(), signless, v);
}

/// Input `i` as signless bits, remembering whether ONNX called it unsigned.
/// Constants are materialized signless already.
Value quantizedInput(GraphImporter &im, unsigned i, bool &isUnsignedOut) {
  isUnsignedOut = isUnsigned(im.inputElementType(i));
  return signlessBits(im, im.input(i));
}

/// Widens 8-bit integers to i32, reading the bits as unsigned if asked.
Value widen(TosaBuilder &tb, Value v, bool unsignedBits) {
  Value w = tb.castTo(v, tb.builder().getI32Type());
  if (!unsignedBits)
    return w;
  Value negative = tb.greater(tb.scalarLike(w, 0), w);
  return tb.select(negative, tb.add(w, tb.scalarLike(w, 256)), w);
}

/// An i8 operand for tosa.matmul / conv2d: unsigned values shift by -128.
Value signedOperand(TosaBuilder &tb, Value bits, bool unsignedBits) {
  if (!unsignedBits)
    return bits;
  Value w = widen(tb, bits, true);
  return tb.castTo(tb.sub(w, tb.scalarLike(w, 128)), tb.builder().getI8Type());
}

/// Zero point (scalar) of a quantized operand as an int, shifted like its
/// operand; absent zero points are 0.
FailureOr<int64_t> scalarZeroPoint(GraphImporter &im, unsigned i,
                                   bool unsignedOperand) {
  int64_t zp = 0;
  if (im.hasInput(i)) {
    std::optional<ConstTensor> c = im.constInput(i);
    if (!c)
      return im.nodeError("zero point '" + im.node().input(i) +
                          "' must be known at import time"),
             failure();
    SmallVector<int64_t> v = c->toInt64();
    for (int64_t x : v)
      if (x != v[0])
        return im.nodeError("per-channel zero points of a product operand "
                            "are not supported"),
               failure();
    zp = v.empty() ? 0 : v[0];
  }
  return unsignedOperand ? zp - 128 : zp;
}

/// Dequantization: (widen(x) - zp) * scale, per tensor or along `axis`.
Value dequantize(GraphImporter &im, TosaBuilder &tb, Value bits,
                 bool unsignedBits, Value scale, Value zeroPoint,
                 int64_t axis) {
  int64_t rank = TosaBuilder::typeOf(bits).getRank();
  auto alongAxis = [&](Value v) {
    if (TosaBuilder::typeOf(v).getRank() != 1 || rank == 0)
      return v;
    SmallVector<int64_t> shape(rank, 1);
    shape[axis] = TosaBuilder::shapeOf(v)[0];
    return tb.reshape(v, shape);
  };
  Value x = widen(tb, bits, unsignedBits);
  if (zeroPoint)
    x = tb.sub(x, alongAxis(widen(tb, zeroPoint, unsignedBits)));
  Type floatType = TosaBuilder::typeOf(scale).getElementType();
  return tb.mul(tb.castTo(x, floatType), alongAxis(scale));
}

/// Quantization: saturate(roundeven(x / scale) + zp) to the 8-bit range,
/// returned as signless bits and (for UINT8) bitcast to ui8.
Value quantize(GraphImporter &im, TosaBuilder &tb, Value x, Value scale,
               Value zeroPoint, bool unsignedResult, int64_t axis) {
  OpBuilder &b = im.builder();
  int64_t rank = TosaBuilder::typeOf(x).getRank();
  auto alongAxis = [&](Value v) {
    if (TosaBuilder::typeOf(v).getRank() != 1 || rank == 0)
      return tb.expandRank(v, rank);
    SmallVector<int64_t> shape(rank, 1);
    shape[axis] = TosaBuilder::shapeOf(v)[0];
    return tb.reshape(v, shape);
  };
  Value s = alongAxis(scale);
  // Broadcast the scale to x's shape for arith.divf.
  if (TosaBuilder::shapeOf(s) != TosaBuilder::shapeOf(x)) {
    SmallVector<int64_t> multiples;
    for (auto [have, want] :
         llvm::zip(TosaBuilder::shapeOf(s), TosaBuilder::shapeOf(x)))
      multiples.push_back(have == want ? 1 : want);
    s = tosa::TileOp::create(b, im.loc(), TosaBuilder::typeOf(x), s,
                             tb.shape(multiples));
  }
  Value q = arith::DivFOp::create(b, im.loc(), x, s);
  q = math::RoundEvenOp::create(b, im.loc(), q);
  q = tb.castTo(q, b.getI32Type());
  if (zeroPoint)
    q = tb.add(q, alongAxis(widen(tb, zeroPoint, unsignedResult)));
  q = unsignedResult ? tb.clamp(q, 0, 255) : tb.clamp(q, -128, 127);
  Value bits = tb.castTo(q, b.getI8Type());
  if (!unsignedResult)
    return bits;
  return tensor::BitcastOp::create(
      b, im.loc(),
      RankedTensorType::get(TosaBuilder::shapeOf(bits),
                            b.getIntegerType(8, /*isSigned=*/false)),
      bits);
}

LogicalResult checkEightBit(GraphImporter &im, unsigned i) {
  auto intType = dyn_cast<IntegerType>(im.inputElementType(i));
  if (!intType || intType.getWidth() != 8)
    return im.nodeError("input '" + im.node().input(i) +
                        "' must be INT8 or UINT8");
  return success();
}

LogicalResult importDequantizeLinear(GraphImporter &im,
                                     const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  auto intType = dyn_cast<IntegerType>(im.inputElementType(0));
  if (!intType || (intType.getWidth() != 8 && intType.getWidth() != 32))
    return im.nodeError("input must be INT8, UINT8 or INT32");
  bool unsignedBits;
  Value x = quantizedInput(im, 0, unsignedBits);
  Value zp;
  if (im.hasInput(2)) {
    bool zpUnsigned;
    zp = quantizedInput(im, 2, zpUnsigned);
  }
  int64_t rank = im.inputShape(0).size();
  int64_t axis = normalizeAxis(im.intAttr("axis", 1), std::max<int64_t>(rank, 1));
  if (intType.getWidth() == 32) {
    // INT32 (bias) dequantization: no widening needed.
    Value v = zp ? tb.sub(x, zp) : x;
    Value scale = im.input(1);
    if (TosaBuilder::typeOf(scale).getRank() == 1 && rank > 0) {
      SmallVector<int64_t> shape(rank, 1);
      shape[axis] = TosaBuilder::shapeOf(scale)[0];
      scale = tb.reshape(scale, shape);
    }
    im.setOutput(0, tb.mul(tb.castTo(v, TosaBuilder::typeOf(scale)
                                            .getElementType()),
                           scale));
    return success();
  }
  im.setOutput(0, dequantize(im, tb, x, unsignedBits, im.input(1), zp, axis));
  return success();
}

LogicalResult importQuantizeLinear(GraphImporter &im,
                                   const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  // Without a zero point, the output is UINT8.
  bool unsignedResult = true;
  Value zp;
  if (im.hasInput(2)) {
    if (failed(checkEightBit(im, 2)))
      return failure();
    zp = quantizedInput(im, 2, unsignedResult);
  }
  int64_t rank = im.inputShape(0).size();
  int64_t axis = normalizeAxis(im.intAttr("axis", 1), std::max<int64_t>(rank, 1));
  Value x = im.input(0);
  Value scale = tb.castTo(im.input(1), TosaBuilder::typeOf(x).getElementType());
  im.setOutput(0, quantize(im, tb, x, scale, zp, unsignedResult, axis));
  return success();
}

LogicalResult importDynamicQuantizeLinear(GraphImporter &im,
                                          const onnx::NodeProto &) {
  // y_scale = (max(0, max(x)) - min(0, min(x))) / 255, zp = saturate(
  // roundeven(0 - min / scale)); y = quantize(x) as UINT8.
  TosaBuilder tb = im.tosa();
  OpBuilder &b = im.builder();
  Value x = im.input(0);
  int64_t rank = TosaBuilder::typeOf(x).getRank();
  Value lo = x, hi = x;
  for (int64_t a = 0; a < rank; ++a) {
    lo = tb.reduceMin(lo, a);
    hi = tb.reduceMax(hi, a);
  }
  lo = tb.reshape(tb.minimum(lo, tb.scalarLike(lo, 0)), {});
  hi = tb.reshape(tb.maximum(hi, tb.scalarLike(hi, 0)), {});
  Value scale = arith::DivFOp::create(b, im.loc(), tb.sub(hi, lo),
                                      tb.splat(b.getF32Type(), {}, 255.0));
  Value zpF = arith::DivFOp::create(b, im.loc(), tb.negate(lo), scale);
  zpF = math::RoundEvenOp::create(b, im.loc(), zpF);
  Value zpI = tb.clamp(tb.castTo(zpF, b.getI32Type()), 0, 255);
  Value zpBits = tb.castTo(zpI, b.getI8Type());
  Value y = quantize(im, tb, x, scale, zpBits, /*unsignedResult=*/true, 0);
  auto u8 = b.getIntegerType(8, /*isSigned=*/false);
  im.setOutput(0, y);
  im.setOutput(1, scale);
  im.setOutput(2, tensor::BitcastOp::create(b, im.loc(),
                                            RankedTensorType::get({}, u8),
                                            zpBits));
  return success();
}

/// sum_k (a - azp)(b - bzp) as i32 with numpy batch broadcasting; a, b are
/// 8-bit operands given by input index.
FailureOr<Value> integerMatMul(GraphImporter &im, unsigned aIndex,
                               unsigned bIndex, std::optional<unsigned> aZp,
                               std::optional<unsigned> bZp) {
  TosaBuilder tb = im.tosa();
  if (failed(checkEightBit(im, aIndex)) || failed(checkEightBit(im, bIndex)))
    return failure();
  bool aU, bU;
  Value a = quantizedInput(im, aIndex, aU), b = quantizedInput(im, bIndex, bU);
  FailureOr<int64_t> azp = aZp ? scalarZeroPoint(im, *aZp, aU)
                               : FailureOr<int64_t>(aU ? -128 : 0);
  FailureOr<int64_t> bzp = bZp ? scalarZeroPoint(im, *bZp, bU)
                               : FailureOr<int64_t>(bU ? -128 : 0);
  if (failed(azp) || failed(bzp))
    return failure();
  a = signedOperand(tb, a, aU);
  b = signedOperand(tb, b, bU);
  SmallVector<int64_t> as = im.inputShape(aIndex), bs = im.inputShape(bIndex);
  if (as.size() < 2 || bs.size() < 2)
    return im.nodeError("integer matmul operands must have rank >= 2"),
           failure();
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  SmallVector<int64_t> aBatch(as.begin(), as.end() - 2),
      bBatch(bs.begin(), bs.end() - 2);
  if (product(bBatch) != 1 && aBatch != bBatch)
    return im.nodeError("batched integer matmul needs equal batch shapes"),
           failure();
  OpBuilder &builder = im.builder();
  Value a3, b3;
  int64_t batch = product(bBatch) == 1 ? 1 : product(bBatch);
  if (batch == 1) {
    a3 = tb.reshape(a, {1, product(aBatch) * m, k});
    b3 = tb.reshape(b, {1, k, n});
  } else {
    a3 = tb.reshape(a, {batch, m, k});
    b3 = tb.reshape(b, {batch, k, n});
  }
  auto accType = RankedTensorType::get(
      {TosaBuilder::shapeOf(a3)[0], TosaBuilder::shapeOf(a3)[1], n},
      builder.getI32Type());
  Value y = tosa::MatMulOp::create(builder, im.loc(), accType, a3, b3,
                                   tb.splat(builder.getI8Type(), {1}, *azp),
                                   tb.splat(builder.getI8Type(), {1}, *bzp));
  SmallVector<int64_t> out(product(bBatch) == 1 ? aBatch : bBatch);
  out.append({m, n});
  return tb.reshape(y, out);
}

LogicalResult importMatMulInteger(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> y =
      integerMatMul(im, 0, 1, im.hasInput(2) ? std::optional<unsigned>(2)
                                             : std::nullopt,
                    im.hasInput(3) ? std::optional<unsigned>(3) : std::nullopt);
  if (failed(y))
    return failure();
  im.setOutput(0, *y);
  return success();
}

/// Requantizes an i32 accumulator: round(acc * multiplier) + zp, saturated.
Value requantize(GraphImporter &im, TosaBuilder &tb, Value acc,
                 Value multiplier, unsigned yZpIndex) {
  Value f = tb.mul(tb.castTo(acc, im.builder().getF32Type()), multiplier);
  f = math::RoundEvenOp::create(im.builder(), im.loc(), f);
  Value q = tb.castTo(f, im.builder().getI32Type());
  bool yU = isUnsigned(im.inputElementType(yZpIndex));
  bool unused;
  Value zp = quantizedInput(im, yZpIndex, unused);
  q = tb.add(q, widen(tb, zp, yU));
  q = yU ? tb.clamp(q, 0, 255) : tb.clamp(q, -128, 127);
  Value bits = tb.castTo(q, im.builder().getI8Type());
  if (!yU)
    return bits;
  return tensor::BitcastOp::create(
      im.builder(), im.loc(),
      RankedTensorType::get(TosaBuilder::shapeOf(bits),
                            im.builder().getIntegerType(8, false)),
      bits);
}

/// x_scale * w_scale / y_scale, folded in float when constant.
Value requantMultiplier(GraphImporter &im, TosaBuilder &tb, unsigned xScale,
                        unsigned wScale, unsigned yScale) {
  std::optional<ConstTensor> xs = im.constInput(xScale),
                             ws = im.constInput(wScale),
                             ys = im.constInput(yScale);
  if (xs && ws && ys) {
    float x = float(xs->toDouble()[0]), y = float(ys->toDouble()[0]);
    SmallVector<double> w = ws->toDouble();
    SmallVector<float> m;
    for (double wi : w)
      m.push_back((x * float(wi)) / y);
    return im.materialize(ConstTensor::fromFloats(ws->shape, m),
                          im.node().name() + "_requant");
  }
  Value m = tb.mul(tb.expandRank(im.input(xScale), 1),
                   tb.expandRank(im.input(wScale), 1));
  return arith::DivFOp::create(
      im.builder(), im.loc(), m,
      tb.reshape(im.input(yScale), TosaBuilder::shapeOf(m)));
}

LogicalResult importQLinearMatMul(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  FailureOr<Value> acc = integerMatMul(im, 0, 3, 2u, 5u);
  if (failed(acc))
    return failure();
  Value m = requantMultiplier(im, tb, 1, 4, 6);
  // A per-column b_scale applies along the last axis.
  im.setOutput(0, requantize(im, tb, *acc, tb.expandRank(m, 2), 7));
  return success();
}

/// Integer convolution (NCHW, 2-D) of inputs x and w with zero points.
FailureOr<Value> integerConv(GraphImporter &im, unsigned xIndex,
                             unsigned wIndex, std::optional<unsigned> xZp,
                             std::optional<unsigned> wZp,
                             std::optional<unsigned> biasIndex) {
  TosaBuilder tb = im.tosa();
  OpBuilder &b = im.builder();
  if (failed(checkEightBit(im, xIndex)) || failed(checkEightBit(im, wIndex)))
    return failure();
  SmallVector<int64_t> xs = im.inputShape(xIndex), ws = im.inputShape(wIndex);
  if (xs.size() != 4)
    return im.nodeError("only 2-D integer convolutions are supported"),
           failure();
  if (im.intAttr("group", 1) != 1)
    return im.nodeError("grouped integer convolutions are not supported"),
           failure();
  bool xU, wU;
  Value x = quantizedInput(im, xIndex, xU), w = quantizedInput(im, wIndex, wU);
  FailureOr<int64_t> xzp = xZp ? scalarZeroPoint(im, *xZp, xU)
                               : FailureOr<int64_t>(xU ? -128 : 0);
  FailureOr<int64_t> wzp = wZp ? scalarZeroPoint(im, *wZp, wU)
                               : FailureOr<int64_t>(wU ? -128 : 0);
  if (failed(xzp) || failed(wzp))
    return failure();
  x = signedOperand(tb, x, xU);
  w = signedOperand(tb, w, wU);
  SmallVector<int64_t> kernel = im.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel = {ws[2], ws[3]};
  SmallVector<int64_t> strides = im.intsAttr("strides"),
                       dilations = im.intsAttr("dilations"),
                       pads = im.intsAttr("pads");
  if (strides.empty())
    strides = {1, 1};
  if (dilations.empty())
    dilations = {1, 1};
  if (pads.empty())
    pads = {0, 0, 0, 0};
  std::string autoPad = im.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID")
    return im.nodeError("auto_pad '" + autoPad +
                        "' is not supported for integer convolutions"),
           failure();
  if (autoPad == "VALID")
    pads = {0, 0, 0, 0};
  int64_t oh = (xs[2] + pads[0] + pads[2] - (kernel[0] - 1) * dilations[0] -
                1) / strides[0] + 1;
  int64_t ow = (xs[3] + pads[1] + pads[3] - (kernel[1] - 1) * dilations[1] -
                1) / strides[1] + 1;
  // TOSA needs the window span divisible by the stride; trim the end pad.
  for (int i = 0; i < 2; ++i) {
    int64_t span = xs[2 + i] - 1 + pads[i] + pads[2 + i] -
                   (kernel[i] - 1) * dilations[i];
    int64_t rem = span % strides[i];
    if (rem > pads[2 + i])
      return im.nodeError("integer convolution windows do not tile the "
                          "input exactly"),
             failure();
    pads[2 + i] -= rem;
  }
  Value nhwc = tb.toNHWC(x);
  Value ohwi = tb.transpose(w, {0, 2, 3, 1});
  Value bias = biasIndex && im.hasInput(*biasIndex)
                   ? im.input(*biasIndex)
                   : tb.splat(b.getI32Type(), {ws[0]}, 0);
  auto accType = RankedTensorType::get({xs[0], oh, ow, ws[0]}, b.getI32Type());
  Value xzpValue = tb.splat(b.getI8Type(), {1}, *xzp);
  Value wzpValue = tb.splat(b.getI8Type(), {1}, *wzp);
  Value y = tosa::Conv2DOp::create(
      b, im.loc(), accType, nhwc, ohwi, bias, xzpValue, wzpValue,
      b.getDenseI64ArrayAttr({pads[0], pads[2], pads[1], pads[3]}),
      b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(dilations),
      TypeAttr::get(b.getI32Type()));
  return tb.toNCHW(y);
}

LogicalResult importConvInteger(GraphImporter &im, const onnx::NodeProto &) {
  FailureOr<Value> y = integerConv(
      im, 0, 1, im.hasInput(2) ? std::optional<unsigned>(2) : std::nullopt,
      im.hasInput(3) ? std::optional<unsigned>(3) : std::nullopt,
      std::nullopt);
  if (failed(y))
    return failure();
  im.setOutput(0, *y);
  return success();
}

LogicalResult importQLinearConv(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  FailureOr<Value> acc = integerConv(im, 0, 3, 2u, 5u, 8u);
  if (failed(acc))
    return failure();
  Value m = requantMultiplier(im, tb, 1, 4, 6);
  // Per-output-channel multipliers go along axis 1 (NCHW).
  int64_t channels = TosaBuilder::shapeOf(m).empty()
                         ? 1
                         : TosaBuilder::shapeOf(m)[0];
  m = tb.reshape(m, {1, channels, 1, 1});
  im.setOutput(0, requantize(im, tb, *acc, m, 7));
  return success();
}
} // namespace

void mlir::qopt::onnx_import::registerQuantizationHandlers(
    llvm::StringMap<NodeHandler> &map) {
  map["QuantizeLinear"] = importQuantizeLinear;
  map["DequantizeLinear"] = importDequantizeLinear;
  map["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
  map["MatMulInteger"] = importMatMulInteger;
  map["ConvInteger"] = importConvInteger;
  map["QLinearMatMul"] = importQLinearMatMul;
  map["QLinearConv"] = importQLinearConv;
}
