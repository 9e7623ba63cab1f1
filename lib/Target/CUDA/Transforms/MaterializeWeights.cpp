//===- MaterializeWeights.cpp - Weights to the CUDA kernels' layouts ------===//
//
// qopt-cuda-materialize-weights: every qopt.packed_weight a layer reads is
// repacked at compile time into the fragment layout of the kernel that
// runs the layer: #qopt.layout<mma_f16> for the weight-only path (float
// inputs), #qopt.layout<mma_s8> for the integer path (int8 inputs), with
// include/qopt-runtime/cuda_layout.h, the one definition the kernels and
// the host packer use (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CUDA/Passes.h"

#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Target/CUDA/CUDATarget.h"
#include "qopt-runtime/cuda_layout.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cstring>
#include <memory>
#include <vector>

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCUDAMATERIALIZEWEIGHTSPASS
#include "qopt/Target/CUDA/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;
using namespace mlir::qopt;

namespace {

/// The layer ops reading `v`, through quant.scast (qopt-decompose's
/// storage casts).
void collectLayerUsers(Value v, SmallVectorImpl<Operation *> &layers,
                       SmallVectorImpl<Operation *> &others) {
  for (Operation *user : v.getUsers()) {
    if (isa<quant::StorageCastOp>(user)) {
      collectLayerUsers(user->getResult(0), layers, others);
      continue;
    }
    if (isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(user) &&
        user->getOperand(1) == v)
      layers.push_back(user);
    else
      others.push_back(user);
  }
}

/// The layout the layers reading `op` need, or failure (with an error).
FailureOr<WeightLayout> chooseLayout(PackedWeightOp op,
                                     const PackedWeightInfo &info) {
  SmallVector<Operation *> layers, others;
  collectLayerUsers(op.getResult(), layers, others);
  if (layers.empty())
    return op.emitOpError("is read by no qopt layer; the CUDA kernels need "
                          "to know its path to choose its layout"),
           failure();
  std::optional<bool> integer;
  for (Operation *layer : layers) {
    if (isa<DepthwiseConv2DOp>(layer))
      return layer->emitOpError(
                 "has no CUDA kernel yet (depthwise convolutions are not "
                 "lowered by the cuda target)"),
             failure();
    bool isInteger = !cast<ShapedType>(layer->getOperand(0).getType())
                          .getElementType()
                          .isF32();
    if (integer && *integer != isInteger)
      return op.emitOpError("is read by layers on both the integer and the "
                            "weight-only path; the CUDA kernels read one "
                            "layout per weight"),
             failure();
    integer = isInteger;
  }
  std::string why = getCUDAWeightLayoutError(info, *integer);
  if (!why.empty())
    return op.emitOpError(why), failure();
  return *integer ? WeightLayout::MmaS8 : WeightLayout::MmaF16;
}

struct QOptCUDAMaterializeWeightsPass
    : public mlir::qopt::impl::QOptCUDAMaterializeWeightsPassBase<
          QOptCUDAMaterializeWeightsPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([&](PackedWeightOp op) {
      FailureOr<PackedWeightInfo> info = op.getInfo();
      if (failed(info))
        return WalkResult::interrupt();
      FailureOr<WeightLayout> layout = chooseLayout(op, *info);
      if (failed(layout))
        return WalkResult::interrupt();
      if (op.getLayout() == *layout)
        return WalkResult::advance();
      FailureOr<SmallVector<int8_t>> fields = op.getLogicalFields();
      if (failed(fields))
        return WalkResult::interrupt();
      auto bytes = std::make_shared<std::vector<char>>(
          size_t(getPackedDataBytes(*info, *layout)));
      std::vector<uint32_t> words(bytes->size() / 4);
      if (*layout == WeightLayout::MmaS8) {
        ::qopt::cuda::packMmaS8Data(fields->data(), info->n, info->k,
                                  words.data());
      } else {
        std::vector<int32_t> zeroPoints(info->zeroPoints.begin(),
                                        info->zeroPoints.end());
        if (!::qopt::cuda::packMmaF16Data(
                fields->data(), info->n, info->k, int(info->bits),
                bool(info->codeType), info->groupSize,
                zeroPoints.empty() ? nullptr : zeroPoints.data(),
                words.data())) {
          op.emitOpError("has a field outside its width; not packed");
          return WalkResult::interrupt();
        }
      }
      std::memcpy(bytes->data(), words.data(), bytes->size());
      op.setDataAttr(makePackedWeightBlob(
          op, std::move(bytes), stringifyWeightLayout(*layout)));
      op.setLayout(*layout);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
