//===- Importer.cpp - ONNX graph importer ----------------------------------===//
//
// GraphImporter: value table, constants and resource blobs, locations,
// unsupported-op reporting and dispatch to node handlers.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "TosaBuilder.h"
#include "qopt/Support/FloatBits.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <functional>
#include <cstring>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::onnx_import;

//===----------------------------------------------------------------------===//
// ConstTensor
//===----------------------------------------------------------------------===//

unsigned mlir::qopt::onnx_import::dtypeSize(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return 8;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return 2;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

std::string mlir::qopt::onnx_import::dtypeName(int32_t dtype) {
  if (onnx::TensorProto_DataType_IsValid(dtype))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dtype));
  return "dtype " + std::to_string(dtype);
}

int64_t ConstTensor::numElements() const { return product(shape); }

int64_t mlir::qopt::onnx_import::saturatingInt64(double d) {
  if (std::isnan(d))
    return 0;
  // 2^63 is the first double above INT64_MAX.
  if (d >= 9223372036854775808.0)
    return INT64_MAX;
  if (d < -9223372036854775808.0)
    return INT64_MIN;
  return int64_t(d);
}

bool ConstTensor::isFloat() const {
  return dtype == onnx::TensorProto::FLOAT ||
         dtype == onnx::TensorProto::DOUBLE ||
         dtype == onnx::TensorProto::FLOAT16 ||
         dtype == onnx::TensorProto::BFLOAT16;
}

ConstTensor ConstTensor::fromBuffer(int32_t dtype, ArrayRef<int64_t> shape,
                                    std::string buffer) {
  ConstTensor t;
  t.dtype = dtype;
  t.shape.assign(shape.begin(), shape.end());
  auto owned = std::make_shared<std::string>(std::move(buffer));
  t.bytes = ArrayRef<char>(owned->data(), owned->size());
  t.owner = std::move(owned);
  return t;
}

template <typename T>
static T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

SmallVector<double> ConstTensor::toDouble() const {
  SmallVector<double> out;
  int64_t n = numElements();
  out.reserve(n);
  const char *p = bytes.data();
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
    case onnx::TensorProto::FLOAT:
      out.push_back(load<float>(p + 4 * i));
      break;
    case onnx::TensorProto::DOUBLE:
      out.push_back(load<double>(p + 8 * i));
      break;
    case onnx::TensorProto::FLOAT16:
      out.push_back(halfBitsToFloat(load<uint16_t>(p + 2 * i)));
      break;
    case onnx::TensorProto::BFLOAT16:
      out.push_back(bf16BitsToFloat(load<uint16_t>(p + 2 * i)));
      break;
    default: {
      SmallVector<int64_t> ints = toInt64();
      return SmallVector<double>(ints.begin(), ints.end());
    }
    }
  }
  return out;
}

SmallVector<int64_t> ConstTensor::toInt64() const {
  SmallVector<int64_t> out;
  int64_t n = numElements();
  out.reserve(n);
  const char *p = bytes.data();
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
    case onnx::TensorProto::INT64:
      out.push_back(load<int64_t>(p + 8 * i));
      break;
    case onnx::TensorProto::UINT64:
      out.push_back(int64_t(load<uint64_t>(p + 8 * i)));
      break;
    case onnx::TensorProto::INT32:
      out.push_back(load<int32_t>(p + 4 * i));
      break;
    case onnx::TensorProto::UINT32:
      out.push_back(load<uint32_t>(p + 4 * i));
      break;
    case onnx::TensorProto::INT16:
      out.push_back(load<int16_t>(p + 2 * i));
      break;
    case onnx::TensorProto::UINT16:
      out.push_back(load<uint16_t>(p + 2 * i));
      break;
    case onnx::TensorProto::INT8:
      out.push_back(load<int8_t>(p + i));
      break;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      out.push_back(load<uint8_t>(p + i));
      break;
    default: {
      // Floats truncate toward zero, as a cast would.
      SmallVector<double> d = toDouble();
      for (double v : d)
        out.push_back(saturatingInt64(v));
      return out;
    }
    }
  }
  return out;
}

