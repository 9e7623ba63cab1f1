//===- QOptDecomposition.cpp - Target-neutral qopt decompositions ---------===//
//
// The rewrites of include/qopt/Conversion/QOptDecomposition and the
// qopt-decompose pass that applies them. They are defined by the op
// semantics alone (docs/Semantics.md: a convolution is qopt.matmul over
// its im2col patches; padding holds the zero point), so every target runs
// them before its own kernel lowering.
//
//===----------------------------------------------------------------------===//

#include "qopt/Conversion/QOptDecomposition/QOptDecomposition.h"
#include "qopt/Conversion/Passes.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTDECOMPOSEPASS
#include "qopt/Conversion/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

QuantizedStorageTypeConverter::QuantizedStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    if (auto q = dyn_cast<quant::UniformQuantizedType>(type.getElementType()))
      return type.clone(q.getStorageType());
    return type;
  });
}

namespace {

/// The per-tensor quantized element type of `type`, or null.
quant::UniformQuantizedType perTensorElementType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor ? dyn_cast<quant::UniformQuantizedType>(tensor.getElementType())
                : quant::UniformQuantizedType();
}

/// `value` reinterpreted with element type `elementType` (a quant.scast
/// between a quantized type and its storage), or `value` when it already
/// has it.
Value castElements(OpBuilder &b, Location loc, Value value, Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == elementType)
    return value;
  return quant::StorageCastOp::create(b, loc, type.clone(elementType), value);
}

} // namespace

Value mlir::qopt::buildConvPatches(OpBuilder &rewriter, Location loc,
                                   Value input, ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> pad,
                                   ArrayRef<int64_t> stride,
                                   ArrayRef<int64_t> dilation, int64_t oh,
                                   int64_t ow, TypedAttr padAttr) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Type elementType = inputType.getElementType();
  int64_t b = inputType.getDimSize(0), c = inputType.getDimSize(3);
  int64_t rows = b * oh * ow, cols = kernel[0] * kernel[1] * c;
  auto colsType = RankedTensorType::get({rows, cols}, elementType);
  bool padded = llvm::any_of(pad, [](int64_t p) { return p != 0; });
  bool pointwise = kernel[0] == 1 && kernel[1] == 1 && stride[0] == 1 &&
                   stride[1] == 1 && !padded;
  if (pointwise)
    return tensor::CollapseShapeOp::create(
        rewriter, loc, colsType, input,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
  Value source = input;
  if (padded) {
    Value padValue = arith::ConstantOp::create(rewriter, loc, padAttr);
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
    source = tensor::PadOp::create(rewriter, loc, paddedType, input, low,
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
  SmallVector<utils::IteratorType> iterators(6, utils::IteratorType::parallel);
  auto im2col = linalg::GenericOp::create(
      rewriter, loc, TypeRange{init.getType()}, ValueRange{source},
      ValueRange{init}, ArrayRef<AffineMap>{gather, identity}, iterators,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, ValueRange{args[0]});
      });
  return tensor::CollapseShapeOp::create(
      rewriter, loc, colsType, im2col.getResult(0),
      ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

namespace {

struct Conv2DToMatmul : public OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = op.getInput().getType();
    auto resultType = op.getType();
    if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Type originalElementType = inputType.getElementType();
    quant::UniformQuantizedType quantized =
        perTensorElementType(op.getInput().getType());
    if (!quantized && !originalElementType.isF32())
      return rewriter.notifyMatchFailure(op, "input is neither f32 nor "
                                             "per-tensor quantized");
    // Gather on the storage type: tensor.pad and linalg.generic need a
    // plain element type (and a constant pad value).
    Type elementType =
        quantized ? quantized.getStorageType() : originalElementType;
    Value input = castElements(rewriter, loc, op.getInput(), elementType);

    ArrayRef<int64_t> kernel = op.getKernel(), pad = op.getPad(),
                      stride = op.getStride(), dilation = op.getDilation();
    int64_t b = inputType.getDimSize(0);
    int64_t oh = resultType.getDimSize(1), ow = resultType.getDimSize(2);
    int64_t rows = b * oh * ow;
    // Padded positions hold the zero point (integer path) or 0.0, so they
    // contribute nothing (docs/Semantics.md).
    TypedAttr padAttr =
        quantized ? TypedAttr(rewriter.getIntegerAttr(
                        elementType, quantized.getZeroPoint()))
                  : TypedAttr(rewriter.getZeroAttr(elementType));
    Value patches = buildConvPatches(rewriter, loc, input, kernel, pad, stride,
                                     dilation, oh, ow, padAttr);
    patches = castElements(rewriter, loc, patches, originalElementType);
    auto productType = RankedTensorType::get({rows, resultType.getDimSize(3)},
                                             resultType.getElementType());
    auto matmul = MatmulOp::create(rewriter, loc, productType, patches,
                                   op.getWeight(), op.getBias());
    matmul->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, matmul.getResult(),
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
    return success();
  }
};

struct DequantizeToLinalg : public OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    quant::UniformQuantizedType quantized =
        perTensorElementType(op.getInput().getType());
    if (!quantized)
      return rewriter.notifyMatchFailure(op, "input is not per-tensor "
                                             "quantized");
    FailureOr<ActivationQuantInfo> act = getActivationQuantInfo(
        quantized, [&] { return op.emitOpError(); });
    if (failed(act))
      return failure();
    Location loc = op.getLoc();
    auto resultType = op.getType();
    int64_t rank = resultType.getRank();
    Value input =
        castElements(rewriter, loc, op.getInput(), quantized.getStorageType());
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, op.getInput());
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes,
                                         resultType.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    float scale = act->scale;
    int32_t zeroPoint = act->zeroPoint;
    // y = s * float(int32(q) - z), docs/Semantics.md.
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{input},
        ValueRange{init}, ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value wide = arith::ExtSIOp::create(nb, l, nb.getI32Type(), args[0]);
          Value z = arith::ConstantOp::create(nb, l,
                                              nb.getI32IntegerAttr(zeroPoint));
          Value centered = arith::SubIOp::create(nb, l, wide, z);
          Value asFloat =
              arith::SIToFPOp::create(nb, l, nb.getF32Type(), centered);
          Value s = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(scale));
          linalg::YieldOp::create(
              nb, l, ValueRange{arith::MulFOp::create(nb, l, s, asFloat)});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// A TOSA op that only moves or selects int8 codes (transpose, reshape,
