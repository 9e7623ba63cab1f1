"""The two real-weight quality benchmarks: data, metrics and the qopt flow.

Shared by scripts/validation/real_models.py (the tables of docs/Quality.md)
and test/validation/real-models-small (the CI regression). Models and data
are made by scripts/models/make_all.sh into .cache/models:

* OCR: PP-OCRv4 recognizer (ppocrv4_rec.onnx) on rendered lines
  (make_ocr_lines.py: ocr_lines.npz). Greedy CTC decoding; character error
  rate = total edit distance / total label characters (leading and
  trailing spaces of the decoded text stripped); exact-line rate.
  Loss for single-layer damage: mean CTC negative log-likelihood of the
  labels (torch.nn.functional.ctc_loss on the model's probabilities).
* GPT: byte-level GPT (byte_gpt.onnx, train_byte_gpt.py) on byte windows
  (byte_gpt_data.npz). Bits per byte = mean -log2 p(next byte) over the
  128 positions of each window; perplexity (per byte) = 2^bpb.

Every quantized model runs in qopt's reference executor (the oracle the
targets are checked against); `Flow` builds qopt pipelines from the
passes' options (docs/Passes/QOptPasses.md).
"""
import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, ".cache", "models")


def import_qopt(build):
    sys.path.insert(0, os.path.join(build, "python"))
    import qopt  # noqa: E402
    return qopt


# --------------------------------------------------------------------------
# OCR
# --------------------------------------------------------------------------

class OCR:
    name = "ppocrv4_rec"
    metric = "CER"
    input = "x"

    def __init__(self, lines=None, models=MODELS):
        d = np.load(os.path.join(models, "ocr_lines.npz"))
        n = len(d["labels"]) if lines is None else lines
        self.x = self.normalise(d["pixels"][:n], d["widths"][:n])
        self.calib = self.normalise(d["calib_pixels"], d["calib_widths"])
        self.labels = [str(s) for s in d["labels"][:n]]
        keys = open(os.path.join(models, "ppocr_keys_v1.txt"), encoding="utf-8").read().split("\n")
        if keys and keys[-1] == "":
            keys.pop()
        self.symbols = [""] + keys + [" "]  # blank, dictionary, space
        self.index = {c: i for i, c in enumerate(self.symbols) if i}
        self.model = os.path.join(models, "ppocrv4_rec.onnx")
        self.shapes = {"x": (1,) + self.x.shape[1:]}

    @staticmethod
    def normalise(pixels, widths):
        x = (pixels.astype(np.float32) / 255.0 - 0.5) / 0.5
        for i, w in enumerate(widths):
            x[i, :, w:] = 0.0
        return np.ascontiguousarray(x.transpose(0, 3, 1, 2))

    def calibration(self, count):
        return self.calib[:count]

    def decode(self, probs):
        out = []
        for row in probs.argmax(-1):
            chars, prev = [], -1
            for k in row:
                if k != prev and k != 0:
                    chars.append(self.symbols[k])
                prev = k
            # The margins around a line decode as spaces: strip them.
            out.append("".join(chars).strip())
        return out

    @staticmethod
    def edit_distance(a, b):
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i]
            for j, cb in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
            prev = cur
        return prev[-1]

    def outputs(self, run, count=None):
        n = len(self.labels) if count is None else count
        return np.concatenate([run(self.x[i:i + 1]) for i in range(n)])

    def score(self, probs):
        """{'CER': %, 'exact': fraction, 'loss': mean CTC NLL}."""
        n = len(probs)
        text = self.decode(probs)
        errors = sum(self.edit_distance(t, l) for t, l in zip(text, self.labels[:n]))
        chars = sum(len(l) for l in self.labels[:n])
        exact = sum(t == l for t, l in zip(text, self.labels[:n]))
        return {"CER": 100.0 * errors / chars, "exact": exact / n,
                "loss": self.ctc_nll(probs)}

    def ctc_nll(self, probs):
        import torch
        import torch.nn.functional as F
        n, t, _ = probs.shape
        logp = torch.from_numpy(np.log(np.maximum(probs, 1e-30))).transpose(0, 1)
        targets = [torch.tensor([self.index[c] for c in l]) for l in self.labels[:n]]
        return float(F.ctc_loss(logp, torch.cat(targets),
                                torch.full((n,), t, dtype=torch.long),
                                torch.tensor([len(x) for x in targets]),
                                blank=0, reduction="mean", zero_infinity=True))


