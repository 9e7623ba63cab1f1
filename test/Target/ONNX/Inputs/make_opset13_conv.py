"""Writes an opset-13 model whose export needs opset 21: a 3x3 Conv over 16
channels (group-wise weights become DequantizeLinear with block_size), then
the two ops whose form changed at opset 18, ReduceMean with an `axes`
attribute and Split without a `split` input.

With --dft the model is at opset 17 and also outputs the DFT of a constant:
DFT changed meaning at opset 20, so the export cannot raise this one.

usage: make_opset13_conv.py OUT.onnx [--dft]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
w = rng.normal(0, 0.2, (8, 16, 3, 3)).astype(np.float32)
b = rng.normal(0, 0.1, (8,)).astype(np.float32)
nodes = [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("ReduceMean", ["c"], ["m"], name="mean", axes=[2, 3], keepdims=1),
    helper.make_node("Split", ["m"], ["s0", "s1"], name="split", axis=1),
    helper.make_node("Sub", ["s0", "s1"], ["y"], name="sub"),
]
dft = len(sys.argv) > 2 and sys.argv[2] == "--dft"
outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 1, 1])]
inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
if dft:
    signal = rng.normal(0, 1, (1, 8, 1)).astype(np.float32)
    inits.append(numpy_helper.from_array(signal, "signal"))
    nodes.append(helper.make_node("DFT", ["signal"], ["spectrum"], name="dft"))
    outputs.append(helper.make_tensor_value_info("spectrum", TensorProto.FLOAT, [1, 8, 2]))
graph = helper.make_graph(
    nodes, "opset13_conv",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 8, 8])], outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17 if dft else 13)])
model.ir_version = 8 if dft else 7
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
