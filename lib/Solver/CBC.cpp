//===- CBC.cpp - General MILP backend through COIN-OR CBC ------------------===//
//
// Binary x[g][c], one row sum_c x[g][c] = 1 per group, one row per budget.
// Compiled only when CMake finds CBC (QOPT_HAVE_CBC); the exact solver and
// the greedy baseline never need it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Solver/Allocation.h"

#include <chrono>
#include <cmath>
#include <limits>

#ifdef QOPT_HAVE_CBC
#include <coin/Cbc_C_Interface.h>
#endif

using namespace mlir::qopt::solver;

bool mlir::qopt::solver::haveCBC() {
#ifdef QOPT_HAVE_CBC
  return true;
#else
  return false;
#endif
}

Solution mlir::qopt::solver::solveCBC(const Problem &problem,
                                      const SolverOptions &options) {
  Solution s;
  s.solver = "cbc";
#ifndef QOPT_HAVE_CBC
  (void)problem;
  (void)options;
  s.message = "qopt was built without CBC (install coinor-libcbc-dev)";
  return s;
#else
  auto start = std::chrono::steady_clock::now();
  if (std::string error = problem.validate(); !error.empty()) {
    s.message = error;
    return s;
  }
  size_t n = problem.groups.size(), rs = problem.numResources();
  int rows = int(n + rs);
  std::vector<CoinBigIndex> colStart{0};
  std::vector<int> rowIndex;
  std::vector<double> value, obj, colLb, colUb, rowLb(rows), rowUb(rows);
  std::vector<std::pair<size_t, size_t>> columns;
  for (size_t g = 0; g < n; ++g) {
    rowLb[g] = rowUb[g] = 1.0;
    for (size_t c = 0; c < problem.groups[g].size(); ++c) {
      const Choice &ch = problem.groups[g][c];
      rowIndex.push_back(int(g));
      value.push_back(1.0);
      for (size_t r = 0; r < rs; ++r)
        if (ch.use[r] != 0) {
          rowIndex.push_back(int(n + r));
          value.push_back(ch.use[r]);
        }
      colStart.push_back(CoinBigIndex(rowIndex.size()));
      obj.push_back(ch.cost);
      colLb.push_back(0.0);
      colUb.push_back(1.0);
      columns.push_back({g, c});
    }
  }
  for (size_t r = 0; r < rs; ++r) {
    rowLb[n + r] = -std::numeric_limits<double>::max();
    rowUb[n + r] = problem.budgets[r];
  }
  Cbc_Model *model = Cbc_newModel();
  Cbc_loadProblem(model, int(columns.size()), rows, colStart.data(),
                  rowIndex.data(), value.data(), colLb.data(), colUb.data(),
                  obj.data(), rowLb.data(), rowUb.data());
  for (size_t i = 0; i < columns.size(); ++i)
    Cbc_setInteger(model, int(i));
  Cbc_setLogLevel(model, 0);
  Cbc_setMaximumSeconds(model, options.timeLimitSeconds);
  Cbc_setParameter(model, "threads", "1");
  Cbc_solve(model);
  if (Cbc_isProvenInfeasible(model)) {
    s.status = Status::Infeasible;
  } else if (const double *sol = Cbc_getColSolution(model)) {
    s.choice.assign(n, -1);
    for (size_t i = 0; i < columns.size(); ++i)
      if (sol[i] > 0.5)
        s.choice[columns[i].first] = int64_t(columns[i].second);
    bool complete = true;
    for (int64_t c : s.choice)
      complete &= c >= 0;
    if (complete) {
      s.objective = totalCost(problem, s.choice);
      s.bound = Cbc_getBestPossibleObjValue(model);
      s.status = Cbc_isProvenOptimal(model) ? Status::Optimal
                                            : Status::Feasible;
      for (size_t r = 0; r < rs; ++r)
        s.use.push_back(totalUse(problem, s.choice, r));
    } else {
      s.choice.clear();
      s.status = Status::Error;
      s.message = "CBC returned no integer solution";
    }
  }
  Cbc_deleteModel(model);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            start)
                  .count();
  return s;
#endif
}
