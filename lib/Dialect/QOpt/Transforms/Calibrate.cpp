//===- Calibrate.cpp - Run calibration data and record statistics ----------===//
//
// Implements qopt-calibrate, a thin driver: options -> CalibrationPlan ->
// data -> CalibrationRunner (qopt/Analysis/Calibration.h: the reference
// executor with an observer) -> CalibrationResults -> attributes on the IR
// (and histograms and full second moments in a sidecar .npz).
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/Transforms/CalibrationRunner.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Support/Datasets.h"
#include "qopt/Support/TensorIO.h"

#include "PassOptionChecks.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <memory>

namespace mlir::qopt {
#define GEN_PASS_DEF_CALIBRATEPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

struct CalibratePass
    : public qopt::impl::CalibratePassBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult validateOptions();
  /// Writes the sidecar (when it has arrays) and the attributes.
  LogicalResult writeResults(const CalibrationPlan &plan,
                             const CalibrationResults &results);
  LogicalResult fail(const Twine &message) {
    mlir::emitError(getOperation()->getLoc()) << "qopt-calibrate: " << message;
    signalPassFailure();
    return failure();
  }
  void progress(StringRef pass, int64_t done, int64_t total) {
    if (total < 4 || (done * 4) / total == ((done - 1) * 4) / total)
      return;
    llvm::errs() << "qopt-calibrate: " << pass << ": " << done << "/" << total
                 << " batches\n";
  }
};

/// Histograms beyond this many bins are a typo, not a finer histogram.
constexpr int64_t kMaxBins = int64_t(1) << 20;
/// The memory budget, in bytes, must fit an int64_t.
constexpr int64_t kMaxMemoryMB = int64_t(1) << 30;

LogicalResult CalibratePass::validateOptions() {
  PassOptionChecks check(getOperation()->getLoc(), getArgument());
  if (data.empty())
    check.error() << "no data given (data=FILE|DIR|fashion-mnist:...|"
                     "digits:...)";
  // The option parser rejects unknown method and second-moments names.
  if (secondMoments == SecondMomentsMode::Full && sidecar.empty())
    check.error() << "second-moments=full needs sidecar=FILE.npz";
  check.atLeast("num-samples", numSamples, 0);
  check.atLeast("batch-size", batchSize, 0);
  if (!(percentile > 0 && percentile <= 100))
    check.error() << "percentile must be in (0, 100], got "
                  << formatOptionValue(percentile);
  check.inRange("bits", bits, 2, 16);
  check.inRange("bins", bins, 1, kMaxBins);
  check.inRange("max-memory-mb", maxMemoryMB, 1, kMaxMemoryMB);
  check.finite("input-mean", inputMean);
  check.finiteNonZero("input-std", inputStd);
  check.atLeast("threads", numThreads, 1);
  if (smoothAlpha != 0.0 && !(smoothAlpha > 0.0 && smoothAlpha < 1.0))
    check.error() << "smooth-alpha must be in (0, 1) (0: off), got "
                  << formatOptionValue(smoothAlpha);
  return check.finish();
}

void CalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(validateOptions()))
    return signalPassFailure();

  func::FuncOp func = lookupEntryFunction(module, "qopt-calibrate");
  if (!func)
    return signalPassFailure();

  auto dataset = loadDataset(data, numSamples);
  if (!dataset)
    return (void)fail(llvm::toString(dataset.takeError()));

  CalibrationRunOptions runOptions;
  runOptions.numThreads = numThreads;
  runOptions.batchSize = batchSize;
  runOptions.inputMean = inputMean;
  runOptions.inputStd = inputStd;
  runOptions.tool = getArgument().str();
  runOptions.progress = [this](StringRef pass, int64_t done, int64_t total) {
    progress(pass, done, total);
  };

  // SmoothQuant first: the statistics describe the smoothed model.
  if (smoothAlpha > 0.0 &&
      failed(smoothLayerInputs(func, *dataset, runOptions, smoothAlpha)))
    return signalPassFailure();

  // What to observe (from the IR alone), the executor, the data, the runs.
  CalibrationOptions options;
  options.method = method;
  options.percentile = percentile;
  options.bits = bits;
  options.bins = bins;
  options.perChannel = perChannel;
  options.secondMoments = secondMoments;
  options.maxMemoryMB = maxMemoryMB;
  CalibrationPlan plan = CalibrationPlan::build(func, options);

  auto runner = CalibrationRunner::create(plan, runOptions);
  if (failed(runner))
    return signalPassFailure();

  FailureOr<CalibrationResults> results = (*runner)->run(*dataset);
  if (failed(results) || failed(writeResults(plan, *results)))
    return signalPassFailure();
}

