//===- Folding.cpp - Host evaluation of shape computations -----------------===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape). With static input shapes all of that is known at
// import time: GraphImporter::tryFold evaluates such nodes on the host so
// handlers see constant shape operands and the IR stays free of shape
// arithmetic. Only small tensors are folded; large constant arithmetic is
// left to the IR.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qopt::onnx_import;

/// Largest tensor folded on the host.
static constexpr int64_t kMaxFoldElements = 1 << 16;

namespace {
/// Row-major strides.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Index into a tensor of `shape` broadcast to `outShape`, for flat output
/// index `flat`.
int64_t broadcastIndex(int64_t flat, ArrayRef<int64_t> outShape,
                       ArrayRef<int64_t> shape) {
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  SmallVector<int64_t> strides = stridesOf(shape);
  size_t offset = outShape.size() - shape.size();
  int64_t index = 0;
  for (size_t i = 0; i < outShape.size(); ++i) {
    int64_t coord = (flat / outStrides[i]) % outShape[i];
    if (i >= offset && shape[i - offset] != 1)
      index += coord * strides[i - offset];
  }
  return index;
}

/// Numpy-style broadcast of two shapes; nullopt if they are incompatible.
std::optional<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a,
                                              ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// True if every dimension is static and non-negative.
bool isStatic(ArrayRef<int64_t> shape) {
  return llvm::all_of(shape, [](int64_t d) { return d >= 0; });
}
} // namespace

