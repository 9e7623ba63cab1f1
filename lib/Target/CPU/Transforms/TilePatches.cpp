//===- TilePatches.cpp - Row tiles of im2col + GEMM kernel calls ----------===//
//
// A convolution lowered to a GEMM kernel call reads its whole im2col patch
// matrix, [B*OH*OW, KH*KW*C]: KH*KW times the input, for every image of
// the batch at once. This pass rewrites each such pair into a loop over
// tiles of R output rows of one image: the patches of a tile are gathered
// from a window of the (padded) input and multiplied at once, so the patch
// buffer is bounded by the tile size whatever the batch. Rows of the
// product are independent, so every output element is computed by the
// same instructions as before.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCPUTILEPATCHESPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// The GEMM kernels: ins[0] is the [M, K] left-hand side, outs[0] the
/// [M, N] result, scalars[0] is M; rows are independent.
bool isGemmKernel(StringRef name) {
  return name == "qopt_rt_uk_matmul_f32f32" || name == "qopt_rt_uk_matmul_f32" ||
         name == "qopt_rt_uk_matmul_f32_lut" ||
         name == "qopt_rt_uk_matmul_s8" || name == "qopt_rt_uk_matmul_s8_acc";
}

/// An im2col gather of buildConvPatches: patches[b, oh, ow, kh, kw, c] =
/// source[b, oh * sh + kh * dh, ow * sw + kw * dw, c].
struct Im2Col {
  linalg::GenericOp op;
  tensor::CollapseShapeOp rows; // [B*OH*OW, KH*KW*C]
  Value source;                 // [B, Hp, Wp, C]
  int64_t b, oh, ow, kh, kw, c;
  int64_t sh, sw, dh, dw;
};

/// `patches` as an Im2Col, or nothing when it is not one (a 1x1
/// convolution's reshape, any other producer).
std::optional<Im2Col> matchIm2Col(Value patches) {
  auto rows = patches.getDefiningOp<tensor::CollapseShapeOp>();
  if (!rows)
    return std::nullopt;
  auto generic = rows.getSrc().getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() != 6 ||
      !generic->hasOneUse() ||
      !generic.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = rows.getReassociationIndices();
  if (groups.size() != 2 || groups[0] != ReassociationIndices{0, 1, 2} ||
      groups[1] != ReassociationIndices{3, 4, 5})
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 || !yield ||
      yield.getNumOperands() != 1 || yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  auto outType = cast<RankedTensorType>(generic.getResult(0).getType());
  auto srcType = dyn_cast<RankedTensorType>(generic.getDpsInputs()[0].getType());
  if (!outType.hasStaticShape() || !srcType || !srcType.hasStaticShape() ||
      srcType.getRank() != 4)
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  MLIRContext *ctx = generic.getContext();
  if (maps[1] != AffineMap::getMultiDimIdentityMap(6, ctx) ||
      maps[0].getNumResults() != 4 || maps[0].getNumSymbols() != 0)
    return std::nullopt;
  // The map is linear: read its coefficients off unit vectors, then check
  // that it is exactly the gather they describe.
  auto coefficient = [&](unsigned dim, unsigned result) {
    SmallVector<int64_t> point(6, 0);
    point[dim] = 1;
    return maps[0].compose(point)[result];
  };
  Im2Col m;
  m.op = generic;
  m.rows = rows;
  m.source = generic.getDpsInputs()[0];
  ArrayRef<int64_t> s = outType.getShape();
  m.b = s[0], m.oh = s[1], m.ow = s[2], m.kh = s[3], m.kw = s[4], m.c = s[5];
  m.sh = coefficient(1, 1), m.dh = coefficient(3, 1);
  m.sw = coefficient(2, 2), m.dw = coefficient(4, 2);
  AffineExpr db, doh, dow, dkh, dkw, dc;
  bindDims(ctx, db, doh, dow, dkh, dkw, dc);
  AffineMap expected = AffineMap::get(
      6, 0, {db, doh * m.sh + dkh * m.dh, dow * m.sw + dkw * m.dw, dc}, ctx);
  if (maps[0] != expected || srcType.getDimSize(0) != m.b ||
      srcType.getDimSize(3) != m.c || m.sh < 1 || m.sw < 1 || m.dh < 1 ||
      m.dw < 1)
    return std::nullopt;
  return m;
}

/// The largest divisor R of `oh` whose tile (R output rows of one image)
/// takes at most `budget` bytes of patches, and at least 1.
int64_t rowsPerTile(int64_t oh, int64_t rowBytes, int64_t budget) {
  int64_t best = 1;
  for (int64_t r = 1; r <= oh; ++r)
    if (oh % r == 0 && r * rowBytes <= budget)
      best = r;
  return best;
}

struct TileGemmOverPatches : public OpRewritePattern<UKernelOp> {
  TileGemmOverPatches(MLIRContext *ctx, int64_t budget)
      : OpRewritePattern(ctx), budget(budget) {}

