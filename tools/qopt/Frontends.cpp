//===- Frontends.cpp - Non-MLIR inputs of the qopt driver ------------------===//
//
// The table of frontends compiled into the driver.
//
//===----------------------------------------------------------------------===//

#include "Frontends.h"

#include <vector>

using namespace mlir;

ArrayRef<qopt::Frontend> qopt::getFrontends() {
  static const std::vector<Frontend> frontends;
  return frontends;
}
