//===- OpsShape.cpp - ONNX shape and data-movement ops ---------------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice,
// Gather, Expand, Tile, Pad, Identity-like ops.
//
//===----------------------------------------------------------------------===//

#include "Ops.h"

using namespace mlir;
using namespace mlir::qopt::onnx_import;

/// Axes from the `axes` input (opset >= 13) or attribute.
static FailureOr<SmallVector<int64_t>> axesOperand(GraphImporter &im,
                                                   unsigned inputIndex) {
  if (im.hasInput(inputIndex)) {
    std::optional<ConstTensor> axes = im.constInput(inputIndex);
    if (!axes)
      return im.nodeError("'axes' must be known at import time"), failure();
    return axes->toInt64();
  }
  return im.intsAttr("axes");
}

FailureOr<SmallVector<int64_t>>
mlir::qopt::onnx_import::dataMovementResultShape(GraphImporter &im) {
  StringRef op = im.node().op_type();
  SmallVector<int64_t> in = im.inputShape(0);
  int64_t rank = in.size();
  if (op == "Reshape") {
    std::optional<ConstTensor> target = im.constInput(1);
    if (!target)
      return im.nodeError("the target shape must be known at import time"),
             failure();
    SmallVector<int64_t> shape = target->toInt64();
    bool allowZero = im.intAttr("allowzero", 0) != 0;
    std::optional<int64_t> inElements = checkedNumElements(in);
    if (!inElements)
      return im.nodeError("the input shape must be static"), failure();
    int64_t known = 1, inferred = -1, total = *inElements;
    for (auto [i, d] : llvm::enumerate(shape)) {
      if (d == 0 && !allowZero) {
        if (int64_t(i) >= rank)
          return im.nodeError("shape entry 0 at " + Twine(i) +
                              " has no input dimension to copy"),
                 failure();
        d = in[i];
      }
      if (d == -1) {
        if (inferred >= 0)
          return im.nodeError("shape has more than one -1"), failure();
        inferred = i;
        continue;
      }
      if (d < 0)
        return im.nodeError("invalid shape entry " + Twine(d)), failure();
      if (d != 0 && known > kMaxTensorBytes / d)
        return im.nodeError("shape has too many elements"), failure();
      known *= d;
    }
    if (inferred >= 0) {
      if (known == 0 || total % known != 0)
        return im.nodeError("cannot infer -1: " + Twine(total) +
                            " elements do not divide by " + Twine(known)),
               failure();
      shape[inferred] = total / known;
    } else if (known != total) {
      return im.nodeError("cannot reshape " + Twine(total) +
                          " elements to " + Twine(known)),
             failure();
    }
    return shape;
  }
  if (op == "Flatten") {
    if (!checkedNumElements(in))
      return im.nodeError("the input shape must be static"), failure();
    int64_t axis = normalizeAxis(im.intAttr("axis", 1), rank);
    if (axis < 0 || axis > rank)
      return im.nodeError("axis out of range"), failure();
    return SmallVector<int64_t>{
        product(ArrayRef<int64_t>(in).take_front(axis)),
        product(ArrayRef<int64_t>(in).drop_front(axis))};
  }
  if (op == "Squeeze") {
    FailureOr<SmallVector<int64_t>> axes = axesOperand(im, 1);
    if (failed(axes))
      return failure();
    SmallVector<bool> drop(rank, false);
    if (axes->empty()) {
      for (int64_t i = 0; i < rank; ++i)
        drop[i] = in[i] == 1;
    }
    for (int64_t a : *axes) {
      a = normalizeAxis(a, rank);
      if (a < 0 || a >= rank || in[a] != 1)
        return im.nodeError("cannot squeeze axis " + Twine(a)), failure();
      drop[a] = true;
    }
    SmallVector<int64_t> shape;
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i])
        shape.push_back(in[i]);
    return shape;
  }
  // Unsqueeze.
  FailureOr<SmallVector<int64_t>> axes = axesOperand(im, 1);
  if (failed(axes))
    return failure();
  int64_t outRank = rank + axes->size();
  SmallVector<bool> isNew(outRank, false);
  for (int64_t a : *axes) {
    a = normalizeAxis(a, outRank);
    if (a < 0 || a >= outRank || isNew[a])
      return im.nodeError("invalid unsqueeze axis " + Twine(a)), failure();
    isNew[a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0, j = 0; i < outRank; ++i)
    shape.push_back(isNew[i] ? 1 : in[j++]);
  return shape;
}