# --------------------------------------------------------------------------
# GPT
# --------------------------------------------------------------------------

class GPT:
    name = "byte_gpt"
    metric = "bpb"
    input = "tokens"

    def __init__(self, windows=None, models=MODELS, sets=("sotu_heldout", "moby_dick")):
        d = np.load(os.path.join(models, "byte_gpt_data.npz"))
        self.sets = {}
        for s in sets:
            w = d[s] if windows is None else d[s][:windows]
            self.sets[s] = w.astype(np.int64)
        self.calib = d["calib"][:, :128].astype(np.int64)
        self.model = os.path.join(models, "byte_gpt.onnx")
        self.batch = 8
        self.shapes = {"tokens": (self.batch, 128)}

    def calibration(self, count):
        return self.calib[:count]

    def outputs(self, run, count=None):
        """Log2 probability of each next byte, per set: {set: [N, 128]}."""
        out = {}
        for s, w in self.sets.items():
            n = len(w) if count is None else min(count, len(w))
            rows = []
            for i in range(0, n, self.batch):
                chunk = w[i:i + self.batch]
                pad = self.batch - len(chunk)
                x = chunk[:, :128]
                if pad:
                    x = np.concatenate([x, np.zeros((pad, 128), np.int64)])
                logits = run(x)[:len(chunk)].astype(np.float64)
                m = logits.max(-1, keepdims=True)
                lse = m[..., 0] + np.log(np.exp(logits - m).sum(-1))
                picked = np.take_along_axis(logits, chunk[:, 1:, None], -1)[..., 0]
                rows.append((picked - lse) / math.log(2))
            out[s] = np.concatenate(rows)
        return out

    def score(self, outs):
        r = {}
        for s, lp in outs.items():
            r["bpb_" + s] = float(-lp.mean())
        r["bpb"] = r["bpb_sotu_heldout"]
        r["ppl"] = 2.0 ** r["bpb"]
        r["loss"] = r["bpb"]
        return r


# --------------------------------------------------------------------------
# The qopt flow
# --------------------------------------------------------------------------

def pipeline(*passes):
    return "builtin.module(" + ",".join(passes) + ")"


class Flow:
    """One model through qopt's passes, run in the reference executor."""

    def __init__(self, qopt, bench, calib_samples, workdir):
        self.qopt = qopt
        self.bench = bench
        self.calib_samples = calib_samples
        self.workdir = workdir
        self.source = qopt.load(bench.model, input_shapes=bench.shapes)
        calib = bench.calibration(calib_samples)
        self.calib_path = os.path.join(workdir, bench.name + "_calib.npy")
        np.save(self.calib_path, calib)
        self._calibrated = {}

    def calibrated(self, second_moments="diagonal", smooth=None):
        key = (second_moments, smooth)
        if key not in self._calibrated:
            m = self.qopt.Model(self.source._current().clone())
            opts = (f"data={self.calib_path} "
                    f"num-samples={self.calib_samples} second-moments={second_moments}")
            if second_moments == "full":
                opts += f" sidecar={os.path.join(self.workdir, self.bench.name + '_moments.npz')}"
            m.run_pipeline(pipeline(f"qopt-calibrate{{{opts}}}"))
            self._calibrated[key] = m
        return self._calibrated[key]

    def executor_run(self, model):
        ex = self.qopt.Executor(model)
        name = ex.outputs[0]["name"] if isinstance(ex.outputs[0], dict) else ex.outputs[0]

        def run(x):
            out = ex.run({self.bench.input: x})
            return out[name] if name in out else next(iter(out.values()))
        return run

    def evaluate(self, model, count=None):
        return self.bench.score(self.bench.outputs(self.executor_run(model), count))
