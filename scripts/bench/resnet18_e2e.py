#!/usr/bin/env python3
"""resnet18 end to end: the compiled W8A8 library against qopt's float
executor and onnxruntime float, same input, in one run (benchmarks print,
they do not assert).

usage: /usr/bin/python3 scripts/bench/resnet18_e2e.py [--runs N] [--calib N]

1. Quantizes .cache/models/resnet18.onnx to W8A8 (every layer si8 per
   channel, int8 activations calibrated on --calib seeded N(0, 1) images:
   no ImageNet here, so the numbers are speed, not accuracy) and compiles
   it to a shared library with qopt-cpu-pipeline (one `qopt` command).
2. Times, at batch 1, the median of --runs runs after a warm-up: the
   library with every kernel variant this CPU has (qopt-run --isa) on one
   thread, and the best variant on 2 threads (qopt-run --threads: the
   instance's pool), the model compiled without quantization (its float
   layers on the float GEMM kernel) on 1 and 2 threads, qopt's reference
   executor on the float model, and
   onnxruntime-node on the float model with 1 and 2 threads (average,
   scripts/models/ort_run.js). Each process's peak RSS is printed beside
   its time (from wait4).
3. Prints each time and its ratio to onnxruntime float at the same number
   of threads, plus the library's output against float (relative max
   difference and whether the top-1 class agrees) as a sanity check.
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


def run_rss(cmd):
    """stdout and peak resident set (MiB) of `cmd`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read()
        if proc.returncode != 0:
            raise SystemExit("resnet18_e2e: failed: %s\n%s%s" % (" ".join(cmd), text, err.read()))
    return text, usage.ru_maxrss / 1024.0


def run(cmd):
    return run_rss(cmd)[0]


def qopt_run_ms(model, x, out, runs, extra=()):
    text, rss = run_rss([os.path.join(BIN, "qopt-run"), model, "--input", "input=" + x,
                         "--output-dir", out, "--repeat", str(runs)] + list(extra))
    return float(re.search(r"in ([0-9.]+) ms", text).group(1)), rss


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
        # The same model compiled without quantization (float GEMM kernel).
        flib = os.path.join(work, "libresnet18f.so")
        run([os.path.join(BIN, "qopt"), MODEL,
             "--pass-pipeline=builtin.module(qopt-cpu-pipeline{name=resnet18f})", "-o", flib])
        isas = run([os.path.join(BIN, "qopt-run"), "--list-isas"]).split()

        rows = []  # (name, threads, ms, peak RSS MiB, output dir)
        for isa in isas:
            out = os.path.join(work, "lib-" + isa)
            rows.append(("W8A8 library, %s" % isa, 1) + qopt_run_ms(
                lib, x, out, args.runs, ["--isa=" + isa, "--threads=1"]) + (out,))
        out = os.path.join(work, "lib-%s-2" % isas[-1])
        rows.append(("W8A8 library, %s" % isas[-1], 2) + qopt_run_ms(
            lib, x, out, args.runs, ["--isa=" + isas[-1], "--threads=2"]) + (out,))
        for threads in (1, 2):
            out = os.path.join(work, "flib-%d" % threads)
            rows.append(("float library (no quantization)", threads) + qopt_run_ms(
                flib, x, out, args.runs, ["--threads=%d" % threads]) + (out,))
        out = os.path.join(work, "float")
        rows.append(("float, qopt executor", 1) + qopt_run_ms(MODEL, x, out, args.runs) + (out,))
        ort = {}
        for threads in (1, 2):
            r, rss = run_rss(["node", os.path.join(ROOT, "scripts", "models", "ort_run.js"), MODEL,
                              "--threads", str(threads), "--runs", str(args.runs), "--json"])
            ort[threads] = json.loads(r)["avgRunMs"]
            rows.append(("float, onnxruntime", threads, ort[threads], rss, None))
        print("resnet18, batch 1; median of %d runs (onnxruntime: average); "
              "ratio to onnxruntime float on as many threads" % args.runs)
        print("%-32s %8s %10s %12s %10s" % ("configuration", "threads", "ms", "/ ort float",
                                            "peak MiB"))
        for name, threads, ms, rss, _ in rows:
            print("%-32s %8d %10.2f %12.2f %10.0f" % (name, threads, ms, ms / ort[threads], rss))
        rows = [r for r in rows if r[4] is not None]

        ref = np.load(os.path.join(work, "float", os.listdir(os.path.join(work, "float"))[0]))
        for name, threads, _, _, out in rows[:-1]:
            y = np.load(os.path.join(out, os.listdir(out)[0]))
            rel = float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))
            print("%s, %d thread(s) vs float: max |diff| / max |float| = %.4f, top-1 %s" % (
                name, threads, rel, "agrees" if y.argmax() == ref.argmax() else "differs"))
        print("library: %.1f MB" % (os.path.getsize(lib) / 1e6))


if __name__ == "__main__":
    main()
