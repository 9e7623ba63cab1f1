#!/usr/bin/env python3
"""C simulation of HLS projects against the reference executor (ctest hls-csim).

For each configuration: qopt MODEL --target=hls ... -o DIR/ (the testbench
data comes from the reference executor), make -C DIR csim (g++ with qopt's
clean-room ap types), run the testbench (it counts mismatching input codes,
output accumulators and output floats), and check:
  * 0 mismatches on every sample (>= 1000 per real model);
  * real models: the csim accuracy equals the CPU library's on the same
    images (the project's quantized IR compiled with --target=cpu, run by
    qopt-run --eval);
  * under a LUT budget: the report's total fits it and every layer's
    figures equal the allocator's (qopt-allocate-bits report-json).
Real models: the Fashion-MNIST CNN (1000 test images) and the digits MLP
(all 1797 images) at W8A8, W4A8 and an ILP-mixed allocation under a LUT
budget, each with io_parallel and io_stream, with asymmetric weights
(W4A8 and mixed), the residual CNN (residual adds fused into the
requantization; W8A8, W4A8 and mixed under a LUT budget, checked against
the reference executor), and with minifloat weights (f8E4M3FN, and mixed with
integers under the LUT budget; their accuracy is checked against the
reference executor, since the CPU kernels run minifloats weight-only). Random single-layer projects: dense / conv2d / depthwise
layers of ragged sizes at every weight width 2..8 (odd widths asymmetric;
each followed by a small dense output layer) and in every minifloat format
the templates decode, in both I/O styles, and
convolutions as the output layer (NCHW results dequantized on the host).

Prints one line per project and "hls-csim: passed N / M".

usage: hls_csim.py --bin DIR --models DIR --work DIR [--only NAME]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--models", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--only", default="")
args = ap.parse_args()
qopt = os.path.join(args.bin, "qopt")
qopt_run = os.path.join(args.bin, "qopt-run")
os.makedirs(args.work, exist_ok=True)

FM = "/usr/share/datasets/fashion-mnist"
DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def run(cmd, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError(" ".join(cmd) + "\n" + r.stdout[-3000:] + r.stderr[-3000:])
    return r.stdout + r.stderr


def csim(name, model, options, samples_min, eval_spec=None, luts=None, oracle="cpu"):
    out = os.path.join(args.work, name)
    shutil.rmtree(out, ignore_errors=True)
    report = out + ".allocation.json"
    cmd = [qopt, model, "--target=hls", "-o", out + "/",
           "--report-json=" + report] + options
    t0 = time.time()
    run(cmd)
    t_gen = time.time() - t0
    t0 = time.time()
    run(["make", "-s", "-C", out, "csim"])
    t_build = time.time() - t0
    top = [f[:-len("_test.cpp")] for f in os.listdir(out) if f.endswith("_test.cpp")][0]
    t0 = time.time()
    text = run(["./" + top + "_csim", "tb_data"], cwd=out)
    t_run = time.time() - t0
    m = re.search(r"(\d+) samples, (\d+) mismatches", text)
    samples, mismatches = int(m.group(1)), int(m.group(2))
    ok = mismatches == 0 and samples >= samples_min
    line = f"{name}: {samples} samples, {mismatches} mismatches"
    acc = re.search(r"accuracy ([0-9.]+)", text)
    if acc:
        line += f", csim accuracy {acc.group(1)}"
    if eval_spec:
        # The CPU library of the project's IR, or (code-book weights on the
        # integer path, which the CPU kernels run weight-only) the
        # reference executor on that IR.
        ir = os.path.join(out, top + ".mlir")
        if oracle == "cpu":
            lib = out + ".so"
            run([qopt, ir, "--target=cpu", "-o", lib])
            text = run([qopt_run, lib] + eval_spec)
        else:
            text = run([qopt_run, ir] + eval_spec)
        lib_acc = re.search(r"accuracy[^0-9]*([0-9.]+)", text)
        what = "CPU library" if oracle == "cpu" else "executor"
        line += f", {what} {lib_acc.group(1) if lib_acc else '?'}"
        ok &= bool(acc and lib_acc) and abs(float(acc.group(1)) - float(lib_acc.group(1))) < 5e-5
    rep = json.load(open(os.path.join(out, "report.json")))
    line += f", LUT {rep['totals']['LUT']:.0f}"
    if luts is not None:
        ok &= rep["totals"]["LUT"] <= luts
        line += f" <= {luts}"
        alloc = {l["name"]: l for l in json.load(open(report))["layers"]}
        for layer in rep["layers"]:
            a = alloc[layer["name"]]
            same = all(abs(a[k] - layer[v]) <= 1e-6 * max(1, abs(a[k]))
                       for k, v in (("luts", "LUT"), ("dsps", "DSP"), ("brams", "BRAM_18K")))
            if not same:
                ok = False
                line += f" [report != allocator for {layer['name']}]"
    line += f" (generate {t_gen:.1f} s, build {t_build:.1f} s, csim {t_run:.1f} s)"
    print(("" if ok else "FAILED ") + line, flush=True)
    return ok


projects = []
cnn = os.path.join(args.models, "fashion_mnist_cnn.onnx")
mlp = os.path.join(args.models, "digits_mlp.onnx")
cnn_data = ["--calib-data=fashion-mnist:" + FM + "/train-images-idx3-ubyte.gz",
            "--calib-samples=256", "--input-mean=0.286", "--input-std=0.353",
            "--tb-data=fashion-mnist:" + FM + "/t10k-images-idx3-ubyte.gz",
            "--tb-samples=1000"]
cnn_eval = ["--eval=fashion-mnist:" + FM + "/t10k-images-idx3-ubyte.gz",
            "--eval-samples=1000", "--eval-mean=0.286", "--eval-std=0.353"]
mlp_data = ["--calib-data=digits:" + DIGITS, "--calib-samples=256",
            "--tb-data=digits:" + DIGITS]
mlp_eval = ["--eval=digits:" + DIGITS]
for model, tag, data, ev, luts, reuse in (
        (cnn, "cnn", cnn_data, cnn_eval, 80000, 16),
        (mlp, "mlp", mlp_data, mlp_eval, 60000, 8)):
    for io in ("parallel", "stream"):
        projects.append((f"{tag}-w8a8-{io}", model,
                         data + ["--bits=8", "--avg-bits=8", "--io-style=" + io], 1000, ev, None))
        projects.append((f"{tag}-w4a8-{io}", model,
                         data + ["--bits=4", "--avg-bits=4", "--io-style=" + io], 1000, ev, None))
        projects.append((f"{tag}-mixed-luts{luts}-{io}", model,
                         data + ["--bits=8,4,2", f"--luts={luts}", f"--reuse-factor={reuse}",
                                 "--io-style=" + io], 1000, ev, luts))
    # Minifloat (code-book) weights on the integer path: codes decoded by
    # the templates' tables (checked against the executor).
    projects.append((f"{tag}-f8E4M3FN-parallel", model,
                     data + ["--minifloats=f8E4M3FN", "--avg-bits=8",
                             "--io-style=parallel"], 1000, ev, None, "executor"))
    projects.append((f"{tag}-mixed-minifloat-luts{luts}-stream", model,
                     data + ["--bits=8,4", "--minifloats=f8E4M3FN,f6E2M3FN,f4E2M1FN",
                             f"--luts={luts}", f"--reuse-factor={reuse}",
                             "--io-style=stream"], 1000, ev, luts, "executor"))
    # Asymmetric weights (unsigned grids with zero points: w - zq in the
    # layer templates), one uniform and one mixed project per model.
    projects.append((f"{tag}-w4a8-asymmetric-parallel", model,
                     data + ["--bits=4", "--avg-bits=4", "--asymmetric",
                             "--io-style=parallel"], 1000, ev, None))
    projects.append((f"{tag}-mixed-asymmetric-luts{luts}-stream", model,
                     data + ["--bits=8,4,2", f"--luts={luts}", f"--reuse-factor={reuse}",
                             "--asymmetric", "--io-style=stream"], 1000, ev, luts))

# Residual adds (the residual CNN: a two-conv branch adding the block's
# input, fused into the second conv's requantization): uniform and mixed,
# both I/O styles. Checked against the reference executor on the
# project's IR (the CPU kernels requantize without a residual operand).
rescnn = os.path.join(args.models, "fashion_mnist_rescnn.onnx")
projects.append(("rescnn-w8a8-parallel", rescnn,
                 cnn_data + ["--bits=8", "--avg-bits=8", "--io-style=parallel"],
                 1000, cnn_eval, None, "executor"))
projects.append(("rescnn-w4a8-stream", rescnn,
                 cnn_data + ["--bits=4", "--avg-bits=4", "--io-style=stream"],
                 1000, cnn_eval, None, "executor"))
projects.append(("rescnn-mixed-luts70000-stream", rescnn,
                 cnn_data + ["--bits=8,4,2", "--luts=70000", "--reuse-factor=16",
                             "--io-style=stream"], 1000, cnn_eval, 70000, "executor"))


def onnx_layer_model(path, kind, rng, head=True):
    """A random layer of ragged shape + ReLU + a dense output layer (or,
    without `head`, the layer itself as the output: an NCHW result that
    the host dequantizes through the layout change)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    nodes, inits = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array.astype(np.float32), name))

    if kind == "dense":
        k, n = int(rng.integers(5, 70)), int(rng.integers(3, 40))
        shape = [1, k]
        init("w0", rng.standard_normal([n, k]) / np.sqrt(k))
        init("b0", rng.standard_normal([n]) * 0.1)
        nodes.append(helper.make_node("Gemm", ["x", "w0", "b0"], ["h"], transB=1, name="layer"))
        feat = n
    else:
        c = int(rng.integers(1, 6))
        h, w = int(rng.integers(5, 12)), int(rng.integers(5, 12))
        kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        pads = [int(rng.integers(0, kh)), int(rng.integers(0, kw)),
                int(rng.integers(0, kh)), int(rng.integers(0, kw))]
        shape = [1, c, h, w]
        if kind == "conv2d":
            o, group = int(rng.integers(2, 9)), 1
        else:
            mult = int(rng.integers(1, 3))
            o, group = c * mult, c
        init("w0", rng.standard_normal([o, c // group, kh, kw]) / np.sqrt(c // group * kh * kw))
        init("b0", rng.standard_normal([o]) * 0.1)
        nodes.append(helper.make_node("Conv", ["x", "w0", "b0"], ["h"], kernel_shape=[kh, kw],
                                      strides=[sh, sw], pads=pads, group=group, name="layer"))
        oh = (h + pads[0] + pads[2] - kh) // sh + 1
        ow = (w + pads[1] + pads[3] - kw) // sw + 1
        feat = o * oh * ow
    if not head:
        out_shape = [1, feat] if kind == "dense" else [1, o, oh, ow]
        graph = helper.make_graph(
            nodes, kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info("h", TensorProto.FLOAT, out_shape)], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        onnx.checker.check_model(model)
        onnx.save(model, path)
        return shape
    nodes.append(helper.make_node("Relu", ["h"], ["r"], name="relu"))
    if kind != "dense":
        nodes.append(helper.make_node("Flatten", ["r"], ["f"], name="flatten"))
        last = "f"
    else:
        last = "r"
    init("w1", rng.standard_normal([7, feat]) / np.sqrt(feat))
    init("b1", rng.standard_normal([7]) * 0.1)
    nodes.append(helper.make_node("Gemm", [last, "w1", "b1"], ["y"], transB=1, name="output"))
    graph = helper.make_graph(nodes, kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 7])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return shape


rng = np.random.default_rng(13)
for i, (kind, bits) in enumerate([(k, b) for b in range(2, 9) for k in ("dense", "conv2d", "depthwise")]):
    io = ("parallel", "stream")[i % 2]
    name = f"random-{kind}-w{bits}-{io}"
    path = os.path.join(args.work, name + ".onnx")
    shape = onnx_layer_model(path, kind, rng)
    data = os.path.join(args.work, name + ".npy")
    np.save(data, rng.standard_normal([64] + shape[1:]).astype(np.float32))
    projects.append((name, path, [f"--bits={bits}", f"--avg-bits={bits}", "--calib-data=" + data,
                                  "--calib-samples=64", "--tb-data=" + data, "--io-style=" + io,
                                  f"--reuse-factor={1 + i % 3}",
                                  "--method=weight-error"]
                     + (["--asymmetric"] if bits % 2 else []), 64, None, None))

# Code-book layers: every minifloat format the templates decode, each kind,
# both I/O styles, and a code-book output layer.
for i, (kind, fmt) in enumerate([("dense", "f8E4M3FN"), ("conv2d", "f6E3M2FN"),
                                 ("depthwise", "f6E2M3FN"), ("conv2d", "f4E2M1FN"),
                                 ("dense", "f4E2M1FN"), ("depthwise", "f8E4M3FN")]):
    io = ("parallel", "stream")[i % 2]
    name = f"random-{kind}-{fmt}-{io}"
    path = os.path.join(args.work, name + ".onnx")
    shape = onnx_layer_model(path, kind, rng, head=i != 3)
    data = os.path.join(args.work, name + ".npy")
    np.save(data, rng.standard_normal([64] + shape[1:]).astype(np.float32))
    projects.append((name, path, [f"--minifloats={fmt}", "--calib-data=" + data,
                                  "--calib-samples=64", "--tb-data=" + data, "--io-style=" + io,
                                  f"--reuse-factor={1 + i % 2}",
                                  "--method=weight-error"], 64, None, None))

# Convolutions as the output layer (NCHW results through the host's index
# map), both I/O styles.
for i, (kind, bits) in enumerate([("conv2d", 4), ("depthwise", 8), ("conv2d", 6)]):
    io = ("stream", "parallel")[i % 2]
    name = f"random-{kind}-output-w{bits}-{io}"
    path = os.path.join(args.work, name + ".onnx")
    shape = onnx_layer_model(path, kind, rng, head=False)
    data = os.path.join(args.work, name + ".npy")
    np.save(data, rng.standard_normal([64] + shape[1:]).astype(np.float32))
    projects.append((name, path, [f"--bits={bits}", f"--avg-bits={bits}", "--calib-data=" + data,
                                  "--calib-samples=64", "--tb-data=" + data, "--io-style=" + io,
                                  "--method=weight-error"], 64, None, None))

passed = total = 0
for p in projects:
    if args.only and args.only not in p[0]:
        continue
    total += 1
    try:
        passed += csim(*p)
    except Exception as e:  # a failed command: report and go on
        print(f"FAILED {p[0]}: {e}", flush=True)
print(f"hls-csim: passed {passed} / {total}")
sys.exit(0 if passed == total and total > 0 else 1)
