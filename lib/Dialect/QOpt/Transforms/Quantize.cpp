//===- Quantize.cpp - Materialise the chosen formats -------------------------===//
//
// Implements qopt-quantize: layers with qopt.format -> integer weights
// (quantizeWeight, qopt/Analysis) as logical fields in a qopt.packed_weight
// (#qopt.layout<logical>; each target's layout pass packs them)
// + qopt.conv2d / qopt.depthwise_conv2d / qopt.matmul, with qopt.quantize on
// the layer input when activations are int8.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/InputMoments.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Analysis/QuantizedLayerSupport.h"
#include "qopt/Analysis/WeightQuantization.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Dialect/QOpt/Transforms/Passes.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Target/TargetBackend.h"

#include "PassOptionChecks.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace mlir::qopt {
#define GEN_PASS_DEF_QUANTIZEPASS
#include "qopt/Dialect/QOpt/Transforms/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// Storage width of an integer format of `bits` bits.
unsigned storageBits(unsigned bits) {
  return bits <= 2 ? 2 : (bits <= 4 ? 4 : 8);
}

/// The calibrated range of `v` (the act_stats of its producer, or of the
/// function argument), or null.
ActStatsAttr actStatsOf(Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!func)
      return nullptr;
    return func.getArgAttrOfType<ActStatsAttr>(arg.getArgNumber(),
                                               QOptDialect::kActStatsAttrName);
  }
  return v.getDefiningOp()->getAttrOfType<ActStatsAttr>(
      QOptDialect::kActStatsAttrName);
}

/// Per-tensor asymmetric int8 parameters for the range [lo, hi] widened to
/// include 0 (docs/Semantics.md, "Activation scales").
quant::UniformQuantizedType activationType(MLIRContext *ctx, double lo,
                                           double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  float scale = hi > lo ? float((hi - lo) / 255.0) : 1.0f;
  if (!(scale > 0.0f))
    scale = 1.0f;
  double zp = std::nearbyint(-128.0 - lo / double(scale));
  zp = std::clamp(zp, -128.0, 127.0);
  Builder b(ctx);
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, b.getIntegerType(8), b.getF32Type(),
      double(scale), int64_t(zp), -128, 127);
}

/// A weight stored as [k, n] (K-major: a matmul's [K, N], a conv's HWCF
/// kernel as [KH * KW * C, F]) as the rows [n, k] the packed weight holds.
Tensor transposedRows(const Tensor &w, int64_t k, int64_t n) {
  Tensor rows = Tensor::zeros(DType::F32, {n, k});
  const float *src = w.data<float>();
  float *dst = rows.mutableData<float>();
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      dst[c * k + r] = src[r * n + c];
  return rows;
}

/// `format` for the rows layout: per-channel scales on the rows (axis 0),
/// groups along the row (axis 1); the caller has checked the axes.
FormatAttr rowsFormat(FormatAttr format) {
  switch (format.getGranularity()) {
  case Granularity::PerTensor:
    return format;
  case Granularity::PerChannel:
    return FormatAttr::get(format.getContext(), format.getElementType(),
                           Granularity::PerChannel, 0, 0,
                           format.getSymmetric());
  case Granularity::Group:
    return FormatAttr::get(format.getContext(), format.getElementType(),
                           Granularity::Group, 1, format.getGroupSize(),
                           format.getSymmetric());
  }
  return format;
}

class QuantizeLayers {
public:
  QuantizeLayers(ModuleOp module, bool int8Activations, bool gptq,
                 double gptqDamp, bool biasCorrection,
                 const TargetBackend *target)
      : module(module), int8Activations(int8Activations), gptq(gptq),
        gptqDamp(gptqDamp), biasCorrection(biasCorrection), target(target) {}

