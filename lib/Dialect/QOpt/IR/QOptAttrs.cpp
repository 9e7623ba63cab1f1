//===- QOptAttrs.cpp - QOpt attributes -------------------------------------===//
//
// Parsing, printing and verification of qopt's attributes, and the reader
// of floating-point values out of any ElementsAttr.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

#include "qopt/Dialect/QOpt/IR/QOptEnums.cpp.inc"

namespace mlir::qopt {
/// `[<"x", f32, [1, 4]>, ...]`: #qopt.entry_abi's inputs and outputs.
static FailureOr<SmallVector<EntryTensorAttr>>
parseEntryTensors(AsmParser &parser);
static void printEntryTensors(AsmPrinter &printer,
                              ArrayRef<EntryTensorAttr> tensors);
} // namespace mlir::qopt

#define GET_ATTRDEF_CLASSES
#include "qopt/Dialect/QOpt/IR/QOptAttrs.cpp.inc"

void QOptDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qopt/Dialect/QOpt/IR/QOptAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// FormatAttr
//===----------------------------------------------------------------------===//

LogicalResult FormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Type elementType, Granularity granularity,
                                 int64_t axis, int64_t groupSize,
                                 bool symmetric) {
  if (auto intType = dyn_cast<IntegerType>(elementType)) {
    if (intType.isSignless())
      return emitError() << "integer element type must be signed (si<N>) or "
                            "unsigned (ui<N>), got "
                         << elementType;
    unsigned width = intType.getWidth();
    if (width < 1 || width > 8)
      return emitError() << "integer formats must have 1 to 8 bits, got "
                         << width;
    if (intType.isSigned() && symmetric && width < 2)
      return emitError() << "a symmetric signed format needs at least 2 bits";
  } else if (auto floatType = dyn_cast<FloatType>(elementType)) {
    if (floatType.getWidth() > 16)
      return emitError()
             << "floating-point formats must have at most 16 bits, got "
             << elementType;
    if (!symmetric)
      return emitError() << "floating-point format " << elementType
                         << " has no zero point and cannot be asymmetric";
  } else {
    return emitError()
           << "element type must be an integer or floating-point type, got "
           << elementType;
  }

  switch (granularity) {
  case Granularity::PerTensor:
    if (axis != -1 || groupSize != 0)
      return emitError() << "per_tensor format takes no axis or group size";
    break;
  case Granularity::PerChannel:
    if (axis < 0)
      return emitError() << "axis must be non-negative, got " << axis;
    if (groupSize != 0)
      return emitError() << "per_channel format takes no group size";
    break;
  case Granularity::Group:
    if (axis < 0)
      return emitError() << "axis must be non-negative, got " << axis;
    if (groupSize < 1)
      return emitError() << "group size must be positive, got " << groupSize;
    break;
  }
  return success();
}

unsigned FormatAttr::getBitWidth() const {
  return getElementType().getIntOrFloatBitWidth();
}

bool FormatAttr::isInteger() const {
  return isa<IntegerType>(getElementType());
}

bool FormatAttr::isSignedInteger() const {
  auto intType = dyn_cast<IntegerType>(getElementType());
  return intType && intType.isSigned();
}

int64_t FormatAttr::getQMin() const {
  assert(isInteger() && "integer grid of a floating-point format");
  return isSignedInteger() ? -(int64_t(1) << (getBitWidth() - 1)) : 0;
}

int64_t FormatAttr::getQMax() const {
  assert(isInteger() && "integer grid of a floating-point format");
  return isSignedInteger() ? (int64_t(1) << (getBitWidth() - 1)) - 1
                           : (int64_t(1) << getBitWidth()) - 1;
}

std::string FormatAttr::getShortName() const {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << getElementType();
  if (getGranularity() == Granularity::PerChannel)
    os << "-ch";
  else if (getGranularity() == Granularity::Group)
    os << "-g" << getGroupSize();
  if (!getSymmetric())
    os << "-asym";
  return name;
}

LogicalResult FormatAttr::verifyForShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (getGranularity() == Granularity::PerTensor)
    return success();
  int64_t axis = getAxis();
  int64_t rank = shape.size();
  if (axis >= rank)
    return emitError() << "axis " << axis
                       << " is out of range for a tensor of rank " << rank;
  if (getGranularity() == Granularity::Group &&
      !ShapedType::isDynamic(shape[axis]) && shape[axis] % getGroupSize() != 0)
    return emitError() << "group size " << getGroupSize()
                       << " does not tile axis " << axis << " of size "
                       << shape[axis];
  return success();
}

