//===- InputMoments.cpp - Layer input second moments ----------------------===//
//
// Reads what qopt-calibrate recorded: the diagonal from the attribute (a
// dense attribute or resource blob, by readFloatElements), the full matrix
// from the sidecar .npz, which must still hash to the recorded SHA-256.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/InputMoments.h"
#include "qopt/Support/TensorIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"

using namespace mlir;
using namespace mlir::qopt;

FailureOr<InputMoments> InputMomentsReader::read(Operation *op,
                                                 InputStatsAttr stats,
                                                 bool full, StringRef pass) {
  InputMoments moments;
  FailureOr<SmallVector<double>> diag =
      readFloatElements(stats.getDiag(), [&]() {
        return op->emitError() << pass << ": unreadable input statistics: ";
      });
  if (failed(diag))
    return failure();
  moments.diag.assign(diag->begin(), diag->end());
  if (ElementsAttr meanAttr = stats.getMean()) {
    FailureOr<SmallVector<double>> mean = readFloatElements(meanAttr, [&]() {
      return op->emitError() << pass << ": unreadable input means: ";
    });
    if (failed(mean))
      return failure();
    moments.mean.assign(mean->begin(), mean->end());
  }
  if (!full)
    return moments;
  if (!stats.getSidecar())
    return op->emitError() << pass
                           << ": needs the full input second moments; run "
                              "qopt-calibrate with second-moments=full",
           failure();
  FailureOr<Tensor> matrix =
      loadMatrix(op, stats.getSidecar().str(), stats.getKey().str(),
                 stats.getSha256().str(), pass);
  if (failed(matrix))
    return failure();
  if (matrix->getDType() != DType::F32)
    return op->emitError() << pass << ": sidecar '" << stats.getSidecar().str()
                           << "' matrix '" << stats.getKey().str() << "' is "
                           << matrix->describe() << ", expected float32",
           failure();
  moments.full.assign(matrix->data<float>(),
                      matrix->data<float>() + matrix->getNumElements());
  return moments;
}

FailureOr<Tensor> InputMomentsReader::loadMatrix(Operation *op,
                                                 const std::string &path,
                                                 const std::string &key,
                                                 const std::string &sha256,
                                                 StringRef pass) {
  auto it = sidecars.find(path);
  if (it == sidecars.end()) {
    auto bytes = llvm::MemoryBuffer::getFile(path);
    if (!bytes)
      return op->emitError() << pass << ": cannot read sidecar '" << path
                             << "'",
             failure();
    std::array<uint8_t, 32> hash = llvm::SHA256::hash(
        llvm::arrayRefFromStringRef((*bytes)->getBuffer()));
    if (llvm::toHex(hash, true) != sha256)
      return op->emitError() << pass << ": sidecar '" << path
                             << "' does not match its recorded SHA-256 "
                                "(recalibrate)",
             failure();
    auto arrays = readNpz(path);
    if (!arrays)
      return op->emitError() << pass << ": "
                             << llvm::toString(arrays.takeError()),
             failure();
    it = sidecars.emplace(path, std::move(*arrays)).first;
  }
  for (auto &[name, t] : it->second)
    if (name == key)
      return t;
  return op->emitError() << pass << ": sidecar '" << path
                         << "' has no matrix '" << key << "'",
         failure();
}
