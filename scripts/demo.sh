#!/usr/bin/env bash
#===- scripts/demo.sh - The main job on the bundled default model --------===#
#
# Installs, builds, trains the bundled default model (a Fashion-MNIST CNN,
# scripts/models/train_fashion_mnist.py, cached in .cache/models), then runs
# qopt on it: imports the ONNX model, attaches candidate formats to every
# layer, calibrates on 256 training images, measures each layer's Hessian
# sensitivity per candidate and allocates bit widths under an average
# 4.5-bit budget with the exact ILP solver, printing the allocation table.
# qopt-quantize then packs the weights (int8/int4/int2 per channel) and
# quantizes each layer's input to int8 from the calibrated ranges. The
# quantized IR is written to build/demo/fashion_mnist_cnn.quantized.mlir,
# the allocation as JSON next to it. qopt-cpu-pipeline then compiles it to a
# native shared library with a C header (build/demo/libfashion_mnist_cnn.so
# and .h; kernels picked for this CPU at run time). Finally qopt-run runs
# the library (integer path, docs/Semantics.md) on the 10,000 test images
# and prints its accuracy against the float model.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build

"$root/scripts/build.sh" "$build"
/usr/bin/python3 "$root/scripts/models/train_fashion_mnist.py"

model=$root/.cache/models/fashion_mnist_cnn.onnx
mkdir -p "$build/demo"
out=$build/demo/fashion_mnist_cnn.quantized.mlir
json=$build/demo/fashion_mnist_cnn.allocation.json
data=fashion-mnist:/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
pipeline="builtin.module(qopt-annotate-candidates{bits=8,4,2 granularity=per-channel},qopt-calibrate{data=$data num-samples=256 input-mean=0.2860 input-std=0.3530},qopt-sensitivity{method=hessian},qopt-allocate-bits{avg-bits=4.5 report-json=$json},qopt-quantize)"
echo
echo "\$ qopt .cache/models/fashion_mnist_cnn.onnx --pass-pipeline='$pipeline' -o $out"
"$build/bin/qopt" "$model" --pass-pipeline="$pipeline" -o "$out"

lib=$build/demo/libfashion_mnist_cnn.so
echo
echo "\$ qopt $out --pass-pipeline='builtin.module(qopt-cpu-pipeline{name=fashion_mnist_cnn})' -o $lib"
"$build/bin/qopt" "$out" --pass-pipeline='builtin.module(qopt-cpu-pipeline{name=fashion_mnist_cnn})' -o "$lib"
echo "wrote $lib and ${lib%.so}.h"

# Run the quantized library and the float model on the test set.
test=fashion-mnist:/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
echo
/usr/bin/python3 - "$out" "$json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
packed = sum(int(n) for n in re.findall(r"qopt\.packed_weight [^:]*: tensor<(\d+)xi8>", text))
report = json.load(open(sys.argv[2]))
params = sum(layer["params"] for layer in report["layers"])
print(f"weights: {packed} bytes packed (+ scales in the IR types) vs {4 * params} bytes float32;"
      f" allocation {report['weight_bytes']:.0f} bytes incl. scales, average {report['average_bits']:.2f} bits")
PY
echo "float model:"
"$build/bin/qopt-run" "$model" --eval="$test" --eval-mean=0.2860 --eval-std=0.3530
echo "quantized model, compiled library (int8 activations, allocated weights; kernels: $("$build/bin/qopt-run" --list-isas | tail -1)):"
"$build/bin/qopt-run" "$lib" --eval="$test" --eval-mean=0.2860 --eval-std=0.3530
echo
echo "demo: quantized IR written to $out, allocation to $json, library to $lib"
