//===- QOptOps.cpp - QOpt op definitions -----------------------------------===//
//
// Verifiers and helpers of the qopt dialect's operations.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "qopt-runtime/cuda_layout.h"
#include "qopt-runtime/packing.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

#define GET_OP_CLASSES
#include "qopt/Dialect/QOpt/IR/QOptOps.cpp.inc"

/// Prints a shape as `[2, ?, 4]`.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << "?";
    else
      os << dim;
  });
  os << "]";
  return result;
}

LogicalResult FakeQuantOp::verify() {
  FormatAttr format = getFormat();
  RankedTensorType inputType = getInput().getType();
  if (failed(format.verifyForShape(inputType.getShape(), [&]() {
        return emitOpError() << "format does not fit the input: ";
      })))
    return failure();

  SmallVector<int64_t> expected = format.getScaleShape(inputType.getShape());
  auto checkShape = [&](Value value, StringRef what) -> LogicalResult {
    auto type = cast<RankedTensorType>(value.getType());
    if (failed(verifyCompatibleShape(type.getShape(), expected)))
      return emitOpError() << what << " must have shape "
                           << formatShape(expected) << " for format "
                           << format << " and input " << inputType << ", got "
                           << formatShape(type.getShape());
    return success();
  };
  if (failed(checkShape(getScale(), "scale")))
    return failure();

  if (format.hasZeroPoint()) {
    if (!getZeroPoint())
      return emitOpError() << "asymmetric format " << format
                           << " requires a zero_point operand";
    return checkShape(getZeroPoint(), "zero_point");
  }
  if (getZeroPoint())
    return emitOpError() << "symmetric format " << format
                         << " takes no zero_point operand";
  return success();
}

//===----------------------------------------------------------------------===//
// Quantized types
//===----------------------------------------------------------------------===//

FailureOr<PackedWeightInfo>
mlir::qopt::getPackedWeightInfo(Type type,
                                function_ref<InFlightDiagnostic()> emitError) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getRank() != 2 || !tensor.hasStaticShape())
    return emitError() << "packed weight must be a static 2-D tensor [N, K], "
                          "got "
                       << type,
           failure();
  auto quantType = dyn_cast<quant::QuantizedType>(tensor.getElementType());
  if (!quantType || !quantType.getExpressedType().isF32())
    return emitError() << "packed weight element must be a !quant.uniform "
                          "type expressed in f32, got "
                       << tensor.getElementType(),
           failure();
  PackedWeightInfo info;
  info.n = tensor.getDimSize(0);
  info.k = tensor.getDimSize(1);
  info.bits = quantType.getStorageTypeIntegralWidth();
  if (!quantType.isSigned() ||
      (info.bits != 8 && info.bits != 4 && info.bits != 2))
    return emitError() << "packed weight storage must be i8, i4 or i2, got "
                       << quantType.getStorageType(),
           failure();
  if (quantType.getStorageTypeMin() != -(int64_t(1) << (info.bits - 1)) ||
      quantType.getStorageTypeMax() != (int64_t(1) << (info.bits - 1)) - 1)
    return emitError() << "packed weight storage must use the full range of "
                          "its bits (narrowed ranges are not supported)",
           failure();
  bool anyZeroPoint = false;
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType)) {
    if (perAxis.getQuantizedDimension() != 0)
      return emitError() << "per-axis packed weight must be quantized along "
                            "axis 0 (output channels)",
             failure();
    if (int64_t(perAxis.getScales().size()) != info.n)
      return emitError() << "packed weight has " << perAxis.getScales().size()
                         << " scales for " << info.n << " rows",
             failure();
    for (double s : perAxis.getScales())
      info.scales.push_back(float(s));
    for (int64_t z : perAxis.getZeroPoints()) {
      info.zeroPoints.push_back(int32_t(z));
      anyZeroPoint |= z != 0;
    }
  } else if (auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(
                 quantType)) {
    ArrayRef<int32_t> dims = sub.getQuantizedDimensions();
    ArrayRef<int64_t> blocks = sub.getBlockSizes();
    int64_t g = 0, rowBlock = 1;
    for (auto [d, b] : llvm::zip(dims, blocks)) {
      if (d == 1)
        g = b;
      else if (d == 0)
        rowBlock = b;
    }
    if (g <= 0 || rowBlock != 1 || info.k % g != 0)
      return emitError() << "sub-channel packed weight must have block sizes "
                            "{0:1, 1:g} with g dividing K",
             failure();
    info.groupSize = g == info.k ? 0 : g;
    for (APFloat s : sub.getScales().getValues<APFloat>())
      info.scales.push_back(float(s.convertToDouble()));
    for (APInt z : sub.getZeroPoints().getValues<APInt>()) {
      info.zeroPoints.push_back(int32_t(z.getSExtValue()));
      anyZeroPoint |= !z.isZero();
    }
  } else {
    return emitError() << "packed weight needs per-channel or sub-channel "
                          "scales, got "
                       << quantType,
           failure();
  }
  if (int64_t(info.scales.size()) != info.n * info.numGroups())
    return emitError() << "packed weight has " << info.scales.size()
                       << " scales, expected " << info.n * info.numGroups(),
           failure();
  for (float s : info.scales)
    if (!(s > 0.0f) || !std::isfinite(s))
      return emitError() << "packed weight scales must be positive and "
                            "finite",
             failure();
  for (int32_t z : info.zeroPoints)
    if (z < -(1 << (info.bits - 1)) || z >= (1 << (info.bits - 1)))
      return emitError() << "packed weight zero point " << z
                         << " is outside the storage range",
             failure();
  if (!anyZeroPoint)
    info.zeroPoints.clear();
  return info;
}

