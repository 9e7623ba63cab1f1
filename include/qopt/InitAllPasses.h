//===- InitAllPasses.h - Passes qopt uses ------------------------*- C++ -*-===//
//
// Registers qopt's passes and pipelines, and the few upstream passes qopt's
// pipelines are built from, for textual pipelines (--pass-pipeline=...).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_INITALLPASSES_H
#define QOPT_INITALLPASSES_H

namespace mlir::qopt {
/// Registers qopt's passes and pipelines, canonicalize, cse and symbol-dce,
/// and the upstream passes qopt's pipelines run (so that textual pipelines
/// qopt prints, e.g. crash reproducers, replay with qopt).
void registerAllPasses();
} // namespace mlir::qopt

#endif // QOPT_INITALLPASSES_H
