//===- QOptDialect.h - QOpt dialect declaration -----------------*- C++ -*-===//
//
// Declares the qopt dialect class.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTDIALECT_H
#define QOPT_DIALECT_QOPT_IR_QOPTDIALECT_H

#include "mlir/IR/Dialect.h"

#include "qopt/Dialect/QOpt/IR/QOptOpsDialect.h.inc"

#endif // QOPT_DIALECT_QOPT_IR_QOPTDIALECT_H
