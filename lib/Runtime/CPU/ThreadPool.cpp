//===- ThreadPool.cpp - The thread pool a compiled model instance owns -----===//
//
// qopt_rt_pool (cpu.h): `threads - 1` workers and the calling thread share
// the tasks of one run through an atomic counter. A run is a generation:
// the caller publishes the job under the mutex and bumps the generation;
// workers spin on the generation for a short while (kernels of one model
// follow each other within microseconds) and then sleep on a condition
// variable. The caller waits until every task has finished and every
// worker has left the generation, so the next run can reset the counter.
// Nothing here throws out of the C entry points: allocation failures and
// refused threads give a smaller pool (or NULL).
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace {

/// How long an idle worker polls for the next run before it sleeps.
constexpr std::chrono::microseconds kSpin{200};
constexpr int32_t kMaxThreads = 256;

} // namespace

struct qopt_rt_pool {
  std::mutex mutex;
  std::condition_variable wake;     // workers: a new generation or stop
  std::condition_variable finished; // the caller: the run is complete
  std::vector<std::thread> workers;
  std::atomic<uint64_t> generation{0};
  bool stop = false;

  // The current run, written under `mutex` before the generation changes.
  void (*fn)(void *, int64_t) = nullptr;
  void *arg = nullptr;
  int64_t tasks = 0;
  std::atomic<int64_t> next{0};      // next task index to claim
  std::atomic<int64_t> remaining{0}; // tasks not yet finished
  int32_t inside = 0;                // workers inside the generation (mutex)
  int64_t parallelRuns = 0;          // runs handed to the workers (mutex)

  /// Claims and runs tasks of the current run until none is left.
  void work(void (*f)(void *, int64_t), void *a, int64_t n) {
    for (int64_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      f(a, t);
      if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex);
        finished.notify_all();
      }
    }
  }

  void workerLoop() {
    uint64_t seen = 0;
    while (true) {
      // Poll, then sleep.
      auto until = std::chrono::steady_clock::now() + kSpin;
      while (generation.load(std::memory_order_acquire) == seen &&
             std::chrono::steady_clock::now() < until)
        std::this_thread::yield();
      void (*f)(void *, int64_t);
      void *a;
      int64_t n;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] {
          return stop || generation.load(std::memory_order_relaxed) != seen;
        });
        if (stop)
          return;
        seen = generation.load(std::memory_order_relaxed);
        f = fn;
        a = arg;
        n = tasks;
        ++inside;
      }
      work(f, a, n);
      std::lock_guard<std::mutex> lock(mutex);
      if (--inside == 0)
        finished.notify_all();
    }
  }
};

extern "C" {

int32_t qopt_rt_available_cpus(void) {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0)
      return count;
  }
#endif
  unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? int32_t(std::min<unsigned>(hw, kMaxThreads)) : 1;
}

qopt_rt_pool *qopt_rt_pool_create(int32_t threads) {
  if (threads <= 0)
    threads = qopt_rt_available_cpus();
  threads = std::min(threads, kMaxThreads);
  qopt_rt_pool *pool = new (std::nothrow) qopt_rt_pool;
  if (!pool)
    return nullptr;
  try {
    pool->workers.reserve(size_t(threads - 1));
    for (int32_t t = 1; t < threads; ++t)
      pool->workers.emplace_back([pool] { pool->workerLoop(); });
  } catch (...) {
    // Out of memory or a refused thread: keep the workers that started.
  }
  return pool;
}

void qopt_rt_pool_destroy(qopt_rt_pool *pool) {
  if (!pool)
    return;
  {
    std::lock_guard<std::mutex> lock(pool->mutex);
    pool->stop = true;
  }
  pool->wake.notify_all();
  for (std::thread &worker : pool->workers)
    worker.join();
  delete pool;
}

int32_t qopt_rt_pool_size(const qopt_rt_pool *pool) {
  return pool ? int32_t(pool->workers.size()) + 1 : 1;
}

int64_t qopt_rt_pool_parallel_runs(const qopt_rt_pool *pool) {
  if (!pool)
    return 0;
  std::lock_guard<std::mutex> lock(const_cast<qopt_rt_pool *>(pool)->mutex);
  return pool->parallelRuns;
}

void qopt_rt_pool_run(qopt_rt_pool *pool, int64_t tasks,
                      void (*fn)(void *arg, int64_t task), void *arg) {
  if (tasks <= 0)
    return;
  if (!pool || pool->workers.empty() || tasks == 1) {
    for (int64_t t = 0; t < tasks; ++t)
      fn(arg, t);
    return;
  }
  {
    std::unique_lock<std::mutex> lock(pool->mutex);
    // A worker that woke late for the previous run may still be leaving it.
    pool->finished.wait(lock, [&] { return pool->inside == 0; });
    pool->fn = fn;
    pool->arg = arg;
    pool->tasks = tasks;
    pool->next.store(0, std::memory_order_relaxed);
    pool->remaining.store(tasks, std::memory_order_relaxed);
    pool->generation.fetch_add(1, std::memory_order_release);
    ++pool->parallelRuns;
  }
  pool->wake.notify_all();
  pool->work(fn, arg, tasks);
  std::unique_lock<std::mutex> lock(pool->mutex);
  pool->finished.wait(lock, [&] {
    return pool->remaining.load(std::memory_order_acquire) == 0 &&
           pool->inside == 0;
  });
}

} // extern "C"
