//===- ThreadsTest.cpp - Thread pools and thread-count independence -------===//
//
// qopt_rt_pool runs every task exactly once, for any number of tasks and
// threads, over many consecutive runs; and the flat entry points compiled
// models call (qopt_rt_uk_*) give bit-identical results whatever the
// pool's size, on every path (integer, accumulator, weight-only, code-book,
// float, depthwise), in every ISA variant the CPU supports, on shapes that split
// by output channels (ragged), by activation rows, and by bands of output
// rows. Each comparison also checks that the pool actually ran the call in
// parallel, so a split that silently stopped happening fails.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"

#include "IsaVariants.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace {

struct PoolDeleter {
  void operator()(qopt_rt_pool *pool) const { qopt_rt_pool_destroy(pool); }
};
using Pool = std::unique_ptr<qopt_rt_pool, PoolDeleter>;

TEST(ThreadPool, RunsEveryTaskOnce) {
  EXPECT_GE(qopt_rt_available_cpus(), 1);
  EXPECT_EQ(qopt_rt_pool_size(nullptr), 1);
  for (int32_t threads : {1, 2, 3, 8}) {
    Pool pool(qopt_rt_pool_create(threads));
    ASSERT_NE(pool, nullptr);
    EXPECT_EQ(qopt_rt_pool_size(pool.get()), threads);
    for (int64_t tasks : {0, 1, 2, 7, 1000}) {
      std::vector<std::atomic<int>> hits(size_t(tasks + 1));
      for (auto &h : hits)
        h = 0;
      qopt_rt_pool_run(
          pool.get(), tasks,
          [](void *arg, int64_t t) {
            (*static_cast<std::vector<std::atomic<int>> *>(arg))[size_t(t)]++;
          },
          &hits);
      for (int64_t t = 0; t < tasks; ++t)
        EXPECT_EQ(hits[size_t(t)], 1) << threads << " threads, task " << t;
      EXPECT_EQ(hits[size_t(tasks)], 0);
    }
  }
}

// Many short runs back to back: a worker that wakes late for one run must
// not take tasks of the next (each run counts into its own slots).
TEST(ThreadPool, ConsecutiveRunsDoNotMix) {
  Pool pool(qopt_rt_pool_create(4));
  ASSERT_NE(pool, nullptr);
  struct Job {
    std::vector<std::atomic<int>> *hits;
    int64_t base;
  };
  std::vector<std::atomic<int>> hits(3 * 3000);
  for (auto &h : hits)
    h = 0;
  for (int64_t run = 0; run < 3000; ++run) {
    Job job{&hits, run * 3};
    qopt_rt_pool_run(
        pool.get(), 3,
        [](void *arg, int64_t t) {
          Job &j = *static_cast<Job *>(arg);
          (*j.hits)[size_t(j.base + t)]++;
        },
        &job);
  }
  for (size_t i = 0; i < hits.size(); ++i)
    ASSERT_EQ(hits[i], 1) << "slot " << i;
  EXPECT_EQ(qopt_rt_pool_parallel_runs(pool.get()), 3000);
}

TEST(ThreadPool, NullPoolRunsInOrder) {
  std::vector<int64_t> order;
  qopt_rt_pool_run(
      nullptr, 5,
      [](void *arg, int64_t t) {
        static_cast<std::vector<int64_t> *>(arg)->push_back(t);
      },
      &order);
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(qopt_rt_pool_parallel_runs(nullptr), 0);
}

//===-- Thread-count independence of the compiled-model entry points ------===//

struct Weights {
  std::vector<uint8_t> packed;
  std::vector<float> scales;
  std::vector<int8_t> zeroPoints;
};

Weights makeWeights(std::mt19937 &rng, int64_t n, int64_t k, int32_t bits,
                    int32_t groupSize, bool asymmetric) {
  int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
  std::uniform_int_distribution<int> value(lo, hi);
  std::uniform_real_distribution<float> scale(0.001f, 0.05f);
  int64_t groups = qopt_rt_num_groups(k, groupSize);
  std::vector<int8_t> q(size_t(n * k));
  for (int8_t &v : q)
    v = int8_t(value(rng));
  Weights w;
  w.scales.resize(size_t(n * groups));
  for (float &s : w.scales)
    s = scale(rng);
  w.zeroPoints.assign(size_t(n * groups), 0);
  std::vector<int8_t> pad(size_t(n), 0);
  if (asymmetric) {
    for (int8_t &z : w.zeroPoints)
      z = int8_t(value(rng));
    for (int64_t r = 0; r < n; ++r)
      pad[size_t(r)] = w.zeroPoints[size_t(r * groups + groups - 1)];
  }
  w.packed.resize(size_t(n * qopt_rt_row_bytes(k, bits)));
  qopt_rt_pack(q.data(), n, k, bits, pad.data(), w.packed.data());
  return w;
}

