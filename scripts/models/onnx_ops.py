#!/usr/bin/python3
"""Print each ONNX model's opsets, inputs, outputs, size and op types.

  /usr/bin/python3 scripts/models/onnx_ops.py MODEL.onnx...
  /usr/bin/python3 scripts/models/onnx_ops.py            # every .cache/models/*.onnx
  /usr/bin/python3 scripts/models/onnx_ops.py --json ... # one JSON object per model

External data is not loaded (only the graph is read); sizes count the side
files. Op types include nodes inside subgraphs (If/Loop/Scan bodies).
"""

import collections
import glob
import json
import os
import sys

if sys.base_prefix != "/usr":  # Debian's interpreter, not a pyenv/venv one
    sys.stderr.write("onnx_ops.py: run with /usr/bin/python3, not %s\n" % sys.executable)
    sys.exit(2)

import onnx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def walk(graph, counts):
    for n in graph.node:
        counts[(n.domain + "." if n.domain not in ("", "ai.onnx") else "") + n.op_type] += 1
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                walk(a.g, counts)
            for g in a.graphs:
                walk(g, counts)


def shape_of(vi):
    t = vi.type.tensor_type
    dims = [str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
            for d in t.shape.dim]
    return "%s[%s]" % (onnx.TensorProto.DataType.Name(t.elem_type).lower(), "x".join(dims))


def describe(path):
    m = onnx.load(path, load_external_data=False)
    counts = collections.Counter()
    walk(m.graph, counts)
    inits = {t.name for t in m.graph.initializer}
    files = {os.path.realpath(path)}
    for t in m.graph.initializer:
        for e in t.external_data:
            if e.key == "location":
                files.add(os.path.realpath(os.path.join(os.path.dirname(path), e.value)))
    return {
        "model": os.path.basename(path),
        "bytes": sum(os.path.getsize(f) for f in files),
        "opsets": {(o.domain or "ai.onnx"): o.version for o in m.opset_import},
        "producer": ("%s %s" % (m.producer_name, m.producer_version)).strip(),
        "inputs": {i.name: shape_of(i) for i in m.graph.input if i.name not in inits},
        "outputs": {o.name: shape_of(o) for o in m.graph.output},
        "nodes": sum(counts.values()),
        "initializers": len(inits),
        "external_data": len(files) > 1,
        "ops": dict(sorted(counts.items())),
    }


def main(argv):
    as_json = "--json" in argv
    paths = [a for a in argv if a != "--json"] or sorted(
        glob.glob(os.path.join(ROOT, ".cache", "models", "*.onnx")))
    for p in paths:
        d = describe(p)
        if as_json:
            print(json.dumps(d))
            continue
        print("%s  %.1f MB  opsets %s  %s  %d nodes%s" % (
            d["model"], d["bytes"] / 1e6,
            ",".join("%s:%d" % kv for kv in d["opsets"].items()), d["producer"],
            d["nodes"], "  (external data)" if d["external_data"] else ""))
        print("  in:  " + ", ".join("%s %s" % kv for kv in d["inputs"].items()))
        print("  out: " + ", ".join("%s %s" % kv for kv in d["outputs"].items()))
        print("  ops: " + " ".join("%s:%d" % kv for kv in d["ops"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
