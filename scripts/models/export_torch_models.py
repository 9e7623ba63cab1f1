#!/usr/bin/python3
"""Export the random-weight architectures qopt is tested on to ONNX.

Run only with Debian's interpreter (/usr/bin/python3: python3-torch 1.13,
python3-torchvision 0.14, python3-onnx 1.12). Nothing is downloaded: every
model gets random weights from torch.manual_seed(0) (re-seeded per model, so
a model's bytes do not depend on which others are exported with it).

Outputs go to .cache/models/ (git-ignored) unless --out-dir says otherwise:

  resnet18 mobilenet_v2 mobilenet_v3_small squeezenet1_1 shufflenet_v2_x0_5
  efficientnet_b0        torchvision, input 'input' 1x3x224x224 -> 'output' 1x1000
  transformer_encoder    nn.TransformerEncoder (d_model 64, 4 heads, FFN 128,
                         ReLU, post-norm, 2 layers, batch_first), input
                         1x16x64, opset 17 (LayerNormalization; dropout
                         becomes Identity)
  lstm gru               nn.LSTM / nn.GRU (hidden 32, 1 layer, batch_first) on
                         input 1x8x16, last step -> Linear(32, 10)
  big_mlp                8 x Linear(4096, 4096) + ReLU (~537 MB of float32,
                         He-normal init), input 1x4096; weights as ONNX
                         external data in big_mlp.onnx.data (page-aligned)

Before export, BatchNorm running statistics are re-estimated on a few seeded
random batches (train-mode forward passes, no gradient step), so that the
normalisation is real: activations stay well-scaled through the random
network, and the Conv+BN folding that torch does on export yields non-trivial
weights. All shapes are static (batch 1). Every model passes
onnx.checker.check_model.

Usage:
  /usr/bin/python3 scripts/models/export_torch_models.py            # all
  /usr/bin/python3 scripts/models/export_torch_models.py resnet18 lstm
  /usr/bin/python3 scripts/models/export_torch_models.py --force big_mlp
  /usr/bin/python3 scripts/models/export_torch_models.py --list
Existing outputs are kept unless --force.
"""

import argparse
import collections
import gc
import os
import shutil
import sys
import time
import warnings

if sys.base_prefix != "/usr":  # Debian's interpreter, not a pyenv/venv one
    sys.stderr.write(
        "export_torch_models.py: run with /usr/bin/python3 (Debian's torch/onnx), "
        "not %s\n" % sys.executable)
    sys.exit(2)

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
import torchvision  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, ".cache", "models")
SEED = 0

# torch 1.13's exporter warns about batch-size-1 recurrences and prim::Constant
# shape inference on every run; none of it concerns these static-shape models.
warnings.filterwarnings("ignore", category=UserWarning)


# --- model definitions ------------------------------------------------------

class RecurrentClassifier(nn.Module):
    """nn.LSTM or nn.GRU over a 1x8x16 sequence, last time step -> Linear."""

    def __init__(self, cell, input_size=16, hidden=32, classes=10):
        super().__init__()
        self.rnn = cell(input_size, hidden, num_layers=1, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :])


class BigMLP(nn.Module):
    def __init__(self, width=4096, depth=8):
        super().__init__()
        layers = []
        for _ in range(depth):
            layers += [nn.Linear(width, width), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        # He-normal weights keep activations at unit scale through the ReLU
        # stack (the default nn.Linear init shrinks them ~2x per layer).
        for m in self.body:
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.uniform_(m.bias, -0.05, 0.05)

    def forward(self, x):
        return self.body(x)


def transformer_encoder():
    layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128,
                                       dropout=0.1, batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=2)


def tv(name):
    return lambda: getattr(torchvision.models, name)(weights=None)


