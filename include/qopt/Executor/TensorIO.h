//===- TensorIO.h - Deprecated forwarding header ---------------*- C++ -*-===//
//
// Deprecated forwarding header: TensorIO moved to the Support layer
// (include/qopt/Support/TensorIO.h, library QOptSupport). Include that instead;
// this file goes away once nothing includes it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/TensorIO.h"
