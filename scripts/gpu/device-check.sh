#!/usr/bin/env bash
#===- scripts/gpu/device-check.sh - The CUDA kernels on the device machine ===#
#
# Usage (repository root of the device machine, with the binary built here
# carried: run(carry=["build/bin/qopt-cuda-check"], command=
# "scripts/gpu/device-check.sh $OUT")):
#
#   scripts/gpu/device-check.sh [OUT_DIR]
#
# Builds nothing. In under 5 minutes it
#   1. runs `qopt-cuda-check check`: every kernel variant on random ragged
#      shapes against the CPU reference (integer path bit-exact, weight-only
#      within the bound of docs/Backends/CUDA.md);
#   2. runs `qopt-cuda-check bench`: W4 g128 GEMV/GEMM at M = 1, 16, 128 for
#      8192x8192 and 28672x8192 against cuBLAS fp16 (cublasGemmEx) and a
#      device-to-device copy measured in the same run; writes the latency
#      table (OUT_DIR/cuda-latency.json) and a markdown table;
#   3. runs scripts/gpu/bench_torch.py: the device's PyTorch on the same
#      shapes (fp16 matmul, and its int4 kernel where it has one).
# Exit status: that of the check (1 on any mismatch).
#===----------------------------------------------------------------------===#
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-gpu-results}}
mkdir -p "$out"
bin=build/bin/qopt-cuda-check
if [ ! -x "$bin" ]; then
  echo "device-check: $bin missing (build it with QOPT_ENABLE_CUDA and carry it)"
  exit 2
fi
# cuBLAS: the toolkit's, else the one PyTorch's wheels bring.
export LD_LIBRARY_PATH=/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
if ldd "$bin" | grep -q "not found"; then
  extra=$(python3 -c 'import nvidia.cublas, os; print(os.path.join(list(nvidia.cublas.__path__)[0], "lib"))' 2>/dev/null)
  [ -n "$extra" ] && export LD_LIBRARY_PATH=$extra:$LD_LIBRARY_PATH
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem \
  --format=csv | tee "$out/gpu.txt"
timeout 170 "$bin" check 2>&1 | tee "$out/check.txt"
rc=${PIPESTATUS[0]}
timeout 100 "$bin" bench --table "$out/cuda-latency.json" --markdown "$out/bench.md" \
  2>&1 | tee "$out/bench.txt"
timeout 60 python3 scripts/gpu/bench_torch.py 2>&1 | tee "$out/torch.txt"
echo "device-check: check exit $rc"
exit "$rc"
