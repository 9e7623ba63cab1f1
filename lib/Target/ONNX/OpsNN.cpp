//===- OpsNN.cpp - ONNX neural-network ops ---------------------------------===//
//
// Conv, pooling, BatchNormalization, Gemm, MatMul, Softmax, LayerNorm and
// reductions. ONNX is NCHW and TOSA convolutions and pools are NHWC: the
// activation is transposed around each such op, and constant weights are
// re-laid out at import time (OIHW -> OHWI, or KH KW C M for depthwise) so
// that layers see a plain constant weight.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qopt::onnx_import;

ConstTensor mlir::qopt::onnx_import::transposeConst(const ConstTensor &x,
                                                   ArrayRef<int64_t> perm) {
  int64_t rank = x.shape.size();
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(x.shape[p]);
  SmallVector<int64_t> inStrides(rank, 1), outStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i) {
    inStrides[i] = inStrides[i + 1] * x.shape[i + 1];
    outStrides[i] = outStrides[i + 1] * shape[i + 1];
  }
  unsigned size = dtypeSize(x.dtype);
  int64_t n = x.numElements();
  std::string buf(n * size, '\0');
  // Walk the output in order with an odometer over its coordinates.
  SmallVector<int64_t> coord(rank, 0);
  int64_t src = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(&buf[i * size], x.bytes.data() + src * size, size);
    for (int64_t d = rank - 1; d >= 0; --d) {
      src += inStrides[perm[d]];
      if (++coord[d] < shape[d])
        break;
      src -= inStrides[perm[d]] * shape[d];
      coord[d] = 0;
    }
  }
  return ConstTensor::fromBuffer(x.dtype, shape, std::move(buf));
}

namespace {

/// The weight operand re-laid out with `perm`: on the host when constant,
/// with tosa.transpose otherwise.
Value weightWithLayout(GraphImporter &im, unsigned index,
                       ArrayRef<int64_t> perm, ArrayRef<int64_t> shape = {}) {
  if (std::optional<ConstTensor> w = im.constInput(index)) {
    ConstTensor t = transposeConst(*w, perm);
    if (!shape.empty())
      t.shape.assign(shape.begin(), shape.end());
    return im.materialize(t, im.node().input(index));
  }
  TosaBuilder tb = im.tosa();
  Value v = tb.transpose(im.input(index),
                         llvm::to_vector_of<int32_t>(perm));
  return shape.empty() ? v : tb.reshape(v, shape);
}

/// Input `index` reshaped to `shape`: constants are materialized in that
/// shape directly (same bytes), so a layer's weight is a plain constant.
Value reshapedOperand(GraphImporter &im, unsigned index,
                      ArrayRef<int64_t> shape) {
  if (std::optional<ConstTensor> c = im.constInput(index)) {
    ConstTensor t = *c;
    t.shape.assign(shape.begin(), shape.end());
    return im.materialize(t, im.node().input(index));
  }
  return im.tosa().reshape(im.input(index), shape);
}


FailureOr<Window> resolveWindow(GraphImporter &im, ArrayRef<int64_t> spatial,
                                SmallVector<int64_t> kernel) {
  Window w;
  size_t n = spatial.size();
  w.kernel = std::move(kernel);
  w.strides = im.intsAttr("strides");
  w.dilations = im.intsAttr("dilations");
  w.pads = im.intsAttr("pads");
  if (w.strides.empty())
    w.strides.assign(n, 1);
  if (w.dilations.empty())
    w.dilations.assign(n, 1);
  if (w.pads.empty())
    w.pads.assign(2 * n, 0);
  if (w.kernel.size() != n || w.strides.size() != n ||
      w.dilations.size() != n || w.pads.size() != 2 * n)
    return im.nodeError("kernel/strides/dilations/pads do not match the "
                        "input's " +
                        Twine(n) + " spatial dimensions"),
           failure();
  // checkWindowAttributes rejected bad attributes before ONNX's shape
  // inference; a kernel taken from the weight's shape can still be empty.
  for (size_t i = 0; i < n; ++i)
    if (w.kernel[i] <= 0)
      return im.nodeError("the kernel must be positive in every spatial "
                          "dimension (got " +
                          Twine(w.kernel[i]) + ")"),
             failure();
  std::string autoPad = im.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      int64_t out = (spatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] +
                 1 - spatial[i]);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return im.nodeError("unknown auto_pad '" + autoPad + "'"), failure();
  }
  return w;
}