  LogicalResult matchAndRewrite(UKernelOp call,
                                PatternRewriter &rewriter) const override {
    if (!isGemmKernel(call.getName()) || !call.hasPureTensorSemantics() ||
        call.getOutputs().size() != 1 || call.getInputs().empty() ||
        call.getScalars().empty())
      return rewriter.notifyMatchFailure(call, "not a GEMM kernel on tensors");
    std::optional<Im2Col> im2col = matchIm2Col(call.getInputs()[0]);
    if (!im2col || !im2col->rows->hasOneUse())
      return rewriter.notifyMatchFailure(call, "left-hand side is not im2col");
    auto lhsType = cast<RankedTensorType>(call.getInputs()[0].getType());
    auto outType = cast<RankedTensorType>(call.getOutputs()[0].getType());
    int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
    auto mAttr = dyn_cast<IntegerAttr>(call.getScalars()[0]);
    if (!mAttr || mAttr.getInt() != m || !outType.hasStaticShape() ||
        outType.getDimSize(0) != m ||
        !call.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      return rewriter.notifyMatchFailure(call, "unexpected kernel operands");
    Im2Col g = *im2col;
    int64_t elementBytes =
        (lhsType.getElementType().getIntOrFloatBitWidth() + 7) / 8;
    int64_t rowBytes = g.ow * k * elementBytes;
    if (g.oh * rowBytes * g.b <= budget)
      return rewriter.notifyMatchFailure(call, "patches fit the budget");
    int64_t r = rowsPerTile(g.oh, rowBytes, budget);
    int64_t tilesPerImage = g.oh / r, tiles = g.b * tilesPerImage;
    int64_t tileRows = r * g.ow, n = outType.getDimSize(1);
    auto srcType = cast<RankedTensorType>(g.source.getType());
    int64_t windowH = (r - 1) * g.sh + (g.kh - 1) * g.dh + 1;
    Type elementType = lhsType.getElementType();

    Location loc = call.getLoc();
    rewriter.setInsertionPoint(call);
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    Value zero = index(0), one = index(1);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, index(tiles), one,
        ValueRange{call.getOutputs()[0]},
        [&](OpBuilder &b, Location l, Value tile, ValueRange iter) {
          auto cst = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v).getResult();
          };
          Value image = arith::DivUIOp::create(b, l, tile, cst(tilesPerImage));
          Value band = arith::RemUIOp::create(b, l, tile, cst(tilesPerImage));
          Value firstRow = arith::MulIOp::create(b, l, band, cst(r * g.sh));
          // The input rows the tile's patches read.
          SmallVector<OpFoldResult> offsets = {image, firstRow,
                                               b.getIndexAttr(0),
                                               b.getIndexAttr(0)};
          SmallVector<OpFoldResult> sizes = {
              b.getIndexAttr(1), b.getIndexAttr(windowH),
              b.getIndexAttr(srcType.getDimSize(2)), b.getIndexAttr(g.c)};
          SmallVector<OpFoldResult> unit(4, b.getIndexAttr(1));
          Value window = tensor::ExtractSliceOp::create(
              b, l,
              RankedTensorType::get({1, windowH, srcType.getDimSize(2), g.c},
                                    elementType),
              g.source, offsets, sizes, unit);
          Value init = tensor::EmptyOp::create(
              b, l, ArrayRef<int64_t>{1, r, g.ow, g.kh, g.kw, g.c},
              elementType);
          auto gather = linalg::GenericOp::create(
              b, l, TypeRange{init.getType()}, ValueRange{window},
              ValueRange{init}, g.op.getIndexingMapsArray(),
              g.op.getIteratorTypesArray(),
              [](OpBuilder &nb, Location nl, ValueRange args) {
                linalg::YieldOp::create(nb, nl, ValueRange{args[0]});
              });
          Value patches = tensor::CollapseShapeOp::create(
              b, l, RankedTensorType::get({tileRows, k}, elementType),
              gather.getResult(0),
              ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
          // The tile's rows of the product, written in place.
          Value rowOffset = arith::MulIOp::create(b, l, tile, cst(tileRows));
          SmallVector<OpFoldResult> outOffsets = {rowOffset, b.getIndexAttr(0)};
          SmallVector<OpFoldResult> outSizes = {b.getIndexAttr(tileRows),
                                                b.getIndexAttr(n)};
          SmallVector<OpFoldResult> outStrides(2, b.getIndexAttr(1));
          auto tileType =
              RankedTensorType::get({tileRows, n}, outType.getElementType());
          Value dest = tensor::ExtractSliceOp::create(
              b, l, tileType, iter[0], outOffsets, outSizes, outStrides);
          SmallVector<Value> inputs(call.getInputs());
          inputs[0] = patches;
          SmallVector<Attribute> scalars(call.getScalars().getValue());
          scalars[0] = b.getI64IntegerAttr(tileRows);
          auto tiled = UKernelOp::create(
              b, l, TypeRange{tileType}, call.getNameAttr(), inputs,
              ValueRange{dest}, b.getArrayAttr(scalars));
          Value updated = tensor::InsertSliceOp::create(
              b, l, tiled.getResult(0), iter[0], outOffsets, outSizes,
              outStrides);
          scf::YieldOp::create(b, l, updated);
        });
    rewriter.replaceOp(call, loop.getResults());
    rewriter.eraseOp(g.rows);
    rewriter.eraseOp(g.op);
    return success();
  }

  int64_t budget;
};

struct QOptCPUTilePatchesPass
    : public qopt::impl::QOptCPUTilePatchesPassBase<QOptCPUTilePatchesPass> {
  using Base::Base;

  void runOnOperation() override {
    if (tileBytes < 1) {
      getOperation()->emitError()
          << "qopt-cpu-tile-patches: tile-bytes must be at least 1, not "
          << int64_t(tileBytes);
      return signalPassFailure();
    }
    // One rewrite per kernel call; the tiled calls read tile patches that
    // are within the budget, so nothing matches twice.
    RewritePatternSet patterns(&getContext());
    patterns.add<TileGemmOverPatches>(&getContext(), int64_t(tileBytes));
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};

} // namespace
