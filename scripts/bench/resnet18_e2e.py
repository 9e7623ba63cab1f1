#!/usr/bin/env python3
"""resnet18 end to end: the compiled W8A8 library against qopt's float
executor and onnxruntime float, same input, in one run (benchmarks print,
they do not assert).

usage: /usr/bin/python3 scripts/bench/resnet18_e2e.py [--runs N] [--calib N]

1. Quantizes .cache/models/resnet18.onnx to W8A8 (every layer si8 per
   channel, int8 activations calibrated on --calib seeded N(0, 1) images:
   no ImageNet here, so the numbers are speed, not accuracy) and compiles
   it to a shared library with qopt-cpu-pipeline (one `qopt` command).
2. Times, at batch 1 and one thread (the library owns no threads), the
   median of --runs runs after a warm-up: the library with every kernel
   variant this CPU has (qopt-run --isa), qopt's reference executor on the
   float model, and onnxruntime-node on the float model with 1 and 2
   threads (average, scripts/models/ort_run.js).
3. Prints each time and its ratio to onnxruntime float (1 thread), plus the
   library's output against float (relative max difference and whether the
   top-1 class agrees) as a sanity check.
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(ROOT, ".cache", "models", "resnet18.onnx")
BIN = os.path.join(ROOT, "build", "bin")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("resnet18_e2e: failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def qopt_run_ms(model, x, out, runs, extra=()):
    text = run([os.path.join(BIN, "qopt-run"), model, "--input", "input=" + x,
                "--output-dir", out, "--repeat", str(runs)] + list(extra))
    return float(re.search(r"in ([0-9.]+) ms", text).group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--calib", type=int, default=8)
    args = p.parse_args()
    if not os.path.exists(MODEL):
        raise SystemExit("resnet18_e2e: %s is missing; run scripts/models/make_all.sh" % MODEL)
    cpu_flags = run(["grep", "-m1", "^flags", "/proc/cpuinfo"]).split(":", 1)[1].split()
    model_name = run(["grep", "-m1", "^model name", "/proc/cpuinfo"]).split(":", 1)[1].strip()
    print("cpu: %s; %s" % (model_name, " ".join(
        f for f in cpu_flags if f.startswith("avx") or f in ("fma", "f16c"))))

    with tempfile.TemporaryDirectory() as work:
        rng = np.random.RandomState(0)
        calib = os.path.join(work, "calib.npy")
        np.save(calib, rng.randn(args.calib, 3, 224, 224).astype(np.float32))
        x = os.path.join(work, "x.npy")
        np.save(x, rng.randn(1, 3, 224, 224).astype(np.float32))

        lib = os.path.join(work, "libresnet18.so")
        pipeline = ("builtin.module(qopt-annotate-candidates{bits=8},"
                    "qopt-calibrate{data=%s num-samples=%d},"
                    "qopt-sensitivity{method=weight-error},qopt-allocate-bits{report=},"
                    "qopt-quantize,qopt-cpu-pipeline{name=resnet18})" % (calib, args.calib))
        run([os.path.join(BIN, "qopt"), MODEL, "--pass-pipeline=" + pipeline, "-o", lib])
        isas = run([os.path.join(BIN, "qopt-run"), "--list-isas"]).split()

        rows = []
        for isa in isas:
            out = os.path.join(work, "lib-" + isa)
            rows.append(("W8A8 library, %s" % isa,
                         qopt_run_ms(lib, x, out, args.runs, ["--isa=" + isa]), out))
        out = os.path.join(work, "float")
        rows.append(("float, qopt executor", qopt_run_ms(MODEL, x, out, args.runs), out))
        ort = {}
        for threads in (1, 2):
            r = run(["node", os.path.join(ROOT, "scripts", "models", "ort_run.js"), MODEL,
                     "--threads", str(threads), "--runs", str(args.runs), "--json"])
            ort[threads] = json.loads(r)["avgRunMs"]
        base = ort[1]
        print("resnet18, batch 1, 1 thread unless stated; median of %d runs "
              "(onnxruntime: average)" % args.runs)
        print("%-32s %10s %12s" % ("configuration", "ms", "/ ort float"))
        for name, ms, _ in rows:
            print("%-32s %10.2f %12.2f" % (name, ms, ms / base))
        for threads in (1, 2):
            print("%-32s %10.2f %12.2f" % ("float, onnxruntime %d thread%s" % (
                threads, "" if threads == 1 else "s"), ort[threads], ort[threads] / base))

        ref = np.load(os.path.join(work, "float", os.listdir(os.path.join(work, "float"))[0]))
        for name, _, out in rows[:-1]:
            y = np.load(os.path.join(out, os.listdir(out)[0]))
            rel = float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))
            print("%s vs float: max |diff| / max |float| = %.4f, top-1 %s" % (
                name, rel, "agrees" if y.argmax() == ref.argmax() else "differs"))
        print("library: %.1f MB" % (os.path.getsize(lib) / 1e6))


if __name__ == "__main__":
    main()
