//===- Datasets.h - Calibration and evaluation data --------------*- C++ -*-===//
//
// Loads samples for calibration and evaluation from NumPy files or from the
// demo models' datasets, as float tensors of one sample each.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SUPPORT_DATASETS_H
#define QOPT_SUPPORT_DATASETS_H

#include "qopt/Support/Tensor.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace mlir::qopt {

/// A labelled or unlabelled set of samples (labels empty if unknown).
struct Dataset {
  std::vector<Tensor> samples;
  std::vector<int64_t> labels;
};

/// Loads up to `maxSamples` samples (0: all) from `spec`:
///  * `FILE.npy` / `FILE.npz`: the arrays' first axis indexes samples (an
///    .npz archive's arrays are taken in order; an array named `labels` or
///    `y` gives labels);
///  * a directory: every .npy / .npz in it, in name order;
///  * `fashion-mnist:IMAGES` (an IDX3 file, optionally .gz, e.g.
///    /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz): pixels
///    / 255 as [1, 28, 28]; labels from the matching `-labels-idx1-ubyte`
///    file when it exists;
///  * `digits:CSV` (sklearn's digits.csv(.gz): 64 pixels then the label per
///    row): pixels / 16 as [64].
/// Samples are float32 unless the file holds another type.
llvm::Expected<Dataset> loadDataset(llvm::StringRef spec, int64_t maxSamples);

} // namespace mlir::qopt

#endif // QOPT_SUPPORT_DATASETS_H
