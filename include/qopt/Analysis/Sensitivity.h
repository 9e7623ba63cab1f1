//===- Sensitivity.h - Loss-increase estimates per format --------*- C++ -*-===//
//
// Layer-wise estimates of how much quantizing a weight to a format hurts
// (docs/Sensitivity.md), per layer or per group of output channels:
//
//  * weight-error: sum (Q(W) - W)^2, data-free;
//  * hessian: sum over output channels o of dW_o^T H dW_o, with H = E[x x^T]
//    of the layer's input (diagonal or full), from qopt-calibrate.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_SENSITIVITY_H
#define QOPT_ANALYSIS_SENSITIVITY_H

#include "qopt/Analysis/InputMoments.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Support/Tensor.h"

#include <vector>

namespace mlir::qopt {

/// Sensitivity of quantizing `weight` to `format`, per group of
/// `channelsPerGroup` output channels along `outputAxis` (0: one value for
/// the whole weight). `moments` null gives weight-error; otherwise the
/// Hessian proxy (full if `moments->full` is set). The moments are indexed
/// by the layer's patch space: every weight axis but `dropAxis`
/// (PatchGeometry::weightDropAxis: the output-channel axis, a depthwise
/// channel multiplier, or -1 for none).
std::vector<double> layerSensitivity(const Tensor &weight, FormatAttr format,
                                     int64_t outputAxis, int64_t dropAxis,
                                     int64_t channelsPerGroup,
                                     const InputMoments *moments);

} // namespace mlir::qopt

#endif // QOPT_ANALYSIS_SENSITIVITY_H