template <typename T> std::vector<T> randomVector(std::mt19937 &rng, size_t n) {
  std::vector<T> v(n);
  if constexpr (std::is_floating_point_v<T>) {
    std::uniform_real_distribution<float> d(-2.0f, 2.0f);
    for (T &x : v)
      x = d(rng);
  } else {
    std::uniform_int_distribution<int> d(-128, 127);
    for (T &x : v)
      x = T(d(rng));
  }
  return v;
}

template <typename T>
bool sameBits(const std::vector<T> &a, const std::vector<T> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

class Threads : public qopt_test::IsaVariantTest {
protected:
  /// Runs `call(context)` single-threaded and with pools of 2, 3 and 4
  /// threads; every result must have the same bits, and each pooled call
  /// must have run in parallel.
  template <typename T, typename Call>
  void expectSameForEveryThreadCount(const char *what, size_t outputs,
                                     Call call) {
    std::vector<T> expected(outputs, T(-7));
    qopt_rt_context single{int32_t(GetParam()), nullptr};
    call(&single, expected.data());
    for (int32_t threads : {2, 3, 4}) {
      Pool pool(qopt_rt_pool_create(threads));
      ASSERT_NE(pool, nullptr);
      qopt_rt_context context{int32_t(GetParam()), pool.get()};
      std::vector<T> got(outputs, T(-7));
      call(&context, got.data());
      EXPECT_TRUE(sameBits(got, expected))
          << what << " on " << threads << " threads ("
          << qopt_rt_isa_name(GetParam()) << ")";
      EXPECT_EQ(qopt_rt_pool_parallel_runs(pool.get()), 1)
          << what << " did not run in parallel on " << threads << " threads";
    }
  }
};

struct MatmulCase {
  int64_t m, n, k;
  int32_t bits, groupSize;
  bool asymmetric;
};

// Channel splits with ragged ends (GEMV and GEMM), splits by rows (fewer
// than 32 channels), groups the SIMD code does and does not specialise.
const MatmulCase kMatmuls[] = {
    {1, 1000, 300, 4, 32, false},  {3, 520, 130, 8, 0, true},
    {2, 333, 256, 2, 64, true},    {500, 24, 200, 8, 0, false},
    {101, 20, 130, 4, 16, true},   {70, 97, 96, 4, 48, false},
};

TEST_P(Threads, MatmulS8) {
  std::mt19937 rng(1);
  for (const MatmulCase &c : kMatmuls) {
    Weights w = makeWeights(rng, c.n, c.k, c.bits, c.groupSize, c.asymmetric);
    std::vector<int8_t> x = randomVector<int8_t>(rng, size_t(c.m * c.k));
    std::vector<float> bias = randomVector<float>(rng, size_t(c.n));
    int32_t flags = QOPT_RT_UK_HAS_BIAS |
                    (c.asymmetric ? QOPT_RT_UK_HAS_ZERO_POINTS : 0);
    expectSameForEveryThreadCount<float>(
        "matmul_s8", size_t(c.m * c.n), [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_matmul_s8(ctx, x.data(), w.packed.data(),
                               w.scales.data(), w.zeroPoints.data(),
                               bias.data(), y, c.m, c.n, c.k, c.bits,
                               c.groupSize, flags, 0.02f, 5);
        });
  }
}

TEST_P(Threads, MatmulS8Accumulators) {
  std::mt19937 rng(2);
  for (const MatmulCase &c : kMatmuls) {
    Weights w = makeWeights(rng, c.n, c.k, c.bits, 0, c.asymmetric);
    std::vector<int8_t> x = randomVector<int8_t>(rng, size_t(c.m * c.k));
    std::vector<int32_t> bias(size_t(c.n));
    for (int64_t i = 0; i < c.n; ++i)
      bias[size_t(i)] = int32_t(i * 37 - 500);
    int32_t flags = QOPT_RT_UK_HAS_BIAS |
                    (c.asymmetric ? QOPT_RT_UK_HAS_ZERO_POINTS : 0);
    expectSameForEveryThreadCount<int32_t>(
        "matmul_s8_acc", size_t(c.m * c.n),
        [&](qopt_rt_context *ctx, int32_t *y) {
          qopt_rt_uk_matmul_s8_acc(ctx, x.data(), w.packed.data(),
                                   w.scales.data(), w.zeroPoints.data(),
                                   bias.data(), y, c.m, c.n, c.k, c.bits, 0,
                                   flags, -3);
        });
  }
}

TEST_P(Threads, MatmulF32) {
  std::mt19937 rng(3);
  for (const MatmulCase &c : kMatmuls) {
    Weights w = makeWeights(rng, c.n, c.k, c.bits, c.groupSize, c.asymmetric);
    std::vector<float> x = randomVector<float>(rng, size_t(c.m * c.k));
    std::vector<float> bias = randomVector<float>(rng, size_t(c.n));
    int32_t flags = QOPT_RT_UK_HAS_BIAS |
                    (c.asymmetric ? QOPT_RT_UK_HAS_ZERO_POINTS : 0);
    expectSameForEveryThreadCount<float>(
        "matmul_f32", size_t(c.m * c.n), [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_matmul_f32(ctx, x.data(), w.packed.data(),
                                w.scales.data(), w.zeroPoints.data(),
                                bias.data(), y, c.m, c.n, c.k, c.bits,
                                c.groupSize, flags);
        });
  }
}

TEST_P(Threads, MatmulF32CodeBook) {
  std::mt19937 rng(4);
  for (const MatmulCase &c : kMatmuls) {
    // Codes are the unsigned fields: the packed values reinterpreted.
    Weights w = makeWeights(rng, c.n, c.k, c.bits, c.groupSize, false);
    std::vector<float> table = randomVector<float>(rng, size_t(1) << c.bits);
    std::vector<float> x = randomVector<float>(rng, size_t(c.m * c.k));
    expectSameForEveryThreadCount<float>(
        "matmul_f32_lut", size_t(c.m * c.n),
        [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_matmul_f32_lut(ctx, x.data(), w.packed.data(),
                                    w.scales.data(), table.data(), nullptr, y,
                                    c.m, c.n, c.k, c.bits, c.groupSize, 0);
        });
  }
}

TEST_P(Threads, MatmulF32F32) {
  std::mt19937 rng(7);
  for (const MatmulCase &c : kMatmuls) {
    std::vector<float> w = randomVector<float>(rng, size_t(c.n * c.k));
    std::vector<float> panels(size_t(qopt_rt_f32_panel_elements(c.n, c.k)));
    qopt_rt_pack_f32_panels(w.data(), c.n, c.k, panels.data());
    std::vector<float> x = randomVector<float>(rng, size_t(c.m * c.k));
    std::vector<float> bias = randomVector<float>(rng, size_t(c.n));
    expectSameForEveryThreadCount<float>(
        "matmul_f32f32", size_t(c.m * c.n),
        [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_matmul_f32f32(ctx, x.data(), panels.data(), bias.data(),
                                   y, c.m, c.n, c.k, QOPT_RT_UK_HAS_BIAS);
        });
  }
}

struct DepthwiseCase {
  int64_t batch, inH, inW, channels, multiplier, kernel, stride, pad;
  int32_t bits, groupSize;
};

// Bands of output rows (batch 1, strides 1 and 2, padding on both sides)
// and one band per image (batch 3), a channel multiplier, groups of taps.
const DepthwiseCase kDepthwise[] = {
    {1, 40, 33, 32, 1, 3, 1, 1, 8, 0}, {3, 41, 34, 24, 1, 3, 2, 1, 4, 0},
    {1, 30, 30, 13, 2, 5, 1, 2, 8, 0}, {2, 29, 31, 24, 1, 3, 2, 0, 2, 3},
};

TEST_P(Threads, Depthwise) {
  std::mt19937 rng(5);
  for (const DepthwiseCase &c : kDepthwise) {
    int64_t outH = (c.inH + 2 * c.pad - c.kernel) / c.stride + 1;
    int64_t outW = (c.inW + 2 * c.pad - c.kernel) / c.stride + 1;
    int64_t oc = c.channels * c.multiplier, taps = c.kernel * c.kernel;
    Weights w = makeWeights(rng, oc, taps, c.bits, c.groupSize, true);
    size_t inputs = size_t(c.batch * c.inH * c.inW * c.channels);
    size_t outputs = size_t(c.batch * outH * outW * oc);
    std::vector<int8_t> x8 = randomVector<int8_t>(rng, inputs);
    std::vector<float> xf = randomVector<float>(rng, inputs);
    std::vector<float> bias = randomVector<float>(rng, size_t(oc));
    std::vector<int32_t> bias32(size_t(oc), 11);
    const int32_t flags = QOPT_RT_UK_HAS_BIAS | QOPT_RT_UK_HAS_ZERO_POINTS;
    expectSameForEveryThreadCount<float>(
        "depthwise_conv2d_s8", outputs, [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_depthwise_conv2d_s8(
              ctx, x8.data(), w.packed.data(), w.scales.data(),
              w.zeroPoints.data(), bias.data(), y, c.batch, c.inH, c.inW,
              c.channels, c.multiplier, outH, outW, c.kernel, c.kernel, c.pad,
              c.pad, c.stride, c.stride, 1, 1, c.bits, c.groupSize, flags,
              0.03f, 4);
        });
    if (c.groupSize == 0)
      expectSameForEveryThreadCount<int32_t>(
          "depthwise_conv2d_s8_acc", outputs,
          [&](qopt_rt_context *ctx, int32_t *y) {
            qopt_rt_uk_depthwise_conv2d_s8_acc(
                ctx, x8.data(), w.packed.data(), w.scales.data(),
                w.zeroPoints.data(), bias32.data(), y, c.batch, c.inH, c.inW,
                c.channels, c.multiplier, outH, outW, c.kernel, c.kernel,
                c.pad, c.pad, c.stride, c.stride, 1, 1, c.bits, 0, flags, -9);
          });
    expectSameForEveryThreadCount<float>(
        "depthwise_conv2d_f32", outputs, [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_depthwise_conv2d_f32(
              ctx, xf.data(), w.packed.data(), w.scales.data(),
              w.zeroPoints.data(), nullptr, bias.data(), y, c.batch, c.inH,
              c.inW, c.channels, c.multiplier, outH, outW, c.kernel, c.kernel,
              c.pad, c.pad, c.stride, c.stride, 1, 1, c.bits, c.groupSize,
              flags);
        });
    std::vector<float> wf = randomVector<float>(rng, size_t(taps * oc));
    expectSameForEveryThreadCount<float>(
        "depthwise_conv2d_f32f32", outputs,
        [&](qopt_rt_context *ctx, float *y) {
          qopt_rt_uk_depthwise_conv2d_f32f32(
              ctx, xf.data(), wf.data(), bias.data(), y, c.batch, c.inH,
              c.inW, c.channels, c.multiplier, outH, outW, c.kernel, c.kernel,
              c.pad, c.pad, c.stride, c.stride, 1, 1, QOPT_RT_UK_HAS_BIAS);
        });
  }
}

// Small problems stay in the calling thread.
TEST_P(Threads, SmallProblemsRunInline) {
  std::mt19937 rng(6);
  Weights w = makeWeights(rng, 16, 64, 8, 0, false);
  std::vector<int8_t> x = randomVector<int8_t>(rng, 64);
  std::vector<float> y(16);
  Pool pool(qopt_rt_pool_create(2));
  ASSERT_NE(pool, nullptr);
  qopt_rt_context context{int32_t(GetParam()), pool.get()};
  qopt_rt_uk_matmul_s8(&context, x.data(), w.packed.data(), w.scales.data(),
                       nullptr, nullptr, y.data(), 1, 16, 64, 8, 0, 0, 0.1f,
                       0);
  EXPECT_EQ(qopt_rt_pool_parallel_runs(pool.get()), 0);
}

INSTANTIATE_TEST_SUITE_P(Variants, Threads, qopt_test::allIsaVariants(),
                         qopt_test::isaVariantName);

} // namespace