# name -> (constructor, input shape, opset, external data?)
# Opset 13 for the CNNs, except mobilenet_v3_small at 17 (torch then emits
# the native HardSwish op, opset >= 14, instead of HardSigmoid+Mul); the
# transformer at 17 for LayerNormalization.
MODELS = collections.OrderedDict([
    ("resnet18", (tv("resnet18"), (1, 3, 224, 224), 13, False)),
    ("mobilenet_v2", (tv("mobilenet_v2"), (1, 3, 224, 224), 13, False)),
    ("mobilenet_v3_small", (tv("mobilenet_v3_small"), (1, 3, 224, 224), 17, False)),
    ("squeezenet1_1", (tv("squeezenet1_1"), (1, 3, 224, 224), 13, False)),
    ("shufflenet_v2_x0_5", (tv("shufflenet_v2_x0_5"), (1, 3, 224, 224), 13, False)),
    ("efficientnet_b0", (tv("efficientnet_b0"), (1, 3, 224, 224), 13, False)),
    ("transformer_encoder", (transformer_encoder, (1, 16, 64), 17, False)),
    ("lstm", (lambda: RecurrentClassifier(nn.LSTM), (1, 8, 16), 13, False)),
    ("gru", (lambda: RecurrentClassifier(nn.GRU), (1, 8, 16), 13, False)),
    ("big_mlp", (BigMLP, (1, 4096), 13, True)),
    # Same weights with a dynamic batch dimension, for batch > 1 runs
    # (benchmarks pin the batch with --input-shape / --shape).
    ("resnet18_dynbatch", (tv("resnet18"), (1, 3, 224, 224), 13, False)),
    ("transformer_encoder_dynbatch", (transformer_encoder, (1, 16, 64), 17, False)),
])


# --- helpers ----------------------------------------------------------------

