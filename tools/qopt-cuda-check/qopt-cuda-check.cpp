//===- qopt-cuda-check.cpp - The CUDA kernels on a GPU: exactness, speed ---===//
//
//   qopt-cuda-check check            bit-exactness / tolerance on random shapes
//   qopt-cuda-check bench [--table F] [--markdown F]
//                                    GEMV/GEMM vs cuBLAS fp16 and device copy
//
// Without a CUDA device it prints why and exits 77 (ctest: skipped). The
// host reference is the CPU runtime's portable kernels (the reference
// executor's numerics): the integer path must match bit for bit, the
// weight-only path within the bound of docs/Backends/CUDA.md.
//
//===----------------------------------------------------------------------===//

#include "qopt-runtime/cpu.h"
#include "qopt-runtime/cuda.h"
#include "qopt-runtime/cuda_layout.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace qopt::cuda;

namespace {

constexpr int kSkipped = 77;

#define CUDA_OK(expr)                                                          \
  do {                                                                         \
    cudaError_t err_ = (expr);                                                 \
    if (err_ != cudaSuccess) {                                                 \
      std::fprintf(stderr, "qopt-cuda-check: %s: %s\n", #expr,                 \
                   cudaGetErrorString(err_));                                  \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

/// A device buffer.
template <typename T> struct DeviceBuffer {
  T *ptr = nullptr;
  size_t count = 0;
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t n) : count(n) {
    CUDA_OK(cudaMalloc(&ptr, std::max<size_t>(1, n) * sizeof(T)));
  }
  DeviceBuffer(const std::vector<T> &host) : DeviceBuffer(host.size()) {
    CUDA_OK(cudaMemcpy(ptr, host.data(), host.size() * sizeof(T),
                       cudaMemcpyHostToDevice));
  }
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  DeviceBuffer(DeviceBuffer &&o) noexcept : ptr(o.ptr), count(o.count) {
    o.ptr = nullptr;
  }
  ~DeviceBuffer() {
    if (ptr)
      cudaFree(ptr);
  }
  std::vector<T> download() const {
    std::vector<T> host(count);
    CUDA_OK(cudaMemcpy(host.data(), ptr, count * sizeof(T),
                       cudaMemcpyDeviceToHost));
    return host;
  }
};

/// A weight with its logical values and both packed forms on the device.
struct TestWeight {
  int64_t n, k;
  int bits, field, group;
  std::vector<int8_t> q, zp;
  std::vector<float> scales;
  std::vector<uint16_t> tableHalf;
  std::vector<float> tableFloat;
  int64_t groups() const { return numGroups(k, group); }
};

TestWeight makeWeight(std::mt19937 &rng, int64_t n, int64_t k, int bits,
                      int field, int group, bool asymmetric) {
  TestWeight w{n, k, bits, field, group, {}, {}, {}, {}, {}};
  int lo = field == QOPT_CUDA_FIELD_INT ? -(1 << (bits - 1)) : 0;
  int hi = field == QOPT_CUDA_FIELD_INT ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  std::uniform_int_distribution<int> value(lo, hi);
  std::uniform_real_distribution<float> scale(0.001f, 0.05f);
  w.q.resize(n * k);
  for (auto &v : w.q) {
    int c = value(rng);
    if (field == QOPT_CUDA_FIELD_E4M3 && (c & 0x7f) == 0x7f)
      c &= 0xfe; // the quantizer never writes NaN codes
    v = static_cast<int8_t>(c);
  }
  w.scales.resize(n * w.groups());
  for (auto &s : w.scales)
    s = scale(rng);
  if (asymmetric) {
    w.zp.resize(n * w.groups());
    for (auto &z : w.zp)
      z = static_cast<int8_t>(value(rng));
  }
  if (field != QOPT_CUDA_FIELD_INT) {
    for (int c = 0; c < (1 << bits); ++c) {
      float v;
      if (field == QOPT_CUDA_FIELD_E4M3) {
        v = e4m3ToFloat(static_cast<uint8_t>(c));
        if (std::isnan(v))
          v = 0.0f;
      } else {
        // f4E2M1FN values for 4-bit codes, a scaled ramp for 8-bit ones.
        static const float e2m1[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
        v = bits == 4 ? (c & 8 ? -e2m1[c & 7] : e2m1[c & 7])
                      : static_cast<float>(c - 128) / 16.0f;
      }
      w.tableFloat.push_back(v);
      w.tableHalf.push_back(floatToHalfBits(v));
    }
  }
  return w;
}

/// The CPU runtime's form of the weight (block64 layout).
struct CpuWeight {
  std::vector<uint8_t> data;
  qopt_rt_weight w;
  explicit CpuWeight(const TestWeight &src, int bits) {
    int64_t groups = src.groups();
    std::vector<int8_t> pad(src.n, 0);
    for (int64_t r = 0; r < src.n && !src.zp.empty(); ++r)
      pad[r] = src.zp[r * groups + groups - 1];
    data.resize(src.n * qopt_rt_row_bytes(src.k, bits));
    if (src.field == QOPT_CUDA_FIELD_INT) {
      qopt_rt_pack(src.q.data(), src.n, src.k, bits, pad.data(), data.data());
    } else {
      // Codes are unsigned fields: pack their two's-complement views.
      std::vector<int8_t> codes(src.q.size());
      for (size_t i = 0; i < codes.size(); ++i) {
        int c = static_cast<uint8_t>(src.q[i]);
        if (bits == 4 && c >= 8)
          c -= 16;
        codes[i] = static_cast<int8_t>(c);
      }
      qopt_rt_pack(codes.data(), src.n, src.k, bits, nullptr, data.data());
    }
    w = {src.n,       src.k,           bits, groups == 1 ? 0 : src.group,
         data.data(), src.scales.data(), src.zp.empty() ? nullptr : src.zp.data()};
  }
};

int failures = 0;
int checks = 0;

void report(bool ok, const std::string &what) {
  ++checks;
  if (!ok) {
    ++failures;
    std::printf("FAIL %s\n", what.c_str());
  }
}

/// One weight-only case against the CPU reference on the rounded
/// activations.
void checkWeightOnly(std::mt19937 &rng, qopt_cuda_act act, int64_t m,
                     int64_t n, int64_t k, int bits, int field, int group,
                     bool asym) {
  TestWeight w = makeWeight(rng, n, k, bits, field, group, asym);
  int64_t groups = w.groups(), nPad = roundUp(n, kBlockN);
  std::vector<uint32_t> data(mmaF16Words(n, k, bits));
  std::vector<float> scales(groups * nPad);
  std::vector<uint16_t> zc(groups * nPad);
  int rc = qopt_cuda_pack_weight_only(w.q.data(), n, k, bits, field, group,
                                      w.scales.data(), asym ? w.zp.data() : nullptr,
                                      data.data(), scales.data(), zc.data());
  if (rc) {
    report(false, "pack: " + std::string(qopt_cuda_error_string(rc)));
    return;
  }
  int64_t ldx = roundUp(k, 8);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> x(m * k);
  std::vector<uint16_t> xBits(m * ldx, 0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < k; ++c) {
      float v = dist(rng);
      uint16_t b = act == QOPT_CUDA_F16 ? floatToHalfBits(v) : floatToBFloat16Bits(v);
      xBits[r * ldx + c] = b;
      x[r * k + c] = act == QOPT_CUDA_F16 ? halfBitsToFloat(b) : bfloat16BitsToFloat(b);
    }
  std::vector<float> bias(n);
  for (auto &b : bias)
    b = dist(rng);
  DeviceBuffer<uint32_t> dData(data);
  DeviceBuffer<float> dScales(scales), dBias(bias);
  DeviceBuffer<uint16_t> dZc(zc), dX(xBits), dY(m * n), dTable(w.tableHalf);
  qopt_cuda_wo_weight gw{n, k, bits, field, group, dData.ptr, dScales.ptr,
                         asym ? dZc.ptr : nullptr,
                         w.tableHalf.empty() ? nullptr : dTable.ptr};
  size_t wsBytes = qopt_cuda_wo_gemm_workspace_bytes(m, &gw);
  DeviceBuffer<unsigned char> ws(wsBytes);
  rc = qopt_cuda_wo_gemm(nullptr, act, m, dX.ptr, ldx, &gw, dBias.ptr, dY.ptr, n,
                         ws.ptr, wsBytes);
  CUDA_OK(cudaDeviceSynchronize());
  char what[256];
  std::snprintf(what, sizeof what,
                "weight-only %s m=%lld n=%lld k=%lld bits=%d field=%d group=%d%s",
                act == QOPT_CUDA_F16 ? "f16" : "bf16", (long long)m,
                (long long)n, (long long)k, bits, field, group,
                asym ? " asym" : "");
  if (rc) {
    report(false, std::string(what) + ": " + qopt_cuda_error_string(rc));
    return;
  }
  std::vector<uint16_t> got = dY.download();
  CpuWeight cpu(w, bits);
  std::vector<float> want(m * n);
  if (field == QOPT_CUDA_FIELD_INT)
    qopt_rt_matmul_f32(QOPT_RT_ISA_PORTABLE, m, x.data(), k, &cpu.w,
                       bias.data(), want.data(), n, 0, n);
  else
    qopt_rt_matmul_f32_lut(QOPT_RT_ISA_PORTABLE, m, x.data(), k, &cpu.w,
                           w.tableFloat.data(), bias.data(), want.data(), n, 0, n);
  // Output rounding of the activation type, plus float32 summation in a
  // different order (docs/Backends/CUDA.md).
  double outEps = act == QOPT_CUDA_F16 ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
  double worst = 0;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < n; ++c) {
      double terms = std::fabs(bias[c]);
      int64_t g = effectiveGroup(k, group);
      for (int64_t kk = 0; kk < k; ++kk) {
        int64_t gi = kk / g;
        double wv = field == QOPT_CUDA_FIELD_INT
                        ? w.q[c * k + kk] - (asym ? w.zp[c * groups + gi] : 0)
                        : w.tableFloat[static_cast<uint8_t>(w.q[c * k + kk])];
        terms += std::fabs(x[r * k + kk] * wv * w.scales[c * groups + gi]);
      }
      float g32 = act == QOPT_CUDA_F16 ? halfBitsToFloat(got[r * n + c])
                                       : bfloat16BitsToFloat(got[r * n + c]);
      double err = std::fabs(g32 - want[r * n + c]);
      double bound = outEps * std::fabs(want[r * n + c]) + 1e-5 * (terms + 1);
      worst = std::max(worst, err / bound);
    }
  report(worst <= 1.0, std::string(what) + " (worst error / bound " +
                           std::to_string(worst) + ")");
}

void checkInt8(std::mt19937 &rng, int64_t m, int64_t n, int64_t k, int bits,
               int group, bool asym, bool accOut) {
  TestWeight w = makeWeight(rng, n, k, bits, QOPT_CUDA_FIELD_INT, group, asym);
  int64_t groups = w.groups(), nPad = roundUp(n, kBlockN);
  float xScale = 0.0173f;
  int32_t zx = -7;
  std::vector<uint32_t> data(mmaS8Words(n, k));
  std::vector<float> cs(groups * nPad);
  std::vector<int32_t> sq(groups * nPad), zq(groups * nPad);
  int rc = qopt_cuda_pack_s8(w.q.data(), n, k, group, w.scales.data(),
                             asym ? w.zp.data() : nullptr, xScale, data.data(),
                             cs.data(), sq.data(), zq.data());
  if (rc) {
    report(false, "pack s8: " + std::string(qopt_cuda_error_string(rc)));
    return;
  }
  int64_t ldx = roundUp(k, 16);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> x(m * k), xPad(m * ldx, 0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < k; ++c)
      xPad[r * ldx + c] = x[r * k + c] = static_cast<int8_t>(dist(rng));
  std::vector<float> bias(n);
  std::uniform_real_distribution<float> b(-1.0f, 1.0f);
  for (auto &v : bias)
    v = b(rng);
  DeviceBuffer<uint32_t> dData(data);
  DeviceBuffer<float> dCs(cs), dBias(bias), dY(m * n);
  DeviceBuffer<int32_t> dSq(sq), dZq(zq), dAcc(m * n);
  DeviceBuffer<int8_t> dX(xPad);
  qopt_cuda_s8_weight gw{n, k, group, dData.ptr, dCs.ptr, dSq.ptr,
                         asym ? dZq.ptr : nullptr};
  size_t wsBytes = qopt_cuda_s8_gemm_workspace_bytes(m, &gw);
  DeviceBuffer<unsigned char> ws(wsBytes);
  rc = qopt_cuda_s8_gemm(nullptr, m, dX.ptr, ldx, zx, &gw,
                         accOut ? nullptr : dBias.ptr, accOut ? nullptr : dY.ptr,
                         accOut ? dAcc.ptr : nullptr, n, ws.ptr, wsBytes);
  CUDA_OK(cudaDeviceSynchronize());
  char what[256];
  std::snprintf(what, sizeof what,
                "int8 m=%lld n=%lld k=%lld w%d group=%d%s%s", (long long)m,
                (long long)n, (long long)k, bits, group, asym ? " asym" : "",
                accOut ? " acc" : "");
  if (rc) {
    report(false, std::string(what) + ": " + qopt_cuda_error_string(rc));
    return;
  }
  CpuWeight cpu(w, 8);
  bool same;
  if (accOut) {
    std::vector<int32_t> want(m * n), got = dAcc.download();
    qopt_rt_matmul_s8_acc(QOPT_RT_ISA_PORTABLE, m, x.data(), k, zx, &cpu.w,
                          nullptr, want.data(), n, 0, n);
    same = want == got;
  } else {
    std::vector<float> want(m * n), got = dY.download();
    qopt_rt_matmul_s8(QOPT_RT_ISA_PORTABLE, m, x.data(), k, xScale, zx, &cpu.w,
                      bias.data(), want.data(), n, 0, n);
    same = std::memcmp(want.data(), got.data(), want.size() * 4) == 0;
  }
  report(same, std::string(what) + " (bit-exact)");
}

int runChecks() {
  std::mt19937 rng(7);
  for (qopt_cuda_act act : {QOPT_CUDA_F16, QOPT_CUDA_BF16})
    for (int bits : {8, 4, 2})
      for (auto [m, n, k, group] :
           {std::tuple<int64_t, int64_t, int64_t, int>{1, 70, 100, 0},
            {1, 4096, 4096, 128},
            {1, 200, 1000, 32},
            {2, 130, 96, 32},
            {16, 256, 512, 64},
            {17, 70, 112, 16},
            {64, 512, 1024, 128},
            {128, 300, 4096, 0}})
        for (bool asym : {false, true})
          checkWeightOnly(rng, act, m, n, k, bits, QOPT_CUDA_FIELD_INT, group,
                          asym);
  for (auto [m, n, k, group] :
       {std::tuple<int64_t, int64_t, int64_t, int>{1, 4096, 4096, 128},
        {16, 300, 1000, 0},
        {128, 256, 512, 32}}) {
    checkWeightOnly(rng, QOPT_CUDA_F16, m, n, k, 8, QOPT_CUDA_FIELD_E4M3, group, false);
    checkWeightOnly(rng, QOPT_CUDA_BF16, m, n, k, 8, QOPT_CUDA_FIELD_E4M3, group, false);
    checkWeightOnly(rng, QOPT_CUDA_F16, m, n, k, 4, QOPT_CUDA_FIELD_CODEBOOK, group, false);
    checkWeightOnly(rng, QOPT_CUDA_F16, m, n, k, 8, QOPT_CUDA_FIELD_CODEBOOK, group, false);
  }
  for (int bits : {8, 4})
    for (auto [m, n, k, group] :
         {std::tuple<int64_t, int64_t, int64_t, int>{1, 70, 100, 0},
          {5, 130, 96, 32},
          {19, 64, 256, 64},
          {128, 1000, 4096, 128},
          {300, 200, 1000, 0}})
      for (bool asym : {false, true}) {
        checkInt8(rng, m, n, k, bits, group, asym, false);
        if (group == 0)
          checkInt8(rng, m, n, k, bits, group, asym, true);
      }
  std::printf("qopt-cuda-check: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}

//===-- Benchmarks ---------------------------------------------------------===//

/// Median of `reps` timings (µs) of `fn` on the legacy stream.
template <typename F> double timeUs(F fn, int reps = 50) {
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  for (int i = 0; i < 5; ++i)
    fn(i);
  std::vector<float> ms;
  for (int i = 0; i < reps; ++i) {
    cudaEventRecord(start);
    fn(i);
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float t;
    cudaEventElapsedTime(&t, start, stop);
    ms.push_back(t);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2] * 1000.0;
}

struct BenchRow {
  int64_t m, n, k;
  int bits, group;
  double us, gbps, cublasUs;
};

int runBench(const std::string &tablePath, const std::string &markdownPath) {
  cudaDeviceProp prop;
  CUDA_OK(cudaGetDeviceProperties(&prop, 0));
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  std::printf("device: %s (sm_%d%d, %d SMs, %.0f MiB L2), driver %d, runtime %d\n",
              prop.name, prop.major, prop.minor, prop.multiProcessorCount,
              prop.l2CacheSize / 1048576.0, driver, runtime);
  // HBM bandwidth: a device-to-device copy of 1 GiB (read + write).
  size_t copyBytes = size_t(1) << 30;
  DeviceBuffer<unsigned char> a(copyBytes), b(copyBytes);
  double copyUs = timeUs([&](int) {
    cudaMemcpyAsync(b.ptr, a.ptr, copyBytes, cudaMemcpyDeviceToDevice);
  }, 10);
  double hbm = 2.0 * copyBytes / (copyUs * 1e-6) / 1e9;
  std::printf("device copy: %.0f GB/s\n", hbm);

  cublasHandle_t handle;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
    std::fprintf(stderr, "qopt-cuda-check: cublasCreate failed\n");
    return 1;
  }
  std::vector<BenchRow> rows;
  std::mt19937 rng(11);
  for (auto [n, k] : {std::pair<int64_t, int64_t>{8192, 8192}, {28672, 8192}}) {
    // Weights: enough rotating copies to exceed L2 three times over, so
    // every call reads from HBM.
    const int bits = 4, group = 128;
    TestWeight w = makeWeight(rng, n, k, bits, QOPT_CUDA_FIELD_INT, group, false);
    int64_t groups = w.groups(), nPad = roundUp(n, kBlockN);
    std::vector<uint32_t> data(mmaF16Words(n, k, bits));
    std::vector<float> scales(groups * nPad);
    qopt_cuda_pack_weight_only(w.q.data(), n, k, bits, QOPT_CUDA_FIELD_INT, group,
                               w.scales.data(), nullptr, data.data(),
                               scales.data(), nullptr);
    size_t weightBytes = data.size() * 4 + scales.size() * 4;
    int copies = static_cast<int>(std::max<size_t>(
        1, (3 * static_cast<size_t>(prop.l2CacheSize)) / weightBytes + 1));
    std::vector<DeviceBuffer<uint32_t>> dData;
    std::vector<DeviceBuffer<float>> dScales;
    for (int c = 0; c < copies; ++c) {
      dData.emplace_back(data);
      dScales.emplace_back(scales);
    }
    // fp16 weights for cuBLAS ([n][k] row-major), 2 copies (each > L2).
    std::vector<uint16_t> wHalf(n * k);
    for (int64_t i = 0; i < n * k; ++i)
      wHalf[i] = floatToHalfBits(w.q[i] * 0.01f);
    std::vector<DeviceBuffer<uint16_t>> dHalf;
    for (int c = 0; c < 2; ++c)
      dHalf.emplace_back(wHalf);
    for (int64_t m : {1, 16, 128}) {
      std::vector<uint16_t> x(m * k, floatToHalfBits(0.5f));
      DeviceBuffer<uint16_t> dX(x), dY(m * n);
      qopt_cuda_wo_weight gw{n, k, bits, QOPT_CUDA_FIELD_INT, group, dData[0].ptr,
                             dScales[0].ptr, nullptr, nullptr};
      size_t wsBytes = qopt_cuda_wo_gemm_workspace_bytes(m, &gw);
      DeviceBuffer<unsigned char> ws(wsBytes);
      double us = timeUs([&](int i) {
        gw.data = dData[i % copies].ptr;
        gw.scales = dScales[i % copies].ptr;
        qopt_cuda_wo_gemm(nullptr, QOPT_CUDA_F16, m, dX.ptr, k, &gw, nullptr,
                          dY.ptr, n, ws.ptr, wsBytes);
      });
      const float one = 1.0f, zero = 0.0f;
      double cublasUs = timeUs([&](int i) {
        cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n),
                     static_cast<int>(m), static_cast<int>(k), &one,
                     dHalf[i % 2].ptr, CUDA_R_16F, static_cast<int>(k), dX.ptr,
                     CUDA_R_16F, static_cast<int>(k), &zero, dY.ptr, CUDA_R_16F,
                     static_cast<int>(n), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
      });
      double bytes = weightBytes + 2.0 * m * (k + n);
      rows.push_back({m, n, k, bits, group, us, bytes / (us * 1e-6) / 1e9, cublasUs});
      const BenchRow &r = rows.back();
      std::printf("W4 g128 f16  m=%-4lld n=%-6lld k=%-5lld  %8.1f us  %6.0f GB/s "
                  "(%.2f x copy)  cuBLAS fp16 %8.1f us  (%.2f x faster)\n",
                  (long long)m, (long long)n, (long long)k, r.us, r.gbps,
                  r.gbps / hbm, r.cublasUs, r.cublasUs / r.us);
    }
  }
  cublasDestroy(handle);
  if (!tablePath.empty()) {
    std::ofstream f(tablePath);
    f << "{\n  \"target\": \"cuda\",\n  \"fingerprint\": {\"device\": \""
      << prop.name << "\", \"sm\": " << prop.major * 10 + prop.minor
      << ", \"driver\": " << driver << ", \"runtime\": " << runtime
      << "},\n  \"copy_gbps\": " << hbm << ",\n  \"entries\": [\n";
    for (size_t i = 0; i < rows.size(); ++i)
      f << "    {\"m\": " << rows[i].m << ", \"n\": " << rows[i].n
        << ", \"k\": " << rows[i].k << ", \"format\": \"si" << rows[i].bits
        << "_g" << rows[i].group << "\", \"us\": " << rows[i].us
        << ", \"cublas_f16_us\": " << rows[i].cublasUs << "}"
        << (i + 1 < rows.size() ? ",\n" : "\n");
    f << "  ]\n}\n";
  }
  if (!markdownPath.empty()) {
    std::ofstream f(markdownPath);
    f << "Device: " << prop.name << ", driver " << driver << ", runtime "
      << runtime << "; device copy " << static_cast<int>(hbm) << " GB/s.\n\n"
      << "| M | N × K | qopt W4 g128 µs | GB/s (× copy) | cuBLAS fp16 µs | speed-up |\n"
      << "| --- | --- | --- | --- | --- | --- |\n";
    for (const BenchRow &r : rows) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "| %lld | %lld × %lld | %.1f | %.0f (%.2f) | %.1f | %.2f× |\n",
                    (long long)r.m, (long long)r.n, (long long)r.k, r.us, r.gbps,
                    r.gbps / hbm, r.cublasUs, r.cublasUs / r.us);
      f << line;
    }
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  std::string table, markdown;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--table")
      table = argv[i + 1];
    else if (flag == "--markdown")
      markdown = argv[i + 1];
    else {
      std::fprintf(stderr, "qopt-cuda-check: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  if (mode != "check" && mode != "bench") {
    std::fprintf(stderr, "usage: qopt-cuda-check check | bench [--table FILE] "
                         "[--markdown FILE]\n");
    return 2;
  }
  int devices = 0;
  cudaError_t err = cudaGetDeviceCount(&devices);
  if (err != cudaSuccess || devices == 0) {
    std::printf("qopt-cuda-check: no CUDA device (%s): skipped\n",
                err != cudaSuccess ? cudaGetErrorString(err) : "0 devices");
    return kSkipped;
  }
  return mode == "check" ? runChecks() : runBench(table, markdown);
}