template <typename T>
static void store(std::string &buf, T v) {
  buf.append(reinterpret_cast<const char *>(&v), sizeof(T));
}

ConstTensor ConstTensor::fromDouble(int32_t dtype, ArrayRef<int64_t> shape,
                                    ArrayRef<double> values) {
  std::string buf;
  buf.reserve(values.size() * std::max(1u, dtypeSize(dtype)));
  for (double v : values) {
    switch (dtype) {
    case onnx::TensorProto::FLOAT:
      store<float>(buf, float(v));
      break;
    case onnx::TensorProto::DOUBLE:
      store<double>(buf, v);
      break;
    case onnx::TensorProto::FLOAT16:
      store<uint16_t>(buf, floatToHalfBits(float(v)));
      break;
    case onnx::TensorProto::BFLOAT16:
      store<uint16_t>(buf, floatToBf16Bits(float(v)));
      break;
    default:
      return fromInt64(dtype, shape,
                       llvm::to_vector(llvm::map_range(
                           values, [](double d) { return saturatingInt64(d); })));
    }
  }
  return fromBuffer(dtype, shape, std::move(buf));
}

ConstTensor ConstTensor::fromInt64(int32_t dtype, ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> values) {
  std::string buf;
  buf.reserve(values.size() * std::max(1u, dtypeSize(dtype)));
  for (int64_t v : values) {
    switch (dtype) {
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
      store<int64_t>(buf, v);
      break;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      store<int32_t>(buf, int32_t(v));
      break;
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      store<int16_t>(buf, int16_t(v));
      break;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
      store<int8_t>(buf, int8_t(v));
      break;
    case onnx::TensorProto::BOOL:
      store<uint8_t>(buf, v != 0);
      break;
    default:
      return fromDouble(dtype, shape,
                        llvm::to_vector(llvm::map_range(
                            values, [](int64_t i) { return double(i); })));
    }
  }
  return fromBuffer(dtype, shape, std::move(buf));
}

ConstTensor ConstTensor::fromFloats(ArrayRef<int64_t> shape,
                                    ArrayRef<float> values) {
  std::string buf(reinterpret_cast<const char *>(values.data()),
                  values.size() * sizeof(float));
  return fromBuffer(onnx::TensorProto::FLOAT, shape, std::move(buf));
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext &context,
                             const OnnxImportOptions &options,
                             StringRef modelPath)
    : context(context), options(options), modelPath(modelPath.str()),
      b(&context), currentLoc(UnknownLoc::get(&context)) {}

