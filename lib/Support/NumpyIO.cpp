//===- NumpyIO.cpp - .npy and .npz files -----------------------------------===//
//
// The NumPy formats: a magic string, a Python-dict header ('descr',
// 'fortran_order', 'shape') and the raw data; .npz is a zip archive of .npy
// members (stored by numpy.savez, deflated by numpy.savez_compressed).
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/TensorIO.h"
#include "qopt/Support/ShapeArithmetic.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <zlib.h>

#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

static llvm::Error fail(StringRef name, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + message);
}

static std::optional<DType> dtypeFromDescr(StringRef descr) {
  if (descr.size() < 2)
    return std::nullopt;
  char order = descr[0];
  StringRef kind = descr.drop_front();
  if (order == '>' && kind != "i1" && kind != "u1" && kind != "b1")
    return std::nullopt; // Big-endian data.
  if (kind == "f4")
    return DType::F32;
  if (kind == "f8")
    return DType::F64;
  if (kind == "f2")
    return DType::F16;
  // NumPy has no bfloat16: qopt writes bf16 arrays as raw 2-byte values
  // ("<V2", see descrOf) and reads them back as bf16.
  if (kind == "V2")
    return DType::BF16;
  if (kind == "b1")
    return DType::I1;
  if (kind == "i1")
    return DType::I8;
  if (kind == "u1")
    return DType::U8;
  if (kind == "i2")
    return DType::I16;
  if (kind == "i4")
    return DType::I32;
  if (kind == "i8")
    return DType::I64;
  return std::nullopt;
}

static StringRef descrOf(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<V2"; // NumPy has no bfloat16; raw 2-byte values.
  case DType::I1:
    return "|b1";
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::I16:
    return "<i2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  }
  llvm_unreachable("unknown dtype");
}

