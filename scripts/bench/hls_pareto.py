#!/usr/bin/env python3
"""The HLS target on the Fashion-MNIST CNN: accuracy vs estimated LUTs.

For each LUT budget (and the W8A8 reference): qopt --target=hls
--luts=B --reuse-factor=R with calibration on 256 training images and a
testbench of the first N test images, then make csim and the testbench.
Prints a Markdown table (per-layer bits and LUTs from report.json, total
LUTs, csim accuracy, mismatches) and the times of generation, the g++ build
and the C simulation, as recorded in docs/Backends/HLS.md.

usage: hls_pareto.py [--bin build/bin] [--models .cache/models]
                     [--work /tmp/qopt-hls-pareto] [--images 10000]
                     [--reuse 16] [--luts 50000,65000,80000]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import time

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default="build/bin")
ap.add_argument("--models", default=".cache/models")
ap.add_argument("--work", default="/tmp/qopt-hls-pareto")
ap.add_argument("--images", type=int, default=10000)
ap.add_argument("--reuse", type=int, default=16)
ap.add_argument("--luts", default="50000,65000,80000")
args = ap.parse_args()
FM = "/usr/share/datasets/fashion-mnist"
os.makedirs(args.work, exist_ok=True)


def run(cmd, cwd=None):
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        raise SystemExit(" ".join(cmd) + "\n" + r.stdout[-2000:] + r.stderr[-2000:])
    return r.stdout + r.stderr


rows = []
for budget in ["w8a8"] + args.luts.split(","):
    out = os.path.join(args.work, "cnn_" + budget)
    shutil.rmtree(out, ignore_errors=True)
    alloc = ["--bits=8", "--avg-bits=8"] if budget == "w8a8" else [f"--luts={budget}"]
    t0 = time.time()
    run([os.path.join(args.bin, "qopt"), os.path.join(args.models, "fashion_mnist_cnn.onnx"),
         "--target=hls", f"--reuse-factor={args.reuse}", "-o", out + "/",
         "--calib-data=fashion-mnist:" + FM + "/train-images-idx3-ubyte.gz", "--calib-samples=256",
         "--input-mean=0.286", "--input-std=0.353",
         "--tb-data=fashion-mnist:" + FM + "/t10k-images-idx3-ubyte.gz",
         f"--tb-samples={args.images}"] + alloc)
    t_gen = time.time() - t0
    t0 = time.time()
    run(["make", "-s", "-C", out, "csim"])
    t_build = time.time() - t0
    t0 = time.time()
    text = run(["./cnn_" + budget + "_csim", "tb_data"], cwd=out)
    t_sim = time.time() - t0
    rep = json.load(open(os.path.join(out, "report.json")))
    acc = re.search(r"accuracy ([0-9.]+)", text).group(1)
    mism = re.search(r"(\d+) mismatches", text).group(1)
    layers = ", ".join(f"{l['weight_bits']}b/{l['LUT']:.0f}" for l in rep["layers"])
    rows.append((budget, layers, rep["totals"]["LUT"], rep["totals"]["Latency"], acc, mism,
                 t_gen, t_build, t_sim))

print(f"| LUT budget | bits/LUTs per layer (conv1, conv2, fc) | est. LUTs | est. cycles | "
      f"csim top-1 ({args.images} images) | mismatches | generate s | g++ s | csim s |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.0f} | {r[4]} | {r[5]} | "
          f"{r[6]:.1f} | {r[7]:.1f} | {r[8]:.1f} |")