/// TOSA requires (in - 1 + pad_b + pad_e - (k - 1) * d) % stride == 0; ONNX
/// floors. Trims the end padding (and, past it, the input's end) so the
/// extra rows, which no output reads, disappear. Returns the number of
/// input rows to drop at the end.
int64_t fitEndPadding(int64_t in, int64_t &padBegin, int64_t &padEnd,
                      int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t span = in - 1 + padBegin + padEnd - (kernel - 1) * dilation;
  int64_t rem = span % stride;
  if (rem == 0)
    return 0;
  int64_t fromPad = std::min(rem, padEnd);
  padEnd -= fromPad;
  return rem - fromPad;
}

/// Converts an NCHW 4-D activation to NHWC, first trimming spatial ends.
Value toNHWCTrimmed(TosaBuilder &tb, Value x, int64_t trimH, int64_t trimW) {
  if (trimH || trimW) {
    SmallVector<int64_t> size(TosaBuilder::shapeOf(x));
    size[2] -= trimH;
    size[3] -= trimW;
    x = tb.slice(x, {0, 0, 0, 0}, size);
  }
  return tb.toNHWC(x);
}

/// 1-D convs/pools ([N, C, W]) run as 2-D ones with H = 1.
bool is1D(GraphImporter &im) { return im.inputShape(0).size() == 3; }

LogicalResult importConv(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> xs = im.inputShape(0), ws = im.inputShape(1);
  bool oneD = xs.size() == 3;
  if (xs.size() != 4 && !oneD)
    return im.nodeError("only 1-D and 2-D convolutions are supported, got a "
                        "rank-" + Twine(xs.size()) + " input");
  Value x = im.input(0);
  if (oneD) {
    x = tb.reshape(x, {xs[0], xs[1], 1, xs[2]});
    xs = {xs[0], xs[1], 1, xs[2]};
  }
  SmallVector<int64_t> kernel = im.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel.assign(ws.begin() + 2, ws.end());
  if (oneD)
    kernel.insert(kernel.begin(), 1);
  FailureOr<Window> wnd = resolveWindow(im, oneD ? ArrayRef<int64_t>{xs[3]}
                                                 : ArrayRef<int64_t>(xs)
                                                       .drop_front(2),
                                        oneD ? SmallVector<int64_t>{kernel[1]}
                                             : kernel);
  if (failed(wnd))
    return failure();
  if (oneD) {
    wnd->kernel.insert(wnd->kernel.begin(), 1);
    wnd->strides.insert(wnd->strides.begin(), 1);
    wnd->dilations.insert(wnd->dilations.begin(), 1);
    wnd->pads = {0, wnd->pads[0], 0, wnd->pads[1]};
  }
  int64_t group = im.intAttr("group", 1);
  Value bias = im.hasInput(2) ? im.input(2) : Value();
  return emitConv2D(
      im, x, xs, ws, bias, group, *wnd, oneD,
      [&](ArrayRef<int64_t> perm, ArrayRef<int64_t> shape) {
        return weightWithLayout(im, 1, perm, shape);
      });
}

} // namespace

