//===- CalibrationRunner.cpp - Running a calibration plan -----------------===//
//
// Feeds the dataset in batches through the reference executor, observing
// the plan's values (ranges, then histograms) and its layers' input
// moments, one pass over the data per moment group after the first.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/Transforms/CalibrationRunner.h"
#include "qopt/Analysis/Patches.h"
#include "qopt/Support/Datasets.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qopt;

//===----------------------------------------------------------------------===//
// CalibrationRunner
//===----------------------------------------------------------------------===//

InFlightDiagnostic CalibrationRunner::emitError() const {
  Operation *anchor = plan.func;
  if (auto module = plan.func->getParentOfType<ModuleOp>())
    anchor = module;
  return mlir::emitError(anchor->getLoc()) << options.tool << ": ";
}

FailureOr<std::unique_ptr<CalibrationRunner>>
CalibrationRunner::create(const CalibrationPlan &plan,
                          const CalibrationRunOptions &options) {
  auto executor = Executor::create(plan.func, {options.numThreads});
  if (failed(executor))
    return failure();
  std::unique_ptr<CalibrationRunner> runner(
      new CalibrationRunner(plan, options, std::move(*executor)));
  ArrayRef<TensorSpec> inputs = runner->executor->getInputs();
  if (inputs.size() != 1)
    return runner->emitError()
           << "calibration feeds one input; the function has " << inputs.size();
  const TensorSpec &spec = inputs.front();
  if ((spec.dtype != DType::F32 && spec.dtype != DType::I64 &&
       spec.dtype != DType::I32) ||
      spec.shape.empty())
    return runner->emitError()
           << "input '" << spec.name
           << "' must be a float32, int32 or int64 tensor (e.g. token ids) "
              "with a batch dimension";
  return runner;
}

FailureOr<CalibrationResults> CalibrationRunner::run(const Dataset &dataset) {
  const TensorSpec &spec = getInput();
  // Batches of the input's leading dimension; a last partial batch is
  // dropped so every sample is seen in a full batch.
  int64_t batch = spec.shape[0];
  if (options.batchSize != 0 && options.batchSize != batch)
    return emitError() << "batch-size=" << options.batchSize << " but input '"
                       << spec.name << "' has batch " << batch
                       << "; import the model with --input-shape=" << spec.name
                       << ":" << options.batchSize
                       << "x... to calibrate in batches of "
                       << options.batchSize;
  auto madeBatches =
      makeInputBatches(dataset, spec, options.inputMean, options.inputStd);
  if (!madeBatches)
    return emitError() << llvm::toString(madeBatches.takeError());
  std::vector<Tensor> batches = std::move(*madeBatches);

  CalibrationResults results;
  results.samples = int64_t(batches.size()) * batch;
  results.values.assign(plan.values.size(), ActivationStats(plan.axis));
  results.moments.resize(plan.layers.size());

  // Where the observer finds each value's and layer's statistics.
  func::FuncOp func = plan.func;
  Block &body = func.getBody().front();
  std::vector<int64_t> argValue(body.getNumArguments(), -1);
  llvm::DenseMap<Operation *, size_t> opValue, layerIndex;
  for (auto [i, v] : llvm::enumerate(plan.values)) {
    if (v.op)
      opValue[v.op] = i;
    else
      argValue[v.argNumber] = i;
  }
  for (auto [i, p] : llvm::enumerate(plan.layers))
    layerIndex[p.op] = i;

  auto observeLayer = [&](Operation *op, ArrayRef<Tensor> operands,
                          const llvm::DenseSet<size_t> &active) {
    auto it = layerIndex.find(op);
    if (it == layerIndex.end() || !active.count(it->second))
      return;
    const ProbedLayer &p = plan.layers[it->second];
    FailureOr<PatchMatrix> patches =
        extractPatches(p.geometry, operands[p.geometry.inputOperandIndex]);
    if (failed(patches))
      return;
    std::optional<SecondMoments> &moments = results.moments[it->second];
    if (!moments)
      moments.emplace(p.dim, p.full);
    moments->add(patches->data(), patches->getRows());
  };

  // Pass 1: ranges (and the first group of layer moments); pass 2
  // (methods other than minmax): histograms over the ranges.
  const std::vector<size_t> &first = plan.momentGroups.front();
  llvm::DenseSet<size_t> active(first.begin(), first.end());
  bool inRangePass = true;
  unsigned bins = plan.options.bins;
  executor->setObserver(
      [&](Operation *op, ArrayRef<Tensor> operands, ArrayRef<Tensor> values) {
        if (!op) {
          for (auto [i, t] : llvm::enumerate(values))
            if (i < argValue.size() && argValue[i] >= 0) {
              ActivationStats &s = results.values[argValue[i]];
              inRangePass ? s.observeRange(t) : s.observeHistogram(t, bins);
            }
          return;
        }
        auto it = opValue.find(op);
        if (it != opValue.end() && !values.empty()) {
          ActivationStats &s = results.values[it->second];
          inRangePass ? s.observeRange(values[0])
                      : s.observeHistogram(values[0], bins);
        }
        if (inRangePass)
          observeLayer(op, operands, active);
      });
  int64_t passes = plan.getNumPasses();
  int64_t passNo = 1;
  auto runAll = [&](StringRef what) -> LogicalResult {
    std::string label =
        ("pass " + Twine(passNo++) + "/" + Twine(passes) + " (" + what + ")")
            .str();
    for (size_t b = 0; b < batches.size(); ++b) {
      if (failed(executor->run({batches[b]})))
        return failure();
      if (options.progress)
        options.progress(label, int64_t(b + 1), int64_t(batches.size()));
    }
    return success();
  };
  // The observers capture this frame.
  llvm::scope_exit clearObserver([&] { executor->setObserver(nullptr); });
  if (failed(runAll("ranges")))
    return failure();
  if (plan.options.method != CalibrationMethod::MinMax) {
    inRangePass = false;
    if (failed(runAll("histograms")))
      return failure();
  }
  // Further groups of full matrices, one pass each.
  for (size_t g = 1; g < plan.momentGroups.size(); ++g) {
    const std::vector<size_t> &group = plan.momentGroups[g];
    active = llvm::DenseSet<size_t>(group.begin(), group.end());
    executor->setObserver(
        [&](Operation *op, ArrayRef<Tensor> operands, ArrayRef<Tensor>) {
          if (op)
            observeLayer(op, operands, active);
        });
    if (failed(runAll("second moments")))
      return failure();
  }
  return results;
}

FailureOr<CalibrationResults>
mlir::qopt::runCalibration(const CalibrationPlan &plan, const Dataset &dataset,
                           const CalibrationRunOptions &options) {
  auto runner = CalibrationRunner::create(plan, options);
  if (failed(runner))
    return failure();
  return (*runner)->run(dataset);
}
