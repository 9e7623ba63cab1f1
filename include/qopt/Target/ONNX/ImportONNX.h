//===- ImportONNX.h - Import ONNX models into MLIR ---------------*- C++ -*-===//
//
// The ONNX frontend: turns an ONNX ModelProto into a `func.func @main` over
// upstream tensor ops (TOSA where an op maps, tensor/arith/math otherwise).
// Weights become DenseResourceElementsAttr blobs; every op carries a NameLoc
// with its ONNX node name. See docs/Frontend/ONNX.md for the op mapping.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_ONNX_IMPORTONNX_H
#define QOPT_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class MemoryBuffer;
} // namespace llvm

namespace mlir {
class DialectRegistry;
class MLIRContext;

namespace qopt {

struct OnnxImportOptions {
  /// Shapes pinned per graph input name (`--input-shape=name:1x3x224x224`).
  /// They override what the model declares and must agree with its static
  /// dimensions.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Shapes of the data a graph input will be given (qopt-run's input
  /// files, as onnxruntime reads them): they fill only the dimensions the
  /// model leaves dynamic, and only for an input of the same rank that is
  /// not pinned; other names are ignored.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapeHints;
  /// Value given to a graph input's dynamic leading (batch) dimension when
  /// no shape is pinned; a warning says so. Other dynamic dimensions that no
  /// pinned shape resolves are an error.
  int64_t defaultBatchSize = 1;
  /// Graph inputs bound to fixed values (serialized onnx.TensorProto), by
  /// name: they become constants, e.g. a shape or sequence length that a
  /// compiler must know (`--bind-input=name:file.pb`).
  llvm::StringMap<std::string> boundInputs;
  /// Run onnx::checker::check_model before importing.
  bool runChecker = true;
  /// Models with an older default-domain opset are converted up to this one
  /// with ONNX's version converter; newer opsets are imported as they are.
  int64_t minOpset = 13;
};

/// Parses `options` from the `name:AxBxC` syntax of --input-shape; returns
/// an error message on malformed input.
std::string parseInputShapeOption(llvm::StringRef text,
                                  OnnxImportOptions &options);

/// Imports the ONNX model in `bytes`. `modelPath` locates external-data
/// tensors (their `location` is relative to the model's directory) and names
/// the model in diagnostics. Errors are emitted as diagnostics on `context`,
/// naming the ONNX node where there is one.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(std::unique_ptr<llvm::MemoryBuffer> bytes,
                llvm::StringRef modelPath, MLIRContext &context,
                const OnnxImportOptions &options = {});

/// Reads and imports the ONNX model file at `path`.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(llvm::StringRef path, MLIRContext &context,
                const OnnxImportOptions &options = {});

/// True if `contents` (read from `filename`) should be treated as an ONNX
/// model: a `.onnx` file name, or binary protobuf content that starts like a
/// ModelProto rather than MLIR text or bytecode.
bool looksLikeOnnxModel(llvm::StringRef filename, llvm::StringRef contents);

/// The op types (as "domain:op_type") a serialized model uses that the
/// importer does not support; empty if it supports them all or the bytes do
/// not parse.
std::vector<std::string> listUnsupportedOnnxOps(llvm::StringRef bytes);

/// The graph inputs and outputs of a serialized model whose type qopt has
/// no representation for (sequences, optionals, maps, string tensors), as
/// "name: kind"; empty if there are none or the bytes do not parse.
std::vector<std::string> listUnsupportedOnnxTypes(llvm::StringRef bytes);

/// A graph input that is not an initializer: its name and ONNX element type
/// (onnx::TensorProto::DataType; 0 if not a tensor).
struct OnnxGraphInput {
  std::string name;
  int32_t elementType = 0;
  /// Rank, or -1 if the model declares no shape.
  int64_t rank = -1;
  bool isInteger() const;
};
/// The graph inputs of a serialized model, in order (empty if it does not
/// parse).
std::vector<OnnxGraphInput> listOnnxGraphInputs(llvm::StringRef bytes);

/// The op types of the default ONNX domain the importer supports, sorted.
std::vector<std::string> getSupportedOnnxOps();

/// Registers the dialects the importer produces.
void registerOnnxImportDialects(DialectRegistry &registry);

} // namespace qopt
} // namespace mlir

#endif // QOPT_TARGET_ONNX_IMPORTONNX_H
