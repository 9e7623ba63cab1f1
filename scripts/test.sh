#!/usr/bin/env bash
#===- scripts/test.sh - Install, build and run every qopt test -----------===#
#
# Installs the Debian packages, builds qopt, runs ctest (the lit suite, the
# GoogleTest units and the find_package(QOpt) consumer) and ends with one
# summary line. Exits non-zero if anything failed.
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
grep -E "^(conformance-import|conformance-run|numerics-vs-ort):" "$full" 2>/dev/null
fuzz=$(grep -E "^fuzz-onnx-import:" "$full" 2>/dev/null | tail -1)
[ -n "$fuzz" ] && echo "$fuzz"
summary="ctest: ${ctest_line:-no result}; lit: ${lit_passed:-?}/${lit_total:-?} passed"
if [ "$status" -eq 0 ]; then
  echo "qopt tests: PASSED ($summary)"
else
  echo "qopt tests: FAILED ($summary)"
fi
exit "$status"
