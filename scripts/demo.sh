#!/usr/bin/env bash
#===- scripts/demo.sh - The main job on the bundled default model --------===#
#
# Installs, builds, trains the bundled default model (a Fashion-MNIST CNN,
# scripts/models/train_fashion_mnist.py, cached in .cache/models), then runs
# qopt on it: imports the ONNX model, attaches candidate formats to every
# layer, calibrates on 256 training images, measures each layer's Hessian
# sensitivity per candidate and allocates bit widths under an average
# 5-bit budget with the exact ILP solver, printing the allocation table. The
# IR with the chosen formats is written to
# build/demo/fashion_mnist_cnn.allocated.mlir, the allocation as JSON next
# to it. Finally the chosen formats are simulated on the weights and the
# test accuracy is measured against the float model.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build

"$root/scripts/build.sh" "$build"
/usr/bin/python3 "$root/scripts/models/train_fashion_mnist.py"

model=$root/.cache/models/fashion_mnist_cnn.onnx
mkdir -p "$build/demo"
out=$build/demo/fashion_mnist_cnn.allocated.mlir
json=$build/demo/fashion_mnist_cnn.allocation.json
data=fashion-mnist:/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
pipeline="builtin.module(qopt-annotate-candidates{bits=8,4,2 granularity=per-channel},qopt-calibrate{data=$data num-samples=256 input-mean=0.2860 input-std=0.3530},qopt-sensitivity{method=hessian},qopt-allocate-bits{avg-bits=5 report-json=$json})"
echo
echo "\$ qopt .cache/models/fashion_mnist_cnn.onnx --pass-pipeline='$pipeline' -o $out"
"$build/bin/qopt" "$model" --pass-pipeline="$pipeline" -o "$out"

# Simulate the chosen formats and measure the test accuracy against float.
test=fashion-mnist:/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
fq=$build/demo/fashion_mnist_cnn.fakequant.mlir
"$build/bin/qopt" "$out" --pass-pipeline='builtin.module(qopt-fake-quantize-weights)' -o "$fq"
echo
echo "float model:"
"$build/bin/qopt-run" "$model" --eval="$test" --eval-mean=0.2860 --eval-std=0.3530
echo "allocated model (weights fake-quantized to the chosen formats):"
"$build/bin/qopt-run" "$fq" --eval="$test" --eval-mean=0.2860 --eval-std=0.3530
echo
echo "demo: IR with the chosen formats written to $out, allocation to $json"