LogicalResult mlir::qopt::onnx_import::emitConv2D(
    GraphImporter &im, Value x, SmallVector<int64_t> xs,
    ArrayRef<int64_t> ws, Value bias, int64_t group, const Window &window,
    bool oneD, ConvWeightFn weightWithLayout) {
  TosaBuilder tb = im.tosa();
  const Window *wnd = &window;
  int64_t n = xs[0], c = xs[1], oc = ws[0];
  if (group <= 0 || c % group != 0 || oc % group != 0 || ws[1] * group != c)
    return im.nodeError("weight " + Twine(ws[0]) + "x" + Twine(ws[1]) +
                        " does not match " + Twine(c) +
                        " input channels in " + Twine(group) + " group(s)");

  int64_t pt = wnd->pads[0], pl = wnd->pads[1], pb = wnd->pads[2],
          pr = wnd->pads[3];
  int64_t trimH = fitEndPadding(xs[2], pt, pb, wnd->kernel[0],
                                wnd->strides[0], wnd->dilations[0]);
  int64_t trimW = fitEndPadding(xs[3], pl, pr, wnd->kernel[1],
                                wnd->strides[1], wnd->dilations[1]);
  int64_t h = xs[2] - trimH, w = xs[3] - trimW;
  int64_t oh = (h + pt + pb - (wnd->kernel[0] - 1) * wnd->dilations[0] - 1) /
                   wnd->strides[0] +
               1;
  int64_t ow = (w + pl + pr - (wnd->kernel[1] - 1) * wnd->dilations[1] - 1) /
                   wnd->strides[1] +
               1;

  Type element = TosaBuilder::typeOf(x).getElementType();
  if (!bias)
    bias = tb.splat(element, {oc}, 0);
  Value zp = tb.zeroPoint(element);
  Value nhwc = toNHWCTrimmed(tb, x, trimH, trimW);
  OpBuilder &b = im.builder();
  auto pad = b.getDenseI64ArrayAttr({pt, pb, pl, pr});
  auto stride = b.getDenseI64ArrayAttr({wnd->strides[0], wnd->strides[1]});
  auto dilation =
      b.getDenseI64ArrayAttr({wnd->dilations[0], wnd->dilations[1]});
  auto accType = TypeAttr::get(element);
  int64_t kh = wnd->kernel[0], kw = wnd->kernel[1];

  Value out;
  if (group == 1) {
    // OIHW -> OHWI (1-D: OIW -> O1WI).
    Value weight = oneD ? weightWithLayout({0, 2, 1}, {oc, 1, kw, c})
                        : weightWithLayout({0, 2, 3, 1}, {});
    out = tosa::Conv2DOp::create(
        b, im.loc(), RankedTensorType::get({n, oh, ow, oc}, element), nhwc,
        weight, bias, zp, zp, pad, stride, dilation, accType);
  } else if (group == c) {
    // Depthwise: [C*M, 1, KH, KW] -> [KH, KW, C, M].
    int64_t m = oc / c;
    Value weight =
        oneD ? weightWithLayout({1, 2, 0}, {1, kw, c, m})
             : weightWithLayout({2, 3, 1, 0}, {kh, kw, c, m});
    out = tosa::DepthwiseConv2DOp::create(
        b, im.loc(), RankedTensorType::get({n, oh, ow, oc}, element), nhwc,
        weight, bias, zp, zp, pad, stride, dilation, accType);
  } else {
    // Grouped: one conv2d per group on a channel slice, then concat.
    Value weight = oneD ? weightWithLayout({0, 2, 1}, {oc, 1, kw, c / group})
                        : weightWithLayout({0, 2, 3, 1}, {});
    int64_t cg = c / group, og = oc / group;
    SmallVector<Value> parts;
    for (int64_t g = 0; g < group; ++g) {
      Value xg = tb.slice(nhwc, {0, 0, 0, g * cg}, {n, h, w, cg});
      Value wg = tb.slice(weight, {g * og, 0, 0, 0}, {og, kh, kw, cg});
      Value bg = tb.slice(bias, {g * og}, {og});
      parts.push_back(tosa::Conv2DOp::create(
          b, im.loc(), RankedTensorType::get({n, oh, ow, og}, element), xg,
          wg, bg, zp, zp, pad, stride, dilation, accType));
    }
    out = tb.concat(parts, 3);
  }
  Value nchw = tb.toNCHW(out);
  if (oneD)
    nchw = tb.reshape(nchw, {n, oc, ow});
  im.setOutput(0, nchw);
  return success();
}