SmallVector<int64_t> FormatAttr::getScaleShape(ArrayRef<int64_t> shape) const {
  switch (getGranularity()) {
  case Granularity::PerTensor:
    return {};
  case Granularity::PerChannel:
    return {shape[getAxis()]};
  case Granularity::Group: {
    SmallVector<int64_t> result(shape);
    int64_t &dim = result[getAxis()];
    if (!ShapedType::isDynamic(dim))
      dim /= getGroupSize();
    return result;
  }
  }
  llvm_unreachable("unknown granularity");
}

/// Parses `(axis = N)` or, with `groupSize`, `(axis = N, size = M)`.
static ParseResult parseAxisAndSize(AsmParser &parser, int64_t &axis,
                                    int64_t *groupSize) {
  if (parser.parseLParen() || parser.parseKeyword("axis") ||
      parser.parseEqual() || parser.parseInteger(axis))
    return failure();
  if (groupSize) {
    if (failed(parser.parseOptionalComma()))
      return parser.emitError(parser.getCurrentLocation(),
                              "group granularity needs a group size: "
                              "group(axis = A, size = G)");
    if (parser.parseKeyword("size") || parser.parseEqual() ||
        parser.parseInteger(*groupSize))
      return failure();
  }
  return parser.parseRParen();
}

Attribute FormatAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  Type elementType;
  if (parser.parseLess() || parser.parseType(elementType))
    return {};

  Granularity granularity = Granularity::PerTensor;
  int64_t axis = -1, groupSize = 0;
  bool symmetric = true;
  bool sawGranularity = false, sawSymmetry = false;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keywordLoc = parser.getCurrentLocation();
    StringRef keyword;
    if (parser.parseKeyword(&keyword))
      return {};
    if (keyword == "symmetric" || keyword == "asymmetric") {
      if (sawSymmetry) {
        parser.emitError(keywordLoc, "symmetry given twice");
        return {};
      }
      sawSymmetry = true;
      symmetric = keyword == "symmetric";
      continue;
    }
    std::optional<Granularity> parsed = symbolizeGranularity(keyword);
    if (!parsed) {
      parser.emitError(keywordLoc)
          << "expected 'per_tensor', 'per_channel', 'group', 'symmetric' or "
             "'asymmetric', got '"
          << keyword << "'";
      return {};
    }
    if (sawGranularity) {
      parser.emitError(keywordLoc, "granularity given twice");
      return {};
    }
    sawGranularity = true;
    granularity = *parsed;
    if (granularity == Granularity::PerChannel &&
        parseAxisAndSize(parser, axis, /*groupSize=*/nullptr))
      return {};
    if (granularity == Granularity::Group &&
        parseAxisAndSize(parser, axis, &groupSize))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<FormatAttr>(loc, parser.getContext(), elementType,
                                       granularity, axis, groupSize,
                                       symmetric);
}

void FormatAttr::print(AsmPrinter &printer) const {
  printer << "<" << getElementType() << ", "
          << stringifyGranularity(getGranularity());
  switch (getGranularity()) {
  case Granularity::PerTensor:
    break;
  case Granularity::PerChannel:
    printer << "(axis = " << getAxis() << ")";
    break;
  case Granularity::Group:
    printer << "(axis = " << getAxis() << ", size = " << getGroupSize() << ")";
    break;
  }
  if (!getSymmetric())
    printer << ", asymmetric";
  printer << ">";
}

ParseResult mlir::qopt::parseFormatBody(OpAsmParser &parser,
                                        FormatAttr &format) {
  Attribute attr = FormatAttr::parse(parser, Type());
  if (!attr)
    return failure();
  format = cast<FormatAttr>(attr); // FormatAttr::parse returns one or null
  return success();
}

void mlir::qopt::printFormatBody(OpAsmPrinter &printer, Operation *,
                                 FormatAttr format) {
  format.print(printer);
}

//===----------------------------------------------------------------------===//
// CandidatesAttr
//===----------------------------------------------------------------------===//

Attribute CandidatesAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<FormatAttr> formats;
  auto parseFormat = [&]() -> ParseResult {
    FormatAttr format;
    if (parser.parseCustomAttributeWithFallback(format))
      return failure();
    formats.push_back(format);
    return success();
  };
  if (parser.parseLess() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                     parseFormat) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<CandidatesAttr>(loc, parser.getContext(), formats);
}

