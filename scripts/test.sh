#!/usr/bin/env bash
#===- scripts/test.sh - Install, build and run every qopt test -----------===#
#
# Installs the Debian packages, builds qopt, makes the test models, runs
# ctest (the lit suite, the GoogleTest units, the find_package(QOpt)
# consumer, the ONNX conformance count, executor-vs-onnxruntime numerics and
# the e2e matrix), then the sanitizer job (scripts/test-sanitizers.sh: lit
# and units under ASan + UBSan with assertions, and deterministic fuzzing)
# and ends with one summary line. Exits non-zero if anything failed; the
# same sources give the same result on every run.
#
#===----------------------------------------------------------------------===#
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOPT_BUILD_DIR:-$root/build}

if ! "$root/scripts/build.sh" "$build"; then
  echo "qopt tests: FAILED (build failed)"
  exit 1
fi

# The real models the end-to-end tests use (cached under .cache/models).
if ! "$root/scripts/models/make_all.sh" --quiet; then
  echo "qopt tests: FAILED (could not make the test models)"
  exit 1
fi

log=$build/test-log.txt
(cd "$build" && ctest --output-on-failure -j "$(nproc)") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

ctest_line=$(grep -E "tests passed, [0-9]+ tests failed out of" "$log" | tail -1)
# ctest keeps every test's full output here, passing ones included.
full=$build/Testing/Temporary/LastTest.log
lit_total=$(grep -E "^Total Discovered Tests:" "$full" 2>/dev/null | tail -1 | awk '{print $4}')
lit_passed=$(grep -E "^  Passed *:" "$full" 2>/dev/null | tail -1 | sed -E 's/^  Passed *: *([0-9]+).*/\1/')
grep -E "^(conformance-import|conformance-run|numerics-vs-ort|e2e-matrix):" "$full" 2>/dev/null
summary="ctest: ${ctest_line:-no result}; lit: ${lit_passed:-?}/${lit_total:-?} passed"

# The sanitizer + assertions job: its own clang build (build-san/), the lit
# and unit suites under ASan + UBSan, then deterministic fuzzing.
if [ "${QOPT_SKIP_SANITIZERS:-0}" = 1 ]; then
  echo "sanitizers: SKIPPED (QOPT_SKIP_SANITIZERS=1)"
  summary="$summary; sanitizer job skipped"
else
  san_log=$build/sanitizer-log.txt
  "$root/scripts/test-sanitizers.sh" 2>&1 | tee "$san_log"
  san_status=${PIPESTATUS[0]}
  [ "$san_status" -ne 0 ] && status=1
  summary="$summary; sanitizer job: $([ "$san_status" -eq 0 ] && echo passed || echo FAILED)"
fi
if [ "$status" -eq 0 ]; then
  echo "qopt tests: PASSED ($summary)"
else
  echo "qopt tests: FAILED ($summary)"
fi
exit "$status"
