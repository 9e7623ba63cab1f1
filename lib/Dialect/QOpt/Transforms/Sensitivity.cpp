//===- Sensitivity.cpp - Estimate the loss increase per candidate ----------===//
//
// Implements qopt-sensitivity: layers (QuantizableLayerAnalysis) -> weights
// (evaluated from constants) and input moments (qopt.input_stats, sidecar)
// -> layerSensitivity (qopt/Analysis/Sensitivity.h) -> qopt.sensitivity.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Analysis/Sensitivity.h"
#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Support/Datasets.h"
#include "qopt/Support/TensorIO.h"

#include "PassOptionChecks.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mlir::qopt {
#define GEN_PASS_DEF_SENSITIVITYPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

/// Layers qopt-split-group-formats can split by output channel (a
/// depthwise convolution's output channels are tied to its input channels):
/// the others get one sensitivity per layer even with channels-per-group.
static bool splitsByOutputChannel(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::MatMulOp>(op);
}

/// True when every row of `rows` x `cols` values is a probability
/// distribution (non-negative entries summing to 1 within float rounding).
static bool isProbabilityRows(const float *x, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < cols; ++c) {
      if (!(x[r * cols + c] >= 0.0f))
        return false;
      sum += x[r * cols + c];
    }
    if (std::abs(sum - 1.0) > 1e-3)
      return false;
  }
  return true;
}

namespace {

struct SensitivityPass
    : public qopt::impl::SensitivityPassBase<SensitivityPass> {
  using Base::Base;

  /// Rejects option values that mean nothing, one error each (the option
  /// parser rejects unknown method, hessian and metric names).
  LogicalResult validateOptions() {
    PassOptionChecks check(getOperation().getLoc(), getArgument());
    check.atLeast("channels-per-group", channelsPerGroup, 0);
    check.atLeast("num-samples", numSamples, 0);
    check.finite("input-mean", inputMean);
    check.finiteNonZero("input-std", inputStd);
    check.atLeast("threads", numThreads, 1);
    return check.finish();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(validateOptions()))
      return signalPassFailure();
    if (method == SensitivityMethod::Output) {
      if (failed(outputSensitivity(module)))
        signalPassFailure();
      return;
    }
    // Sidecars are read once each and checked against their hash.
    InputMomentsReader sidecars;
    QuantizableLayerAnalysis layers(module);
    bool failedAny = false;
    for (const LayerInfo &layer : layers.getLayers()) {
      auto candidates = layer.op->getAttrOfType<CandidatesAttr>(
          QOptDialect::kCandidatesAttrName);
      if (!candidates || !layer.constantWeight)
        continue;
      if (failed(analyze(layer, candidates, sidecars)))
        failedAny = true;
    }
    if (failedAny)
      signalPassFailure();
  }