/// The value of `key` in the header dict, up to the next top-level comma.
static std::optional<StringRef> headerValue(StringRef header, StringRef key) {
  size_t pos = header.find(("'" + key + "'").str());
  if (pos == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(pos + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    return close == StringRef::npos ? std::nullopt
                                    : std::optional(rest.take_front(close + 1));
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).trim();
}

llvm::Expected<Tensor> mlir::qopt::parseNpy(StringRef bytes, StringRef name) {
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return fail(name, "not a .npy file (bad magic string)");
  uint8_t major = bytes[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail(name, "truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(uint8_t(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    return fail(name, "unsupported .npy version " + Twine(int(major)));
  }
  if (offset + headerLen > bytes.size())
    return fail(name, "truncated .npy header");
  StringRef header = bytes.substr(offset, headerLen);

  std::optional<StringRef> descr = headerValue(header, "descr");
  std::optional<StringRef> fortran = headerValue(header, "fortran_order");
  std::optional<StringRef> shapeText = headerValue(header, "shape");
  if (!descr || !fortran || !shapeText)
    return fail(name, "malformed .npy header '" + header.trim() + "'");
  StringRef descrValue = descr->trim("'\" ");
  std::optional<DType> dtype = dtypeFromDescr(descrValue);
  if (!dtype)
    return fail(name, "unsupported .npy dtype '" + descrValue + "'");
  if (fortran->trim() != "False")
    return fail(name, "Fortran-ordered arrays are not supported; save a "
                      "C-contiguous array");
  SmallVector<int64_t> shape;
  SmallVector<StringRef> dims;
  shapeText->trim("() ").split(dims, ',', -1, /*KeepEmpty=*/false);
  for (StringRef d : dims) {
    int64_t v;
    if (d.trim().getAsInteger(10, v) || v < 0)
      return fail(name, "malformed shape in .npy header");
    shape.push_back(v);
  }
  std::optional<int64_t> needed = checkedNumBytes(shape, dtypeBytes(*dtype));
  if (!needed)
    return fail(name, "shape in .npy header is too large");
  size_t dataOffset = offset + headerLen;
  if (bytes.size() - dataOffset < uint64_t(*needed))
    return fail(name, "holds " + Twine(bytes.size() - dataOffset) +
                          " bytes of data, its header needs " +
                          Twine(*needed));
  Tensor t = Tensor::uninitialized(*dtype, shape);
  std::memcpy(t.mutableBytes(), bytes.data() + dataOffset, t.getNumBytes());
  return t;
}

llvm::Expected<Tensor> mlir::qopt::readNpy(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

std::string mlir::qopt::serializeNpy(const Tensor &t) {
  std::string header;
  llvm::raw_string_ostream os(header);
  os << "{'descr': '" << descrOf(t.getDType())
     << "', 'fortran_order': False, 'shape': (";
  llvm::interleave(t.getShape(), os, ", ");
  if (t.getRank() == 1)
    os << ","; // A 1-tuple: "(5,)".
  os << "), }";
  // Pad with spaces so that the data starts 64-byte aligned, then '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  out += header;
  out.append(t.bytes(), t.getNumBytes());
  return out;
}

llvm::Error mlir::qopt::writeNpy(const Tensor &t, StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << serializeNpy(t);
  return llvm::Error::success();
}

template <typename T>
static T le(const char *p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= T(uint8_t(p[i])) << (8 * i);
  return v;
}

llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
mlir::qopt::readNpz(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  return parseNpz((*buffer)->getBuffer(), path);
}

llvm::Expected<std::vector<std::pair<std::string, Tensor>>>
mlir::qopt::parseNpz(StringRef zip, StringRef path) {
  // End of central directory: the last "PK\5\6" record.
  size_t eocd = zip.rfind(StringRef("PK\x05\x06", 4));
  if (eocd == StringRef::npos || zip.size() - eocd < 22)
    return fail(path, "not a .npz (zip) archive");
  uint16_t entries = le<uint16_t>(zip.data() + eocd + 10);
  uint32_t dirOffset = le<uint32_t>(zip.data() + eocd + 16);
  std::vector<std::pair<std::string, Tensor>> arrays;
  size_t pos = dirOffset;
  for (unsigned e = 0; e < entries; ++e) {
    if (pos + 46 > zip.size() || le<uint32_t>(zip.data() + pos) != 0x02014b50)
      return fail(path, "corrupt zip central directory");
    const char *h = zip.data() + pos;
    uint16_t method = le<uint16_t>(h + 10);
    uint32_t csize = le<uint32_t>(h + 20), usize = le<uint32_t>(h + 24);
    uint16_t nameLen = le<uint16_t>(h + 28), extraLen = le<uint16_t>(h + 30),
             commentLen = le<uint16_t>(h + 32);
    uint32_t local = le<uint32_t>(h + 42);
    if (pos + 46 + nameLen > zip.size())
      return fail(path, "corrupt zip central directory");
    std::string member(h + 46, nameLen);
    pos += 46 + nameLen + extraLen + commentLen;
    if (csize == 0xffffffffu || usize == 0xffffffffu)
      return fail(path, "zip64 members are not supported (member '" + member +
                            "')");
    // In 64 bits: a 32-bit offset near 2^32 would wrap past the check.
    if (uint64_t(local) + 30 > zip.size() ||
        le<uint32_t>(zip.data() + local) != 0x04034b50)
      return fail(path, "corrupt zip member '" + member + "'");
    size_t dataStart = local + 30 + le<uint16_t>(zip.data() + local + 26) +
                       le<uint16_t>(zip.data() + local + 28);
    if (uint64_t(dataStart) + csize > zip.size())
      return fail(path, "truncated zip member '" + member + "'");
    StringRef compressed = zip.substr(dataStart, csize);
    std::string data;
    if (method == 0) {
      data = compressed.str();
    } else if (method == 8) {
      // Deflate expands at most 1032:1; a larger claimed size is corrupt
      // (and would otherwise be allocated before inflate could say so).
      if (uint64_t(usize) > uint64_t(csize) * 1032 + 1024)
        return fail(path, "corrupt zip member '" + member +
                              "' (impossible uncompressed size)");
      data.resize(usize);
      z_stream s{};
      if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
        return fail(path, "zlib initialization failed");
      s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
      s.avail_in = compressed.size();
      s.next_out = reinterpret_cast<Bytef *>(data.data());
      s.avail_out = data.size();
      int rc = inflate(&s, Z_FINISH);
      inflateEnd(&s);
      if (rc != Z_STREAM_END || s.total_out != usize)
        return fail(path, "cannot inflate member '" + member + "'");
    } else {
      return fail(path, "member '" + member + "' uses unsupported zip "
                        "compression method " + Twine(method));
    }
    StringRef arrayName = StringRef(member).ends_with(".npy")
                              ? StringRef(member).drop_back(4)
                              : StringRef(member);
    llvm::Expected<Tensor> t = parseNpy(data, (path + ":" + member).str());
    if (!t)
      return t.takeError();
    arrays.emplace_back(arrayName.str(), std::move(*t));
  }
  return arrays;
}

template <typename T>
static void putLE(std::string &out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(char((uint64_t(v) >> (8 * i)) & 0xff));
}

llvm::Error
mlir::qopt::writeNpz(ArrayRef<std::pair<std::string, Tensor>> arrays,
                     StringRef path) {
  // Stored (uncompressed) zip members with fixed timestamps, so the same
  // arrays give the same bytes.
  std::string zip, central;
  for (const auto &[name, tensor] : arrays) {
    std::string member = name + ".npy", data = serializeNpy(tensor);
    if (data.size() >= 0xffffffffu)
      return fail(path, "array '" + name + "' is too large for a zip member");
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef *>(data.data()),
                         data.size());
    uint32_t offset = zip.size();
    putLE<uint32_t>(zip, 0x04034b50);
    putLE<uint16_t>(zip, 20);                      // version needed
    putLE<uint16_t>(zip, 0);                       // flags
    putLE<uint16_t>(zip, 0);                       // stored
    putLE<uint16_t>(zip, 0);                       // time
    putLE<uint16_t>(zip, 0x21);                    // date 1980-01-01
    putLE<uint32_t>(zip, crc);
    putLE<uint32_t>(zip, data.size());
    putLE<uint32_t>(zip, data.size());
    putLE<uint16_t>(zip, member.size());
    putLE<uint16_t>(zip, 0);
    zip += member;
    zip += data;
    putLE<uint32_t>(central, 0x02014b50);
    putLE<uint16_t>(central, 20);
    putLE<uint16_t>(central, 20);
    putLE<uint16_t>(central, 0);
    putLE<uint16_t>(central, 0);
    putLE<uint16_t>(central, 0);
    putLE<uint16_t>(central, 0x21);
    putLE<uint32_t>(central, crc);
    putLE<uint32_t>(central, data.size());
    putLE<uint32_t>(central, data.size());
    putLE<uint16_t>(central, member.size());
    putLE<uint16_t>(central, 0);
    putLE<uint16_t>(central, 0);
    putLE<uint16_t>(central, 0);
    putLE<uint16_t>(central, 0);
    putLE<uint32_t>(central, 0);
    putLE<uint32_t>(central, offset);
    central += member;
  }
  uint32_t centralOffset = zip.size();
  zip += central;
  putLE<uint32_t>(zip, 0x06054b50);
  putLE<uint16_t>(zip, 0);
  putLE<uint16_t>(zip, 0);
  putLE<uint16_t>(zip, arrays.size());
  putLE<uint16_t>(zip, arrays.size());
  putLE<uint32_t>(zip, central.size());
  putLE<uint32_t>(zip, centralOffset);
  putLE<uint16_t>(zip, 0);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << zip;
  return llvm::Error::success();
}
