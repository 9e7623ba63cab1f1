//===- Exact.cpp - Exact multiple-choice knapsack solver -------------------===//
//
// 1. Dominance: in each group drop choices no better in cost and no smaller
//    in every resource than another.
// 2. Lagrangian multipliers lambda for the budgets (resources normalized by
//    their budgets): with one budget, the LP relaxation over each group's
//    lower convex hull (segments taken by decreasing efficiency; the
//    critical segment's efficiency is the optimal multiplier and the LP
//    value the bound); with several, subgradient ascent on the Lagrangian
//    dual. L(lambda) = sum_g min_c (cost + lambda . use) - lambda . budget is
//    a lower bound on the optimum for every lambda >= 0.
// 3. An incumbent: the LP solution without its fractional group (one
//    budget), filled greedily; the greedy baseline otherwise.
// 4. Reduced-cost fixing: a choice whose reduced cost alone lifts the bound
//    past the incumbent cannot be in a better solution, so it is removed;
//    most groups keep a single choice.
// 5. Search over the remaining core, least ambiguous groups first. One
//    budget: dynamic programming over Pareto frontiers of (use, cost)
//    states, each pruned by the best of several Lagrangian tangents of the
//    remaining groups' LP value, and completed with the Lagrangian choices
//    of the rest to improve the incumbent layer by layer. Several budgets:
//    depth-first branch and bound with the Lagrangian bound of the free
//    groups. Optimal means within SolverOptions::relativeGap.
//
//===----------------------------------------------------------------------===//

#include "qopt/Solver/Allocation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

using namespace mlir::qopt::solver;

namespace {
using Clock = std::chrono::steady_clock;

struct Item {
  double cost;
  std::vector<double> use; // normalized by the budgets
  int64_t index;           // in the original group
};

bool dominates(const Item &a, const Item &b) {
  bool strict = a.cost < b.cost;
  if (a.cost > b.cost)
    return false;
  for (size_t r = 0; r < a.use.size(); ++r) {
    if (a.use[r] > b.use[r])
      return false;
    strict |= a.use[r] < b.use[r];
  }
  return strict || a.index < b.index;
}

class ExactSolver {
public:
  ExactSolver(const Problem &p, const SolverOptions &o) : p(p), o(o) {}
  Solution solve();

private:
  void reduce();
  double lagrangian(const std::vector<double> &lambda,
                    std::vector<double> *minPerGroup = nullptr) const;
  void lpSingleBudget();
  void subgradient();
  void consider(const std::vector<int64_t> &x);
  void branchAndBound();
  bool dfs(size_t depth, double cost, std::vector<double> &use);
  void listDp();
  /// What a bound must undercut the incumbent by to be worth exploring.
  double tolerance() const {
    if (!std::isfinite(best))
      return 0;
    return std::max(o.relativeGap * std::fabs(best),
                    1e-12 * std::max(1.0, std::fabs(best)));
  }
  bool outOfTime() const {
    return nodes >= o.maxNodes ||
           std::chrono::duration<double>(Clock::now() - start).count() >
               o.timeLimitSeconds;
  }

