//===- Calibration.h - Activation ranges and layer input moments -*- C++ -*-===//
//
// The statistics qopt-calibrate collects while the reference executor runs
// calibration data, and the range methods that turn histograms into
// clipping ranges. Plain numerics over executor tensors: unit-testable
// without IR.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_CALIBRATION_H
#define QOPT_ANALYSIS_CALIBRATION_H

#include "qopt/Executor/Tensor.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir::qopt {

/// A histogram of values in [lo, hi] with equal-width bins.
struct Histogram {
  double lo = 0, hi = 0;
  std::vector<uint64_t> counts;

  Histogram() = default;
  Histogram(double lo, double hi, unsigned bins)
      : lo(lo), hi(hi), counts(bins, 0) {}
  void add(double v);
  double binWidth() const { return (hi - lo) / double(counts.size()); }
  uint64_t total() const;
};

/// Range methods (docs/Calibration.md). `hist` covers [min, max]; `absHist`
/// covers [0, max(|min|, |max|)].
std::pair<double, double> percentileRange(const Histogram &hist,
                                          double percentile);
/// Symmetric threshold t minimizing the expected squared error of
/// quantizing to `bits`-bit signed integers with scale t / (2^(bits-1) - 1)
/// (clipping beyond t included).
double mseThreshold(const Histogram &absHist, unsigned bits);
/// Symmetric threshold minimizing KL(P || Q) between the clipped histogram
/// and its 2^(bits-1)-level quantization (TensorRT's entropy calibration).
double entropyThreshold(const Histogram &absHist, unsigned bits);

/// Min/max and (second pass) histograms of one tensor value, per tensor or
/// per channel along `axis`.
class ActivationStats {
public:
  explicit ActivationStats(int64_t axis = -1) : axis(axis) {}
  /// Pass 1: extends min/max.
  void observeRange(const Tensor &t);
  /// Pass 2: fills histograms over the pass-1 range (`bins` bins).
  void observeHistogram(const Tensor &t, unsigned bins);
  /// The clipping range per channel for `method` (minmax, percentile, mse,
  /// entropy).
  std::pair<std::vector<float>, std::vector<float>>
  range(llvm::StringRef method, double percentile, unsigned bits) const;

  int64_t getAxis() const { return axis; }
  /// Histograms of x per channel (empty before the second pass).
  llvm::ArrayRef<Histogram> getHistograms() const { return hist; }
  llvm::ArrayRef<float> getMin() const { return min; }
  llvm::ArrayRef<float> getMax() const { return max; }
  int64_t getSamples() const { return samples; }

private:
  int64_t channelsOf(const Tensor &t) const;
  int64_t axis;
  int64_t samples = 0;
  std::vector<float> min, max;
  std::vector<Histogram> hist, absHist;
};

/// Accumulates E[x x^T] (or its diagonal) of vectors of length `dim`.
class SecondMoments {
public:
  SecondMoments(int64_t dim, bool full);
  /// Adds `count` vectors stored row by row in `rows`.
  void add(const float *rows, int64_t count);
  /// E[x_j^2] per index.
  std::vector<float> diagonal() const;
  /// E[x x^T], row-major dim x dim (only if full).
  std::vector<float> matrix() const;
  int64_t getDim() const { return dim; }
  int64_t getCount() const { return count; }

private:
  int64_t dim;
  bool full;
  int64_t count = 0;
  std::vector<double> diag, sum;
};

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_CALIBRATION_H
