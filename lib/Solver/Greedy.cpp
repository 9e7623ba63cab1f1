//===- Greedy.cpp - The greedy baseline ------------------------------------===//
//
// Starts from every group's lowest-cost choice and, while a budget is
// exceeded, applies the move (one group to another choice) with the least
// cost increase per unit of normalized excess resource removed that keeps
// every holding budget holding (so the set of exceeded budgets only
// shrinks and every move lowers the excess: it terminates). Once every
// budget holds, the descent usually left slack: a fill-up phase then applies
// the feasible move with the largest cost decrease per unit of normalized
// resource added, until no move both lowers the cost and fits.
//
//===----------------------------------------------------------------------===//

#include "qopt/Solver/Allocation.h"

#include <chrono>
#include <cmath>
#include <functional>
#include <queue>

using namespace mlir::qopt::solver;

Solution mlir::qopt::solver::solveGreedy(const Problem &problem) {
  auto start = std::chrono::steady_clock::now();
  Solution s;
  s.solver = "greedy";
  if (std::string error = problem.validate(); !error.empty()) {
    s.message = error;
    return s;
  }
  size_t n = problem.groups.size(), rs = problem.numResources();
  for (size_t r = 0; r < rs; ++r)
    if (problem.minimalUse(r) > problem.budgets[r]) {
      s.status = Status::Infeasible;
      return s;
    }
  std::vector<int64_t> x(n);
  for (size_t g = 0; g < n; ++g) {
    int64_t best = 0;
    for (size_t c = 1; c < problem.groups[g].size(); ++c)
      if (problem.groups[g][c].cost < problem.groups[g][best].cost)
        best = c;
    x[g] = best;
  }
  std::vector<double> use(rs);
  for (size_t r = 0; r < rs; ++r)
    use[r] = totalUse(problem, x, r);

  // Phases: within one, the set of exceeded resources is fixed, so each
  // group's best move depends only on its own choice and a heap finds the
  // best move overall. A phase ends when a resource fits its budget.
  struct Move {
    double ratio;
    size_t group;
    int64_t choice;
    bool operator>(const Move &o) const {
      return ratio != o.ratio ? ratio > o.ratio : group > o.group;
    }
  };
  while (true) {
    std::vector<bool> exceeded(rs);
    bool feasible = true;
    for (size_t r = 0; r < rs; ++r) {
      exceeded[r] = use[r] > problem.budgets[r];
      feasible &= !exceeded[r];
    }
    if (feasible)
      break;
    auto bestMove = [&](size_t g, Move &move) {
      const Choice &cur = problem.groups[g][x[g]];
      bool found = false;
      for (size_t c = 0; c < problem.groups[g].size(); ++c) {
        const Choice &alt = problem.groups[g][c];
        double saved = 0;
        bool admissible = true;
        for (size_t r = 0; r < rs; ++r) {
          double delta = alt.use[r] - cur.use[r];
          if (exceeded[r])
            saved -= delta / std::max(problem.budgets[r], 1e-12);
          else // Never push a budget that holds over it: phases would cycle.
            admissible &= use[r] + delta <= problem.budgets[r];
        }
        if (!admissible || saved <= 0)
          continue;
        double ratio = (alt.cost - cur.cost) / saved;
        if (!found || ratio < move.ratio) {
          move = {ratio, g, int64_t(c)};
          found = true;
        }
      }
      return found;
    };
    std::priority_queue<Move, std::vector<Move>, std::greater<Move>> heap;
    for (size_t g = 0; g < n; ++g) {
      Move m;
      if (bestMove(g, m))
        heap.push(m);
    }
    bool phaseDone = false;
    while (!phaseDone) {
      if (heap.empty()) { // No move reduces the excess.
        s.message = "the greedy heuristic found no feasible allocation (the "
                    "budgets may still be feasible: use the exact solver)";
        return s;
      }
      Move m = heap.top();
      heap.pop();
      // Skip stale entries (the group moved since).
      Move fresh;
      if (!bestMove(m.group, fresh) || fresh.choice != m.choice ||
          fresh.ratio != m.ratio) {
        if (bestMove(m.group, fresh))
          heap.push(fresh);
        continue;
      }
      for (size_t r = 0; r < rs; ++r)
        use[r] += problem.groups[m.group][m.choice].use[r] -
                  problem.groups[m.group][x[m.group]].use[r];
      x[m.group] = m.choice;
      for (size_t r = 0; r < rs; ++r)
        if (exceeded[r] && use[r] <= problem.budgets[r])
          phaseDone = true;
      if (!phaseDone && bestMove(m.group, fresh))
        heap.push(fresh);
    }
  }

  // Fill-up. With one budget use only grows here, so a move that does not
  // fit now never will; with several a move can free one budget while
  // spending another, so when the heap runs dry every group is rescanned.
  // Every applied move lowers the cost, so this ends.
  auto bestFill = [&](size_t g, Move &move) {
    const Choice &cur = problem.groups[g][x[g]];
    bool found = false;
    for (size_t c = 0; c < problem.groups[g].size(); ++c) {
      const Choice &alt = problem.groups[g][c];
      double gain = cur.cost - alt.cost;
      if (gain <= 0)
        continue;
      double added = 0;
      bool fits = true;
      for (size_t r = 0; r < rs; ++r) {
        double delta = alt.use[r] - cur.use[r];
        fits &= use[r] + delta <= problem.budgets[r];
        added += std::max(delta, 0.0) / std::max(problem.budgets[r], 1e-12);
      }
      if (!fits)
        continue;
      // Smaller is better: a free improvement ranks first, then by the
      // resource spent per unit of cost removed.
      double ratio = added / gain;
      if (!found || ratio < move.ratio) {
        move = {ratio, g, int64_t(c)};
        found = true;
      }
    }
    return found;
  };
  std::priority_queue<Move, std::vector<Move>, std::greater<Move>> fill;
  auto rescan = [&] {
    for (size_t g = 0; g < n; ++g) {
      Move m;
      if (bestFill(g, m))
        fill.push(m);
    }
    return !fill.empty();
  };
  rescan();
  while (!fill.empty() || (rs > 1 && rescan())) {
    Move m = fill.top();
    fill.pop();
    Move fresh;
    if (!bestFill(m.group, fresh))
      continue;
    if (fresh.choice != m.choice || fresh.ratio != m.ratio) {
      fill.push(fresh);
      continue;
    }
    for (size_t r = 0; r < rs; ++r)
      use[r] += problem.groups[m.group][m.choice].use[r] -
                problem.groups[m.group][x[m.group]].use[r];
    x[m.group] = m.choice;
    if (bestFill(m.group, fresh))
      fill.push(fresh);
  }

  s.status = Status::Feasible;
  s.choice = x;
  s.objective = totalCost(problem, x);
  for (size_t r = 0; r < rs; ++r)
    s.use.push_back(totalUse(problem, x, r));
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                            start)
                  .count();
  return s;
}