Type GraphImporter::convertDType(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

Location GraphImporter::nodeLocation(const onnx::NodeProto &node,
                                     unsigned index) {
  std::string name = node.name();
  if (name.empty())
    name = node.op_type() + "_" + std::to_string(index);
  return NameLoc::get(b.getStringAttr(locPrefix + name));
}

InFlightDiagnostic GraphImporter::emitNodeError() {
  InFlightDiagnostic diag = emitError(currentLoc);
  diag << "node '" << cast<NameLoc>(currentLoc).getName().getValue() << "' ("
       << currentNode->op_type() << "): ";
  return diag;
}

LogicalResult GraphImporter::nodeError(const Twine &message) {
  return emitNodeError() << message;
}

bool GraphImporter::hasInput(unsigned i) const {
  return i < unsigned(currentNode->input_size()) &&
         !currentNode->input(i).empty();
}

bool GraphImporter::hasOutput(unsigned i) const {
  return i < unsigned(currentNode->output_size()) &&
         !currentNode->output(i).empty();
}

std::optional<ConstTensor> GraphImporter::constInput(unsigned i) const {
  if (!hasInput(i))
    return std::nullopt;
  auto it = constants.find(currentNode->input(i));
  if (it == constants.end())
    return std::nullopt;
  return it->second;
}

Value GraphImporter::input(unsigned i) {
  assert(hasInput(i) && "missing input");
  const std::string &name = currentNode->input(i);
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto c = constants.find(name);
  assert(c != constants.end() && "inputs were checked before dispatch");
  // Materialize at the start of the function so every user dominates
  // (uses inside If branches included).
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(entryBlock);
  Value v = materialize(c->second, name);
  values[name] = v;
  return v;
}

SmallVector<int64_t> GraphImporter::inputShape(unsigned i) {
  if (std::optional<ConstTensor> c = constInput(i))
    return c->shape;
  return llvm::to_vector(
      cast<RankedTensorType>(input(i).getType()).getShape());
}

Type GraphImporter::inputElementType(unsigned i) {
  if (std::optional<ConstTensor> c = constInput(i))
    return convertDType(c->dtype);
  return cast<RankedTensorType>(input(i).getType()).getElementType();
}

RankedTensorType GraphImporter::inferredOutputType(unsigned i) const {
  if (!hasOutput(i))
    return {};
  auto it = inferredTypes.find(currentNode->output(i));
  if (it == inferredTypes.end())
    return {};
  return it->second;
}

bool GraphImporter::producesOnlyEmptyTensors() const {
  bool any = false;
  for (unsigned i = 0, e = currentNode->output_size(); i < e; ++i) {
    if (!hasOutput(i))
      continue;
    RankedTensorType type = inferredOutputType(i);
    if (!type || type.getNumElements() != 0)
      return false;
    any = true;
  }
  return any;
}

void GraphImporter::setOutput(unsigned i, Value value) {
  if (hasOutput(i))
    bind(currentNode->output(i), value);
}

void GraphImporter::setOutputConst(unsigned i, ConstTensor value) {
  if (hasOutput(i))
    bindConst(currentNode->output(i), std::move(value));
}

void GraphImporter::bind(StringRef name, Value value) {
  constants.erase(name);
  values[name] = value;
}

void GraphImporter::bindConst(StringRef name, ConstTensor value) {
  // A materialized copy of an earlier binding must not shadow this one.
  values.erase(name);
  constants[name] = std::move(value);
}

bool GraphImporter::isBound(StringRef name) const {
  return values.count(name) || constants.count(name);
}

std::optional<ConstTensor> GraphImporter::lookupConst(StringRef name) const {
  auto it = constants.find(name);
  if (it == constants.end())
    return std::nullopt;
  return it->second;
}

Value GraphImporter::lookupValue(StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto c = constants.find(name);
  if (c == constants.end())
    return {};
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(entryBlock);
  Value v = materialize(c->second, name);
  values[name] = v;
  return v;
}

void onnx_import::forEachNode(const onnx::GraphProto &graph,
                              function_ref<void(const onnx::NodeProto &)> fn,
                              function_ref<void(const onnx::GraphProto &)>
                                  onGraph) {
  if (onGraph)
    onGraph(graph);
  for (const onnx::NodeProto &node : graph.node()) {
    fn(node);
    for (const onnx::AttributeProto &a : node.attribute()) {
      if (a.has_g())
        forEachNode(a.g(), fn, onGraph);
      for (const onnx::GraphProto &g : a.graphs())
        forEachNode(g, fn, onGraph);
    }
  }
}

void GraphImporter::collectDefinedNames(const onnx::GraphProto &graph,
                                        SmallVectorImpl<std::string> &names) {
  forEachNode(
      graph,
      [&](const onnx::NodeProto &node) {
        for (const std::string &out : node.output())
          if (!out.empty())
            names.push_back(out);
      },
      [&](const onnx::GraphProto &g) {
        for (const onnx::TensorProto &init : g.initializer())
          names.push_back(init.name());
      });
}

void GraphImporter::unbind(ArrayRef<std::string> names) {
  for (const std::string &name : names) {
    values.erase(name);
    constants.erase(name);
  }
}

LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &graph,
                                            StringRef prefix) {
  const onnx::NodeProto *savedNode = currentNode;
  Location savedLoc = currentLoc;
  std::string savedPrefix = locPrefix;
  locPrefix = savedPrefix + prefix.str();
  auto restore = llvm::make_scope_exit([&] {
    currentNode = savedNode;
    currentLoc = savedLoc;
    locPrefix = savedPrefix;
  });
  for (const onnx::TensorProto &init : graph.initializer()) {
    onnx::TensorProto copy = init;
    FailureOr<ConstTensor> t = readTensor(
        copy, NameLoc::get(b.getStringAttr(locPrefix + init.name())));
    if (failed(t))
      return failure();
    bindConst(init.name(), std::move(*t));
  }
  for (const auto &info : graph.value_info())
    recordInferredType(info);
  for (const auto &info : graph.output())
    recordInferredType(info);
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return failure();
  return success();
}

