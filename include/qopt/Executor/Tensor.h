//===- Tensor.h - Deprecated forwarding header -----------------*- C++ -*-===//
//
// Deprecated forwarding header: Tensor moved to the Support layer
// (include/qopt/Support/Tensor.h, library QOptSupport). Include that instead;
// this file goes away once nothing includes it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/Tensor.h"
