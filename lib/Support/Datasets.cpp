//===- Datasets.cpp - Calibration and evaluation data ----------------------===//
//
// Implements loadDataset: NumPy files and directories, Fashion-MNIST IDX
// files and sklearn's digits CSV (gzip through zlib).
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/Datasets.h"
#include "qopt/Support/TensorIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

static llvm::Error fail(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Reads a whole file, inflating gzip content (zlib reads plain files too).
static llvm::Expected<std::string> readMaybeGzip(StringRef path) {
  gzFile f = gzopen(path.str().c_str(), "rb");
  if (!f)
    return fail(path + ": cannot open");
  std::string data;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0)
    data.append(buf, n);
  bool error = n < 0;
  gzclose(f);
  if (error)
    return fail(path + ": read error (corrupt gzip?)");
  return data;
}

static uint32_t bigEndian32(const char *p) {
  return (uint32_t(uint8_t(p[0])) << 24) | (uint32_t(uint8_t(p[1])) << 16) |
         (uint32_t(uint8_t(p[2])) << 8) | uint32_t(uint8_t(p[3]));
}

/// Splits an array along its first axis into samples.
static void appendSamples(const Tensor &t, Dataset &out, int64_t maxSamples) {
  if (t.getRank() == 0)
    return;
  int64_t n = t.getShape()[0];
  ArrayRef<int64_t> sampleShape = t.getShape().drop_front();
  size_t bytes = t.getNumBytes() / std::max<int64_t>(n, 1);
  for (int64_t i = 0; i < n; ++i) {
    if (maxSamples && int64_t(out.samples.size()) >= maxSamples)
      return;
    Tensor s = Tensor::zeros(t.getDType(), sampleShape);
    std::memcpy(s.mutableBytes(), t.bytes() + i * bytes, bytes);
    out.samples.push_back(s);
  }
}

static llvm::Error loadNumpy(StringRef path, Dataset &out,
                             int64_t maxSamples) {
  if (path.ends_with(".npy")) {
    auto t = readNpy(path);
    if (!t)
      return t.takeError();
    appendSamples(*t, out, maxSamples);
    return llvm::Error::success();
  }
  auto arrays = readNpz(path);
  if (!arrays)
    return arrays.takeError();
  for (auto &[name, t] : *arrays) {
    if (name == "labels" || name == "y") {
      for (int64_t i = 0; i < t.getNumElements(); ++i)
        out.labels.push_back(t.getInt(i));
      continue;
    }
    appendSamples(t, out, maxSamples);
  }
  return llvm::Error::success();
}

static llvm::Error loadFashionMnist(StringRef path, Dataset &out,
                                    int64_t maxSamples) {
  auto data = readMaybeGzip(path);
  if (!data)
    return data.takeError();
  if (data->size() < 16 || bigEndian32(data->data()) != 0x803)
    return fail(path + ": not an IDX3 image file");
  int64_t n = bigEndian32(data->data() + 4), rows = bigEndian32(data->data() + 8),
          cols = bigEndian32(data->data() + 12);
  if (int64_t(data->size()) < 16 + n * rows * cols)
    return fail(path + ": truncated IDX3 file");
  if (maxSamples)
    n = std::min(n, maxSamples);
  for (int64_t i = 0; i < n; ++i) {
    Tensor s = Tensor::zeros(DType::F32, {1, rows, cols});
    const uint8_t *px =
        reinterpret_cast<const uint8_t *>(data->data()) + 16 + i * rows * cols;
    for (int64_t j = 0; j < rows * cols; ++j)
      s.mutableData<float>()[j] = float(px[j]) / 255.0f;
    out.samples.push_back(s);
  }
  // Labels: the matching idx1 file, if present.
  std::string labels = path.str();
  size_t pos = labels.find("images-idx3");
  if (pos != std::string::npos) {
    labels.replace(pos, strlen("images-idx3"), "labels-idx1");
    if (llvm::sys::fs::exists(labels)) {
      auto l = readMaybeGzip(labels);
      if (!l)
        return l.takeError();
      if (l->size() < 8 || bigEndian32(l->data()) != 0x801)
        return fail(labels + ": not an IDX1 label file");
      for (int64_t i = 0; i < n && 8 + i < int64_t(l->size()); ++i)
        out.labels.push_back(uint8_t((*l)[8 + i]));
    }
  }
  return llvm::Error::success();
}

static llvm::Error loadDigits(StringRef path, Dataset &out,
                              int64_t maxSamples) {
  auto data = readMaybeGzip(path);
  if (!data)
    return data.takeError();
  SmallVector<StringRef> lines;
  StringRef(*data).split(lines, '\n', -1, false);
  for (auto [lineNo, line] : llvm::enumerate(lines)) {
    if (maxSamples && int64_t(out.samples.size()) >= maxSamples)
      break;
    SmallVector<StringRef> fields;
    line.trim().split(fields, ',');
    if (fields.size() != 65)
      return fail(path + ":" + Twine(lineNo + 1) +
                  ": expected 64 pixels and a label");
    Tensor s = Tensor::zeros(DType::F32, {64});
    for (int j = 0; j < 64; ++j) {
      double v;
      if (fields[j].trim().getAsDouble(v))
        return fail(path + ":" + Twine(lineNo + 1) + ": bad number '" +
                    fields[j] + "'");
      s.mutableData<float>()[j] = float(v / 16.0);
    }
    double label;
    if (fields[64].trim().getAsDouble(label))
      return fail(path + ":" + Twine(lineNo + 1) + ": bad label");
    out.samples.push_back(s);
    out.labels.push_back(int64_t(label));
  }
  return llvm::Error::success();
}

static llvm::Error loadInto(StringRef spec, Dataset &out,
                           int64_t maxSamples) {
  if (spec.consume_front("fashion-mnist:"))
    return loadFashionMnist(spec, out, maxSamples);
  if (spec.consume_front("digits:"))
    return loadDigits(spec, out, maxSamples);
  if (llvm::sys::fs::is_directory(spec)) {
    std::vector<std::string> files;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(spec, ec), end; it != end && !ec;
         it.increment(ec))
      if (StringRef(it->path()).ends_with(".npy") ||
          StringRef(it->path()).ends_with(".npz"))
        files.push_back(it->path());
    if (ec)
      return fail(spec + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const std::string &f : files)
      if (llvm::Error e = loadNumpy(f, out, maxSamples))
        return e;
    return llvm::Error::success();
  }
  if (spec.ends_with(".npy") || spec.ends_with(".npz"))
    return loadNumpy(spec, out, maxSamples);
  return fail("unknown data '" + spec +
              "': expected a .npy/.npz file, a directory of them, "
              "fashion-mnist:IDX3_FILE or digits:CSV_FILE");
}

llvm::Expected<Dataset> mlir::qopt::loadDataset(StringRef spec,
                                                int64_t maxSamples) {
  Dataset out;
  if (llvm::Error e = loadInto(spec, out, maxSamples))
    return std::move(e);
  if (out.samples.empty())
    return fail("no samples in '" + spec + "'");
  return out;
}
