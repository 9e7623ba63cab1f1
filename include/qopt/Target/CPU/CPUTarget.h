//===- CPUTarget.h - The CPU target -----------------------------*- C++ -*-===//
//
// The CPU as a TargetBackend (qopt/Target/TargetBackend.h): what the CPU
// kernels lower (getLayerSupport), the pipeline (Pipeline.h), the shared
// library or object with its C header (EmitLibrary.h) and the loader
// (CompiledModel.h). Everything of the CPU target lives under
// lib/Target/CPU; its kernels are the runtime library lib/Runtime/CPU.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CPU_CPUTARGET_H
#define QOPT_TARGET_CPU_CPUTARGET_H

#include "qopt/Target/TargetBackend.h"

namespace mlir::qopt {

/// Registers the "cpu" target.
void registerCPUTarget();

/// The CPU target's answer to getLayerSupport, callable without the
/// registry (qopt-quantize asks it what the CPU kernels lower).
LayerSupport getCPULayerSupport(const LayerInfo &layer, FormatAttr format);

} // namespace mlir::qopt

#endif // QOPT_TARGET_CPU_CPUTARGET_H