LogicalResult CalibratePass::writeResults(const CalibrationPlan &plan,
                                          const CalibrationResults &results) {
  MLIRContext *ctx = &getContext();
  Builder b(ctx);
  func::FuncOp func = plan.func;
  // Sidecar arrays first (histograms, full matrices), so the attributes
  // can record the file's hash.
  std::vector<std::pair<std::string, Tensor>> matrices;
  bool storeHistograms =
      !sidecar.empty() && method != CalibrationMethod::MinMax;
  auto histogramKey = [&](int64_t index) {
    return "act" + std::to_string(index);
  };
  auto addHistograms = [&](const ActivationStats &s, int64_t index) {
    ArrayRef<Histogram> hs = s.getHistograms();
    if (hs.empty())
      return;
    int64_t channels = hs.size(), nbins = hs.front().counts.size();
    Tensor counts = Tensor::zeros(DType::I64, {channels, nbins});
    Tensor range = Tensor::zeros(DType::F32, {channels, 2});
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t k = 0; k < nbins; ++k)
        counts.mutableData<int64_t>()[c * nbins + k] = int64_t(hs[c].counts[k]);
      range.mutableData<float>()[2 * c] = float(hs[c].lo);
      range.mutableData<float>()[2 * c + 1] = float(hs[c].hi);
    }
    matrices.emplace_back(histogramKey(index) + ".counts", counts);
    matrices.emplace_back(histogramKey(index) + ".range", range);
  };
  // Values in the plan's order (arguments, then ops in the block); those
  // never observed get no statistics and no index.
  std::vector<int64_t> valueIndex(plan.values.size(), -1);
  int64_t nextIndex = 0;
  for (auto [i, s] : llvm::enumerate(results.values))
    if (s.getSamples())
      valueIndex[i] = nextIndex++;
  if (storeHistograms)
    for (auto [i, s] : llvm::enumerate(results.values))
      if (valueIndex[i] >= 0)
        addHistograms(s, valueIndex[i]);

  for (auto [p, moments] : llvm::zip_equal(plan.layers, results.moments)) {
    if (!moments || !p.full)
      continue;
    std::vector<float> m = moments->matrix();
    Tensor t = Tensor::zeros(DType::F32, {p.dim, p.dim});
    std::memcpy(t.mutableBytes(), m.data(), m.size() * sizeof(float));
    matrices.emplace_back(p.name, t);
  }
  StringAttr sidecarAttr, hashAttr;
  if (!matrices.empty() || storeHistograms) {
    if (llvm::Error e = writeNpz(matrices, sidecar))
      return fail(llvm::toString(std::move(e)));
    auto bytes = llvm::MemoryBuffer::getFile(sidecar);
    if (!bytes)
      return fail("cannot read back '" + sidecar + "'");
    std::array<uint8_t, 32> hash = llvm::SHA256::hash(
        llvm::arrayRefFromStringRef((*bytes)->getBuffer()));
    sidecarAttr = b.getStringAttr(sidecar);
    hashAttr = b.getStringAttr(llvm::toHex(hash, /*LowerCase=*/true));
  }

  auto statsAttr = [&](const ActivationStats &s, int64_t index) {
    auto [lo, hi] = s.range(method, percentile, bits);
    bool withHist = storeHistograms && !s.getHistograms().empty();
    return ActStatsAttr::get(
        ctx, b.getStringAttr(stringifyCalibrationMethod(method)),
        results.samples, s.getAxis(), b.getDenseF32ArrayAttr(s.getMin()),
        b.getDenseF32ArrayAttr(s.getMax()), b.getDenseF32ArrayAttr(lo),
        b.getDenseF32ArrayAttr(hi), withHist ? sidecarAttr : nullptr,
        withHist ? b.getStringAttr(histogramKey(index)) : nullptr,
        withHist ? hashAttr : nullptr);
  };
  for (auto [i, v] : llvm::enumerate(plan.values)) {
    if (valueIndex[i] < 0)
      continue;
    Attribute attr = statsAttr(results.values[i], valueIndex[i]);
    if (v.op)
      v.op->setAttr(QOptDialect::kActStatsAttrName, attr);
    else
      func.setArgAttr(v.argNumber, QOptDialect::kActStatsAttrName, attr);
  }

  // A float blob of `values` shaped like the layer's patch, named
  // <layer>_<suffix>.
  auto floatBlob = [&](const ProbedLayer &p, std::vector<float> values,
                       StringRef suffix) {
    auto owned = std::make_shared<std::vector<float>>(std::move(values));
    AsmResourceBlob blob(
        ArrayRef<char>(reinterpret_cast<char *>(owned->data()),
                       owned->size() * sizeof(float)),
        alignof(float),
        [owned](void *, size_t, size_t) mutable { owned.reset(); },
        /*dataIsMutable=*/false);
    std::string blobName = p.name + "_" + suffix.str();
    for (char &c : blobName)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    return DenseResourceElementsAttr::get(
        RankedTensorType::get(p.diagShape, b.getF32Type()), blobName,
        std::move(blob));
  };
  for (auto [p, moments] : llvm::zip_equal(plan.layers, results.moments)) {
    if (!moments)
      continue;
    auto diagAttr = floatBlob(p, moments->diagonal(), "hdiag");
    auto meanAttr = floatBlob(p, moments->mean(), "mean");
    p.op->setAttr(
        QOptDialect::kInputStatsAttrName,
        InputStatsAttr::get(ctx, results.samples, diagAttr, meanAttr,
                            p.full ? sidecarAttr : nullptr,
                            p.full ? b.getStringAttr(p.name) : nullptr,
                            p.full ? hashAttr : nullptr));
  }
  return success();
}
} // namespace
