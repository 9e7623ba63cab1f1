//===- CUDATarget.h - The NVIDIA GPU (CUDA) target --------------*- C++ -*-===//
//
// The CUDA target: what the kernels of lib/Runtime/CUDA lower
// (getCUDALayerSupport), the weight layouts they read
// (qopt-cuda-materialize-weights) and an analytic GPU cost model;
// docs/Backends/CUDA.md. Its model-library writer is not built yet.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_CUDA_CUDATARGET_H
#define QOPT_TARGET_CUDA_CUDATARGET_H

#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Target/TargetBackend.h"

#include <string>

namespace mlir::qopt {

/// What the CUDA kernels lower: matmuls and convolutions (as GEMMs) with
/// integer weights of 1-8 bits (8/4/2-bit fields) or minifloat codes;
/// weight-only with groups that are multiples of 16 (or per channel), the
/// int8 integer path with groups that are multiples of 32 (or per
/// channel). Depthwise convolutions have no kernel yet.
LayerSupport getCUDALayerSupport(const LayerInfo &layer, FormatAttr format);

/// Why the kernel of a layer on the integer (`integer`) or weight-only
/// path cannot read a packed weight described by `info`, or "".
std::string getCUDAWeightLayoutError(const PackedWeightInfo &info,
                                     bool integer);

/// The GPU the analytic cost model describes (without a latency table).
struct CUDADeviceModel {
  std::string name = "H100 SXM (analytic)";
  double hbmBytesPerUs = 3.35e6;    ///< 3.35 TB/s
  double bandwidthEfficiency = 0.8; ///< of HBM reached by the GEMV kernels
  double f16MacsPerUs = 4.9e8;      ///< 989 dense fp16 TFLOP/s
  double int8MacsPerUs = 9.9e8;     ///< 1979 dense int8 TOP/s
  double launchUs = 3.0;            ///< per kernel launch
};

/// The latency in microseconds of `layer` in `format` on `device`: the
/// roofline max(bytes moved / bandwidth, MACs / peak) + one launch, with
/// the weight at its packed width, f16 activations (int8 on the integer
/// path) read and written once.
double estimateCUDALayerLatency(const LayerInfo &layer, FormatAttr format,
                                bool integerPath,
                                const CUDADeviceModel &device);

void registerCUDATarget();

} // namespace mlir::qopt

#endif // QOPT_TARGET_CUDA_CUDATARGET_H