void CandidatesAttr::print(AsmPrinter &printer) const {
  printer << "<[";
  llvm::interleaveComma(getFormats(), printer, [&](FormatAttr format) {
    printer.printStrippedAttrOrType(format);
  });
  printer << "]>";
}

LogicalResult
CandidatesAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       ArrayRef<FormatAttr> formats) {
  if (formats.empty())
    return emitError() << "candidate set must not be empty";
  llvm::SmallPtrSet<Attribute, 8> seen;
  for (FormatAttr format : formats)
    if (!seen.insert(format).second)
      return emitError() << "candidate set lists " << format << " twice";
  return success();
}

//===----------------------------------------------------------------------===//
// EntryTensorAttr / EntryABIAttr
//===----------------------------------------------------------------------===//

bool EntryTensorAttr::isABIElementType(Type type) {
  // One per qopt_dtype of qopt-runtime/model.h.
  return type.isF32() || type.isF64() || type.isSignlessInteger(1) ||
         type.isSignlessInteger(8) || type.isSignlessInteger(16) ||
         type.isSignlessInteger(32) || type.isSignlessInteger(64);
}

Attribute EntryTensorAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  std::string name;
  Type elementType;
  SmallVector<int64_t> shape;
  if (parser.parseLess() || parser.parseString(&name) || parser.parseComma() ||
      parser.parseType(elementType) || parser.parseComma() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                     [&]() -> ParseResult {
                                       return parser.parseInteger(
                                           shape.emplace_back());
                                     }) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<EntryTensorAttr>(loc, parser.getContext(), name,
                                            elementType, shape);
}

void EntryTensorAttr::print(AsmPrinter &printer) const {
  printer << '<';
  printer.printString(getName());
  printer << ", " << getElementType() << ", [";
  llvm::interleaveComma(getShape(), printer);
  printer << "]>";
}

LogicalResult
EntryTensorAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        StringRef name, Type elementType,
                        ArrayRef<int64_t> shape) {
  if (name.empty())
    return emitError() << "entry tensor name must not be empty";
  if (!isABIElementType(elementType))
    return emitError() << "entry tensor '" << name << "' has element type "
                       << elementType
                       << ", which the model ABI has no qopt_dtype for (f32, "
                          "f64, i1, i8, i16, i32 or i64)";
  for (auto [i, dim] : llvm::enumerate(shape))
    if (dim < 0)
      return emitError() << "entry tensor '" << name << "' dimension " << i
                         << " is "
                         << (ShapedType::isDynamic(dim) ? "dynamic"
                                                        : "negative")
                         << "; the model ABI takes static shapes";
  return success();
}

namespace mlir::qopt {
static FailureOr<SmallVector<EntryTensorAttr>>
parseEntryTensors(AsmParser &parser) {
  SmallVector<EntryTensorAttr> tensors;
  if (parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square, [&]() -> ParseResult {
            return parser.parseCustomAttributeWithFallback(
                tensors.emplace_back());
          }))
    return failure();
  return tensors;
}

static void printEntryTensors(AsmPrinter &printer,
                              ArrayRef<EntryTensorAttr> tensors) {
  printer << '[';
  llvm::interleaveComma(tensors, printer, [&](EntryTensorAttr tensor) {
    printer.printStrippedAttrOrType(tensor);
  });
  printer << ']';
}
} // namespace mlir::qopt

/// A C identifier: the library name prefixes C symbols and a header guard.
static bool isCIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

LogicalResult
EntryABIAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     StringRef name, ArrayRef<EntryTensorAttr> inputs,
                     ArrayRef<EntryTensorAttr> outputs,
                     std::optional<int64_t> workspaceBytes) {
  if (!isCIdentifier(name))
    return emitError() << "library name '" << name
                       << "' is not a C identifier";
  if (workspaceBytes && *workspaceBytes < 0)
    return emitError() << "workspace_bytes must be non-negative, got "
                       << *workspaceBytes;
  return success();
}

//===----------------------------------------------------------------------===//
// ActStatsAttr / InputStatsAttr
//===----------------------------------------------------------------------===//

void mlir::qopt::printExactF32Array(AsmPrinter &printer,
                                    DenseF32ArrayAttr array) {
  printer << '[';
  llvm::interleaveComma(array.asArrayRef(), printer.getStream(), [&](float v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%e", double(v));
    if (std::strtof(buf, nullptr) != v)
      std::snprintf(buf, sizeof(buf), "%.8e", double(v));
    printer << buf;
  });
  printer << ']';
}

