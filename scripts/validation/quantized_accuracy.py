#!/usr/bin/python3
"""Accuracy of really quantized models (issue #6 accuracy table).

For the Fashion-MNIST CNN and the digits MLP, runs qopt's whole flow --
annotate (si8/si4/si2 per channel), calibrate (256 samples), Hessian
sensitivity, the exact ILP allocator, qopt-quantize -- and measures top-1
accuracy on the labelled test sets with the reference executor, which
executes the quantized IR (qopt.quantize / qopt.conv2d / qopt.matmul on
packed int8/int4/int2 weights, int32 accumulation; docs/Semantics.md):

  float; W8A8 (uniform si8 weights, int8 activations); ILP-mixed weights at
  an average of 4.5 bits with int8 activations; the same allocation
  weight-only (float activations); uniform si4 weights with int8
  activations, for reference.

Usage: scripts/validation/quantized_accuracy.py [--build build] [--markdown]
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from allocation_accuracy import SETUPS, Model, run  # noqa: E402


def quantized(model, tag, allocate, activations):
    """Accuracy and packed weight bytes of one configuration."""
    out = os.path.join(model.tmp, f"{model.name}.{tag}.mlir")
    passes = ["qopt-annotate-candidates{bits=8,4,2}",
              f"qopt-calibrate{{{model.data_opts()}}}"]
    if allocate.startswith("uniform-"):
        bits = allocate.split("-")[1]
        passes[0] = f"qopt-annotate-candidates{{bits={bits}}}"
        passes += ["qopt-sensitivity{method=weight-error}",
                   f"qopt-allocate-bits{{min-bits={bits} report=}}"]
    else:
        passes += ["qopt-sensitivity{method=hessian}",
                   f"qopt-allocate-bits{{{allocate} report=}}"]
    passes.append(f"qopt-quantize{{activations={activations}}}")
    model.pipeline(passes, out)
    text = open(out).read()
    packed = 0
    for line in text.splitlines():
        if "qopt.packed_weight" in line:
            packed += int(line.split(": tensor<")[1].split("xi8>")[0])
    return model.evaluate(out), packed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "build"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    configs = [
        ("W8A8 (si8 weights, int8 activations)", "uniform-8", "int8"),
        ("W4A8 (si4 weights, int8 activations)", "uniform-4", "int8"),
        ("ILP-mixed weights, avg 4.5 bits, int8 activations", "avg-bits=4.5", "int8"),
        ("ILP-mixed weights, avg 4.5 bits, float activations", "avg-bits=4.5", "float"),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for setup in SETUPS:
            model = Model(args.build, tmp, setup)
            base = model.evaluate(model.model)
            rows.append((model.name, "float", base, 0.0, None))
            for label, allocate, activations in configs:
                acc, packed = quantized(model, label.split()[0] + activations,
                                        allocate, activations)
                rows.append((model.name, label, acc, (acc - base) * 100, packed))
    if args.markdown:
        print("| model | configuration | top-1 | vs float (pt) | packed weight bytes |")
        print("| --- | --- | --- | --- | --- |")
        for name, label, acc, delta, packed in rows:
            print(f"| {name} | {label} | {acc:.4f} | {delta:+.2f} | "
                  f"{packed if packed is not None else '-'} |")
    else:
        for name, label, acc, delta, packed in rows:
            print(f"{name:18s} {label:55s} {acc:.4f} {delta:+6.2f} pt "
                  f"{packed if packed is not None else '-'}")


if __name__ == "__main__":
    main()
