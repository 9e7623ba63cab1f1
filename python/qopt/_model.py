"""The Python workflow over qopt's passes: Model (load, calibrate,
sensitivity, allocate, compile), Plan (the allocation report, Pareto
sweeps), Artifact (a deployed model to run), Executor (the reference
executor)."""

import collections
import json
import os
import tempfile

import numpy as np

from . import _qopt
from ._data import dataset_spec, load_labelled

_BUDGETS = ("avg_bits", "weight_bytes", "bops", "latency", "luts", "dsps",
            "brams")

Layer = collections.namedtuple(
    "Layer", ["name", "op", "weight_shape", "params", "macs"])


def _option_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_option_value(v) for v in value)
    text = str(value)
    if not text or any(c in text for c in " {}=,'\""):
        if '"' in text:
            raise ValueError(f"qopt: option value {text!r} contains a double quote")
        return f'"{text}"'
    return text


def _pass(name, **options):
    """`name{key=value ...}` with Python keyword names (underscores become
    dashes); options that are None are left out."""
    items = [f"{k.replace('_', '-')}={_option_value(v)}"
             for k, v in options.items() if v is not None]
    return name + ("{" + " ".join(items) + "}" if items else "")


def _pipeline(*passes):
    return "builtin.module(" + ",".join(passes) + ")"


def _load_module(source, input_shapes=None, default_batch_size=1):
    if isinstance(source, _qopt.Module):
        return source.clone()
    if isinstance(source, Model):
        return source._current().clone()
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError("qopt: load takes a path or MLIR text, not "
                        f"{type(source).__name__}")
    text = os.fspath(source)
    if os.path.exists(text):
        with open(text, "rb") as f:
            head = f.read(4096)
        is_mlir = text.endswith(".mlir") or (
            b"\x00" not in head and
            head.lstrip().startswith((b"module", b"func.func", b"#", b"//", b"builtin")))
        if is_mlir:
            if input_shapes:
                raise ValueError("qopt: input_shapes applies to ONNX models only")
            with open(text, encoding="utf-8") as f:
                return _qopt.Module.parse(f.read(), text)
        shapes = {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()}
        return _qopt.Module.import_onnx(text, shapes, int(default_batch_size))
    if "func.func" in text or text.lstrip().startswith("module"):
        return _qopt.Module.parse(text)
    raise FileNotFoundError(f"qopt: no such file '{text}'")


def load(source, input_shapes=None, default_batch_size=1):
    """A Model from an ONNX file, an .mlir file or MLIR text.
    `input_shapes` pins ONNX graph input shapes ({"x": (1, 3, 224, 224)})."""
    return Model(_load_module(source, input_shapes, default_batch_size))


def run_pipeline(module, pipeline):
    """Runs a pass pipeline ("builtin.module(...)") on MLIR text or an
    .mlir/.onnx path and returns the resulting MLIR text."""
    m = _load_module(module)
    m.run_pipeline(pipeline)
    return m.text()


def load_artifact(path, name="", variant="auto", num_threads=0):
    """A deployed model (e.g. a CPU .so) loaded through its target; a CPU
    library runs on `num_threads` threads (0: as many as the process may
    use; results are identical for every count)."""
    return Artifact(path, name=name, variant=variant, num_threads=num_threads)


class Executor:
    """The reference executor (the oracle every target is checked against)
    on a Model or MLIR text/path: `Executor(m).run({"x": array})`."""

    def __init__(self, model, num_threads=1):
        module = model._current() if isinstance(model, Model) else _load_module(model)
        self._exec = _qopt.Executor(module, num_threads)

    @property
    def inputs(self):
        return self._exec.inputs

    @property
    def outputs(self):
        return self._exec.outputs

    def run(self, inputs):
        return self._exec.run(inputs)


