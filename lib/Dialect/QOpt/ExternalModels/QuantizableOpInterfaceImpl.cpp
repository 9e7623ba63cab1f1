//===- QuantizableOpInterfaceImpl.cpp - Upstream layer ops -----------------===//
//
// External models of QuantizableOpInterface for TOSA and linalg ops.
//
// TOSA ops have fixed layouts and get one small model each. linalg ops share
// one model that reads the weight's indexing map: a weight dimension indexed
// by a reduction loop is a reduction axis; among the dimensions indexed by
// parallel loops that also index the output, the output-channel axis is the
// one the other input does not use (N of a matmul, F of a convolution),
// falling back to the last such dimension when every one is shared (the C of
// a depthwise convolution).
//
// Each model also reports its input's patch geometry (PatchGeometry.h): the
// window and layout of the convolutions, the rows of the matrix products.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/ExternalModels/QuantizableOpInterfaceImpl.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// Number of elements of a static shape, or std::nullopt.
std::optional<int64_t> staticNumElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return std::nullopt;
  return shaped.getNumElements();
}

/// MACs of a layer whose every output element reduces over the weight's
/// `reductionAxes`: numElements(output) * prod(weight[reductionAxes]).
std::optional<int64_t> outputTimesReduction(Operation *op, unsigned weightIndex,
                                            ArrayRef<int64_t> reductionAxes) {
  std::optional<int64_t> outputs = staticNumElements(op->getResult(0).getType());
  // TOSA and linalg operands are shaped (tensors or memrefs) by their ODS.
  auto weightType = cast<ShapedType>(op->getOperand(weightIndex).getType());
  if (!outputs || !weightType.hasStaticShape())
    return std::nullopt;
  int64_t macs = *outputs;
  for (int64_t axis : reductionAxes)
    macs *= weightType.getDimSize(axis);
  return macs;
}

/// The static shape of a shaped value, or std::nullopt.
std::optional<ArrayRef<int64_t>> staticShape(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  if (!shaped || !shaped.hasStaticShape())
    return std::nullopt;
  return shaped.getShape();
}

/// True if `v` is ranked with rank `rank` or unranked (the input's other
/// dimensions may be dynamic: only the weight fixes the patch space).
bool mayHaveRank(Value v, int64_t rank) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped && (!shaped.hasRank() || shaped.getRank() == rank);
}

/// The geometry of an NHWC window over operand `input` whose patch space is
/// the weight's (kh, kw, c) axes; `weightKHW` are the weight axes of kh and
/// kw, `dropAxis` the one weight axis left out (-1: none). The weight must
/// be static.
std::optional<PatchGeometry>
nhwcWindow(Operation *op, unsigned input, unsigned weight,
           std::array<int64_t, 2> weightKHW, int64_t dropAxis,
           ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
           ArrayRef<int64_t> pad) {
  std::optional<ArrayRef<int64_t>> ws = staticShape(op->getOperand(weight));
  if (!ws || !mayHaveRank(op->getOperand(input), 4) || stride.size() != 2 ||
      dilation.size() != 2 || pad.size() != 4)
    return std::nullopt;
  PatchGeometry g;
  g.layout = PatchGeometry::InputLayout::NHWCWindow;
  g.inputOperandIndex = input;
  g.kernel = {(*ws)[weightKHW[0]], (*ws)[weightKHW[1]]};
  g.stride = {stride[0], stride[1]};
  g.dilation = {dilation[0], dilation[1]};
  g.pad = {pad[0], pad[1], pad[2], pad[3]};
  g.weightDropAxis = dropAxis;
  for (auto [axis, size] : llvm::enumerate(*ws))
    if (int64_t(axis) != dropAxis)
      g.patchShape.push_back(size);
  return g;
}

/// The geometry of a matrix product's left operand [batch..., M, K] (operand
/// `input`); a weight batch axis of size `batch` pairs with the input's.
PatchGeometry rowsGeometry(unsigned input, int64_t batch, int64_t k,
                           int64_t dropAxis, int64_t resultChannelAxis) {
  PatchGeometry g;
  g.layout = PatchGeometry::InputLayout::Rows;
  g.inputOperandIndex = input;
  g.batch = batch;
  if (batch != 1)
    g.patchShape.push_back(batch);
  g.patchShape.push_back(k);
  g.weightDropAxis = dropAxis;
  g.resultChannelAxis = resultChannelAxis;
  return g;
}

