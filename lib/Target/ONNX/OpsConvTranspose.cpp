//===- OpsConvTranspose.cpp - ONNX ConvTranspose ---------------------------===//
//
// ConvTranspose as the equivalent direct convolution, so that it reuses
// Conv's lowering (tosa.conv2d, depthwise, grouped) and its weight is a
// plain quantizable constant:
//
//   1. insert stride-1 zeros between input elements (reshape, pad, reshape);
//   2. pad each spatial side by dilation * (kernel - 1) - pad (output_padding
//      added at the end; a negative amount crops);
//   3. convolve with stride 1, the same dilation and group, and the weight
//      [C, M/g, kH, kW] re-laid out per group as [M, C/g, kH, kW] with both
//      spatial axes reversed (on the host for a constant weight, so that the
//      layer's weight is a plain constant; with tosa ops otherwise).
//
// Output size, per ONNX: s * (in - 1) + output_padding + (k - 1) * d + 1 -
// pad_begin - pad_end; output_shape / auto_pad fix the pads from it.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qopt::onnx_import;

namespace {

/// The ConvTranspose weight [C, M/g, K...] as the direct convolution's
/// [M, C/g, K...] with every spatial axis reversed.
ConstTensor directWeight(const ConstTensor &w, int64_t group) {
  ArrayRef<int64_t> ws = w.shape;
  int64_t c = ws[0], mg = ws[1], cg = c / group;
  int64_t spatial = product(ws.drop_front(2));
  unsigned size = dtypeSize(w.dtype);
  SmallVector<int64_t> shape = {mg * group, cg};
  shape.append(ws.begin() + 2, ws.end());
  std::string buf(product(shape) * size, '\0');
  for (int64_t g = 0; g < group; ++g)
    for (int64_t m = 0; m < mg; ++m)
      for (int64_t ci = 0; ci < cg; ++ci) {
        const char *src = w.bytes.data() +
                          (((g * cg + ci) * mg + m) * spatial) * size;
        char *dst = &buf[(((g * mg + m) * cg + ci) * spatial) * size];
        // Reversing every spatial axis of a row-major block reverses its
        // flat order.
        for (int64_t k = 0; k < spatial; ++k)
          std::memcpy(dst + k * size, src + (spatial - 1 - k) * size, size);
      }
  return ConstTensor::fromBuffer(w.dtype, shape, std::move(buf));
}

LogicalResult importConvTranspose(GraphImporter &im,
                                  const onnx::NodeProto &) {
  TosaBuilder tb = im.tosa();
  SmallVector<int64_t> xs = im.inputShape(0);
  std::optional<ConstTensor> w = im.constInput(1);
  SmallVector<int64_t> wShape = w ? w->shape : im.inputShape(1);
  if (xs.size() != 3 && xs.size() != 4)
    return im.nodeError("only 1-D and 2-D transposed convolutions are "
                        "supported, got a rank-" + Twine(xs.size()) +
                        " input");
  if (wShape.size() != xs.size())
    return im.nodeError("weight rank " + Twine(wShape.size()) +
                        " does not match the input rank " + Twine(xs.size()));
  size_t nsp = xs.size() - 2;
  int64_t group = im.intAttr("group", 1);
  int64_t c = xs[1];
  if (group <= 0 || c % group != 0 || wShape[0] != c)
    return im.nodeError("weight " + Twine(wShape[0]) + "x" +
                        Twine(wShape[1]) + " does not match " + Twine(c) +
                        " input channels in " + Twine(group) + " group(s)");

  auto attrOr = [&](StringRef name, int64_t fill, size_t count) {
    SmallVector<int64_t> v = im.intsAttr(name);
    if (v.empty())
      v.assign(count, fill);
    return v;
  };
  SmallVector<int64_t> kernel = im.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel.assign(wShape.begin() + 2, wShape.end());
  SmallVector<int64_t> strides = attrOr("strides", 1, nsp),
                       dilations = attrOr("dilations", 1, nsp),
                       pads = attrOr("pads", 0, 2 * nsp),
                       outPad = attrOr("output_padding", 0, nsp),
                       outShape = im.intsAttr("output_shape");
  if (kernel.size() != nsp || strides.size() != nsp ||
      dilations.size() != nsp || pads.size() != 2 * nsp ||
      outPad.size() != nsp || (!outShape.empty() && outShape.size() != nsp))
    return im.nodeError("kernel_shape/strides/dilations/pads/output_padding/"
                        "output_shape do not match the input's " +
                        Twine(nsp) + " spatial dimensions");
  for (size_t i = 0; i < nsp; ++i) {
    if (kernel[i] != wShape[2 + i] || strides[i] <= 0 || dilations[i] <= 0)
      return im.nodeError("invalid kernel_shape, strides or dilations");
    if (outPad[i] < 0 || outPad[i] >= std::max(strides[i], dilations[i]))
      return im.nodeError("output_padding must be in [0, max(stride, "
                          "dilation))");
  }
  std::string autoPad = im.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return im.nodeError("unknown auto_pad '" + autoPad + "'");
  if (autoPad == "VALID")
    std::fill(pads.begin(), pads.end(), 0);
  if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
    for (size_t i = 0; i < nsp; ++i)
      outShape.push_back(xs[2 + i] * strides[i]);
  if (!outShape.empty()) {
    for (size_t i = 0; i < nsp; ++i) {
      int64_t total = strides[i] * (xs[2 + i] - 1) + outPad[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - outShape[i];
      // ONNX's reference divides with floor: a negative total (an
      // output_shape larger than the natural one) grows the end first.
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? half : total - half;
      pads[i + nsp] = upper ? total - half : half;
    }
  }

  // 1-D runs as 2-D with H = 1.
  bool oneD = nsp == 1;
  Value x = im.input(0);
  if (oneD) {
    x = tb.reshape(x, {xs[0], xs[1], 1, xs[2]});
    xs = {xs[0], xs[1], 1, xs[2]};
    kernel.insert(kernel.begin(), 1);
    strides.insert(strides.begin(), 1);
    dilations.insert(dilations.begin(), 1);
    outPad.insert(outPad.begin(), 0);
    pads = {0, pads[0], 0, pads[1]};
  }
  int64_t n = xs[0], h = xs[2], wd = xs[3];

  // 1. Zeros between elements: [N,C,H,W] -> [N,C,H,1,W,1] -> pad to
  // [N,C,H,sH,W,sW] -> [N,C,H*sH,W*sW] -> the first (H-1)*sH+1 rows.
  if (strides[0] > 1 || strides[1] > 1) {
    x = tb.reshape(x, {n, c, h, 1, wd, 1});
    x = tb.pad(x, {0, 0, 0, 0, 0, 0},
               {0, 0, 0, strides[0] - 1, 0, strides[1] - 1});
    x = tb.reshape(x, {n, c, h * strides[0], wd * strides[1]});
    x = tb.slice(x, {0, 0, 0, 0},
                 {n, c, (h - 1) * strides[0] + 1, (wd - 1) * strides[1] + 1});
  }
  // 2. Pad (or crop) each spatial side.
  SmallVector<int64_t> low(4, 0), high(4, 0), cropLow(4, 0), cropHigh(4, 0);
  for (int i = 0; i < 2; ++i) {
    int64_t span = dilations[i] * (kernel[i] - 1);
    int64_t before = span - pads[i], after = span - pads[i + 2] + outPad[i];
    (before >= 0 ? low[2 + i] : cropLow[2 + i]) = std::abs(before);
    (after >= 0 ? high[2 + i] : cropHigh[2 + i]) = std::abs(after);
  }
  x = tb.pad(x, low, high);
  SmallVector<int64_t> cur(TosaBuilder::shapeOf(x));
  SmallVector<int64_t> size = cur;
  for (int i = 2; i < 4; ++i)
    size[i] -= cropLow[i] + cropHigh[i];
  if (llvm::any_of(size, [](int64_t d) { return d <= 0; }))
    return im.nodeError("pads remove the whole output");
  x = tb.slice(x, cropLow, size);

  // 3. The direct convolution. A constant weight is re-laid out on the
  // host (the layer's weight stays a plain constant); a run-time one with
  // reshape / transpose / reverse.
  Window wnd{kernel, {1, 1}, dilations, {0, 0, 0, 0}};
  Value bias = im.hasInput(2) ? im.input(2) : Value();
  int64_t mg = wShape[1], cg = c / group;
  SmallVector<int64_t> ws = {mg * group, cg};
  ws.append(wShape.begin() + 2, wShape.end());
  if (w) {
    ConstTensor direct = directWeight(*w, group);
    std::string name = im.node().input(1) + "_direct";
    return emitConv2D(im, x, size, ws, bias, group, wnd, oneD,
                      [&](ArrayRef<int64_t> perm, ArrayRef<int64_t> shape) {
                        ConstTensor t = transposeConst(direct, perm);
                        if (!shape.empty())
                          t.shape.assign(shape.begin(), shape.end());
                        return im.materialize(t, name);
                      });
  }
  // [C, Mg, K...] -> [g, Cg, Mg, K...] -> [g, Mg, Cg, K...] -> [M, Cg, K...],
  // then every spatial axis reversed.
  SmallVector<int64_t> grouped = {group, cg, mg};
  grouped.append(wShape.begin() + 2, wShape.end());
  SmallVector<int32_t> swap = {0, 2, 1};
  for (size_t i = 0; i < nsp; ++i)
    swap.push_back(3 + i);
  Value weight = tb.reshape(im.input(1), grouped);
  weight = tb.reshape(tb.transpose(weight, swap), ws);
  for (size_t i = 0; i < nsp; ++i)
    weight = tosa::ReverseOp::create(im.builder(), im.loc(), weight.getType(),
                                     weight, int32_t(2 + i));
  return emitConv2D(im, x, size, ws, bias, group, wnd, oneD,
                    [&](ArrayRef<int64_t> perm, ArrayRef<int64_t> shape) {
                      Value v = tb.transpose(weight,
                                             llvm::to_vector_of<int32_t>(perm));
                      return shape.empty() ? v : tb.reshape(v, shape);
                    });
}

} // namespace

void mlir::qopt::onnx_import::registerConvTransposeHandlers(
    llvm::StringMap<NodeHandler> &map) {
  map["ConvTranspose"] = importConvTranspose;
}
