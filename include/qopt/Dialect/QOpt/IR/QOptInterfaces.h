//===- QOptInterfaces.h - QOpt op interfaces ---------------------*- C++ -*-===//
//
// Declares QuantizableOpInterface.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTINTERFACES_H
#define QOPT_DIALECT_QOPT_IR_QOPTINTERFACES_H

#include "qopt/Dialect/QOpt/IR/PatchGeometry.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace mlir::qopt {
namespace detail {
/// Checks what every QuantizableOpInterface implementation must satisfy:
/// the weight operand exists and is shaped, and the reported axes are in
/// range and distinct. `op` must implement the interface. Interfaces
/// attached as external models are not verified with their op, so the
/// dialect's attribute verifier and passes that read a layer's axes call
/// this first.
LogicalResult verifyQuantizableOpInterface(Operation *op);
} // namespace detail

/// True if `value` is computed only from constants by side-effect-free ops
/// (e.g. a constant, or a transpose/reshape of one): a value that is known at
/// compile time and can be quantized ahead of time.
bool isConstantFoldable(Value value);
} // namespace mlir::qopt

#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h.inc"

#endif // QOPT_DIALECT_QOPT_IR_QOPTINTERFACES_H
