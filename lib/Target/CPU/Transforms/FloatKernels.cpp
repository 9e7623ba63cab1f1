//===- FloatKernels.cpp - Float convolutions and matmuls to kernel calls ---===//
//
// The layers a model keeps in float32 (all of them when it is compiled
// without quantization) would otherwise lower through linalg to scalar
// loops. This pass rewrites float `tosa.conv2d` (im2col patches, the same
// gather as qopt-decompose's) and `tosa.matmul` with a constant right-hand
// side into calls of the kernel library's float GEMM,
// `qopt_rt_uk_matmul_f32f32`, with the weight repacked at compile time into
// its 16-channel panels, and float `tosa.depthwise_conv2d` into calls of its
// float depthwise kernel, `qopt_rt_uk_depthwise_conv2d_f32f32`. The kernel is the reference executor's float GEMM,
// so these layers keep the executor's bits (docs/Semantics.md).
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"
#include "KernelOperands.h"
#include "qopt/Conversion/QOptDecomposition/QOptDecomposition.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Executor/Executor.h"
#include "qopt-runtime/cpu.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCPUFLOATKERNELSPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

bool isStaticF32(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

/// Whether `v` is a constant whose every element is zero.
bool isConstantZero(Value v) {
  FailureOr<Tensor> t = exec::evaluateConstantValue(v);
  if (failed(t) || t->getDType() != DType::F32)
    return false;
  const float *d = t->data<float>();
  for (int64_t i = 0; i < t->getNumElements(); ++i)
    if (d[i] != 0.0f)
      return false;
  return true;
}

std::string blobName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str() + ".f32_panels";
  return "f32_panels";
}

/// The panels of an [n, k] row-major weight as a constant.
Value panelConstant(PatternRewriter &rewriter, Operation *op, const float *w,
                    int64_t n, int64_t k) {
  int64_t count = qopt_rt_f32_panel_elements(n, k);
  auto bytes = std::make_shared<std::vector<char>>(size_t(count) * 4);
  qopt_rt_pack_f32_panels(w, n, k, reinterpret_cast<float *>(bytes->data()));
  auto type = RankedTensorType::get({count}, rewriter.getF32Type());
  return arith::ConstantOp::create(rewriter, op->getLoc(),
                                   makeBlob(type, blobName(op), bytes));
}

Value floatVector(PatternRewriter &rewriter, Location loc,
                  ArrayRef<float> values) {
  auto type = RankedTensorType::get({int64_t(values.size())},
                                    rewriter.getF32Type());
  return arith::ConstantOp::create(rewriter, loc,
                                   DenseElementsAttr::get(type, values));
}

/// [m, n] = patches [m, k] x panels (+ bias [n]).
Value emitGemm(PatternRewriter &rewriter, Location loc, Value lhs,
               Value panels, Value bias, int64_t m, int64_t n, int64_t k) {
  int32_t flags = 0;
  if (bias)
    flags |= QOPT_RT_UK_HAS_BIAS;
  else
    bias = floatVector(rewriter, loc, {0.0f}); // an unread placeholder
  auto resultType = RankedTensorType::get({m, n}, rewriter.getF32Type());
  Value init =
      tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                              rewriter.getF32Type());
  SmallVector<Attribute> scalars = {
      rewriter.getI64IntegerAttr(m), rewriter.getI64IntegerAttr(n),
      rewriter.getI64IntegerAttr(k), rewriter.getI32IntegerAttr(flags)};
  SmallVector<Value> inputs = {denseInput(rewriter, loc, lhs), panels, bias};
  SmallVector<Value> outputs = {init};
  SmallVector<Type> results = {resultType};
  auto call = UKernelOp::create(
      rewriter, loc, results,
      rewriter.getStringAttr("qopt_rt_uk_matmul_f32f32"), inputs, outputs,
      rewriter.getArrayAttr(scalars));
  return call.getResult(0);
}

/// Whether a TOSA convolution is one the float kernels take: static
/// float32 operands and zero zero points.
template <typename ConvOp>
LogicalResult matchFloatConv(ConvOp op, PatternRewriter &rewriter) {
  if (!isStaticF32(op.getInput().getType()) ||
      !isStaticF32(op.getWeight().getType()) || !isStaticF32(op.getType()) ||
      !isStaticF32(op.getBias().getType()))
    return rewriter.notifyMatchFailure(op, "not static float32");
  if (!isConstantZero(op.getInputZp()) || !isConstantZero(op.getWeightZp()))
    return rewriter.notifyMatchFailure(op, "non-zero zero points");
  return success();
}

/// The bias of `n` output channels as a kernel reads it, [n]: the operand
/// itself (reshaped to rank 1), or a one-element constant broadcast.
FailureOr<Value> channelBias(PatternRewriter &rewriter, Operation *op,
                             Value bias, int64_t n) {
  Location loc = op->getLoc();
  auto biasType = cast<RankedTensorType>(bias.getType());
  if (biasType.getNumElements() != n) {
    FailureOr<Tensor> b = exec::evaluateConstantValue(bias);
    if (biasType.getNumElements() != 1 || failed(b) ||
        b->getDType() != DType::F32)
      return rewriter.notifyMatchFailure(op, "bias is neither one per output "
                                             "channel nor a constant scalar");
    return floatVector(rewriter, loc,
                       SmallVector<float>(size_t(n), b->data<float>()[0]));
  }
  if (biasType.getRank() == 1)
    return bias;
  return tensor::CollapseShapeOp::create(
             rewriter, loc, RankedTensorType::get({n}, rewriter.getF32Type()),
             bias,
             ArrayRef<ReassociationIndices>{llvm::to_vector(
                 llvm::seq<int64_t>(0, biasType.getRank()))})
      .getResult();
}