const onnx::AttributeProto *GraphImporter::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : currentNode->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t GraphImporter::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : defaultValue;
}

float GraphImporter::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : defaultValue;
}

std::string GraphImporter::stringAttr(StringRef name,
                                      StringRef defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : defaultValue.str();
}

SmallVector<int64_t> GraphImporter::intsAttr(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

SmallVector<float> GraphImporter::floatsAttr(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

Value GraphImporter::materialize(const ConstTensor &value, StringRef name) {
  Type elementType = convertDType(value.dtype);
  if (value.numElements() == 0)
    return tensor::EmptyOp::create(b, currentLoc, value.shape, elementType);
  auto type = RankedTensorType::get(value.shape, elementType);
  // TOSA works on signless integers.
  if (auto intType = dyn_cast<IntegerType>(elementType))
    if (!intType.isSignless())
      type = RankedTensorType::get(value.shape,
                                   b.getIntegerType(intType.getWidth()));
  unsigned align = std::max(1u, dtypeSize(value.dtype));
  ConstTensor held = value;
  if (reinterpret_cast<uintptr_t>(held.bytes.data()) % align != 0)
    held = ConstTensor::fromBuffer(value.dtype, value.shape,
                                   std::string(value.bytes.begin(),
                                               value.bytes.end()));
  std::shared_ptr<const void> owner = held.owner;
  AsmResourceBlob blob(held.bytes, align,
                       [owner](void *, size_t, size_t) mutable {
                         owner.reset();
                       },
                       /*dataIsMutable=*/false);
  // Resource keys are identifiers; keep the ONNX name readable.
  std::string key;
  for (char c : name)
    key.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (key.empty() || llvm::isDigit(key.front()))
    key.insert(key.begin(), 'w');
  auto attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  return tosa::ConstOp::create(b, currentLoc, type, attr);
}

FailureOr<ConstTensor> GraphImporter::readTensor(onnx::TensorProto &tensor,
                                                 Location loc) {
  ConstTensor t;
  t.dtype = tensor.data_type();
  t.shape.assign(tensor.dims().begin(), tensor.dims().end());
  for (int64_t d : t.shape)
    if (d < 0)
      return emitError(loc) << "tensor '" << tensor.name()
                            << "' has a negative dimension";
  unsigned size = dtypeSize(t.dtype);
  if (!checkedNumBytes(t.shape, std::max(1u, size)))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' is too large (its dimensions multiply to "
                             "more than 2^40 bytes)";
  // Wide unsigned constants (exponents, indices) are widened to a signed
  // type that holds every value; TOSA has no unsigned tensors.
  int32_t widenTo = 0;
  if (t.dtype == onnx::TensorProto::UINT16)
    widenTo = onnx::TensorProto::INT32;
  else if (t.dtype == onnx::TensorProto::UINT32 ||
           t.dtype == onnx::TensorProto::UINT64)
    widenTo = onnx::TensorProto::INT64;
  if (widenTo) {
    int32_t original = t.dtype;
    ConstTensor raw;
    raw.dtype = original;
    raw.shape = t.shape;
    uint64_t bytes = uint64_t(t.numElements()) * size;
    if (tensor.has_raw_data()) {
      if (tensor.raw_data().size() != bytes)
        return emitError(loc) << "tensor '" << tensor.name() << "' has "
                              << tensor.raw_data().size()
                              << " bytes of raw data, its shape needs "
                              << bytes;
      raw = ConstTensor::fromBuffer(original, t.shape, tensor.raw_data());
      SmallVector<int64_t> values = raw.toInt64();
      for (int64_t v : values)
        if (original == onnx::TensorProto::UINT64 && v < 0)
          return emitError(loc) << "tensor '" << tensor.name()
                                << "' holds a UINT64 value above 2^63";
      return ConstTensor::fromInt64(widenTo, t.shape, values);
    }
    SmallVector<int64_t> values;
    if (original == onnx::TensorProto::UINT64) {
      for (uint64_t v : tensor.uint64_data()) {
        if (v > uint64_t(INT64_MAX))
          return emitError(loc) << "tensor '" << tensor.name()
                                << "' holds a UINT64 value above 2^63";
        values.push_back(int64_t(v));
      }
    } else {
      for (int32_t v : tensor.int32_data())
        values.push_back(original == onnx::TensorProto::UINT16
                             ? int64_t(uint16_t(v))
                             : int64_t(uint32_t(v)));
    }
    if (int64_t(values.size()) != t.numElements())
      return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                            << values.size() << " values, its shape needs "
                            << t.numElements();
    return ConstTensor::fromInt64(widenTo, t.shape, values);
  }
  if (size == 0 || !convertDType(t.dtype))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has unsupported element type "
                          << dtypeName(t.dtype);
  uint64_t expected = uint64_t(t.numElements()) * size;

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    uint64_t offset = 0;
    std::optional<uint64_t> length;
    for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset" || entry.key() == "length") {
        uint64_t v;
        if (StringRef(entry.value()).getAsInteger(10, v))
          return emitError(loc) << "tensor '" << tensor.name()
                                << "' has a malformed external-data "
                                << entry.key() << " '" << entry.value()
                                << "'";
        (entry.key() == "offset" ? offset : *(length = v)) = v;
      }
    }
    if (location.empty())
      return emitError(loc) << "tensor '" << tensor.name()
                            << "' has external data without a location";
    SmallString<256> path(llvm::sys::path::parent_path(modelPath));
    llvm::sys::path::append(path, location);
    uint64_t fileSize;
    if (llvm::sys::fs::file_size(path, fileSize))
      return emitError(loc) << "external data file '" << path
                            << "' of tensor '" << tensor.name()
                            << "' cannot be read";
    uint64_t len = length.value_or(expected);
    if (len != expected || offset + len > fileSize)
      return emitError(loc)
             << "external data of tensor '" << tensor.name() << "' ("
             << len << " bytes at offset " << offset << " of '" << path
             << "', " << fileSize << " bytes long) does not hold the "
             << expected << " bytes its shape needs";
    auto buffer = llvm::MemoryBuffer::getFileSlice(path, len, offset);
    if (!buffer)
      return emitError(loc) << "cannot map external data '" << path
                            << "': " << buffer.getError().message();
    std::shared_ptr<llvm::MemoryBuffer> owned(std::move(*buffer));
    t.bytes = ArrayRef<char>(owned->getBufferStart(), owned->getBufferSize());
    t.owner = std::move(owned);
    return t;
  }

  if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != expected)
      return emitError(loc) << "tensor '" << tensor.name() << "' has "
                            << tensor.raw_data().size()
                            << " bytes of raw data, its shape needs "
                            << expected;
    std::shared_ptr<std::string> owned(tensor.release_raw_data());
    t.bytes = ArrayRef<char>(owned->data(), owned->size());
    t.owner = std::move(owned);
    return t;
  }

  // Typed fields: small tensors, copied.
  int64_t n = t.numElements();
  auto countError = [&](int64_t got) {
    return emitError(loc) << "tensor '" << tensor.name() << "' holds " << got
                          << " values, its shape needs " << n;
  };
  switch (t.dtype) {
  case onnx::TensorProto::FLOAT: {
    if (tensor.float_data_size() != n)
      return countError(tensor.float_data_size());
    SmallVector<float> v(tensor.float_data().begin(),
                         tensor.float_data().end());
    return ConstTensor::fromFloats(t.shape, v);
  }
  case onnx::TensorProto::DOUBLE: {
    if (tensor.double_data_size() != n)
      return countError(tensor.double_data_size());
    SmallVector<double> v(tensor.double_data().begin(),
                          tensor.double_data().end());
    return ConstTensor::fromDouble(t.dtype, t.shape, v);
  }
  case onnx::TensorProto::INT64: {
    if (tensor.int64_data_size() != n)
      return countError(tensor.int64_data_size());
    SmallVector<int64_t> v(tensor.int64_data().begin(),
                           tensor.int64_data().end());
    return ConstTensor::fromInt64(t.dtype, t.shape, v);
  }
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16: {
    if (tensor.int32_data_size() != n)
      return countError(tensor.int32_data_size());
    std::string buf;
    for (int32_t bits : tensor.int32_data())
      store<uint16_t>(buf, uint16_t(bits));
    return ConstTensor::fromBuffer(t.dtype, t.shape, std::move(buf));
  }
  default: {
    if (tensor.int32_data_size() != n)
      return countError(tensor.int32_data_size());
    SmallVector<int64_t> v(tensor.int32_data().begin(),
                           tensor.int32_data().end());
    return ConstTensor::fromInt64(t.dtype, t.shape, v);
  }
  }
}

