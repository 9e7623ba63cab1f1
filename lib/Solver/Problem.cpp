//===- Problem.cpp - The bit-allocation problem ----------------------------===//
//
// Validation and evaluation helpers shared by the solvers.
//
//===----------------------------------------------------------------------===//

#include "qopt/Solver/Allocation.h"

#include <algorithm>
#include <cmath>

using namespace mlir::qopt::solver;

const char *mlir::qopt::solver::statusName(Status status) {
  switch (status) {
  case Status::Optimal:
    return "optimal";
  case Status::Feasible:
    return "feasible";
  case Status::Infeasible:
    return "infeasible";
  case Status::Error:
    return "error";
  }
  return "?";
}

double Solution::gap() const {
  if (status == Status::Optimal)
    return 0;
  if (!std::isfinite(objective) || !std::isfinite(bound))
    return std::numeric_limits<double>::infinity();
  return std::max(0.0, objective - bound) /
         std::max(std::fabs(objective), 1e-12);
}

std::string Problem::validate() const {
  if (groups.empty())
    return "the problem has no groups";
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].empty())
      return "group " + std::to_string(g) + " has no choices";
    for (const Choice &c : groups[g]) {
      if (c.use.size() != budgets.size())
        return "group " + std::to_string(g) + " has a choice with " +
               std::to_string(c.use.size()) + " resource values, expected " +
               std::to_string(budgets.size());
      if (!std::isfinite(c.cost))
        return "group " + std::to_string(g) + " has a non-finite cost";
      for (double u : c.use)
        if (!std::isfinite(u) || u < 0)
          return "group " + std::to_string(g) +
                 " has a negative or non-finite resource use";
    }
  }
  return "";
}

double Problem::minimalUse(size_t r) const {
  double total = 0;
  for (const auto &group : groups) {
    double best = std::numeric_limits<double>::infinity();
    for (const Choice &c : group)
      best = std::min(best, c.use[r]);
    total += best;
  }
  return total;
}

double mlir::qopt::solver::totalUse(const Problem &problem,
                                    const std::vector<int64_t> &choice,
                                    size_t r) {
  double total = 0;
  for (size_t g = 0; g < choice.size(); ++g)
    total += problem.groups[g][choice[g]].use[r];
  return total;
}

double mlir::qopt::solver::totalCost(const Problem &problem,
                                     const std::vector<int64_t> &choice) {
  double total = 0;
  for (size_t g = 0; g < choice.size(); ++g)
    total += problem.groups[g][choice[g]].cost;
  return total;
}
