//===- QOptToCPU.cpp - Quantized qopt ops to CPU microkernel calls --------===//
//
// Lowers what qopt-decompose leaves of the quantized IR (qopt.quantize,
// qopt.matmul, qopt.depthwise_conv2d; convolutions are matmuls over
// patches by then) to calls of the CPU kernel library (`qopt.ukernel`,
// include/qopt-runtime/cpu.h). A dialect conversion replaces per-tensor
// `!quant.uniform` activation types with their int8 storage
// (QuantizedStorageTypeConverter) and folds the decomposition's
// quant.scasts; packed weights become constants (bytes, scales, zero
// points) passed to the kernels, laid out as the storage ABI of
// docs/Semantics.md already prescribes.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"
#include "KernelOperands.h"
#include "qopt/Conversion/QOptDecomposition/QOptDecomposition.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt-runtime/cpu.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

namespace mlir::qopt {
#define GEN_PASS_DEF_CONVERTQOPTTOCPUPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// A tensor of per-tensor quantized values, e.g. the result of qopt.quantize.
bool isQuantizedActivation(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<quant::UniformQuantizedType>(tensor.getElementType());
}

/// A 1-D constant tensor of `values`.
template <typename T>
Value constantVector(OpBuilder &b, Location loc, Type elementType,
                     ArrayRef<T> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, elementType);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// A packed weight as kernel operands: its bytes, scales and zero points
/// (a one-element placeholder when symmetric) as constants, with the
/// flags saying which optional buffers are real.
struct WeightOperands {
  PackedWeightInfo info;
  Value data, scales, zeroPoints;
  /// Code-book weights: the value of every code (2^bits floats).
  Value table;
  int32_t flags = 0;
};

/// The decode table of minifloat `type` in `bits`-bit fields: entry c is
/// the value of bit pattern c (APFloat; exact in float32 for these
/// formats; NaN codes give the quiet NaN of their sign), 0 for patterns
/// wider than the format (6-bit codes in 8-bit fields).
Value codeTable(OpBuilder &b, Location loc, FloatType type, unsigned bits) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  unsigned width = llvm::APFloat::getSizeInBits(sem);
  SmallVector<float> table;
  for (uint32_t code = 0; code < (1u << bits); ++code) {
    if (code >> width) {
      table.push_back(0.0f);
      continue;
    }
    llvm::APFloat value(sem, llvm::APInt(width, code));
    if (value.isNaN()) {
      // The quiet NaN of the code's sign, whatever APFloat's payload (the
      // quantizer never writes NaN codes; the executor decodes them so).
      table.push_back(value.isNegative() ? -std::nanf("") : std::nanf(""));
      continue;
    }
    bool lost;
    value.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
    table.push_back(value.convertToFloat());
  }
  return constantVector<float>(b, loc, b.getF32Type(), table);
}

FailureOr<WeightOperands> weightOperands(ConversionPatternRewriter &rewriter,
                                         Operation *layer, Value weight) {
  Location loc = layer->getLoc();
  auto packed = weight.getDefiningOp<PackedWeightOp>();
  if (!packed)
    return rewriter.notifyMatchFailure(layer, "weight is not a packed_weight");
  if (packed.getLayout() != WeightLayout::Block64)
    return rewriter.notifyMatchFailure(layer, "weight is not in block64");
  FailureOr<PackedWeightInfo> info = packed.getInfo();
  if (failed(info))
    return failure();
  WeightOperands w;
  w.info = std::move(*info);
  w.data = arith::ConstantOp::create(rewriter, loc,
                                     cast<TypedAttr>(packed.getData()));
  w.scales = constantVector<float>(rewriter, loc, rewriter.getF32Type(),
                                   w.info.scales);
  SmallVector<int8_t> zeroPoints(w.info.zeroPoints.begin(),
                                 w.info.zeroPoints.end());
  if (!zeroPoints.empty())
    w.flags |= QOPT_RT_UK_HAS_ZERO_POINTS;
  else
    zeroPoints.push_back(0); // an unread placeholder
  w.zeroPoints = constantVector<int8_t>(rewriter, loc,
                                        rewriter.getIntegerType(8), zeroPoints);
  if (w.info.codeType) {
    w.table = codeTable(rewriter, loc, w.info.codeType, w.info.bits);
    w.flags |= QOPT_RT_UK_HAS_TABLE;
  }
  return w;
}