void GraphImporter::recordInferredType(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return;
  const auto &tt = info.type().tensor_type();
  Type elementType = convertDType(tt.elem_type());
  if (!elementType)
    return;
  SmallVector<int64_t> shape;
  for (const auto &dim : tt.shape().dim()) {
    // Unknown or (in a malformed model) negative: not a usable shape.
    if (!dim.has_dim_value() || dim.dim_value() < 0)
      return;
    shape.push_back(dim.dim_value());
  }
  if (!checkedNumElements(shape))
    return;
  inferredTypes[info.name()] = RankedTensorType::get(shape, elementType);
}

FailureOr<RankedTensorType>
GraphImporter::graphInputType(const onnx::ValueInfoProto &info) {
  Location loc = NameLoc::get(b.getStringAttr(info.name()));
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph input '" << info.name()
                          << "' is not a tensor";
  const onnx::TypeProto_Tensor &tensorType = info.type().tensor_type();
  Type elementType = convertDType(tensorType.elem_type());
  if (!elementType)
    return emitError(loc) << "graph input '" << info.name()
                          << "' has unsupported element type "
                          << dtypeName(tensorType.elem_type());
  auto pinned = options.inputShapes.find(info.name());
  SmallVector<int64_t> shape;
  if (tensorType.has_shape())
    for (const auto &dim : tensorType.shape().dim())
      shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                          : ShapedType::kDynamic);
  if (pinned != options.inputShapes.end()) {
    if (tensorType.has_shape() && pinned->second.size() != shape.size())
      return emitError(loc) << "--input-shape gives '" << info.name()
                            << "' rank " << pinned->second.size()
                            << ", the model declares rank " << shape.size();
    for (auto [i, d] : llvm::enumerate(shape))
      if (!ShapedType::isDynamic(d) && d != pinned->second[i])
        return emitError(loc) << "--input-shape gives '" << info.name()
                              << "' dimension " << i << " = "
                              << pinned->second[i]
                              << ", the model declares " << d;
    shape = pinned->second;
  } else {
    if (!tensorType.has_shape())
      return emitError(loc) << "graph input '" << info.name()
                            << "' has no shape; pin one with "
                               "--input-shape="
                            << info.name() << ":<dims>";
    for (auto [i, d] : llvm::enumerate(shape)) {
      if (!ShapedType::isDynamic(d))
        continue;
      const auto &dim = tensorType.shape().dim(i);
      std::string symbol =
          dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "";
      return emitError(loc) << "graph input '" << info.name()
                            << "' has dynamic dimension " << i << symbol
                            << "; pin it with --input-shape=" << info.name()
                            << ":<dims>";
    }
  }
  if (!checkedNumElements(shape))
    return emitError(loc) << "graph input '" << info.name()
                          << "' has a negative or too large shape";
  return RankedTensorType::get(shape, elementType);
}

