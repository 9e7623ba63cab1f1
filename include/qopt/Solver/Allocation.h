//===- Allocation.h - The bit-allocation problem and its solvers -*- C++ -*-===//
//
// Multiple-choice knapsack: pick one choice per group (a layer, or a channel
// group of a layer) minimizing the total cost (estimated loss increase)
// subject to resource budgets (bytes, BOPs, latency, FPGA resources):
//
//   minimize   sum_g cost[g][x_g]
//   subject to sum_g use[r][g][x_g] <= budget[r]   for every resource r.
//
// Plain C++ over numbers (no MLIR), so solvers are unit-testable against
// brute force and reusable outside qopt. Pinned layers and per-layer floors
// are expressed by leaving only the allowed choices in a group.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_SOLVER_ALLOCATION_H
#define QOPT_SOLVER_ALLOCATION_H

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace mlir::qopt::solver {

struct Choice {
  double cost = 0;
  /// Resource use, one entry per resource of the problem.
  std::vector<double> use;
};

struct Problem {
  /// Resource names ("bytes", "bops", ...), for reports.
  std::vector<std::string> resources;
  std::vector<double> budgets;
  /// groups[g] lists the allowed choices of group g (at least one).
  std::vector<std::vector<Choice>> groups;

  size_t numResources() const { return budgets.size(); }
  /// Checks sizes and values; returns an error message or "".
  std::string validate() const;
  /// The smallest achievable total of resource r (each group at its
  /// minimum), to explain infeasible budgets.
  double minimalUse(size_t r) const;
};

enum class Status { Optimal, Feasible, Infeasible, Error };
const char *statusName(Status status);

struct Solution {
  Status status = Status::Error;
  std::vector<int64_t> choice; ///< Index into Problem::groups[g].
  double objective = std::numeric_limits<double>::infinity();
  /// Proven lower bound on the optimum (== objective when optimal).
  double bound = -std::numeric_limits<double>::infinity();
  std::vector<double> use; ///< Resource totals of `choice`.
  double seconds = 0;
  int64_t nodes = 0; ///< Branch-and-bound nodes explored.
  std::string solver, message;

  /// (objective - bound) / max(|objective|, 1e-12).
  double gap() const;
};

struct SolverOptions {
  /// Stop branch and bound after this many nodes (the result then reports
  /// its gap).
  int64_t maxNodes = 10'000'000;
  double timeLimitSeconds = 60;
  /// Optimality tolerance: a solution is reported optimal once no other can
  /// be cheaper by more than this fraction of its objective (like a MILP
  /// solver's relative MIP gap; the reported bound reflects it).
  double relativeGap = 1e-9;
};

/// The exact solver specialized for this structure (docs/Allocation.md):
/// dominance and convex-hull reduction, the LP relaxation (one constraint)
/// or a surrogate relaxation (several), reduced-cost fixing around it, and
/// branch and bound over the remaining core. Ties break toward the lower
/// group and choice indices, so results are deterministic.
Solution solveExact(const Problem &problem, const SolverOptions &options = {});

/// The greedy baseline: start from each group's cheapest-cost choice and
/// repeatedly take the move with the best cost increase per unit of
/// (normalized) excess removed until every budget holds, then spend the
/// slack on the fitting moves with the best cost decrease per unit of
/// resource added. Status::Error (with a message) when it finds no feasible
/// allocation though the budgets pass the per-resource minimum check.
Solution solveGreedy(const Problem &problem);

/// Enumerates every combination (tests only; refuses more than 2^22).
Solution solveBruteForce(const Problem &problem);

/// General MILP through CBC (binary x[g][c], one-hot per group). Returns
/// Status::Error with a message when qopt was built without CBC.
Solution solveCBC(const Problem &problem, const SolverOptions &options = {});
bool haveCBC();

/// Total use of resource r and the objective of an assignment.
double totalUse(const Problem &problem, const std::vector<int64_t> &choice,
                size_t r);
double totalCost(const Problem &problem, const std::vector<int64_t> &choice);

} // namespace mlir::qopt::solver

#endif // QOPT_SOLVER_ALLOCATION_H
