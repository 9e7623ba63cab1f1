//===- BruteForce.cpp - Enumeration, the reference for tests ---------------===//

#include "qopt/Solver/Allocation.h"

#include <chrono>
#include <cmath>

using namespace mlir::qopt::solver;

Solution mlir::qopt::solver::solveBruteForce(const Problem &problem) {
  auto start = std::chrono::steady_clock::now();
  Solution s;
  s.solver = "brute-force";
  if (std::string error = problem.validate(); !error.empty()) {
    s.message = error;
    return s;
  }
  double combos = 1;
  for (const auto &g : problem.groups)
    combos *= double(g.size());
  if (combos > double(1 << 22)) {
    s.message = "too many combinations for brute force";
    return s;
  }
  size_t n = problem.groups.size();
  std::vector<int64_t> x(n, 0);
  s.status = Status::Infeasible;
  while (true) {
    bool feasible = true;
    for (size_t r = 0; r < problem.numResources() && feasible; ++r)
      feasible = totalUse(problem, x, r) <= problem.budgets[r] * (1 + 1e-12);
    if (feasible) {
      double cost = totalCost(problem, x);
      // Strictly better only: ties keep the first (lowest indices) found.
      if (cost < s.objective - 1e-12 * std::max(1.0, std::fabs(cost))) {
        s.objective = cost;
        s.choice = x;
        s.status = Status::Optimal;
      }
    }
    ++s.nodes;
    size_t g = n;
    while (g-- > 0) {
      if (++x[g] < int64_t(problem.groups[g].size()))
        break;
      x[g] = 0;
    }
    if (g == size_t(-1))
      break;
  }
  if (s.status == Status::Optimal) {
    s.bound = s.objective;
    for (size_t r = 0; r < problem.numResources(); ++r)
      s.use.push_back(totalUse(problem, s.choice, r));
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            start)
                  .count();
  return s;
}