LogicalResult
onnx_import::checkSupportedOps(const onnx::GraphProto &graph,
                               const llvm::StringMap<int64_t> &domainOpsets,
                               StringRef modelPath, MLIRContext &context) {
  // Every unsupported (domain, op_type, opset) with the nodes using it.
  // In order of first use.
  std::vector<std::pair<std::string, SmallVector<std::string>>> unsupported;
  llvm::StringMap<size_t> position;
  const auto &handlers = getNodeHandlers();
  // Nodes of subgraphs (If branches, Loop bodies) too.
  SmallVector<const onnx::NodeProto *> nodes;
  forEachNode(graph, [&](const onnx::NodeProto &node) { nodes.push_back(&node); });
  for (auto [index, nodePtr] : llvm::enumerate(nodes)) {
    const onnx::NodeProto &node = *nodePtr;
    StringRef domain = node.domain();
    bool defaultDomain = domain.empty() || domain == "ai.onnx";
    if (defaultDomain && handlers.count(node.op_type()))
      continue;
    std::string domainName = defaultDomain ? "ai.onnx" : domain.str();
    auto opset = domainOpsets.find(domainName);
    std::string key =
        "(" + domainName + ", " + node.op_type() + ", " +
        (opset == domainOpsets.end()
             ? std::string("domain not in the model's opset_import")
             : "opset " + std::to_string(opset->second)) +
        ")";
    std::string name =
        node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                            : node.name();
    auto [it, inserted] = position.try_emplace(key, unsupported.size());
    if (inserted)
      unsupported.emplace_back(key, SmallVector<std::string>());
    unsupported[it->second].second.push_back(name);
  }
  if (unsupported.empty())
    return success();
  InFlightDiagnostic diag =
      emitError(FileLineColLoc::get(&context, modelPath, 0, 0))
      << "the model uses " << unsupported.size()
      << " unsupported op type(s):";
  for (auto &[key, names] : unsupported) {
    diag << "\n  " << key << " at node(s) ";
    const size_t shown = 8;
    for (auto [i, name] : llvm::enumerate(names)) {
      if (i == shown) {
        diag << ", ... (" << names.size() - shown << " more)";
        break;
      }
      diag << (i ? ", '" : "'") << name << "'";
    }
  }
  return failure();
}

