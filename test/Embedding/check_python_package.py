"""The installed qopt Python package (PYTHONPATH = the prefix's package
directory only) imports from the prefix, not the build tree, and runs a
pass pipeline and the reference executor."""

import os

import numpy as np

import qopt

assert qopt.__file__.startswith(os.environ["PYTHONPATH"]), qopt.__file__
m = qopt.load(
    "func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
    "  %y = tosa.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>\n"
    "  return %y : tensor<2xf32>\n}\n")
r = qopt.Executor(m).run([np.array([1, 2], np.float32)])
assert list(r.values())[0].tolist() == [2.0, 4.0], r
lowered = m.run_pipeline("builtin.module(func.func(tosa-to-linalg))").text()
assert "linalg.generic" in lowered
print("installed qopt python package: ok,", qopt.__file__)
