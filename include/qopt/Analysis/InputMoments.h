//===- InputMoments.h - Layer input second moments ---------------*- C++ -*-===//
//
// The second moments E[x x^T] of a layer's input that qopt-calibrate
// measures (`qopt.input_stats`: the diagonal in the IR, the full matrix in
// a sidecar .npz), read back for the passes that use them: Hessian-proxy
// sensitivity and GPTQ-style quantization.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_INPUTMOMENTS_H
#define QOPT_ANALYSIS_INPUTMOMENTS_H

#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Support/Tensor.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mlir::qopt {

/// The reduction-space second moments of a layer: the diagonal shaped like
/// the weight without its output-channel axis, and optionally the full
/// matrix (dim x dim, row-major) in the same index order.
struct InputMoments {
  std::vector<float> diag;
  /// E[x_j] in the same order, or empty when not recorded.
  std::vector<float> mean;
  std::vector<float> full;
};

/// Reads `qopt.input_stats`, loading each sidecar file once and checking
/// it against the SHA-256 recorded at calibration.
class InputMomentsReader {
public:
  /// The moments of `op`'s input; the full matrix too when `full` (which
  /// needs a sidecar). Errors are emitted on `op`, prefixed with `pass`.
  FailureOr<InputMoments> read(Operation *op, InputStatsAttr stats, bool full,
                               llvm::StringRef pass);

private:
  FailureOr<Tensor> loadMatrix(Operation *op, const std::string &path,
                               const std::string &key,
                               const std::string &sha256, llvm::StringRef pass);

  std::map<std::string, std::vector<std::pair<std::string, Tensor>>> sidecars;
};

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_INPUTMOMENTS_H