  LogicalResult
  analyze(const LayerInfo &layer, CandidatesAttr candidates,
          InputMomentsReader &sidecars) {
    QuantizableOpInterface iface = layer.op;
    Operation *op = iface;
    FailureOr<Tensor> weight = exec::evaluateConstantValue(iface.getWeight());
    if (failed(weight) || weight->getDType() != DType::F32)
      return op->emitError("qopt-sensitivity: cannot evaluate the layer's "
                           "float32 weight");
    int64_t outputAxis = iface.getWeightOutputChannelAxis();
    // The moments index the layer's patch space: the weight without the
    // axis its geometry leaves out (a depthwise multiplier; -1: none).
    std::optional<PatchGeometry> geometry = iface.getPatchGeometry();
    int64_t dropAxis = geometry ? geometry->weightDropAxis : outputAxis;

    InputMoments moments;
    const InputMoments *momentsPtr = nullptr;
    if (method == SensitivityMethod::Hessian) {
      auto stats = op->getAttrOfType<InputStatsAttr>(
          QOptDialect::kInputStatsAttrName);
      if (!stats)
        return op->emitError("qopt-sensitivity: method=hessian needs the "
                             "layer's input statistics; run qopt-calibrate "
                             "first");
      bool wantFull = false;
      switch (hessian) {
      case HessianMode::Full:
        wantFull = true;
        break;
      case HessianMode::Auto:
        wantFull = bool(stats.getSidecar());
        break;
      case HessianMode::Diagonal:
        break;
      }
      FailureOr<InputMoments> read =
          sidecars.read(op, stats, wantFull, "qopt-sensitivity");
      if (failed(read))
        return failure();
      moments = std::move(*read);
      momentsPtr = &moments;
      // The moments index the weight without `dropAxis` (the full matrix:
      // without the output-channel axis); anything else was measured on
      // another weight.
      ArrayRef<int64_t> shape = weight->getShape();
      int64_t n = weight->getNumElements();
      int64_t diagSize =
          dropAxis < 0 ? n : (shape[dropAxis] ? n / shape[dropAxis] : 0);
      int64_t dim = shape[outputAxis] ? n / shape[outputAxis] : 0;
      if (int64_t(moments.diag.size()) != diagSize)
        return op->emitError()
               << "qopt-sensitivity: layer '" << layer.name
               << "' input statistics have " << moments.diag.size()
               << " diagonal entries; its weight needs " << diagSize;
      if (!moments.full.empty() && int64_t(moments.full.size()) != dim * dim)
        return op->emitError()
               << "qopt-sensitivity: layer '" << layer.name
               << "' input second-moment matrix has " << moments.full.size()
               << " entries; its weight needs " << dim << " x " << dim;
    }

    // Per group only where qopt-split-group-formats can split the layer.
    int64_t cpg = splitsByOutputChannel(op) ? int64_t(channelsPerGroup) : 0;
    ArrayRef<FormatAttr> formats = candidates.getFormats();
    int64_t channels = weight->getShape()[outputAxis];
    int64_t groups = cpg
                         ? (channels + cpg - 1) / cpg
                         : 1;
    std::vector<double> values(groups * formats.size());
    for (auto [c, format] : llvm::enumerate(formats)) {
      std::vector<double> s = layerSensitivity(
          *weight, format, outputAxis, dropAxis, cpg, momentsPtr);
      for (int64_t g = 0; g < groups; ++g)
        values[g * formats.size() + c] = s[g];
    }
    Builder b(op->getContext());
    SmallVector<int64_t> shape;
    if (cpg)
      shape.push_back(groups);
    shape.push_back(int64_t(formats.size()));
    auto attr = DenseElementsAttr::get(
        RankedTensorType::get(shape, b.getF64Type()), ArrayRef(values));
    op->setAttr(QOptDialect::kSensitivityAttrName,
                SensitivityAttr::get(
                    op->getContext(),
                    b.getStringAttr(stringifySensitivityMethod(method)),
                    cpg, attr));
    return success();
  }

  LogicalResult fail(ModuleOp module, const Twine &message) {
    return mlir::emitError(module.getLoc()) << "qopt-sensitivity: " << message,
           failure();
  }

