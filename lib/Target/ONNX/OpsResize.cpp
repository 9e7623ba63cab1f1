//===- OpsResize.cpp - ONNX Resize and Upsample ----------------------------===//
//
// With static shapes every output coordinate's source coordinate is known
// at import time, so Resize is computed exactly as ONNX defines it: the
// importer evaluates the coordinate transformation and rounding on the host
// (in float, as onnxruntime does) and emits, per resized axis, gathers with
// constant indices and, for linear and cubic modes, a weighted sum of the
// taps with constant weights. Axes are separable, so N-D resizing is one axis after another.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qopt::onnx_import;

namespace {

/// Source coordinate of output index `x` (in float, like onnxruntime).
FailureOr<float> sourceCoordinate(GraphImporter &im, StringRef mode, int64_t x,
                                  float scale, int64_t inSize,
                                  int64_t outSize) {
  float xf = float(x);
  if (mode == "half_pixel")
    return (xf + 0.5f) / scale - 0.5f;
  if (mode == "pytorch_half_pixel")
    return outSize > 1 ? (xf + 0.5f) / scale - 0.5f : 0.0f;
  if (mode == "align_corners") {
    // ONNX uses the unfloored resized length in * scale.
    float resized = float(inSize) * scale;
    return outSize == 1 || resized == 1.0f
               ? 0.0f
               : xf * float(inSize - 1) / (resized - 1.0f);
  }
  if (mode == "asymmetric")
    return xf / scale;
  if (mode == "tf_half_pixel_for_nn")
    return (xf + 0.5f) / scale;
  return im.nodeError("coordinate_transformation_mode '" + mode +
                      "' is not supported"),
         failure();
}

FailureOr<int64_t> nearestIndex(GraphImporter &im, StringRef mode, float x,
                                int64_t inSize) {
  float fl = std::floor(x);
  int64_t i;
  if (mode == "round_prefer_floor")
    i = int64_t(x - fl == 0.5f ? fl : std::round(x));
  else if (mode == "round_prefer_ceil")
    i = int64_t(x - fl == 0.5f ? fl + 1 : std::round(x));
  else if (mode == "floor")
    i = int64_t(fl);
  else if (mode == "ceil")
    i = int64_t(std::ceil(x));
  else
    return im.nodeError("nearest_mode '" + mode + "' is not supported"),
           failure();
  return std::clamp<int64_t>(i, 0, inSize - 1);
}

LogicalResult importResize(GraphImporter &im, const onnx::NodeProto &node) {
  TosaBuilder tb = im.tosa();
  bool upsample = node.op_type() == "Upsample";
  SmallVector<int64_t> in = im.inputShape(0);
  int64_t rank = in.size();
  std::string mode = im.stringAttr("mode", "nearest");
  std::string coordMode =
      upsample ? "asymmetric"
               : im.stringAttr("coordinate_transformation_mode",
                               im.opset() < 11 ? "asymmetric" : "half_pixel");
  std::string nearestMode =
      upsample || im.opset() < 11
          ? "floor"
          : im.stringAttr("nearest_mode", "round_prefer_floor");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear" &&
      mode != "cubic")
    return im.nodeError("unknown mode '" + mode + "'");
  bool excludeOutside = im.intAttr("exclude_outside", 0) != 0;
  float cubicA = im.floatAttr("cubic_coeff_a", -0.75f);

