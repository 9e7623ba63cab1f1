//===- SmoothActivations.cpp - SmoothQuant scale migration ----------------===//
//
// qopt-calibrate{smooth-alpha=A}: before the statistics are recorded, the
// activation outliers of every layer input are migrated into the layer's
// weight (SmoothQuant; Xiao, Lin, Seznec, Wu, Demouth, Han, ICML 2023).
// For a layer y = x W reducing over input channel k (a matmul's K, a
// convolution's input channels; the channels are the input's last axis in
// TOSA), with a_k = max |x_k| over the calibration data and
// w_k = max |W_k| over the weight entries that read channel k:
//
//   s_k = a_k^A / w_k^(1 - A)      (s_k = 1 where a_k or w_k is 0)
//   y = (x diag(1/s)) (diag(s) W)
//
// The division is a per-channel `tosa.mul` inserted in front of the layer
// (so the int8 activation quantizer sees x / s) and the weight constant is
// replaced by diag(s) W. In float the model computes the same function up to
// rounding; what changes is how evenly x's channels fill the int8 range.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/Transforms/CalibrationRunner.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Executor/Executor.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qopt;

namespace {
struct SmoothedLayer {
  Operation *op;
  Value weight;
  Tensor floatWeight;
  int64_t weightAxis = 0; // the weight axis that indexes input channels
  int64_t channels = 0;
  std::vector<float> inputAbsMax;
};
} // namespace

/// The weight axis that indexes the layer's input channels, or -1 when the
/// layer does not read its first operand channel-for-channel.
static int64_t inputChannelAxis(QuantizableOpInterface layer) {
  Operation *op = layer;
  if (layer.getWeightOperandIndex() != 1)
    return -1;
  if (isa<tosa::DepthwiseConv2DOp>(op))
    return 2; // [KH, KW, C, M]: channel c feeds outputs c*M .. c*M+M-1
  if (isa<tosa::Conv2DOp, tosa::MatMulOp>(op))
    return layer.getWeightGroupAxis(); // [O, KH, KW, I] / [1, K, N]
  return -1;
}

FailureOr<int64_t>
mlir::qopt::smoothLayerInputs(func::FuncOp func, const Dataset &dataset,
                              const CalibrationRunOptions &options,
                              double alpha) {
  auto fail = [&](const Twine &message) {
    mlir::emitError(func.getLoc()) << options.tool << ": " << message;
    return failure();
  };
  std::vector<SmoothedLayer> layers;
  llvm::DenseMap<Operation *, size_t> index;
  QuantizableLayerAnalysis analysis(func);
  for (const LayerInfo &info : analysis.getLayers()) {
    if (!info.constantWeight)
      continue;
    QuantizableOpInterface iface = info.op;
    int64_t axis = inputChannelAxis(iface);
    if (axis < 0)
      continue;
    Operation *op = iface;
    auto inputType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (!inputType || !inputType.hasStaticShape() ||
        !inputType.getElementType().isF32())
      continue;
    FailureOr<Tensor> w = exec::evaluateConstantValue(iface.getWeight());
    if (failed(w) || w->getDType() != DType::F32)
      continue;
    int64_t channels = inputType.getShape().back();
    if (channels < 2 || w->getShape()[axis] != channels)
      continue; // e.g. a grouped convolution
    index[op] = layers.size();
    layers.push_back({op, iface.getWeight(), *w, axis, channels,
                      std::vector<float>(channels, 0.0f)});
  }
  if (layers.empty())
    return int64_t(0);

  // a_k: one pass over the data, observing each layer's first operand.
  {
    auto executor = Executor::create(func, {options.numThreads});
    if (failed(executor))
      return failure();
    auto batches = makeInputBatches(dataset, (*executor)->getInputs().front(),
                                    options.inputMean, options.inputStd);
    if (!batches)
      return fail(llvm::toString(batches.takeError()));
    (*executor)->setObserver([&](Operation *op, ArrayRef<Tensor> operands,
                                 ArrayRef<Tensor>) {
      auto it = op ? index.find(op) : index.end();
      if (it == index.end())
        return;
      SmoothedLayer &l = layers[it->second];
      const Tensor &x = operands[0];
      const float *data = x.data<float>();
      for (int64_t i = 0, n = x.getNumElements(); i < n; ++i) {
        float &m = l.inputAbsMax[i % l.channels];
        m = std::max(m, std::fabs(data[i]));
      }
    });
    llvm::scope_exit clear([&] { (*executor)->setObserver(nullptr); });
    for (size_t b = 0; b < batches->size(); ++b) {
      if (failed((*executor)->run({(*batches)[b]})))
        return failure();
      if (options.progress)
        options.progress("pass 0 (smoothing: input channel ranges)",
                         int64_t(b + 1), int64_t(batches->size()));
    }
  }

  // s_k, the inserted x / s and diag(s) W.
  for (SmoothedLayer &l : layers) {
    ArrayRef<int64_t> shape = l.floatWeight.getShape();
    int64_t inner = 1;
    for (int64_t d = l.weightAxis + 1; d < int64_t(shape.size()); ++d)
      inner *= shape[d];
    std::vector<float> wmax(l.channels, 0.0f);
    const float *w = l.floatWeight.data<float>();
    for (int64_t i = 0, n = l.floatWeight.getNumElements(); i < n; ++i) {
      float &m = wmax[(i / inner) % l.channels];
      m = std::max(m, std::fabs(w[i]));
    }
    std::vector<float> s(l.channels), inv(l.channels);
    for (int64_t k = 0; k < l.channels; ++k) {
      double a = l.inputAbsMax[k], m = wmax[k];
      double sk = (a > 0 && m > 0) ? std::pow(a, alpha) / std::pow(m, 1 - alpha)
                                   : 1.0;
      sk = std::clamp(sk, 1e-5, 1e5);
      s[k] = float(sk);
      inv[k] = float(1.0 / sk);
    }
    Tensor scaled = l.floatWeight.clone();
    float *sw = scaled.mutableData<float>();
    for (int64_t i = 0, n = scaled.getNumElements(); i < n; ++i)
      sw[i] *= s[(i / inner) % l.channels];

    OpBuilder b(l.op);
    Location loc = l.op->getLoc();
    auto weightType = cast<RankedTensorType>(l.weight.getType());
    auto newWeight = tosa::ConstOp::create(
        b, loc, weightType,
        DenseElementsAttr::get(
            weightType,
            ArrayRef(scaled.data<float>(), size_t(scaled.getNumElements()))));
    Value x = l.op->getOperand(0);
    auto xType = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> invShape(xType.getRank(), 1);
    invShape.back() = l.channels;
    auto invType = RankedTensorType::get(invShape, b.getF32Type());
    auto invConst = tosa::ConstOp::create(
        b, loc, invType, DenseElementsAttr::get(invType, ArrayRef(inv)));
    auto shiftType = RankedTensorType::get({1}, b.getI8Type());
    auto shift = tosa::ConstOp::create(
        b, loc, shiftType,
        DenseElementsAttr::get(shiftType, ArrayRef<int8_t>{0}));
    auto smoothed = tosa::MulOp::create(b, loc, xType, x, invConst, shift);
    l.op->setOperand(0, smoothed);
    l.op->setOperand(1, newWeight);
  }
  return int64_t(layers.size());
}
