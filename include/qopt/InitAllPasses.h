//===- InitAllPasses.h - Passes qopt uses ------------------------*- C++ -*-===//
//
// Registers qopt's passes and pipelines, and the few upstream passes qopt's
// pipelines are built from, for textual pipelines (--pass-pipeline=...).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_INITALLPASSES_H
#define QOPT_INITALLPASSES_H

namespace mlir::qopt {
/// Registers qopt passes plus canonicalize, cse and symbol-dce.
void registerAllPasses();
} // namespace mlir::qopt

#endif // QOPT_INITALLPASSES_H
