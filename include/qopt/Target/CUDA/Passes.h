//===- Passes.h - The CUDA target's passes ----------------------*- C++ -*-===//
//
// Declares the CUDA target's passes (Passes.td) and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CUDA_PASSES_H
#define QOPT_TARGET_CUDA_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qopt {

#define GEN_PASS_DECL
#include "qopt/Target/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qopt/Target/CUDA/Passes.h.inc"

} // namespace mlir::qopt

#endif // QOPT_TARGET_CUDA_PASSES_H
