//===- Unavailable.cpp - SIMD variants on non-x86 hosts ----------------------===//
//
// Builds for other architectures contain only the portable variant.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

const qopt_rt::KernelTable *qopt_rt::avx2Kernels() { return nullptr; }
const qopt_rt::KernelTable *qopt_rt::avx512VnniKernels() { return nullptr; }
const qopt_rt::KernelTable *qopt_rt::avxVnniKernels() { return nullptr; }
