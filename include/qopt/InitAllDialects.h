//===- InitAllDialects.h - Dialects qopt uses --------------------*- C++ -*-===//
//
// Registers every dialect qopt reads or writes, with qopt's external models
// (QuantizableOpInterface on TOSA and linalg ops). Tools and embedders call
// this once on their DialectRegistry.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_INITALLDIALECTS_H
#define QOPT_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;

namespace qopt {
/// Registers builtin, func, arith, math, tensor, tosa, linalg, quant and
/// qopt, plus qopt's external interface models.
void registerAllDialects(DialectRegistry &registry);
} // namespace qopt
} // namespace mlir

#endif // QOPT_INITALLDIALECTS_H
