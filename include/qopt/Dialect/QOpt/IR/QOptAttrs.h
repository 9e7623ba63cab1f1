//===- QOptAttrs.h - QOpt attributes -----------------------------*- C++ -*-===//
//
// Declares qopt's enums and attributes (#qopt.format, #qopt.candidates).
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

} // namespace mlir::qopt

#endif // QOPT_DIALECT_QOPT_IR_QOPTATTRS_H