static LogicalResult importReshapeLike(GraphImporter &im,
                                       const onnx::NodeProto &) {
  FailureOr<SmallVector<int64_t>> shape = dataMovementResultShape(im);
  if (failed(shape))
    return failure();
  im.setOutput(0, im.tosa().reshape(im.input(0), *shape));
  return success();
}

static LogicalResult importIdentity(GraphImporter &im,
                                    const onnx::NodeProto &) {
  if (std::optional<ConstTensor> c = im.constInput(0))
    im.setOutputConst(0, *c);
  else
    im.setOutput(0, im.input(0));
  return success();
}

static LogicalResult importDropout(GraphImporter &im,
                                   const onnx::NodeProto &node) {
  // Training-mode dropout with a non-zero ratio is random: not something
  // to compile. With ratio 0 it is the identity.
  if (im.hasInput(2)) {
    std::optional<ConstTensor> training = im.constInput(2);
    std::optional<ConstTensor> ratio = im.constInput(1);
    double r = im.hasInput(1) ? (ratio ? ratio->toDouble()[0] : 1.0) : 0.5;
    if ((!training || training->toInt64()[0] != 0) && r != 0.0)
      return im.nodeError("training-mode dropout (random masking) is not "
                          "supported; export the model in inference mode");
  }
  // Inference: identity. The mask output, if read, is all true.
  if (failed(importIdentity(im, node)))
    return failure();
  if (im.hasOutput(1)) {
    SmallVector<int64_t> shape = im.inputShape(0);
    im.setOutputConst(1, ConstTensor::fromInt64(
                             onnx::TensorProto::BOOL, shape,
                             SmallVector<int64_t>(product(shape), 1)));
  }
  return success();
}

static LogicalResult importTranspose(GraphImporter &im,
                                     const onnx::NodeProto &) {
  int64_t rank = im.inputShape(0).size();
  SmallVector<int64_t> perm = im.intsAttr("perm");
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  if (int64_t(perm.size()) != rank)
    return im.nodeError("perm has " + Twine(perm.size()) +
                        " entries for a rank-" + Twine(rank) + " input");
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  im.setOutput(0, im.tosa().transpose(im.input(0), perms));
  return success();
}

static LogicalResult importConcat(GraphImporter &im, const onnx::NodeProto &) {
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < im.numInputs(); ++i)
    if (product(im.inputShape(i)) > 0 || im.numInputs() == 1)
      inputs.push_back(im.input(i));
  int64_t rank = im.inputShape(0).size();
  int64_t axis = normalizeAxis(im.intAttr("axis", 0), rank);
  if (axis < 0 || axis >= rank)
    return im.nodeError("axis out of range");
  im.setOutput(0, im.tosa().concat(inputs, axis));
  return success();
}

static LogicalResult importSplit(GraphImporter &im, const onnx::NodeProto &) {
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  int64_t axis = normalizeAxis(im.intAttr("axis", 0), rank);
  if (axis < 0 || axis >= rank)
    return im.nodeError("axis out of range");
  SmallVector<int64_t> sizes;
  if (im.hasInput(1)) {
    std::optional<ConstTensor> split = im.constInput(1);
    if (!split)
      return im.nodeError("'split' must be known at import time");
    sizes = split->toInt64();
  } else if (im.attr("split")) {
    sizes = im.intsAttr("split");
  } else {
    int64_t n = im.numOutputs();
    int64_t chunk = (shape[axis] + n - 1) / n;
    for (int64_t i = 0, left = shape[axis]; i < n; ++i, left -= chunk)
      sizes.push_back(std::min(chunk, left));
  }
  if (int64_t(sizes.size()) != int64_t(im.numOutputs()) ||
      llvm::sum_of(sizes) != shape[axis])
    return im.nodeError("split sizes do not match the outputs and axis size");
  Value in = im.input(0);
  SmallVector<int64_t> start(rank, 0);
  for (auto [i, size] : llvm::enumerate(sizes)) {
    SmallVector<int64_t> sliceShape = shape;
    sliceShape[axis] = size;
    im.setOutput(i, im.tosa().slice(in, start, sliceShape));
    start[axis] += size;
  }
  return success();
}