  const Problem &p;
  const SolverOptions &o;
  Clock::time_point start = Clock::now();
  size_t n = 0, rs = 0;
  std::vector<double> scale; // 1 / budget
  std::vector<double> nb;    // normalized budgets: 1 (or 0 for a 0 budget)
  std::vector<std::vector<Item>> items;
  std::vector<double> lambda;
  double bound = -std::numeric_limits<double>::infinity();
  double best = std::numeric_limits<double>::infinity();
  std::vector<int64_t> bestX; // original indices
  // Branch and bound state.
  std::vector<size_t> core;
  std::vector<std::vector<size_t>> coreItems; // per core group, by reduced cost
  std::vector<double> minRc, suffixMinRc;
  std::vector<std::vector<double>> suffixMinUse;
  std::vector<int64_t> x; // item index per group during the search
  double fixedCost = 0;
  std::vector<double> fixedUse;
  double lbConstant = 0;
  int64_t nodes = 0;
  bool complete = true;
};

void ExactSolver::reduce() {
  n = p.groups.size();
  rs = p.numResources();
  scale.resize(rs);
  nb.resize(rs);
  for (size_t r = 0; r < rs; ++r) {
    scale[r] = p.budgets[r] > 0 ? 1.0 / p.budgets[r] : 1.0;
    nb[r] = p.budgets[r] > 0 ? 1.0 : 0.0;
  }
  items.resize(n);
  for (size_t g = 0; g < n; ++g) {
    std::vector<Item> all;
    for (size_t c = 0; c < p.groups[g].size(); ++c) {
      Item it{p.groups[g][c].cost, p.groups[g][c].use, int64_t(c)};
      for (size_t r = 0; r < rs; ++r)
        it.use[r] *= scale[r];
      all.push_back(std::move(it));
    }
    for (size_t i = 0; i < all.size(); ++i) {
      bool dominated = false;
      for (size_t j = 0; j < all.size() && !dominated; ++j)
        dominated = j != i && dominates(all[j], all[i]);
      if (!dominated)
        items[g].push_back(all[i]);
    }
  }
}

double ExactSolver::lagrangian(const std::vector<double> &lam,
                               std::vector<double> *minPerGroup) const {
  double total = 0;
  for (size_t g = 0; g < n; ++g) {
    double m = std::numeric_limits<double>::infinity();
    for (const Item &it : items[g]) {
      double v = it.cost;
      for (size_t r = 0; r < rs; ++r)
        v += lam[r] * it.use[r];
      m = std::min(m, v);
    }
    if (minPerGroup)
      (*minPerGroup)[g] = m;
    total += m;
  }
  for (size_t r = 0; r < rs; ++r)
    total -= lam[r] * nb[r];
  return total;
}

void ExactSolver::consider(const std::vector<int64_t> &xOrig) {
  for (size_t r = 0; r < rs; ++r)
    if (totalUse(p, xOrig, r) > p.budgets[r] * (1 + 1e-12))
      return;
  double cost = totalCost(p, xOrig);
  if (cost < best - 1e-12 * std::max(1.0, std::fabs(cost))) {
    best = cost;
    bestX = xOrig;
  }
}

void ExactSolver::lpSingleBudget() {
  // Lower convex hull of (use, cost) per group, then segments by efficiency.
  struct Segment {
    double eff, dUse, dCost;
    size_t group, to; // hull index reached by taking the segment
  };
  std::vector<std::vector<size_t>> hull(n);
  std::vector<Segment> segments;
  double baseCost = 0, baseUse = 0;
  for (size_t g = 0; g < n; ++g) {
    std::vector<size_t> order(items[g].size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const Item &x = items[g][a], &y = items[g][b];
      if (x.use[0] != y.use[0])
        return x.use[0] < y.use[0];
      if (x.cost != y.cost)
        return x.cost < y.cost;
      return x.index < y.index;
    });
    auto &h = hull[g];
    for (size_t i : order) {
      const Item &it = items[g][i];
      if (!h.empty() && it.cost >= items[g][h.back()].cost)
        continue; // Not cheaper: no use in an LP solution.
      while (h.size() >= 2) {
        const Item &a = items[g][h[h.size() - 2]], &b = items[g][h.back()];
        // Keep b only if it lies strictly below the segment a -> it.
        double cross = (b.use[0] - a.use[0]) * (it.cost - a.cost) -
                       (b.cost - a.cost) * (it.use[0] - a.use[0]);
        if (cross > 0)
          break;
        h.pop_back();
      }
      h.push_back(i);
    }
    baseCost += items[g][h[0]].cost;
    baseUse += items[g][h[0]].use[0];
    for (size_t k = 1; k < h.size(); ++k) {
      const Item &a = items[g][h[k - 1]], &b = items[g][h[k]];
      double dUse = b.use[0] - a.use[0], dCost = b.cost - a.cost;
      segments.push_back({-dCost / dUse, dUse, dCost, g, k});
    }
  }
  std::stable_sort(segments.begin(), segments.end(),
                   [](const Segment &a, const Segment &b) {
                     if (a.eff != b.eff)
                       return a.eff > b.eff;
                     return a.group < b.group;
                   });
  double capacity = nb[0] - baseUse, cost = baseCost;
  std::vector<size_t> pos(n, 0);
  lambda.assign(1, 0.0);
  bound = cost;
  size_t s = 0;
  for (; s < segments.size(); ++s) {
    const Segment &seg = segments[s];
    if (seg.dUse <= capacity) {
      capacity -= seg.dUse;
      cost += seg.dCost;
      pos[seg.group] = seg.to;
      continue;
    }
    // The critical segment: taken fractionally in the LP.
    lambda[0] = seg.eff;
    bound = cost + seg.dCost * (capacity / seg.dUse);
    break;
  }
  if (s == segments.size())
    bound = cost; // Everything fits: the LP is integral.
  // Incumbent: the LP solution without the fractional part, then every
  // later segment that still fits (in order, keeping hulls contiguous).
  for (size_t t = s; t < segments.size(); ++t) {
    const Segment &seg = segments[t];
    if (pos[seg.group] + 1 == seg.to && seg.dUse <= capacity) {
      capacity -= seg.dUse;
      pos[seg.group] = seg.to;
    }
  }
  std::vector<int64_t> xs(n);
  for (size_t g = 0; g < n; ++g)
    xs[g] = items[g][hull[g][pos[g]]].index;
  consider(xs);
}