  /// method=output: one layer at a time at each candidate, through the
  /// executor, against the float model's outputs.
  LogicalResult outputSensitivity(ModuleOp module) {
    if (data.empty())
      return fail(module, "method=output needs data=...");
    func::FuncOp func = lookupEntryFunction(module, "qopt-sensitivity");
    if (!func)
      return failure();
    auto executor = Executor::create(func, {numThreads});
    if (failed(executor))
      return failure();
    Executor &ex = **executor;
    if (ex.getInputs().size() != 1 || ex.getOutputs().empty())
      return fail(module, "method=output feeds one input and reads the "
                          "first output; the function has " +
                          Twine(ex.getInputs().size()) + " inputs");
    auto dataset = loadDataset(data, numSamples);
    if (!dataset)
      return fail(module, llvm::toString(dataset.takeError()));
    auto batches =
        makeInputBatches(*dataset, ex.getInputs().front(), inputMean, inputStd);
    if (!batches)
      return fail(module, llvm::toString(batches.takeError()));

    const TensorSpec &out = ex.getOutputs().front();
    bool useKl = false;
    switch (metric) {
    case OutputMetric::KL:
      useKl = true;
      break;
    case OutputMetric::Auto:
      useKl = out.shape.size() == 2 && out.shape[1] > 1;
      break;
    case OutputMetric::MSE:
      break;
    }
    if (useKl && (out.shape.size() < 2 || out.shape.back() < 2))
      return fail(module, "metric=kl needs an output of rank 2 or more with "
                          "at least two classes on its last axis; '" +
                              out.name + "' is " + formatShape(out.shape));
    if (out.dtype != DType::F32)
      return fail(module, "output '" + out.name + "' is not float32");

    // Divergence of one batch's output from the float reference, added to
    // a running total over samples (KL) or elements (MSE).
    struct Divergence {
      double total = 0;
      int64_t count = 0;
    };
    // Decided on the first reference batch, the same for every layer.
    std::optional<bool> outputIsProbability;
    auto accumulate = [&](const Tensor &ref, const Tensor &q, Divergence &d) {
      const float *a = ref.data<float>(), *b = q.data<float>();
      if (!useKl) {
        for (int64_t i = 0; i < ref.getNumElements(); ++i)
          d.total += double(a[i] - b[i]) * double(a[i] - b[i]);
        d.count += ref.getNumElements();
        return;
      }
      // Rows over the last axis. An output whose rows are already
      // probabilities (a softmax result: non-negative, summing to 1) is
      // compared as such; any other output is softmaxed first (logits).
      int64_t cols = ref.getShape().back();
      int64_t rows = ref.getNumElements() / cols;
      if (!outputIsProbability)
        outputIsProbability = isProbabilityRows(a, rows, cols);
      for (int64_t r = 0; r < rows; ++r) {
        const float *x = a + r * cols, *y = b + r * cols;
        double kl = 0;
        if (*outputIsProbability) {
          for (int64_t c = 0; c < cols; ++c) {
            double p = std::max(double(x[c]), 1e-30);
            double q = std::max(double(y[c]), 1e-30);
            kl += double(x[c]) * (std::log(p) - std::log(q));
          }
        } else {
          double mx = *std::max_element(x, x + cols);
          double my = *std::max_element(y, y + cols);
          double zx = 0, zy = 0;
          for (int64_t c = 0; c < cols; ++c) {
            zx += std::exp(double(x[c]) - mx);
            zy += std::exp(double(y[c]) - my);
          }
          double lzx = std::log(zx) + mx, lzy = std::log(zy) + my;
          for (int64_t c = 0; c < cols; ++c) {
            double lp = double(x[c]) - lzx, lq = double(y[c]) - lzy;
            kl += std::exp(lp) * (lp - lq);
          }
        }
        d.total += std::max(kl, 0.0);
        ++d.count;
      }
    };

    // The layers to measure, in the order the executor first touches their
    // weights, with each candidate's fake-quantized weight made once.
    struct Measured {
      QuantizableOpInterface op;
      Value weight;
      size_t firstOp;
      Tensor floatWeight;
      std::vector<Tensor> quantized; // per candidate, the whole weight
      int64_t axis = 0, channels = 0, groups = 1;
      int64_t cpg = 0; // channels per group (0: the layer as one group)
      std::vector<Divergence> divergence; // [groups][candidates]
    };
    // The float weight with output channels [begin, end) taken from q.
    auto splice = [](const Tensor &w, const Tensor &q, int64_t axis,
                     int64_t begin, int64_t end) {
      Tensor out = w.clone();
      ArrayRef<int64_t> shape = w.getShape();
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d)
        outer *= shape[d];
      for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
        inner *= shape[d];
      const float *src = q.data<float>();
      float *dst = out.mutableData<float>();
      for (int64_t o = 0; o < outer; ++o) {
        int64_t offset = (o * shape[axis] + begin) * inner;
        std::copy(src + offset, src + offset + (end - begin) * inner,
                  dst + offset);
      }
      return out;
    };
    std::vector<Measured> measured;
    QuantizableLayerAnalysis layers(func);
    for (const LayerInfo &layer : layers.getLayers()) {
      auto candidates = layer.op->getAttrOfType<CandidatesAttr>(
          QOptDialect::kCandidatesAttrName);
      if (!candidates || !layer.constantWeight)
        continue;
      QuantizableOpInterface iface = layer.op;
      Value weightValue = iface.getWeight();
      FailureOr<Tensor> weight = exec::evaluateConstantValue(weightValue);
      if (failed(weight) || weight->getDType() != DType::F32)
        return iface->emitError("qopt-sensitivity: cannot evaluate the "
                                "layer's float32 weight");
      Measured m{iface, weightValue, ex.firstAffectedOp(weightValue),
                 *weight, {}, 0, 0, 1, 0, {}};
      for (FormatAttr format : candidates.getFormats())
        m.quantized.push_back(fakeQuantizeWeight(*weight, format));
      m.axis = iface.getWeightOutputChannelAxis();
      m.channels = weight->getShape()[m.axis];
      m.cpg = splitsByOutputChannel(iface) ? int64_t(channelsPerGroup) : 0;
      if (m.cpg)
        m.groups = (m.channels + m.cpg - 1) / m.cpg;
      m.divergence.resize(m.groups * m.quantized.size());
      measured.push_back(std::move(m));
    }
    std::stable_sort(measured.begin(), measured.end(),
                     [](const Measured &a, const Measured &b) {
                       return a.firstOp < b.firstOp;
                     });

