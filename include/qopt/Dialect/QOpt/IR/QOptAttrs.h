//===- QOptAttrs.h - QOpt attributes -----------------------------*- C++ -*-===//
//
// Declares qopt's enums and attributes (#qopt.format, #qopt.candidates,
// ...) and the reader of floating-point values out of any ElementsAttr.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTATTRS_H
#define QOPT_DIALECT_QOPT_IR_QOPTATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectImplementation.h"

#include "qopt/Dialect/QOpt/IR/QOptEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h.inc"

namespace mlir::qopt {

/// Parses the body of a format, i.e. what follows `#qopt.format` between the
/// angle brackets, angle brackets included. Used by ops that print a format
/// inline (`... as <si4, per_channel(axis = 0)>`).
ParseResult parseFormatBody(OpAsmParser &parser, FormatAttr &format);
/// Prints what parseFormatBody parses.
void printFormatBody(OpAsmPrinter &printer, Operation *op, FormatAttr format);

/// Checks that readFloatElements can read `attr`: its element type is a
/// float, and a `dense_resource` has a blob of exactly the bytes its type
/// needs (blobs of 8, 16, 32 and 64-bit floats). The reason for a failure
/// is appended to `emitError()`.
///
/// Attribute verifiers cannot check blobs (a file's `dialect_resources`
/// section is parsed after the attributes that name it); operation
/// verifiers, which run after it, can.
LogicalResult
verifyFloatElements(ElementsAttr attr,
                    function_ref<InFlightDiagnostic()> emitError);

/// The values of the floating-point `attr` as doubles in row-major order,
/// whatever ElementsAttr kind holds them: dense (splat or not), sparse, or a
/// `dense_resource` blob. Fails as verifyFloatElements does.
FailureOr<SmallVector<double>>
readFloatElements(ElementsAttr attr,
                  function_ref<InFlightDiagnostic()> emitError);

/// `[v0, v1, ...]` with each f32 printed so that it parses back to the same
/// bits (`%e` where that is exact, else 9 significant digits).
void printExactF32Array(AsmPrinter &printer, DenseF32ArrayAttr array);
FailureOr<DenseF32ArrayAttr> parseExactF32Array(AsmParser &parser);

} // namespace mlir::qopt

#endif // QOPT_DIALECT_QOPT_IR_QOPTATTRS_H
