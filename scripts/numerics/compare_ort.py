#!/usr/bin/env python3
"""Compare qopt's reference executor with onnxruntime on real models.

For each model: onnxruntime-node (scripts/models/ort_run.js) runs it on
deterministic pseudo-random inputs and writes inputs and outputs as .npy;
qopt-run runs the same inputs; every output must satisfy
|qopt - ort| <= atol + rtol * |ort| elementwise (rtol 1e-4, atol 1e-5 unless
the model's op classes justify more: see docs/Executor.md). Prints max
absolute and relative error per output and one summary line:

    numerics-vs-ort: passed N / M models

Usage: /usr/bin/python3 scripts/numerics/compare_ort.py [--qopt-run PATH]
       [--threads N] [model ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, ".cache", "models")

# name -> (extra shape pins for ORT and qopt, rtol, atol)
CASES = {
    "resnet18": ({}, 1e-4, 1e-5),
    "mobilenet_v2": ({}, 1e-4, 1e-5),
    "mobilenet_v3_small": ({}, 1e-4, 1e-5),
    "squeezenet1_1": ({}, 1e-4, 1e-5),
    "shufflenet_v2_x0_5": ({}, 1e-4, 1e-5),
    "efficientnet_b0": ({}, 1e-4, 1e-5),
    "transformer_encoder": ({}, 1e-4, 1e-5),
    "lstm": ({}, 1e-4, 1e-5),
    "gru": ({}, 1e-4, 1e-5),
    "fashion_mnist_cnn": ({}, 1e-4, 1e-5),
    "digits_mlp": ({}, 1e-4, 1e-5),
    "ppocr_mobile_v2_cls": ({"x": [1, 3, 48, 192]}, 1e-4, 1e-5),
}


def run_case(name, qopt_run, threads, work):
    shapes, rtol, atol = CASES[name]
    model = os.path.join(MODELS, name + ".onnx")
    out_ort = os.path.join(work, name, "ort")
    out_qopt = os.path.join(work, name, "qopt")
    cmd = ["node", os.path.join(ROOT, "scripts", "models", "ort_run.js"), model,
           "--npy", out_ort, "--json"]
    for k, v in shapes.items():
        cmd += ["--shape", "%s=%s" % (k, ",".join(map(str, v)))]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    io = json.load(open(os.path.join(out_ort, "io.json")))
    cmd = [qopt_run, model, "--output-dir", out_qopt, "--threads", str(threads)]
    for k, v in shapes.items():
        cmd += ["--input-shape", "%s:%s" % (k, "x".join(map(str, v)))]
    for inp in io["inputs"]:
        cmd += ["--input", "%s=%s" % (inp["name"], os.path.join(out_ort, inp["file"]))]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL %-22s qopt-run failed: %s" % (name, r.stderr.strip().splitlines()[-1:]))
        return False
    ok = True
    for out in io["outputs"]:
        ref = np.load(os.path.join(out_ort, out["file"]))
        fname = "".join(c if c.isalnum() or c in "_-." else "_" for c in out["name"])
        got = np.load(os.path.join(out_qopt, fname + ".npy"))
        if got.shape != ref.shape or got.dtype != ref.dtype:
            print("FAIL %-22s %s: shape/dtype %s %s vs onnxruntime %s %s" % (
                name, out["name"], got.shape, got.dtype, ref.shape, ref.dtype))
            ok = False
            continue
        a, b = got.astype(np.float64), ref.astype(np.float64)
        err = np.abs(a - b)
        rel = err / np.maximum(np.abs(b), 1e-12)
        passed = bool(np.all(err <= atol + rtol * np.abs(b)))
        ok &= passed
        print("%s %-22s %-20s max_abs %.3g  max_rel(|ref|>1e-3) %.3g  (rtol %g atol %g)" % (
            "ok  " if passed else "FAIL", name, out["name"][:20], err.max(),
            rel[np.abs(b) > 1e-3].max() if np.any(np.abs(b) > 1e-3) else 0.0, rtol, atol))
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--qopt-run", default=os.path.join(ROOT, "build", "bin", "qopt-run"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("models", nargs="*")
    args = p.parse_args()
    names = args.models or list(CASES)
    with tempfile.TemporaryDirectory() as work:
        passed = sum(run_case(n, args.qopt_run, args.threads, work) for n in names)
    print("numerics-vs-ort: passed %d / %d models" % (passed, len(names)))
    return 0 if passed == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
