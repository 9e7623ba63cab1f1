"""Compiled CPU library == reference executor, for every kernel variant.

Writes small quantized models with ragged shapes (K not a multiple of the
64-element block or of the vector width, N = 1, odd M, batch 2
convolutions with stride and padding, int8/int4/int2, symmetric and
asymmetric, per-channel and grouped scales), then for each one:

  qopt model.mlir --pass-pipeline=qopt-quantize -o q.mlir
  qopt q.mlir --pass-pipeline=qopt-cpu-pipeline -o q.so
  qopt-run q.mlir (reference executor) and qopt-run q.so --isa=<each>

and compares the outputs: bit for bit on the integer path (int8
activations), within 1e-5 of the output's largest magnitude on the
weight-only path (float activations), whose summation order is
unspecified. Prints one line per
comparison; variants the CPU lacks are reported as skipped.

usage: check_library.py WORKDIR
"""
import os
import subprocess
import sys

import numpy as np

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.RandomState(7)


def dense(a):
    """An MLIR dense attribute holding float32 array `a` exactly."""
    a = np.ascontiguousarray(a, dtype="<f4")
    shape = "x".join(str(d) for d in a.shape)
    return f'dense<"0x{a.tobytes().hex().upper()}"> : tensor<{shape}xf32>'


def ttype(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def stats(lo, hi):
    return (f'#qopt.act_stats<method = "minmax", samples = 1, axis = -1, '
            f'min = [{lo}], max = [{hi}], lo = [{lo}], hi = [{hi}]>')


ZP = '%zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>'


def matmul(x, shape, k, n, fmt, name, out_stats=None):
    """A tosa.matmul of %x [1, M, K] with a random [1, K, N] weight."""
    m = shape[1]
    w = rng.randn(1, k, n).astype(np.float32) / np.sqrt(k)
    attrs = f"qopt.format = {fmt}"
    if out_stats:
        attrs += f", qopt.act_stats = {out_stats}"
    return [
        f'%{name}_w = "tosa.const"() <{{values = {dense(w)}}}> : () -> {ttype(w.shape)}',
        f"%{name} = tosa.matmul {x}, %{name}_w, %zp, %zp {{{attrs}}} : "
        f"({ttype(shape)}, {ttype(w.shape)}, tensor<1xf32>, tensor<1xf32>) -> "
        f"{ttype([1, m, n])}",
    ], [1, m, n]


def conv(x, shape, o, kh, kw, stride, pad, fmt, name, out_stats=None):
    b, h, wd, c = shape
    w = rng.randn(o, kh, kw, c).astype(np.float32) / np.sqrt(kh * kw * c)
    bias = rng.randn(o).astype(np.float32) * 0.1
    oh = (h + pad[0] + pad[1] - kh) // stride[0] + 1
    ow = (wd + pad[2] + pad[3] - kw) // stride[1] + 1
    attrs = (f"acc_type = f32, dilation = array<i64: 1, 1>, "
             f"pad = array<i64: {', '.join(map(str, pad))}>, "
             f"stride = array<i64: {stride[0]}, {stride[1]}>, qopt.format = {fmt}")
    if out_stats:
        attrs += f", qopt.act_stats = {out_stats}"
    out = [b, oh, ow, o]
    return [
        f'%{name}_w = "tosa.const"() <{{values = {dense(w)}}}> : () -> {ttype(w.shape)}',
        f'%{name}_b = "tosa.const"() <{{values = {dense(bias)}}}> : () -> {ttype([o])}',
        f"%{name} = tosa.conv2d {x}, %{name}_w, %{name}_b, %zp, %zp {{{attrs}}} : "
        f"({ttype(shape)}, {ttype(w.shape)}, {ttype([o])}, tensor<1xf32>, "
        f"tensor<1xf32>) -> {ttype(out)}",
    ], out


def relu(x, shape, name, out_stats):
    return [
        f"%{name} = tosa.clamp {x} {{max_val = 3.40282347E+38 : f32, "
        f"min_val = 0.000000e+00 : f32, qopt.act_stats = {out_stats}}} : "
        f"({ttype(shape)}) -> {ttype(shape)}"
    ], shape


def pc(bits, axis, asym=False):
    kind = f"ui{bits}" if asym else f"si{bits}"
    return f"#qopt.format<{kind}, per_channel(axis = {axis})" + (", asymmetric>" if asym else ">")


def grp(bits, axis, size, asym=False):
    kind = f"ui{bits}" if asym else f"si{bits}"
    return f"#qopt.format<{kind}, group(axis = {axis}, size = {size})" + (", asymmetric>" if asym else ">")


def model(name, in_shape, in_range, build, special=False):
    body, shape = build("%x", in_shape)
    text = [
        f"func.func @main(%x: {ttype(in_shape)} {{qopt.name = \"x\", "
        f"qopt.act_stats = {stats(*in_range)}}}) -> {ttype(shape)} {{",
        "  " + ZP,
    ]
    text += ["  " + line for line in body]
    last = body[-1].split(" = ")[0]
    text += [f"  return {last} : {ttype(shape)}", "}"]
    path = os.path.join(work, name + ".mlir")
    with open(path, "w") as f:
        f.write("\n".join(text) + "\n")
    x = rng.randn(*in_shape).astype(np.float32)
    if special:
        flat = x.reshape(-1)
        flat[:5] = [np.nan, np.inf, -np.inf, 1e30, -0.0]
    np.save(os.path.join(work, name + ".input.npy"), x)
    return name


def chain(*stages):
    def build(x, shape):
        lines = []
        for stage in stages:
            body, shape = stage(x, shape)
            lines += body
            x = body[-1].split(" = ")[0]
        return lines, shape
    return build


models = [
    # K = 100 (ragged vs the 64-element block), odd M = 3, NaN/inf inputs.
    model("matmul_k100_si4", [1, 3, 100], (-3.0, 3.0),
          chain(lambda x, s: matmul(x, s, 100, 7, pc(4, 2), "l0")), special=True),
    # Groups of 32 along K = 96, asymmetric 4-bit (zero points), M = 5.
    model("matmul_group32_ui4", [1, 5, 96], (-2.0, 2.5),
          chain(lambda x, s: matmul(x, s, 96, 9, grp(4, 1, 32, asym=True), "l0"))),
    # GEMV with N = 1, 2-bit, K = 70.
    model("gemv_n1_si2", [1, 1, 70], (-3.0, 3.0),
          chain(lambda x, s: matmul(x, s, 70, 1, pc(2, 2), "l0"))),
    # Two layers: int8 then asymmetric int2 with groups of 16, K = 130, 48.
    model("matmul_chain_si8_ui2", [1, 4, 130], (-3.0, 3.0),
          chain(lambda x, s: matmul(x, s, 130, 48, pc(8, 2), "l0", stats(-4.0, 4.0)),
                lambda x, s: matmul(x, s, 48, 3, grp(2, 1, 16, asym=True), "l1"))),
    # Batch 2 convolution, 3x3 stride 2 pad 1 (zero-point padding), then a
    # ReLU and an asymmetric 1x1 int8 convolution; C = 3 gives K = 27.
    model("conv_batch2_stride2", [2, 9, 7, 3], (-3.0, 3.0),
          chain(lambda x, s: conv(x, s, 5, 3, 3, (2, 2), (1, 1, 1, 1), pc(4, 0), "c0",
                                  stats(-3.0, 3.0)),
                lambda x, s: relu(x, s, "r0", stats(0.0, 3.0)),
                lambda x, s: conv(x, s, 4, 1, 1, (1, 1), (0, 0, 0, 0),
                                  pc(8, 0, asym=True), "c1"))),
    # Asymmetric padding and an int8 3x2 kernel, odd spatial sizes.
    model("conv_pad_uneven_si8", [1, 5, 6, 4], (-2.0, 2.0),
          chain(lambda x, s: conv(x, s, 3, 3, 2, (1, 2), (2, 0, 1, 1), pc(8, 0), "c0"))),
]


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
        sys.exit(1)
    return result.stdout


isas = run(["qopt-run", "--list-isas"]).split()
failures = 0
comparisons = 0
for name in models:
    base = os.path.join(work, name)
    x = base + ".input.npy"
    for path, options in (("int8", ""), ("float", "{activations=float}")):
        q = f"{base}.{path}.mlir"
        lib = f"{base}.{path}.so"
        run(["qopt", base + ".mlir", f"--pass-pipeline=builtin.module(qopt-quantize{options})", "-o", q])
        run(["qopt", q, "--pass-pipeline=builtin.module(qopt-cpu-pipeline)", "-o", lib])
        run(["qopt-run", q, "--input", f"x={x}", "--output-dir", f"{base}.{path}.ref"])
        ref = np.load(f"{base}.{path}.ref/result0.npy")
        for isa in ("portable", "avx2", "avx512-vnni", "avx-vnni"):
            label = f"{name} {path} {isa}"
            if isa not in isas:
                print(f"{label}: skipped (this CPU lacks it)")
                continue
            out_dir = f"{base}.{path}.{isa}"
            run(["qopt-run", lib, f"--isa={isa}", "--input", f"x={x}", "--output-dir", out_dir])
            got = np.load(f"{out_dir}/result0.npy")
            comparisons += 1
            if got.shape != ref.shape:
                print(f"{label}: MISMATCH shape {got.shape} vs {ref.shape}")
                failures += 1
            elif path == "int8":
                same = np.array_equal(got.view(np.uint32), ref.view(np.uint32))
                if same:
                    print(f"{label}: bit-exact ({ref.size} values)")
                else:
                    bad = int(np.sum(got.view(np.uint32) != ref.view(np.uint32)))
                    print(f"{label}: MISMATCH in {bad} of {ref.size} values")
                    failures += 1
            else:
                # Relative to the output's magnitude; NaN must match NaN.
                nan = np.isnan(ref)
                if not np.array_equal(nan, np.isnan(got)):
                    err = np.inf
                else:
                    diff = np.abs(got[~nan] - ref[~nan])
                    scale = max(float(np.max(np.abs(ref[~nan]), initial=0.0)), 1e-30)
                    err = float(np.max(diff, initial=0.0)) / scale
                if err <= 1e-5:
                    print(f"{label}: within 1e-5 ({ref.size} values)")
                else:
                    print(f"{label}: MISMATCH relative error {err:.3g}")
                    failures += 1
print(f"{comparisons} comparisons, {failures} mismatches")
sys.exit(1 if failures else 0)