def _accuracy(run, inputs, x, y, batch_size):
    spec = inputs[0]
    batch = spec["shape"][0] if batch_size is None else batch_size
    correct = total = 0
    dtype = spec["dtype"]
    for start in range(0, len(x) - batch + 1, batch):
        xb = np.ascontiguousarray(x[start:start + batch], dtype=dtype)
        xb = xb.reshape((batch,) + tuple(spec["shape"][1:]))
        out = next(iter(run({spec["name"]: xb}).values()))
        pred = out.reshape(batch, -1).argmax(axis=1)
        correct += int((pred == y[start:start + batch]).sum())
        total += batch
    if total == 0:
        raise ValueError("qopt: fewer samples than one batch")
    return correct / total


class Artifact:
    """A deployed model: `run(inputs) -> {name: array}` (inputs by name or
    position; arrays of the model's dtype are not copied, the GIL is
    released while it runs)."""

    def __init__(self, path, name="", variant="auto", num_threads=0):
        self.path = os.fspath(path)
        self._art = _qopt.Artifact(self.path, name, variant, int(num_threads))

    @property
    def inputs(self):
        return self._art.inputs

    @property
    def outputs(self):
        return self._art.outputs

    def describe(self):
        return self._art.describe()

    def run(self, inputs):
        return self._art.run(inputs)

    def evaluate(self, data, labels=None, mean=0.0, std=1.0):
        """Top-1 accuracy on labelled data: an .npz with x and y, (x, y),
        or x with `labels`; inputs normalised as (x - mean) / std, in
        batches of the model's input batch size."""
        x, y = load_labelled(data, labels)
        x = (x.astype(np.float32) - np.float32(mean)) / np.float32(std)
        return _accuracy(self.run, self.inputs, x, y, None)

    def __repr__(self):
        return f"qopt.Artifact({self.path!r}, {self.describe()})"