void ExactSolver::subgradient() {
  lambda.assign(rs, 0.0);
  std::vector<double> bestLambda = lambda;
  bound = lagrangian(lambda);
  double step = 1.0;
  std::vector<double> g(rs);
  for (int iter = 0; iter < 300 && !outOfTime(); ++iter) {
    // Subgradient: use of the Lagrangian minimizer minus the budgets.
    for (size_t r = 0; r < rs; ++r)
      g[r] = -nb[r];
    std::vector<int64_t> xs(n);
    for (size_t gr = 0; gr < n; ++gr) {
      double m = std::numeric_limits<double>::infinity();
      const Item *arg = nullptr;
      for (const Item &it : items[gr]) {
        double v = it.cost;
        for (size_t r = 0; r < rs; ++r)
          v += lambda[r] * it.use[r];
        if (v < m) {
          m = v;
          arg = &it;
        }
      }
      for (size_t r = 0; r < rs; ++r)
        g[r] += arg->use[r];
      xs[gr] = arg->index;
    }
    consider(xs); // The Lagrangian minimizer may be feasible.
    double norm = 0;
    for (double v : g)
      norm += v * v;
    if (norm == 0)
      break;
    double gap = std::isfinite(best) ? std::max(best - bound, 1e-9)
                                     : std::max(std::fabs(bound), 1.0);
    for (size_t r = 0; r < rs; ++r)
      lambda[r] = std::max(0.0, lambda[r] + step * gap * g[r] / norm);
    double value = lagrangian(lambda);
    if (value > bound) {
      bound = value;
      bestLambda = lambda;
    } else {
      step *= 0.9;
    }
  }
  lambda = bestLambda;
}

bool ExactSolver::dfs(size_t depth, double cost, std::vector<double> &use) {
  if (++nodes % 4096 == 0 && outOfTime()) {
    complete = false;
    return false;
  }
  if (depth == core.size()) {
    std::vector<int64_t> xs(n);
    for (size_t g = 0; g < n; ++g)
      xs[g] = items[g][x[g]].index;
    consider(xs);
    return true;
  }
  size_t g = core[depth];
  for (size_t i : coreItems[depth]) {
    const Item &it = items[g][i];
    // Lagrangian bound of this node with the choice made.
    double rc = it.cost;
    for (size_t r = 0; r < rs; ++r)
      rc += lambda[r] * it.use[r];
    double nodeBound = cost + rc + suffixMinRc[depth + 1] + lbConstant;
    for (size_t r = 0; r < rs; ++r)
      nodeBound += lambda[r] * use[r];
    if (nodeBound >= best - tolerance())
      break; // Items are sorted by rc: the rest are no better.
    bool feasible = true;
    for (size_t r = 0; r < rs && feasible; ++r)
      feasible = use[r] + it.use[r] + suffixMinUse[depth + 1][r] <=
                 nb[r] + 1e-12;
    if (!feasible)
      continue;
    for (size_t r = 0; r < rs; ++r)
      use[r] += it.use[r];
    x[g] = i;
    bool ok = dfs(depth + 1, cost + it.cost, use);
    for (size_t r = 0; r < rs; ++r)
      use[r] -= it.use[r];
    if (!ok)
      return false;
  }
  return true;
}