FailureOr<ActivationQuantInfo> mlir::qopt::getActivationQuantInfo(
    Type elementType, function_ref<InFlightDiagnostic()> emitError) {
  auto uniform = dyn_cast<quant::UniformQuantizedType>(elementType);
  if (!uniform || !uniform.isSigned() ||
      uniform.getStorageTypeIntegralWidth() != 8 ||
      !uniform.getExpressedType().isF32() ||
      uniform.getStorageTypeMin() != -128 || uniform.getStorageTypeMax() != 127)
    return emitError() << "expected a per-tensor !quant.uniform<i8:f32, s:z> "
                          "with the full int8 range, got "
                       << elementType,
           failure();
  float scale = float(uniform.getScale());
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return emitError() << "activation scale must be positive and finite",
           failure();
  return ActivationQuantInfo{scale, int32_t(uniform.getZeroPoint())};
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  return getActivationQuantInfo(getResult().getType().getElementType(),
                                [&]() { return emitOpError(); });
}

LogicalResult DequantizeOp::verify() {
  return getActivationQuantInfo(getInput().getType().getElementType(),
                                [&]() { return emitOpError(); });
}

//===----------------------------------------------------------------------===//
// PackedWeightOp
//===----------------------------------------------------------------------===//

unsigned mlir::qopt::getMinifloatIntegerExponent(FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  // The smallest subnormal is 2^(minExponent - (precision - 1)).
  return unsigned(int(llvm::APFloat::semanticsPrecision(sem)) - 1 -
                  int(llvm::APFloat::semanticsMinExponent(sem)));
}

int64_t mlir::qopt::getMinifloatIntegerMax(FloatType type) {
  llvm::APFloat largest =
      llvm::APFloat::getLargest(type.getFloatSemantics());
  return int64_t(std::ldexp(largest.convertToDouble(),
                            int(getMinifloatIntegerExponent(type))));
}

int64_t mlir::qopt::getMaxExactMinifloatProducts(FloatType type) {
  // |x - zx| <= 255: 255 * max * K stays below 2^62 (bias headroom).
  return (int64_t(1) << 62) / (255 * getMinifloatIntegerMax(type));
}

