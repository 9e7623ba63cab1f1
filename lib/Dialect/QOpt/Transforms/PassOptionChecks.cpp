//===- PassOptionChecks.cpp - Range checks of pass options ----------------===//
//
// Implements PassOptionChecks.
//
//===----------------------------------------------------------------------===//

#include "PassOptionChecks.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qopt;

std::string mlir::qopt::formatOptionValue(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

InFlightDiagnostic PassOptionChecks::error() {
  anyFailed = true;
  return emitError(loc) << pass << ": ";
}

void PassOptionChecks::nonNegative(StringRef option, double value) {
  if (!(value >= 0) || !std::isfinite(value))
    error() << option << " must be >= 0 and finite, got "
            << formatOptionValue(value);
}

void PassOptionChecks::finite(StringRef option, double value) {
  if (!std::isfinite(value))
    error() << option << " must be finite, got " << formatOptionValue(value);
}

void PassOptionChecks::finiteNonZero(StringRef option, double value) {
  if (value == 0 || !std::isfinite(value))
    error() << option << " must be finite and not 0, got "
            << formatOptionValue(value);
}

void PassOptionChecks::atLeast(StringRef option, int64_t value, int64_t min) {
  if (value < min)
    error() << option << " must be >= " << min << ", got " << value;
}

void PassOptionChecks::inRange(StringRef option, int64_t value, int64_t min,
                               int64_t max) {
  if (value < min || value > max)
    error() << option << " must be " << min << " to " << max << ", got "
            << value;
}

void PassOptionChecks::oneOf(StringRef what, StringRef value,
                             ArrayRef<StringRef> allowed) {
  if (llvm::is_contained(allowed, value))
    return;
  InFlightDiagnostic diag = error();
  diag << "unknown " << what << " '" << value << "' (";
  for (auto [i, name] : llvm::enumerate(allowed)) {
    if (i)
      diag << (i + 1 == allowed.size() ? " or " : ", ");
    diag << name;
  }
  diag << ")";
}
