//===- WeightQuantization.cpp - Simulated weight quantization --------------===//
//
// Simulated (quantize-dequantize) weight quantization and storage sizes
// for #qopt.format.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/WeightQuantization.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

using namespace mlir;
using namespace mlir::qopt;

/// Scale group of element `i` of a row-major tensor of `shape`.
static int64_t scaleIndex(FormatAttr format, ArrayRef<int64_t> shape,
                          ArrayRef<int64_t> strides, int64_t i) {
  switch (format.getGranularity()) {
  case Granularity::PerTensor:
    return 0;
  case Granularity::PerChannel:
    return (i / strides[format.getAxis()]) % shape[format.getAxis()];
  case Granularity::Group: {
    // Row-major index over the scale shape (axis divided by the group).
    int64_t axis = format.getAxis(), index = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      int64_t coord = (i / strides[d]) % shape[d];
      int64_t dim = shape[d];
      if (int64_t(d) == axis) {
        coord /= format.getGroupSize();
        dim /= format.getGroupSize();
      }
      index = index * dim + coord;
    }
    return index;
  }
  }
  return 0;
}

int64_t mlir::qopt::numScales(FormatAttr format, ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : format.getScaleShape(shape))
    n *= d;
  return n;
}

namespace {
/// Per scale group: the group of every element and its min, max, max|w|.
struct GroupStats {
  std::vector<int64_t> group;
  std::vector<double> lo, hi, absMax;
};
} // namespace

static GroupStats groupStats(const Tensor &w, FormatAttr format) {
  ArrayRef<int64_t> shape = w.getShape();
  SmallVector<int64_t, 4> strides = stridesOf(shape);
  int64_t n = w.getNumElements(), groups = numScales(format, shape);
  GroupStats st;
  st.group.resize(n);
  st.lo.assign(groups, 0.0);
  st.hi.assign(groups, 0.0);
  st.absMax.assign(groups, 0.0);
  const float *src = w.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    int64_t g = st.group[i] = scaleIndex(format, shape, strides, i);
    double v = src[i];
    st.lo[g] = std::min(st.lo[g], v);
    st.hi[g] = std::max(st.hi[g], v);
    st.absMax[g] = std::max(st.absMax[g], std::fabs(v));
  }
  return st;
}

/// q = clamp(round_half_even(x / s) + z, qmin, qmax), the rule every
/// weight element follows (docs/Semantics.md).
static int32_t quantizeElement(double x, float s, int32_t z, double qmin,
                               double qmax) {
  return int32_t(std::clamp(std::nearbyint(x / double(s)) + z, qmin, qmax));
}

QuantizedWeight mlir::qopt::quantizeWeight(const Tensor &w, FormatAttr format) {
  assert(format.isInteger() && "integer formats only");
  GroupStats st = groupStats(w, format);
  int64_t n = w.getNumElements(), groups = int64_t(st.lo.size());
  double qmin = double(format.getQMin()), qmax = double(format.getQMax());
  QuantizedWeight out;
  out.scales.resize(groups);
  out.zeroPoints.assign(groups, 0);
  for (int64_t g = 0; g < groups; ++g) {
    // Scales are stored as float32; q is computed with the stored value.
    double scale;
    if (format.getSymmetric()) {
      // Signed: the positive side [1, qmax]; unsigned symmetric formats
      // cover [0, qmax] for non-negative weights.
      scale = st.absMax[g] > 0 ? st.absMax[g] / qmax : 1.0;
    } else {
      double range = st.hi[g] - st.lo[g];
      scale = range > 0 ? range / (qmax - qmin) : 1.0;
    }
    float s = float(scale);
    if (!(s > 0.0f))
      s = 1.0f;
    out.scales[g] = s;
    if (!format.getSymmetric())
      out.zeroPoints[g] = int32_t(
          std::clamp(std::nearbyint(qmin - st.lo[g] / double(s)), qmin, qmax));
  }
  out.values.resize(n);
  const float *src = w.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    int64_t g = st.group[i];
    out.values[i] = quantizeElement(src[i], out.scales[g], out.zeroPoints[g],
                                    qmin, qmax);
  }
  out.group = std::move(st.group);
  return out;
}

Tensor mlir::qopt::dequantizeWeight(const QuantizedWeight &q,
                                    ArrayRef<int64_t> shape,
                                    FormatAttr format) {
  Tensor out = Tensor::zeros(DType::F32, shape);
  float *dst = out.mutableData<float>();
  int64_t n = out.getNumElements();
  if (format.isInteger()) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t g = q.group[i];
      dst[i] = q.scales[g] * float(q.values[i] - q.zeroPoints[g]);
    }
    return out;
  }
  auto type = cast<FloatType>(format.getElementType());
  for (int64_t i = 0; i < n; ++i)
    dst[i] = q.scales[q.group[i]] * minifloatValue(type, uint32_t(q.values[i]));
  return out;
}

Tensor mlir::qopt::fakeQuantizeWeight(const Tensor &w, FormatAttr format) {
  QuantizedWeight q = format.isInteger() ? quantizeWeight(w, format)
                                         : quantizeMinifloatWeight(w, format);
  return dequantizeWeight(q, w.getShape(), format);
}

