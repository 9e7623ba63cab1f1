//===- Calibrate.cpp - Run calibration data and record statistics ----------===//
//
// Implements qopt-calibrate: data -> reference executor (with an observer)
// -> ActivationStats / SecondMoments (qopt/Analysis/Calibration.h) ->
// attributes on the IR (and the full second moments in a sidecar .npz).
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/Calibration.h"
#include "qopt/Analysis/Patches.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Executor/Datasets.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Executor/TensorIO.h"

#include "PassOptionChecks.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <map>
#include <memory>

namespace mlir::qopt {
#define GEN_PASS_DEF_CALIBRATEPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// How a layer's input vectors are formed from its input tensor.
struct LayerProbe {
  Operation *op;
  std::string name;
  PatchGeometry geometry;
  /// Shape of the diagonal (the weight without its output-channel axis).
  SmallVector<int64_t> diagShape;
  int64_t dim = 0;
  bool full = false;
  std::unique_ptr<SecondMoments> moments;
};

struct CalibratePass
    : public qopt::impl::CalibratePassBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult validateOptions();
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
  check.oneOf("method", method, {"minmax", "percentile", "mse", "entropy"});
  check.oneOf("second-moments", secondMoments, {"none", "diagonal", "full"});
  if (secondMoments == "full" && sidecar.empty())
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
  return check.finish();
}

void CalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(validateOptions()))
    return signalPassFailure();

  func::FuncOp func = lookupEntryFunction(module, "qopt-calibrate");
  if (!func)
    return signalPassFailure();
  auto executor = Executor::create(func, {numThreads});
  if (failed(executor))
    return signalPassFailure();
  ArrayRef<TensorSpec> inputs = (*executor)->getInputs();
  if (inputs.size() != 1)
    return (void)fail("calibration feeds one input; the function has " +
                      Twine(inputs.size()));
  const TensorSpec &spec = inputs.front();
  if (spec.dtype != DType::F32 || spec.shape.empty())
    return (void)fail("input '" + spec.name +
                      "' must be a float32 tensor with a batch dimension");

  auto dataset = loadDataset(data, numSamples);
  if (!dataset)
    return (void)fail(llvm::toString(dataset.takeError()));

  // Batches of the input's leading dimension; a last partial batch is
  // dropped so every sample is seen in a full batch.
  int64_t batch = spec.shape[0];
  if (batchSize != 0 && batchSize != batch)
    return (void)fail("batch-size=" + Twine(int64_t(batchSize)) +
                      " but input '" + spec.name + "' has batch " +
                      Twine(batch) + "; import the model with "
                      "--input-shape=" + spec.name + ":" +
                      Twine(int64_t(batchSize)) + "x... to calibrate in "
                      "batches of " + Twine(int64_t(batchSize)));
  auto madeBatches = makeInputBatches(*dataset, spec, inputMean, inputStd);
  if (!madeBatches)
    return (void)fail(llvm::toString(madeBatches.takeError()));
  std::vector<Tensor> batches = std::move(*madeBatches);
  int64_t samples = int64_t(batches.size()) * batch;

  // What to observe.
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, std::unique_ptr<ActivationStats>> opStats;
  SmallVector<std::unique_ptr<ActivationStats>> argStats;
  int64_t axis = perChannel ? 1 : -1;
  auto wants = [&](Type type) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    return ranked && isa<FloatType>(ranked.getElementType()) &&
           (axis < 0 || ranked.getRank() > 1);
  };
  for (BlockArgument arg : body.getArguments())
    argStats.push_back(wants(arg.getType())
                           ? std::make_unique<ActivationStats>(axis)
                           : nullptr);
  for (Operation &op : body)
    if (op.getNumResults() && wants(op.getResult(0).getType()) &&
        !op.hasTrait<OpTrait::ConstantLike>())
      opStats[&op] = std::make_unique<ActivationStats>(axis);

  std::vector<LayerProbe> probes;
  llvm::DenseMap<Operation *, size_t> probeIndex;
  if (secondMoments != "none") {
    QuantizableLayerAnalysis layers(func);
    for (const LayerInfo &layer : layers.getLayers()) {
      Operation *op = layer.op;
      std::optional<PatchGeometry> geometry =
          QuantizableOpInterface(layer.op).getPatchGeometry();
      if (!layer.constantWeight || !geometry)
        continue;
      LayerProbe p{op, layer.name, *geometry, {}, 0, false, nullptr};
      p.diagShape.assign(geometry->patchShape.begin(),
                         geometry->patchShape.end());
      p.dim = geometry->patchSize();
      // Full matrices but for depthwise layers (only their diagonal means
      // anything).
      p.full = secondMoments == "full" && !geometry->depthwise;
      probeIndex[op] = probes.size();
      probes.push_back(std::move(p));
    }
  }

  // Groups of layers whose full matrices fit the memory budget; the first
  // group rides along with the range pass.
  std::vector<std::vector<size_t>> groups(1);
  int64_t budget = int64_t(maxMemoryMB) << 20, used = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    int64_t bytes = probes[i].full ? probes[i].dim * probes[i].dim * 8 : 0;
    if (bytes && used && used + bytes > budget) {
      groups.emplace_back();
      used = 0;
    }
    used += bytes;
    groups.back().push_back(i);
  }

  auto observeLayer = [&](Operation *op, ArrayRef<Tensor> operands,
                          const llvm::DenseSet<size_t> &active) {
    auto it = probeIndex.find(op);
    if (it == probeIndex.end() || !active.count(it->second))
      return;
    LayerProbe &p = probes[it->second];
    FailureOr<PatchMatrix> patches =
        extractPatches(p.geometry, operands[p.geometry.inputOperandIndex]);
    if (failed(patches))
      return;
    if (!p.moments)
      p.moments = std::make_unique<SecondMoments>(p.dim, p.full);
    p.moments->add(patches->data(), patches->getRows());
  };

  // Pass 1: ranges (and the first group of layer moments).
  llvm::DenseSet<size_t> active(groups.front().begin(), groups.front().end());
  bool inRangePass = true;
  (*executor)->setObserver([&](Operation *op, ArrayRef<Tensor> operands,
                               ArrayRef<Tensor> results) {
    if (!op) {
      for (auto [i, t] : llvm::enumerate(results))
        if (argStats[i])
          inRangePass ? argStats[i]->observeRange(t)
                      : argStats[i]->observeHistogram(t, bins);
      return;
    }
    auto it = opStats.find(op);
    if (it != opStats.end() && !results.empty())
      inRangePass ? it->second->observeRange(results[0])
                  : it->second->observeHistogram(results[0], bins);
    if (inRangePass)
      observeLayer(op, operands, active);
  });
  int64_t passes = 1 + (method != "minmax") + int64_t(groups.size()) - 1;
  int64_t passNo = 1;
  auto runAll = [&](StringRef what) -> LogicalResult {
    std::string label = ("pass " + Twine(passNo++) + "/" + Twine(passes) +
                         " (" + what + ")")
                            .str();
    for (size_t b = 0; b < batches.size(); ++b) {
      if (failed((*executor)->run({batches[b]})))
        return failure();
      progress(label, b + 1, batches.size());
    }
    return success();
  };
  if (failed(runAll("ranges")))
    return signalPassFailure();
  if (method != "minmax") {
    inRangePass = false;
    if (failed(runAll("histograms")))
      return signalPassFailure();
  }
  // Further groups of full matrices, one pass each.
  for (size_t g = 1; g < groups.size(); ++g) {
    active = llvm::DenseSet<size_t>(groups[g].begin(), groups[g].end());
    (*executor)->setObserver([&](Operation *op, ArrayRef<Tensor> operands,
                                 ArrayRef<Tensor>) {
      if (op)
        observeLayer(op, operands, active);
    });
    if (failed(runAll("second moments")))
      return signalPassFailure();
  }

  // Attach the results.
  MLIRContext *ctx = &getContext();
  Builder b(ctx);
  // Sidecar arrays first (histograms, full matrices), so the attributes
  // can record the file's hash.
  std::vector<std::pair<std::string, Tensor>> matrices;
  bool storeHistograms = !sidecar.empty() && method != "minmax";
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
  // Values in a fixed order: arguments, then ops in the block.
  int64_t valueIndex = 0;
  llvm::DenseMap<Operation *, int64_t> opValueIndex;
  std::vector<int64_t> argValueIndex(argStats.size(), -1);
  for (auto [i, s] : llvm::enumerate(argStats))
    if (s && s->getSamples())
      argValueIndex[i] = valueIndex++;
  for (Operation &op : body) {
    auto it = opStats.find(&op);
    if (it != opStats.end() && it->second->getSamples())
      opValueIndex[&op] = valueIndex++;
  }
  if (storeHistograms) {
    for (auto [i, s] : llvm::enumerate(argStats))
      if (argValueIndex[i] >= 0)
        addHistograms(*s, argValueIndex[i]);
    for (Operation &op : body)
      if (opValueIndex.count(&op))
        addHistograms(*opStats[&op], opValueIndex[&op]);
  }

  for (LayerProbe &p : probes) {
    if (!p.moments || !p.full)
      continue;
    std::vector<float> m = p.moments->matrix();
    Tensor t = Tensor::zeros(DType::F32, {p.dim, p.dim});
    std::memcpy(t.mutableBytes(), m.data(), m.size() * sizeof(float));
    matrices.emplace_back(p.name, t);
  }
  StringAttr sidecarAttr, hashAttr;
  if (!matrices.empty() || storeHistograms) {
    if (llvm::Error e = writeNpz(matrices, sidecar))
      return (void)fail(llvm::toString(std::move(e)));
    auto bytes = llvm::MemoryBuffer::getFile(sidecar);
    if (!bytes)
      return (void)fail("cannot read back '" + sidecar + "'");
    std::array<uint8_t, 32> hash = llvm::SHA256::hash(
        llvm::arrayRefFromStringRef((*bytes)->getBuffer()));
    sidecarAttr = b.getStringAttr(sidecar);
    hashAttr = b.getStringAttr(llvm::toHex(hash, /*LowerCase=*/true));
  }

  auto statsAttr = [&](const ActivationStats &s, int64_t index) {
    auto [lo, hi] = s.range(method, percentile, bits);
    bool withHist = storeHistograms && !s.getHistograms().empty();
    return ActStatsAttr::get(
        ctx, b.getStringAttr(method), samples, s.getAxis(),
        b.getDenseF32ArrayAttr(s.getMin()), b.getDenseF32ArrayAttr(s.getMax()),
        b.getDenseF32ArrayAttr(lo), b.getDenseF32ArrayAttr(hi),
        withHist ? sidecarAttr : nullptr,
        withHist ? b.getStringAttr(histogramKey(index)) : nullptr,
        withHist ? hashAttr : nullptr);
  };
  for (auto [i, s] : llvm::enumerate(argStats))
    if (argValueIndex[i] >= 0)
      func.setArgAttr(i, QOptDialect::kActStatsAttrName,
                      statsAttr(*s, argValueIndex[i]));
  for (Operation &op : body)
    if (opValueIndex.count(&op))
      op.setAttr(QOptDialect::kActStatsAttrName,
                 statsAttr(*opStats[&op], opValueIndex[&op]));

  for (LayerProbe &p : probes) {
    if (!p.moments)
      continue;
    auto owned =
        std::make_shared<std::vector<float>>(p.moments->diagonal());
    AsmResourceBlob blob(
        ArrayRef<char>(reinterpret_cast<char *>(owned->data()),
                       owned->size() * sizeof(float)),
        alignof(float),
        [owned](void *, size_t, size_t) mutable { owned.reset(); },
        /*dataIsMutable=*/false);
    std::string blobName = p.name + "_hdiag";
    for (char &c : blobName)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    auto diagAttr = DenseResourceElementsAttr::get(
        RankedTensorType::get(p.diagShape, b.getF32Type()), blobName,
        std::move(blob));
    p.op->setAttr(QOptDialect::kInputStatsAttrName,
                  InputStatsAttr::get(
                      ctx, samples, diagAttr, p.full ? sidecarAttr : nullptr,
                      p.full ? b.getStringAttr(p.name) : nullptr,
                      p.full ? hashAttr : nullptr));
  }
}
} // namespace