  LogicalResult run() {
    QuantizableLayerAnalysis analysis(module);
    bool failedAny = false;
    for (const LayerInfo &layer : analysis.getLayers()) {
      if (layer.op->hasAttr(QOptDialect::kGroupFormatsAttrName)) {
        layer.op->emitError()
            << "qopt-quantize: layer '" << layer.name
            << "' has a format per channel group; run "
               "qopt-split-group-formats first";
        failedAny = true;
        continue;
      }
      auto format =
          layer.op->getAttrOfType<FormatAttr>(QOptDialect::kFormatAttrName);
      if (!format)
        continue;
      Operation *op = layer.op;
      // A format the IR cannot carry is an error, never a silent float
      // layer (the same rule targets offer candidates by).
      QuantizedLayerSupport support = getQuantizedLayerSupport(layer, format);
      if (!support.isSupported()) {
        op->emitError() << "qopt-quantize: layer '" << layer.name
                        << "' cannot be quantized to "
                        << format.getShortName() << ": " << support.reason;
        failedAny = true;
        continue;
      }
      LogicalResult result = success();
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
        result = rewriteConv(conv, layer, format);
      else if (auto matmul = dyn_cast<tosa::MatMulOp>(op))
        result = rewriteMatmul(matmul, layer, format);
      else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op))
        result = rewriteDepthwise(dw, layer, format);
      else if (isa<linalg::MatmulOp, linalg::BatchMatmulOp,
                   linalg::Conv2DNhwcHwcfOp>(op))
        result = rewriteLinalg(cast<linalg::LinalgOp>(op), layer, format);
      if (failed(result))
        failedAny = true;
    }
    return failure(failedAny);
  }