namespace {

template <bool IsMax>
LogicalResult importPool(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> xs = im.inputShape(0);
  bool oneD = xs.size() == 3;
  if (xs.size() != 4 && !oneD)
    return im.nodeError("only 1-D and 2-D pooling is supported");
  if (im.hasOutput(1))
    return im.nodeError("the Indices output of MaxPool is not supported");
  Value x = im.input(0);
  // UINT8 max pooling: x - 128 keeps the order, so pool in int8 and shift
  // back.
  auto u8 = dyn_cast<IntegerType>(im.inputElementType(0));
  bool unsignedBytes = IsMax && u8 && u8.isUnsigned() && u8.getWidth() == 8;
  auto flipSign = [&](Value v, Type to) {
    // (x xor 0x80) as bits: the same as adding or subtracting 128 mod 256.
    OpBuilder &b = im.builder();
    auto i8Type = RankedTensorType::get(TosaBuilder::shapeOf(v), b.getI8Type());
    if (!TosaBuilder::typeOf(v).getElementType().isSignlessInteger())
      v = tensor::BitcastOp::create(b, im.loc(), i8Type, v);
    Value flipped = tosa::BitwiseXorOp::create(
        b, im.loc(), i8Type, v,
        tb.splat(b.getI8Type(), SmallVector<int64_t>(xs.size(), 1), -128));
    if (to == flipped.getType())
      return flipped;
    return Value(tensor::BitcastOp::create(b, im.loc(), to, flipped));
  };
  if (unsignedBytes)
    x = flipSign(x, RankedTensorType::get(xs, im.builder().getI8Type()));
  SmallVector<int64_t> kernel = im.intsAttr("kernel_shape");
  FailureOr<Window> wnd = resolveWindow(
      im, ArrayRef<int64_t>(xs).drop_front(2), kernel);
  if (failed(wnd))
    return failure();
  if (oneD) {
    x = tb.reshape(x, {xs[0], xs[1], 1, xs[2]});
    xs = {xs[0], xs[1], 1, xs[2]};
    wnd->kernel.insert(wnd->kernel.begin(), 1);
    wnd->strides.insert(wnd->strides.begin(), 1);
    wnd->dilations.insert(wnd->dilations.begin(), 1);
    wnd->pads = {0, wnd->pads[0], 0, wnd->pads[1]};
  }
  if (wnd->dilations[0] != 1 || wnd->dilations[1] != 1)
    return im.nodeError("dilated pooling is not supported");
  bool ceil = im.intAttr("ceil_mode", 0) != 0;
  bool countPad = !IsMax && im.intAttr("count_include_pad", 0) != 0;
  int64_t pt = wnd->pads[0], pl = wnd->pads[1], pb = wnd->pads[2],
          pr = wnd->pads[3];
  OpBuilder &b = im.builder();
  Type element = TosaBuilder::typeOf(x).getElementType();
  Value nhwc = tb.toNHWC(x);
  if (countPad && (pt || pl || pb || pr)) {
    // Padding counts as zeros: pad explicitly, then pool without padding.
    SmallVector<int64_t> padded = {xs[0], xs[2] + pt + pb, xs[3] + pl + pr,
                                   xs[1]};
    nhwc = tosa::PadOp::create(
        b, im.loc(), RankedTensorType::get(padded, element), nhwc,
        tb.shape({0, 0, pt, pb, pl, pr, 0, 0}), tb.splat(element, {1}, 0));
    xs = {xs[0], xs[1], padded[1], padded[2]};
    pt = pl = pb = pr = 0;
  }
  auto outDim = [&](int64_t in, int64_t pBegin, int64_t &pEnd, int64_t k,
                    int64_t s, int64_t &trim) {
    int64_t span = in + pBegin + pEnd - k;
    int64_t out = (ceil ? (span + s - 1) / s : span / s) + 1;
    // ceil_mode: the last window must start inside the input or its
    // begin padding.
    if (ceil && (out - 1) * s >= in + pBegin)
      --out;
    int64_t needed = (out - 1) * s + k; // Rows the windows touch.
    int64_t have = in + pBegin + pEnd;
    trim = 0;
    if (needed > have) {
      pEnd += needed - have; // Extra pooling padding (excluded from counts).
    } else {
      int64_t extra = have - needed;
      int64_t fromPad = std::min(extra, pEnd);
      pEnd -= fromPad;
      trim = extra - fromPad;
    }
    return out;
  };
  int64_t trimH, trimW;
  int64_t oh = outDim(xs[2], pt, pb, wnd->kernel[0], wnd->strides[0], trimH);
  int64_t ow = outDim(xs[3], pl, pr, wnd->kernel[1], wnd->strides[1], trimW);
  if (pb >= wnd->kernel[0] || pr >= wnd->kernel[1] || pt >= wnd->kernel[0] ||
      pl >= wnd->kernel[1])
    return im.nodeError("padding as large as the kernel is not supported");
  if (trimH || trimW)
    nhwc = tb.slice(nhwc, {0, 0, 0, 0},
                    {xs[0], xs[2] - trimH, xs[3] - trimW, xs[1]});
  auto outType = RankedTensorType::get({xs[0], oh, ow, xs[1]}, element);
  auto kernelAttr = b.getDenseI64ArrayAttr({wnd->kernel[0], wnd->kernel[1]});
  auto strideAttr =
      b.getDenseI64ArrayAttr({wnd->strides[0], wnd->strides[1]});
  auto padAttr = b.getDenseI64ArrayAttr({pt, pb, pl, pr});
  Value out;
  if (IsMax) {
    out = tosa::MaxPool2dOp::create(b, im.loc(), outType, nhwc, kernelAttr,
                                    strideAttr, padAttr);
  } else {
    Value zp = tb.zeroPoint(element);
    out = tosa::AvgPool2dOp::create(b, im.loc(), outType, nhwc, zp, zp,
                                    kernelAttr, strideAttr, padAttr,
                                    TypeAttr::get(element));
  }
  Value nchw = tb.toNCHW(out);
  if (oneD)
    nchw = tb.reshape(nchw, {xs[0], xs[1], ow});
  if (unsignedBytes)
    nchw = flipSign(nchw, RankedTensorType::get(TosaBuilder::shapeOf(nchw),
                                               u8));
  im.setOutput(0, nchw);
  return success();
}

/// Global pools reduce every spatial axis.
template <bool IsMax>
LogicalResult importGlobalPool(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  SmallVector<int64_t> xs = im.inputShape(0);
  int64_t count = 1;
  for (size_t axis = 2; axis < xs.size(); ++axis) {
    x = IsMax ? tb.reduceMax(x, axis) : tb.reduceSum(x, axis);
    count *= xs[axis];
  }
  if (!IsMax)
    x = tb.mul(x, tb.scalarLike(x, 1.0 / double(count)));
  im.setOutput(0, x);
  return success();
}

/// Per-channel vector reshaped to [1, C, 1, ...] for an input of `rank`.
Value channelVector(TosaBuilder &tb, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = TosaBuilder::shapeOf(v)[0];
  return tb.reshape(v, shape);
}

LogicalResult importBatchNorm(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  Value x = im.input(0);
  int64_t rank = im.inputShape(0).size();
  double eps = im.floatAttr("epsilon", 1e-5f);
  if (im.intAttr("training_mode", 0) != 0) {
    // Batch statistics over every axis but the channel axis; the running
    // statistics are updated with `momentum`.
    double momentum = im.floatAttr("momentum", 0.9f);
    SmallVector<int64_t> shape = im.inputShape(0);
    double count = double(product(shape)) / double(shape[1]);
    auto meanOver = [&](Value v) {
      for (int64_t a = 0; a < rank; ++a)
        if (a != 1)
          v = tb.reduceSum(v, a);
      return tb.mul(v, tb.scalarLike(v, 1.0 / count));
    };
    Value mean = meanOver(x);
    Value centered = tb.sub(x, mean);
    Value var = meanOver(tb.mul(centered, centered));
    Value inv = tb.rsqrt(tb.add(var, tb.scalarLike(var, eps)));
    Value normalized = tb.mul(centered, inv);
    Value scaled = tb.mul(normalized, channelVector(tb, im.input(1), rank));
    Value y = tb.add(scaled, channelVector(tb, im.input(2), rank));
    im.setOutput(0, y);
    int64_t c = shape[1];
    Value batchMean = tb.reshape(mean, {c}), batchVar = tb.reshape(var, {c});
    Value oldMean = tb.mul(im.input(3), tb.scalarLike(batchMean, momentum));
    Value newMean = tb.mul(batchMean, tb.scalarLike(batchMean, 1 - momentum));
    Value runMean = tb.add(oldMean, newMean);
    Value oldVar = tb.mul(im.input(4), tb.scalarLike(batchVar, momentum));
    Value newVar = tb.mul(batchVar, tb.scalarLike(batchVar, 1 - momentum));
    Value runVar = tb.add(oldVar, newVar);
    im.setOutput(1, runMean);
    im.setOutput(2, runVar);
    return success();
  }
  std::optional<ConstTensor> scale = im.constInput(1), bias = im.constInput(2),
                             mean = im.constInput(3), var = im.constInput(4);
  if (scale && bias && mean && var) {
    // Fold into y = x * a + b, computed in float as onnxruntime does.
    SmallVector<double> s = scale->toDouble(), bi = bias->toDouble(),
                        m = mean->toDouble(), v = var->toDouble();
    SmallVector<float> a(s.size()), c(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      float inv = 1.0f / std::sqrt(float(v[i]) + float(eps));
      a[i] = float(s[i]) * inv;
      c[i] = float(bi[i]) - float(m[i]) * a[i];
    }
    std::string name = im.node().input(1);
    Value av = im.materialize(
        ConstTensor::fromFloats({int64_t(a.size())}, a), name + "_bn_scale");
    Value cv = im.materialize(
        ConstTensor::fromFloats({int64_t(c.size())}, c), name + "_bn_shift");
    Type element = TosaBuilder::typeOf(x).getElementType();
    av = tb.castTo(av, element);
    cv = tb.castTo(cv, element);
    Value scaled = tb.mul(x, channelVector(tb, av, rank));
    im.setOutput(0, tb.add(scaled, channelVector(tb, cv, rank)));
    return success();
  }
  Value sv = channelVector(tb, im.input(1), rank);
  Value bv = channelVector(tb, im.input(2), rank);
  Value mv = channelVector(tb, im.input(3), rank);
  Value vv = channelVector(tb, im.input(4), rank);
  Value inv = tb.rsqrt(tb.add(vv, tb.scalarLike(vv, eps)));
  im.setOutput(0, tb.add(tb.mul(tb.mul(tb.sub(x, mv), inv), sv), bv));
  return success();
}

LogicalResult importGemm(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  double alpha = im.floatAttr("alpha", 1.0f), beta = im.floatAttr("beta", 1.0f);
  bool transA = im.intAttr("transA", 0), transB = im.intAttr("transB", 0);
  SmallVector<int64_t> as = im.inputShape(0), bs = im.inputShape(1);
  if (as.size() != 2 || bs.size() != 2)
    return im.nodeError("Gemm operands must be 2-D");
  Value a = im.input(0);
  if (transA)
    a = tb.transpose(a, {1, 0});
  int64_t m = transA ? as[1] : as[0], k = transA ? as[0] : as[1];
  int64_t n = transB ? bs[0] : bs[1];
  if ((transB ? bs[1] : bs[0]) != k)
    return im.nodeError("inner dimensions do not match");
  // The weight becomes [1, K, N] for tosa.matmul.
  Value w = transB ? weightWithLayout(im, 1, {1, 0}, {1, k, n})
                   : reshapedOperand(im, 1, {1, k, n});
  Value y = tb.reshape(tb.matmul(tb.reshape(a, {1, m, k}), w), {m, n});
  if (alpha != 1.0)
    y = tb.mul(y, tb.scalarLike(y, alpha));
  if (im.hasInput(2) && beta != 0.0) {
    Value c = im.input(2);
    if (beta != 1.0)
      c = tb.mul(c, tb.scalarLike(c, beta));
    y = tb.add(y, c);
  }
  im.setOutput(0, y);
  return success();
}

LogicalResult importMatMul(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> as = im.inputShape(0), bs = im.inputShape(1);
  Value a = im.input(0);
  // Vectors: [K] -> [1, K] and [K] -> [K, 1], dropped from the result.
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec) {
    as = {1, as[0]};
    a = tb.reshape(a, as);
  }
  if (bVec)
    bs = {bs[0], 1};
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k)
    return im.nodeError("inner dimensions " + Twine(k) + " and " +
                        Twine(bs[bs.size() - 2]) + " do not match");
  SmallVector<int64_t> aBatch(as.begin(), as.end() - 2),
      bBatch(bs.begin(), bs.end() - 2);
  SmallVector<int64_t> batch = TosaBuilder::broadcastShape(aBatch, bBatch);
  int64_t nb = product(batch);
  Value y;
  if (product(bBatch) == 1) {
    // A shared right operand (a weight): fold A's batch into its rows.
    // Separate statements: the IR's op order must not depend on the
    // compiler's argument evaluation order.
    Value lhs = tb.reshape(a, {1, product(aBatch) * m, k});
    y = tb.matmul(lhs, reshapedOperand(im, 1, {1, k, n}));
  } else {
    // Broadcast both to the full batch, then one batched matmul.
    auto expand = [&](Value v, ArrayRef<int64_t> vBatch, int64_t rows,
                      int64_t cols) {
      SmallVector<int64_t> full(batch);
      full.append({rows, cols});
      v = tb.expandRank(v, full.size());
      SmallVector<int64_t> multiples;
      for (auto [have, want] : llvm::zip(TosaBuilder::shapeOf(v), full))
        multiples.push_back(have == want ? 1 : want);
      if (llvm::any_of(multiples, [](int64_t x) { return x != 1; }))
        v = tosa::TileOp::create(
            im.builder(), im.loc(),
            RankedTensorType::get(full,
                                  TosaBuilder::typeOf(v).getElementType()),
            v, tb.shape(multiples));
      (void)vBatch;
      return tb.reshape(v, {nb, rows, cols});
    };
    Value b = tb.reshape(im.input(1), bs);
    y = tb.matmul(expand(a, aBatch, m, k), expand(b, bBatch, k, n));
  }
  SmallVector<int64_t> outShape(batch);
  if (!aVec)
    outShape.push_back(m);
  if (!bVec)
    outShape.push_back(n);
  im.setOutput(0, tb.reshape(y, outShape));
  return success();
}

