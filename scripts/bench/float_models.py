#!/usr/bin/env python3
"""Models compiled without quantization against onnxruntime float, in one
run (benchmarks print, they do not assert).

usage: /usr/bin/python3 scripts/bench/float_models.py [--runs N] [model ...]

For each model (default: resnet18 mobilenet_v2 squeezenet1_1
efficientnet_b0 transformer_encoder fashion_mnist_cnn from .cache/models):
compiles it with `qopt-cpu-pipeline` and no quantization (float layers:
the float GEMM kernel for convolutions and matmul layers, linalg loops for
the rest), then times at batch 1, on 1 and 2 threads, the median of --runs
runs of the library (qopt-run --threads) and the average of --runs runs of
onnxruntime-node on the same model and the same inputs
(scripts/models/ort_run.js), and prints the ratio, plus whether the
library's output equals the reference executor's bit for bit.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qoptscripts  # noqa: E402

ROOT = qoptscripts.ROOT
DEFAULT = ["resnet18", "mobilenet_v2", "squeezenet1_1", "efficientnet_b0",
           "transformer_encoder", "fashion_mnist_cnn"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("float_models: failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("models", nargs="*")
    args = p.parse_args()
    qopt, qopt_run = qoptscripts.tool("qopt"), qoptscripts.tool("qopt-run")
    ort = os.path.join(ROOT, "scripts", "models", "ort_run.js")
    flags = run(["grep", "-m1", "^flags", "/proc/cpuinfo"]).split(":", 1)[1].split()
    name = run(["grep", "-m1", "^model name", "/proc/cpuinfo"]).split(":", 1)[1].strip()
    print("cpu: %s; %s" % (name, " ".join(f for f in flags if f.startswith("avx") or f == "fma")))
    print("%-22s %7s %10s %10s %8s  %s" % ("model", "threads", "qopt ms", "ort ms",
                                         "ratio", "library == executor"))
    with tempfile.TemporaryDirectory() as work:
        for model in args.models or DEFAULT:
            path = qoptscripts.model_path(model)
            d = os.path.join(work, model)
            os.makedirs(d)
            pins = qoptscripts.MODEL_INPUT_SHAPES.get(model, {})
            shape_args = sum((["--shape", "%s=%s" % (n, ",".join(map(str, s)))]
                              for n, s in pins.items()), [])
            run(["node", ort, path, "--npy", d, "--runs", "0"] + shape_args)
            io = json.load(open(os.path.join(d, "io.json")))
            inputs = []
            for inp in io["inputs"]:
                inputs += ["--input", "%s=%s" % (inp["name"], os.path.join(d, inp["file"]))]
            lib = os.path.join(d, "libm.so")
            run([qopt, path] + ["--input-shape=%s:%s" % (n, "x".join(map(str, s)))
                                for n, s in pins.items()] +
                ["--pass-pipeline=builtin.module(qopt-cpu-pipeline{name=m})", "-o", lib])
            run([qopt_run, path] + inputs[:] + ["--output-dir", d + "/ref"] +
                ["--input-shape=%s:%s" % (n, "x".join(map(str, s))) for n, s in pins.items()])
            for threads in (1, 2):
                out = "%s/lib%d" % (d, threads)
                text = run([qopt_run, lib, "--library-name=m", "--threads=%d" % threads,
                            "--repeat", str(args.runs), "--output-dir", out] + inputs)
                ms = float(re.search(r"in ([0-9.]+) ms", text).group(1))
                o = json.loads(run(["node", ort, path, "--threads", str(threads), "--runs",
                                    str(args.runs), "--json"] + shape_args))
                same = all(np.array_equal(np.load(os.path.join(d, "ref", f)).view(np.uint8),
                                          np.load(os.path.join(out, f)).view(np.uint8))
                           for f in os.listdir(d + "/ref"))
                print("%-22s %7d %10.2f %10.2f %8.2f  %s" % (
                    model, threads, ms, o["avgRunMs"], ms / o["avgRunMs"],
                    "bit-exact" if same else "DIFFERS"))


if __name__ == "__main__":
    main()
