"""mobilenet_v2 with every convolution quantized, library == executor.

  qopt mobilenet_v2.onnx qopt-annotate-candidates{<candidates>} [+ calibrate]
      + qopt-sensitivity{method=weight-error} + qopt-allocate-bits{avg-bits=6}
      + qopt-quantize
  qopt q.mlir qopt-cpu-pipeline -> q.so (and the lowered MLIR, to count the
      kernel calls)
  qopt-run q.mlir (reference executor), qopt-run q.so --isa=<each>

for integer candidates (bits=8,4, int8 activations: bit for bit) and
minifloat ones (f8E4M3FN, f4E2M1FN, weight-only: within 1e-5 of the
output's magnitude, and away from the float model's output). Prints the
qopt layer ops left in the IR and the kernel calls of the library.

usage: check_mobilenet_v2.py MODEL WORKDIR
"""
import os
import re
import subprocess
import sys

import numpy as np

model, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
calib = os.path.join(work, "calib.npy")
x = os.path.join(work, "x.npy")
np.save(calib, np.random.default_rng(1).standard_normal([4, 3, 224, 224]).astype(np.float32))
np.save(x, np.random.default_rng(2).standard_normal([1, 3, 224, 224]).astype(np.float32))


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
        sys.exit(1)
    return result.stdout


isas = run(["qopt-run", "--list-isas"]).split()
run(["qopt-run", model, "--input", f"input={x}", "--output-dir", os.path.join(work, "float")])
float_out = np.load(os.path.join(work, "float", "output.npy"))
failures = 0
for cell, stages in (
        ("int8", f"qopt-annotate-candidates{{bits=8,4}},"
                 f"qopt-calibrate{{data={calib} num-samples=4}},"),
        ("minifloat", "qopt-annotate-candidates{minifloats=f8E4M3FN,f4E2M1FN},")):
    base = os.path.join(work, cell)
    run(["qopt", model, "--pass-pipeline=builtin.module(" + stages +
         "qopt-sensitivity{method=weight-error},"
         "qopt-allocate-bits{avg-bits=6 report=},qopt-quantize)", "-o", base + ".q.mlir"])
    text = open(base + ".q.mlir").read()
    ops = {op: len(re.findall(rf"= {re.escape(op)} ", text))
           for op in ("qopt.depthwise_conv2d", "qopt.conv2d", "qopt.matmul",
                      "tosa.depthwise_conv2d", "tosa.conv2d")}
    print(f"{cell}: " + ", ".join(f"{op} {n}" for op, n in ops.items()))
    pipeline = "--pass-pipeline=builtin.module(qopt-cpu-pipeline{name=m})"
    run(["qopt", base + ".q.mlir", pipeline, "-o", base + ".so"])
    run(["qopt", base + ".q.mlir", pipeline, "-o", base + ".lowered.mlir"])
    calls = re.findall(r"call @(qopt_rt_uk_\w+)", open(base + ".lowered.mlir").read())
    print(f"{cell}: " + ", ".join(f"{c} {calls.count(c)}" for c in sorted(set(calls))))
    run(["qopt-run", base + ".q.mlir", "--input", f"input={x}", "--output-dir", base + ".ref"])
    ref = np.load(base + ".ref/output.npy")
    if cell == "minifloat":
        rel = float(np.linalg.norm(ref - float_out) / np.linalg.norm(float_out))
        print(f"{cell}: differs from the float model: {rel > 1e-3}")
    for isa in ("portable", "avx2", "avx512-vnni", "avx-vnni"):
        label = f"{cell} {isa}"
        if isa not in isas:
            print(f"{label}: skipped (this CPU lacks it)")
            continue
        out = f"{base}.{isa}"
        run(["qopt-run", base + ".so", "--library-name=m", f"--isa={isa}",
             "--input", f"input={x}", "--output-dir", out])
        got = np.load(out + "/output.npy")
        # The same bits on 1 and 3 threads as on the default (every CPU).
        same = True
        for threads in (1, 3):
            line = run(["qopt-run", base + ".so", "--library-name=m", f"--isa={isa}",
                        f"--threads={threads}", "--input", f"input={x}",
                        "--output-dir", f"{out}.t{threads}"])
            want = f"{isa}, {threads} thread" + ("s" if threads > 1 else "")
            other = np.load(f"{out}.t{threads}/output.npy")
            same &= want in line and np.array_equal(other.view(np.uint32), got.view(np.uint32))
        print(f"{label}: threads 1, 3 and default " +
              ("bit-identical" if same else "MISMATCH"))
        failures += not same
        bad = int(np.sum(got.view(np.uint32) != ref.view(np.uint32)))
        err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
        if cell == "int8":
            print(f"{label}: " + (f"MISMATCH in {bad} of {ref.size}" if bad
                                  else f"bit-exact ({ref.size} values)"))
            failures += bad != 0
        else:
            ok = err <= 1e-5
            print(f"{label}: " + (f"within 1e-5 ({ref.size} values)" if ok
                                  else f"MISMATCH relative error {err:.3g}"))
            failures += not ok
print(f"{failures} mismatches")
sys.exit(1 if failures else 0)
