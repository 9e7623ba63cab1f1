//===- ONNXTarget.h - ONNX as a target --------------------------*- C++ -*-===//
//
// Quantized ONNX for onnxruntime as a TargetBackend: the artifact is the
// original model edited with QDQ / blocked DequantizeLinear / MatMulNBits
// (ExportONNX.h, docs/Backends/ONNX.md).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_ONNX_ONNXTARGET_H
#define QOPT_TARGET_ONNX_ONNXTARGET_H

#include "qopt/Target/TargetBackend.h"

namespace mlir::qopt {

/// Registers the "onnx" target.
void registerONNXTarget();

/// What the ONNX export expresses for `layer` in `format`.
LayerSupport getONNXLayerSupport(const LayerInfo &layer, FormatAttr format);

} // namespace mlir::qopt

#endif // QOPT_TARGET_ONNX_ONNXTARGET_H
