//===- Launch.h - What the kernel launchers share ---------------*- C++ -*-===//

#ifndef QOPT_RUNTIME_CUDA_LAUNCH_H
#define QOPT_RUNTIME_CUDA_LAUNCH_H

#include <cuda_runtime.h>

#include <atomic>

namespace qopt::cuda {

/// Streaming multiprocessors of the current device (cached per device),
/// which the launchers size their grids by.
inline int deviceMultiprocessors() {
  static std::atomic<int> cached[64] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess || device < 0 || device >= 64)
    return 1;
  int sms = cached[device].load(std::memory_order_relaxed);
  if (sms == 0) {
    sms = 1;
    if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) !=
        cudaSuccess)
      sms = 1;
    cached[device].store(sms, std::memory_order_relaxed);
  }
  return sms;
}

} // namespace qopt::cuda

#endif // QOPT_RUNTIME_CUDA_LAUNCH_H
