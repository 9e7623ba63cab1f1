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
};

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