static LogicalResult importSlice(GraphImporter &im, const onnx::NodeProto &) {
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (im.opset() < 10) {
    starts = im.intsAttr("starts");
    ends = im.intsAttr("ends");
    axes = im.intsAttr("axes");
  } else {
    auto get = [&](unsigned i, SmallVector<int64_t> &out) -> LogicalResult {
      if (!im.hasInput(i))
        return success();
      std::optional<ConstTensor> c = im.constInput(i);
      if (!c)
        return im.nodeError("starts/ends/axes/steps must be known at import "
                            "time");
      out = c->toInt64();
      return success();
    };
    if (failed(get(1, starts)) || failed(get(2, ends)) ||
        failed(get(3, axes)) || failed(get(4, steps)))
      return failure();
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  SmallVector<int64_t> begin(rank, 0), size(shape), stride(rank, 1);
  SmallVector<int64_t> reversed;
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t axis = normalizeAxis(axes[k], rank);
    if (axis < 0 || axis >= rank)
      return im.nodeError("axis " + Twine(axes[k]) + " out of range");
    int64_t dim = shape[axis], step = steps[k];
    int64_t st = starts[k] < 0 ? starts[k] + dim : starts[k];
    int64_t en = ends[k] < 0 ? ends[k] + dim : ends[k];
    if (step == 0)
      return im.nodeError("slice step must not be 0");
    if (step > 0) {
      st = std::clamp<int64_t>(st, 0, dim);
      en = std::clamp<int64_t>(en, st, dim);
      begin[axis] = st;
      size[axis] = (en - st + step - 1) / step;
    } else {
      // Reverse the axis, then slice forward with the positive step.
      st = std::clamp<int64_t>(st, -1, dim - 1);
      en = std::clamp<int64_t>(en, -1, st);
      begin[axis] = dim - 1 - st;
      size[axis] = (st - en - step - 1) / -step;
      reversed.push_back(axis);
    }
    stride[axis] = std::abs(step);
  }
  Value v = im.input(0);
  for (int64_t axis : reversed)
    v = tosa::ReverseOp::create(im.builder(), im.loc(),
                                TosaBuilder::typeOf(v), v,
                                im.builder().getI32IntegerAttr(axis));
  TosaBuilder tb = im.tosa();
  // Unit strides: one slice. Other strides: per axis, slice the span the
  // elements cover, pad it to count * stride, split the axis into
  // [count, stride] and keep index 0 of the stride dimension.
  SmallVector<int64_t> span(size);
  for (int64_t i = 0; i < rank; ++i)
    if (stride[i] > 1 && size[i] > 0)
      span[i] = (size[i] - 1) * stride[i] + 1;
  v = tb.slice(v, begin, span);
  for (int64_t axis = 0; axis < rank; ++axis) {
    int64_t st = stride[axis];
    if (st == 1 || size[axis] == 0)
      continue;
    SmallVector<int64_t> cur(TosaBuilder::shapeOf(v));
    int64_t padded = size[axis] * st;
    if (padded != cur[axis]) {
      SmallVector<int64_t> pads(2 * rank, 0), padShape(cur);
      pads[2 * axis + 1] = padded - cur[axis];
      padShape[axis] = padded;
      Type element = TosaBuilder::typeOf(v).getElementType();
      v = tosa::PadOp::create(im.builder(), im.loc(),
                              RankedTensorType::get(padShape, element), v,
                              tb.shape(pads), tb.splat(element, {1}, 0));
      cur = padShape;
    }
    SmallVector<int64_t> split(cur.begin(), cur.begin() + axis);
    split.append({size[axis], st});
    split.append(cur.begin() + axis + 1, cur.end());
    v = tb.reshape(v, split);
    SmallVector<int64_t> start(split.size(), 0), keep(split);
    keep[axis + 1] = 1;
    v = tb.slice(v, start, keep);
    cur[axis] = size[axis];
    v = tb.reshape(v, cur);
  }
  im.setOutput(0, v);
  return success();
}

