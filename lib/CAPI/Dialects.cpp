//===- Dialects.cpp - C API for the qopt dialect and passes ----------------===//
//
// Implements qopt-c/Dialects.h.
//
//===----------------------------------------------------------------------===//

#include "qopt-c/Dialects.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/InitAllDialects.h"
#include "qopt/InitAllPasses.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"

#include <mutex>

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(QOpt, qopt, mlir::qopt::QOptDialect)

void qoptRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::qopt::registerAllDialects(*unwrap(registry));
}

void qoptRegisterAllPasses(void) {
  static std::once_flag once;
  std::call_once(once, [] { mlir::qopt::registerAllPasses(); });
}
