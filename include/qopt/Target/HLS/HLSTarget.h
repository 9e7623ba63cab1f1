//===- HLSTarget.h - The FPGA (HLS C++) target ------------------*- C++ -*-===//
//
// The HLS target writes a Vitis HLS C++ project (EmitProject.h) from an
// integer-only model; docs/Backends/HLS.md.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_HLS_HLSTARGET_H
#define QOPT_TARGET_HLS_HLSTARGET_H

#include "qopt/Target/TargetBackend.h"

namespace mlir::qopt {

/// What the HLS layer templates lower: integer weight formats with one
/// scale per output channel (per-channel or per-tensor), on the integer
/// path. Groups and minifloats are unsupported.
LayerSupport getHLSLayerSupport(const LayerInfo &layer, FormatAttr format);

void registerHLSTarget();

} // namespace mlir::qopt

#endif // QOPT_TARGET_HLS_HLSTARGET_H
