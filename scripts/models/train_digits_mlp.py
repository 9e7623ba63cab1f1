#!/usr/bin/python3
"""Train qopt's sklearn-digits MLP benchmark and export it to ONNX.

Run only with Debian's interpreter (/usr/bin/python3, python3-torch 1.13,
python3-sklearn 1.2, python3-onnx 1.12). The data are the 1797 8x8 digit
images that python3-sklearn ships (sklearn/datasets/data/digits.csv.gz, read
offline by sklearn.datasets.load_digits). Seeded; a few seconds on 2 cores.

Split: sklearn.model_selection.train_test_split(test_size=0.25,
random_state=0, stratify=labels): 1347 train / 450 test images.

Model: Linear(64 -> 64) - ReLU - Linear(64 -> 32) - ReLU - Linear(32 -> 10).

Input normalisation (the ONNX model expects it already applied):
  image = pixel / 16           pixel: the dataset's 0..16 intensities,
                               row-major 8x8 flattened to 64
  ONNX input 'image': float32 1x64; output 'logits' 1x10; class = argmax.

Outputs in .cache/models/ (git-ignored):
  digits_mlp.onnx     opset 13
  digits_mlp.json     test accuracy (450 test images), split, normalisation
  digits_test.npz     'images' float32 450x64 (normalised), 'labels' int64 450
                      (the test split; also a calibration input)

Usage: /usr/bin/python3 scripts/models/train_digits_mlp.py [--force] [--out-dir DIR]
Does nothing when the outputs exist, unless --force.
"""

import argparse
import json
import os
import sys
import time
import warnings

if sys.base_prefix != "/usr":  # Debian's interpreter, not a pyenv/venv one
    sys.stderr.write("train_digits_mlp.py: run with /usr/bin/python3 "
                     "(Debian's torch/onnx/sklearn), not %s\n" % sys.executable)
    sys.exit(2)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
# The same weights on every x86-64 machine: oneDNN (convolutions, linear
# layers) and ATen pick kernels by ISA, and AVX-512 kernels round
# differently from AVX2 ones, so a model trained on an AVX-512 machine
# differed in its last digits (0.8847 vs 0.8848 top-1) and so did every
# figure quoted from it. Every machine we run on has AVX2.
os.environ.setdefault("DNNL_MAX_CPU_ISA", "AVX2")
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")  # OpenBLAS picks kernels by CPU too
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, ".cache", "models")
SEED = 0
NAME = "digits_mlp"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    args = ap.parse_args()

    out = args.out_dir
    onnx_path = os.path.join(out, NAME + ".onnx")
    json_path = os.path.join(out, NAME + ".json")
    test_path = os.path.join(out, "digits_test.npz")
    if not args.force and all(os.path.exists(p) for p in (onnx_path, json_path, test_path)):
        print("[skip] %s (exists; --force to redo): %s" % (NAME, open(json_path).read().strip()[:200]))
        return 0

    t0 = time.time()
    torch.set_num_threads(2)
    torch.manual_seed(SEED)

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=SEED,
                                              stratify=y)
    x_tr, x_te = torch.from_numpy(x_tr), torch.from_numpy(x_te)
    y_tr, y_te = torch.from_numpy(y_tr), torch.from_numpy(y_te)

    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                          nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    batch = 32
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(x_tr), generator=gen)
        for i in range(0, len(perm), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss_fn(model(x_tr[idx]), y_tr[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x_te).argmax(1) == y_te).float().mean().item()
    print("digits MLP: %d epochs, test accuracy %.4f (%.1f s)" % (args.epochs, acc, time.time() - t0))

    os.makedirs(out, exist_ok=True)
    tmp = onnx_path + ".tmp"
    torch.onnx.export(model, (x_te[:1],), tmp, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    onnx.checker.check_model(onnx.load(tmp))
    np.savez_compressed(test_path + ".tmp.npz", images=x_te.numpy(), labels=y_te.numpy())
    os.replace(test_path + ".tmp.npz", test_path)
    info = {
        "model": NAME + ".onnx",
        "dataset": "sklearn digits (python3-sklearn's digits.csv.gz), 1797 8x8 images",
        "split": {"train": int(len(x_tr)), "test": int(len(x_te)),
                  "how": "train_test_split(test_size=0.25, random_state=0, stratify=y)"},
        "test_accuracy": round(acc, 4),
        "input": {"name": "image", "shape": [1, 64], "dtype": "float32",
                  "normalisation": "pixel / 16 (pixels 0..16, 8x8 row-major)"},
        "output": {"name": "logits", "shape": [1, 10]},
        "training": {"epochs": args.epochs, "batch": batch, "optimizer": "Adam lr 3e-3",
                     "seed": SEED, "threads": 2, "seconds": round(time.time() - t0, 1),
                     "torch": torch.__version__},
        "test_set": {"file": os.path.basename(test_path),
                     "what": "npz: images float32 450x64 (normalised), labels int64 450"},
    }
    with open(json_path + ".tmp", "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    os.replace(json_path + ".tmp", json_path)
    os.replace(tmp, onnx_path)
    print("[done] %s: test accuracy %.4f, %.1f s; wrote %s (%.1f KB), %s"
          % (NAME, acc, time.time() - t0, onnx_path, os.path.getsize(onnx_path) / 1e3, json_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
