//===- PassOptionChecks.h - Range checks of pass options --------*- C++ -*-===//
//
// What the qopt passes use to reject option values that cannot mean
// anything (a negative budget, a NaN, a zero sample count, an unknown
// name) before touching the IR. Every bad option gets its own one-line
// error, "<pass>: <option> must be ..., got <value>", so one run reports
// all of them; `finish()` tells whether any was bad.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_TRANSFORMS_PASSOPTIONCHECKS_H
#define QOPT_DIALECT_QOPT_TRANSFORMS_PASSOPTIONCHECKS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir::qopt {

class PassOptionChecks {
public:
  PassOptionChecks(Location loc, llvm::StringRef pass)
      : loc(loc), pass(pass) {}

  /// An error about an option, prefixed with the pass name; the checks fail.
  InFlightDiagnostic error();

  /// A budget, weight or price: finite and >= 0 (0 usually disables it).
  void nonNegative(llvm::StringRef option, double value);
  /// Finite, either sign.
  void finite(llvm::StringRef option, double value);
  /// Finite and not 0 (a divisor).
  void finiteNonZero(llvm::StringRef option, double value);
  /// An integer of at least `min`.
  void atLeast(llvm::StringRef option, int64_t value, int64_t min);
  /// An integer in [min, max].
  void inRange(llvm::StringRef option, int64_t value, int64_t min,
               int64_t max);
  /// One of `allowed`: "unknown <what> '<value>' (a, b or c)".
  void oneOf(llvm::StringRef what, llvm::StringRef value,
             llvm::ArrayRef<llvm::StringRef> allowed);

  /// Failure if any check failed.
  LogicalResult finish() const { return failure(anyFailed); }

private:
  Location loc;
  std::string pass;
  bool anyFailed = false;
};

/// `value` as printf's %g writes it (`-3`, `0.5`, `nan`, `inf`).
std::string formatOptionValue(double value);

} // namespace mlir::qopt

#endif // QOPT_DIALECT_QOPT_TRANSFORMS_PASSOPTIONCHECKS_H