/// tosa.conv2d / tosa.conv3d: weight [OC, K..., IC], output [N, ..., OC].
template <typename OpTy>
struct TosaConvModel
    : public QuantizableOpInterface::ExternalModel<TosaConvModel<OpTy>, OpTy> {
  unsigned getWeightOperandIndex(Operation *) const { return 1; }
  SmallVector<int64_t> getWeightReductionAxes(Operation *op) const {
    // TOSA allows unranked weights: they have no axes to report (and the
    // interface verifier rejects them).
    auto weightType = cast<ShapedType>(op->getOperand(1).getType());
    if (!weightType.hasRank())
      return {};
    return llvm::to_vector(llvm::seq<int64_t>(1, weightType.getRank()));
  }
  int64_t getWeightOutputChannelAxis(Operation *) const { return 0; }
  std::optional<int64_t> getMACs(Operation *op) const {
    return outputTimesReduction(op, 1, getWeightReductionAxes(op));
  }
  /// conv2d: an NHWC window in the weight's (kh, kw, ic) order; conv3d has
  /// no patch view yet.
  std::optional<PatchGeometry> getPatchGeometry(Operation *op) const {
    if constexpr (!std::is_same_v<OpTy, tosa::Conv2DOp>) {
      return std::nullopt;
    } else {
      auto conv = cast<tosa::Conv2DOp>(op);
      std::optional<PatchGeometry> g =
          nhwcWindow(op, 0, 1, {1, 2}, /*dropAxis=*/0, conv.getStride(),
                     conv.getDilation(), conv.getPad());
      if (g) {
        g->resultChannelAxis = 3;
        g->biasOperandIndex = conv.getBiasMutable().getOperandNumber();
      }
      return g;
    }
  }
};

/// tosa.depthwise_conv2d: weight [KH, KW, C, M], output [N, OH, OW, C*M].
struct TosaDepthwiseConv2DModel
    : public QuantizableOpInterface::ExternalModel<TosaDepthwiseConv2DModel,
                                                   tosa::DepthwiseConv2DOp> {
  unsigned getWeightOperandIndex(Operation *) const { return 1; }
  SmallVector<int64_t> getWeightReductionAxes(Operation *) const {
    return {0, 1};
  }
  int64_t getWeightOutputChannelAxis(Operation *) const { return 2; }
  std::optional<int64_t> getMACs(Operation *op) const {
    return outputTimesReduction(op, 1, {0, 1});
  }
  /// An NHWC window over all channels in (kh, kw, c) order: the weight
  /// without its multiplier axis M.
  std::optional<PatchGeometry> getPatchGeometry(Operation *op) const {
    auto conv = cast<tosa::DepthwiseConv2DOp>(op);
    std::optional<PatchGeometry> g =
        nhwcWindow(op, 0, 1, {0, 1}, /*dropAxis=*/3, conv.getStride(),
                   conv.getDilation(), conv.getPad());
    if (g) {
      g->depthwise = true;
      g->biasOperandIndex = conv.getBiasMutable().getOperandNumber();
    }
    return g;
  }
};

/// tosa.transpose_conv2d: weight [OC, KH, KW, IC], input [N, IH, IW, IC];
/// every input element is multiplied by OC*KH*KW weights.
struct TosaTransposeConv2DModel
    : public QuantizableOpInterface::ExternalModel<TosaTransposeConv2DModel,
                                                   tosa::TransposeConv2DOp> {
  unsigned getWeightOperandIndex(Operation *) const { return 1; }
  SmallVector<int64_t> getWeightReductionAxes(Operation *) const {
    return {1, 2, 3};
  }
  int64_t getWeightOutputChannelAxis(Operation *) const { return 0; }
  std::optional<int64_t> getMACs(Operation *op) const {
    std::optional<int64_t> inputs = staticNumElements(op->getOperand(0).getType());
    auto weightType = cast<ShapedType>(op->getOperand(1).getType());
    if (!inputs || !weightType.hasStaticShape())
      return std::nullopt;
    return *inputs * weightType.getDimSize(0) * weightType.getDimSize(1) *
           weightType.getDimSize(2);
  }
};

/// tosa.matmul: a [N, H, C] x b [N, C, W] -> [N, H, W]; b is the weight.
struct TosaMatMulModel
    : public QuantizableOpInterface::ExternalModel<TosaMatMulModel,
                                                   tosa::MatMulOp> {
  unsigned getWeightOperandIndex(Operation *) const { return 1; }
  SmallVector<int64_t> getWeightReductionAxes(Operation *) const { return {1}; }
  int64_t getWeightOutputChannelAxis(Operation *) const { return 2; }
  std::optional<int64_t> getMACs(Operation *op) const {
    return outputTimesReduction(op, 1, {1});
  }
  /// Rows of C of a [N, H, C]; weight batches pair with input batches.
  std::optional<PatchGeometry> getPatchGeometry(Operation *op) const {
    std::optional<ArrayRef<int64_t>> ws = staticShape(op->getOperand(1));
    if (!ws || ws->size() != 3 || !mayHaveRank(op->getOperand(0), 3))
      return std::nullopt;
    return rowsGeometry(0, (*ws)[0], (*ws)[1], /*dropAxis=*/2,
                        /*resultChannelAxis=*/2);
  }
};

