//===- Calibration.h - Activation ranges and layer input moments -*- C++ -*-===//
//
// Calibration, as qopt-calibrate runs it:
//
//  * the statistics collected while the reference executor runs
//    calibration data (ActivationStats, SecondMoments) and the range
//    methods that turn histograms into clipping ranges: plain numerics over
//    executor tensors, unit-testable without IR;
//  * a CalibrationPlan: what a function's calibration observes (its float
//    values, the layers whose input moments are measured) and how;
//  * CalibrationResults, what running a plan measures. The runner, which
//    needs the reference executor, is in the Transforms layer
//    (qopt/Dialect/QOpt/Transforms/CalibrationRunner.h): Analysis does
//    not depend on the executor.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_CALIBRATION_H
#define QOPT_ANALYSIS_CALIBRATION_H

#include "qopt/Dialect/QOpt/IR/PatchGeometry.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlir::qopt {

struct Dataset;

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
  /// The clipping range per channel for `method` (min/max until the
  /// histograms are filled).
  std::pair<std::vector<float>, std::vector<float>>
  range(CalibrationMethod method, double percentile, unsigned bits) const;

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
  /// E[x_j] per index.
  std::vector<float> mean() const;
  /// E[x x^T], row-major dim x dim (only if full).
  std::vector<float> matrix() const;
  int64_t getDim() const { return dim; }
  int64_t getCount() const { return count; }

private:
  int64_t dim;
  bool full;
  int64_t count = 0;
  std::vector<double> diag, first, sum;
};

//===----------------------------------------------------------------------===//
// The plan and its runner
//===----------------------------------------------------------------------===//

/// What a calibration measures and how (qopt-calibrate's options).
struct CalibrationOptions {
  /// How ranges are chosen; every method but minmax needs a second pass
  /// over the data (histograms).
  CalibrationMethod method = CalibrationMethod::MinMax;
  /// method=percentile: the percentile of the values kept.
  double percentile = 99.99;
  /// method=mse and method=entropy: the bit width assumed.
  unsigned bits = 8;
  /// Histogram bins.
  unsigned bins = 2048;
  /// Activation statistics per channel along axis 1 (else per tensor).
  bool perChannel = false;
  /// The layer input moments measured.
  SecondMomentsMode secondMoments = SecondMomentsMode::Diagonal;
  /// Budget, in MiB, for the full second-moment matrices held at once.
  int64_t maxMemoryMB = 512;
};

/// A value whose range is observed: a float function argument, or the float
/// first result of a non-constant op of the function body. Per channel,
/// values of rank 1 or less are left out.
struct ObservedValue {
  /// The argument or the op's first result.
  Value value;
  /// The op; null for an argument.
  Operation *op = nullptr;
  /// The argument's number; -1 for an op result.
  int64_t argNumber = -1;
  /// For reports: an argument's `qopt.name` (else `arg<N>`, the executor's
  /// input name); an op's location name (else its op name).
  std::string name;
};

/// A layer (a QuantizableOpInterface op with a constant weight and a patch
/// geometry) whose input second moments are measured.
struct ProbedLayer {
  Operation *op = nullptr;
  /// The layer's name (QuantizableLayerAnalysis): the sidecar key of its
  /// full matrix.
  std::string name;
  /// How its input is cut into patch vectors.
  PatchGeometry geometry;
  /// Shape of the diagonal (the weight without its output-channel axis).
  llvm::SmallVector<int64_t> diagShape;
  /// Length of a patch vector.
  int64_t dim = 0;
  /// The full matrix (second-moments=full, but for depthwise layers, whose
  /// off-diagonal entries mean nothing), else the diagonal only.
  bool full = false;
};

/// What the calibration of one function observes: built from the IR alone,
/// before any data is read.
struct CalibrationPlan {
  func::FuncOp func;
  CalibrationOptions options;
  /// Axis of the activation statistics: 1 per channel, -1 per tensor.
  int64_t axis = -1;
  /// Arguments first, then ops in block order (the order of the sidecar's
  /// histogram keys).
  std::vector<ObservedValue> values;
  /// Layers in QuantizableLayerAnalysis order (none with
  /// second-moments=none).
  std::vector<ProbedLayer> layers;
  /// Indices into `layers`, one group per run over the data: consecutive
  /// layers whose full matrices fit `maxMemoryMB` together (a larger one
  /// gets a group of its own). The first group rides along with the range
  /// pass; every later group takes a pass of its own. Always at least one
  /// group (empty when no layer is probed).
  std::vector<std::vector<size_t>> momentGroups;

  /// Plans the calibration of `func` with `options`.
  static CalibrationPlan build(func::FuncOp func,
                               const CalibrationOptions &options);

  /// Runs over the data: ranges, histograms (unless minmax), then one per
  /// moment group after the first.
  int64_t getNumPasses() const;
};

/// What a run measured, indexed like the plan.
struct CalibrationResults {
  /// Samples run (whole batches only: a last partial batch is dropped).
  int64_t samples = 0;
  /// Per CalibrationPlan::values entry. getSamples() counts the batches the
  /// value was observed in (0: never).
  std::vector<ActivationStats> values;
  /// Per CalibrationPlan::layers entry; std::nullopt for a layer never
  /// observed (its input did not fit its geometry).
  std::vector<std::optional<SecondMoments>> moments;
};

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_CALIBRATION_H
