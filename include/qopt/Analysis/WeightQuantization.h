//===- WeightQuantization.h - Simulated weight quantization ------*- C++ -*-===//
//
// Round-to-nearest quantization of a weight tensor to a #qopt.format, in
// float (quantize then dequantize), and the storage a format needs. This is
// what sensitivity analysis measures and what the allocator budgets; the
// rules are the ones docs/Semantics.md specifies:
//
//  * integer, symmetric: s = float32(max|w| / qmax) per scale group, q =
//    clamp(round_half_even(w / s), qmin, qmax), w' = s * q;
//  * integer, asymmetric: s = (max - min) / (qmax - qmin),
//    z = clamp(round_half_even(qmin - min / s), qmin, qmax),
//    q = clamp(round_half_even(w / s) + z, qmin, qmax), w' = s * (q - z);
//  * floating point: s = float32(max|w| / largest finite value of the
//    format), w' = s * round_to_format(clamp(w / s)) (nearest even);
//  * an all-zero group has s = 1 (every value quantizes to 0).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_WEIGHTQUANTIZATION_H
#define QOPT_ANALYSIS_WEIGHTQUANTIZATION_H

#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Support/Tensor.h"

#include <vector>

namespace mlir::qopt {

/// The scale index of every element of a tensor of `shape` under `format`
/// (0 per tensor; the channel index; the group index) and the number of
/// scales.
int64_t numScales(FormatAttr format, llvm::ArrayRef<int64_t> shape);

/// An integer quantization of a weight: the grid values (row-major, w's
/// shape), one float32 scale and one zero point per scale group (in the
/// order of FormatAttr::getScaleShape).
struct QuantizedWeight {
  std::vector<int32_t> values;
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints;
  /// Scale group of every element.
  std::vector<int64_t> group;
};

/// Round-to-nearest quantization of w (float32) to an integer `format`.
QuantizedWeight quantizeWeight(const Tensor &w, FormatAttr format);

/// Round-to-nearest quantization of w (float32) to a minifloat `format`
/// (f8E4M3FN, f8E5M2, f6E3M2FN, f6E2M3FN, f4E2M1FN): per scale group
/// (grouped as an integer format of the same granularity) the float32
/// scale s = float32(max|w| / largest finite value) (1 for an all-zero
/// group), and `values` holds the format's bit pattern of
/// round_to_format(clamp(w / s, -largest, largest)), nearest even. Zero
/// points are 0. What qopt-quantize stores and what fakeQuantizeWeight
/// (and so sensitivity and the allocator) measure: one definition.
QuantizedWeight quantizeMinifloatWeight(const Tensor &w, FormatAttr format);

/// The value of bit pattern `code` of minifloat `type` (exact in float32).
float minifloatValue(FloatType type, uint32_t code);

/// GPTQ-style quantization (Frantar et al., "GPTQ", ICLR 2023) of w [n, k]
/// (float32, k the reduction axis) to an integer `format` that is per
/// tensor, per channel on axis 0 or grouped along axis 1. Scales and zero
/// points are those quantizeWeight chooses; the integers are chosen column
/// by column, each column's rounding error spread over the columns not yet
/// quantized through the inverse of H = E[x x^T] (`hessian`, k x k
/// row-major, the layer input's second moments), so that the layer output
/// error (W - Q) H (W - Q)^T rather than the weight error is minimized.
/// `damp` times the mean diagonal is added to H; inputs that are always 0
/// get zero weights. Fails when H is not positive definite after damping.
FailureOr<QuantizedWeight> gptqQuantizeWeight(const Tensor &w,
                                              FormatAttr format,
                                              llvm::ArrayRef<float> hessian,
                                              double damp);

/// The output error trace((W - D) H (W - D)^T) of w [n, k] against the
/// dequantized weight d [n, k], with H k x k row-major.
double outputError(const Tensor &w, const Tensor &d,
                   llvm::ArrayRef<float> hessian);

/// The dequantized values of `q` (a weight of `shape` in `format`):
/// float32(s * (q - z)) for integer formats, float32(s * value(code)) for
/// minifloats.
Tensor dequantizeWeight(const QuantizedWeight &q,
                        llvm::ArrayRef<int64_t> shape, FormatAttr format);

/// w quantized to `format` and dequantized back (float32 in, float32 out):
/// float32(s * (q - z)) for integer formats, float32(s * value(code)) for
/// minifloats, as the reference executor dequantizes what qopt-quantize
/// stores.
Tensor fakeQuantizeWeight(const Tensor &w, FormatAttr format);

/// Bytes to store a weight of `shape` in `format`: packed elements
/// (ceil(elements * bits / 8)) plus one float32 scale per scale group and,
/// for asymmetric formats, one zero-point byte per scale group.
double weightBytes(FormatAttr format, llvm::ArrayRef<int64_t> shape);

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_WEIGHTQUANTIZATION_H
