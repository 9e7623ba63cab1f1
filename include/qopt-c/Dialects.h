/*===- qopt-c/Dialects.h - C API for the qopt dialect and passes --*- C -*-===*\
|*                                                                            *|
|* Lets C (and Python, through bindings) clients register the qopt dialect,   *|
|* every dialect qopt uses, and qopt's passes.                                 *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QOPT_C_DIALECTS_H
#define QOPT_C_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__qopt__(): the qopt dialect alone.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(QOpt, qopt);

/// Inserts every dialect qopt reads or writes (builtin, func, arith, math,
/// tensor, tosa, linalg, quant, qopt) and qopt's external interface models
/// into `registry`.
MLIR_CAPI_EXPORTED void qoptRegisterAllDialects(MlirDialectRegistry registry);

/// Registers qopt's passes (and the upstream ones its pipelines use) so that
/// mlirParsePassPipeline understands them. Idempotent.
MLIR_CAPI_EXPORTED void qoptRegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#endif /* QOPT_C_DIALECTS_H */
