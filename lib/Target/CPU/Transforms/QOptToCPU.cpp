//===- QOptToCPU.cpp - Quantized qopt ops to CPU microkernel calls --------===//
//
// Lowers the ops qopt-quantize produces to calls of the CPU kernel library
// (`qopt.ukernel`, include/qopt-runtime/cpu.h) and ordinary tensor/linalg
// IR. A dialect conversion replaces per-tensor `!quant.uniform` activation
// types with their int8 storage; packed weights become constants (bytes,
// scales, zero points) passed to the kernels, laid out as the storage ABI
// of docs/Semantics.md already prescribes.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt-runtime/cpu.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/AffineExpr.h"
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

/// Per-tensor quantized tensors become tensors of their storage type; every
/// other type (including packed weights, which the layer patterns read from
/// their defining op) is left alone.
class ActivationStorageTypeConverter : public TypeConverter {
public:
  ActivationStorageTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](RankedTensorType type) -> Type {
      if (auto q = dyn_cast<quant::UniformQuantizedType>(type.getElementType()))
        return type.clone(q.getStorageType());
      return type;
    });
  }
};

/// A 1-D constant tensor of `values`.
template <typename T>
Value constantVector(OpBuilder &b, Location loc, Type elementType,
                     ArrayRef<T> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, elementType);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// `v` itself, or a copy of it when it is a slice (tosa.slice /
/// tensor.extract_slice, possibly reshaped): slices bufferize to strided
/// views, and kernels read dense buffers. The importer writes grouped
/// convolutions and channel splits as slices of the input.
Value denseInput(OpBuilder &b, Location loc, Value v) {
  Value root = v;
  while (Operation *def = root.getDefiningOp()) {
    if (isa<tosa::SliceOp, tensor::ExtractSliceOp>(def)) {
      auto type = cast<RankedTensorType>(v.getType());
      return bufferization::AllocTensorOp::create(b, loc, type, ValueRange{},
                                                  v)
          .getResult();
    }
    if (!isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
             UnrealizedConversionCastOp>(def))
      break;
    root = def->getOperand(0);
  }
  return v;
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

/// The bias operand of a kernel call: `bias`, or an unread placeholder
/// (and no QOPT_RT_UK_HAS_BIAS in `flags`).
Value biasOperand(ConversionPatternRewriter &rewriter, Location loc,
                  Value bias, int32_t &flags) {
  if (bias) {
    flags |= QOPT_RT_UK_HAS_BIAS;
    return bias;
  }
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
  inputs.push_back(biasOperand(rewriter, loc, bias, flags));

  auto resultType = RankedTensorType::get({m, info.n}, rewriter.getF32Type());
  Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                       rewriter.getF32Type());
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
    name = "qopt_rt_uk_matmul_s8";
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

struct DequantizeLowering : public OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
        op.getInput().getType().getElementType(),
        [&] { return op.emitOpError(); });
    if (failed(act))
      return failure();
    Location loc = op.getLoc();
    auto resultType = op.getType();
    int64_t rank = resultType.getRank();
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    float scale = act->scale;
    int32_t zeroPoint = act->zeroPoint;
    // y = s * float(int32(q) - z), docs/Semantics.md.
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{adaptor.getInput()},
        ValueRange{init}, ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value wide = arith::ExtSIOp::create(b, l, b.getI32Type(), args[0]);
          Value z = arith::ConstantOp::create(b, l,
                                              b.getI32IntegerAttr(zeroPoint));
          Value centered = arith::SubIOp::create(b, l, wide, z);
          Value asFloat =
              arith::SIToFPOp::create(b, l, b.getF32Type(), centered);
          Value s = arith::ConstantOp::create(b, l, b.getF32FloatAttr(scale));
          linalg::YieldOp::create(b, l,
                                  ValueRange{arith::MulFOp::create(
                                      b, l, s, asFloat)});
        });
    rewriter.replaceOp(op, generic.getResults());
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