float mlir::qopt::minifloatValue(FloatType type, uint32_t code) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  unsigned width = llvm::APFloat::getSizeInBits(sem);
  llvm::APFloat value(sem, llvm::APInt(width, code));
  bool lost;
  value.convert(llvm::APFloat::IEEEsingle(),
                llvm::APFloat::rmNearestTiesToEven, &lost);
  return value.convertToFloat();
}

QuantizedWeight mlir::qopt::quantizeMinifloatWeight(const Tensor &w,
                                                    FormatAttr format) {
  assert(!format.isInteger() && "minifloat formats only");
  GroupStats st = groupStats(w, format);
  int64_t n = w.getNumElements(), groups = int64_t(st.absMax.size());
  const llvm::fltSemantics &sem =
      cast<FloatType>(format.getElementType()).getFloatSemantics();
  double largest = llvm::APFloat::getLargest(sem).convertToDouble();
  QuantizedWeight out;
  out.scales.resize(groups);
  out.zeroPoints.assign(groups, 0);
  for (int64_t g = 0; g < groups; ++g) {
    float s = st.absMax[g] > 0 ? float(st.absMax[g] / largest) : 1.0f;
    out.scales[g] = s > 0.0f ? s : 1.0f;
  }
  out.values.resize(n);
  const float *src = w.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    // Divide by the stored (float32) scale, saturate (no format here has
    // infinities that a weight should map to), round to nearest even.
    double v = double(src[i]) / double(out.scales[st.group[i]]);
    v = std::clamp(v, -largest, largest);
    llvm::APFloat code(v);
    bool lost;
    code.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
    out.values[i] = int32_t(code.bitcastToAPInt().getZExtValue());
  }
  out.group = std::move(st.group);
  return out;
}

double mlir::qopt::weightBytes(FormatAttr format, ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  double bytes = std::ceil(double(n) * format.getBitWidth() / 8.0);
  int64_t scales = numScales(format, shape);
  bytes += 4.0 * double(scales);
  if (!format.getSymmetric())
    bytes += double(scales);
  return bytes;
}

FailureOr<QuantizedWeight>
mlir::qopt::gptqQuantizeWeight(const Tensor &w, FormatAttr format,
                               ArrayRef<float> hessian, double damp) {
  assert(format.isInteger() && w.getShape().size() == 2);
  int64_t n = w.getShape()[0], k = w.getShape()[1];
  if (int64_t(hessian.size()) != k * k)
    return failure();
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                               Eigen::RowMajor>;
  Matrix h(k, k), weights(n, k);
  for (int64_t i = 0; i < k * k; ++i)
    h.data()[i] = hessian[i];
  const float *src = w.data<float>();
  for (int64_t i = 0; i < n * k; ++i)
    weights.data()[i] = src[i];
  // Inputs that are always zero carry no information: zero weight.
  for (int64_t j = 0; j < k; ++j)
    if (h(j, j) <= 0.0) {
      h(j, j) = 1.0;
      weights.col(j).setZero();
    }
  h.diagonal().array() += damp * h.diagonal().mean();

  // U: the upper Cholesky factor of H^-1 (H^-1 = U^T U). Row j of U holds
  // how column j's error moves the columns after it.
  Eigen::LLT<Matrix> factor(h);
  if (factor.info() != Eigen::Success)
    return failure();
  Matrix inverse = factor.solve(Matrix::Identity(k, k));
  Eigen::LLT<Matrix> inverseFactor(inverse);
  if (inverseFactor.info() != Eigen::Success)
    return failure();
  Matrix u = inverseFactor.matrixU();

  // Scales and zero points from the original weight, as round-to-nearest.
  QuantizedWeight out = quantizeWeight(w, format);
  double qmin = double(format.getQMin()), qmax = double(format.getQMax());
  for (int64_t j = 0; j < k; ++j) {
    double pivot = u(j, j);
    for (int64_t r = 0; r < n; ++r) {
      int64_t i = r * k + j, g = out.group[i];
      float s = out.scales[g];
      int32_t z = out.zeroPoints[g];
      int32_t q = quantizeElement(weights(r, j), s, z, qmin, qmax);
      out.values[i] = q;
      double error = (weights(r, j) - double(s * float(q - z))) / pivot;
      weights.row(r).tail(k - j - 1) -= error * u.row(j).tail(k - j - 1);
    }
  }
  return out;
}

double mlir::qopt::outputError(const Tensor &w, const Tensor &d,
                               ArrayRef<float> hessian) {
  int64_t n = w.getShape()[0], k = w.getShape()[1];
  double total = 0.0;
  std::vector<double> delta(static_cast<size_t>(k));
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t j = 0; j < k; ++j)
      delta[j] = double(w.data<float>()[r * k + j]) -
                 double(d.data<float>()[r * k + j]);
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = 0; b < k; ++b)
        total += delta[a] * double(hessian[a * k + b]) * delta[b];
  }
  return total;
}
