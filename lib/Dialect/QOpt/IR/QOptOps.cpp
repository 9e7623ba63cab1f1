//===- QOptOps.cpp - QOpt op definitions -----------------------------------===//
//
// Verifiers and helpers of the qopt dialect's operations.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

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