void ExactSolver::branchAndBound() {
  // Reduced-cost fixing around lambda.
  std::vector<double> m(n);
  double lb = lagrangian(lambda, &m);
  bound = std::max(bound, lb);
  x.assign(n, 0);
  fixedCost = 0;
  fixedUse.assign(rs, 0.0);
  core.clear();
  coreItems.clear();
  std::vector<double> coreKey;
  for (size_t g = 0; g < n; ++g) {
    std::vector<std::pair<double, size_t>> keep;
    for (size_t i = 0; i < items[g].size(); ++i) {
      const Item &it = items[g][i];
      double rc = it.cost - m[g];
      for (size_t r = 0; r < rs; ++r)
        rc += lambda[r] * it.use[r];
      if (lb + rc < best - tolerance())
        keep.push_back({rc, i});
    }
    if (keep.empty())
      return; // No better solution can exist: the incumbent is optimal.
    std::stable_sort(keep.begin(), keep.end());
    if (keep.size() == 1) {
      x[g] = keep[0].second;
      fixedCost += items[g][x[g]].cost;
      for (size_t r = 0; r < rs; ++r)
        fixedUse[r] += items[g][x[g]].use[r];
      continue;
    }
    core.push_back(g);
    coreKey.push_back(keep[1].first - keep[0].first);
    std::vector<size_t> order;
    for (auto &k : keep)
      order.push_back(k.second);
    coreItems.push_back(order);
  }
  // Search order: groups whose second choice is far behind their first
  // (in reduced cost) first, the most ambiguous last. Their alternatives
  // are pruned early, so the frontier stays small until the end (about
  // 1.5-3x fewer states on the qopt-solver-bench instances).
  std::vector<size_t> perm(core.size());
  std::iota(perm.begin(), perm.end(), size_t(0));
  std::stable_sort(perm.begin(), perm.end(), [&](size_t a, size_t b) {
    return coreKey[a] > coreKey[b];
  });
  std::vector<size_t> sortedCore;
  std::vector<std::vector<size_t>> sortedItems;
  for (size_t q : perm) {
    sortedCore.push_back(core[q]);
    sortedItems.push_back(std::move(coreItems[q]));
  }
  core = std::move(sortedCore);
  coreItems = std::move(sortedItems);
  // Suffix sums over the core: min reduced cost (+ m_g), min use.
  size_t k = core.size();
  suffixMinRc.assign(k + 1, 0.0);
  suffixMinUse.assign(k + 1, std::vector<double>(rs, 0.0));
  for (size_t d = k; d-- > 0;) {
    size_t g = core[d];
    double minV = std::numeric_limits<double>::infinity();
    std::vector<double> minU(rs, std::numeric_limits<double>::infinity());
    for (size_t i : coreItems[d]) {
      const Item &it = items[g][i];
      double v = it.cost;
      for (size_t r = 0; r < rs; ++r) {
        v += lambda[r] * it.use[r];
        minU[r] = std::min(minU[r], it.use[r]);
      }
      minV = std::min(minV, v);
    }
    suffixMinRc[d] = suffixMinRc[d + 1] + minV;
    for (size_t r = 0; r < rs; ++r)
      suffixMinUse[d][r] = suffixMinUse[d + 1][r] + minU[r];
  }
  // Node bound = cost of fixed and chosen groups + lambda.(their use)
  //            + sum of min (cost + lambda.use) over the rest - lambda.1.
  lbConstant = 0;
  for (size_t r = 0; r < rs; ++r)
    lbConstant -= lambda[r] * nb[r];
  if (rs == 1) {
    listDp();
    return;
  }
  std::vector<double> use = fixedUse;
  dfs(0, fixedCost, use);
}