unsigned mlir::qopt::getMinifloatCodeBits(Type type) {
  if (isa<Float8E4M3FNType, Float8E5M2Type, Float6E3M2FNType,
          Float6E2M3FNType>(type))
    return 8;
  if (isa<Float4E2M1FNType>(type))
    return 4;
  return 0;
}

FailureOr<PackedWeightInfo> PackedWeightOp::getInfo() {
  auto emit = [&]() { return emitOpError(); };
  auto type = getType();
  if (!getMinifloatCodeBits(type.getElementType())) {
    if (getScales())
      return emitOpError("integer packed weights carry their scales in the "
                         "!quant type; `scales` is for code-book weights"),
             failure();
    return getPackedWeightInfo(type, emit);
  }
  PackedWeightInfo info;
  if (!type.hasStaticShape() || type.getRank() != 2)
    return emitOpError("packed weight must be a static 2-D tensor [N, K]"),
           failure();
  info.n = type.getDimSize(0);
  info.k = type.getDimSize(1);
  info.codeType = cast<FloatType>(type.getElementType());
  info.bits = getMinifloatCodeBits(info.codeType);
  auto scales = dyn_cast_or_null<DenseFPElementsAttr>(getScalesAttr());
  if (!scales)
    return emitOpError() << "code-book packed weight of "
                         << type.getElementType()
                         << " needs `scales` [N, groups]",
           failure();
  ArrayRef<int64_t> shape = scales.getType().getShape();
  if (shape.size() != 2 || shape[0] != info.n || shape[1] < 1 ||
      info.k % shape[1] != 0)
    return emitOpError() << "scales must have shape [" << info.n
                         << ", G] with G dividing K = " << info.k << ", got "
                         << formatShape(shape),
           failure();
  info.groupSize = shape[1] == 1 ? 0 : info.k / shape[1];
  for (float s : scales.getValues<float>()) {
    if (!(s > 0.0f) || !std::isfinite(s))
      return emitOpError("packed weight scales must be positive and finite"),
             failure();
    info.scales.push_back(s);
  }
  return info;
}

int64_t mlir::qopt::getPackedDataBytes(const PackedWeightInfo &info,
                                       WeightLayout layout) {
  int bits = int(info.bits);
  switch (layout) {
  case WeightLayout::Logical:
    return info.n * info.k;
  case WeightLayout::Block64:
    return info.n * qopt_block64_row_bytes(info.k, bits);
  case WeightLayout::MmaF16:
    return 4 * ::qopt::cuda::mmaF16Words(info.n, info.k, bits);
  case WeightLayout::MmaS8:
    return 4 * ::qopt::cuda::mmaS8Words(info.n, info.k);
  }
  llvm_unreachable("unknown weight layout");
}

void mlir::qopt::unpackLogicalFields(const PackedWeightInfo &info,
                                     WeightLayout layout, const uint8_t *data,
                                     int8_t *fields) {
  int bits = int(info.bits);
  bool isCode = bool(info.codeType);
  switch (layout) {
  case WeightLayout::Logical:
    std::memcpy(fields, data, size_t(info.n * info.k));
    return;
  case WeightLayout::Block64: {
    int64_t rowBytes = qopt_block64_row_bytes(info.k, bits);
    for (int64_t r = 0; r < info.n; ++r)
      for (int64_t c = 0; c < info.k; ++c) {
        const uint8_t *row = data + r * rowBytes;
        fields[r * info.k + c] = isCode
                                     ? int8_t(qopt_block64_field(row, bits, c))
                                     : qopt_block64_get(row, bits, c);
      }
    return;
  }
  case WeightLayout::MmaF16:
  case WeightLayout::MmaS8: {
    // The words are little-endian; copy them out (the blob's alignment is
    // not the words').
    std::vector<uint32_t> words(size_t(getPackedDataBytes(info, layout) / 4));
    std::memcpy(words.data(), data, words.size() * 4);
    if (layout == WeightLayout::MmaF16)
      ::qopt::cuda::unpackMmaF16Data(words.data(), info.n, info.k, bits, isCode,
                                   fields);
    else
      ::qopt::cuda::unpackMmaS8Data(words.data(), info.n, info.k, fields);
    return;
  }
  }
  llvm_unreachable("unknown weight layout");
}