static LogicalResult importGather(GraphImporter &im, const onnx::NodeProto &) {
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  int64_t axis = normalizeAxis(im.intAttr("axis", 0), rank);
  if (axis < 0 || axis >= rank)
    return im.nodeError("axis out of range");
  TosaBuilder tb = im.tosa();
  std::optional<ConstTensor> indicesConst = im.constInput(1);
  SmallVector<int64_t> indexShape = im.inputShape(1);
  Value data = im.input(0);

  SmallVector<int64_t> outShape(shape.begin(), shape.begin() + axis);
  llvm::append_range(outShape, indexShape);
  outShape.append(shape.begin() + axis + 1, shape.end());

  // Constant contiguous indices: a slice.
  if (indicesConst) {
    SmallVector<int64_t> idx = indicesConst->toInt64();
    for (int64_t &i : idx) {
      if (i < 0)
        i += shape[axis];
      if (i < 0 || i >= shape[axis])
        return im.nodeError("index " + Twine(i) + " out of range for axis "
                            "of size " + Twine(shape[axis]));
    }
    bool contiguous = !idx.empty();
    for (size_t k = 1; k < idx.size(); ++k)
      contiguous &= idx[k] == idx[0] + int64_t(k);
    if (contiguous) {
      SmallVector<int64_t> start(rank, 0), size(shape);
      start[axis] = idx[0];
      size[axis] = idx.size();
      im.setOutput(0, tb.reshape(tb.slice(data, start, size), outShape));
      return success();
    }
  }

  // General case: tosa.gather over [1, K, C] with the axis moved first.
  SmallVector<int32_t> perm{int32_t(axis)};
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      perm.push_back(i);
  Value moved = tb.transpose(data, perm);
  int64_t k = shape[axis];
  int64_t c = product(shape) / std::max<int64_t>(k, 1);
  Value values = tb.reshape(moved, {1, k, c});
  Value indices = im.input(1);
  int64_t w = product(indexShape);
  // Negative indices wrap around.
  Type indexType = TosaBuilder::typeOf(indices).getElementType();
  Value isNeg = tb.greater(tb.scalarLike(indices, 0), indices);
  indices = tb.select(isNeg, tb.add(indices, tb.scalarLike(indices, k)),
                      indices);
  (void)indexType;
  indices = tb.reshape(tb.castTo(indices, im.builder().getI32Type()), {1, w});
  auto gatheredType = RankedTensorType::get(
      {1, w, c}, TosaBuilder::typeOf(data).getElementType());
  Value gathered = tosa::GatherOp::create(im.builder(), im.loc(),
                                          gatheredType, values, indices);
  // [W..., rest...] then move the index dims back to `axis`.
  SmallVector<int64_t> restShape;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      restShape.push_back(shape[i]);
  SmallVector<int64_t> gatheredShape(indexShape);
  llvm::append_range(gatheredShape, restShape);
  Value out = tb.reshape(gathered, gatheredShape);
  int64_t q = indexShape.size();
  SmallVector<int32_t> back;
  for (int64_t i = 0; i < axis; ++i)
    back.push_back(q + i);
  for (int64_t i = 0; i < q; ++i)
    back.push_back(i);
  for (int64_t i = axis; i < rank - 1; ++i)
    back.push_back(q + i);
  im.setOutput(0, tb.transpose(out, back));
  return success();
}

