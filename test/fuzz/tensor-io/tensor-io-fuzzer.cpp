//===- tensor-io-fuzzer.cpp - libFuzzer target for the tensor readers ----===//
//
// Feeds arbitrary bytes to the readers of the inputs users give qopt-run and
// qopt-calibrate: .npy, .npz and ONNX TensorProto .pb. The first byte picks
// the reader (so one corpus covers all three and mutations cross between
// them); the rest is the file. A reader must return a tensor or an error,
// never crash, and never allocate more than the bytes it was given justify.
// A tensor it returns must serialize and parse back to the same bytes.
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/TensorIO.h"

#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace mlir::qopt;

static void roundTripNpy(const Tensor &t) {
  llvm::Expected<Tensor> back = parseNpy(serializeNpy(t), "round-trip");
  if (!back || back->getDType() != t.getDType() ||
      back->getShape() != t.getShape() ||
      back->getNumBytes() != t.getNumBytes() ||
      (t.getNumBytes() &&
       std::memcmp(back->bytes(), t.bytes(), t.getNumBytes()) != 0))
    std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  llvm::StringRef bytes(reinterpret_cast<const char *>(data) + 1, size - 1);
  // A tensor a reader accepts must round-trip; a rejection is fine.
  auto check = [](llvm::Expected<Tensor> t) {
    if (t)
      roundTripNpy(*t);
    else
      llvm::consumeError(t.takeError());
  };
  switch (data[0] % 3) {
  case 0:
    check(parseNpy(bytes, "fuzz.npy"));
    break;
  case 1: {
    auto arrays = parseNpz(bytes, "fuzz.npz");
    if (arrays)
      for (const auto &[name, t] : *arrays)
        roundTripNpy(t);
    else
      llvm::consumeError(arrays.takeError());
    break;
  }
  case 2:
    check(parseTensorProto(bytes, "fuzz.pb"));
    break;
  }
  return 0;
}
