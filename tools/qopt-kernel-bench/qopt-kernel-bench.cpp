//===- qopt-kernel-bench.cpp - CPU kernel benchmarks -------------------------===//
//
// Prints, for each measurement, our figure and a baseline measured in the
// same process, and their ratio (benchmarks print; they do not assert):
//
//  * memory bandwidth: a STREAM-style triad over arrays far larger than the
//    last-level cache;
//  * int4 weight-only GEMV (batch 1, group 32) on 4096x4096 and
//    11008x4096: achieved weight bytes per second, with enough rotating
//    weight buffers that they come from DRAM, divided by the triad; the
//    in-cache figure (one buffer reused) separately;
//  * int8 GEMM (M x N x K = 256 x 4096 x 4096): our integer kernel against
//    oneDNN's dnnl_gemm_s8s8s32 (when built with oneDNN).
//
// Usage: qopt-kernel-bench [--threads=N] [--isa=NAME] [--quick]
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#ifdef QOPT_HAVE_DNNL
#include "oneapi/dnnl/dnnl.h"
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

/// Runs fn(thread, threads) on `threads` threads (the caller is thread 0)
/// and waits for all; workers persist between calls and spin between jobs
/// so that a 100 us kernel is not dominated by wake-up latency.
class Pool {
public:
  explicit Pool(int threads) : threads(threads) {
    for (int t = 1; t < threads; ++t)
      workers.emplace_back([this, t] {
        uint64_t seen = 0;
        while (true) {
          uint64_t g;
          while ((g = generation.load(std::memory_order_acquire)) == seen)
            std::this_thread::yield();
          seen = g;
          if (stop.load())
            return;
          job(t, this->threads);
          done.fetch_add(1, std::memory_order_acq_rel);
        }
      });
  }
  ~Pool() {
    stop = true;
    generation.fetch_add(1);
    for (std::thread &w : workers)
      w.join();
  }
  void run(const std::function<void(int, int)> &fn) {
    job = fn;
    done = 0;
    generation.fetch_add(1, std::memory_order_acq_rel);
    fn(0, threads);
    while (done.load(std::memory_order_acquire) != threads - 1)
      ;
  }
  int size() const { return threads; }

private:
  int threads;
  std::vector<std::thread> workers;
  std::function<void(int, int)> job;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
};

