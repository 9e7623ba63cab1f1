"""onnxruntime-node on qopt's quantized ONNX export vs the reference
executor on the quantized IR it came from.

usage: check_export.py EXPORTED.onnx QUANTIZED.mlir WORKDIR SEEDS [TOL]
       check_export.py --summary EXPORTED.onnx

For each seed, scripts/models/ort_run.js runs the exported model on its
deterministic pseudo-random input (uniform in [-1, 1)) and writes input and
output; qopt-run runs the quantized IR on the same input. onnxruntime
computes each layer in float on dequantized weights and activations, qopt
in exact int32: outputs differ by float rounding, and where an
intermediate activation lands within rounding of a quantization step, by
one step there. Prints the largest absolute difference, the largest
difference relative to the output's magnitude (max |onnxruntime output|),
how many argmaxes agree, and whether the relative difference is within TOL
(default 2e-2).

--summary prints what the export wrote, for FileCheck: the opsets, the
onnx.checker verdict (ONNX 1.12 knows opsets up to 17; newer models are
left to onnxruntime), the node types in order, and one line per
DequantizeLinear / MatMulNBits with its attributes and weight type.
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx

TYPES = {1: "float", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 22: "int4"}


def summary(path):
    m = onnx.load(path)
    opsets = sorted((o.domain or "ai.onnx", o.version) for o in m.opset_import)
    print("opsets: " + " ".join("%s=%d" % o for o in opsets) + " ir=%d" % m.ir_version)
    if dict(opsets).get("ai.onnx", 0) <= onnx.defs.onnx_opset_version():
        onnx.checker.check_model(m)
        print("checker: ok")
    else:
        print("checker: skipped (opset newer than onnx %s)" % onnx.__version__)
    print("nodes: " + " ".join(n.op_type for n in m.graph.node))
    inits = {i.name: i for i in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type not in ("DequantizeLinear", "MatMulNBits"):
            continue
        attrs = " ".join("%s=%d" % (a.name, a.i) for a in sorted(n.attribute, key=lambda a: a.name))
        w = inits.get(n.input[0] if n.op_type == "DequantizeLinear" else n.input[1])
        if w is None:  # the DequantizeLinear of an activation
            continue
        zp = len(n.input) > (2 if n.op_type == "DequantizeLinear" else 3) and n.input[
            2 if n.op_type == "DequantizeLinear" else 3] != ""
        print("%s %s %s%s weight=%s[%s]" % (n.op_type, n.name, attrs + " " if attrs else "",
                                         "zp" if zp else "nozp", TYPES.get(w.data_type, w.data_type),
                                         "x".join(str(d) for d in w.dims)))


def compare(exported, quantized, work, seeds, tol):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
    worst_abs, worst_rel, agree = 0.0, 0.0, 0
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
        diff = float(np.max(np.abs(got.astype(np.float64) - ref)))
        worst_abs = max(worst_abs, diff)
        worst_rel = max(worst_rel, diff / float(np.max(np.abs(ref))))
        agree += int(np.argmax(got) == np.argmax(ref))
    print("max abs difference %.2e, %.2e of the output magnitude; argmax agrees on %d / %d"
          % (worst_abs, worst_rel, agree, seeds))
    print("within %s: %s" % (tol, "yes" if worst_rel <= float(tol) else "NO"))


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2])
    else:
        compare(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]),
                sys.argv[5] if len(sys.argv) > 5 else "2e-2")
