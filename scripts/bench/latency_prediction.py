#!/usr/bin/env python3
"""Predicted against measured whole-model latency of compiled CPU libraries
(docs/Backends/CPU-Latency.md). A benchmark: it prints, it does not assert.

usage: /usr/bin/python3 scripts/bench/latency_prediction.py
           [--models resnet18,mobilenet_v2] [--budgets 8,6,4.5]
           [--repeat 20] [--rounds 3] [--measure-repeat 10]
           [--work DIR] [--bin DIR]

For each model:

1. Annotates candidates si8/si4 per channel for the layers the CPU target
   lowers (qopt-annotate-candidates{bits=8,4 target=cpu}), calibrates int8
   activations on --calib seeded N(0, 1) inputs (speed, not accuracy: no
   ImageNet here) and computes weight-error sensitivities, once.
2. Measures the latency table of every layer x {f32, si8-ch, si4-ch} with
   qopt-measure-costs (kept in --work: a second run of the script reuses
   it when the machine and qopt version match).
3. For each average-bit budget, allocates (qopt-allocate-bits), quantizes
   and compiles the model to a library, and times it with qopt-run
   (median of --repeat runs, batch 1, one thread).
   Steps 2 and 3 are repeated --rounds times, interleaved (round i
   re-measures the table, then times every library), and each figure is
   the smallest of its medians: on a shared machine, load changes then
   meet the table and the libraries alike.
4. Predicts each library's latency as the sum of the table's entries for
   the chosen formats plus a glue term: everything in the model that is
   not a layer (pooling, residual adds, activations, reshapes; layers the
   target keeps float, such as depthwise convolutions without a quantized
   lowering, are in the table as f32 and counted as layers). Compiled models dequantize to float between
   layers, so the glue does not depend on the formats; it is measured once
   as the uniform-si4 library's time minus the sum of its si4 entries
   (an allocation that is not one of the budgets evaluated).
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qoptscripts  # noqa: E402


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("latency_prediction: failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout + r.stderr


def model_input(path):
    """(name, shape) of the model's single graph input."""
    import onnx
    model = onnx.load(path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    if len(inputs) != 1:
        raise SystemExit("latency_prediction: %s has %d inputs, expected 1" % (path, len(inputs)))
    dims = [d.dim_value if d.dim_value > 0 else 1 for d in inputs[0].type.tensor_type.shape.dim]
    return inputs[0].name, dims


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def library_ms(bin_dir, lib, input_name, x, repeat, out):
    text = run([qoptscripts.tool("qopt-run", bin_dir), lib, "--input", "%s=%s" % (input_name, x),
                "--output-dir", out, "--repeat", str(repeat)])
    return float(re.search(r"in ([0-9.]+) ms \(median", text).group(1))


def predict_us(table, alloc):
    """Sum of the table's entries for the allocation's chosen formats."""
    total = 0.0
    for layer in alloc["layers"]:
        entries = table["layers"][layer["name"]]
        # A layer the target keeps float (chosen "f32", or a format it does
        # not lower) runs its float code.
        total += entries.get(layer["chosen"], entries["f32"])
    return total


def evaluate(name, args, bin_dir):
    qopt = qoptscripts.tool("qopt", bin_dir)
    onnx_path = qoptscripts.model_path(name)
    if not os.path.exists(onnx_path):
        raise SystemExit("latency_prediction: %s is missing; run scripts/models/make_all.sh" % onnx_path)
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    input_name, shape = model_input(onnx_path)
    rng = np.random.RandomState(0)
    calib = os.path.join(work, "calib.npy")
    np.save(calib, rng.randn(args.calib, *shape[1:]).astype(np.float32))
    x = os.path.join(work, "x.npy")
    np.save(x, rng.randn(*shape).astype(np.float32))

    base = os.path.join(work, "base.mlir")
    run([qopt, onnx_path, "--mlir-print-debuginfo", "-o", base, "--pass-pipeline=builtin.module("
         "qopt-annotate-candidates{bits=8,4 target=cpu},"
         "qopt-calibrate{data=%s num-samples=%d},qopt-sensitivity{method=weight-error})"
         % (calib, args.calib)])
    budgets = ["4"] + args.budgets
    libs, allocs = {}, {}
    for budget in budgets:
        lib = os.path.join(work, "lib%s_%s.so" % (name, budget.replace(".", "_")))
        alloc_path = os.path.join(work, "alloc_%s.json" % budget)
        run([qopt, base, "-o", lib, "--pass-pipeline=builtin.module("
             "qopt-allocate-bits{avg-bits=%s report= report-json=%s},qopt-quantize,"
             "qopt-cpu-pipeline{name=%s})" % (budget, alloc_path,
                                             os.path.basename(lib)[3:-3])])
        with open(alloc_path) as f:
            allocs[budget] = json.load(f)
        libs[budget] = lib

    # Rounds interleave the table and the libraries, so that a change in
    # the machine's load meets both; each figure is its smallest median
    # over the rounds.
    table_path = os.path.join(work, "latency.json")
    measure = [qoptscripts.tool("qopt-measure-costs", bin_dir), base,
               "--repeat", str(args.measure_repeat), "--quiet"]
    table, measured = None, {}
    for i in range(args.rounds):
        # The first round reuses a matching table from an earlier run.
        path = table_path if i == 0 else os.path.join(work, "latency.round%d.json" % i)
        sys.stderr.write(run(measure + ["-o", path] + (["--remeasure"] if i else [])))
        with open(path) as f:
            this = json.load(f)
        if table is None:
            table = this
        else:
            for layer, entries in table["layers"].items():
                for fmt in entries:
                    entries[fmt] = min(entries[fmt], this["layers"][layer][fmt])
        for budget in budgets:
            ms = library_ms(bin_dir, libs[budget], input_name, x, args.repeat,
                            os.path.join(work, "out_" + budget))
            measured[budget] = min(measured.get(budget, ms), ms)
    results = {b: (allocs[b], predict_us(table, allocs[b]) / 1000.0, measured[b])
               for b in budgets}
    glue = results["4"][2] - results["4"][1]
    rows = []
    for budget in args.budgets:
        alloc, layers_ms, measured = results[budget]
        predicted = layers_ms + glue
        rows.append((name, budget, alloc["average_bits"],
                     sum(1 for l in alloc["layers"] if l["chosen"].startswith("si8")),
                     sum(1 for l in alloc["layers"] if l["chosen"].startswith("si4")),
                     layers_ms, glue, predicted, measured,
                     100.0 * (predicted - measured) / measured,
                     100.0 * (layers_ms - measured) / measured))
    return rows, table


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", default="resnet18,mobilenet_v2")
    p.add_argument("--budgets", default="8,6,4.5")
    p.add_argument("--repeat", type=int, default=20, help="qopt-run runs per library")
    p.add_argument("--rounds", type=int, default=3,
                   help="measurements of the table and of each library (the smallest "
                        "median of each figure is kept)")
    p.add_argument("--measure-repeat", type=int, default=10, help="runs per table entry")
    p.add_argument("--calib", type=int, default=4, help="calibration inputs")
    p.add_argument("--work", default=os.path.join(qoptscripts.ROOT, ".cache", "latency-prediction"),
                   help="work folder (keeps the latency tables between runs)")
    p.add_argument("--bin", default=None, help="folder of qopt's tools")
    args = p.parse_args()
    args.budgets = args.budgets.split(",")
    bin_dir = qoptscripts.bin_dir(args.bin)

    all_rows = []
    fingerprint = None
    for name in args.models.split(","):
        rows, table = evaluate(name, args, bin_dir)
        all_rows += rows
        fingerprint = table.get("fingerprint")
    print("CPU: %s; table fingerprint %s" % (cpu_model(), json.dumps(fingerprint)))
    print("| model | avg-bits budget | average bits | si8 / si4 layers | sum of layers (ms) "
          "| glue (ms) | predicted (ms) | measured (ms) | error | error without glue |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in all_rows:
        print("| %s | %s | %.2f | %d / %d | %.1f | %.1f | %.1f | %.1f | %+.1f %% | %+.1f %% |" % r)


if __name__ == "__main__":
    main()
