//===- RandomProblem.cpp - Synthetic bit-allocation instances
//--------------===//

#include "qopt/Solver/RandomProblem.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace mlir::qopt::solver;

Problem
mlir::qopt::solver::makeRandomProblem(const RandomProblemOptions &options) {
  std::mt19937 gen(options.seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Problem p;
  size_t rs = options.resources;
  for (size_t r = 0; r < rs; ++r)
    p.resources.push_back("r" + std::to_string(r));
  std::vector<double> minUse(rs, 0.0), maxUse(rs, 0.0);
  p.groups.reserve(options.groups);
  for (size_t g = 0; g < options.groups; ++g) {
    std::vector<Choice> group;
    double size = 1 + 10 * u(gen);
    for (size_t c = 0; c < options.choices; ++c) {
      // 8, 6, 5, 4, 3, 2, then 1.5, 1.25, ... for longer candidate lists.
      double bits = c == 0  ? 8.0
                    : c < 6 ? 7.0 - double(c)
                            : 1 + std::pow(0.5, double(c - 5));
      Choice ch;
      ch.cost = std::pow(4.0, -bits) * size * (0.5 + u(gen)) * 1e3;
      for (size_t r = 0; r < rs; ++r)
        ch.use.push_back(size * bits * (0.8 + 0.4 * u(gen)) +
                         (r ? 3 * u(gen) : 0));
      group.push_back(std::move(ch));
    }
    for (size_t r = 0; r < rs && !group.empty(); ++r) {
      double lo = group.front().use[r], hi = lo;
      for (const Choice &ch : group) {
        lo = std::min(lo, ch.use[r]);
        hi = std::max(hi, ch.use[r]);
      }
      minUse[r] += lo;
      maxUse[r] += hi;
    }
    p.groups.push_back(std::move(group));
  }
  for (size_t r = 0; r < rs; ++r)
    p.budgets.push_back(minUse[r] +
                        options.tightness * (maxUse[r] - minUse[r]));
  return p;
}