/// Softmax / LogSoftmax along one axis (opset >= 13) or over the flattened
/// trailing axes (opset < 13).
template <bool IsLog>
LogicalResult importSoftmax(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  Value x = im.input(0);
  int64_t axis = normalizeAxis(im.intAttr("axis", im.opset() < 13 ? 1 : -1),
                               rank);
  if (axis < 0 || axis >= rank)
    return im.nodeError("axis out of range");
  bool flattened = im.opset() < 13 && axis != rank - 1;
  if (flattened) {
    x = tb.reshape(x, {product(ArrayRef<int64_t>(shape).take_front(axis)),
                       product(ArrayRef<int64_t>(shape).drop_front(axis))});
    axis = 1;
  }
  Value shifted = tb.sub(x, tb.reduceMax(x, axis));
  Value e = tb.exp(shifted);
  Value sum = tb.reduceSum(e, axis);
  Value y = IsLog ? tb.sub(shifted, tb.log(sum)) : tb.mul(e, tb.reciprocal(sum));
  if (flattened)
    y = tb.reshape(y, shape);
  im.setOutput(0, y);
  return success();
}

LogicalResult importLayerNorm(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  int64_t axis = normalizeAxis(im.intAttr("axis", -1), rank);
  double eps = im.floatAttr("epsilon", 1e-5f);
  if (axis < 0 || axis >= rank)
    return im.nodeError("axis out of range");
  Value x = im.input(0);
  double count = double(product(ArrayRef<int64_t>(shape).drop_front(axis)));
  auto mean = [&](Value v) {
    for (int64_t a = axis; a < rank; ++a)
      v = tb.reduceSum(v, a);
    return tb.mul(v, tb.scalarLike(v, 1.0 / count));
  };
  Value mu = mean(x);
  Value centered = tb.sub(x, mu);
  Value var = mean(tb.mul(centered, centered));
  Value inv = tb.rsqrt(tb.add(var, tb.scalarLike(var, eps)));
  Value normalized = tb.mul(centered, inv);
  Value y = tb.mul(normalized, im.input(1));
  if (im.hasInput(2))
    y = tb.add(y, im.input(2));
  im.setOutput(0, y);
  // Optional outputs: the statistics, with the normalized axes kept as 1.
  im.setOutput(1, mu);
  im.setOutput(2, inv);
  return success();
}

