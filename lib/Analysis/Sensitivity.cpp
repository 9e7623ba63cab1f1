//===- Sensitivity.cpp - Loss-increase estimates per format ----------------===//
//
// Implements layerSensitivity.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/Sensitivity.h"
#include "qopt/Analysis/WeightQuantization.h"

using namespace mlir;
using namespace mlir::qopt;

std::vector<double> mlir::qopt::layerSensitivity(const Tensor &weight,
                                                 FormatAttr format,
                                                 int64_t outputAxis,
                                                 int64_t dropAxis,
                                                 int64_t channelsPerGroup,
                                                 const InputMoments *moments) {
  Tensor q = fakeQuantizeWeight(weight, format);
  ArrayRef<int64_t> shape = weight.getShape();
  int64_t rank = shape.size(), n = weight.getNumElements();
  SmallVector<int64_t, 4> strides = stridesOf(shape);
  int64_t channels = shape[outputAxis];
  int64_t groups =
      channelsPerGroup ? (channels + channelsPerGroup - 1) / channelsPerGroup
                       : 1;
  std::vector<double> result(groups, 0.0);
  const float *w = weight.data<float>(), *wq = q.data<float>();

  // Index of an element in the moments' space: the weight coordinates
  // without `dropAxis`, row-major.
  auto reductionIndex = [&](int64_t i) {
    int64_t index = 0;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == dropAxis)
        continue;
      index = index * shape[d] + (i / strides[d]) % shape[d];
    }
    return index;
  };
  auto groupOf = [&](int64_t i) {
    int64_t c = (i / strides[outputAxis]) % shape[outputAxis];
    return channelsPerGroup ? c / channelsPerGroup : 0;
  };

  if (moments && !moments->full.empty()) {
    // Full H: for each output channel, dW_o^T H dW_o over its reduction
    // vector (every element with that channel index, in moments order).
    int64_t dim = n / channels;
    std::vector<std::vector<double>> delta(channels,
                                           std::vector<double>(dim, 0.0));
    for (int64_t i = 0; i < n; ++i) {
      int64_t c = (i / strides[outputAxis]) % shape[outputAxis];
      delta[c][reductionIndex(i) % dim] = double(wq[i]) - double(w[i]);
    }
    for (int64_t c = 0; c < channels; ++c) {
      double acc = 0;
      const std::vector<double> &d = delta[c];
      for (int64_t a = 0; a < dim; ++a) {
        if (d[a] == 0)
          continue;
        const float *row = moments->full.data() + a * dim;
        double inner = 0;
        for (int64_t b = 0; b < dim; ++b)
          inner += double(row[b]) * d[b];
        acc += d[a] * inner;
      }
      result[channelsPerGroup ? c / channelsPerGroup : 0] += acc;
    }
    return result;
  }
  for (int64_t i = 0; i < n; ++i) {
    double d = double(wq[i]) - double(w[i]);
    double h = moments ? double(moments->diag[reductionIndex(i)]) : 1.0;
    result[groupOf(i)] += h * d * d;
  }
  return result;
}
