//===- ExportONNX.h - Quantized models back to ONNX --------------*- C++ -*-===//
//
// Writes the quantization qopt chose as an ONNX model that onnxruntime
// executes: the original ONNX model with each quantized layer's weight
// replaced by its quantized integers, as com.microsoft MatMulNBits (MatMul
// and Gemm with groups or below 8 bits) or a per-axis or blocked
// DequantizeLinear (raising the model to opset 21 where blocks need it),
// and, on the integer path, a QuantizeLinear / DequantizeLinear pair on the
// layer's input (docs/Backends/ONNX.md).
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
/// from the ONNX bytes `original`) as a quantized ONNX model to `os`.
/// Layers are matched to ONNX nodes by name (the importer's NameLocs).
/// Errors are emitted on the IR and name the layer or node; a layer the
/// export cannot express is an error, never written back as float.
/// `originalPath` locates the external data of `original`, which the
/// export moves into the model it writes.
LogicalResult exportQuantizedOnnxModel(ModuleOp quantized,
                                       llvm::StringRef original,
                                       llvm::raw_ostream &os,
                                       llvm::StringRef originalPath = "");

} // namespace mlir::qopt

#endif // QOPT_TARGET_ONNX_EXPORTONNX_H
