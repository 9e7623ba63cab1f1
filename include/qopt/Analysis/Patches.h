//===- Patches.h - A layer input's patch matrix ------------------*- C++ -*-===//
//
// Cuts an executor tensor (a layer's input, as the reference executor hands
// it to an observer) into the [rows, K] patch matrix its layer's
// PatchGeometry describes: row r holds the input elements that multiply
// the weight's patch space for output position r, in the weight's K order.
// Calibration's second moments are taken over these rows.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_PATCHES_H
#define QOPT_ANALYSIS_PATCHES_H

#include "qopt/Dialect/QOpt/IR/PatchGeometry.h"
#include "qopt/Support/Tensor.h"

#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <vector>

namespace mlir::qopt {

/// A row-major [rows, cols] float matrix: a view of the input tensor when
/// its rows already are the patches, else of `storage`.
class PatchMatrix {
public:
  int64_t getRows() const { return rows; }
  int64_t getCols() const { return cols; }
  const float *data() const { return storage.empty() ? view : storage.data(); }

private:
  friend FailureOr<PatchMatrix> extractPatches(const PatchGeometry &,
                                               const Tensor &);
  int64_t rows = 0, cols = 0;
  const float *view = nullptr;
  std::vector<float> storage;
};

/// The patch matrix of `input` (a float32 tensor, which a view keeps
/// borrowing) for a layer with `geometry`; failure if the input's shape does
/// not fit the geometry.
FailureOr<PatchMatrix> extractPatches(const PatchGeometry &geometry,
                                      const Tensor &input);

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_PATCHES_H
