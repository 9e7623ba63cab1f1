#!/usr/bin/python3
"""Accuracy of qopt allocations on the trained models (issue #5 validation).

For the Fashion-MNIST CNN and the digits MLP (scripts/models/), with weight
fake-quantization (qopt-fake-quantize-weights) and the reference executor
(qopt-run --eval) on the models' test sets, measures top-1 accuracy for:
float; uniform si8; uniform si4; ILP-mixed (candidates si8/si4/si3/si2) at the
weight bytes of uniform si4; ILP-mixed halfway between si4 and si8 bytes;
and, where mixing has room, uniform si3 against ILP-mixed at its bytes.
The mixed allocations are made with each sensitivity method (weight-error,
hessian, output), per layer, and also per
group of GROUP output channels (qopt-sensitivity channels-per-group,
allocated per group, split by qopt-split-group-formats). Then, per method, the Spearman rank correlation between
the predicted sensitivity and the measured accuracy drop of quantizing one
layer alone to si4, si3 or si2 (every layer x low-bit candidate pair).

Usage: scripts/validation/allocation_accuracy.py [--build build] [--markdown]
Prints a table (markdown with --markdown: what docs/Allocation.md records).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, ".cache", "models")
FASHION = "/usr/share/datasets/fashion-mnist"

# name, model, calibration data spec, mean, std, evaluation spec
SETUPS = [
    ("fashion_mnist_cnn", "fashion_mnist_cnn.onnx",
     f"fashion-mnist:{FASHION}/train-images-idx3-ubyte.gz", 0.2860, 0.3530,
     f"fashion-mnist:{FASHION}/t10k-images-idx3-ubyte.gz"),
    ("digits_mlp", "digits_mlp.onnx",
     None, 0.0, 1.0, os.path.join(MODELS, "digits_test.npz")),
]
METHODS = ["weight-error", "hessian", "output"]
# Per-group allocation: the methods with per-group values, and the group.
GROUP_METHODS = ["weight-error", "hessian", "output"]
GROUP = 4


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"allocation_accuracy: failed: {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


class Model:
    def __init__(self, build, tmp, setup):
        (self.name, model, self.calib, self.mean, self.std, self.eval) = setup
        self.qopt = os.path.join(build, "bin", "qopt")
        self.qrun = os.path.join(build, "bin", "qopt-run")
        self.model = os.path.join(MODELS, model)
        self.tmp = tmp
        if self.calib is None:  # digits: calibrate on the training part
            self.calib = self.make_digits_calibration()

    def make_digits_calibration(self):
        """The MLP's training split (as scripts/models/train_digits_mlp.py
        makes it), pixels / 16, for calibration; the test split evaluates."""
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        x, y = load_digits(return_X_y=True)
        x_tr, _, _, _ = train_test_split(x, y, test_size=0.25, random_state=0,
                                         stratify=y)
        path = os.path.join(self.tmp, "digits_train.npy")
        np.save(path, (x_tr / 16.0).astype(np.float32).reshape(-1, 64))
        return path

    def pipeline(self, passes, out, extra=()):
        run([self.qopt, self.model, "-o", out,
             f"--pass-pipeline=builtin.module({','.join(passes)})", *extra])
        return out

    def data_opts(self):
        return (f"data={self.calib} num-samples=256 input-mean={self.mean} "
                f"input-std={self.std}")

    def sensitivity(self, method, group=0):
        """IR with si8/si4/si3/si2 candidates and `method` sensitivities
        (per group of `group` output channels when non-zero)."""
        path = os.path.join(self.tmp, f"{self.name}.{method}.{group}.mlir")
        if os.path.exists(path):
            return path
        passes = ["qopt-annotate-candidates{bits=8,4,3,2}"]
        per = f" channels-per-group={group}"
        if method == "hessian":
            passes += [f"qopt-calibrate{{{self.data_opts()}}}",
                       f"qopt-sensitivity{{method=hessian{per}}}"]
        elif method == "output":
            passes += [f"qopt-sensitivity{{method=output {self.data_opts()}{per}}}"]
        else:
            passes += [f"qopt-sensitivity{{method=weight-error{per}}}"]
        return self.pipeline(passes, path)

    def evaluate(self, mlir):
        out = run([self.qrun, mlir, f"--eval={self.eval}",
                   f"--eval-mean={self.mean}", f"--eval-std={self.std}"])
        return float(out.split("top-1 accuracy ")[1].split()[0])

    def allocate(self, sens_ir, budget, tag, fq_layers=None):
        """Allocates from sens_ir, fake-quantizes, returns (acc, report)."""
        report = os.path.join(self.tmp, f"{self.name}.{tag}.json")
        out = os.path.join(self.tmp, f"{self.name}.{tag}.mlir")
        fq = "qopt-fake-quantize-weights"
        if fq_layers:
            fq += "{layers=" + ",".join(fq_layers) + "}"
        run([self.qopt, sens_ir, "-o", out, "--pass-pipeline=builtin.module("
             f"qopt-allocate-bits{{{budget} report= report-json={report}}},"
             f"qopt-split-group-formats,{fq})"])
        return self.evaluate(out), json.load(open(report))


def spearman(a, b):
    def ranks(x):
        x = np.asarray(x, dtype=float)
        order = x.argsort()
        r = np.empty(len(x))
        r[order] = np.arange(len(x))
        for v in np.unique(x):  # average ties
            r[x == v] = r[x == v].mean()
        return r
    ra, rb = ranks(a), ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rows, corr = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for setup in SETUPS:
            m = Model(args.build, tmp, setup)
            acc_float = m.evaluate(m.model)
            base = m.sensitivity("weight-error")
            acc8, rep8 = m.allocate(base, "min-bits=8", "u8")
            # Uniform si4: forbid si8 with a budget at si4's bits, si2 with
            # a floor.
            acc4, rep4 = m.allocate(base, "avg-bits=4 min-bits=4", "u4")
            acc3, rep3 = m.allocate(base, "avg-bits=3 min-bits=3", "u3")
            bytes4, bytes8 = rep4["weight_bytes"], rep8["weight_bytes"]
            bytes3 = rep3["weight_bytes"]
            rows.append((m.name, "float", "-", None, acc_float))
            rows.append((m.name, "uniform si8", "-", bytes8, acc8))
            rows.append((m.name, "uniform si4", "-", bytes4, acc4))
            rows.append((m.name, "uniform si3", "-", bytes3, acc3))
            for method in METHODS:
                sens = m.sensitivity(method)
                for label, budget in (("mixed @ si4 bytes", bytes4),
                                      ("mixed @ halfway", (bytes4 + bytes8) / 2),
                                      ("mixed @ si3 bytes", bytes3)):
                    acc, rep = m.allocate(sens, f"weight-bytes={budget}",
                                          f"{method}.{int(budget)}")
                    rows.append((m.name, label, method, rep["weight_bytes"], acc))
                # Single-layer drops: every layer alone at si4 and at si2.
                _, rep = m.allocate(sens, "", f"{method}.all")
                predicted, measured = [], []
                for layer in rep["layers"]:
                    for cand in ("si4-ch", "si3-ch", "si2-ch"):
                        if cand not in layer["sensitivity"]:
                            continue
                        bits = cand[2]
                        acc, _ = m.allocate(
                            sens, f"avg-bits={bits} min-bits={bits}",
                            f"{method}.{layer['name'].replace('/', '_')}.{bits}",
                            fq_layers=[layer["name"]])
                        predicted.append(layer["sensitivity"][cand])
                        measured.append(acc_float - acc)
                corr.append((m.name, method, len(predicted),
                             spearman(predicted, measured)))
            for method in GROUP_METHODS:
                sens = m.sensitivity(method, GROUP)
                for label, budget in (("per-group @ si4 bytes", bytes4),
                                      ("per-group @ halfway", (bytes4 + bytes8) / 2),
                                      ("per-group @ si3 bytes", bytes3)):
                    acc, rep = m.allocate(sens, f"weight-bytes={budget}",
                                          f"{method}.g{GROUP}.{int(budget)}")
                    rows.append((m.name, label, method, rep["weight_bytes"], acc))
    if args.markdown:
        print("| model | allocation | sensitivity | weight bytes | top-1 |")
        print("|---|---|---|---:|---:|")
        for name, label, method, nbytes, acc in rows:
            b = "-" if nbytes is None else f"{nbytes:.0f}"
            print(f"| {name} | {label} | {method} | {b} | {acc:.4f} |")
        print()
        print("| model | sensitivity | pairs | Spearman (predicted vs measured drop) |")
        print("|---|---|---:|---:|")
        for name, method, n, rho in corr:
            print(f"| {name} | {method} | {n} | {rho:.3f} |")
    else:
        for name, label, method, nbytes, acc in rows:
            b = "-" if nbytes is None else f"{nbytes:.0f}"
            print(f"{name:18} {label:22} {method:13} {b:>8} {acc:.4f}")
        for name, method, n, rho in corr:
            print(f"spearman {name:18} {method:13} n={n} rho={rho:.3f}")


if __name__ == "__main__":
    main()