/// One budget: dynamic programming over the core with lists of
/// non-dominated (use, cost) states (Pareto frontier), each pruned by its
/// Lagrangian bound against the incumbent.
void ExactSolver::listDp() {
  struct State {
    double use, cost;
    int64_t parent; // index in the previous layer
    int64_t item;   // item chosen in this layer's group (-1 for the root)
  };
  std::vector<std::vector<State>> layers;
  layers.push_back({State{fixedUse[0], fixedCost, -1, -1}});
  double eps = tolerance();
  // The suffix's LP value as a function of the capacity left is convex and
  // piecewise linear; each multiplier mu gives a tangent lower bound
  //   cost + sum_{g >= d} min_c (cost_gc + mu use_gc) - mu (budget - use).
  // The optimal lambda's tangent is exact near the LP optimum; states far
  // from it (much slack or little) are bounded by the steeper or flatter
  // tangents, which prunes far more than lambda alone.
  static const double factors[] = {0,    0.5,  0.8, 0.9, 0.95, 0.98,
                                   0.99, 0.995, 1,   1.005, 1.01, 1.02,
                                   1.05, 1.1,  1.25, 2,   4};
  size_t numMu = std::size(factors), k = core.size();
  std::vector<double> mus(numMu);
  for (size_t j = 0; j < numMu; ++j)
    mus[j] = lambda[0] * factors[j];
  // suffix[d * numMu + j] = sum over core groups d.. of min (cost + mu_j use).
  std::vector<double> suffix((k + 1) * numMu, 0.0);
  for (size_t d = k; d-- > 0;) {
    size_t g = core[d];
    for (size_t j = 0; j < numMu; ++j) {
      double minV = std::numeric_limits<double>::infinity();
      for (size_t i : coreItems[d])
        minV = std::min(minV, items[g][i].cost + mus[j] * items[g][i].use[0]);
      suffix[d * numMu + j] = suffix[(d + 1) * numMu + j] + minV;
    }
  }
  // Completions for early incumbents: every later core group at its
  // smallest reduced cost item (coreItems[d][0]), the Lagrangian choice.
  std::vector<double> tailCost(k + 1, 0.0), tailUse(k + 1, 0.0);
  for (size_t d = k; d-- > 0;) {
    const Item &it = items[core[d]][coreItems[d][0]];
    tailCost[d] = tailCost[d + 1] + it.cost;
    tailUse[d] = tailUse[d + 1] + it.use[0];
  }
  auto recordCompletion = [&](size_t depth, size_t state) {
    std::vector<size_t> pick(k);
    for (size_t d = depth; d < k; ++d)
      pick[d] = coreItems[d][0];
    for (size_t d = depth; d > 0; --d) {
      const State &st = layers[d][state];
      pick[d - 1] = size_t(st.item);
      state = size_t(st.parent);
    }
    std::vector<int64_t> xs(n);
    for (size_t g = 0; g < n; ++g)
      xs[g] = items[g][x[g]].index;
    for (size_t d = 0; d < k; ++d)
      xs[core[d]] = items[core[d]][pick[d]].index;
    consider(xs);
  };
  auto stateBound = [&](size_t d, double cost, double use) {
    double left = nb[0] - use, b = -std::numeric_limits<double>::infinity();
    const double *row = &suffix[d * numMu];
    for (size_t j = 0; j < numMu; ++j)
      b = std::max(b, row[j] - mus[j] * left);
    return cost + b;
  };
  for (size_t d = 0; d < core.size(); ++d) {
    if (outOfTime()) {
      complete = false;
      return;
    }
    size_t g = core[d];
    const std::vector<State> &prev = layers.back();
    std::vector<State> next;
    next.reserve(prev.size() * coreItems[d].size());
    for (size_t si = 0; si < prev.size(); ++si)
      for (size_t i : coreItems[d]) {
        const Item &it = items[g][i];
        State st{prev[si].use + it.use[0], prev[si].cost + it.cost,
                 int64_t(si), int64_t(i)};
        if (st.use + suffixMinUse[d + 1][0] > nb[0] + 1e-12)
          continue;
        if (stateBound(d + 1, st.cost, st.use) >= best - eps)
          continue;
        next.push_back(st);
      }
    nodes += int64_t(next.size());
    // Pareto frontier: by use ascending, keep strictly decreasing cost.
    std::stable_sort(next.begin(), next.end(), [](const State &a,
                                                  const State &b) {
      return a.use != b.use ? a.use < b.use : a.cost < b.cost;
    });
    std::vector<State> frontier;
    for (const State &st : next)
      if (frontier.empty() || st.cost < frontier.back().cost)
        frontier.push_back(st);
    if (frontier.empty())
      return; // Nothing beats the incumbent.
    layers.push_back(std::move(frontier));
    // A completion better than the incumbent tightens every later prune.
    const std::vector<State> &cur = layers.back();
    int64_t bestState = -1;
    double bestCompletion = best - eps;
    for (size_t si = 0; si < cur.size(); ++si) {
      const State &st = cur[si];
      if (st.use + tailUse[d + 1] <= nb[0] + 1e-12 &&
          st.cost + tailCost[d + 1] < bestCompletion) {
        bestCompletion = st.cost + tailCost[d + 1];
        bestState = int64_t(si);
      }
    }
    if (bestState >= 0) {
      recordCompletion(d + 1, size_t(bestState));
      eps = tolerance();
    }
  }
  // The cheapest final state, reconstructed through the parents.
  const std::vector<State> &last = layers.back();
  size_t bestState = 0;
  for (size_t i = 1; i < last.size(); ++i)
    if (last[i].cost < last[bestState].cost)
      bestState = i;
  for (size_t d = core.size(); d > 0; --d) {
    const State &st = layers[d][bestState];
    x[core[d - 1]] = size_t(st.item);
    bestState = size_t(st.parent);
  }
  std::vector<int64_t> xs(n);
  for (size_t g = 0; g < n; ++g)
    xs[g] = items[g][x[g]].index;
  consider(xs);
}

