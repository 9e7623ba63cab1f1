//===- RandomProblem.h - Synthetic bit-allocation instances ------*- C++ -*-===//
//
// Random multiple-choice knapsack instances shaped like bit allocation, for
// the solver tests and qopt-solver-bench: group g has a size s_g (its
// parameter count, uniform in [1, 11)) and candidate c a bit width b_c
// (8, 6, 5, 4, 3, 2, ... for c = 0, 1, ...); the cost is the quantization
// noise s_g * 4^-b_c times a random factor in [0.5, 1.5), resource r's use
// s_g * b_c times a factor in [0.8, 1.2) (plus up to 3 for r > 0, an
// overhead that is not proportional to bits). Each budget sits at
// `tightness` between the smallest and the largest achievable use.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SOLVER_RANDOMPROBLEM_H
#define QOPT_SOLVER_RANDOMPROBLEM_H

#include "qopt/Solver/Allocation.h"

namespace mlir::qopt::solver {

struct RandomProblemOptions {
  unsigned seed = 0;
  size_t groups = 10;
  size_t choices = 3;
  size_t resources = 1;
  double tightness = 0.5;
};

/// Deterministic for a given options value (std::mt19937 seeded by `seed`).
Problem makeRandomProblem(const RandomProblemOptions &options);

} // namespace mlir::qopt::solver

#endif // QOPT_SOLVER_RANDOMPROBLEM_H
