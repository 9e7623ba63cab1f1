//===- QuantizedLayerSupport.h - What qopt-quantize can rewrite --*- C++ -*-===//
//
// Which layers, with their weight in which #qopt.format, qopt-quantize can
// rewrite into the qopt layer ops (qopt.conv2d, qopt.depthwise_conv2d,
// qopt.matmul over a qopt.packed_weight), and on which path: integer
// formats take the integer path (int8 activations) or the weight-only one,
// minifloat formats only the weight-only one (code-book weights). The
// answer depends on the dialect alone, so qopt-quantize (a transform, which
// may not depend on targets) and the targets that lower every qopt layer op
// (the CPU's getCPULayerSupport) ask this one function and cannot disagree.
// Header-only: it is a few checks on TOSA ops and formats.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_QUANTIZEDLAYERSUPPORT_H
#define QOPT_ANALYSIS_QUANTIZEDLAYERSUPPORT_H

#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <string>

namespace mlir::qopt {

struct QuantizedLayerSupport {
  /// Empty when supported; otherwise why not.
  std::string reason;
  /// True: integer weights (integer or weight-only path); false: code-book
  /// weights (weight-only path only).
  bool integerWeights = true;

  bool isSupported() const { return reason.empty(); }
};

/// Whether qopt-quantize rewrites `layer` with its weight in `format`.
inline QuantizedLayerSupport
getQuantizedLayerSupport(const LayerInfo &layer, FormatAttr format) {
  auto no = [](std::string why) {
    return QuantizedLayerSupport{std::move(why), true};
  };
  Operation *op = layer.op;
  if (!layer.constantWeight)
    return no("the weight is not a constant");
  QuantizedLayerSupport yes;
  if (!format.isInteger()) {
    if (!getMinifloatCodeBits(format.getElementType()))
      return no("there is no packed encoding for " + format.getShortName() +
                " weights (integers of 1-8 bits and the minifloats "
                "f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN have one)");
    yes.integerWeights = false;
  } else if (format.getBitWidth() > 8) {
    return no("more than 8 weight bits");
  }
  Granularity granularity = format.getGranularity();
  if (isa<tosa::Conv2DOp>(op)) {
    if (granularity == Granularity::Group && format.getAxis() != 3)
      return no("conv2d groups must run along the input channels (axis 3)");
    if (granularity == Granularity::PerChannel && format.getAxis() != 0)
      return no("conv2d per-channel scales must be on the output channels "
                "(axis 0)");
    return yes;
  }
  if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    // Every granularity of the [KH, KW, C, M] weight gives scale groups
    // that are runs along the rows of taps.
    auto in = dyn_cast<RankedTensorType>(dw.getInput().getType());
    auto out = dyn_cast<RankedTensorType>(dw.getType());
    if (!in || !in.hasStaticShape() || !out || !out.hasStaticShape())
      return no("depthwise convolutions need static input and result shapes");
    return yes;
  }
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    auto a = dyn_cast<RankedTensorType>(matmul.getA().getType());
    auto b = dyn_cast<RankedTensorType>(matmul.getB().getType());
    if (!a || !b || !b.hasStaticShape() || a.getDimSize(0) != 1 ||
        b.getDimSize(0) != 1)
      return no("only batch-1 matmuls with a [1, K, N] weight are lowered");
    if (granularity == Granularity::Group && format.getAxis() != 1)
      return no("matmul groups must run along K");
    if (granularity == Granularity::PerChannel && format.getAxis() != 2)
      return no("matmul per-channel scales must be on N (axis 2)");
    return yes;
  }
  // Named linalg layers as other frontends emit them: static f32 tensors,
  // default indexing maps, a zero init (constant or linalg.fill), a
  // constant weight; per-channel scales on the output channels, groups
  // along the innermost reduction axis.
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::Conv2DNhwcHwcfOp>(
          op)) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    StringRef kind = op->getName().getStringRef();
    if (auto mm = dyn_cast<linalg::MatmulOp>(op); mm && mm.hasUserDefinedMaps())
      return no("only linalg.matmul with the default indexing maps is "
                "lowered");
    if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op);
        bmm && bmm.hasUserDefinedMaps())
      return no("only linalg.batch_matmul with the default indexing maps is "
                "lowered");
    for (Value v : op->getOperands()) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || !t.hasStaticShape() || !t.getElementType().isF32())
        return no(kind.str() + " needs static f32 tensors");
    }
    Value init = linalgOp.getDpsInits()[0];
    if (auto fill = init.getDefiningOp<linalg::FillOp>())
      init = fill.getInputs()[0];
    if (!matchPattern(init, m_AnyZeroFloat()))
      return no(kind.str() + " accumulates into a non-zero init");
    if (isa<linalg::BatchMatmulOp>(op) &&
        cast<RankedTensorType>(op->getOperand(1).getType()).getDimSize(0) !=
            1)
      return no("only batch-1 linalg.batch_matmul is lowered");
    // Weight axes: matmul [K, N], batch_matmul [1, K, N], conv [H, W, C, F].
    int64_t outAxis = isa<linalg::MatmulOp>(op) ? 1 : (isa<linalg::BatchMatmulOp>(op) ? 2 : 3);
    int64_t groupAxis = outAxis - 1;
    if (granularity == Granularity::Group && format.getAxis() != groupAxis)
      return no(kind.str() + " groups must run along axis " +
                std::to_string(groupAxis));
    if (granularity == Granularity::PerChannel && format.getAxis() != outAxis)
      return no(kind.str() + " per-channel scales must be on axis " +
                std::to_string(outAxis));
    return yes;
  }
  return no("there is no quantized op for " +
            op->getName().getStringRef().str());
}

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_QUANTIZEDLAYERSUPPORT_H
