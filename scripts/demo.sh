#!/usr/bin/env bash
#===- scripts/demo.sh - The main job on the bundled default model --------===#
#
# Installs, builds, trains the bundled default model (a Fashion-MNIST CNN,
# scripts/models/train_fashion_mnist.py, cached in .cache/models), then runs
# qopt on it: imports the ONNX model, attaches candidate formats to every
# layer and prints the layer table. The annotated IR is written to
# build/demo/fashion_mnist_cnn.annotated.mlir.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build

"$root/scripts/build.sh" "$build"
/usr/bin/python3 "$root/scripts/models/train_fashion_mnist.py"

model=$root/.cache/models/fashion_mnist_cnn.onnx
mkdir -p "$build/demo"
out=$build/demo/fashion_mnist_cnn.annotated.mlir
pipeline='builtin.module(qopt-annotate-candidates{bits=8,4,2 granularity=per-channel},qopt-print-layer-table)'
echo
echo "\$ qopt .cache/models/fashion_mnist_cnn.onnx --pass-pipeline='$pipeline' -o $out"
"$build/bin/qopt" "$model" --pass-pipeline="$pipeline" -o "$out"
echo
echo "demo: annotated IR written to $out"
