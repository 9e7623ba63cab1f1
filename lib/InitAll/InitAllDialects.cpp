//===- InitAllDialects.cpp - Dialects qopt uses ----------------------------===//
//
// Implements qopt::registerAllDialects.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllDialects.h"
#include "qopt/Dialect/QOpt/ExternalModels/QuantizableOpInterfaceImpl.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"

void mlir::qopt::registerAllDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect,
                  quant::QuantDialect, tensor::TensorDialect,
                  tosa::TosaDialect, qopt::QOptDialect>();
  registerQuantizableOpInterfaceExternalModels(registry);
}
