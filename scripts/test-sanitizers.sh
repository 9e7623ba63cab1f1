#!/usr/bin/env bash
#===- scripts/test-sanitizers.sh - The sanitizer + assertions job --------===#
#
# Usage: scripts/test-sanitizers.sh [build-dir]   (default: build-san)
#
# Builds qopt with clang-22, AddressSanitizer + UndefinedBehaviorSanitizer
# (UB aborts; no recovery) and assertions on (QOPT_ENABLE_SANITIZERS), plus
# the libFuzzer targets (QOPT_ENABLE_FUZZERS, coverage instrumentation),
# then runs under the sanitizers:
#   * the lit suite and the GoogleTest units (ctest, same tests as the
#     Release job minus the slow whole-suite and peer comparisons);
#   * scripts/fuzz.sh --ci over the same build (fixed seed, fixed number of
#     executions, committed regression corpora).
# Prints
#   sanitizers: lit+unit tests N / M passed, 0 findings
#   fuzz: <target>: ...
# and exits non-zero on any failure or sanitizer report.
#
# Not instrumented: the CPU runtime library that compiled models link
# (lib/Runtime/CPU; it must load into processes without a sanitizer
# runtime) and the prebuilt LLVM/MLIR libraries. Suppressions: none; the
# one ASan option set is allow_user_poisoning=0 (LLVM's allocators poison
# memory that the uninstrumented MLIR libraries then touch legitimately).
#
#===----------------------------------------------------------------------===#
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${QOPT_SAN_BUILD_DIR:-$root/build-san}}

if [ ! -f "$build/build.ninja" ]; then
  # -O1: sanitizer builds compile much faster and still catch what -O3
  # would (and a few things -O3 optimizes away).
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DCMAKE_C_FLAGS_RELEASE=-O1 \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DQOPT_ENABLE_SANITIZERS=ON -DQOPT_ENABLE_FUZZERS=ON >/dev/null || {
      echo "sanitizers: FAILED (configure)"; exit 1; }
fi
if ! ninja -C "$build" -j "${QOPT_BUILD_JOBS:-$(nproc)}" > "$build/build-log.txt" 2>&1; then
  grep -E "error|FAILED" "$build/build-log.txt" | head -20
  echo "sanitizers: FAILED (build; log in $build/build-log.txt)"
  exit 1
fi

# halt_on_error with UBSan's -fno-sanitize-recover: the first report fails
# the test that triggered it. Leaks are reported too.
export ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=$build/test-log.txt
# The whole-model peer comparisons (onnxruntime numerics, conformance,
# the e2e matrix) and the install test run in the Release job.
(cd "$build" && ctest --output-on-failure -j "$(nproc)" \
  -E "^(find-package-consumer|onnx-conformance|numerics-vs-onnxruntime|e2e-matrix)$") > "$log" 2>&1
status=$?
findings=$(grep -cE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
  "$build/Testing/Temporary/LastTest.log" 2>/dev/null || true)
line=$(grep -E "tests passed, [0-9]+ tests failed out of" "$log" | tail -1)
if [ "$status" -ne 0 ] || [ "${findings:-0}" -ne 0 ]; then
  grep -E "Failed|\*\*\*|ERROR: |runtime error:" "$log" | head -30
  echo "sanitizers: FAILED (${line:-no ctest result}; ${findings:-0} sanitizer findings; log in $log)"
  status=1
else
  echo "sanitizers: ${line}, 0 findings"
fi

QOPT_FUZZ_BUILD_DIR=$build "$root/scripts/fuzz.sh" --ci || status=1
exit $status
