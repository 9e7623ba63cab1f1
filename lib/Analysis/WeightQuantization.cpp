//===- WeightQuantization.cpp - Simulated weight quantization --------------===//
//
// Simulated (quantize-dequantize) weight quantization and storage sizes
// for #qopt.format.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/WeightQuantization.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

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

Tensor mlir::qopt::fakeQuantizeWeight(const Tensor &w, FormatAttr format) {
  ArrayRef<int64_t> shape = w.getShape();
  SmallVector<int64_t, 4> strides = stridesOf(shape);
  int64_t n = w.getNumElements(), groups = numScales(format, shape);
  std::vector<int64_t> group(n);
  std::vector<double> lo(groups, 0.0), hi(groups, 0.0), absMax(groups, 0.0);
  const float *src = w.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    int64_t g = group[i] = scaleIndex(format, shape, strides, i);
    double v = src[i];
    lo[g] = std::min(lo[g], v);
    hi[g] = std::max(hi[g], v);
    absMax[g] = std::max(absMax[g], std::fabs(v));
  }
  Tensor out = Tensor::zeros(DType::F32, shape);
  float *dst = out.mutableData<float>();
  if (!format.isInteger()) {
    auto floatType = cast<FloatType>(format.getElementType());
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    double largest = llvm::APFloat::getLargest(sem).convertToDouble();
    for (int64_t i = 0; i < n; ++i) {
      double s = absMax[group[i]] > 0 ? absMax[group[i]] / largest : 1.0;
      llvm::APFloat v(double(src[i]) / s);
      bool lost;
      v.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
      // Saturate: formats without infinity clamp to the largest value.
      double q = v.isInfinity() || v.isNaN() ? std::copysign(largest, src[i])
                                             : v.convertToDouble();
      if (std::fabs(q) > largest)
        q = std::copysign(largest, q);
      dst[i] = float(s * q);
    }
    return out;
  }
  double qmin = double(format.getQMin()), qmax = double(format.getQMax());
  bool symmetric = format.getSymmetric();
  std::vector<double> scale(groups), zero(groups, 0.0);
  for (int64_t g = 0; g < groups; ++g) {
    if (symmetric) {
      // Signed: the positive side [1, qmax]; unsigned symmetric formats
      // cover [0, qmax] for non-negative weights.
      scale[g] = absMax[g] > 0 ? absMax[g] / qmax : 1.0;
    } else {
      double range = hi[g] - lo[g];
      scale[g] = range > 0 ? range / (qmax - qmin) : 1.0;
      zero[g] = std::clamp(std::nearbyint(qmin - lo[g] / scale[g]), qmin, qmax);
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t g = group[i];
    double q = std::clamp(std::nearbyint(double(src[i]) / scale[g]) + zero[g],
                          qmin, qmax);
    dst[i] = float(scale[g] * (q - zero[g]));
  }
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
