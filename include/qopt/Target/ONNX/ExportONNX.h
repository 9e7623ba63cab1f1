//===- ExportONNX.h - Quantized models back to ONNX --------------*- C++ -*-===//
//
// Writes the quantization qopt chose as a standard ONNX QDQ model that
// onnxruntime (or any ONNX runtime) executes: the original ONNX model with
// each quantized layer's weight replaced by its quantized integers and a
// dequantization, and, on the integer path, a QuantizeLinear /
// DequantizeLinear pair on the layer's input (docs/Frontend/ONNX.md,
// "Quantized export").
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_ONNX_EXPORTONNX_H
#define QOPT_TARGET_ONNX_EXPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::qopt {

/// Exports `quantized` (the output of qopt-quantize on a model imported
/// from the ONNX bytes `original`) as a QDQ ONNX model to `os`. Layers are
/// matched to ONNX nodes by name (the importer's NameLocs). Errors are
/// emitted on the IR and name the layer or node.
LogicalResult exportQuantizedOnnxModel(ModuleOp quantized,
                                       llvm::StringRef original,
                                       llvm::raw_ostream &os);

} // namespace mlir::qopt

#endif // QOPT_TARGET_ONNX_EXPORTONNX_H