static LogicalResult importExpand(GraphImporter &im, const onnx::NodeProto &) {
  std::optional<ConstTensor> target = im.constInput(1);
  if (!target)
    return im.nodeError("the target shape must be known at import time");
  SmallVector<int64_t> in = im.inputShape(0);
  SmallVector<int64_t> shape =
      TosaBuilder::broadcastShape(in, target->toInt64());
  TosaBuilder tb = im.tosa();
  Value v = tb.expandRank(im.input(0), shape.size());
  SmallVector<int64_t> multiples;
  for (auto [have, want] : llvm::zip(TosaBuilder::shapeOf(v), shape))
    multiples.push_back(have == want ? 1 : want);
  if (llvm::any_of(multiples, [](int64_t m) { return m != 1; }))
    v = tosa::TileOp::create(
        im.builder(), im.loc(),
        RankedTensorType::get(shape, TosaBuilder::typeOf(v).getElementType()),
        v, tb.shape(multiples));
  im.setOutput(0, v);
  return success();
}

static LogicalResult importTile(GraphImporter &im, const onnx::NodeProto &) {
  std::optional<ConstTensor> repeats = im.constInput(1);
  if (!repeats)
    return im.nodeError("'repeats' must be known at import time");
  SmallVector<int64_t> multiples = repeats->toInt64();
  SmallVector<int64_t> shape = im.inputShape(0);
  if (multiples.size() != shape.size())
    return im.nodeError("'repeats' must have one entry per input dimension");
  for (auto [d, m] : llvm::zip(shape, multiples))
    d *= m;
  Value v = im.input(0);
  im.setOutput(0, tosa::TileOp::create(
                      im.builder(), im.loc(),
                      RankedTensorType::get(
                          shape, TosaBuilder::typeOf(v).getElementType()),
                      v, im.tosa().shape(multiples)));
  return success();
}

/// ConstantOfShape whose output is too large to fold on the host (e.g. the
/// `full_like` of an attention mask): a splat `tosa.const`, which costs no
/// memory however large the shape.
static LogicalResult importConstantOfShape(GraphImporter &im,
                                           const onnx::NodeProto &) {
  std::optional<ConstTensor> shapeInput = im.constInput(0);
  if (!shapeInput)
    return im.nodeError("could not be evaluated at import time; its "
                        "shape input must be a constant (pin the model's "
                        "input shapes)");
  SmallVector<int64_t> shape = shapeInput->toInt64();
  ConstTensor value = ConstTensor::fromFloats({1}, {0.0f});
  if (const onnx::AttributeProto *a = im.attr("value")) {
    onnx::TensorProto tensor = a->t();
    FailureOr<ConstTensor> t = im.readTensor(tensor, im.loc());
    if (failed(t))
      return failure();
    value = *t;
    if (value.numElements() != 1)
      return im.nodeError("value must hold exactly one element");
  }
  for (int64_t d : shape)
    if (d < 0)
      return im.nodeError("shape has a negative dimension");
  Type elementType = im.convertDType(value.dtype);
  if (!elementType)
    return im.nodeError("unsupported value type " + dtypeName(value.dtype));
  if (auto intType = dyn_cast<IntegerType>(elementType))
    elementType = im.builder().getIntegerType(intType.getWidth());
  auto type = RankedTensorType::get(shape, elementType);
  Attribute splat;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    splat = FloatAttr::get(floatType, value.toDouble()[0]);
  else
    splat = IntegerAttr::get(elementType, value.toInt64()[0]);
  im.setOutput(0, tosa::ConstOp::create(im.builder(), im.loc(), type,
                                        DenseElementsAttr::get(type, splat)));
  return success();
}

