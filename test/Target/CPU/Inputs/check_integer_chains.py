"""Integer-only chains (qopt-integer-chains) in the CPU library == executor.

  qopt MODEL qopt-annotate-candidates{bits=8,4 granularity=per-channel}
      + qopt-calibrate + qopt-sensitivity{method=weight-error}
      + qopt-allocate-bits{avg-bits=6} + qopt-quantize + qopt-integer-chains
  qopt q.mlir qopt-cpu-pipeline -> q.so (and the lowered MLIR)
  qopt-run q.mlir (reference executor), qopt-run q.so --isa=<each>

Prints the number of qopt.requantize ops, the accumulator kernel calls of
the library, and bit-exactness per ISA (variants the CPU lacks: skipped).

usage: check_integer_chains.py WORKDIR NAME=MODEL:INPUT:SHAPE...
"""
import os
import re
import subprocess
import sys

import numpy as np

work = sys.argv[1]
os.makedirs(work, exist_ok=True)


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
        sys.exit(1)
    return result.stdout


isas = run(["qopt-run", "--list-isas"]).split()
failures = 0
for spec in sys.argv[2:]:
    name, rest = spec.split("=", 1)
    model, input_name, shape = rest.split(":")
    shape = [int(d) for d in shape.split("x")]
    base = os.path.join(work, name)
    calib, x = base + ".calib.npy", base + ".x.npy"
    np.save(calib, np.random.default_rng(1).standard_normal([4] + shape[1:]).astype(np.float32))
    np.save(x, np.random.default_rng(2).standard_normal(shape).astype(np.float32))
    run(["qopt", model, "--pass-pipeline=builtin.module("
         "qopt-annotate-candidates{bits=8,4 granularity=per-channel},"
         f"qopt-calibrate{{data={calib} num-samples=4}},"
         "qopt-sensitivity{method=weight-error},"
         "qopt-allocate-bits{avg-bits=6 report=},qopt-quantize,"
         "qopt-integer-chains)", "-o", base + ".q.mlir"])
    text = open(base + ".q.mlir").read()
    print(f"{name}: qopt.requantize {len(re.findall(r'= qopt.requantize ', text))}")
    pipeline = "--pass-pipeline=builtin.module(qopt-cpu-pipeline{name=m})"
    run(["qopt", base + ".q.mlir", pipeline, "-o", base + ".so"])
    run(["qopt", base + ".q.mlir", pipeline, "-o", base + ".lowered.mlir"])
    calls = re.findall(r"call @(qopt_rt_uk_\w+)", open(base + ".lowered.mlir").read())
    print(f"{name}: " + ", ".join(f"{c} {calls.count(c)}" for c in sorted(set(calls))))
    run(["qopt-run", base + ".q.mlir", "--input", f"{input_name}={x}",
         "--output-dir", base + ".ref"])
    outputs = sorted(os.listdir(base + ".ref"))
    for isa in ("portable", "avx2", "avx512-vnni", "avx-vnni"):
        label = f"{name} {isa}"
        if isa not in isas:
            print(f"{label}: skipped (this CPU lacks it)")
            continue
        out = f"{base}.{isa}"
        run(["qopt-run", base + ".so", "--library-name=m", f"--isa={isa}",
             "--input", f"{input_name}={x}", "--output-dir", out])
        bad = total = 0
        for o in outputs:
            ref = np.load(os.path.join(base + ".ref", o))
            got = np.load(os.path.join(out, o))
            bad += int(np.sum(got.view(np.uint32) != ref.view(np.uint32)))
            total += ref.size
        print(f"{label}: " + (f"MISMATCH in {bad} of {total}" if bad
                              else f"bit-exact ({total} values)"))
        failures += bad != 0
        # The same bits on 1 and 3 threads as on the default (every CPU).
        same = True
        for threads in (1, 3):
            line = run(["qopt-run", base + ".so", "--library-name=m", f"--isa={isa}",
                        f"--threads={threads}", "--input", f"{input_name}={x}",
                        "--output-dir", f"{out}.t{threads}"])
            same &= f"{isa}, {threads} thread" in line
            for o in outputs:
                a = np.load(os.path.join(out, o))
                b = np.load(os.path.join(f"{out}.t{threads}", o))
                same &= np.array_equal(a.view(np.uint32), b.view(np.uint32))
        print(f"{label}: threads 1, 3 and default " +
              ("bit-identical" if same else "MISMATCH"))
        failures += not same
print(f"{failures} mismatches")
sys.exit(1 if failures else 0)