struct Conv2DLowering : public OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type elementType = inputType.getElementType();
    Type originalElementType = op.getInput().getType().getElementType();
    ArrayRef<int64_t> kernel = op.getKernel(), pad = op.getPad(),
                      stride = op.getStride(), dilation = op.getDilation();
    auto resultType = op.getType();
    int64_t b = inputType.getDimSize(0), c = inputType.getDimSize(3);
    int64_t oh = resultType.getDimSize(1), ow = resultType.getDimSize(2);
    int64_t rows = b * oh * ow, cols = kernel[0] * kernel[1] * c;
    auto colsType = RankedTensorType::get({rows, cols}, elementType);

    Value patches;
    bool pointwise = kernel[0] == 1 && kernel[1] == 1 && stride[0] == 1 &&
                     stride[1] == 1 && llvm::all_of(pad, [](int64_t p) {
                       return p == 0;
                     });
    if (pointwise) {
      patches = tensor::CollapseShapeOp::create(
          rewriter, loc, colsType, denseInput(rewriter, loc, input),
          ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
    } else {
      // Padded positions hold the zero point (integer path) or 0.0, so they
      // contribute nothing (docs/Semantics.md).
      TypedAttr padAttr = rewriter.getZeroAttr(elementType);
      if (auto q = dyn_cast<quant::UniformQuantizedType>(originalElementType))
        padAttr = rewriter.getIntegerAttr(elementType, q.getZeroPoint());
      Value padValue = arith::ConstantOp::create(rewriter, loc, padAttr);
      Value padded = input;
      if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
        SmallVector<OpFoldResult> low = {
            rewriter.getIndexAttr(0), rewriter.getIndexAttr(pad[0]),
            rewriter.getIndexAttr(pad[2]), rewriter.getIndexAttr(0)};
        SmallVector<OpFoldResult> high = {
            rewriter.getIndexAttr(0), rewriter.getIndexAttr(pad[1]),
            rewriter.getIndexAttr(pad[3]), rewriter.getIndexAttr(0)};
        auto paddedType = RankedTensorType::get(
            {b, inputType.getDimSize(1) + pad[0] + pad[1],
             inputType.getDimSize(2) + pad[2] + pad[3], c},
            elementType);
        padded = tensor::PadOp::create(rewriter, loc, paddedType, input, low,
                                       high, padValue);
      }
      // im2col: patches[b, oh, ow, kh, kw, c] =
      //   padded[b, oh * sh + kh * dh, ow * sw + kw * dw, c].
      MLIRContext *ctx = rewriter.getContext();
      AffineExpr db, doh, dow, dkh, dkw, dc;
      bindDims(ctx, db, doh, dow, dkh, dkw, dc);
      AffineMap gather = AffineMap::get(
          6, 0,
          {db, doh * stride[0] + dkh * dilation[0],
           dow * stride[1] + dkw * dilation[1], dc},
          ctx);
      AffineMap identity = rewriter.getMultiDimIdentityMap(6);
      Value init = tensor::EmptyOp::create(
          rewriter, loc, ArrayRef<int64_t>{b, oh, ow, kernel[0], kernel[1], c},
          elementType);
      SmallVector<utils::IteratorType> iterators(6,
                                                 utils::IteratorType::parallel);
      auto im2col = linalg::GenericOp::create(
          rewriter, loc, TypeRange{init.getType()}, ValueRange{padded},
          ValueRange{init}, ArrayRef<AffineMap>{gather, identity}, iterators,
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, ValueRange{args[0]});
          });
      patches = tensor::CollapseShapeOp::create(
          rewriter, loc, colsType, im2col.getResult(0),
          ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
    }
    FailureOr<Value> product =
        emitMatmulCall(rewriter, op, patches, originalElementType,
                       op.getWeight(), adaptor.getBias());
    if (failed(product))
      return failure();
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, *product,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
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
    inputs.push_back(biasOperand(rewriter, loc, adaptor.getBias(), flags));
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         rewriter.getF32Type());
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
      name = "qopt_rt_uk_depthwise_conv2d_s8";
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
  WalkResult result = root->walk([](Operation *op) {
    bool isLayer = isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(op);
    if (isLayer || isa<QuantizeOp, DequantizeOp, PackedWeightOp>(op)) {
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
        if (!isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(user) ||
            user->getOperand(1) != packed.getResult()) {
          user->emitOpError("uses a packed weight; only the weight operand "
                            "of qopt.matmul, qopt.conv2d and "
                            "qopt.depthwise_conv2d can");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    }
    if (isa<QuantizeOp>(op) || isLayer || isa<DequantizeOp>(op))
      return WalkResult::advance();
    for (Type type : llvm::concat<Type>(llvm::to_vector(op->getOperandTypes()),
                                        llvm::to_vector(op->getResultTypes())))
      if (isQuantizedActivation(type)) {
        op->emitOpError("uses a quantized tensor (")
            << type
            << "); the CPU backend lowers quantized values only through "
               "qopt.quantize, qopt.dequantize, qopt.matmul, qopt.conv2d and "
               "qopt.depthwise_conv2d";
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
    ActivationStorageTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    target.addIllegalOp<QuantizeOp, DequantizeOp, MatmulOp, Conv2DOp,
                        DepthwiseConv2DOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<QuantizeLowering, DequantizeLowering, MatmulLowering,
                 Conv2DLowering, DepthwiseConv2DLowering>(typeConverter, ctx);
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