FailureOr<bool> GraphImporter::tryFold(const onnx::NodeProto &node) {
  StringRef op = node.op_type();

  if (op == "Constant") {
    const onnx::AttributeProto *a = nullptr;
    for (const auto &candidate : node.attribute())
      a = &candidate;
    if (!a || node.attribute_size() != 1)
      return nodeError("expects exactly one value attribute"), failure();
    if (a->name() == "value") {
      onnx::TensorProto tensor = a->t();
      FailureOr<ConstTensor> t = readTensor(tensor, loc());
      if (failed(t))
        return failure();
      setOutputConst(0, std::move(*t));
    } else if (a->name() == "value_float") {
      setOutputConst(0, ConstTensor::fromFloats({}, {a->f()}));
    } else if (a->name() == "value_floats") {
      SmallVector<float> v(a->floats().begin(), a->floats().end());
      setOutputConst(0, ConstTensor::fromFloats({int64_t(v.size())}, v));
    } else if (a->name() == "value_int") {
      setOutputConst(0, ConstTensor::fromInt64(onnx::TensorProto::INT64, {},
                                               {a->i()}));
    } else if (a->name() == "value_ints") {
      SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
      setOutputConst(0, ConstTensor::fromInt64(onnx::TensorProto::INT64,
                                               {int64_t(v.size())}, v));
    } else {
      return nodeError("unsupported value attribute '" + a->name() + "'"),
             failure();
    }
    return true;
  }

  // Shape and Size only need the input's static shape.
  if (op == "Shape" || op == "Size") {
    if (!hasInput(0))
      return nodeError("expects an input"), failure();
    SmallVector<int64_t> shape = inputShape(0);
    if (op == "Size") {
      if (!isStatic(shape))
        return false;
      setOutputConst(0, ConstTensor::fromInt64(onnx::TensorProto::INT64, {},
                                               {product(shape)}));
      return true;
    }
    int64_t rank = shape.size();
    int64_t start = normalizeAxis(intAttr("start", 0), rank);
    int64_t end = attr("end") ? normalizeAxis(intAttr("end", rank), rank)
                              : rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    SmallVector<int64_t> dims(shape.begin() + start, shape.begin() + end);
    // A dynamic dimension is not known here: leave it to the handler.
    if (!isStatic(dims))
      return false;
    setOutputConst(0, ConstTensor::fromInt64(onnx::TensorProto::INT64,
                                             {int64_t(dims.size())}, dims));
    return true;
  }

  // Everything else folds only when every present input is a small
  // constant.
  SmallVector<ConstTensor> in;
  for (unsigned i = 0, e = node.input_size(); i < e; ++i) {
    if (node.input(i).empty()) {
      in.push_back({});
      continue;
    }
    std::optional<ConstTensor> c = constInput(i);
    if (!c || c->numElements() > kMaxFoldElements)
      return false;
    in.push_back(std::move(*c));
  }
  if (in.empty())
    return false;
  // Inputs 0 .. count-1 exist (present and not the empty name); optional
  // inputs after them may be omitted.
  auto hasInputs = [&](unsigned count) {
    if (in.size() < count)
      return false;
    for (unsigned i = 0; i < count; ++i)
      if (!node.input(i).size())
        return false;
    return true;
  };
  auto arityError = [&](unsigned count) {
    return nodeError("expects " + Twine(count) + " input" +
                     (count == 1 ? "" : "s")),
           failure();
  };

  auto unary = [&](auto fn) -> FailureOr<bool> {
    if (!hasInputs(1))
      return arityError(1);
    const ConstTensor &x = in[0];
    if (x.isFloat()) {
      SmallVector<double> v = x.toDouble();
      for (double &d : v)
        d = fn(d);
      setOutputConst(0, ConstTensor::fromDouble(x.dtype, x.shape, v));
    } else {
      SmallVector<int64_t> v = x.toInt64();
      for (int64_t &i : v)
        i = saturatingInt64(fn(double(i)));
      setOutputConst(0, ConstTensor::fromInt64(x.dtype, x.shape, v));
    }
    return true;
  };

  // Binary ops with broadcasting; `resultDtype` < 0 keeps the input dtype.
  auto binary = [&](auto fn, int32_t resultDtype = -1) -> FailureOr<bool> {
    if (!hasInputs(2))
      return arityError(2);
    const ConstTensor &x = in[0], &y = in[1];
    if (x.dtype != y.dtype)
      return nodeError("inputs have different element types " +
                       dtypeName(x.dtype) + " and " + dtypeName(y.dtype)),
             failure();
    std::optional<SmallVector<int64_t>> broadcastShape =
        broadcast(x.shape, y.shape);
    if (!broadcastShape)
      return nodeError("input shapes do not broadcast"), failure();
    SmallVector<int64_t> shape = std::move(*broadcastShape);
    int64_t n = product(shape);
    if (n > kMaxFoldElements)
      return false;
    int32_t dtype = resultDtype < 0 ? x.dtype : resultDtype;
    if (x.isFloat()) {
      SmallVector<double> a = x.toDouble(), c = y.toDouble(), out(n);
      for (int64_t i = 0; i < n; ++i)
        out[i] = fn(a[broadcastIndex(i, shape, x.shape)],
                    c[broadcastIndex(i, shape, y.shape)]);
      setOutputConst(0, ConstTensor::fromDouble(dtype, shape, out));
    } else {
      SmallVector<int64_t> a = x.toInt64(), c = y.toInt64(), out(n);
      for (int64_t i = 0; i < n; ++i)
        out[i] = saturatingInt64(
            fn(double(a[broadcastIndex(i, shape, x.shape)]),
               double(c[broadcastIndex(i, shape, y.shape)])));
      setOutputConst(0, ConstTensor::fromInt64(dtype, shape, out));
    }
    return true;
  };

  const int32_t kBool = onnx::TensorProto::BOOL;
  if (op == "Identity") {
    if (!hasInputs(1))
      return arityError(1);
    return setOutputConst(0, in[0]), true;
  }
  if (op == "Neg")
    return unary([](double d) { return -d; });
  if (op == "Add")
    return binary([](double a, double c) { return a + c; });
  if (op == "Sub")
    return binary([](double a, double c) { return a - c; });
  if (op == "Mul")
    return binary([](double a, double c) { return a * c; });
  if (op == "Div") {
    if (!hasInputs(2))
      return arityError(2);
    if (in[0].isFloat())
      return binary([](double a, double c) { return a / c; });
    for (int64_t d : in[1].toInt64())
      if (d == 0)
        return nodeError("integer division by zero"), failure();
    return binary([](double a, double c) { return std::trunc(a / c); });
  }
  if (op == "Equal")
    return binary([](double a, double c) { return double(a == c); }, kBool);
  if (op == "Less")
    return binary([](double a, double c) { return double(a < c); }, kBool);
  if (op == "Greater")
    return binary([](double a, double c) { return double(a > c); }, kBool);
  if (op == "Min" && in.size() == 2)
    return binary([](double a, double c) { return std::min(a, c); });
  if (op == "Max" && in.size() == 2)
    return binary([](double a, double c) { return std::max(a, c); });
  if (op == "Not")
    return unary([](double d) { return double(d == 0); });

  if (op == "Cast") {
    if (!hasInputs(1))
      return arityError(1);
    int32_t to = intAttr("to", 0);
    if (!dtypeSize(to) || !convertDType(to))
      return false;
    const ConstTensor &x = in[0];
    if (x.isFloat() && to != onnx::TensorProto::BOOL)
      setOutputConst(0, ConstTensor::fromDouble(to, x.shape, x.toDouble()));
    else if (x.isFloat())
      setOutputConst(0, ConstTensor::fromInt64(
                            to, x.shape,
                            llvm::to_vector(llvm::map_range(
                                x.toDouble(),
                                [](double d) { return int64_t(d != 0); }))));
    else
      setOutputConst(0, ConstTensor::fromInt64(to, x.shape, x.toInt64()));
    return true;
  }

  // Pure data-movement ops keep the dtype; work on raw bytes.
  auto gatherBytes = [&](const ConstTensor &x, ArrayRef<int64_t> shape,
                         function_ref<int64_t(int64_t)> sourceIndex) {
    unsigned size = dtypeSize(x.dtype);
    std::string buf;
    int64_t n = product(shape);
    buf.resize(n * size);
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(&buf[i * size], x.bytes.data() + sourceIndex(i) * size,
                  size);
    return ConstTensor::fromBuffer(x.dtype, shape, std::move(buf));
  };

  if (op == "Reshape" || op == "Unsqueeze" || op == "Squeeze" ||
      op == "Flatten") {
    if (!hasInputs(1))
      return arityError(1);
    FailureOr<SmallVector<int64_t>> shape = dataMovementResultShape(*this);
    if (failed(shape))
      return failure();
    ConstTensor out = in[0];
    out.shape = *shape;
    setOutputConst(0, out);
    return true;
  }

  if (op == "Concat") {
    if (!hasInputs(in.size()))
      return nodeError("every input must be present"), failure();
    int64_t rank = in[0].shape.size();
    int64_t axis = normalizeAxis(intAttr("axis", 0), rank);
    if (rank == 0 || axis < 0 || axis >= rank)
      return nodeError("axis " + Twine(intAttr("axis", 0)) +
                       " is out of range for rank " + Twine(rank)),
             failure();
    SmallVector<int64_t> shape = in[0].shape;
    shape[axis] = 0;
    for (const ConstTensor &t : in) {
      if (t.dtype != in[0].dtype || int64_t(t.shape.size()) != rank)
        return nodeError("inputs differ in element type or rank"), failure();
      for (int64_t i = 0; i < rank; ++i)
        if (i != axis && t.shape[i] != in[0].shape[i])
          return nodeError("inputs differ in dimension " + Twine(i)),
                 failure();
      shape[axis] += t.shape[axis];
    }
    if (product(shape) > kMaxFoldElements)
      return false;
    unsigned size = dtypeSize(in[0].dtype);
    int64_t outer = product(ArrayRef<int64_t>(shape).take_front(axis));
    std::string buf;
    for (int64_t o = 0; o < outer; ++o)
      for (const ConstTensor &t : in) {
        int64_t chunk =
            product(ArrayRef<int64_t>(t.shape).drop_front(axis)) * size;
        buf.append(t.bytes.data() + o * chunk, chunk);
      }
    setOutputConst(0, ConstTensor::fromBuffer(in[0].dtype, shape,
                                              std::move(buf)));
    return true;
  }

  if (op == "Gather") {
    if (!hasInputs(2))
      return arityError(2);
    const ConstTensor &data = in[0];
    int64_t rank = data.shape.size();
    int64_t axis = normalizeAxis(intAttr("axis", 0), rank);
    if (rank == 0 || axis < 0 || axis >= rank)
      return nodeError("axis " + Twine(intAttr("axis", 0)) +
                       " is out of range for rank " + Twine(rank)),
             failure();
    if (in[1].isFloat())
      return nodeError("indices must be integers"), failure();
    SmallVector<int64_t> indices = in[1].toInt64();
    for (int64_t &i : indices) {
      if (i < 0)
        i += data.shape[axis];
      if (i < 0 || i >= data.shape[axis])
        return nodeError("index out of range"), failure();
    }
    SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
    llvm::append_range(shape, in[1].shape);
    shape.append(data.shape.begin() + axis + 1, data.shape.end());
    if (product(shape) > kMaxFoldElements)
      return false;
    int64_t inner = product(ArrayRef<int64_t>(data.shape).drop_front(axis + 1));
    int64_t nIdx = indices.size();
    if (product(shape) == 0)
      return setOutputConst(0, ConstTensor::fromBuffer(data.dtype, shape, {})),
             true;
    setOutputConst(0, gatherBytes(data, shape, [&](int64_t flat) {
                     int64_t innerI = flat % inner;
                     int64_t idx = (flat / inner) % nIdx;
                     int64_t outerI = flat / (inner * nIdx);
                     return (outerI * data.shape[axis] + indices[idx]) * inner +
                            innerI;
                   }));
    return true;
  }

  if (op == "Slice") {
    if (!hasInputs(1))
      return arityError(1);
    const ConstTensor &data = in[0];
    int64_t rank = data.shape.size();
    SmallVector<int64_t> starts, ends, axes, steps;
    if (opset() < 10) {
      // Slice-1: starts/ends/axes are attributes.
      starts = intsAttr("starts");
      ends = intsAttr("ends");
      axes = intsAttr("axes");
    } else {
      if (!hasInputs(3))
        return arityError(3);
      starts = in[1].toInt64();
      ends = in[2].toInt64();
      if (in.size() > 3 && in[3].bytes.data())
        axes = in[3].toInt64();
      if (in.size() > 4 && in[4].bytes.data())
        steps = in[4].toInt64();
    }
    if (axes.empty())
      axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
    if (steps.empty())
      steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size())
      return nodeError("starts, ends, axes and steps differ in length"),
             failure();
    SmallVector<int64_t> begin(rank, 0), step(rank, 1), shape(data.shape);
    SmallVector<bool> seen(rank, false);
    for (size_t k = 0; k < axes.size(); ++k) {
      int64_t axis = normalizeAxis(axes[k], rank);
      if (axis < 0 || axis >= rank || seen[axis])
        return nodeError("axis " + Twine(axes[k]) +
                         " is out of range or repeated"),
               failure();
      seen[axis] = true;
      int64_t dim = data.shape[axis];
      int64_t s = steps[k];
      // Keep the arithmetic below in range (INT64_MIN/MAX mean "to the end").
      int64_t startK = std::clamp<int64_t>(starts[k], -dim - 1, dim + 1);
      int64_t endK = std::clamp<int64_t>(ends[k], -dim - 1, dim + 1);
      s = std::clamp<int64_t>(s, -dim - 1, dim + 1);
      if (s == 0)
        return nodeError("slice step must not be 0"), failure();
      int64_t st = startK < 0 ? startK + dim : startK;
      int64_t en = endK < 0 ? endK + dim : endK;
      if (s > 0) {
        st = std::clamp<int64_t>(st, 0, dim);
        en = std::clamp<int64_t>(en, 0, dim);
        shape[axis] = std::max<int64_t>(0, (en - st + s - 1) / s);
      } else {
        st = std::clamp<int64_t>(st, -1, dim - 1);
        en = std::clamp<int64_t>(en, -1, dim - 1);
        shape[axis] = std::max<int64_t>(0, (st - en - s - 1) / -s);
      }
      begin[axis] = st;
      step[axis] = s;
    }
    SmallVector<int64_t> outStrides = stridesOf(shape),
                         inStrides = stridesOf(data.shape);
    setOutputConst(0, gatherBytes(data, shape, [&](int64_t flat) {
                     int64_t src = 0;
                     for (int64_t i = 0; i < rank; ++i) {
                       int64_t c = (flat / outStrides[i]) % shape[i];
                       src += (begin[i] + c * step[i]) * inStrides[i];
                     }
                     return src;
                   }));
    return true;
  }

  if (op == "ConstantOfShape") {
    if (!hasInputs(1))
      return arityError(1);
    SmallVector<int64_t> shape = in[0].toInt64();
    if (in[0].shape.size() != 1)
      return nodeError("the shape input must be 1-D"), failure();
    if (!isStatic(shape))
      return nodeError("shape has a negative dimension"), failure();
    std::optional<int64_t> n = checkedNumElements(shape);
    if (!n || *n > kMaxFoldElements)
      return false;
    ConstTensor value = ConstTensor::fromFloats({1}, {0.0f});
    if (const onnx::AttributeProto *a = attr("value")) {
      onnx::TensorProto tensor = a->t();
      FailureOr<ConstTensor> t = readTensor(tensor, loc());
      if (failed(t))
        return failure();
      value = *t;
      if (value.numElements() != 1)
        return nodeError("value must hold exactly one element"), failure();
    }
    setOutputConst(0, gatherBytes(value, shape, [](int64_t) { return 0; }));
    return true;
  }

  if (op == "Range") {
    if (!hasInputs(3))
      return arityError(3);
    for (unsigned i = 0; i < 3; ++i)
      if (in[i].numElements() != 1)
        return nodeError("start, limit and delta must be scalars"), failure();
    const ConstTensor &start = in[0];
    double s = start.toDouble()[0], limit = in[1].toDouble()[0],
           delta = in[2].toDouble()[0];
    if (delta == 0)
      return nodeError("Range delta must not be 0"), failure();
    double count = std::ceil((limit - s) / delta);
    if (!std::isfinite(count))
      return nodeError("Range has no finite length"), failure();
    if (count > kMaxFoldElements)
      return false;
    int64_t n = std::max<int64_t>(0, int64_t(count));
    if (n > kMaxFoldElements)
      return false;
    SmallVector<double> v(n);
    for (int64_t i = 0; i < n; ++i)
      v[i] = s + double(i) * delta;
    setOutputConst(0, ConstTensor::fromDouble(start.dtype, {n}, v));
    return true;
  }

  if (op == "Where") {
    if (!hasInputs(3))
      return arityError(3);
    const ConstTensor &c = in[0], &x = in[1], &y = in[2];
    if (x.dtype != y.dtype)
      return nodeError("X and Y differ in element type"), failure();
    std::optional<SmallVector<int64_t>> cx = broadcast(c.shape, x.shape);
    std::optional<SmallVector<int64_t>> cxy =
        cx ? broadcast(*cx, y.shape) : std::nullopt;
    if (!cxy)
      return nodeError("input shapes do not broadcast"), failure();
    SmallVector<int64_t> shape = std::move(*cxy);
    if (product(shape) > kMaxFoldElements)
      return false;
    SmallVector<int64_t> cond = c.toInt64();
    unsigned size = dtypeSize(x.dtype);
    int64_t n = product(shape);
    std::string buf(n * size, '\0');
    for (int64_t i = 0; i < n; ++i) {
      const ConstTensor &src = cond[broadcastIndex(i, shape, c.shape)] ? x : y;
      std::memcpy(&buf[i * size],
                  src.bytes.data() + broadcastIndex(i, shape, src.shape) * size,
                  size);
    }
    setOutputConst(0, ConstTensor::fromBuffer(x.dtype, shape, std::move(buf)));
    return true;
  }

  if (op == "Expand") {
    if (!hasInputs(2))
      return arityError(2);
    const ConstTensor &x = in[0];
    SmallVector<int64_t> target = in[1].toInt64();
    if (!isStatic(target))
      return nodeError("shape has a negative dimension"), failure();
    std::optional<SmallVector<int64_t>> shape = broadcast(x.shape, target);
    if (!shape)
      return nodeError("input shape does not broadcast to the target shape"),
             failure();
    std::optional<int64_t> n = checkedNumElements(*shape);
    if (!n || *n > kMaxFoldElements)
      return false;
    setOutputConst(0, gatherBytes(x, *shape, [&](int64_t flat) {
                     return broadcastIndex(flat, *shape, x.shape);
                   }));
    return true;
  }

  if (op == "Transpose") {
    if (!hasInputs(1))
      return arityError(1);
    const ConstTensor &x = in[0];
    int64_t rank = x.shape.size();
    SmallVector<int64_t> perm = intsAttr("perm");
    if (perm.empty() && !attr("perm"))
      for (int64_t i = rank - 1; i >= 0; --i)
        perm.push_back(i);
    SmallVector<bool> used(rank, false);
    if (int64_t(perm.size()) != rank)
      return nodeError("perm has " + Twine(perm.size()) +
                       " entries for rank " + Twine(rank)),
             failure();
    for (int64_t p : perm) {
      if (p < 0 || p >= rank || used[p])
        return nodeError("perm is not a permutation"), failure();
      used[p] = true;
    }
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(x.shape[p]);
    SmallVector<int64_t> outStrides = stridesOf(shape),
                         inStrides = stridesOf(x.shape);
    setOutputConst(0, gatherBytes(x, shape, [&](int64_t flat) {
                     int64_t src = 0;
                     for (int64_t i = 0; i < rank; ++i)
                       src += ((flat / outStrides[i]) % shape[i]) *
                              inStrides[perm[i]];
                     return src;
                   }));
    return true;
  }

  return false;
}
