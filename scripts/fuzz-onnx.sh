#!/usr/bin/env bash
#===- scripts/fuzz-onnx.sh - Fuzz the ONNX importer with libFuzzer -------===#
#
# Usage: scripts/fuzz-onnx.sh [seconds]   (default 60)
# Builds qopt-onnx-fuzzer in build-fuzz/ with clang-22 (coverage + ASan),
# seeds a corpus from the lit tests' textproto models and the small real
# models, fuzzes for the given time and prints
#   fuzz-onnx-import: N executions in S s, no crash
# Exits non-zero on any crash, leak, timeout or out-of-memory. The corpus
# grows across runs in build-fuzz/corpus.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${QOPT_FUZZ_BUILD_DIR:-$root/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DQOPT_ENABLE_FUZZERS=ON -DQOPT_INCLUDE_TESTS=OFF >/dev/null
fi
ninja -C "$build" qopt-onnx-fuzzer >/dev/null

corpus=$build/corpus
seeds=$build/seeds
mkdir -p "$corpus" "$seeds"
for t in "$root"/test/Target/ONNX/*.textproto "$root"/test/Target/ONNX/Inputs/*.textproto; do
  protoc --proto_path=/usr/include --encode=onnx.ModelProto onnx/onnx.proto \
    < "$t" > "$seeds/$(basename "$t" .textproto).onnx" 2>/dev/null || true
done
for m in fashion_mnist_cnn digits_mlp lstm gru transformer_encoder; do
  [ -f "$root/.cache/models/$m.onnx" ] && cp "$root/.cache/models/$m.onnx" "$seeds/"
done

log=$build/fuzz.log
set +e
# allow_user_poisoning=0: LLVM headers poison allocator memory that the
# uninstrumented, prebuilt MLIR libraries then touch (false positives).
ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0 "$build/bin/qopt-onnx-fuzzer" "$corpus" "$seeds" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=262144 \
  -print_final_stats=1 -artifact_prefix="$build/" >"$log" 2>&1
status=$?
set -e
runs=$(grep -E "^stat::number_of_executed_units:" "$log" | awk '{print $2}')
if [ "$status" -ne 0 ]; then
  tail -40 "$log"
  echo "fuzz-onnx-import: FAILED after ${runs:-?} executions (artifacts in $build/)"
  exit 1
fi
echo "fuzz-onnx-import: ${runs:-?} executions in ${seconds} s, no crash"
