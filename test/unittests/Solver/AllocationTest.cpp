//===- AllocationTest.cpp - Solvers against brute force --------------------===//
//
// Random small multiple-choice knapsack instances (1 and 2 budgets): the
// exact solver and CBC must reach brute force's optimum; the greedy
// baseline must be feasible and no better than it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Solver/Allocation.h"
#include "qopt/Solver/RandomProblem.h"

#include <gtest/gtest.h>

using namespace mlir::qopt::solver;

namespace {
Problem randomProblem(unsigned seed, size_t groups, size_t choices,
                      size_t resources, double tightness) {
  return makeRandomProblem({seed, groups, choices, resources, tightness});
}

TEST(AllocationTest, ExactMatchesBruteForce) {
  int checked = 0;
  for (unsigned seed = 0; seed < 120; ++seed) {
    size_t resources = 1 + seed % 2;
    Problem p = randomProblem(seed, 2 + seed % 7, 2 + seed % 3, resources,
                              0.1 + 0.8 * double(seed % 10) / 10.0);
    Solution brute = solveBruteForce(p);
    Solution exact = solveExact(p);
    ASSERT_EQ(brute.status, exact.status) << "seed " << seed;
    if (brute.status != Status::Optimal)
      continue;
    EXPECT_NEAR(exact.objective, brute.objective,
                1e-9 * std::max(1.0, brute.objective))
        << "seed " << seed;
    EXPECT_LE(exact.bound, exact.objective + 1e-9);
    for (size_t r = 0; r < resources; ++r)
      EXPECT_LE(exact.use[r], p.budgets[r] * (1 + 1e-12));
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(AllocationTest, CbcMatchesBruteForce) {
  if (!haveCBC())
    GTEST_SKIP() << "built without CBC";
  for (unsigned seed = 0; seed < 40; ++seed) {
    Problem p = randomProblem(1000 + seed, 3 + seed % 5, 3, 1 + seed % 2, 0.4);
    Solution brute = solveBruteForce(p), cbc = solveCBC(p);
    ASSERT_EQ(brute.status, cbc.status) << "seed " << seed;
    if (brute.status == Status::Optimal) {
      EXPECT_NEAR(cbc.objective, brute.objective,
                  1e-6 * std::max(1.0, brute.objective))
          << "seed " << seed;
    }
  }
}

TEST(AllocationTest, GreedyIsFeasibleAndNoBetterThanOptimal) {
  for (unsigned seed = 0; seed < 60; ++seed) {
    Problem p = randomProblem(2000 + seed, 6, 3, 1 + seed % 2, 0.5);
    Solution brute = solveBruteForce(p), greedy = solveGreedy(p);
    if (brute.status != Status::Optimal)
      continue;
    ASSERT_EQ(greedy.status, Status::Feasible);
    EXPECT_GE(greedy.objective, brute.objective - 1e-9);
    for (size_t r = 0; r < p.numResources(); ++r)
      EXPECT_LE(greedy.use[r], p.budgets[r] * (1 + 1e-12));
  }
}

TEST(AllocationTest, GreedyLeavesNoImprovingSingleMove) {
  // After the descent the fill-up phase spends the slack: no single group
  // can switch to a cheaper choice and still fit every budget.
  for (unsigned seed = 0; seed < 40; ++seed) {
    Problem p = randomProblem(3000 + seed, 30, 4, 1 + seed % 2, 0.4);
    Solution greedy = solveGreedy(p);
    if (greedy.status != Status::Feasible)
      continue;
    for (size_t g = 0; g < p.groups.size(); ++g) {
      const Choice &cur = p.groups[g][greedy.choice[g]];
      for (const Choice &alt : p.groups[g]) {
        if (alt.cost >= cur.cost)
          continue;
        bool fits = true;
        for (size_t r = 0; r < p.numResources(); ++r)
          fits &= greedy.use[r] - cur.use[r] + alt.use[r] <= p.budgets[r];
        EXPECT_FALSE(fits) << "seed " << seed << " group " << g;
      }
    }
  }
}

TEST(AllocationTest, InfeasibleBudgets) {
  Problem p = randomProblem(7, 4, 3, 2, 0.5);
  p.budgets[1] = p.minimalUse(1) * 0.5;
  EXPECT_EQ(solveExact(p).status, Status::Infeasible);
  EXPECT_EQ(solveGreedy(p).status, Status::Infeasible);
  EXPECT_EQ(solveBruteForce(p).status, Status::Infeasible);
}

TEST(AllocationTest, TiesBreakTowardLowerIndices) {
  // Two identical groups, budget for one upgrade: the first group gets it.
  Problem p;
  p.resources = {"bytes"};
  p.budgets = {30};
  for (int g = 0; g < 2; ++g)
    p.groups.push_back({Choice{1.0, {10}}, Choice{0.0, {20}}});
  Solution s = solveExact(p);
  ASSERT_EQ(s.status, Status::Optimal);
  EXPECT_EQ(s.choice, (std::vector<int64_t>{1, 0}));
}

TEST(AllocationTest, MediumInstanceIsSolvedToOptimality) {
  Problem p = randomProblem(42, 2000, 6, 1, 0.3);
  Solution s = solveExact(p);
  EXPECT_EQ(s.status, Status::Optimal);
  EXPECT_EQ(s.gap(), 0.0);
  Solution g = solveGreedy(p);
  EXPECT_GE(g.objective, s.objective - 1e-9 * s.objective);
}

TEST(AllocationTest, LargeInstanceIsSolvedToOptimality) {
  // 100000 groups x 6 candidates with continuous random costs, one budget:
  // proven optimal within the default relative gap, feasible, and no worse
  // than the greedy baseline.
  Problem p = randomProblem(2, 100000, 6, 1, 0.3);
  Solution s = solveExact(p);
  ASSERT_EQ(s.status, Status::Optimal) << "gap " << s.gap();
  EXPECT_LE(s.bound, s.objective);
  EXPECT_LE(s.gap(), SolverOptions().relativeGap);
  EXPECT_LE(s.use[0], p.budgets[0] * (1 + 1e-12));
  Solution g = solveGreedy(p);
  EXPECT_GE(g.objective, s.objective - 1e-9 * s.objective);
}

TEST(AllocationTest, NodeLimitReportsAnHonestGap) {
  // Stopped early, the result is feasible with a bound below it.
  Problem p = randomProblem(2, 20000, 6, 2, 0.3);
  SolverOptions options;
  options.maxNodes = 1000;
  Solution s = solveExact(p, options);
  ASSERT_TRUE(s.status == Status::Optimal || s.status == Status::Feasible);
  EXPECT_LE(s.bound, s.objective);
  if (s.status == Status::Feasible) {
    EXPECT_GT(s.gap(), 0.0);
  }
  for (size_t r = 0; r < 2; ++r)
    EXPECT_LE(s.use[r], p.budgets[r] * (1 + 1e-12));
}
} // namespace
