"""Depthwise and grouped convolutions, quantized, compiled, == executor.

Builds an ONNX model with onnx.helper: a depthwise 3x3 convolution over 12
channels (8 in a vector, 4 in the tail) with stride 2 and uneven pads, a
ReLU, a grouped 1x1 convolution (group 3, which the importer writes as one
tosa.conv2d per group on channel slices), a depthwise convolution with a
channel multiplier of 2 and dilation 2, and a plain convolution. Then

  qopt model.onnx qopt-annotate-candidates{bits=8,4} + qopt-calibrate +
      qopt-sensitivity{method=weight-error} + qopt-allocate-bits{avg-bits=6}
      + qopt-quantize[{activations=float}]
  qopt q.mlir qopt-cpu-pipeline -> q.so
  qopt-run q.mlir (reference executor), qopt-run q.so --isa=<each>

with integer candidates (int8 and float activations), minifloat ones and
signed asymmetric ones (bits=8,4,2 asymmetric signed), and prints how many
layers were quantized of each kind (all must be) and,
per kernel variant, whether the library equals the executor: bit for bit
on the integer path (int8 activations) and on the weight-only path, where
the plain convolution's products may be summed in another order (so it
is compared to 1e-5 of the output's largest magnitude).

usage: check_grouped_convs.py WORKDIR
"""
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.RandomState(5)


def init(name, shape, scale=0.3):
    return numpy_helper.from_array(
        (rng.randn(*shape) * scale).astype(np.float32), name)


nodes = [
    helper.make_node("Conv", ["x", "dw0_w", "dw0_b"], ["h0"], name="dw0",
                     group=12, kernel_shape=[3, 3], strides=[2, 2],
                     pads=[1, 0, 1, 1]),
    helper.make_node("Relu", ["h0"], ["h1"], name="relu0"),
    helper.make_node("Conv", ["h1", "g1_w", "g1_b"], ["h2"], name="grouped1",
                     group=3, kernel_shape=[1, 1]),
    helper.make_node("Conv", ["h2", "dw2_w"], ["h3"], name="dw2_mult2",
                     group=6, kernel_shape=[3, 3], dilations=[2, 2],
                     pads=[2, 2, 2, 2]),
    helper.make_node("Relu", ["h3"], ["h4"], name="relu1"),
    helper.make_node("Conv", ["h4", "c3_w", "c3_b"], ["y"], name="conv3",
                     kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
]
inits = [
    init("dw0_w", [12, 1, 3, 3]), init("dw0_b", [12], 0.1),
    init("g1_w", [6, 4, 1, 1]), init("g1_b", [6], 0.1),
    init("dw2_w", [12, 1, 3, 3]),
    init("c3_w", [5, 12, 3, 3], 0.1), init("c3_b", [5], 0.1),
]
graph = helper.make_graph(
    nodes, "convs",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 12, 11, 9])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5, 6, 4])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx_path = os.path.join(work, "convs.onnx")
onnx.save(model, onnx_path)
calib = os.path.join(work, "calib.npy")
np.save(calib, rng.randn(4, 12, 11, 9).astype(np.float32))
x = os.path.join(work, "x.npy")
np.save(x, rng.randn(1, 12, 11, 9).astype(np.float32))


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(" ".join(cmd) + "\n" + result.stdout + result.stderr)
        sys.exit(1)
    return result.stdout


isas = run(["qopt-run", "--list-isas"]).split()
failures = 0
float_ref = os.path.join(work, "float.ref")
run(["qopt-run", onnx_path, "--input", f"x={x}", "--output-dir", float_ref])
float_out = np.load(float_ref + "/y.npy")
CANDIDATES = {"int8": "bits=8,4", "float": "bits=8,4",
              "minifloat": "minifloats=f8E4M3FN,f4E2M1FN",
              "signed-asym": "bits=8,4,2 asymmetric signed"}
for path, options in (("int8", ""), ("float", "{activations=float}"),
                      ("minifloat", ""), ("signed-asym", "")):
    q = os.path.join(work, f"q.{path}.mlir")
    lib = os.path.join(work, f"q.{path}.so")
    run(["qopt", onnx_path, "--pass-pipeline=builtin.module("
         f"qopt-annotate-candidates{{{CANDIDATES[path]}}},"
         f"qopt-calibrate{{data={calib}}},"
         "qopt-sensitivity{method=weight-error},"
         f"qopt-allocate-bits{{avg-bits=6}},qopt-quantize{options})", "-o", q])
    text = open(q).read()
    counts = {op: len(re.findall(rf"= {re.escape(op)} ", text))
              for op in ("qopt.depthwise_conv2d", "qopt.conv2d",
                         "tosa.depthwise_conv2d", "tosa.conv2d")}
    print(f"{path}: " + ", ".join(f"{op} {n}" for op, n in counts.items()))
    run(["qopt", q, "--pass-pipeline=builtin.module(qopt-cpu-pipeline)",
         "-o", lib])
    run(["qopt-run", q, "--input", f"x={x}", "--output-dir", q + ".ref"])
    ref = np.load(q + ".ref/y.npy")
    if path == "signed-asym":
        zps = re.findall(r"!quant.uniform<i[248]:f32:0, \{[^}]*:-?[1-9]", text)
        print(f"{path}: {len(zps)} packed weights with non-zero zero points")
    if path == "minifloat":
        formats = sorted(set(re.findall(r"tensor<\d+x\d+x(f[468]E\w+)>", text)))
        print(f"{path}: code-book weights {', '.join(formats)}; max |executor "
              f"- float model| = {float(np.max(np.abs(ref - float_out))):.3g}")
    for isa in ("portable", "avx2", "avx512-vnni", "avx-vnni"):
        label = f"{path} {isa}"
        if isa not in isas:
            print(f"{label}: skipped (this CPU lacks it)")
            continue
        out = f"{lib}.{isa}"
        run(["qopt-run", lib, f"--isa={isa}", "--input", f"x={x}",
             "--output-dir", out])
        got = np.load(out + "/y.npy")
        if got.shape != ref.shape:
            print(f"{label}: MISMATCH shape {got.shape} vs {ref.shape}")
            failures += 1
            continue
        bad = int(np.sum(got.view(np.uint32) != ref.view(np.uint32)))
        err = float(np.max(np.abs(got - ref))) / max(float(np.max(np.abs(ref))), 1e-30)
        if path in ("int8", "signed-asym") and bad:
            print(f"{label}: MISMATCH in {bad} of {ref.size} values")
            failures += 1
        elif path in ("int8", "signed-asym"):
            print(f"{label}: bit-exact ({ref.size} values)")
        elif err <= 1e-5:
            print(f"{label}: within 1e-5 ({ref.size} values)")
        else:
            print(f"{label}: MISMATCH relative error {err:.3g}")
            failures += 1
print(f"{failures} mismatches")
sys.exit(1 if failures else 0)
