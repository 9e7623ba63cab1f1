#!/usr/bin/python3
"""Train qopt's Fashion-MNIST CNNs (plain and residual) and export them to ONNX.

Run only with Debian's interpreter (/usr/bin/python3, python3-torch 1.13,
python3-onnx 1.12); the data are Debian's dataset-fashion-mnist IDX files in
/usr/share/datasets/fashion-mnist/ (parsed here with numpy, nothing is
downloaded). Seeded, 2 threads, 2 epochs: well under 2 minutes on 2 cores.

Model (BatchNorm is folded into the convolutions by the ONNX export):
  Conv(1->16, 3x3, pad 1) - BN - ReLU - MaxPool 2x2      28x28 -> 14x14
  Conv(16->32, 3x3, pad 1) - BN - ReLU - MaxPool 2x2     14x14 -> 7x7
  Flatten - Linear(32*7*7 -> 10)                         logits

The residual variant (fashion_mnist_rescnn, --arch rescnn; the HLS target's
residual-add test model):
  Conv(1->16, 3x3, pad 1) - BN - ReLU - MaxPool 2x2      28x28 -> 14x14
  x + (Conv(16->16) - BN - ReLU - Conv(16->16) - BN), ReLU   identity shortcut
  MaxPool 2x2 - Flatten - Linear(16*7*7 -> 10)           logits

Input normalisation (the ONNX model expects it already applied):
  image = (pixel / 255 - 0.2860) / 0.3530      pixel: uint8 0..255
  (0.2860 / 0.3530: mean / std of the Fashion-MNIST training pixels)
  ONNX input 'image': float32 1x1x28x28 (N,C,H,W); output 'logits' 1x10.
  Class = argmax(logits); labels as in the IDX files (0 T-shirt/top ...
  9 Ankle boot).

Outputs in .cache/models/ (git-ignored):
  fashion_mnist_cnn.onnx       opset 13
  fashion_mnist_rescnn.onnx/.json   the residual variant, same data
  fashion_mnist_cnn.json       test accuracy (10k test images), normalisation,
                               training settings, the files below
  fashion_mnist_calib.npy      float32 256x1x28x28: the first 256 training
                               images, normalised (calibration input)
  fashion_mnist_test.npz       'images' uint8 10000x28x28, 'labels' uint8
                               10000 (the test set, not normalised)

Usage: /usr/bin/python3 scripts/models/train_fashion_mnist.py [--force]
       [--epochs N] [--out-dir DIR] [--arch cnn|rescnn]
Does nothing when the outputs exist, unless --force.
"""

import argparse
import gzip
import json
import os
import shutil
import sys
import time
import warnings

if sys.base_prefix != "/usr":  # Debian's interpreter, not a pyenv/venv one
    sys.stderr.write("train_fashion_mnist.py: run with /usr/bin/python3 "
                     "(Debian's torch/onnx), not %s\n" % sys.executable)
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

warnings.filterwarnings("ignore", category=UserWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, ".cache", "models")
DATA_DIR = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530
SEED = 0


def read_idx(path):
    """Parse a (gzipped) IDX file: magic 0x0000 <dtype 0x08=uint8> <ndim>."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    ndim = raw[3]
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError("%s: %d bytes for shape %s" % (path, data.size, dims))
    return data.reshape(dims)


def load(split):
    images = read_idx(os.path.join(DATA_DIR, "%s-images-idx3-ubyte.gz" % split))
    labels = read_idx(os.path.join(DATA_DIR, "%s-labels-idx1-ubyte.gz" % split))
    return images, labels


def normalise(images_u8):
    x = images_u8.astype(np.float32) / 255.0
    return ((x - MEAN) / STD).astype(np.float32)[:, None, :, :]


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class FashionResCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.branch = nn.Sequential(
            nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16))
        self.pool = nn.MaxPool2d(2)
        self.classifier = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        h = self.stem(x)
        h = torch.relu(h + self.branch(h))
        return self.classifier(torch.flatten(self.pool(h), 1))


ARCHS = {"cnn": ("fashion_mnist_cnn", FashionCNN),
         "rescnn": ("fashion_mnist_rescnn", FashionResCNN)}


def accuracy(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    ap.add_argument("--arch", choices=sorted(ARCHS), default="cnn")
    args = ap.parse_args()
    name, model_class = ARCHS[args.arch]

    out = args.out_dir
    onnx_path = os.path.join(out, name + ".onnx")
    json_path = os.path.join(out, name + ".json")
    calib_path = os.path.join(out, "fashion_mnist_calib.npy")
    test_path = os.path.join(out, "fashion_mnist_test.npz")
    outputs = [onnx_path, json_path, calib_path, test_path]
    if not args.force and all(os.path.exists(p) for p in outputs):
        print("[skip] %s (exists; --force to redo): %s" % (name, open(json_path).read().strip()[:200]))
        return 0

    t0 = time.time()
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    np.random.seed(SEED)

    train_u8, train_y = load("train")
    test_u8, test_y = load("t10k")
    x_train = torch.from_numpy(normalise(train_u8))
    y_train = torch.from_numpy(train_y.astype(np.int64))
    x_test = torch.from_numpy(normalise(test_u8))
    y_test = torch.from_numpy(test_y.astype(np.int64))

    model = model_class()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    batch = 128
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(x_train), generator=gen)
        total = 0.0
        for i in range(0, len(perm), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        acc = accuracy(model, x_test, y_test)
        print("epoch %d: train loss %.4f, test accuracy %.4f (%.1f s)"
              % (epoch + 1, total / len(x_train), acc, time.time() - t0))
    train_s = time.time() - t0

    os.makedirs(out, exist_ok=True)
    model.eval()
    tmp = onnx_path + ".tmp"
    torch.onnx.export(model, (x_test[:1],), tmp, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    onnx.checker.check_model(onnx.load(tmp))

    np.save(calib_path + ".tmp.npy", x_train[:256].numpy())
    os.replace(calib_path + ".tmp.npy", calib_path)
    np.savez_compressed(test_path + ".tmp.npz", images=test_u8, labels=test_y)
    os.replace(test_path + ".tmp.npz", test_path)

    info = {
        "model": name + ".onnx",
        "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist, %s)" % DATA_DIR,
        "test_accuracy": round(acc, 4),
        "test_images": int(len(x_test)),
        "input": {"name": "image", "shape": [1, 1, 28, 28], "dtype": "float32",
                  "normalisation": "(pixel / 255 - mean) / std", "mean": MEAN, "std": STD},
        "output": {"name": "logits", "shape": [1, 10]},
        "classes": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        "training": {"epochs": args.epochs, "batch": batch, "optimizer": "Adam lr 1e-3",
                     "seed": SEED, "threads": 2, "seconds": round(train_s, 1),
                     "torch": torch.__version__},
        "calibration": {"file": os.path.basename(calib_path),
                        "what": "first 256 training images, normalised, float32 256x1x28x28"},
        "test_set": {"file": os.path.basename(test_path),
                     "what": "npz: images uint8 10000x28x28 (raw pixels), labels uint8 10000"},
    }
    with open(json_path + ".tmp", "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    os.replace(json_path + ".tmp", json_path)
    os.replace(tmp, onnx_path)  # last: its presence (with the rest) means done
    print("[done] %s: test accuracy %.4f, %.1f s; wrote %s (%.1f KB), %s"
          % (name, acc, time.time() - t0, onnx_path, os.path.getsize(onnx_path) / 1e3,
             json_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
