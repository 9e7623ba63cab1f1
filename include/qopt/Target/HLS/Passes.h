//===- Passes.h - The HLS target's passes -----------------------*- C++ -*-===//
//
// Declares the HLS target's passes (Passes.td) and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_HLS_PASSES_H
#define QOPT_TARGET_HLS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace mlir::qopt {

#define GEN_PASS_DECL
#include "qopt/Target/HLS/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qopt/Target/HLS/Passes.h.inc"

} // namespace mlir::qopt

#endif // QOPT_TARGET_HLS_PASSES_H
