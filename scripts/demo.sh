#!/usr/bin/env bash
#===- scripts/demo.sh - The main job on the bundled default model --------===#
#
# Installs, builds, trains the bundled default model (a Fashion-MNIST CNN,
# scripts/models/train_fashion_mnist.py, cached in .cache/models), then runs
# the whole job in one command, `qopt model.onnx --target=cpu --avg-bits=4.5
# --calib-data=... -o lib.so` (the qopt-compile pipeline): imports the ONNX
# model, offers each layer the int8/int4/int2 per-channel formats the CPU
# target lowers, calibrates on 256 training images, measures each layer's
# Hessian sensitivity per candidate, allocates bit widths under an average
# 4.5-bit budget with the exact ILP solver (printing the allocation table;
# JSON in build/demo/), quantizes (packed weights, int8 activations from the
# calibrated ranges) and compiles a native shared library with a C header
# (build/demo/libfashion_mnist_cnn.so and .h; kernels picked for this CPU at
# run time). The same pipeline with lower=false writes the quantized IR
# (build/demo/fashion_mnist_cnn.quantized.mlir). Finally qopt-run runs the
# library (integer path, docs/Semantics.md) on the 10,000 test images and
# prints its accuracy against the float model.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build

"$root/scripts/build.sh" "$build"
/usr/bin/python3 "$root/scripts/models/train_fashion_mnist.py"

model=$root/.cache/models/fashion_mnist_cnn.onnx
mkdir -p "$build/demo"
lib=$build/demo/libfashion_mnist_cnn.so
json=$build/demo/fashion_mnist_cnn.allocation.json
data=fashion-mnist:/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
# The whole job in one command: qopt-compile for the cpu target.
args=(--target=cpu --avg-bits=4.5 --bits=8,4,2 --granularity=per-channel
      --calib-data="$data" --calib-samples=256 --input-mean=0.2860
      --input-std=0.3530 --method=hessian --report-json="$json")
echo
echo "\$ qopt .cache/models/fashion_mnist_cnn.onnx ${args[*]} -o $lib"
"$build/bin/qopt" "$model" "${args[@]}" -o "$lib" 2> "$build/demo/qopt.log"
echo "wrote $lib and ${lib%.so}.h"

# The same job stopped before lowering (lower=false): the quantized IR.
out=$build/demo/fashion_mnist_cnn.quantized.mlir
pipeline="builtin.module(qopt-compile{target=cpu avg-bits=4.5 bits=8,4,2 data=$data num-samples=256 input-mean=0.2860 input-std=0.3530 method=hessian report= lower=false})"
"$build/bin/qopt" "$model" --pass-pipeline="$pipeline" -o "$out" 2>> "$build/demo/qopt.log"

# Run the quantized library and the float model on the test set.
test=fashion-mnist:/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
echo
/usr/bin/python3 - "$out" "$json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
# Weights are logical fields in the quantized IR (one per byte, the CPU
# target packs them when it lowers): count them at their bit widths.
packed = 0
for shape, bits in re.findall(
        r"qopt\.packed_weight [^:]*: tensor<\d+xi8>(?: layout <\w+>)? : "
        r"tensor<([\dx]+)x!quant\.uniform<[iu](\d+)", text):
    n = 1
    for d in shape.split("x"):
        n *= int(d)
    packed += (n * int(bits) + 7) // 8
report = json.load(open(sys.argv[2]))
params = sum(layer["params"] for layer in report["layers"])
print(f"weights: {packed} bytes at their bit widths (+ scales in the IR types) vs {4 * params} bytes float32;"
      f" allocation {report['weight_bytes']:.0f} bytes incl. scales, average {report['average_bits']:.2f} bits,"
      f" {report['float_layers']} layers kept float")
PY
echo "float model:"
"$build/bin/qopt-run" "$model" --eval="$test" --eval-mean=0.2860 --eval-std=0.3530
echo "quantized model, compiled library (int8 activations, allocated weights; kernels: $("$build/bin/qopt-run" --list-isas | tail -1)):"
"$build/bin/qopt-run" "$lib" --eval="$test" --eval-mean=0.2860 --eval-std=0.3530
echo
echo "demo: library $lib, allocation $json, quantized IR $out"