class Plan:
    """An allocation: the module with `qopt.format` chosen per layer, the
    report the allocator printed (`table()`) and its JSON (`to_dict()`)."""

    def __init__(self, model, module, report, data, options):
        self._model = model
        self._module = module
        self._report = report
        self._data = data
        self._options = options

    def table(self):
        return self._report

    def to_dict(self):
        return json.loads(json.dumps(self._data))

    @property
    def average_bits(self):
        return self._data["average_bits"]

    @property
    def weight_bytes(self):
        return self._data["weight_bytes"]

    def text(self):
        return self._module.text()

    def pareto(self, budget="weight-bytes", points=16):
        """The frontier of this allocation problem over `budget`
        (weight-bytes, avg-bits, bops, latency, luts, dsps, brams): a list
        of points (budget, objective, weight_bytes, average_bits, chosen
        per layer)."""
        out = os.path.join(self._model._workdir.name, "pareto.json")
        # The frontier of the budget alone: the plan's own budgets would
        # cap it.
        options = {k: v for k, v in self._options.items() if k not in _BUDGETS}
        options.update(pareto=budget, pareto_points=int(points), pareto_out=out,
                       report="")
        options.pop("report_json", None)
        m = self._model._analyzed_module().clone()
        m.run_pipeline(_pipeline(_pass("qopt-allocate-bits", **options)))
        with open(out) as f:
            data = json.load(f)
        for p in data["points"]:
            p["layers"] = dict(zip(data["layers"], p["chosen"]))
        return data["points"]

    def plot_pareto(self, path, budget="weight-bytes", points=16):
        """Plots pareto(budget, points) (objective against the budget's
        use) with this plan marked, to an image file (PNG, SVG, ...)."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        frontier = self.pareto(budget, points)
        key = {"weight-bytes": "weight_bytes", "avg-bits": "average_bits",
               "bops": "bops"}.get(budget, "budget")
        xs = [p[key] for p in frontier]
        ys = [p["objective"] for p in frontier]
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(xs, ys, "o-", label="ILP frontier")
        here = {"weight-bytes": self.weight_bytes,
                "avg-bits": self.average_bits,
                "bops": self._data.get("bops")}.get(budget)
        if here is not None:
            ax.plot([here], [self._data["objective"]], "r*", markersize=12,
                    label="this plan")
        ax.set_xlabel(budget)
        ax.set_ylabel("predicted damage (sensitivity sum)")
        ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.fspath(path))
        plt.close(fig)
        return frontier

    def __repr__(self):
        return (f"qopt.Plan({len(self._data['layers'])} layers, "
                f"{self.average_bits:.3f} average bits, "
                f"{self.weight_bytes} weight bytes)")


class Model:
    """A model in qopt's IR and the steps of the quantization workflow."""

    def __init__(self, module):
        self._source = module
        self._analyzed = None
        self._analysis = None
        self._calibration = None
        self._workdir = tempfile.TemporaryDirectory(prefix="qopt-py-")

    def _current(self):
        return self._analyzed if self._analyzed is not None else self._source

    @property
    def layers(self):
        """The quantizable layers (name, op, weight shape, params, MACs)."""
        return [Layer(d["name"], d["op"], d["weight_shape"], d["params"],
                      d["macs"])
                for d in self._current().layers() if d["constant_weight"]]

    def text(self, debug_info=False):
        """The model's MLIR; `debug_info` keeps locations (the ONNX node
        names the onnx target needs when exporting from MLIR)."""
        return self._current().text(debug_info)

    def run_pipeline(self, pipeline):
        """Runs a pass pipeline on this model in place (e.g. one the
        helpers do not cover); returns self."""
        self._current().run_pipeline(pipeline)
        return self

    def calibrate(self, data, method="minmax", num_samples=256,
                  input_mean=0.0, input_std=1.0, percentile=None):
        """Records calibration data (numpy array, .npy/.npz path, dataset
        spec or iterable of batches) and runs qopt-calibrate on it; a
        progress line goes to stderr on long runs. Returns self."""
        spec = dataset_spec(data, self._workdir.name, "calibration")
        self._calibration = dict(data=spec, num_samples=int(num_samples),
                                 input_mean=float(input_mean),
                                 input_std=float(input_std))
        options = dict(self._calibration, method=method, percentile=percentile)
        m = self._source.clone()
        m.run_pipeline(_pipeline(_pass("qopt-calibrate", **options)))
        self._calibrated = m
        self._calibrate_options = options
        self._analyzed = None
        return self

    def sensitivity(self, method=None, bits=(8, 4, 2), minifloats=None,
                    granularity=None, group_size=None,
                    asymmetric=None, target="cpu", candidates=None,
                    num_samples=None):
        """Offers the candidates the target lowers
        (qopt-annotate-candidates) and measures each layer's sensitivity to
        each (qopt-sensitivity: "weight-error", "hessian" or "output";
        default hessian with calibration data, weight-error without;
        "output" runs `num_samples` of the calibration data, default 64).
        `candidates` may be a dict of the other keyword arguments. Returns
        {layer: {format: damage}}."""
        if candidates:
            bits = candidates.get("bits", bits)
            minifloats = candidates.get("minifloats", minifloats)
            granularity = candidates.get("granularity", granularity)
            group_size = candidates.get("group_size", group_size)
            asymmetric = candidates.get("asymmetric", asymmetric)
        calibrated = self._calibration is not None
        if method is None:
            method = "hessian" if calibrated else "weight-error"
        annotate = _pass("qopt-annotate-candidates",
                         bits=list(bits) if bits else None,
                         minifloats=list(minifloats) if minifloats else None,
                         granularity=granularity.replace("_", "-") if granularity else None,
                         group_size=group_size,
                         asymmetric=asymmetric, target=target)
        method = method.replace("_", "-")
        sens_options = dict(method=method)
        if method == "output":
            if not calibrated:
                raise _qopt.Error("qopt: sensitivity method 'output' needs "
                                  "calibration data (call calibrate first)")
            sens_options.update(data=self._calibration["data"],
                                num_samples=num_samples,
                                input_mean=self._calibration["input_mean"],
                                input_std=self._calibration["input_std"])
        m = (self._calibrated if calibrated else self._source).clone()
        m.run_pipeline(_pipeline(annotate, _pass("qopt-sensitivity", **sens_options)))
        self._analyzed = m
        self._analysis = dict(target=target, calibrated=calibrated)
        # The sensitivities as the allocator sees them: its JSON report.
        out = os.path.join(self._workdir.name, "sensitivity.json")
        probe = m.clone()
        probe.run_pipeline(_pipeline(_pass(
            "qopt-allocate-bits", avg_bits=64, report="", report_json=out,
            target=target)))
        with open(out) as f:
            report = json.load(f)
        return {l["name"]: l["sensitivity"] for l in report["layers"]}

    def _analyzed_module(self):
        if self._analyzed is None:
            self.sensitivity()
        return self._analyzed

    def allocate(self, avg_bits=None, weight_bytes=None, bops=None,
                 latency_ms=None, latency_us=None, latency_table=None,
                 luts=None, dsps=None, brams=None, fpga_model=None,
                 solver="exact", **options):
        """Chooses a format per layer under the budgets (qopt-allocate-bits
        and qopt-split-group-formats). Latency budgets are in the table's
        unit (µs for measured CPU tables; latency_ms is converted).
        Returns a Plan."""
        if latency_ms is not None:
            latency_us = float(latency_ms) * 1000.0
        budgets = dict(avg_bits=avg_bits, weight_bytes=weight_bytes, bops=bops,
                       latency=latency_us, luts=luts, dsps=dsps, brams=brams)
        if all(v is None for v in budgets.values()):
            raise ValueError("qopt: allocate needs a budget (avg_bits, "
                             "weight_bytes, bops, latency_ms, luts, dsps or brams)")
        for k, v in budgets.items():
            if v is not None and not (isinstance(v, (int, float)) and v > 0):
                raise ValueError(f"qopt: budget {k} must be a positive number, not {v!r}")
        module = self._analyzed_module().clone()
        report = os.path.join(self._workdir.name, "report.txt")
        report_json = os.path.join(self._workdir.name, "report.json")
        alloc = dict(budgets, latency_table=latency_table,
                     fpga_model=fpga_model, solver=solver,
                     target=self._analysis["target"], **options)
        module.run_pipeline(_pipeline(
            _pass("qopt-allocate-bits", report=report, report_json=report_json,
                  **alloc),
            "qopt-split-group-formats"))
        with open(report) as f:
            text = f.read()
        with open(report_json) as f:
            data = json.load(f)
        return Plan(self, module, text, data, alloc)

    def compile(self, plan, target=None, out=None, name=None,
                activations=None, onnx_base=None, **target_options):
        """Quantizes the plan's module (qopt-quantize; int8 activations when
        calibrated, weight-only otherwise) and writes the target's artifact
        to `out` (cpu: a .so; onnx: a .onnx, edited from the model this
        one was imported from, or from `onnx_base` for MLIR input). Other
        keywords are the target's artifact options (cpu: cc, cpu,
        runtime_library, runtime_include_dir). Returns an Artifact for
        targets that load here (cpu), else the output path."""
        if not isinstance(plan, Plan):
            raise TypeError("qopt: compile takes the Plan allocate returned")
        target = target or self._analysis["target"]
        if out is None:
            raise ValueError("qopt: compile needs out= (the artifact's path)")
        if activations is None:
            activations = "int8" if self._analysis["calibrated"] else "float"
        module = plan._module.clone()
        module.run_pipeline(_pipeline(_pass("qopt-quantize", activations=activations)))
        self._quantized = module.clone()
        out = os.fspath(out)
        module.write_artifact(target, out, name or "",
                              [(k.replace("_", "-"), str(v))
                               for k, v in target_options.items()],
                              os.fspath(onnx_base) if onnx_base else "")
        if target == "cpu":
            return Artifact(out, name=name or "")
        return out

    def quantized(self):
        """The quantized IR of the last compile (before the target's
        lowering) as a Model, e.g. to run it in the reference Executor."""
        if getattr(self, "_quantized", None) is None:
            raise _qopt.Error("qopt: nothing compiled yet (call compile first)")
        return Model(self._quantized.clone())

    def evaluate(self, data, labels=None, mean=0.0, std=1.0):
        """Top-1 accuracy of this model (its current IR) in the reference
        executor; see Artifact.evaluate."""
        x, y = load_labelled(data, labels)
        x = (x.astype(np.float32) - np.float32(mean)) / np.float32(std)
        ex = Executor(self)
        return _accuracy(ex.run, ex.inputs, x, y, None)

    def __repr__(self):
        return f"qopt.Model({len(self.layers)} quantizable layers)"