static LogicalResult importPad(GraphImporter &im, const onnx::NodeProto &) {
  std::string mode = im.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return im.nodeError("unknown pad mode '" + mode + "'");
  SmallVector<int64_t> pads;
  double value = 0;
  Value padValue; // A run-time constant_value, if not known at import.
  if (im.opset() < 11) {
    pads = im.intsAttr("pads");
    value = im.floatAttr("value", 0);
  } else {
    std::optional<ConstTensor> p = im.constInput(1);
    if (!p)
      return im.nodeError("'pads' must be known at import time");
    pads = p->toInt64();
    if (im.hasInput(2)) {
      if (std::optional<ConstTensor> c = im.constInput(2))
        value = c->toDouble()[0];
      else
        padValue = im.tosa().reshape(im.input(2), {1});
    }
  }
  SmallVector<int64_t> shape = im.inputShape(0);
  int64_t rank = shape.size();
  if (int64_t(pads.size()) != 2 * rank)
    return im.nodeError("'pads' must have 2 * rank entries");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return im.nodeError("negative pads are not supported");
  // ONNX: [b0, b1, ..., e0, e1, ...]; TOSA: [b0, e0, b1, e1, ...].
  SmallVector<int64_t> tosaPads, outShape(shape);
  for (int64_t i = 0; i < rank; ++i) {
    tosaPads.push_back(pads[i]);
    tosaPads.push_back(pads[i + rank]);
    outShape[i] += pads[i] + pads[i + rank];
  }
  TosaBuilder tb = im.tosa();
  Value v = im.input(0);
  if (mode != "constant") {
    // Edge / reflect: per axis, concatenate slices of the border (reversed
    // for reflect) before and after the tensor.
    for (int64_t axis = 0; axis < rank; ++axis) {
      int64_t before = pads[axis], after = pads[axis + rank];
      if (!before && !after)
        continue;
      SmallVector<int64_t> cur(TosaBuilder::shapeOf(v));
      int64_t dim = cur[axis];
      if (mode == "reflect" && (before >= dim || after >= dim))
        return im.nodeError("reflect padding must be smaller than the axis");
      auto piece = [&](int64_t start, int64_t len, bool reverse) {
        SmallVector<int64_t> begin(rank, 0), size(cur);
        begin[axis] = start;
        size[axis] = len;
        Value p = tb.slice(v, begin, size);
        if (reverse && len > 1)
          p = tosa::ReverseOp::create(im.builder(), im.loc(),
                                      TosaBuilder::typeOf(p), p,
                                      im.builder().getI32IntegerAttr(axis));
        return p;
      };
      SmallVector<Value> parts;
      if (mode == "reflect") {
        if (before)
          parts.push_back(piece(1, before, true));
        parts.push_back(v);
        if (after)
          parts.push_back(piece(dim - 1 - after, after, true));
      } else {
        for (int64_t i = 0; i < before; ++i)
          parts.push_back(piece(0, 1, false));
        parts.push_back(v);
        for (int64_t i = 0; i < after; ++i)
          parts.push_back(piece(dim - 1, 1, false));
      }
      v = tb.concat(parts, axis);
    }
    im.setOutput(0, v);
    return success();
  }
  Type element = TosaBuilder::typeOf(v).getElementType();
  Value padConst = padValue ? padValue : tb.splat(element, {1}, value);
  im.setOutput(0, tosa::PadOp::create(im.builder(), im.loc(),
                                      RankedTensorType::get(outShape, element),
                                      v, tb.shape(tosaPads), padConst));
  return success();
}

void mlir::qopt::onnx_import::registerShapeHandlers(llvm::StringMap<NodeHandler> &map) {
  map["Reshape"] = importReshapeLike;
  map["Flatten"] = importReshapeLike;
  map["Squeeze"] = importReshapeLike;
  map["Unsqueeze"] = importReshapeLike;
  map["Identity"] = importIdentity;
  map["Dropout"] = importDropout;
  map["Transpose"] = importTranspose;
  map["Concat"] = importConcat;
  map["Split"] = importSplit;
  map["Slice"] = importSlice;
  map["Gather"] = importGather;
  map["Expand"] = importExpand;
  map["Tile"] = importTile;
  map["Pad"] = importPad;
  // Folded on the host (GraphImporter::tryFold); listed so that they count
  // as supported.
  map["ConstantOfShape"] = importConstantOfShape;
  for (StringRef op : {"Constant", "Shape", "Size", "Range"})
    map[op] = [](GraphImporter &im, const onnx::NodeProto &) {
      return im.nodeError("could not be evaluated at import time; its "
                          "inputs must be constants");
    };
}
