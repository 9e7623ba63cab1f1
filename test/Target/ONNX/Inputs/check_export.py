"""onnxruntime-node on qopt's quantized ONNX export vs the reference
executor on the quantized IR it came from.

usage: check_export.py EXPORTED.onnx QUANTIZED.mlir WORKDIR SEEDS

For each seed, scripts/models/ort_run.js runs the exported model on its
deterministic pseudo-random input (uniform in [-1, 1)) and writes input and
output; qopt-run runs the quantized IR on the same input. onnxruntime
computes each layer in float on dequantized weights and activations, qopt
in exact int32: outputs differ by float rounding, and where an
intermediate activation lands within rounding of a quantization step, by
one step there. Prints the largest difference relative to the output's
magnitude and how many argmaxes agree.
"""
import json
import os
import subprocess
import sys

import numpy as np

exported, quantized, work, seeds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
worst, agree = 0.0, 0
for seed in range(seeds):
    d = os.path.join(work, "seed%d" % seed)
    subprocess.run(["node", os.path.join(root, "scripts", "models", "ort_run.js"), exported,
                    "--seed", str(seed), "--npy", d, "--json"], check=True,
                   stdout=subprocess.DEVNULL)
    io = json.load(open(os.path.join(d, "io.json")))
    cmd = ["qopt-run", quantized, "--output-dir", os.path.join(d, "qopt")]
    for inp in io["inputs"]:
        cmd += ["--input", "%s=%s" % (inp["name"], os.path.join(d, inp["file"]))]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    out = io["outputs"][0]
    ref = np.load(os.path.join(d, out["file"]))
    got = np.load(os.path.join(d, "qopt", out["name"] + ".npy"))
    worst = max(worst, float(np.max(np.abs(got - ref)) / np.max(np.abs(ref))))
    agree += int(np.argmax(got) == np.argmax(ref))
print("max difference %.2e of the output magnitude; argmax agrees on %d / %d"
      % (worst, agree, seeds))
print("within 2e-2: %s" % ("yes" if worst <= 2e-2 else "NO"))