  // Scales from `scales`, or from `sizes` as out / in.
  SmallVector<float> scales;
  SmallVector<int64_t> out(rank);
  unsigned scalesIndex = upsample ? 1 : (im.opset() < 11 ? 1 : 2);
  unsigned sizesIndex = 3;
  if (!upsample && im.hasInput(sizesIndex) &&
      product(im.inputShape(sizesIndex)) > 0) {
    std::optional<ConstTensor> sizes = im.constInput(sizesIndex);
    if (!sizes)
      return im.nodeError("'sizes' must be known at import time");
    SmallVector<int64_t> s = sizes->toInt64();
    if (int64_t(s.size()) != rank)
      return im.nodeError("'sizes' must have one entry per dimension");
    for (int64_t i = 0; i < rank; ++i) {
      out[i] = s[i];
      scales.push_back(float(s[i]) / float(in[i]));
    }
  } else if (im.hasInput(scalesIndex)) {
    std::optional<ConstTensor> sc = im.constInput(scalesIndex);
    if (!sc)
      return im.nodeError("'scales' must be known at import time");
    for (double d : sc->toDouble())
      scales.push_back(float(d));
    if (int64_t(scales.size()) != rank)
      return im.nodeError("'scales' must have one entry per dimension");
    for (int64_t i = 0; i < rank; ++i)
      out[i] = int64_t(std::floor(float(in[i]) * scales[i]));
  } else {
    return im.nodeError("needs 'scales' or 'sizes'");
  }

  Value v = im.input(0);
  const int64_t taps = mode == "nearest" ? 1 : mode == "cubic" ? 4 : 2;
  for (int64_t axis = 0; axis < rank; ++axis) {
    if (out[axis] == in[axis] && scales[axis] == 1.0f)
      continue;
    // Per tap: the source index and weight of every output coordinate.
    SmallVector<SmallVector<int32_t>> index(taps);
    SmallVector<SmallVector<float>> weight(taps);
    for (int64_t x = 0; x < out[axis]; ++x) {
      FailureOr<float> src = sourceCoordinate(im, coordMode, x, scales[axis],
                                              in[axis], out[axis]);
      if (failed(src))
        return failure();
      if (taps == 1) {
        FailureOr<int64_t> idx = nearestIndex(im, nearestMode, *src, in[axis]);
        if (failed(idx))
          return failure();
        index[0].push_back(*idx);
        weight[0].push_back(1.0f);
      } else if (taps == 2) {
        float c = std::clamp(*src, 0.0f, float(in[axis] - 1));
        int64_t lo = int64_t(std::floor(c));
        float frac = c - float(lo);
        index[0].push_back(lo);
        index[1].push_back(std::min<int64_t>(lo + 1, in[axis] - 1));
        weight[0].push_back(1.0f - frac);
        weight[1].push_back(frac);
      } else {
        // Keys cubic convolution with coefficient a over taps -1..2.
        float fl = std::floor(*src), t = *src - fl;
        float a = cubicA;
        float c[4] = {
            ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
            ((a + 2) * t - (a + 3)) * t * t + 1,
            ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
            ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a};
        float sum = 0;
        for (int k = 0; k < 4; ++k) {
          int64_t i = int64_t(fl) - 1 + k;
          if (excludeOutside && (i < 0 || i >= in[axis]))
            c[k] = 0;
          sum += c[k];
        }
        for (int k = 0; k < 4; ++k) {
          int64_t i = int64_t(fl) - 1 + k;
          index[k].push_back(std::clamp<int64_t>(i, 0, in[axis] - 1));
          weight[k].push_back(excludeOutside && sum != 0 ? c[k] / sum : c[k]);
        }
      }
    }
    if (taps == 1) {
      v = tb.gatherAxis(v, axis, index[0]);
      continue;
    }
    SmallVector<int64_t> weightShape(rank, 1);
    weightShape[axis] = out[axis];
    Value acc;
    for (int64_t k = 0; k < taps; ++k) {
      Value term = tb.mul(tb.gatherAxis(v, axis, index[k]),
                          tb.constF32(weight[k], weightShape));
      acc = acc ? tb.add(acc, term) : term;
    }
    v = acc;
  }
  im.setOutput(0, v);
  return success();
}
} // namespace

void mlir::qopt::onnx_import::registerResizeHandlers(
    llvm::StringMap<NodeHandler> &map) {
  map["Resize"] = importResize;
  map["Upsample"] = importResize;
}
