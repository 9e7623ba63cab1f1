//===- InitAllTargets.cpp - Targets qopt deploys to -----------------------===//
//
// Implements qopt::registerAllTargets.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAllTargets.h"
#include "qopt/Target/CPU/CPUTarget.h"
#include "qopt/Target/CUDA/CUDATarget.h"
#include "qopt/Target/HLS/HLSTarget.h"
#include "qopt/Target/ONNX/ONNXTarget.h"

void mlir::qopt::registerAllTargets() {
  registerCPUTarget();
  registerONNXTarget();
  registerHLSTarget();
  registerCUDATarget();
}