def recalibrate_batchnorm(model, shape, batches=4, batch_size=8):
    """Re-estimate BN running stats on seeded random data (no weight update)."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the batches below
    gen = torch.Generator().manual_seed(SEED + 1)
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn((batch_size,) + tuple(shape[1:]), generator=gen))
    for m in bns:
        m.momentum = 0.1


def op_histogram(model):
    counts = collections.Counter()

    def walk(graph):
        for n in graph.node:
            counts[n.op_type] += 1
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                for g in a.graphs:
                    walk(g)
    walk(model.graph)
    return counts


def human(nbytes):
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1000 or unit == "GB":
            return ("%d %s" % (nbytes, unit)) if unit == "B" else ("%.1f %s" % (nbytes, unit))
        nbytes /= 1000.0


def outputs_of(name, out_dir):
    files = [os.path.join(out_dir, name + ".onnx")]
    if MODELS[name][3]:
        files.append(os.path.join(out_dir, name + ".onnx.data"))
    return files


def export_one(name, out_dir):
    ctor, shape, opset, external = MODELS[name]
    torch.manual_seed(SEED)
    model = ctor()
    recalibrate_batchnorm(model, shape)
    model.eval()
    # Keep requires_grad on: nn.TransformerEncoder's inference fast path
    # (aten::_transformer_encoder_layer_fwd, no ONNX symbolic) is only taken
    # when autograd is off; with it on, the traced graph uses plain ops.
    torch.manual_seed(SEED + 2)
    example = torch.randn(shape)

    final = os.path.join(out_dir, name + ".onnx")
    tmp_dir = os.path.join(out_dir, ".tmp-" + name)
    shutil.rmtree(tmp_dir, ignore_errors=True)
    os.makedirs(tmp_dir)
    tmp_onnx = os.path.join(tmp_dir, name + ".onnx")

    if external:
        export_external(model, example, opset, tmp_onnx, name + ".onnx.data")
    else:
        dynamic = ({"input": {0: "batch"}, "output": {0: "batch"}}
                   if name.endswith("_dynbatch") else None)
        torch.onnx.export(model, (example,), tmp_onnx, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True, dynamic_axes=dynamic,
                          training=torch.onnx.TrainingMode.EVAL)
        onnx.checker.check_model(onnx.load(tmp_onnx))
    del model
    gc.collect()

    # Publish: side file first, .onnx last (its presence means "done").
    if external:
        os.replace(os.path.join(tmp_dir, name + ".onnx.data"),
                   os.path.join(out_dir, name + ".onnx.data"))
    os.replace(tmp_onnx, final)
    shutil.rmtree(tmp_dir, ignore_errors=True)


def export_external(model, example, opset, onnx_path, data_name):
    """Export with every weight in one external-data file, streaming.

    torch exports the graph only (export_params=False: weights become graph
    inputs named like the state dict); each weight is then appended to the
    side file and turned back into an initializer that points at it. Peak
    memory is the torch model plus one tensor, not two or three copies of
    the weights as with export + onnx.load + save_as_external_data.
    """
    torch.onnx.export(model, (example,), onnx_path, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      export_params=False, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.EVAL)
    m = onnx.load(onnx_path)
    state = dict(model.state_dict())
    data_path = os.path.join(os.path.dirname(onnx_path), data_name)
    keep_inputs = []
    with open(data_path, "wb") as f:
        for inp in m.graph.input:
            if inp.name not in state:
                keep_inputs.append(inp)
                continue
            arr = state[inp.name].detach().contiguous().numpy()
            offset = f.tell()
            pad = (-offset) % 4096  # page-aligned, so consumers may mmap
            f.write(b"\0" * pad)
            offset += pad
            f.write(arr.tobytes())
            t = onnx.TensorProto(name=inp.name, dims=arr.shape,
                                 data_type=onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[arr.dtype])
            t.data_location = onnx.TensorProto.EXTERNAL
            for k, v in (("location", data_name), ("offset", str(offset)),
                         ("length", str(arr.nbytes))):
                e = t.external_data.add()
                e.key, e.value = k, v
            m.graph.initializer.append(t)
    missing = [i.name for i in keep_inputs if i.name != "input"]
    if missing:
        raise RuntimeError("graph inputs that are not weights: %s" % missing)
    del m.graph.input[:]
    m.graph.input.extend(keep_inputs)
    onnx.save_model(m, onnx_path)
    onnx.checker.check_model(onnx_path)  # path form: follows external data


def describe(name, out_dir):
    path = os.path.join(out_dir, name + ".onnx")
    m = onnx.load(path, load_external_data=False)
    opset = max((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), default=0)
    size = sum(os.path.getsize(f) for f in outputs_of(name, out_dir))
    ins = ["%s %s" % (i.name, "x".join(str(d.dim_value) if d.HasField("dim_value") else d.dim_param
                                       for d in i.type.tensor_type.shape.dim))
           for i in m.graph.input
           if i.name not in {t.name for t in m.graph.initializer}]
    ops = op_histogram(m)
    print("  %-22s %9s  opset %2d  inputs: %s" % (name + ".onnx", human(size), opset, ", ".join(ins)))
    print("  %-22s ops: %s" % ("", " ".join("%s:%d" % kv for kv in sorted(ops.items()))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models", nargs="*", help="subset to export (default: all)")
    ap.add_argument("--force", action="store_true", help="re-export even if present")
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    ap.add_argument("--list", action="store_true", help="list the model names and exit")
    args = ap.parse_args()

    if args.list:
        print("\n".join(MODELS))
        return 0
    unknown = [n for n in args.models if n not in MODELS]
    if unknown:
        ap.error("unknown model(s) %s; known: %s" % (", ".join(unknown), " ".join(MODELS)))
    names = args.models or list(MODELS)

    os.makedirs(args.out_dir, exist_ok=True)
    torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
    for name in names:
        if not args.force and all(os.path.exists(f) for f in outputs_of(name, args.out_dir)):
            print("[skip] %s (exists; --force to redo)" % name)
        else:
            t0 = time.time()
            export_one(name, args.out_dir)
            print("[done] %s in %.1f s" % (name, time.time() - t0))
        describe(name, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