/// max-pooling: they commute with the quantization, so integer-only chains
/// run them on `!quant.uniform` tensors) -> the same op on the storage
/// type between quant.scasts, which targets lower like any integer op.
struct QuantizedDataMovementToStorage : public RewritePattern {
  QuantizedDataMovementToStorage(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::MaxPool2dOp>(op))
      return failure();
    quant::UniformQuantizedType quantized =
        perTensorElementType(op->getOperand(0).getType());
    if (!quantized || perTensorElementType(op->getResult(0).getType()) !=
                          quantized)
      return rewriter.notifyMatchFailure(op, "not on per-tensor codes");
    Location loc = op->getLoc();
    Type storage = quantized.getStorageType();
    IRMapping mapping;
    mapping.map(op->getOperand(0),
                castElements(rewriter, loc, op->getOperand(0), storage));
    Operation *onStorage = rewriter.clone(*op, mapping);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    onStorage->getResult(0).setType(resultType.clone(storage));
    rewriter.replaceOp(op, castElements(rewriter, loc,
                                        onStorage->getResult(0), quantized));
    return success();
  }
};

struct QOptDecomposePass
    : public qopt::impl::QOptDecomposePassBase<QOptDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateQOptDecompositionPatterns(patterns);
    // Only the patterns: folding or reordering the rest of the IR is the
    // canonicalizer's job.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};

} // namespace

void mlir::qopt::populateQOptConvToMatmulPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DToMatmul>(patterns.getContext());
}

void mlir::qopt::populateQOptDequantizeToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DequantizeToLinalg>(patterns.getContext());
}

void mlir::qopt::populateQOptCodeMovementToStoragePatterns(
    RewritePatternSet &patterns) {
  patterns.add<QuantizedDataMovementToStorage>(patterns.getContext());
}

void mlir::qopt::populateQOptDecompositionPatterns(
    RewritePatternSet &patterns) {
  populateQOptConvToMatmulPatterns(patterns);
  populateQOptDequantizeToLinalgPatterns(patterns);
  populateQOptCodeMovementToStoragePatterns(patterns);
}
