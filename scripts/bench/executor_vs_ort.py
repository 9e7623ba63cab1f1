#!/usr/bin/env python3
"""Forward time of the reference executor vs onnxruntime-node, same inputs
and thread count, in one script (benchmarks print, they do not assert).

For resnet18 and the TransformerEncoder at batch 1 and 8: onnxruntime-node's
average over --runs runs after a warm-up (scripts/models/ort_run.js), and
qopt-run's median over the same number of runs. Prints a table with
qopt / onnxruntime (target: <= 3).

Usage: /usr/bin/python3 scripts/bench/executor_vs_ort.py [--threads N] [--runs N]
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, ".cache", "models")
# The _dynbatch exports have the same weights and a dynamic batch.
CASES = [("resnet18_dynbatch", "input", [3, 224, 224]),
         ("transformer_encoder_dynbatch", "input", [16, 64])]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--qopt-run", default=os.path.join(ROOT, "build", "bin", "qopt-run"))
    args = p.parse_args()
    print("%-20s %5s %7s %12s %12s %8s" % ("model", "batch", "threads", "ort ms", "qopt ms", "qopt/ort"))
    with tempfile.TemporaryDirectory() as work:
        for name, inp, dims in CASES:
            for batch in (1, 8):
                shape = [batch] + dims
                model = os.path.join(MODELS, name + ".onnx")
                out = os.path.join(work, "%s_%d" % (name, batch))
                r = subprocess.run(
                    ["node", os.path.join(ROOT, "scripts", "models", "ort_run.js"), model,
                     "--shape", "%s=%s" % (inp, ",".join(map(str, shape))),
                     "--threads", str(args.threads), "--runs", str(args.runs),
                     "--npy", out, "--json"], capture_output=True, text=True, check=True)
                ort_ms = json.loads(r.stdout)["avgRunMs"]
                r = subprocess.run(
                    [args.qopt_run, model, "--input-shape", "%s:%s" % (inp, "x".join(map(str, shape))),
                     "--input", "%s=%s" % (inp, os.path.join(out, "input_0.npy")),
                     "--output-dir", os.path.join(out, "qopt"), "--threads", str(args.threads),
                     "--repeat", str(args.runs)], capture_output=True, text=True, check=True)
                qopt_ms = float(re.search(r"in ([0-9.]+) ms", r.stdout).group(1))
                print("%-20s %5d %7d %12.2f %12.2f %8.2f" % (
                    name, batch, args.threads, ort_ms, qopt_ms, qopt_ms / ort_ms))


if __name__ == "__main__":
    main()
