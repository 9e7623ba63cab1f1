//===- CalibrationRunner.h - Running a calibration plan ----------*- C++ -*-===//
//
// Runs a CalibrationPlan (qopt/Analysis/Calibration.h) over a dataset with
// the reference executor and returns what it measured. It lives with the
// passes, not in Analysis, because it runs the executor; qopt-calibrate
// builds a plan, runs it here and writes the results as attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_TRANSFORMS_CALIBRATIONRUNNER_H
#define QOPT_DIALECT_QOPT_TRANSFORMS_CALIBRATIONRUNNER_H

#include "qopt/Analysis/Calibration.h"
#include "qopt/Executor/Executor.h"

#include <functional>
#include <memory>
#include <string>

namespace mlir::qopt {

/// How a plan is run.
struct CalibrationRunOptions {
  /// Executor threads.
  unsigned numThreads = 1;
  /// Samples per run; 0 takes the input's leading dimension, which any
  /// other value must equal.
  int64_t batchSize = 0;
  /// Every input value x is fed as (x - inputMean) / inputStd.
  double inputMean = 0.0;
  double inputStd = 1.0;
  /// Prefix of diagnostics ("<tool>: ...").
  std::string tool = "qopt-calibrate";
  /// Called after every batch with the pass's label ("pass 1/2 (ranges)"),
  /// the batches done and the batches of a pass.
  std::function<void(llvm::StringRef, int64_t, int64_t)> progress;
};

/// Runs a plan's function over datasets with the reference executor.
/// Diagnostics go to the function's module.
class CalibrationRunner {
public:
  /// Prepares the executor for `plan.func` and checks that it takes one
  /// float32 input with a batch dimension. `plan` must outlive the runner.
  static FailureOr<std::unique_ptr<CalibrationRunner>>
  create(const CalibrationPlan &plan, const CalibrationRunOptions &options);

  /// The input the samples feed.
  const TensorSpec &getInput() const { return executor->getInputs().front(); }

  /// Runs `dataset` (in batches of the input's leading dimension) through
  /// the plan's passes.
  FailureOr<CalibrationResults> run(const Dataset &dataset);

private:
  CalibrationRunner(const CalibrationPlan &plan,
                    const CalibrationRunOptions &options,
                    std::unique_ptr<Executor> executor)
      : plan(plan), options(options), executor(std::move(executor)) {}
  InFlightDiagnostic emitError() const;

  const CalibrationPlan &plan;
  CalibrationRunOptions options;
  std::unique_ptr<Executor> executor;
};

/// CalibrationRunner::create, then run(dataset).
FailureOr<CalibrationResults>
runCalibration(const CalibrationPlan &plan, const Dataset &dataset,
               const CalibrationRunOptions &options = {});

/// SmoothQuant scale migration (qopt-calibrate{smooth-alpha=A}, see
/// SmoothActivations.cpp and docs/Calibration.md): runs `dataset` once to
/// find each layer input's per-channel max |x_k|, then rewrites every
/// conv2d / depthwise_conv2d / matmul with a constant float weight that
/// reads its input channel-for-channel as (x / s) (diag(s) W), with
/// s_k = max|x_k|^A / max|W_k|^(1-A). Returns the number of layers
/// smoothed.
FailureOr<int64_t> smoothLayerInputs(func::FuncOp func, const Dataset &dataset,
                                     const CalibrationRunOptions &options,
                                     double alpha);

} // namespace mlir::qopt

#endif // QOPT_DIALECT_QOPT_TRANSFORMS_CALIBRATIONRUNNER_H