DenseResourceElementsAttr
mlir::qopt::makePackedWeightBlob(PackedWeightOp op,
                                 std::shared_ptr<std::vector<char>> bytes,
                                 StringRef suffix) {
  std::string name = "weight";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getData()))
    name = resource.getRawHandle().getKey().str();
  return makeByteBlob(op.getContext(), name + "." + suffix.str(),
                      std::move(bytes));
}

DenseResourceElementsAttr
mlir::qopt::makeByteBlob(MLIRContext *context, StringRef blobName,
                         std::shared_ptr<std::vector<char>> bytes) {
  int64_t size = int64_t(bytes->size());
  return makeBlob(
      RankedTensorType::get({size}, IntegerType::get(context, 8)), blobName,
      std::move(bytes));
}

DenseResourceElementsAttr
mlir::qopt::makeBlob(ShapedType type, StringRef blobName,
                     std::shared_ptr<std::vector<char>> bytes) {
  std::string name = blobName.str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  AsmResourceBlob blob(
      ArrayRef<char>(bytes->data(), bytes->size()), /*alignment=*/64,
      [bytes](void *, size_t, size_t) mutable { bytes.reset(); },
      /*dataIsMutable=*/false);
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

LogicalResult PackedWeightOp::verify() {
  FailureOr<PackedWeightInfo> info = getInfo();
  if (failed(info))
    return failure();
  auto dataType = dyn_cast<RankedTensorType>(getData().getType());
  if (!dataType || dataType.getRank() != 1 ||
      !dataType.getElementType().isInteger(8))
    return emitOpError("data must be a 1-D tensor of i8 bytes");
  int64_t expected = getPackedDataBytes(*info, getLayout());
  if (dataType.getDimSize(0) != expected)
    return emitOpError() << "data holds " << dataType.getDimSize(0)
                         << " bytes; " << info->n << " rows of K = "
                         << info->k << " at " << info->bits << " bits in the "
                         << stringifyWeightLayout(getLayout())
                         << " layout need " << expected;
  // Logical fields must lie in their width's range: a dense attribute is
  // checked here; a blob once it is loaded (blobs are parsed after the
  // operations that name them, see verifyFloatElements).
  if (getLayout() == WeightLayout::Logical) {
    SmallVector<uint8_t> storage;
    auto resource = dyn_cast<DenseResourceElementsAttr>(getData());
    if (resource && !resource.getRawHandle().getBlob())
      return success();
    FailureOr<ArrayRef<uint8_t>> bytes = getPackedBytes(storage);
    if (failed(bytes))
      return failure();
    bool isCode = bool(info->codeType);
    int lo = isCode ? 0 : -(1 << (info->bits - 1));
    // Codes of 6-bit formats sit in 8-bit fields: their own width bounds them.
    int hi = isCode ? (1 << info->codeType.getWidth()) - 1
                    : (1 << (info->bits - 1)) - 1;
    for (int64_t i = 0, e = int64_t(bytes->size()); i < e; ++i) {
      int v = isCode ? int((*bytes)[i]) : int(int8_t((*bytes)[i]));
      if (v < lo || v > hi)
        return emitOpError() << "logical field " << i << " (row "
                             << i / info->k << ", column " << i % info->k
                             << ") is " << v << ", outside [" << lo << ", "
                             << hi << "] of "
                             << (isCode ? info->codeType.getWidth()
                                        : info->bits)
                             << "-bit " << (isCode ? "codes" : "signed storage");
    }
  }
  return success();
}

FailureOr<SmallVector<int8_t>> PackedWeightOp::getLogicalFields() {
  FailureOr<PackedWeightInfo> info = getInfo();
  if (failed(info))
    return failure();
  SmallVector<uint8_t> storage;
  FailureOr<ArrayRef<uint8_t>> bytes = getPackedBytes(storage);
  if (failed(bytes))
    return failure();
  if (int64_t(bytes->size()) != getPackedDataBytes(*info, getLayout()))
    return emitOpError("packed weight data has the wrong size"), failure();
  SmallVector<int8_t> fields(size_t(info->n * info->k));
  unpackLogicalFields(*info, getLayout(), bytes->data(), fields.data());
  return fields;
}

//===----------------------------------------------------------------------===//
// MatmulOp / Conv2DOp / DepthwiseConv2DOp
//===----------------------------------------------------------------------===//

/// Shared checks: the input is f32 or per-tensor int8, the weight a packed
/// weight whose K matches, the bias [N].
static LogicalResult verifyLayerOperands(Operation *op, Type inputElement,
                                         Type weightType, int64_t inputK,
                                         Value bias, int64_t &n) {
  auto emit = [&]() { return op->emitOpError(); };
  Type resultElement =
      cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  bool accumulator = resultElement.isInteger(32) || resultElement.isInteger(64);
  if (!inputElement.isF32() &&
      failed(getActivationQuantInfo(inputElement, emit)))
    return failure();
  FailureOr<PackedWeightInfo> info = failure();
  auto weightTensor = cast<RankedTensorType>(weightType);
  Type codeType = weightTensor.getElementType();
  bool codeBook = getMinifloatCodeBits(codeType) != 0;
  if (codeBook) {
    // Code-book weights: the shape here, the rest on their packed_weight.
    if (weightTensor.getRank() != 2 || !weightTensor.hasStaticShape())
      return op->emitOpError("packed weight must be a static 2-D tensor "
                             "[N, K]");
    info = PackedWeightInfo();
    info->n = weightTensor.getDimSize(0);
    info->k = weightTensor.getDimSize(1);
  } else {
    info = getPackedWeightInfo(weightType, emit);
  }
  if (failed(info))
    return failure();
  if (!ShapedType::isDynamic(inputK) && inputK != info->k)
    return op->emitOpError() << "input reduces over " << inputK
                             << " elements but the weight rows have "
                             << info->k;
  n = info->n;
  if (accumulator && codeBook) {
    // The integer-only path of code-book weights: one exact int64 sum of
    // (x - zx) * value(code) * 2^E per output.
    if (inputElement.isF32() || !resultElement.isInteger(64))
      return op->emitOpError()
             << "the accumulator of code-book weights (" << codeType
             << ") is an i64 result with an int8 input";
    auto packed = op->getOperand(1).getDefiningOp<PackedWeightOp>();
    if (packed) {
      FailureOr<PackedWeightInfo> full = packed.getInfo();
      if (succeeded(full) && full->groupSize != 0)
        return op->emitOpError()
               << "an i64 (accumulator) result needs one weight scale per "
                  "row, not groups of "
               << full->groupSize;
    }
    int64_t maxProducts = getMaxExactMinifloatProducts(
        cast<FloatType>(codeType));
    if (info->k > maxProducts)
      return op->emitOpError()
             << "an i64 (accumulator) result of " << codeType
             << " weights sums at most " << maxProducts
             << " products exactly; the rows have " << info->k;
  } else if (accumulator) {
    // The integer-only path: one exact int32 sum per output.
    if (inputElement.isF32() || !resultElement.isInteger(32))
      return op->emitOpError("an i32 (accumulator) result needs an int8 "
                             "input and integer weights");
    if (info->groupSize != 0)
      return op->emitOpError()
             << "an i32 (accumulator) result needs one weight scale per "
                "row, not groups of "
             << info->groupSize;
    if (info->k > kMaxExactGroup)
      return op->emitOpError()
             << "an i32 (accumulator) result sums at most " << kMaxExactGroup
             << " products exactly; the rows have " << info->k;
  }
  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != n)
      return op->emitOpError() << "bias must have shape [" << n << "], got "
                               << formatShape(biasType.getShape());
    if (biasType.getElementType() != resultElement)
      return op->emitOpError()
             << "bias element type " << biasType.getElementType()
             << " must be the result's (" << resultElement << ")";
  }
  return success();
}