/// Any named linalg convolution or contraction; the weight is DPS input
/// `WeightInput`.
template <typename OpTy, unsigned WeightInput>
struct LinalgLayerModel
    : public QuantizableOpInterface::ExternalModel<
          LinalgLayerModel<OpTy, WeightInput>, OpTy> {
  unsigned getWeightOperandIndex(Operation *op) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    return linalgOp.getDpsInputOperand(WeightInput)->getOperandNumber();
  }

  /// Loop dimension indexing each weight dimension (-1 if not a plain dim).
  static SmallVector<int64_t> weightLoopDims(linalg::LinalgOp op) {
    AffineMap map =
        op.getMatchingIndexingMap(op.getDpsInputOperand(WeightInput));
    SmallVector<int64_t> dims;
    for (AffineExpr expr : map.getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      dims.push_back(dim ? int64_t(dim.getPosition()) : -1);
    }
    return dims;
  }

  SmallVector<int64_t> getWeightReductionAxes(Operation *op) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    SmallVector<utils::IteratorType> iterators =
        linalgOp.getIteratorTypesArray();
    SmallVector<int64_t> axes;
    for (auto [axis, loop] : llvm::enumerate(weightLoopDims(linalgOp)))
      if (loop >= 0 && iterators[loop] == utils::IteratorType::reduction)
        axes.push_back(axis);
    return axes;
  }

  int64_t getWeightOutputChannelAxis(Operation *op) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    SmallVector<utils::IteratorType> iterators =
        linalgOp.getIteratorTypesArray();
    AffineMap outputMap =
        linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
    AffineMap otherMap = linalgOp.getMatchingIndexingMap(
        linalgOp.getDpsInputOperand(1 - WeightInput));
    int64_t fallback = -1;
    for (auto [axis, loop] : llvm::enumerate(weightLoopDims(linalgOp))) {
      if (loop < 0 || iterators[loop] != utils::IteratorType::parallel ||
          !outputMap.isFunctionOfDim(loop))
        continue;
      if (!otherMap.isFunctionOfDim(loop))
        return axis;
      fallback = axis;
    }
    return fallback;
  }

  std::optional<int64_t> getMACs(Operation *op) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    int64_t macs = 1;
    for (int64_t range : linalgOp.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(range))
        return std::nullopt;
      macs *= range;
    }
    return macs;
  }

  std::optional<PatchGeometry> getPatchGeometry(Operation *op) const;
};

