//===- qopt-solver-bench.cpp - The allocation solvers against CBC ---------===//
//
// Solves synthetic bit-allocation instances (qopt/Solver/RandomProblem.h)
// of growing size with the exact solver, the greedy baseline and CBC, and
// prints per instance the status, time, gap and nodes of each, the greedy
// objective's excess over the exact one, and CBC's time as a multiple of
// the exact solver's. Figures are recorded in docs/Allocation.md.
//
//===----------------------------------------------------------------------===//

#include "qopt/Solver/Allocation.h"
#include "qopt/Solver/RandomProblem.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace llvm;
using namespace mlir::qopt::solver;

static cl::list<size_t> groupCounts("groups", cl::CommaSeparated,
                                    cl::desc("Group counts to solve"));
static cl::opt<size_t> choices("choices", cl::init(6),
                               cl::desc("Candidates per group"));
static cl::opt<size_t> resources("budgets", cl::init(1),
                                 cl::desc("Number of budgets"));
static cl::opt<double> tightness("tightness", cl::init(0.3),
                                 cl::desc("Budget between the smallest (0) "
                                          "and largest (1) achievable use"));
static cl::opt<unsigned> seeds("seeds", cl::init(3),
                               cl::desc("Instances per size"));
static cl::opt<size_t> cbcMaxGroups(
    "cbc-max-groups", cl::init(100000),
    cl::desc("Skip CBC above this many groups (0: never run CBC)"));
static cl::opt<double> timeLimit("time-limit", cl::init(120),
                                 cl::desc("Per-solver time limit (s)"));

static double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "qopt allocation solvers vs CBC benchmark\n");
  if (choices == 0 || resources == 0 || tightness < 0 || tightness > 1) {
    errs() << "qopt-solver-bench: need --choices >= 1, --budgets >= 1 and "
              "0 <= --tightness <= 1\n";
    return 1;
  }
  static const size_t defaultSizes[] = {1000, 10000, 100000};
  ArrayRef<size_t> sizes = defaultSizes;
  if (!groupCounts.empty())
    sizes = groupCounts;

  outs() << formatv("{0,8} {1,4} {2,7} {3,4} | {4,-8} {5,8} {6,9} {7,9} | "
                    "{8,8} {9,10} | {10,-8} {11,9} {12,10} | {13,9}\n",
                    "groups", "cand", "budgets", "seed", "exact", "time_s",
                    "gap", "nodes", "greedy_s", "excess", "cbc", "time_s",
                    "obj_diff", "cbc/exact");
  bool allOk = true;
  for (size_t n : sizes) {
    for (unsigned seed = 0; seed < seeds; ++seed) {
      Problem p = makeRandomProblem(
          {seed + 1, n, choices, resources, tightness});
      if (std::string error = p.validate(); !error.empty()) {
        errs() << "qopt-solver-bench: invalid instance: " << error << "\n";
        return 1;
      }
      SolverOptions options;
      options.timeLimitSeconds = timeLimit;
      auto start = std::chrono::steady_clock::now();
      Solution exact = solveExact(p, options);
      double exactTime = seconds(start);
      start = std::chrono::steady_clock::now();
      Solution greedy = solveGreedy(p);
      double greedyTime = seconds(start);
      double excess = (greedy.objective - exact.objective) /
                      std::max(std::abs(exact.objective), 1e-12);
      std::string cbcStatus = "skipped", cbcTime = "-", cbcDiff = "-",
                  ratio = "-";
      if (haveCBC() && cbcMaxGroups && n <= cbcMaxGroups) {
        start = std::chrono::steady_clock::now();
        Solution cbc = solveCBC(p, options);
        double t = seconds(start);
        cbcStatus = statusName(cbc.status);
        cbcTime = formatv("{0:f3}", t).str();
        cbcDiff = formatv("{0:e1}", (cbc.objective - exact.objective) /
                                        std::max(std::abs(exact.objective),
                                                 1e-12))
                      .str();
        ratio = formatv("{0:f1}x", t / std::max(exactTime, 1e-6)).str();
        // CBC proving a better optimum than ours is a bug in one of them.
        if (cbc.status == Status::Optimal &&
            cbc.objective < exact.objective * (1 - 1e-6))
          allOk = false;
      } else if (!haveCBC()) {
        cbcStatus = "no-cbc";
      }
      outs() << formatv("{0,8} {1,4} {2,7} {3,4} | {4,-8} {5,8:f3} {6,9:e1} "
                        "{7,9} | {8,8:f3} {9,9:f4}% | {10,-8} {11,9} {12,10} "
                        "| {13,9}\n",
                        n, choices.getValue(), resources.getValue(), seed + 1,
                        statusName(exact.status), exactTime, exact.gap(),
                        exact.nodes, greedyTime, 100 * excess, cbcStatus,
                        cbcTime, cbcDiff, ratio);
      outs().flush();
    }
  }
  if (!allOk) {
    errs() << "qopt-solver-bench: CBC found a better optimum than the exact "
              "solver\n";
    return 1;
  }
  return 0;
}