/// The bias operand of a kernel call: `bias`, or an unread placeholder of
/// `elementType` (and no QOPT_RT_UK_HAS_BIAS in `flags`).
Value biasOperand(ConversionPatternRewriter &rewriter, Location loc,
                  Value bias, int32_t &flags, Type elementType) {
  if (bias) {
    flags |= QOPT_RT_UK_HAS_BIAS;
    return bias;
  }
  if (elementType.isInteger(32))
    return constantVector<int32_t>(rewriter, loc, elementType, {0});
  return constantVector<float>(rewriter, loc, rewriter.getF32Type(), {0.0f});
}

/// Emits the kernel call computing `[M, N] = input [M, K] x weight^T`
/// (+ bias) for a layer whose original input element type is
/// `inputElementType` (per-tensor quantized: integer path; f32:
/// weight-only path).
FailureOr<Value> emitMatmulCall(ConversionPatternRewriter &rewriter,
                                Operation *layer, Value input,
                                Type inputElementType, Value weight,
                                Value bias) {
  // f32, or the int32 accumulator of integer-only chains.
  Type resultElement =
      cast<RankedTensorType>(layer->getResult(0).getType()).getElementType();
  bool accumulator = resultElement.isInteger(32);
  Location loc = layer->getLoc();
  FailureOr<WeightOperands> w = weightOperands(rewriter, layer, weight);
  if (failed(w))
    return failure();
  const PackedWeightInfo &info = w->info;
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t m = inputType.getDimSize(0);
  int32_t flags = w->flags;
  SmallVector<Value> inputs = {denseInput(rewriter, loc, input), w->data,
                               w->scales};
  // Code-book weights: the table where the zero points would be.
  inputs.push_back(info.codeType ? w->table : w->zeroPoints);
  inputs.push_back(biasOperand(rewriter, loc, bias, flags, resultElement));

  auto resultType = RankedTensorType::get({m, info.n}, resultElement);
  Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                       resultElement);
  SmallVector<Attribute> scalars = {
      rewriter.getI64IntegerAttr(m), rewriter.getI64IntegerAttr(info.n),
      rewriter.getI64IntegerAttr(info.k),
      rewriter.getI32IntegerAttr(int32_t(info.bits)),
      rewriter.getI32IntegerAttr(int32_t(info.groupSize)),
      rewriter.getI32IntegerAttr(flags)};
  StringRef name = info.codeType ? "qopt_rt_uk_matmul_f32_lut"
                                  : "qopt_rt_uk_matmul_f32";
  if (isa<quant::UniformQuantizedType>(inputElementType)) {
    FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
        inputElementType, [&] { return layer->emitOpError(); });
    if (failed(act))
      return failure();
    name = accumulator ? "qopt_rt_uk_matmul_s8_acc" : "qopt_rt_uk_matmul_s8";
    if (!accumulator)
      scalars.push_back(rewriter.getF32FloatAttr(act->scale));
    scalars.push_back(rewriter.getI32IntegerAttr(act->zeroPoint));
  }
  auto call = UKernelOp::create(rewriter, loc, TypeRange{resultType},
                                rewriter.getStringAttr(name), inputs,
                                ValueRange{init},
                                rewriter.getArrayAttr(scalars));
  return call.getResult(0);
}

struct QuantizeLowering : public OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
        op.getType().getElementType(), [&] { return op.emitOpError(); });
    if (!resultType || failed(act))
      return failure();
    Location loc = op.getLoc();
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    SmallVector<Attribute> scalars = {
        rewriter.getI64IntegerAttr(resultType.getNumElements()),
        rewriter.getF32FloatAttr(act->scale),
        rewriter.getI32IntegerAttr(act->zeroPoint)};
    auto call = UKernelOp::create(
        rewriter, loc, TypeRange{resultType},
        rewriter.getStringAttr("qopt_rt_uk_quantize_s8"),
        ValueRange{denseInput(rewriter, loc, adaptor.getInput())},
        ValueRange{init},
        rewriter.getArrayAttr(scalars));
    rewriter.replaceOp(op, call.getResults());
    return success();
  }
};

