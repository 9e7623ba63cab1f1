//===- Tensor.h - Dense host tensors -----------------------------*- C++ -*-===//
//
// A dense, row-major host tensor: element type, static shape and shared,
// 64-byte-aligned storage (or a view of storage someone else owns, such as
// a resource blob). Copies share storage; kernels write only tensors they
// create. The reference executor, the analyses, the tensor files and the
// compiled-model loader all exchange data as these.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SUPPORT_TENSOR_H
#define QOPT_SUPPORT_TENSOR_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mlir::qopt {

/// Element types qopt's host tensors hold (what the executor computes with).
enum class DType { F32, F64, F16, BF16, I1, I8, U8, I16, I32, I64 };

/// Size in bytes of one element.
unsigned dtypeBytes(DType dtype);
/// "float32", "int8", ... (NumPy names).
llvm::StringRef dtypeName(DType dtype);
/// The DType of an MLIR element type (`ui8` is U8, signless/signed i8 I8).
std::optional<DType> dtypeFromType(Type type);
bool isFloat(DType dtype);

class Tensor {
public:
  Tensor() = default;

  /// A zero-filled tensor.
  static Tensor zeros(DType dtype, llvm::ArrayRef<int64_t> shape);
  /// A tensor whose contents are undefined until written.
  static Tensor uninitialized(DType dtype, llvm::ArrayRef<int64_t> shape);
  /// A tensor viewing `data` (not copied); `owner` keeps it alive.
  static Tensor view(DType dtype, llvm::ArrayRef<int64_t> shape,
                     const void *data, std::shared_ptr<const void> owner);

  DType getDType() const { return dtype; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getRank() const { return shape.size(); }
  int64_t getNumElements() const;
  size_t getNumBytes() const { return getNumElements() * dtypeBytes(dtype); }
  bool isNull() const { return !storage && getNumElements() != 0; }

  const char *bytes() const { return static_cast<const char *>(storage); }
  char *mutableBytes() { return static_cast<char *>(storage); }
  template <typename T> const T *data() const {
    return static_cast<const T *>(storage);
  }
  template <typename T> T *mutableData() { return static_cast<T *>(storage); }

  /// The same storage with another shape (same element count).
  Tensor reshaped(llvm::ArrayRef<int64_t> newShape) const;
  /// The same bytes read as another type of the same width.
  Tensor bitcast(DType newType) const;
  /// A deep copy.
  Tensor clone() const;

  /// Element `i` converted to double / int64 (any dtype).
  double getDouble(int64_t i) const;
  int64_t getInt(int64_t i) const;

  /// "float32[1, 3, 224, 224]"
  std::string describe() const;

private:
  DType dtype = DType::F32;
  llvm::SmallVector<int64_t, 4> shape;
  std::shared_ptr<const void> owner;
  void *storage = nullptr;
};

/// Row-major strides of `shape`, in elements.
llvm::SmallVector<int64_t, 4> stridesOf(llvm::ArrayRef<int64_t> shape);
/// "[1, 3, 224, 224]"
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace mlir::qopt

#endif // QOPT_SUPPORT_TENSOR_H