Solution ExactSolver::solve() {
  Solution s;
  s.solver = "exact";
  if (std::string error = p.validate(); !error.empty()) {
    s.message = error;
    return s;
  }
  reduce();
  for (size_t r = 0; r < rs; ++r)
    if (p.minimalUse(r) > p.budgets[r] * (1 + 1e-12)) {
      s.status = Status::Infeasible;
      s.message = "budget of '" +
                  (r < p.resources.size() ? p.resources[r] : "resource " +
                                                                 std::to_string(r)) +
                  "' is below its smallest achievable value";
      return s;
    }
  if (rs == 1) {
    lpSingleBudget();
  } else {
    Solution greedy = solveGreedy(p);
    if (greedy.status == Status::Feasible)
      consider(greedy.choice);
    subgradient();
  }
  if (rs == 0) {
    lambda.clear();
    std::vector<int64_t> xs(n);
    for (size_t g = 0; g < n; ++g) {
      size_t bestI = 0;
      for (size_t i = 1; i < items[g].size(); ++i)
        if (items[g][i].cost < items[g][bestI].cost)
          bestI = i;
      xs[g] = items[g][bestI].index;
    }
    consider(xs);
    bound = best;
  } else {
    branchAndBound();
  }
  s.nodes = nodes;
  if (bestX.empty()) {
    s.status = complete ? Status::Infeasible : Status::Error;
    s.message = complete ? "no choice fits every budget"
                         : "search limit reached before a solution";
  } else {
    s.choice = bestX;
    s.objective = best;
    s.status = complete ? Status::Optimal : Status::Feasible;
    // A complete search pruned only what could not beat best - tolerance.
    s.bound = complete ? std::min(best, std::max(bound, best - tolerance()))
                       : std::min(bound, best);
    for (size_t r = 0; r < rs; ++r)
      s.use.push_back(totalUse(p, bestX, r));
  }
  s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return s;
}
} // namespace

Solution mlir::qopt::solver::solveExact(const Problem &problem,
                                        const SolverOptions &options) {
  return ExactSolver(problem, options).solve();
}
