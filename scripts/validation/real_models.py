#!/usr/bin/python3
"""Quantization quality on the two real-weight benchmarks (docs/Quality.md).

PP-OCRv4 recognizer on rendered lines (CER, exact lines) and the byte GPT
on held-out State of the Union speeches and Moby Dick (bits per byte,
perplexity per byte), through qopt's passes, run in the reference
executor (scripts/validation/real_benchmarks.py says how each is scored):

  float; W8A8 (si8 per channel, int8 activations, minmax) with and without
  SmoothQuant (qopt-calibrate smooth-alpha=0.5); W4 weight-only per channel,
  g128 and g32, RTN and GPTQ; W4A8; the ILP (exact solver) over si8/si4/
  si3/si2 (g128 where the group tiles the layer, per channel otherwise) per
  layer with each sensitivity method and per group of 32 output channels,
  at the weight bytes of uniform W4 g128 and at 3 average bits; for OCR
  also the ILP at 4.5 bits with int8 activations. Then, per sensitivity
  method, the Spearman correlation between each layer's predicted damage
  (si3) and the measured loss increase with only that layer at si3.

  --small runs the CI regression (a few dozen lines / windows, a handful of
  configurations) and with --check exits non-zero when a metric leaves its
  tolerance band.

Usage: scripts/validation/real_models.py [--build build] [--model ocr|gpt|all]
       [--small [--check]] [--markdown FILE]
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_benchmarks as rb  # noqa: E402
import numpy as np  # noqa: E402

CANDIDATES = "bits=8,4,3,2 granularity=group group-size=128"


def uniform(bits, gran="", acts="float", gptq=False):
    passes = [f"qopt-annotate-candidates{{bits={bits} {gran}}}",
              "qopt-sensitivity{method=weight-error}",
              "qopt-allocate-bits{weight-bytes=1e15 report=}",
              f"qopt-quantize{{activations={acts}{' gptq=true' if gptq else ''}}}"]
    return passes


def mixed(budget, method="hessian", groups=0, acts="float", extra=""):
    sens = f"qopt-sensitivity{{method={method}"
    if groups:
        sens += f" channels-per-group={groups}"
    if method == "output":
        sens += " data={calib} num-samples=8 metric=kl"
    sens += "}"
    return [f"qopt-annotate-candidates{{{CANDIDATES}}}", sens,
            f"qopt-allocate-bits{{{budget} report= report-json={{report}}}}",
            "qopt-split-group-formats", f"qopt-quantize{{activations={acts}}}"]


def weight_stats(report_path):
    with open(report_path) as f:
        r = json.load(f)
    return r["weight_bytes"], r["average_bits"]


def spearman(a, b):
    ra = np.argsort(np.argsort(a)).astype(float)
    rb_ = np.argsort(np.argsort(b)).astype(float)
    ra -= ra.mean()
    rb_ -= rb_.mean()
    return float((ra * rb_).sum() / np.sqrt((ra ** 2).sum() * (rb_ ** 2).sum()))


class Runner:
    def __init__(self, qopt, bench, calib, work, eval_count):
        self.qopt, self.bench, self.work = qopt, bench, work
        self.flow = rb.Flow(qopt, bench, calib, work)
        self.eval_count = eval_count
        self.rows = []

    def run(self, label, passes, calibration="diagonal", smooth=None, record=True):
        t0 = time.time()
        src = self.flow.source if calibration is None else self.flow.calibrated(calibration)
        m = self.qopt.Model(src._current().clone())
        report = os.path.join(self.work, "report.json")
        pre = []
        if smooth:
            m = self.qopt.Model(self.flow.source._current().clone())
            pre = [f"qopt-calibrate{{data={self.flow.calib_path} "
                   f"num-samples={self.flow.calib_samples} smooth-alpha={smooth}}}"]
        passes = [p.replace("{calib}", self.flow.calib_path).replace("{report}", report)
                  for p in passes]
        if not any("report-json" in p for p in passes):
            passes = [p.replace("report=}", f"report= report-json={report}}}") for p in passes]
        if os.path.exists(report):
            os.remove(report)
        if pre or passes:
            m.run_pipeline(rb.pipeline(*(pre + passes)))
        score = self.flow.evaluate(m, self.eval_count)
        wb, avg = weight_stats(report) if os.path.exists(report) else (None, None)
        row = dict(label=label, weight_bytes=wb, avg_bits=avg, seconds=time.time() - t0, **score)
        print(f"  {self.bench.name}: {label}: " + ", ".join(
            f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
            for k, v in row.items() if k != "label"), flush=True)
        if record:
            self.rows.append(row)
        return row

    def sensitivities(self, method):
        """{layer: value of the si3 candidate} as the allocator sees it."""
        src = self.flow.calibrated()
        m = self.qopt.Model(src._current().clone())
        report = os.path.join(self.work, "sens.json")
        sens = f"qopt-sensitivity{{method={method}"
        if method == "output":
            sens += f" data={self.flow.calib_path} num-samples=8 metric=kl"
        sens += "}"
        m.run_pipeline(rb.pipeline(f"qopt-annotate-candidates{{{CANDIDATES}}}", sens,
                                   f"qopt-allocate-bits{{avg-bits=64 report= report-json={report}}}"))
        with open(report) as f:
            layers = json.load(f)["layers"]
        out = {}
        for l in layers:
            v = [x for k, x in l["sensitivity"].items() if k.startswith("si3")]
            out[l["name"]] = v[0]
        return out

    def measured_damage(self, count):
        """{layer: loss increase with only that layer at si3}."""
        base = self.qopt.Model(self.flow.source._current().clone())
        base.run_pipeline(rb.pipeline(f"qopt-annotate-candidates{{{CANDIDATES.replace('8,4,3,2', '3')}}}",
                                      "qopt-sensitivity{method=weight-error}",
                                      "qopt-allocate-bits{weight-bytes=1e15 report=}"))
        ref = self.flow.evaluate(self.flow.source, count)["loss"]
        out = {}
        for l in self.flow.source.layers:
            m = self.qopt.Model(base._current().clone())
            m.run_pipeline(rb.pipeline(f"qopt-fake-quantize-weights{{layers={l.name}}}"))
            out[l.name] = self.flow.evaluate(m, count)["loss"] - ref
        return out


def full(r, is_ocr):
    r.run("float", [], calibration=None)
    r.run("W8A8", uniform(8, acts="int8"))
    r.run("W8A8 + SmoothQuant (alpha 0.5)", uniform(8, acts="int8"), smooth=0.5)
    for gran, tag in (("", "per-channel"), ("granularity=group group-size=128", "g128"),
                      ("granularity=group group-size=32", "g32")):
        r.run(f"W4 weight-only {tag}, RTN", uniform(4, gran))
        r.run(f"W4 weight-only {tag}, GPTQ", uniform(4, gran, gptq=True), calibration="full")
    r.run("W4A8 per-channel", uniform(4, acts="int8"))
    w4g128 = [x for x in r.rows if x["label"] == "W4 weight-only g128, RTN"][0]["weight_bytes"]
    budget = f"weight-bytes={w4g128}"
    for method in ("weight-error", "hessian", "output"):
        r.run(f"ILP per layer @ W4 g128 bytes, {method}", mixed(budget, method))
    r.run("ILP per group of 32 channels @ W4 g128 bytes, hessian", mixed(budget, groups=32))
    r.run("ILP per layer @ 3 avg bits, hessian", mixed("avg-bits=3"))
    r.run("ILP per group of 32 @ 3 avg bits, hessian", mixed("avg-bits=3", groups=32))
    if is_ocr:
        r.run("ILP per layer @ 4.5 avg bits, int8 activations, hessian",
              mixed("avg-bits=4.5", acts="int8"))


def correlations(r, count):
    measured = r.measured_damage(count)
    names = list(measured)
    out = {}
    for method in ("weight-error", "hessian", "output"):
        pred = r.sensitivities(method)
        out[method] = spearman([pred[n] for n in names], [measured[n] for n in names])
        print(f"  {r.bench.name}: Spearman({method}) = {out[method]:.3f} over {len(names)} layers",
              flush=True)
    return out


def markdown(name, bench, rows, corr, setup):
    m = bench.metric
    base = rows[0]
    lines = [f"### {name}", "", setup, ""]
    if m == "CER":
        lines += ["| configuration | CER % | vs float (pt) | exact lines | weight bytes | avg bits |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for x in rows:
            lines.append(f"| {x['label']} | {x['CER']:.2f} | {x['CER'] - base['CER']:+.2f} | "
                         f"{x['exact']:.3f} | {x['weight_bytes'] or '-'} | "
                         f"{'%.3f' % x['avg_bits'] if x['avg_bits'] else '-'} |")
    else:
        lines += ["| configuration | bits/byte held-out | ppl/byte | vs float | bits/byte Moby Dick | weight bytes | avg bits |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for x in rows:
            lines.append(f"| {x['label']} | {x['bpb']:.4f} | {x['ppl']:.4f} | "
                         f"{100 * (x['ppl'] / base['ppl'] - 1):+.2f} % | {x['bpb_moby_dick']:.4f} | "
                         f"{x['weight_bytes'] or '-'} | "
                         f"{'%.3f' % x['avg_bits'] if x['avg_bits'] else '-'} |")
    if corr:
        lines += ["", "Spearman correlation, predicted si3 damage vs measured loss increase "
                  "with one layer at si3: " +
                  ", ".join(f"{k} {v:.3f}" for k, v in corr.items()) + "."]
    return "\n".join(lines) + "\n"


# CI bands: (configuration, metric, lowest, highest). Wide enough for the
# float rounding differences between machines, narrow enough to catch a
# quantizer, executor or importer regression.
SMALL = {
    "ocr": dict(lines=24, calib=16, bands=[
        ("float", "CER", 6.0, 12.5), ("float", "exact", 0.75, 0.92),
        ("W8A8", "CER", 9.0, 18.0),
        ("W4 weight-only per-channel, GPTQ", "CER", 15.0, 32.0)]),
    "gpt": dict(windows=16, calib=16, bands=[
        ("float", "bpb", 2.1, 2.6),
        ("W8A8 + SmoothQuant (alpha 0.5)", "bpb_rel", -0.005, 0.01),
        ("W4 weight-only g128, GPTQ", "bpb_rel", -0.005, 0.02),
        ("ILP per layer @ 3 avg bits, hessian", "bpb_rel", -0.005, 0.06)]),
}


def small(r, key):
    r.run("float", [], calibration=None)
    if key == "ocr":
        r.run("W8A8", uniform(8, acts="int8"))
        r.run("W4 weight-only per-channel, GPTQ", uniform(4, gptq=True), calibration="full")
    else:
        r.run("W8A8 + SmoothQuant (alpha 0.5)", uniform(8, acts="int8"), smooth=0.5)
        r.run("W4 weight-only g128, GPTQ", uniform(4, "granularity=group group-size=128", gptq=True),
              calibration="full")
        r.run("ILP per layer @ 3 avg bits, hessian", mixed("avg-bits=3"))


def check(rows, bands):
    by = {x["label"]: x for x in rows}
    ok = True
    for label, metric, lo, hi in bands:
        x = by[label]
        v = (x["bpb"] / by["float"]["bpb"] - 1) if metric == "bpb_rel" else x[metric]
        good = lo <= v <= hi
        ok &= good
        print(f"  check {label}: {metric} = {v:.4f} in [{lo}, {hi}]: {'ok' if good else 'OUT OF BAND'}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(rb.ROOT, "build"))
    ap.add_argument("--model", default="all", choices=["ocr", "gpt", "all"])
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--markdown")
    ap.add_argument("--ocr-lines", type=int, default=150)
    ap.add_argument("--gpt-windows", type=int, default=256)
    ap.add_argument("--no-correlation", action="store_true")
    args = ap.parse_args()
    for f in ("ocr_lines.npz", "byte_gpt.onnx"):
        if not os.path.exists(os.path.join(rb.MODELS, f)):
            print(f"real_models: {f} missing: run scripts/models/make_all.sh", file=sys.stderr)
            return 1
    qopt = rb.import_qopt(args.build)
    keys = ["ocr", "gpt"] if args.model == "all" else [args.model]
    ok, md = True, []
    with tempfile.TemporaryDirectory(prefix="qopt-quality-") as work:
        for key in keys:
            if args.small:
                s = SMALL[key]
                bench = rb.OCR(s["lines"]) if key == "ocr" else rb.GPT(s["windows"])
                r = Runner(qopt, bench, s["calib"], work, None)
                small(r, key)
                if args.check:
                    ok &= check(r.rows, s["bands"])
                continue
            if key == "ocr":
                bench = rb.OCR(args.ocr_lines)
                setup = (f"PP-OCRv4 recognizer, {args.ocr_lines} rendered lines, "
                         f"calibration on 64 other lines; Spearman over 47 layers on 40 lines.")
                r = Runner(qopt, bench, 64, work, None)
            else:
                bench = rb.GPT(args.gpt_windows)
                setup = (f"Byte GPT (3.3 M parameters), {args.gpt_windows} windows of 128 "
                         f"bytes from each set, calibration on 64 training windows; "
                         f"Spearman over 17 layers on 64 windows.")
                r = Runner(qopt, bench, 64, work, None)
            full(r, key == "ocr")
            corr = None if args.no_correlation else correlations(r, 40 if key == "ocr" else 64)
            md.append(markdown(bench.name, bench, r.rows, corr, setup))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(md))
    if args.check:
        print("real_models: " + ("all metrics in band" if ok else "FAILED: metrics out of band"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