struct MatmulLowering : public OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Value> result = emitMatmulCall(
        rewriter, op, adaptor.getInput(),
        op.getInput().getType().getElementType(), op.getWeight(),
        adaptor.getBias());
    if (failed(result))
      return failure();
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// qopt.requantize -> one qopt_rt_uk_requantize_s8 call (per channel of
/// the last dimension, or one multiplier for all).
struct RequantizeLowering : public OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
        op.getType().getElementType(), [&] { return op.emitOpError(); });
    if (!resultType || failed(act))
      return failure();
    Location loc = op.getLoc();
    Value multiplier = constantVector<int32_t>(
        rewriter, loc, rewriter.getI32Type(), op.getMultiplier());
    Value shift = constantVector<int32_t>(rewriter, loc, rewriter.getI32Type(),
                                          op.getShift());
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    SmallVector<Attribute> scalars = {
        rewriter.getI64IntegerAttr(resultType.getNumElements()),
        rewriter.getI64IntegerAttr(int64_t(op.getMultiplier().size())),
        rewriter.getI32IntegerAttr(act->zeroPoint),
        rewriter.getI32IntegerAttr(int32_t(op.getMin())),
        rewriter.getI32IntegerAttr(int32_t(op.getMax()))};
    auto call = UKernelOp::create(
        rewriter, loc, TypeRange{resultType},
        rewriter.getStringAttr("qopt_rt_uk_requantize_s8"),
        ValueRange{denseInput(rewriter, loc, adaptor.getInput()), multiplier,
                   shift},
        ValueRange{init}, rewriter.getArrayAttr(scalars));
    rewriter.replaceOp(op, call.getResults());
    return success();
  }
};

/// The `quant.scast`s qopt-decompose leaves around the patches: with
/// activations converted to their storage type they are no-ops.
struct StorageCastLowering : public OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (resultType != adaptor.getInput().getType())
      return rewriter.notifyMatchFailure(op, "not a storage reinterpretation");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// qopt.depthwise_conv2d -> one qopt_rt_uk_depthwise_conv2d_{s8,f32} call
/// on the NHWC input (no im2col: the kernel reads the taps in place and
/// skips padding, docs/Semantics.md).
struct DepthwiseConv2DLowering
    : public OpConversionPattern<DepthwiseConv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DepthwiseConv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<WeightOperands> w =
        weightOperands(rewriter, op, op.getWeight());
    if (failed(w))
      return failure();
    Value input = adaptor.getInput();
    ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
    auto resultType = op.getType();
    ArrayRef<int64_t> kernel = op.getKernel(), pad = op.getPad(),
                      stride = op.getStride(), dilation = op.getDilation();
    int32_t flags = w->flags;
    Type inputElementType = op.getInput().getType().getElementType();
    bool integer = isa<quant::UniformQuantizedType>(inputElementType);
    SmallVector<Value> inputs = {denseInput(rewriter, loc, input), w->data,
                                 w->scales, w->zeroPoints};
    if (!integer) // the code-book table, or an unread placeholder
      inputs.push_back(w->table ? w->table
                                : constantVector<float>(rewriter, loc,
                                                        rewriter.getF32Type(),
                                                        {0.0f}));
    Type resultElement = resultType.getElementType();
    bool accumulator = resultElement.isInteger(32);
    inputs.push_back(
        biasOperand(rewriter, loc, adaptor.getBias(), flags, resultElement));
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultElement);
    SmallVector<Attribute> scalars;
    for (int64_t v :
         {in[0], in[1], in[2], in[3], op.getChannelMultiplier(),
          resultType.getDimSize(1), resultType.getDimSize(2), kernel[0],
          kernel[1], pad[0], pad[2], stride[0], stride[1], dilation[0],
          dilation[1]})
      scalars.push_back(rewriter.getI64IntegerAttr(v));
    scalars.push_back(rewriter.getI32IntegerAttr(int32_t(w->info.bits)));
    scalars.push_back(rewriter.getI32IntegerAttr(int32_t(w->info.groupSize)));
    scalars.push_back(rewriter.getI32IntegerAttr(flags));
    StringRef name = "qopt_rt_uk_depthwise_conv2d_f32";
    if (integer) {
      FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
          inputElementType, [&] { return op.emitOpError(); });
      if (failed(act))
        return failure();
      name = accumulator ? "qopt_rt_uk_depthwise_conv2d_s8_acc"
                         : "qopt_rt_uk_depthwise_conv2d_s8";
      if (!accumulator)
        scalars.push_back(rewriter.getF32FloatAttr(act->scale));
      scalars.push_back(rewriter.getI32IntegerAttr(act->zeroPoint));
    }
    auto call = UKernelOp::create(rewriter, loc, TypeRange{resultType},
                                  rewriter.getStringAttr(name), inputs,
                                  ValueRange{init},
                                  rewriter.getArrayAttr(scalars));
    rewriter.replaceOp(op, call.getResults());
    return success();
  }
};