struct FloatConv2D : public OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(matchFloatConv(op, rewriter)))
      return failure();
    FailureOr<Tensor> weight = exec::evaluateConstantValue(op.getWeight());
    if (failed(weight) || weight->getDType() != DType::F32)
      return rewriter.notifyMatchFailure(op, "weight is not a constant");
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> w = weight->getShape(); // [O, KH, KW, C]
    int64_t o = w[0], k = w[1] * w[2] * w[3];
    if (w[3] != inputType.getDimSize(3) || resultType.getDimSize(3) != o)
      return rewriter.notifyMatchFailure(op, "channel counts disagree");
    Location loc = op.getLoc();

    FailureOr<Value> bias = channelBias(rewriter, op, op.getBias(), o);
    if (failed(bias))
      return failure();

    int64_t oh = resultType.getDimSize(1), ow = resultType.getDimSize(2);
    int64_t m = inputType.getDimSize(0) * oh * ow;
    Value patches = buildConvPatches(
        rewriter, loc, op.getInput(), {w[1], w[2]}, op.getPad(),
        op.getStride(), op.getDilation(), oh, ow, rewriter.getF32FloatAttr(0));
    Value panels = panelConstant(rewriter, op, weight->data<float>(), o, k);
    Value product = emitGemm(rewriter, loc, patches, panels, *bias, m, o, k);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, product,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
    return success();
  }
};

struct FloatMatmul : public OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    if (!isStaticF32(op.getA().getType()) ||
        !isStaticF32(op.getB().getType()) || !isStaticF32(op.getType()))
      return rewriter.notifyMatchFailure(op, "not static float32");
    auto aType = cast<RankedTensorType>(op.getA().getType());
    if (aType.getDimSize(0) != 1)
      return rewriter.notifyMatchFailure(op, "batch is not 1");
    if (!isConstantZero(op.getAZp()) || !isConstantZero(op.getBZp()))
      return rewriter.notifyMatchFailure(op, "non-zero zero points");
    FailureOr<Tensor> b = exec::evaluateConstantValue(op.getB());
    if (failed(b) || b->getDType() != DType::F32)
      return rewriter.notifyMatchFailure(op, "B is not a constant");
    int64_t m = aType.getDimSize(1), k = aType.getDimSize(2);
    int64_t n = b->getShape()[2];
    // The kernel's weight is [N, K]: B[0] transposed.
    std::vector<float> w(size_t(n * k));
    const float *bd = b->data<float>();
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c)
        w[size_t(c * k + r)] = bd[r * n + c];
    Location loc = op.getLoc();
    Value lhs = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({m, k}, rewriter.getF32Type()),
        op.getA(), ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    Value panels = panelConstant(rewriter, op, w.data(), n, k);
    Value product = emitGemm(rewriter, loc, lhs, panels, Value(), m, n, k);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, op.getType(), product, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    return success();
  }
};

/// Float tosa.depthwise_conv2d -> one qopt_rt_uk_depthwise_conv2d_f32f32
/// call on the NHWC input: the kernel reads TOSA's [KH, KW, C, M] weight as
/// it is, skips padding taps and sums them in (kh, kw) order from zero,
/// bias last, as the reference executor does.
struct FloatDepthwiseConv2D : public OpRewritePattern<tosa::DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(matchFloatConv(op, rewriter)))
      return failure();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> in = inputType.getShape(), w = weightType.getShape();
    int64_t oc = w[2] * w[3];
    if (w[2] != in[3] || resultType.getDimSize(3) != oc)
      return rewriter.notifyMatchFailure(op, "channel counts disagree");
    Location loc = op.getLoc();
    int32_t flags = QOPT_RT_UK_HAS_BIAS;
    FailureOr<Value> bias = channelBias(rewriter, op, op.getBias(), oc);
    if (failed(bias))
      return failure();
    ArrayRef<int64_t> pad = op.getPad(), stride = op.getStride(),
                      dilation = op.getDilation();
    SmallVector<Attribute> scalars;
    for (int64_t v : {in[0], in[1], in[2], in[3], w[3],
                      resultType.getDimSize(1), resultType.getDimSize(2), w[0],
                      w[1], pad[0], pad[2], stride[0], stride[1], dilation[0],
                      dilation[1]})
      scalars.push_back(rewriter.getI64IntegerAttr(v));
    scalars.push_back(rewriter.getI32IntegerAttr(flags));
    SmallVector<Value> inputs = {denseInput(rewriter, loc, op.getInput()),
                                 denseInput(rewriter, loc, op.getWeight()),
                                 denseInput(rewriter, loc, *bias)};
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         rewriter.getF32Type());
    SmallVector<Value> outputs = {init};
    SmallVector<Type> results = {resultType};
    auto call = UKernelOp::create(
        rewriter, loc, results,
        rewriter.getStringAttr("qopt_rt_uk_depthwise_conv2d_f32f32"), inputs,
        outputs, rewriter.getArrayAttr(scalars));
    rewriter.replaceOp(op, call.getResults());
    return success();
  }
};

struct QOptCPUFloatKernelsPass
    : public qopt::impl::QOptCPUFloatKernelsPassBase<QOptCPUFloatKernelsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FloatConv2D, FloatDepthwiseConv2D, FloatMatmul>(&getContext());
    // One application per op; nothing the patterns create matches again.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};

} // namespace
