"""Code-book decode: every code of every minifloat format, executor == library.

For each format a qopt.matmul of a [1, 1] input 1.0 with a packed weight of
one row per code (K = 1, scale 1.0), so output n is exactly the decoded
value of code n (no other term is added). The reference executor decodes
codes from their bit fields; the compiled library through the table the
CPU lowering builds with APFloat; both must give the same bits for every
code (NaN codes included), for every kernel variant this CPU has. Then the
same with scales 0.375 (decoded weight = float32(scale * value)). Prints the
largest finite value per format as a known answer.

usage: check_minifloat_decode.py WORKDIR
"""
import os
import subprocess
import sys

import numpy as np

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
FORMATS = {"f8E4M3FN": (8, 8), "f8E5M2": (8, 8), "f6E3M2FN": (6, 8),
           "f6E2M3FN": (6, 8), "f4E2M1FN": (4, 4)}


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
        sys.exit(1)
    return result.stdout


isas = run(["qopt-run", "--list-isas"]).split()
x = os.path.join(work, "x.npy")
np.save(x, np.ones((1, 1), np.float32))
failures = 0
for fmt, (width, field) in FORMATS.items():
    for scale in (1.0, 0.375):
        n = 1 << width
        # Logical layout: one code per byte (the CPU pipeline packs them
        # into its fields of `field` bits).
        row_bytes = 1
        data = np.arange(n, dtype=np.uint8).tobytes().hex().upper()
        wtype = f"tensor<{n}x1x{fmt}>"
        text = (
            f'func.func @main(%x: tensor<1x1xf32> {{qopt.name = "x"}}) -> tensor<1x{n}xf32> {{\n'
            f'  %w = qopt.packed_weight dense<"0x{data}"> : tensor<{n * row_bytes}xi8> '
            f'scales dense<{scale}> : tensor<{n}x1xf32> : {wtype}\n'
            f"  %y = qopt.matmul %x, %w : tensor<1x1xf32>, {wtype} -> tensor<1x{n}xf32>\n"
            f"  return %y : tensor<1x{n}xf32>\n}}\n")
        base = os.path.join(work, f"{fmt}_{scale}")
        with open(base + ".mlir", "w") as f:
            f.write(text)
        run(["qopt-run", base + ".mlir", "--input", f"x={x}", "--output-dir", base + ".ref"])
        ref = np.load(base + ".ref/result0.npy").reshape(-1)
        run(["qopt", base + ".mlir", "--pass-pipeline=builtin.module(qopt-cpu-pipeline)",
             "-o", base + ".so"])
        if scale == 1.0:
            print(f"{fmt}: largest finite {float(np.max(ref[np.isfinite(ref)])):g}")
        for isa in ("portable", "avx2", "avx512-vnni", "avx-vnni"):
            if isa not in isas:
                print(f"{fmt} x{scale} {isa}: skipped (this CPU lacks it)")
                continue
            out = f"{base}.{isa}"
            run(["qopt-run", base + ".so", f"--isa={isa}", "--input", f"x={x}",
                 "--output-dir", out])
            got = np.load(out + "/result0.npy").reshape(-1)
            bad = int(np.sum(got.view(np.uint32) != ref.view(np.uint32)))
            if bad:
                print(f"{fmt} x{scale} {isa}: MISMATCH in {bad} of {n} codes")
                failures += 1
            else:
                print(f"{fmt} x{scale} {isa}: {n} codes bit-exact")
print(f"{failures} mismatches")
sys.exit(1 if failures else 0)
