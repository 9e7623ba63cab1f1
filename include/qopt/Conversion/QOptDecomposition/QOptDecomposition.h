//===- QOptDecomposition.h - Target-neutral qopt decompositions --*- C++ -*-===//
//
// Rewrites every target shares, written once: a convolution becomes
// padding, an im2col patch gather and a qopt.matmul over the patches (on
// the activation's storage type, so no target reimplements the gather);
// qopt.dequantize becomes an elementwise linalg.generic with the formula
// of docs/Semantics.md. What is left (qopt.quantize, qopt.matmul,
// qopt.depthwise_conv2d) is what a target lowers to its own kernels.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CONVERSION_QOPTDECOMPOSITION_QOPTDECOMPOSITION_H
#define QOPT_CONVERSION_QOPTDECOMPOSITION_QOPTDECOMPOSITION_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qopt {

/// Maps tensors of per-tensor `!quant.uniform` values to tensors of their
/// storage type (e.g. i8) and leaves every other type alone. Targets whose
/// kernels take int8 activations use it in their final conversion; the
/// `quant.scast`s the decomposition patterns leave fold away under it.
class QuantizedStorageTypeConverter : public TypeConverter {
public:
  QuantizedStorageTypeConverter();
};

/// The im2col patches of an NHWC convolution input (plain element type):
/// `[B*OH*OW, KH*KW*C]`, columns in (kh, kw, c) order, padded positions
/// holding `padValue` (tensor.pad + a gathering linalg.generic +
/// tensor.collapse_shape; a reshape for 1x1, stride-1, unpadded ones).
/// `pad` is [top, bottom, left, right].
Value buildConvPatches(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> kernel, ArrayRef<int64_t> pad,
                       ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
                       int64_t outH, int64_t outW, TypedAttr padValue);

/// qopt.conv2d -> tensor.pad (with the input's zero point, or 0.0) +
/// linalg.generic im2col + tensor.collapse_shape + qopt.matmul +
/// tensor.expand_shape. A 1x1, stride-1, unpadded convolution is a
/// reshape + qopt.matmul. Quantized inputs are gathered on their storage
/// type between `quant.scast`s. The matmul keeps the convolution's packed
/// weight (its `[O, KH*KW*C]` order is the patch column order) and its
/// discardable attributes (`qopt.name`, ...).
void populateQOptConvToMatmulPatterns(RewritePatternSet &patterns);

/// qopt.dequantize -> quant.scast + linalg.generic computing
/// `s * float(int32(q) - z)`.
void populateQOptDequantizeToLinalgPatterns(RewritePatternSet &patterns);

/// All of the above.
/// tosa.transpose / tosa.reshape / tosa.max_pool2d on per-tensor
/// `!quant.uniform` codes (integer-only chains) -> the same op on the
/// storage type between quant.scasts.
void populateQOptCodeMovementToStoragePatterns(RewritePatternSet &patterns);

void populateQOptDecompositionPatterns(RewritePatternSet &patterns);

} // namespace mlir::qopt

#endif // QOPT_CONVERSION_QOPTDECOMPOSITION_QOPTDECOMPOSITION_H
