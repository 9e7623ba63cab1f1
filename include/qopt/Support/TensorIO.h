//===- TensorIO.h - Reading and writing tensors ------------------*- C++ -*-===//
//
// NumPy .npy / .npz files and ONNX TensorProto .pb files, in C++ (no Python
// at run time). Errors are returned as messages naming the file.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SUPPORT_TENSORIO_H
#define QOPT_SUPPORT_TENSORIO_H

#include "qopt/Support/Tensor.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::qopt {

/// Parses a .npy file's bytes (version 1, 2 or 3; little-endian; C order).
llvm::Expected<Tensor> parseNpy(llvm::StringRef bytes, llvm::StringRef name);
/// Reads a .npy file.
llvm::Expected<Tensor> readNpy(llvm::StringRef path);
/// Serializes `t` in .npy format (version 1.0).
std::string serializeNpy(const Tensor &t);
/// Writes `t` to a .npy file.
llvm::Error writeNpy(const Tensor &t, llvm::StringRef path);

/// Reads every array of a .npz archive (stored or deflated members), in
/// archive order, with names stripped of their `.npy` suffix.
llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
readNpz(llvm::StringRef path);

/// Parses a .npz archive's bytes; `name` prefixes error messages.
llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
parseNpz(llvm::StringRef bytes, llvm::StringRef name);

/// Writes arrays as an uncompressed .npz archive (numpy.load reads it).
llvm::Error
writeNpz(llvm::ArrayRef<std::pair<std::string, Tensor>> arrays,
         llvm::StringRef path);

/// Parses a serialized onnx.TensorProto (raw or typed data).
llvm::Expected<Tensor> parseTensorProto(llvm::StringRef bytes,
                                        llvm::StringRef name);
/// Reads a .pb TensorProto file.
llvm::Expected<Tensor> readTensorProto(llvm::StringRef path);
/// Serializes `t` as an onnx.TensorProto named `name` (raw data).
std::string serializeTensorProto(const Tensor &t, llvm::StringRef name);
/// Writes `t` to a .pb TensorProto file.
llvm::Error writeTensorProto(const Tensor &t, llvm::StringRef name,
                             llvm::StringRef path);

} // namespace mlir::qopt

#endif // QOPT_SUPPORT_TENSORIO_H
