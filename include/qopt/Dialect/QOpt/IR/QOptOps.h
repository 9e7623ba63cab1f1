//===- QOptOps.h - QOpt operations -------------------------------*- C++ -*-===//
//
// Declares the qopt dialect's operations, and pulls in its dialect,
// attributes and interfaces: including this header is enough to use qopt IR.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTOPS_H
#define QOPT_DIALECT_QOPT_IR_QOPTOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <memory>
#include <vector>

#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

namespace mlir::qopt {

/// What a `qopt.packed_weight` says about its storage (docs/Semantics.md,
/// "Packed storage").
struct PackedWeightInfo {
  int64_t n = 0, k = 0;
  /// Field width: 8, 4 or 2 (integer), 8 or 4 (code book).
  unsigned bits = 0;
  /// The minifloat type of a code-book weight; null for integer weights.
  FloatType codeType;
  /// Elements per scale group along K; 0 for one scale per row.
  int64_t groupSize = 0;
  /// n * groups scales, row-major.
  llvm::SmallVector<float> scales;
  /// n * groups zero points, or empty when every zero point is 0.
  llvm::SmallVector<int32_t> zeroPoints;

  int64_t numGroups() const { return groupSize == 0 ? 1 : k / groupSize; }
};

} // namespace mlir::qopt

#define GET_OP_CLASSES
#include "qopt/Dialect/QOpt/IR/QOptOps.h.inc"

namespace mlir::qopt {

/// The field width of a code-book weight of minifloat type `type` (8 for
/// 8- and 6-bit formats, 4 for f4E2M1FN), or 0 when `type` is not one.
unsigned getMinifloatCodeBits(Type type);

/// Bytes of a packed weight's data in `layout` (the one definition the
/// verifier, getLogicalFields, the executor and the layout passes share).
int64_t getPackedDataBytes(const PackedWeightInfo &info, WeightLayout layout);
/// The logical fields (row-major [n][k]: signed storage values, or codes as
/// bytes) of `data` (getPackedDataBytes(info, layout) bytes) in `layout`.
void unpackLogicalFields(const PackedWeightInfo &info, WeightLayout layout,
                         const uint8_t *data, int8_t *fields);
/// An i8 resource blob holding `bytes` (kept alive by the blob), named
/// `name` with characters other than [A-Za-z0-9_.] replaced by '_'.
DenseResourceElementsAttr makeByteBlob(MLIRContext *context,
                                       llvm::StringRef name,
                                       std::shared_ptr<std::vector<char>> bytes);
/// The same with the blob typed `type` (whose size must be bytes->size()).
DenseResourceElementsAttr makeBlob(ShapedType type, llvm::StringRef name,
                                   std::shared_ptr<std::vector<char>> bytes);
/// A resource blob holding `bytes` (kept alive by the blob) as the new data
/// of `op`, named after its current blob (or "weight") with `.<suffix>`:
/// what the targets' layout passes set with setDataAttr.
DenseResourceElementsAttr
makePackedWeightBlob(PackedWeightOp op,
                     std::shared_ptr<std::vector<char>> bytes,
                     llvm::StringRef suffix);

/// The exponent `E` that makes every finite value of minifloat `type` an
/// integer, `value * 2^E` (the smallest subnormal is 2^-E): 9 for f8E4M3FN,
/// 16 for f8E5M2, 4 for f6E3M2FN, 3 for f6E2M3FN, 1 for f4E2M1FN. The
/// integer path of code-book weights computes with these integers.
unsigned getMinifloatIntegerExponent(FloatType type);
/// The largest `|value * 2^E|` of `type` (229376 for f8E4M3FN).
int64_t getMinifloatIntegerMax(FloatType type);
/// The most products an exact int64 accumulator of `type` weights may sum
/// (`255 * max * K < 2^62`).
int64_t getMaxExactMinifloatProducts(FloatType type);

/// Reads a packed weight's tensor type: 2-D, element a `!quant.uniform`
/// per-axis type on axis 0 or a sub-channel type with blocks `{0:1, 1:g}`,
/// storage a signed integer of 8, 4 or 2 bits, expressed type f32.
FailureOr<PackedWeightInfo>
getPackedWeightInfo(Type type, llvm::function_ref<InFlightDiagnostic()> emitError);

/// Scale and zero point of a per-tensor `!quant.uniform<i8:f32, s:z>`.
struct ActivationQuantInfo {
  float scale;
  int32_t zeroPoint;
};
FailureOr<ActivationQuantInfo>
getActivationQuantInfo(Type elementType,
                       llvm::function_ref<InFlightDiagnostic()> emitError);

/// The most products one exact int32 sum of the integer path may have
/// (|(x - zx)(q - zq)| <= 255^2, docs/Semantics.md).
constexpr int64_t kMaxExactGroup = 32768;

/// A real multiplier `r` as `multiplier * 2^-shift` for qopt.requantize.
constexpr int32_t kMinRequantShift = 2, kMaxRequantShift = 62;
struct RequantMultiplier {
  int32_t multiplier; ///< in [2^30, 2^31)
  int32_t shift;      ///< in [kMinRequantShift, kMaxRequantShift]
};
/// `multiplier = round(r * 2^shift)` with the shift that puts it in
/// [2^30, 2^31) (docs/Semantics.md, "Requantization"); fails when `r` is not
/// positive and finite or needs a shift outside [2, 62] (r >= 2^29 or
/// r < 2^-32).
FailureOr<RequantMultiplier> encodeRequantMultiplier(double r);
/// qopt.requantize of one accumulator: clamp(zeroPoint + ((acc * multiplier
/// + residual + 2^(shift-1)) >> shift), max(min, -128), min(max, 127)),
/// with the sum exact (128-bit) for int32 and int64 accumulators.
/// `residual` is a residual add's term (r - zr) * Mr (0 without one).
int8_t requantizeValue(int64_t acc, int32_t multiplier, int32_t shift,
                       int32_t zeroPoint, int32_t min = -128,
                       int32_t max = 127, int64_t residual = 0);
/// The largest residual multiplier Mr of qopt.requantize (exclusive): with
/// |r - zr| <= 255 the residual term (r - zr) * Mr fits int64.
constexpr int64_t kMaxResidualMultiplier = int64_t(1) << 55;

} // namespace mlir::qopt

#endif // QOPT_DIALECT_QOPT_IR_QOPTOPS_H