enum class ReduceKind { Sum, Mean, Max, Min, Prod, SumSquare, L2, L1 };

template <ReduceKind Kind>
LogicalResult importReduce(GraphImporter &im, const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  SmallVector<int64_t> axes;
  // ReduceSum takes axes as an input from opset 13, the others from 18.
  bool axesInput = Kind == ReduceKind::Sum ? im.opset() >= 13
                                           : im.opset() >= 18;
  if (axesInput && im.hasInput(1)) {
    std::optional<ConstTensor> c = im.constInput(1);
    if (!c)
      return im.nodeError("'axes' must be known at import time");
    axes = c->toInt64();
  } else if (!axesInput) {
    axes = im.intsAttr("axes");
  }
  if (axes.empty()) {
    if (axesInput && im.intAttr("noop_with_empty_axes", 0)) {
      im.setOutput(0, im.input(0));
      return success();
    }
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  for (int64_t &a : axes) {
    a = normalizeAxis(a, rank);
    if (a < 0 || a >= rank)
      return im.nodeError("axis out of range");
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  Value v = im.input(0);
  if (Kind == ReduceKind::SumSquare || Kind == ReduceKind::L2)
    v = tb.mul(v, v);
  if (Kind == ReduceKind::L1)
    v = tosa::AbsOp::create(im.builder(), im.loc(), v.getType(), v);
  int64_t count = 1;
  for (int64_t a : axes) {
    count *= shape[a];
    switch (Kind) {
    case ReduceKind::Max:
      v = tb.reduceMax(v, a);
      break;
    case ReduceKind::Min:
      v = tb.reduceMin(v, a);
      break;
    case ReduceKind::Prod:
      v = tb.reduceProd(v, a);
      break;
    default:
      v = tb.reduceSum(v, a);
      break;
    }
  }
  if (Kind == ReduceKind::Mean)
    v = tb.mul(v, tb.scalarLike(v, 1.0 / double(count)));
  if (Kind == ReduceKind::L2)
    v = math::SqrtOp::create(im.builder(), im.loc(), v);
  if (!im.intAttr("keepdims", 1)) {
    SmallVector<int64_t> out;
    for (int64_t i = 0; i < rank; ++i)
      if (!llvm::is_contained(axes, i))
        out.push_back(shape[i]);
    v = tb.reshape(v, out);
  }
  im.setOutput(0, v);
  return success();
}
} // namespace

void mlir::qopt::onnx_import::registerNNHandlers(llvm::StringMap<NodeHandler> &map) {
  map["Conv"] = importConv;
  map["MaxPool"] = importPool<true>;
  map["AveragePool"] = importPool<false>;
  map["GlobalMaxPool"] = importGlobalPool<true>;
  map["GlobalAveragePool"] = importGlobalPool<false>;
  map["BatchNormalization"] = importBatchNorm;
  map["Gemm"] = importGemm;
  map["MatMul"] = importMatMul;
  map["Softmax"] = importSoftmax<false>;
  map["LogSoftmax"] = importSoftmax<true>;
  map["LayerNormalization"] = importLayerNorm;
  map["ReduceSum"] = importReduce<ReduceKind::Sum>;
  map["ReduceMean"] = importReduce<ReduceKind::Mean>;
  map["ReduceMax"] = importReduce<ReduceKind::Max>;
  map["ReduceMin"] = importReduce<ReduceKind::Min>;
  map["ReduceProd"] = importReduce<ReduceKind::Prod>;
  map["ReduceSumSquare"] = importReduce<ReduceKind::SumSquare>;
  map["ReduceL2"] = importReduce<ReduceKind::L2>;
  map["ReduceL1"] = importReduce<ReduceKind::L1>;
}
