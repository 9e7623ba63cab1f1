//===- Datasets.h - Deprecated forwarding header ---------------*- C++ -*-===//
//
// Deprecated forwarding header: Datasets moved to the Support layer
// (include/qopt/Support/Datasets.h, library QOptSupport). Include that instead;
// this file goes away once nothing includes it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Support/Datasets.h"
