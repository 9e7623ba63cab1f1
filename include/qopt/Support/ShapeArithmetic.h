//===- ShapeArithmetic.h - Overflow-checked shape sizes ---------*- C++ -*-===//
//
// Shapes and element sizes in qopt come from files users give us (ONNX
// dims, .npy headers, TensorProto dims): a product of untrusted dimensions
// can overflow int64 or be negative, and every reader must reject such a
// shape before it allocates or indexes anything. Header-only, so that the
// importer, the executor's readers and the runtime-free tools share it.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SUPPORT_SHAPEARITHMETIC_H
#define QOPT_SUPPORT_SHAPEARITHMETIC_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>

namespace mlir::qopt {

/// Largest tensor, in bytes, that a reader accepts from a file (1 TiB): far
/// above any real model, low enough that byte counts never overflow.
inline constexpr int64_t kMaxTensorBytes = int64_t(1) << 40;

/// Number of elements of `shape`, or nullopt if a dimension is negative or
/// the product of its non-zero dimensions exceeds `limit`. An empty tensor
/// with huge other dimensions is rejected too, so that code multiplying the
/// dimensions of an accepted shape in any order never overflows.
inline std::optional<int64_t>
checkedNumElements(llvm::ArrayRef<int64_t> shape,
                   int64_t limit = kMaxTensorBytes) {
  int64_t n = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d == 0) {
      empty = true;
      continue;
    }
    if (n > limit / d)
      return std::nullopt;
    n *= d;
  }
  return empty ? 0 : n;
}

/// Bytes of a tensor of `shape` with `elementBytes`-byte elements, or
/// nullopt if it is malformed or above kMaxTensorBytes.
inline std::optional<int64_t> checkedNumBytes(llvm::ArrayRef<int64_t> shape,
                                              int64_t elementBytes) {
  std::optional<int64_t> n = checkedNumElements(shape);
  if (!n || elementBytes <= 0 || *n > kMaxTensorBytes / elementBytes)
    return std::nullopt;
  return *n * elementBytes;
}

} // namespace mlir::qopt

#endif // QOPT_SUPPORT_SHAPEARITHMETIC_H
