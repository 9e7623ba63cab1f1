//===- Passes.h - The CPU target's passes -----------------------*- C++ -*-===//
//
// Declares the CPU target's passes (Passes.td) and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_PASSES_H
#define QOPT_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace mlir::qopt {

#define GEN_PASS_DECL
#include "qopt/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qopt/Target/CPU/Passes.h.inc"

} // namespace mlir::qopt

#endif // QOPT_TARGET_CPU_PASSES_H
