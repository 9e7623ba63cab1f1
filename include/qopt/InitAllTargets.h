//===- InitAllTargets.h - Targets qopt deploys to ---------------*- C++ -*-===//
//
// Registers every TargetBackend (qopt/Target/TargetBackend.h) so --target=,
// target= pass options and qopt-run find them by name.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_INITALLTARGETS_H
#define QOPT_INITALLTARGETS_H

namespace mlir::qopt {
/// Registers the cpu and onnx targets. Safe to call more than once.
void registerAllTargets();
} // namespace mlir::qopt

#endif // QOPT_INITALLTARGETS_H
