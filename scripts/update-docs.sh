#!/usr/bin/env bash
# Regenerates the ODS reference docs (dialect, interfaces, passes) and copies
# them into docs/. test/docs.test fails when docs/ is stale.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOPT_BUILD_DIR:-$root/build}
ninja -C "$build" qopt-doc
for f in Dialects/QOpt.md Interfaces/QOptInterfaces.md Passes/QOptPasses.md \
         Passes/QOptConversionPasses.md Passes/QOptCPUPasses.md \
         Passes/QOptHLSPasses.md Passes/QOptCUDAPasses.md; do
  mkdir -p "$root/docs/$(dirname "$f")"
  cp "$build/docs/$f" "$root/docs/$f"
done
ninja -C "$build" qopt-onnx-conformance
mkdir -p "$root/docs/Frontend"
"$build/bin/qopt-onnx-conformance" --list-supported > "$root/docs/Frontend/SupportedOps.md"
echo "update-docs: docs/ regenerated from $build"
