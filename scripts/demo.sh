#!/usr/bin/env bash
#===- scripts/demo.sh - The main job on the bundled default model --------===#
#
# Installs, builds, then runs qopt on the bundled default model
# (test/e2e/tiny-cnn.mlir, a small CNN for 28x28 images): attaches the
# candidate formats to every layer and prints the layer table. The annotated
# IR is written to build/demo/tiny-cnn.annotated.mlir.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build

"$root/scripts/build.sh" "$build"

mkdir -p "$build/demo"
out=$build/demo/tiny-cnn.annotated.mlir
pipeline='builtin.module(qopt-annotate-candidates{bits=8,4,2 granularity=per-channel},qopt-print-layer-table)'
echo
echo "\$ qopt test/e2e/tiny-cnn.mlir --pass-pipeline='$pipeline' -o $out"
"$build/bin/qopt" "$root/test/e2e/tiny-cnn.mlir" --pass-pipeline="$pipeline" -o "$out"
echo
echo "demo: annotated IR written to $out"