/// The patch geometry of the named linalg ops whose layout qopt knows:
/// matmul and batch_matmul with the left operand in its default layout (the
/// weight may be transposed: its K order is its own), NHWC convolutions
/// (padding is a separate tensor.pad in linalg). Others (NCHW, grouped,
/// 1-D/3-D convolutions, matrix-vector products, linalg.contract) have none.
std::optional<PatchGeometry> linalgPatchGeometry(linalg::LinalgOp op,
                                                 unsigned weightInput,
                                                 int64_t outputAxis) {
  if (weightInput != 1 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  unsigned input = op.getDpsInputOperand(0)->getOperandNumber();
  unsigned weight = op.getDpsInputOperand(1)->getOperandNumber();
  std::optional<ArrayRef<int64_t>> ws = staticShape(op->getOperand(weight));
  if (!ws || outputAxis < 0)
    return std::nullopt;
  int64_t weightSize = 1;
  for (int64_t d : *ws)
    weightSize *= d;
  MLIRContext *ctx = op->getContext();
  AffineMap inputMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));

  if (isa<linalg::MatmulOp>(op)) {
    if (inputMap != linalg::MatmulOp::getDefaultIndexingMaps(ctx)[0])
      return std::nullopt;
    int64_t n = (*ws)[outputAxis];
    return rowsGeometry(input, 1, n ? weightSize / n : 0, outputAxis,
                        /*resultChannelAxis=*/1);
  }
  if (isa<linalg::BatchMatmulOp>(op)) {
    // The weight's batch axis is its first unless the maps transpose it.
    AffineMap weightMap =
        op.getMatchingIndexingMap(op.getDpsInputOperand(1));
    if (inputMap != linalg::BatchMatmulOp::getDefaultIndexingMaps(ctx)[0] ||
        weightMap.getNumResults() != 3 ||
        weightMap.getResult(0) != getAffineDimExpr(0, ctx))
      return std::nullopt;
    int64_t batchAndN = (*ws)[0] * (*ws)[outputAxis];
    return rowsGeometry(input, (*ws)[0],
                        batchAndN ? weightSize / batchAndN : 0, outputAxis,
                        /*resultChannelAxis=*/2);
  }

  auto attrValues = [&](StringRef name) {
    SmallVector<int64_t> values = {1, 1};
    if (auto attr = op->getAttrOfType<DenseIntElementsAttr>(name))
      values = llvm::to_vector(attr.getValues<int64_t>());
    return values;
  };
  SmallVector<int64_t> stride = attrValues("strides");
  SmallVector<int64_t> dilation = attrValues("dilations");
  SmallVector<int64_t> pad = {0, 0, 0, 0};
  std::optional<PatchGeometry> g;
  if (isa<linalg::Conv2DNhwcHwcfOp>(op)) {
    g = nhwcWindow(op, input, weight, {0, 1}, 3, stride, dilation, pad);
    if (g)
      g->resultChannelAxis = 3;
  } else if (isa<linalg::Conv2DNhwcFhwcOp>(op)) {
    g = nhwcWindow(op, input, weight, {1, 2}, 0, stride, dilation, pad);
    if (g)
      g->resultChannelAxis = 3;
  } else if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op)) {
    // [KH, KW, C]: every weight axis is in the patch space.
    g = nhwcWindow(op, input, weight, {0, 1}, -1, stride, dilation, pad);
  } else if (isa<linalg::DepthwiseConv2DNhwcHwcmOp>(op)) {
    g = nhwcWindow(op, input, weight, {0, 1}, 3, stride, dilation, pad);
  }
  if (g && isa<linalg::DepthwiseConv2DNhwcHwcOp,
                linalg::DepthwiseConv2DNhwcHwcmOp>(op))
    g->depthwise = true;
  return g;
}

template <typename OpTy, unsigned WeightInput>
std::optional<PatchGeometry>
LinalgLayerModel<OpTy, WeightInput>::getPatchGeometry(Operation *op) const {
  return linalgPatchGeometry(cast<linalg::LinalgOp>(op), WeightInput,
                             getWeightOutputChannelAxis(op));
}

template <unsigned WeightInput, typename... OpTys>
void attachLinalg(MLIRContext *ctx) {
  (OpTys::template attachInterface<LinalgLayerModel<OpTys, WeightInput>>(*ctx),
   ...);
}

} // namespace

void mlir::qopt::registerQuantizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tosa::TosaDialect *) {
    tosa::Conv2DOp::attachInterface<TosaConvModel<tosa::Conv2DOp>>(*ctx);
    tosa::Conv3DOp::attachInterface<TosaConvModel<tosa::Conv3DOp>>(*ctx);
    tosa::DepthwiseConv2DOp::attachInterface<TosaDepthwiseConv2DModel>(*ctx);
    tosa::TransposeConv2DOp::attachInterface<TosaTransposeConv2DModel>(*ctx);
    tosa::MatMulOp::attachInterface<TosaMatMulModel>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    using namespace linalg;
    // Contractions: the weight is the second input (B of A x B).
    attachLinalg<1, MatmulOp, BatchMatmulOp, BatchReduceMatmulOp, VecmatOp,
                 BatchVecmatOp, ContractOp>(ctx);
    // Matrix-vector products: the weight is the matrix, the first input.
    attachLinalg<0, MatvecOp, BatchMatvecOp>(ctx);
    // Convolutions: the weight is the filter, the second input.
    attachLinalg<1, Conv1DNwcWcfOp, Conv1DNcwFcwOp, Conv2DNhwcHwcfOp,
                 Conv2DNhwcFhwcOp, Conv2DNchwFchwOp, Conv2DNgchwFgchwOp,
                 Conv2DNgchwGfchwOp, Conv2DNhwgcGfhwcOp, Conv3DNdhwcDhwcfOp,
                 Conv3DNcdhwFcdhwOp, DepthwiseConv1DNwcWcOp,
                 DepthwiseConv1DNcwCwOp, DepthwiseConv1DNwcWcmOp,
                 DepthwiseConv2DNhwcHwcOp, DepthwiseConv2DNchwChwOp,
                 DepthwiseConv2DNhwcHwcmOp, DepthwiseConv3DNdhwcDhwcOp,
                 DepthwiseConv3DNcdhwCdhwOp, DepthwiseConv3DNdhwcDhwcmOp>(ctx);
  });
}