FailureOr<DenseF32ArrayAttr> mlir::qopt::parseExactF32Array(AsmParser &parser) {
  SmallVector<float> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        double v;
        if (parser.parseFloat(v))
          return failure();
        values.push_back(float(v));
        return success();
      }))
    return failure();
  return DenseF32ArrayAttr::get(parser.getContext(), values);
}

LogicalResult ActStatsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   StringAttr method, int64_t samples,
                                   int64_t axis, DenseF32ArrayAttr min,
                                   DenseF32ArrayAttr max, DenseF32ArrayAttr lo,
                                   DenseF32ArrayAttr hi, StringAttr sidecar,
                                   StringAttr histogram, StringAttr sha256) {
  if (bool(sidecar) != bool(histogram) || bool(sidecar) != bool(sha256))
    return emitError() << "sidecar, histogram and sha256 go together";
  if (!llvm::is_contained({"minmax", "percentile", "mse", "entropy"},
                          method.getValue()))
    return emitError() << "unknown range method '" << method.getValue()
                       << "'; expected minmax, percentile, mse or entropy";
  if (samples < 1)
    return emitError() << "samples must be positive, got " << samples;
  if (axis < -1)
    return emitError() << "axis must be -1 (per tensor) or a dimension, got "
                       << axis;
  int64_t n = min.size();
  if (n == 0 || int64_t(max.size()) != n || int64_t(lo.size()) != n ||
      int64_t(hi.size()) != n)
    return emitError() << "min, max, lo and hi must have the same non-zero "
                          "length";
  if (axis == -1 && n != 1)
    return emitError() << "per-tensor statistics have one value, got " << n;
  for (int64_t i = 0; i < n; ++i) {
    // Scales come from these ranges: an infinite or NaN bound (e.g. a
    // literal beyond the f32 range, which parses as inf) has no scale.
    if (!std::isfinite(min[i]) || !std::isfinite(max[i]) ||
        !std::isfinite(lo[i]) || !std::isfinite(hi[i]))
      return emitError() << "min, max, lo and hi must be finite f32 values "
                            "(at "
                         << i << ")";
    if (min[i] > max[i])
      return emitError() << "min " << min[i] << " exceeds max " << max[i]
                         << " at " << i;
    if (lo[i] > hi[i])
      return emitError() << "lo " << lo[i] << " exceeds hi " << hi[i]
                         << " at " << i;
  }
  return success();
}

LogicalResult
InputStatsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       int64_t samples, ElementsAttr diag, ElementsAttr mean,
                       StringAttr sidecar, StringAttr key, StringAttr sha256) {
  if (samples < 1)
    return emitError() << "samples must be positive, got " << samples;
  if (!diag.getElementType().isF32())
    return emitError() << "diag must hold f32 values";
  // Blobs are checked by the dialect's operation-attribute verifier.
  if (!isa<DenseResourceElementsAttr>(diag) &&
      failed(verifyFloatElements(diag,
                                 [&]() { return emitError() << "diag: "; })))
    return failure();
  if (mean) {
    if (!mean.getElementType().isF32() ||
        mean.getShapedType().getShape() != diag.getShapedType().getShape())
      return emitError() << "mean must hold f32 values shaped like diag";
    if (!isa<DenseResourceElementsAttr>(mean) &&
        failed(verifyFloatElements(
            mean, [&]() { return emitError() << "mean: "; })))
      return failure();
  }
  if (bool(sidecar) != bool(key) || bool(sidecar) != bool(sha256))
    return emitError() << "sidecar, key and sha256 go together";
  return success();
}

/// The values of a sensitivity, which must be readable and finite.
static FailureOr<SmallVector<double>>
readSensitivities(ElementsAttr values,
                  function_ref<InFlightDiagnostic()> emitError) {
  FailureOr<SmallVector<double>> read = readFloatElements(
      values, [&]() { return emitError() << "values: "; });
  if (failed(read))
    return failure();
  for (auto [i, v] : llvm::enumerate(*read))
    if (!std::isfinite(v))
      return emitError() << "values must be finite, got " << v
                         << " at index " << i;
  return read;
}

