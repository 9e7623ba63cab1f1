//===- TensorProtoIO.cpp - ONNX TensorProto (.pb) files --------------------===//
//
// Reads serialized onnx.TensorProto files, the format of the ONNX backend
// test data, into host tensors.
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/TensorIO.h"
#include "qopt/Support/ShapeArithmetic.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

static llvm::Error fail(StringRef name, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + message);
}

static std::optional<DType> dtypeOf(int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return DType::F32;
  case onnx::TensorProto::DOUBLE:
    return DType::F64;
  case onnx::TensorProto::FLOAT16:
    return DType::F16;
  case onnx::TensorProto::BFLOAT16:
    return DType::BF16;
  case onnx::TensorProto::BOOL:
    return DType::I1;
  case onnx::TensorProto::INT8:
    return DType::I8;
  case onnx::TensorProto::UINT8:
    return DType::U8;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16: // 16-bit patterns (e.g. bfloat16 data).
    return DType::I16;
  case onnx::TensorProto::INT32:
    return DType::I32;
  case onnx::TensorProto::INT64:
    return DType::I64;
  default:
    return std::nullopt;
  }
}

llvm::Expected<Tensor> mlir::qopt::parseTensorProto(StringRef bytes,
                                                    StringRef name) {
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), int(bytes.size())))
    return fail(name, "not a serialized onnx.TensorProto");
  std::optional<DType> dtype = dtypeOf(proto.data_type());
  if (!dtype)
    return fail(name, "unsupported TensorProto data type " +
                          Twine(proto.data_type()));
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return fail(name, "external data is not supported in .pb inputs");
  SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  std::optional<int64_t> needed = checkedNumBytes(shape, dtypeBytes(*dtype));
  if (!needed)
    return fail(name, "has a negative or too large shape");
  // Data must be present before anything is allocated for it.
  uint64_t present = proto.raw_data().size() +
                     uint64_t(proto.float_data_size()) * 4 +
                     uint64_t(proto.double_data_size()) * 8 +
                     uint64_t(proto.int64_data_size()) * 8 +
                     uint64_t(proto.int32_data_size()) * 4;
  // Every typed field stores an element in at least its own size.
  if (present < uint64_t(*needed))
    return fail(name, "holds " + Twine(present) +
                          " bytes of data, its shape needs " +
                          Twine(*needed));
  Tensor t = Tensor::zeros(*dtype, shape);
  int64_t n = t.getNumElements();
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != t.getNumBytes())
      return fail(name, "holds " + Twine(proto.raw_data().size()) +
                            " bytes of raw data, its shape needs " +
                            Twine(t.getNumBytes()));
    std::memcpy(t.mutableBytes(), proto.raw_data().data(), t.getNumBytes());
    return t;
  }
  auto checkCount = [&](int64_t got) -> llvm::Error {
    if (got != n)
      return fail(name, "holds " + Twine(got) + " values, its shape needs " +
                            Twine(n));
    return llvm::Error::success();
  };
  unsigned bytesPer = dtypeBytes(*dtype);
  switch (*dtype) {
  case DType::F32:
    if (auto e = checkCount(proto.float_data_size()))
      return std::move(e);
    if (n) // An empty field has no buffer (memcpy from null is UB).
      std::memcpy(t.mutableBytes(), proto.float_data().data(), n * 4);
    break;
  case DType::F64:
    if (auto e = checkCount(proto.double_data_size()))
      return std::move(e);
    if (n)
      std::memcpy(t.mutableBytes(), proto.double_data().data(), n * 8);
    break;
  case DType::I64:
    if (auto e = checkCount(proto.int64_data_size()))
      return std::move(e);
    if (n)
      std::memcpy(t.mutableBytes(), proto.int64_data().data(), n * 8);
    break;
  default:
    // int32_data holds every narrower type (and float16 bit patterns).
    if (auto e = checkCount(proto.int32_data_size()))
      return std::move(e);
    for (int64_t i = 0; i < n; ++i) {
      int32_t v = proto.int32_data(i);
      std::memcpy(t.mutableBytes() + i * bytesPer, &v, bytesPer);
    }
    break;
  }
  return t;
}

static int32_t onnxTypeOf(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return onnx::TensorProto::FLOAT;
  case DType::F64:
    return onnx::TensorProto::DOUBLE;
  case DType::F16:
    return onnx::TensorProto::FLOAT16;
  case DType::BF16:
    return onnx::TensorProto::BFLOAT16;
  case DType::I1:
    return onnx::TensorProto::BOOL;
  case DType::I8:
    return onnx::TensorProto::INT8;
  case DType::U8:
    return onnx::TensorProto::UINT8;
  case DType::I16:
    return onnx::TensorProto::INT16;
  case DType::I32:
    return onnx::TensorProto::INT32;
  case DType::I64:
    return onnx::TensorProto::INT64;
  }
  llvm_unreachable("unknown dtype");
}

std::string mlir::qopt::serializeTensorProto(const Tensor &t, StringRef name) {
  onnx::TensorProto proto;
  proto.set_name(name.str());
  proto.set_data_type(onnxTypeOf(t.getDType()));
  for (int64_t d : t.getShape())
    proto.add_dims(d);
  proto.set_raw_data(std::string(t.bytes(), t.getNumBytes()));
  return proto.SerializeAsString();
}

llvm::Error mlir::qopt::writeTensorProto(const Tensor &t, StringRef name,
                                         StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << serializeTensorProto(t, name);
  return llvm::Error::success();
}

llvm::Expected<Tensor> mlir::qopt::readTensorProto(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  return parseTensorProto((*buffer)->getBuffer(), path);
}