private:
  /// The packed weight op for w [n, k] (float32) under `format` (axes of
  /// the [n, k] layout).
  FailureOr<Value> packWeight(OpBuilder &b, Location loc, const Tensor &w,
                              FormatAttr format, const LayerInfo &layer,
                              QuantizedWeight *chosenOut = nullptr) {
    int64_t n = w.getShape()[0], k = w.getShape()[1];
    FailureOr<QuantizedWeight> chosen = chooseIntegers(w, format, layer);
    if (failed(chosen))
      return failure();
    if (chosenOut)
      *chosenOut = *chosen;
    FailureOr<QuantizedRows> rows = toRows(
        *chosen, n, k, [k](int64_t r, int64_t t) { return r * k + t; },
        layer);
    if (failed(rows))
      return failure();
    return packAny(b, loc, *rows, format, layer);
  }

  /// A weight quantized in its own layout, re-indexed as the [n, k] rows
  /// the storage ABI holds (element (r, t) is `q.values[index(r, t)]`),
  /// with one scale (and zero point) per run of `groupSize` elements of a
  /// row: the runs are read off the scale groups, so every format whose
  /// groups are runs along the rows fits (per tensor and per channel
  /// replicate their scales).
  struct QuantizedRows {
    int64_t n = 0, k = 0, groupSize = 0;
    std::vector<int32_t> values, zeroPoints;
    std::vector<float> scales;
  };

  FailureOr<QuantizedRows>
  toRows(const QuantizedWeight &q, int64_t n, int64_t k,
         llvm::function_ref<int64_t(int64_t, int64_t)> index,
         const LayerInfo &layer) {
    QuantizedRows rows;
    rows.n = n;
    rows.k = k;
    // The run length: where row 0's scale group first changes.
    int64_t run = k;
    for (int64_t t = 1; t < k && run == k; ++t)
      if (q.group[index(0, t)] != q.group[index(0, 0)])
        run = t;
    bool fits = k % run == 0;
    for (int64_t r = 0; fits && r < n; ++r)
      for (int64_t t = 0; t < k; ++t)
        if (q.group[index(r, t)] != q.group[index(r, t / run * run)])
          fits = false;
    if (!fits)
      return layer.op->emitError()
                 << "qopt-quantize: layer '" << layer.name
                 << "': its format's scale groups are not runs along the "
                    "weight rows the kernels read",
             failure();
    rows.groupSize = run == k ? 0 : run;
    int64_t groups = k / run;
    rows.values.resize(static_cast<size_t>(n * k));
    rows.scales.resize(static_cast<size_t>(n * groups));
    rows.zeroPoints.resize(static_cast<size_t>(n * groups));
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t t = 0; t < k; ++t)
        rows.values[r * k + t] = q.values[index(r, t)];
      for (int64_t g = 0; g < groups; ++g) {
        int64_t src = q.group[index(r, g * run)];
        rows.scales[r * groups + g] = q.scales[src];
        rows.zeroPoints[r * groups + g] = q.zeroPoints[src];
      }
    }
    return rows;
  }

  /// The one encoder of quantized weights into qopt.packed_weight: `rows`
  /// under integer `format` (its width and signedness) as logical fields
  /// (#qopt.layout<logical>: one signed storage value per byte; each
  /// target's layout pass packs them), scales and zero points in the
  /// result type.
  FailureOr<Value> packRows(OpBuilder &b, Location loc,
                            const QuantizedRows &rows, FormatAttr format,
                            const LayerInfo &layer) {
    MLIRContext *ctx = module.getContext();
    int64_t n = rows.n, k = rows.k, groupSize = rows.groupSize;
    int64_t groups = groupSize ? k / groupSize : 1;
    unsigned bits = format.getBitWidth();
    unsigned stored = storageBits(bits);
    // Unsigned grids shift to signed storage: q - 2^(b-1), z - 2^(b-1).
    int32_t shift = format.isSignedInteger() ? 0 : 1 << (bits - 1);
    std::vector<float> scales = rows.scales;
    std::vector<int32_t> zeros(rows.zeroPoints.size());
    for (size_t i = 0; i < zeros.size(); ++i)
      zeros[i] = rows.zeroPoints[i] - shift;
    auto packed = std::make_shared<std::vector<char>>(rows.values.size());
    for (size_t i = 0; i < rows.values.size(); ++i)
      (*packed)[i] = char(int8_t(rows.values[i] - shift));

    Builder builder(ctx);
    IntegerType storage = builder.getIntegerType(stored);
    int64_t qmin = -(int64_t(1) << (stored - 1)), qmax = -qmin - 1;
    Type elementType;
    if (groupSize == 0) {
      SmallVector<double> s(scales.begin(), scales.end());
      SmallVector<int64_t> z(zeros.begin(), zeros.end());
      elementType = quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, storage, builder.getF32Type(), s,
          z, /*quantizedDimension=*/0, qmin, qmax);
    } else {
      auto scaleType = RankedTensorType::get({n, groups}, builder.getF32Type());
      auto zeroType = RankedTensorType::get({n, groups}, storage);
      SmallVector<APInt> z;
      for (int32_t v : zeros)
        z.push_back(APInt(stored, uint64_t(int64_t(v)), /*isSigned=*/true));
      elementType = quant::UniformQuantizedSubChannelType::get(
          quant::QuantizationFlags::Signed, storage, builder.getF32Type(),
          DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)),
          DenseElementsAttr::get(zeroType, z), {0, 1}, {1, groupSize}, qmin,
          qmax);
    }
    auto resultType = RankedTensorType::get({n, k}, elementType);
    return PackedWeightOp::create(b, loc, resultType,
                                  packedBlob(layer.name, packed),
                                  /*scales=*/nullptr)
        .getResult();
  }

  /// The code-book counterpart of packRows: `rows` holds the bit patterns
  /// of minifloat `format` values (no zero points), one logical code per
  /// byte; the scales go into the op's `scales`.
  FailureOr<Value> packCodeRows(OpBuilder &b, Location loc,
                                const QuantizedRows &rows, FormatAttr format,
                                const LayerInfo &layer) {
    Type codeType = format.getElementType();
    int64_t n = rows.n, k = rows.k;
    int64_t groups = rows.groupSize ? k / rows.groupSize : 1;
    auto packed = std::make_shared<std::vector<char>>(rows.values.size());
    for (size_t i = 0; i < rows.values.size(); ++i)
      (*packed)[i] = char(uint8_t(rows.values[i]));
    Builder builder(module.getContext());
    auto scaleType = RankedTensorType::get({n, groups}, builder.getF32Type());
    auto scales = cast<DenseFPElementsAttr>(
        DenseElementsAttr::get(scaleType, ArrayRef<float>(rows.scales)));
    return PackedWeightOp::create(b, loc,
                                  RankedTensorType::get({n, k}, codeType),
                                  packedBlob(layer.name, packed), scales)
        .getResult();
  }

  /// The packed weight of `rows` under `format`: integer or code book.
  FailureOr<Value> packAny(OpBuilder &b, Location loc,
                           const QuantizedRows &rows, FormatAttr format,
                           const LayerInfo &layer) {
    if (format.isInteger())
      return packRows(b, loc, rows, format, layer);
    return packCodeRows(b, loc, rows, format, layer);
  }

  /// The packed bytes as a resource blob named after the layer.
  DenseResourceElementsAttr
  packedBlob(StringRef name, std::shared_ptr<std::vector<char>> packed) {
    return makeByteBlob(module.getContext(), (name + ".packed").str(),
                        std::move(packed));
  }

  /// Round-to-nearest, or GPTQ with the layer's full input moments (whose
  /// index order, (kh, kw, c) or k, is that of the [n, k] rows).
  FailureOr<QuantizedWeight> chooseIntegers(const Tensor &w, FormatAttr format,
                                            const LayerInfo &layer) {
    // Minifloat codes are rounded to nearest (GPTQ is for integer grids).
    if (!format.isInteger())
      return quantizeMinifloatWeight(w, format);
    if (!gptq)
      return quantizeWeight(w, format);
    Operation *op = layer.op;
    auto stats =
        op->getAttrOfType<InputStatsAttr>(QOptDialect::kInputStatsAttrName);
    if (!stats)
      return op->emitError() << "qopt-quantize: gptq needs layer '"
                             << layer.name
                             << "' input statistics; run "
                                "qopt-calibrate{second-moments=full} first",
             failure();
    FailureOr<InputMoments> moments =
        sidecars.read(op, stats, /*full=*/true, "qopt-quantize");
    if (failed(moments))
      return failure();
    int64_t k = w.getShape()[1];
    if (int64_t(moments->full.size()) != k * k)
      return op->emitError() << "qopt-quantize: layer '" << layer.name
                             << "' input moments have "
                             << moments->full.size() << " entries, expected "
                             << k * k,
             failure();
    FailureOr<QuantizedWeight> q =
        gptqQuantizeWeight(w, format, moments->full, gptqDamp);
    if (failed(q))
      return op->emitError() << "qopt-quantize: layer '" << layer.name
                             << "' input second moments are not positive "
                                "definite even after damping (raise "
                                "gptq-damp)",
             failure();
    return q;
  }

  /// qopt.quantize of `input` with the calibrated range of `measured` (the
  /// same values before any reshape), or `input` itself for weight-only
  /// layers.
  FailureOr<Value> layerInput(OpBuilder &b, Location loc, Value input,
                              Value measured, const LayerInfo &layer,
                              FormatAttr format) {
    // Code-book (minifloat) weights: the weight-only path, unless the
    // target lowers them on the integer path (docs/Semantics.md).
    if (!int8Activations)
      return input;
    if (!format.isInteger() &&
        !(target && target->getLayerSupport(layer, format).lowering ==
                        LayerLowering::Integer))
      return input;
    ActStatsAttr stats = actStatsOf(measured);
    if (!stats || stats.getAxis() != -1 || stats.getLo().size() != 1)
      return layer.op->emitError()
                 << "qopt-quantize: layer '" << layer.name
                 << "' has no per-tensor calibrated range for its input; run "
                    "qopt-calibrate first, or use activations=float",
             failure();
    auto qType = activationType(module.getContext(), stats.getLo()[0],
                                stats.getHi()[0]);
    // Ranked: checked by rewriteConv / built by rewriteMatmul.
    auto inputType = cast<RankedTensorType>(input.getType());
    return QuantizeOp::create(b, loc, inputType.clone(qType), input)
        .getResult();
  }

  /// With bias-correction: the [n] float32 `bias` minus, per row r, the
  /// shift of the output's mean that the weight's rounding causes,
  /// Σ_t delta(r, t) · E[x_meanIndex(r, t)] (delta = dequantized - float
  /// weight), from the layer's calibrated input means (docs/Semantics.md,
  /// "Bias correction"). Without it, `bias` unchanged.
  FailureOr<Value> correctBias(OpBuilder &b, Location loc, Value bias,
                               int64_t n, int64_t k,
                               function_ref<double(int64_t, int64_t)> delta,
                               function_ref<int64_t(int64_t, int64_t)> meanIndex,
                               const LayerInfo &layer) {
    if (!biasCorrection)
      return bias;
    Operation *op = layer.op;
    auto stats =
        op->getAttrOfType<InputStatsAttr>(QOptDialect::kInputStatsAttrName);
    FailureOr<InputMoments> moments =
        stats ? sidecars.read(op, stats, /*full=*/false, "qopt-quantize")
              : FailureOr<InputMoments>(InputMoments());
    if (failed(moments))
      return failure();
    if (moments->mean.empty())
      return op->emitError() << "qopt-quantize: bias-correction needs layer '"
                             << layer.name
                             << "' input means; run qopt-calibrate first",
             failure();
    FailureOr<Tensor> value = exec::evaluateConstantValue(bias);
    if (failed(value) || value->getDType() != DType::F32 ||
        value->getNumElements() != n)
      return op->emitError() << "qopt-quantize: bias-correction needs layer '"
                             << layer.name << "' bias as a constant",
             failure();
    std::vector<float> corrected(value->data<float>(),
                                 value->data<float>() + n);
    for (int64_t r = 0; r < n; ++r) {
      double shift = 0;
      for (int64_t t = 0; t < k; ++t)
        shift += delta(r, t) * double(moments->mean[meanIndex(r, t)]);
      corrected[r] = float(double(corrected[r]) - shift);
    }
    auto type = RankedTensorType::get({n}, b.getF32Type());
    return tosa::ConstOp::create(
               b, loc, type,
               DenseElementsAttr::get(type, ArrayRef<float>(corrected)))
        .getResult();
  }

  /// A [n] float32 bias from a TOSA bias operand (shape [n] or [1]).
  FailureOr<Value> biasOf(OpBuilder &b, Location loc, Value bias, int64_t n,
                          const LayerInfo &layer) {
    auto type = cast<RankedTensorType>(bias.getType()); // by rewriteConv
    if (type.getRank() == 1 && type.getDimSize(0) == n &&
        type.getElementType().isF32())
      return bias;
    FailureOr<Tensor> value = exec::evaluateConstantValue(bias);
    if (failed(value) || value->getDType() != DType::F32 ||
        value->getNumElements() != 1)
      return layer.op->emitError() << "qopt-quantize: layer '" << layer.name
                                   << "' has a bias that is neither [" << n
                                   << "] nor a constant scalar",
             failure();
    auto biasType = RankedTensorType::get({n}, b.getF32Type());
    auto attr = DenseElementsAttr::get(biasType, value->data<float>()[0]);
    return tosa::ConstOp::create(b, loc, biasType, attr).getResult();
  }

  LogicalResult rewriteConv(tosa::Conv2DOp conv, const LayerInfo &layer,
                            FormatAttr format) {
    // TOSA allows unranked operands and results; qopt.conv2d does not.
    if (!isa<RankedTensorType>(conv.getInput().getType()) ||
        !isa<RankedTensorType>(conv.getBias().getType()) ||
        !isa<RankedTensorType>(conv.getType()))
      return conv.emitError() << "qopt-quantize: layer '" << layer.name
                              << "' needs ranked input, bias and result "
                                 "types";
    FailureOr<Tensor> w = exec::evaluateConstantValue(conv.getWeight());
    if (failed(w) || w->getDType() != DType::F32)
      return conv.emitError() << "qopt-quantize: layer '" << layer.name
                              << "' weight is not a float32 constant";
    ArrayRef<int64_t> shape = w->getShape(); // O, KH, KW, C
    if (format.getGranularity() == Granularity::Group &&
        format.getAxis() != 3)
      return conv.emitError() << "qopt-quantize: layer '" << layer.name
                              << "' groups must run along the input channels "
                                 "(axis 3), got axis "
                              << format.getAxis();
    if (format.getGranularity() == Granularity::PerChannel &&
        format.getAxis() != 0)
      return conv.emitError() << "qopt-quantize: layer '" << layer.name
                              << "' per-channel scales must be on axis 0";
    // OHWI flattened to [O, K]: groups of g along C (g divides C) are runs
    // of g along K, in the same order.
    int64_t o = shape[0], k = shape[1] * shape[2] * shape[3];
    Tensor w2 = w->reshaped({o, k});
    FormatAttr flat = format;
    if (format.getGranularity() == Granularity::Group)
      flat = FormatAttr::get(format.getContext(), format.getElementType(),
                             Granularity::Group, 1, format.getGroupSize(),
                             format.getSymmetric());
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    QuantizedWeight chosen;
    FailureOr<Value> packed = packWeight(b, loc, w2, flat, layer, &chosen);
    if (failed(packed))
      return failure();
    FailureOr<Value> input =
        layerInput(b, loc, conv.getInput(), conv.getInput(), layer, format);
    if (failed(input))
      return failure();
    FailureOr<Value> bias = biasOf(b, loc, conv.getBias(), o, layer);
    if (failed(bias))
      return failure();
    if (biasCorrection) {
      // Rows o of taps t in (kh, kw, c) order: the input means' order.
      Tensor dq = dequantizeWeight(chosen, {o, k}, flat);
      const float *wf = w2.data<float>(), *df = dq.data<float>();
      bias = correctBias(
          b, loc, *bias, o, k,
          [&](int64_t r, int64_t t) {
            return double(df[r * k + t]) - double(wf[r * k + t]);
          },
          [](int64_t, int64_t t) { return t; }, layer);
      if (failed(bias))
        return failure();
    }
    auto result = Conv2DOp::create(
        b, loc, conv.getType(), *input, *packed, *bias,
        b.getDenseI64ArrayAttr({shape[1], shape[2]}), conv.getPadAttr(),
        conv.getStrideAttr(), conv.getDilationAttr());
    keepActStats(conv, result);
    conv.getResult().replaceAllUsesWith(result.getResult());
    conv.erase();
    return success();
  }

  /// tosa.depthwise_conv2d -> qopt.depthwise_conv2d. The weight is
  /// quantized in its own [KH, KW, C, M] layout with the layer's format
  /// (what sensitivity analysis simulated), then re-indexed as rows
  /// o = c * M + m of taps t = kh * KW + kw. Its input moments are
  /// diagonal (qopt-calibrate keeps no full matrix for depthwise layers),
  /// and GPTQ with a diagonal H is round to nearest, so `gptq` changes
  /// nothing here.
  LogicalResult rewriteDepthwise(tosa::DepthwiseConv2DOp dw,
                                 const LayerInfo &layer, FormatAttr format) {
    auto inputType = dyn_cast<RankedTensorType>(dw.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(dw.getType());
    if (!inputType || !inputType.hasStaticShape() || !resultType ||
        !resultType.hasStaticShape() ||
        !isa<RankedTensorType>(dw.getBias().getType()))
      return dw.emitError() << "qopt-quantize: layer '" << layer.name
                            << "' needs static input and result shapes and a "
                               "ranked bias";
    FailureOr<Tensor> w = exec::evaluateConstantValue(dw.getWeight());
    if (failed(w) || w->getDType() != DType::F32 || w->getShape().size() != 4)
      return dw.emitError() << "qopt-quantize: layer '" << layer.name
                            << "' weight is not a float32 [KH, KW, C, M] "
                               "constant";
    ArrayRef<int64_t> shape = w->getShape(); // KH, KW, C, M
    int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
    QuantizedWeight q = format.isInteger() ? quantizeWeight(*w, format)
                                           : quantizeMinifloatWeight(*w, format);
    FailureOr<QuantizedRows> rows = toRows(
        q, c * m, kh * kw,
        [&](int64_t r, int64_t t) { return (t * c + r / m) * m + r % m; },
        layer);
    if (failed(rows))
      return failure();
    OpBuilder b(dw);
    Location loc = dw.getLoc();
    FailureOr<Value> packed = packAny(b, loc, *rows, format, layer);
    if (failed(packed))
      return failure();
    FailureOr<Value> input =
        layerInput(b, loc, dw.getInput(), dw.getInput(), layer, format);
    if (failed(input))
      return failure();
    FailureOr<Value> bias = biasOf(b, loc, dw.getBias(), c * m, layer);
    if (failed(bias))
      return failure();
    if (biasCorrection) {
      // Row r = c * M + m reads input channel r / M at taps t = kh * KW +
      // kw; the input means are [KH, KW, C].
      Tensor dq = dequantizeWeight(q, shape, format);
      const float *wf = w->data<float>(), *df = dq.data<float>();
      auto at = [&](int64_t r, int64_t t) { return (t * c + r / m) * m + r % m; };
      bias = correctBias(
          b, loc, *bias, c * m, kh * kw,
          [&](int64_t r, int64_t t) {
            return double(df[at(r, t)]) - double(wf[at(r, t)]);
          },
          [&](int64_t r, int64_t t) { return t * c + r / m; }, layer);
      if (failed(bias))
        return failure();
    }
    auto result = DepthwiseConv2DOp::create(
        b, loc, resultType, *input, *packed, *bias,
        b.getDenseI64ArrayAttr({kh, kw}), dw.getPadAttr(), dw.getStrideAttr(),
        dw.getDilationAttr());
    keepActStats(dw, result);
    dw.getResult().replaceAllUsesWith(result.getResult());
    dw.erase();
    return success();
  }

  /// A layer's calibrated output range moves to the op now producing that
  /// output, where a following layer looks for it.
  static void keepActStats(Operation *from, Operation *to) {
    if (Attribute stats = from->getAttr(QOptDialect::kActStatsAttrName))
      to->setAttr(QOptDialect::kActStatsAttrName, stats);
  }

  LogicalResult rewriteMatmul(tosa::MatMulOp matmul, const LayerInfo &layer,
                              FormatAttr format) {
    // TOSA allows unranked operands and results; the lowering needs ranks.
    auto aType = dyn_cast<RankedTensorType>(matmul.getA().getType());
    FailureOr<Tensor> w = exec::evaluateConstantValue(matmul.getB());
    if (!aType || !isa<RankedTensorType>(matmul.getType()) || failed(w) ||
        w->getDType() != DType::F32 || w->getShape()[0] != 1 ||
        aType.getDimSize(0) != 1)
      return matmul.emitError()
                 << "qopt-quantize: layer '" << layer.name
                 << "': only batch-1 matmuls with a ranked input and a "
                    "[1, K, N] float32 constant weight are lowered";
    int64_t k = w->getShape()[1], n = w->getShape()[2], m = aType.getDimSize(1);
    // [1, K, N] -> [N, K]; the format's axes move with it.
    if (format.getGranularity() == Granularity::PerChannel &&
        format.getAxis() != 2)
      return matmul.emitError() << "qopt-quantize: layer '" << layer.name
                                << "' per-channel scales must be on axis 2";
    if (format.getGranularity() == Granularity::Group && format.getAxis() != 1)
      return matmul.emitError() << "qopt-quantize: layer '" << layer.name
                                << "' groups must run along K (axis 1)";
    Tensor wt = transposedRows(*w, k, n);
    FormatAttr rowFormat = rowsFormat(format);
    OpBuilder b(matmul);
    Location loc = matmul.getLoc();
    FailureOr<Value> packed = packWeight(b, loc, wt, rowFormat, layer);
    if (failed(packed))
      return failure();
    auto shapeOf = [&](ArrayRef<int64_t> dims) {
      auto type = tosa::shapeType::get(b.getContext(), dims.size());
      return tosa::ConstShapeOp::create(b, loc, type,
                                        b.getIndexTensorAttr(dims));
    };
    auto a2Type = RankedTensorType::get({m, k}, aType.getElementType());
    Value a2 = tosa::ReshapeOp::create(b, loc, a2Type, matmul.getA(),
                                       shapeOf({m, k}));
    FailureOr<Value> input =
        layerInput(b, loc, a2, matmul.getA(), layer, format);
    if (failed(input))
      return failure();
    auto y2Type = RankedTensorType::get({m, n}, b.getF32Type());
    Value y2 = MatmulOp::create(b, loc, y2Type, *input, *packed, Value());
    Value y = tosa::ReshapeOp::create(b, loc, matmul.getType(), y2,
                                      shapeOf({1, m, n}));
    keepActStats(matmul, y.getDefiningOp());
    matmul.getResult().replaceAllUsesWith(y);
    matmul.erase();
    return success();
  }

  /// Named linalg layers (getQuantizedLayerSupport has checked the form:
  /// static f32, default maps, zero init, constant weight):
  ///   linalg.matmul A [M, K] x B [K, N]      -> qopt.matmul, B as [N, K];
  ///   linalg.batch_matmul [1, M, K] x [1, K, N] -> collapse, qopt.matmul,
  ///                                               expand;
  ///   linalg.conv_2d_nhwc_hwcf (HWCF kernel)  -> qopt.conv2d, the kernel as
  ///                                              [F, KH * KW * C] (OHWI).
  LogicalResult rewriteLinalg(linalg::LinalgOp op, const LayerInfo &layer,
                              FormatAttr format) {
    Value a = op.getDpsInputs()[0];
    FailureOr<Tensor> w = exec::evaluateConstantValue(op.getDpsInputs()[1]);
    if (failed(w) || w->getDType() != DType::F32)
      return op->emitError() << "qopt-quantize: layer '" << layer.name
                             << "' weight is not a float32 constant";
    ArrayRef<int64_t> ws = w->getShape();
    bool conv = isa<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
    // Rows [N, K]: matmul/batch_matmul K x N transposed; conv HWCF as
    // F x (KH, KW, C), the order qopt.conv2d's patches use.
    int64_t n = ws.back();
    int64_t k = w->getNumElements() / n;
    Tensor rows = transposedRows(*w, k, n);
    // Groups along K (matmul) or C (conv: runs of g inside each tap, in
    // order, since g divides C).
    FormatAttr rowFormat = rowsFormat(format);
    OpBuilder b(op);
    Location loc = op.getLoc();
    FailureOr<Value> packed = packWeight(b, loc, rows, rowFormat, layer);
    if (failed(packed))
      return failure();
    Type resultType = op->getResultTypes()[0];
    Value y;
    if (conv) {
      auto c = cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
      FailureOr<Value> input = layerInput(b, loc, a, a, layer, format);
      if (failed(input))
        return failure();
      SmallVector<int64_t> stride(c.getStrides().getValues<int64_t>());
      SmallVector<int64_t> dilation(c.getDilations().getValues<int64_t>());
      auto result = Conv2DOp::create(
          b, loc, resultType, *input, *packed, Value(),
          b.getDenseI64ArrayAttr({ws[0], ws[1]}),
          b.getDenseI64ArrayAttr({0, 0, 0, 0}),
          b.getDenseI64ArrayAttr(stride), b.getDenseI64ArrayAttr(dilation));
      y = result.getResult();
    } else if (isa<linalg::BatchMatmulOp>(op.getOperation())) {
      auto aType = cast<RankedTensorType>(a.getType());
      int64_t m = aType.getDimSize(1);
      Value a2 = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({m, k}, b.getF32Type()), a,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}});
      FailureOr<Value> input = layerInput(b, loc, a2, a, layer, format);
      if (failed(input))
        return failure();
      Value y2 = MatmulOp::create(b, loc,
                                  RankedTensorType::get({m, n}, b.getF32Type()),
                                  *input, *packed, Value());
      y = tensor::ExpandShapeOp::create(
          b, loc, resultType, y2, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    } else {
      FailureOr<Value> input = layerInput(b, loc, a, a, layer, format);
      if (failed(input))
        return failure();
      y = MatmulOp::create(b, loc, resultType, *input, *packed, Value());
    }
    keepActStats(op, y.getDefiningOp());
    op->getResult(0).replaceAllUsesWith(y);
    SmallVector<Value> feeding = {op.getDpsInputs()[1], op.getDpsInits()[0]};
    op->erase();
    // The zero init (a constant, or linalg.fill into tensor.empty) and the
    // float weight are dead now; the executor and the targets should not
    // see them.
    while (!feeding.empty()) {
      Value v = feeding.pop_back_val();
      Operation *def = v.getDefiningOp();
      if (!def || !def->use_empty() ||
          !(isPure(def) || isa<linalg::FillOp>(def)))
        continue;
      for (Value operand : def->getOperands())
        feeding.push_back(operand);
      def->erase();
    }
    return success();
  }

  ModuleOp module;
  bool int8Activations;
  bool gptq;
  double gptqDamp;
  bool biasCorrection;
  const TargetBackend *target;
  InputMomentsReader sidecars;
};

struct QuantizePass : public qopt::impl::QuantizePassBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    // The option parser rejects activations other than int8 and float.
    PassOptionChecks check(getOperation().getLoc(), getArgument());
    check.nonNegative("gptq-damp", gptqDamp);
    if (failed(check.finish()))
      return signalPassFailure();
    const TargetBackend *backend = nullptr;
    if (!target.empty()) {
      llvm::Expected<const TargetBackend *> found = getTargetBackend(target);
      if (!found) {
        getOperation().emitError()
            << "qopt-quantize: target: " << llvm::toString(found.takeError());
        return signalPassFailure();
      }
      backend = *found;
    }
    bool int8Activations = activations == ActivationQuantization::Int8;
    if (failed(QuantizeLayers(getOperation(), int8Activations, gptq, gptqDamp,
                              biasCorrection, backend)
                   .run()))
      signalPassFailure();
  }
};

} // namespace