LogicalResult
SensitivityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        StringAttr method, int64_t channelsPerGroup,
                        ElementsAttr values) {
  if (!llvm::is_contained({"weight-error", "hessian", "output-kl", "output-mse"},
                          method.getValue()))
    return emitError() << "unknown sensitivity method '" << method.getValue()
                       << "'; expected weight-error, hessian, output-kl or output-mse";
  if (channelsPerGroup < 0)
    return emitError() << "channels_per_group must be >= 0, got "
                       << channelsPerGroup;
  ShapedType type = values.getShapedType();
  if (!type.getElementType().isF64())
    return emitError() << "values must be f64";
  if (type.getRank() != (channelsPerGroup ? 2 : 1))
    return emitError() << "values must have rank "
                       << (channelsPerGroup ? 2 : 1)
                       << (channelsPerGroup ? " ([groups, candidates])"
                                            : " ([candidates])");
  // A blob is not loaded yet when the attribute is parsed: the dialect's
  // operation-attribute verifier reads and checks it.
  if (isa<DenseResourceElementsAttr>(values))
    return success();
  return failure(failed(readSensitivities(values, emitError)));
}

FailureOr<SmallVector<double>> SensitivityAttr::readValues(
    function_ref<InFlightDiagnostic()> emitError) const {
  return readSensitivities(getValues(), emitError);
}

//===----------------------------------------------------------------------===//
// GroupFormatsAttr
//===----------------------------------------------------------------------===//

LogicalResult
GroupFormatsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t channelsPerGroup, ArrayAttr formats) {
  if (channelsPerGroup <= 0)
    return emitError() << "channels_per_group must be > 0, got "
                       << channelsPerGroup;
  if (formats.empty())
    return emitError() << "needs at least one format";
  for (Attribute a : formats)
    if (!isa<FormatAttr>(a))
      return emitError() << "formats must be #qopt.format attributes, got "
                         << a;
  return success();
}

//===----------------------------------------------------------------------===//
// Floating-point values of elements attributes
//===----------------------------------------------------------------------===//

/// Bytes of one element of a resource blob of `type`, or 0 for element
/// types whose blobs are not read.
static unsigned blobElementBytes(FloatType type) {
  unsigned width = type.getWidth();
  return width == 8 || width == 16 || width == 32 || width == 64 ? width / 8
                                                                  : 0;
}

LogicalResult
mlir::qopt::verifyFloatElements(ElementsAttr attr,
                                function_ref<InFlightDiagnostic()> emitError) {
  ShapedType type = attr.getShapedType();
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (!floatType)
    return emitError() << "expected floating-point values, got " << type;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    DenseResourceElementsHandle handle = resource.getRawHandle();
    unsigned bytes = blobElementBytes(floatType);
    if (!bytes)
      return emitError() << "cannot read " << floatType
                         << " values from dense_resource<" << handle.getKey()
                         << ">";
    AsmResourceBlob *blob = handle.getBlob();
    if (!blob)
      return emitError() << "dense_resource<" << handle.getKey()
                         << "> has no data (no blob of that name in the "
                            "file's dialect_resources)";
    uint64_t expected = uint64_t(type.getNumElements()) * bytes;
    if (blob->getData().size() != expected)
      return emitError() << "dense_resource<" << handle.getKey() << "> holds "
                         << blob->getData().size() << " bytes; " << type
                         << " needs " << expected;
    return success();
  }
  if (!attr.tryGetValues<APFloat>())
    return emitError() << "cannot read floating-point values from a '"
                       << attr.getAbstractAttribute().getName()
                       << "' attribute";
  return success();
}

FailureOr<SmallVector<double>>
mlir::qopt::readFloatElements(ElementsAttr attr,
                              function_ref<InFlightDiagnostic()> emitError) {
  if (failed(verifyFloatElements(attr, emitError)))
    return failure();
  auto floatType = cast<FloatType>(attr.getElementType()); // verified above
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  auto toDouble = [](APFloat v) {
    bool losesInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    return v.convertToDouble();
  };
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource) {
    auto range = attr.tryGetValues<APFloat>();
    for (const APFloat &v : *range)
      values.push_back(toDouble(v));
    return values;
  }
  // Blobs hold elements in host byte order, possibly less aligned than
  // their type: copy each one out.
  ArrayRef<char> data = resource.getRawHandle().getBlob()->getData();
  unsigned bytes = blobElementBytes(floatType);
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  for (size_t offset = 0; offset < data.size(); offset += bytes) {
    const char *element = data.data() + offset;
    uint64_t bits = 0;
    switch (bytes) {
    case 1:
      bits = uint8_t(*element);
      break;
    case 2: {
      uint16_t v;
      std::memcpy(&v, element, sizeof(v));
      bits = v;
      break;
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, element, sizeof(v));
      bits = v;
      break;
    }
    default:
      std::memcpy(&bits, element, sizeof(bits));
      break;
    }
    values.push_back(toDouble(APFloat(semantics, APInt(bytes * 8, bits))));
  }
  return values;
}
