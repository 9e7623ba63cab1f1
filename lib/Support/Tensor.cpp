//===- Tensor.cpp - Dense host tensors ------------------------------------===//
//
// Implements Tensor and the DType helpers.
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/Tensor.h"
#include "qopt/Support/FloatBits.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

unsigned mlir::qopt::dtypeBytes(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
    return 2;
  case DType::I1:
  case DType::I8:
  case DType::U8:
    return 1;
  }
  llvm_unreachable("unknown dtype");
}

StringRef mlir::qopt::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "float32";
  case DType::F64:
    return "float64";
  case DType::F16:
    return "float16";
  case DType::BF16:
    return "bfloat16";
  case DType::I1:
    return "bool";
  case DType::I8:
    return "int8";
  case DType::U8:
    return "uint8";
  case DType::I16:
    return "int16";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  }
  llvm_unreachable("unknown dtype");
}

bool mlir::qopt::isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F64 || dtype == DType::F16 ||
         dtype == DType::BF16;
}

std::optional<DType> mlir::qopt::dtypeFromType(Type type) {
  // Quantized tensors hold their storage integers (int8 activations).
  if (auto quantType = dyn_cast<quant::QuantizedType>(type))
    type = quantType.getStorageType();
  if (type.isF32())
    return DType::F32;
  if (type.isF64())
    return DType::F64;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (auto intType = dyn_cast<IntegerType>(type)) {
    switch (intType.getWidth()) {
    case 1:
      return DType::I1;
    case 8:
      return intType.isUnsigned() ? DType::U8 : DType::I8;
    case 16:
      return DType::I16;
    case 32:
      return DType::I32;
    case 64:
      return DType::I64;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

int64_t Tensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Tensor Tensor::zeros(DType dtype, ArrayRef<int64_t> shape) {
  Tensor t = uninitialized(dtype, shape);
  if (t.getNumBytes())
    std::memset(t.storage, 0, t.getNumBytes());
  return t;
}

Tensor Tensor::uninitialized(DType dtype, ArrayRef<int64_t> shape) {
  Tensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  size_t bytes = t.getNumBytes();
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!p)
    llvm::report_fatal_error("qopt executor: out of memory allocating " +
                             llvm::Twine(bytes) + " bytes");
  t.owner = std::shared_ptr<const void>(p, [](const void *q) {
    std::free(const_cast<void *>(q));
  });
  t.storage = p;
  return t;
}

Tensor Tensor::view(DType dtype, ArrayRef<int64_t> shape, const void *data,
                    std::shared_ptr<const void> owner) {
  Tensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  t.owner = std::move(owner);
  t.storage = const_cast<void *>(data);
  return t;
}

Tensor Tensor::reshaped(ArrayRef<int64_t> newShape) const {
  Tensor t = *this;
  t.shape.assign(newShape.begin(), newShape.end());
  assert(t.getNumElements() == getNumElements() && "reshape changes size");
  return t;
}

Tensor Tensor::bitcast(DType newType) const {
  assert(dtypeBytes(newType) == dtypeBytes(dtype) && "bitcast width");
  Tensor t = *this;
  t.dtype = newType;
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = zeros(dtype, shape);
  if (getNumBytes())
    std::memcpy(t.storage, storage, getNumBytes());
  return t;
}

double Tensor::getDouble(int64_t i) const {
  switch (dtype) {
  case DType::F32:
    return data<float>()[i];
  case DType::F64:
    return data<double>()[i];
  case DType::F16:
    return halfBitsToFloat(data<uint16_t>()[i]);
  case DType::BF16:
    return bf16BitsToFloat(data<uint16_t>()[i]);
  default:
    return double(getInt(i));
  }
}

int64_t Tensor::getInt(int64_t i) const {
  switch (dtype) {
  case DType::I1:
  case DType::U8:
    return data<uint8_t>()[i];
  case DType::I8:
    return data<int8_t>()[i];
  case DType::I16:
    return data<int16_t>()[i];
  case DType::I32:
    return data<int32_t>()[i];
  case DType::I64:
    return data<int64_t>()[i];
  default:
    return int64_t(getDouble(i));
  }
}

SmallVector<int64_t, 4> mlir::qopt::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::string mlir::qopt::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

std::string Tensor::describe() const {
  return (dtypeName(dtype) + formatShape(shape)).str();
}