LogicalResult MatmulOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getRank() != 2 || resultType.getRank() != 2)
    return emitOpError("input and result must be 2-D");
  int64_t n;
  if (failed(verifyLayerOperands(*this, inputType.getElementType(),
                                 getWeight().getType(), inputType.getDimSize(1),
                                 getBias(), n)))
    return failure();
  SmallVector<int64_t> expected = {inputType.getDimSize(0), n};
  if (failed(verifyCompatibleShape(resultType.getShape(), expected)))
    return emitOpError() << "result shape " << formatShape(resultType.getShape())
                         << " does not match " << formatShape(expected);
  return success();
}

/// Kernel, pad, stride and dilation of a 2-D convolution, and the output
/// spatial sizes they give for `inputType` (dynamic where the input is).
static LogicalResult verifyWindow(Operation *op, RankedTensorType inputType,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> pad,
                                  ArrayRef<int64_t> stride,
                                  ArrayRef<int64_t> dilation,
                                  SmallVectorImpl<int64_t> &outHW) {
  if (kernel.size() != 2 || pad.size() != 4 || stride.size() != 2 ||
      dilation.size() != 2)
    return op->emitOpError("kernel, stride and dilation need 2 values, pad 4");
  if (llvm::any_of(kernel, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(stride, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(dilation, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(pad, [](int64_t v) { return v < 0; }))
    return op->emitOpError("kernel, stride and dilation must be positive and "
                           "pad non-negative");
  outHW.assign({ShapedType::kDynamic, ShapedType::kDynamic});
  for (int d = 0; d < 2; ++d) {
    int64_t in = inputType.getDimSize(1 + d);
    if (ShapedType::isDynamic(in))
      continue;
    int64_t span = dilation[d] * (kernel[d] - 1) + 1;
    int64_t padded = in + pad[2 * d] + pad[2 * d + 1];
    if (padded < span)
      return op->emitOpError() << "kernel does not fit the padded input";
    outHW[d] = (padded - span) / stride[d] + 1;
  }
  return success();
}

LogicalResult Conv2DOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getRank() != 4 || resultType.getRank() != 4)
    return emitOpError("input and result must be 4-D (NHWC)");
  ArrayRef<int64_t> kernel = getKernel();
  SmallVector<int64_t> outHW;
  if (failed(verifyWindow(*this, inputType, kernel, getPad(), getStride(),
                          getDilation(), outHW)))
    return failure();
  int64_t c = inputType.getDimSize(3);
  int64_t k = ShapedType::isDynamic(c) ? c : kernel[0] * kernel[1] * c;
  int64_t n;
  if (failed(verifyLayerOperands(*this, inputType.getElementType(),
                                 getWeight().getType(), k, getBias(), n)))
    return failure();
  SmallVector<int64_t> expected = {inputType.getDimSize(0), outHW[0],
                                   outHW[1], n};
  if (failed(verifyCompatibleShape(resultType.getShape(), expected)))
    return emitOpError() << "result shape " << formatShape(resultType.getShape())
                         << " does not match " << formatShape(expected);
  return success();
}

LogicalResult DepthwiseConv2DOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getRank() != 4 || resultType.getRank() != 4)
    return emitOpError("input and result must be 4-D (NHWC)");
  if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
    return emitOpError("needs static input and result shapes");
  ArrayRef<int64_t> kernel = getKernel();
  SmallVector<int64_t> outHW;
  if (failed(verifyWindow(*this, inputType, kernel, getPad(), getStride(),
                          getDilation(), outHW)))
    return failure();
  int64_t n;
  if (failed(verifyLayerOperands(*this, inputType.getElementType(),
                                 getWeight().getType(), kernel[0] * kernel[1],
                                 getBias(), n)))
    return failure();
  int64_t c = inputType.getDimSize(3);
  if (c == 0 || n % c != 0)
    return emitOpError() << "weight has " << n
                         << " rows, not a multiple of the " << c
                         << " input channels";
  SmallVector<int64_t> expected = {inputType.getDimSize(0), outHW[0],
                                   outHW[1], n};
  if (failed(verifyCompatibleShape(resultType.getShape(), expected)))
    return emitOpError() << "result shape " << formatShape(resultType.getShape())
                         << " does not match " << formatShape(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

FailureOr<RequantMultiplier> mlir::qopt::encodeRequantMultiplier(double real) {
  if (!(real > 0.0) || !std::isfinite(real))
    return failure();
  int exponent;
  double fraction = std::frexp(real, &exponent); // real = fraction * 2^exponent
  int64_t m = int64_t(std::nearbyint(std::ldexp(fraction, 31)));
  int64_t shift = 31 - exponent;
  if (m == (int64_t(1) << 31)) { // fraction rounded up to 1.0
    m = int64_t(1) << 30;
    shift -= 1;
  }
  if (shift < kMinRequantShift || shift > kMaxRequantShift)
    return failure();
  return RequantMultiplier{int32_t(m), int32_t(shift)};
}

int8_t mlir::qopt::requantizeValue(int64_t acc, int32_t multiplier,
                                   int32_t shift, int32_t zeroPoint,
                                   int32_t min, int32_t max,
                                   int64_t residual) {
  // Exact: an int32 accumulator's product fits int64, an int64 one's the
  // 128-bit product (the same value for both); so does the sum.
  __int128 v = __int128(acc) * __int128(multiplier) + __int128(residual);
  v = (v + (__int128(1) << (shift - 1))) >> shift;
  v += zeroPoint;
  __int128 lo = std::max<int32_t>(min, -128), hi = std::min<int32_t>(max, 127);
  return int8_t(int32_t(v < lo ? lo : (v > hi ? hi : v)));
}

LogicalResult RequantizeOp::verify() {
  if (failed(getActivationQuantInfo(getResult().getType().getElementType(),
                                    [&]() { return emitOpError(); })))
    return failure();
  ArrayRef<int32_t> multiplier = getMultiplier(), shift = getShift();
  if (multiplier.size() != shift.size() || multiplier.empty())
    return emitOpError() << "needs as many shifts as multipliers (at least "
                            "one), got "
                         << multiplier.size() << " and " << shift.size();
  auto type = getInput().getType();
  if (multiplier.size() != 1) {
    int64_t channels = type.getRank() == 0 ? 1 : type.getShape().back();
    if (type.getRank() == 0 || ShapedType::isDynamic(channels) ||
        int64_t(multiplier.size()) != channels)
      return emitOpError() << "has " << multiplier.size()
                           << " multipliers; expected 1 or one per channel of "
                              "the last dimension ("
                           << (type.getRank() ? formatShape(type.getShape())
                                              : std::string("scalar"))
                           << ")";
  }
  for (auto [m, s] : llvm::zip(multiplier, shift)) {
    if (m < (int32_t(1) << 30))
      return emitOpError() << "multiplier " << m
                           << " is outside [2^30, 2^31)";
    if (s < kMinRequantShift || s > kMaxRequantShift)
      return emitOpError() << "shift " << s << " is outside ["
                           << kMinRequantShift << ", " << kMaxRequantShift
                           << "]";
  }
  if (bool(getResidual()) != bool(getResidualMultiplierAttr()))
    return emitOpError() << "needs a residual_multiplier exactly when it has "
                            "a residual operand";
  if (Value residual = getResidual()) {
    // (Its shape: SameOperandsAndResultShape.)
    auto residualType = cast<RankedTensorType>(residual.getType());
    if (failed(getActivationQuantInfo(residualType.getElementType(),
                                      [&]() { return emitOpError(); })))
      return failure();
    ArrayRef<int64_t> mr = *getResidualMultiplier();
    if (mr.size() != multiplier.size())
      return emitOpError() << "has " << mr.size()
                           << " residual multipliers; expected one per "
                              "multiplier ("
                           << multiplier.size() << ")";
    for (int64_t m : mr)
      if (m <= 0 || m >= kMaxResidualMultiplier)
        return emitOpError() << "residual multiplier " << m
                             << " is outside [1, 2^55)";
  }
  // I32Attr reads back unsigned: the bounds are signed codes.
  int32_t lo = int32_t(getMin()), hi = int32_t(getMax());
  if (lo < -128 || hi > 127 || lo > hi)
    return emitOpError() << "min " << lo << " and max " << hi
                         << " must satisfy -128 <= min <= max <= 127";
  return success();
}

//===----------------------------------------------------------------------===//
// UKernelOp
//===----------------------------------------------------------------------===//

LogicalResult UKernelOp::verify() {
  if (getName().empty())
    return emitOpError("needs a function name");
  if (getOutputs().empty())
    return emitOpError("needs at least one output");
  bool tensors = isa<RankedTensorType>(getOutputs().front().getType());
  for (Type type : getOperandTypes()) {
    if (tensors ? !isa<RankedTensorType>(type) : !isa<MemRefType>(type))
      return emitOpError("operands must be all ranked tensors or all memrefs");
  }
  if (tensors) {
    if (getResults().size() != getOutputs().size())
      return emitOpError("on tensors returns one result per output");
    for (auto [out, res] : llvm::zip(getOutputs(), getResults()))
      if (out.getType() != res.getType())
        return emitOpError("result type ")
               << res.getType() << " differs from its output's "
               << out.getType();
  } else if (!getResults().empty()) {
    return emitOpError("on memrefs has no results");
  }
  for (Attribute scalar : getScalars()) {
    if (auto i = dyn_cast<IntegerAttr>(scalar)) {
      if (i.getType().isSignlessInteger(32) || i.getType().isSignlessInteger(64))
        continue;
    } else if (auto f = dyn_cast<FloatAttr>(scalar)) {
      if (f.getType().isF32() || f.getType().isF64())
        continue;
    }
    return emitOpError("scalars must be i32, i64, f32 or f64 attributes, got ")
           << scalar;
  }
  return success();
}

void UKernelOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  for (OpOperand &operand : getInputsMutable())
    if (isa<MemRefType>(operand.get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  for (OpOperand &operand : getOutputsMutable())
    if (isa<MemRefType>(operand.get().getType())) {
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    }
}

//===----------------------------------------------------------------------===//
// PackedWeightOp
//===----------------------------------------------------------------------===//

FailureOr<ArrayRef<uint8_t>>
PackedWeightOp::getPackedBytes(SmallVectorImpl<uint8_t> &storage) {
  int64_t size = getData().getShapedType().getNumElements();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(getData())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || int64_t(blob->getData().size()) != size)
      return emitOpError("packed weight blob is missing or has the wrong size");
    ArrayRef<char> data = blob->getData();
    return ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.data()),
                             data.size());
  }
  auto dense = dyn_cast<DenseIntElementsAttr>(getData());
  if (!dense)
    return emitOpError("packed weight data must be a dense or resource "
                       "attribute");
  storage.clear();
  for (const APInt &v : dense.getValues<APInt>())
    storage.push_back(uint8_t(v.getZExtValue()));
  return ArrayRef<uint8_t>(storage);
}