/// Median seconds of `reps` calls after `warmup` calls.
double timeIt(int warmup, int reps, const std::function<void()> &fn) {
  for (int i = 0; i < warmup; ++i)
    fn();
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    fn();
    times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// [begin, end) of `n` items for thread t of T, in multiples of `align`.
std::pair<int64_t, int64_t> split(int64_t n, int t, int threads,
                                  int64_t align = 4) {
  int64_t chunk = (n / align + threads - 1) / threads * align;
  int64_t b = std::min<int64_t>(n, t * chunk);
  return {b, std::min<int64_t>(n, b + chunk)};
}

double triadGBs(Pool &pool, bool quick) {
  const int64_t n = (quick ? 16 : 64) << 20; // floats per array
  std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
  auto kernel = [&] {
    pool.run([&](int t, int threads) {
      auto [lo, hi] = split(n, t, threads, 16);
      float *pa = a.data();
      const float *pb = b.data(), *pc = c.data();
      for (int64_t i = lo; i < hi; ++i)
        pa[i] = pb[i] + 3.0f * pc[i];
    });
  };
  double s = timeIt(2, quick ? 3 : 7, kernel);
  return 3.0 * 4.0 * double(n) / s / 1e9;
}

struct PackedWeights {
  std::vector<uint8_t> data;
  std::vector<float> scales;
  qopt_rt_weight view;
};

PackedWeights makeInt4(int64_t n, int64_t k, int32_t group, std::mt19937 &rng) {
  PackedWeights w;
  std::vector<int8_t> q(static_cast<size_t>(n * k));
  std::uniform_int_distribution<int> d(-8, 7);
  for (int8_t &v : q)
    v = int8_t(d(rng));
  w.data.resize(static_cast<size_t>(n * qopt_rt_row_bytes(k, 4)));
  qopt_rt_pack(q.data(), n, k, 4, nullptr, w.data.data());
  w.scales.assign(size_t(n * qopt_rt_num_groups(k, group)), 0.01f);
  w.view = {n, k, 4, group, w.data.data(), w.scales.data(), nullptr};
  return w;
}

/// int4 GEMV, weight-only (float activations, qopt_rt_matmul_f32) or with
/// the activation row quantized to int8 at run time (`dynamicInt8`: scale
/// max|x| / 127 computed and applied inside the timed region, then the
/// integer path qopt_rt_matmul_s8).
void benchGemv(Pool &pool, qopt_rt_isa isa, double triad, int64_t n, int64_t k,
               bool quick, bool dynamicInt8) {
  std::mt19937 rng(7);
  const int32_t group = 32;
  PackedWeights one = makeInt4(n, k, group, rng);
  double bytes = double(one.data.size() + one.scales.size() * 4);
  // Rotate through enough copies that the working set is >= 4x a 32 MiB
  // last-level cache.
  int copies = quick ? 2 : int(std::max(2.0, 4.0 * 32 * (1 << 20) / bytes + 1));
  std::vector<PackedWeights> ws;
  for (int i = 0; i < copies; ++i)
    ws.push_back(makeInt4(n, k, group, rng));
  std::vector<float> x(static_cast<size_t>(k)), y(static_cast<size_t>(n));
  std::normal_distribution<float> d;
  for (float &v : x)
    v = d(rng);
  int next = 0;
  std::vector<int8_t> xq(static_cast<size_t>(k));
  auto run = [&](const qopt_rt_weight &w) {
    float xScale = 1.0f;
    if (dynamicInt8) {
      float amax = 0.0f;
      for (float v : x)
        amax = std::max(amax, std::fabs(v));
      xScale = amax > 0.0f ? amax / 127.0f : 1.0f;
      qopt_rt_quantize_s8(isa, k, x.data(), xScale, 0, xq.data());
    }
    pool.run([&](int t, int threads) {
      auto [lo, hi] = split(n, t, threads);
      if (dynamicInt8)
        qopt_rt_matmul_s8(isa, 1, xq.data(), k, xScale, 0, &w, nullptr,
                          y.data(), n, lo, hi);
      else
        qopt_rt_matmul_f32(isa, 1, x.data(), k, &w, nullptr, y.data(), n, lo,
                           hi);
    });
  };
  int reps = quick ? 5 : 50;
  double dram = timeIt(copies, reps, [&] {
    run(ws[next].view);
    next = (next + 1) % copies;
  });
  double cached = timeIt(3, reps, [&] { run(one.view); });
  double gbs = bytes / dram / 1e9, gbsCached = bytes / cached / 1e9;
  std::printf("gemv-int4-%s %5lldx%-5lld group %d, %d threads, %s: %8.1f us  "
              "%6.2f GB/s  %.2f x triad  (in cache: %.1f us, %.2f GB/s)\n",
              dynamicInt8 ? "a8" : "wo", (long long)n, (long long)k, group,
              pool.size(),
              qopt_rt_isa_name(isa), dram * 1e6, gbs, gbs / triad,
              cached * 1e6, gbsCached);
}

void benchGemmS8(Pool &pool, qopt_rt_isa isa, int64_t m, int64_t n, int64_t k,
                 bool quick) {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> a(static_cast<size_t>(m * k)), b(static_cast<size_t>(n * k));
  for (int8_t &v : a)
    v = int8_t(d(rng));
  for (int8_t &v : b)
    v = int8_t(d(rng));
  std::vector<uint8_t> packed(static_cast<size_t>(n * qopt_rt_row_bytes(k, 8)));
  qopt_rt_pack(b.data(), n, k, 8, nullptr, packed.data());
  std::vector<float> scales(size_t(n), 0.01f), y(static_cast<size_t>(m * n));
  qopt_rt_weight w = {n, k, 8, 0, packed.data(), scales.data(), nullptr};
  int reps = quick ? 2 : 7;
  double ours = timeIt(1, reps, [&] {
    pool.run([&](int t, int threads) {
      auto [lo, hi] = split(n, t, threads);
      qopt_rt_matmul_s8(isa, m, a.data(), k, 0.02f, 0, &w, nullptr, y.data(),
                        n, lo, hi);
    });
  });
  double gops = 2.0 * double(m) * double(n) * double(k) / ours / 1e9;
  std::printf("gemm-s8 %lldx%lldx%lld, %d threads, %s: %.2f ms (%.0f GOPS)",
              (long long)m, (long long)n, (long long)k, pool.size(),
              qopt_rt_isa_name(isa), ours * 1e3, gops);
#ifdef QOPT_HAVE_DNNL
  omp_set_num_threads(pool.size());
  std::vector<int32_t> c(static_cast<size_t>(m * n));
  int32_t co = 0;
  // C[m][n] = A[m][k] * B^T: B is stored n-major like our packed rows.
  double dnnl = timeIt(1, reps, [&] {
    dnnl_gemm_s8s8s32('N', 'T', 'F', m, n, k, 1.0f, a.data(), k, 0, b.data(),
                      k, 0, 0.0f, c.data(), n, &co);
  });
  std::printf("  oneDNN gemm_s8s8s32: %.2f ms  ratio ours/oneDNN %.2f\n",
              dnnl * 1e3, ours / dnnl);
#else
  std::printf("  (oneDNN not available in this build)\n");
#endif
}

} // namespace

int main(int argc, char **argv) {
  int threads = 1;
  bool quick = false;
  qopt_rt_isa isa = qopt_rt_best_isa();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--threads=", 0) == 0) {
      threads = std::atoi(arg.c_str() + 10);
    } else if (arg == "--quick") {
      quick = true;
    } else if (arg.rfind("--isa=", 0) == 0) {
      std::string name = arg.substr(6);
      bool found = false;
      for (int j = 0; j < QOPT_RT_ISA_COUNT; ++j)
        if (name == qopt_rt_isa_name(qopt_rt_isa(j))) {
          isa = qopt_rt_isa(j);
          found = true;
        }
      if (!found || !qopt_rt_isa_supported(isa)) {
        std::fprintf(stderr, "qopt-kernel-bench: ISA '%s' is not supported "
                             "on this CPU\n", name.c_str());
        return 1;
      }
    } else {
      std::fprintf(stderr,
                   "usage: qopt-kernel-bench [--threads=N] [--isa=NAME] "
                   "[--quick]\n");
      return 1;
    }
  }
  if (threads < 1) {
    std::fprintf(stderr, "qopt-kernel-bench: --threads must be >= 1\n");
    return 1;
  }
  Pool pool(threads);
  std::printf("qopt-kernel-bench: isa %s, %d threads%s\n",
              qopt_rt_isa_name(isa), threads, quick ? " (quick)" : "");
  double triad = triadGBs(pool, quick);
  std::printf("triad: %.2f GB/s\n", triad);
  for (bool dynamicInt8 : {false, true}) {
    benchGemv(pool, isa, triad, 4096, 4096, quick, dynamicInt8);
    benchGemv(pool, isa, triad, 11008, 4096, quick, dynamicInt8);
  }
  if (quick)
    benchGemmS8(pool, isa, 64, 512, 1024, quick);
  else
    benchGemmS8(pool, isa, 256, 4096, 4096, quick);
  return 0;
}