LogicalResult
onnx_import::checkWindowAttributes(const onnx::GraphProto &graph,
                                   MLIRContext &context) {
  static const llvm::StringSet<> windowOps = {
      "Conv",    "ConvTranspose", "ConvInteger", "QLinearConv",
      "MaxPool", "AveragePool",   "LpPool",      "MaxUnpool"};
  LogicalResult result = success();
  size_t index = 0;
  forEachNode(graph, [&](const onnx::NodeProto &node) {
    size_t position = index++;
    if (failed(result) || !windowOps.contains(node.op_type()))
      return;
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(position)
                           : node.name();
    for (const onnx::AttributeProto &attr : node.attribute()) {
      StringRef attrName = attr.name();
      bool positive = attrName == "strides" || attrName == "dilations" ||
                      attrName == "kernel_shape";
      if (!positive && attrName != "pads")
        continue;
      for (int64_t v : attr.ints()) {
        if (positive ? v > 0 : v >= 0)
          continue;
        emitError(NameLoc::get(StringAttr::get(&context, name)))
            << "node '" << name << "' (" << node.op_type() << "): "
            << attrName << (positive ? " must be positive" : " must not be negative")
            << " (got " << v << ")";
        result = failure();
        return;
      }
    }
  });
  return result;
}

FailureOr<OwningOpRef<ModuleOp>>
GraphImporter::importModel(onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      defaultOpset = opset.version();

  onnx::GraphProto &graph = *model.mutable_graph();

  Location moduleLoc = FileLineColLoc::get(&context, modelPath, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(moduleLoc);

  // Initializers are constants; graph inputs that name one are not
  // function arguments (older exporters list both).
  for (onnx::TensorProto &init : *graph.mutable_initializer()) {
    FailureOr<ConstTensor> t = readTensor(
        init, NameLoc::get(b.getStringAttr(init.name())));
    if (failed(t))
      return failure();
    constants[init.name()] = std::move(*t);
  }

  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (constants.count(in.name()))
      continue;
    FailureOr<RankedTensorType> type = graphInputType(in);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    args.push_back(&in);
  }

  // Shapes from ONNX shape inference (value_info and outputs).
  for (const auto &info : graph.value_info())
    recordInferredType(info);
  for (const auto &info : graph.output())
    recordInferredType(info);

  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, moduleLoc, "main",
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  entryBlock = entry;
  for (auto [i, info] : llvm::enumerate(args)) {
    values[info->name()] = entry->getArgument(i);
    func.setArgAttr(i, "qopt.name", b.getStringAttr(info->name()));
  }
  b.setInsertionPointToEnd(entry);

  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return failure();

  SmallVector<Value> results;
  currentLoc = moduleLoc;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    if (!values.count(out.name()) && !constants.count(out.name()))
      return emitError(moduleLoc) << "graph output '" << out.name()
                                  << "' is not produced by any node";
    if (!values.count(out.name())) {
      const ConstTensor &c = constants.find(out.name())->second;
      Value v = materialize(c, out.name());
      // Constants are signless inside; the boundary keeps ONNX's UINT8.
      Type element = convertDType(c.dtype);
      if (element != TosaBuilder::typeOf(v).getElementType() &&
          c.numElements() != 0)
        v = tensor::BitcastOp::create(
            b, moduleLoc, RankedTensorType::get(c.shape, element), v);
      values[out.name()] = v;
    }
    results.push_back(values[out.name()]);
  }
  func::ReturnOp::create(b, moduleLoc, results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "qopt.name", b.getStringAttr(out.name()));
  return module;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        unsigned index) {
  currentNode = &node;
  currentLoc = nodeLocation(node, index);
  for (unsigned i = 0, e = node.input_size(); i < e; ++i) {
    const std::string &name = node.input(i);
    if (!name.empty() && !values.count(name) && !constants.count(name))
      return nodeError("input '" + name +
                       "' is not a graph input, initializer or the output "
                       "of an earlier node");
  }
  FailureOr<bool> folded = tryFold(node);
  if (succeeded(folded) && !*folded) {
    // TOSA has no unsigned tensors; only quantization ops take them.
    for (unsigned i = 0, e = node.input_size(); i < e; ++i) {
      if (!hasInput(i))
        continue;
      static const llvm::StringSet<> takesUnsigned = {
          "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
          "MatMulInteger",  "ConvInteger",      "QLinearMatMul",
          "QLinearConv",    "Cast",             "Identity",
          "MaxPool"};
      auto intType = dyn_cast<IntegerType>(inputElementType(i));
      if (intType && intType.isUnsigned() &&
          !takesUnsigned.contains(node.op_type()))
        return nodeError("input '" + node.input(i) + "' is unsigned (" +
                         dtypeName(onnx::TensorProto::UINT8) +
                         "); unsigned tensors are only supported by the "
                         "quantization ops");
    }
  }
  if (failed(folded))
    return failure();
  if (!*folded && producesOnlyEmptyTensors()) {
    // TOSA has no zero-element tensors; an empty result is a value with no
    // data whatever the op computes.
    for (unsigned i = 0, e = node.output_size(); i < e; ++i)
      if (RankedTensorType type = inferredOutputType(i))
        setOutput(i, tensor::EmptyOp::create(b, currentLoc, type.getShape(),
                                             type.getElementType()));
    return success();
  }
  if (!*folded) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    NodeHandler handler =
        defaultDomain ? getNodeHandlers().lookup(node.op_type()) : nullptr;
    if (!handler)
      return nodeError("op type '" + node.op_type() + "' of domain '" +
                       (defaultDomain ? "ai.onnx" : node.domain()) +
                       "' is not supported");
    if (failed(handler(*this, node)))
      return failure();
  }
  for (unsigned i = 0, e = node.output_size(); i < e; ++i) {
    const std::string &name = node.output(i);
    if (name.empty() || values.count(name) || constants.count(name))
      continue;
    // Optional outputs (e.g. Dropout's mask) may stay unset; reading one
    // later is reported as a missing input there.
    if (i == 0)
      return nodeError("output '" + name + "' was not produced");
  }
  return success();
}