/// Rejects what the patterns cannot lower, with a diagnostic at the op.
LogicalResult checkLowerable(Operation *root) {
  WalkResult undecomposed = root->walk([](Operation *op) {
    if (!isa<Conv2DOp, DequantizeOp>(op))
      return WalkResult::advance();
    op->emitOpError("is lowered through qopt.matmul and linalg; run "
                    "qopt-decompose before convert-qopt-to-cpu");
    return WalkResult::interrupt();
  });
  if (undecomposed.wasInterrupted())
    return failure();
  WalkResult result = root->walk([](Operation *op) {
    bool isLayer = isa<MatmulOp, DepthwiseConv2DOp>(op);
    if (isLayer || isa<QuantizeOp, RequantizeOp, PackedWeightOp,
                       quant::StorageCastOp>(op)) {
      for (Type type : llvm::concat<Type>(llvm::to_vector(op->getOperandTypes()),
                                          llvm::to_vector(op->getResultTypes())))
        if (auto shaped = dyn_cast<ShapedType>(type);
            shaped && !shaped.hasStaticShape()) {
          op->emitOpError("has a dynamic shape; the CPU backend needs static "
                          "shapes");
          return WalkResult::interrupt();
        }
    }
    if (auto packed = dyn_cast<PackedWeightOp>(op)) {
      if (packed.getLayout() != WeightLayout::Block64) {
        packed.emitOpError("is in the ")
            << stringifyWeightLayout(packed.getLayout())
            << " layout; the CPU kernels read #qopt.layout<block64> (run "
               "qopt-cpu-materialize-weights first)";
        return WalkResult::interrupt();
      }
      for (Operation *user : packed->getUsers())
        if (!isa<MatmulOp, DepthwiseConv2DOp>(user) ||
            user->getOperand(1) != packed.getResult()) {
          user->emitOpError("uses a packed weight; only the weight operand "
                            "of qopt.matmul and qopt.depthwise_conv2d can "
                            "(after qopt-decompose)");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    }
    if (isLayer && isQuantizedActivation(op->getOperand(0).getType()) &&
        getMinifloatCodeBits(
            cast<ShapedType>(op->getOperand(1).getType()).getElementType())) {
      op->emitOpError("has an int8 input and code-book (")
          << cast<ShapedType>(op->getOperand(1).getType()).getElementType()
          << ") weights; the CPU kernels run code-book weights on the "
             "weight-only path (float32 inputs)";
      return WalkResult::interrupt();
    }
    if (auto requantize = dyn_cast<RequantizeOp>(op);
        requantize && requantize.getResidual()) {
      op->emitOpError("fuses a residual add; the CPU kernels requantize "
                      "without one (qopt-integer-chains{residuals=true} is "
                      "for the HLS target; the CPU pipeline keeps residual "
                      "adds in float)");
      return WalkResult::interrupt();
    }
    if (isa<QuantizeOp, RequantizeOp, quant::StorageCastOp>(op) || isLayer)
      return WalkResult::advance();
    for (Type type : llvm::concat<Type>(llvm::to_vector(op->getOperandTypes()),
                                        llvm::to_vector(op->getResultTypes())))
      if (isQuantizedActivation(type)) {
        op->emitOpError("uses a quantized tensor (")
            << type
            << "); the CPU backend lowers quantized values only through "
               "qopt.quantize, qopt.requantize, qopt.matmul, "
               "qopt.depthwise_conv2d and the quant.scast of qopt-decompose";
        return WalkResult::interrupt();
      }
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (isQuantizedActivation(arg.getType())) {
            op->emitOpError("has a quantized block argument (")
                << arg.getType() << "); the CPU backend cannot lower it";
            return WalkResult::interrupt();
          }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

struct ConvertQOptToCPUPass
    : public qopt::impl::ConvertQOptToCPUPassBase<ConvertQOptToCPUPass> {
  // denseInput creates bufferization.alloc_tensor copies.
  void runOnOperation() override {
    Operation *root = getOperation();
    if (failed(checkLowerable(root)))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    QuantizedStorageTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    target.addIllegalOp<QuantizeOp, RequantizeOp, MatmulOp, DepthwiseConv2DOp,
                        quant::StorageCastOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<QuantizeLowering, RequantizeLowering, MatmulLowering,
                 DepthwiseConv2DLowering, StorageCastLowering>(typeConverter,
                                                               ctx);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      return signalPassFailure();
    // The layers read their weights as constants now.
    root->walk([](PackedWeightOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};

} // namespace