    // Per batch: the float run is advanced layer by layer, and each
    // candidate finishes a copy of it from the layer's first op, so the ops
    // before a layer run once per batch rather than once per candidate.
    for (const Tensor &batch : *batches) {
      auto snapshot = ex.start({batch});
      if (failed(snapshot))
        return failure();
      auto reference = ex.finish(*snapshot);
      if (failed(reference))
        return failure();
      for (Measured &m : measured) {
        if (failed(ex.advance(*snapshot, m.firstOp)))
          return failure();
        for (int64_t g = 0; g < m.groups; ++g)
          for (auto [c, quantized] : llvm::enumerate(m.quantized)) {
            // Per group: only the group's channels quantized.
            Tensor w = quantized;
            if (m.cpg)
              w = splice(m.floatWeight, quantized, m.axis, g * m.cpg,
                         std::min(m.channels, (g + 1) * m.cpg));
            if (failed(ex.overrideValue(m.weight, w)))
              return failure();
            auto result = ex.finish(*snapshot);
            ex.clearOverrides();
            if (failed(result))
              return failure();
            accumulate((*reference)[0], (*result)[0],
                       m.divergence[g * m.quantized.size() + c]);
          }
      }
    }

    Builder b(module.getContext());
    for (Measured &m : measured) {
      std::vector<double> values;
      for (const Divergence &d : m.divergence)
        values.push_back(d.count ? d.total / double(d.count) : 0.0);
      SmallVector<int64_t> shape;
      if (m.cpg)
        shape.push_back(m.groups);
      shape.push_back(int64_t(m.quantized.size()));
      auto attr = DenseElementsAttr::get(
          RankedTensorType::get(shape, b.getF64Type()), ArrayRef(values));
      m.op->setAttr(QOptDialect::kSensitivityAttrName,
                    SensitivityAttr::get(module.getContext(),
                                         b.getStringAttr(useKl ? "output-kl"
                                                               : "output-mse"),
                                         m.cpg, attr));
    }
    return success();
  }
};
} // namespace
