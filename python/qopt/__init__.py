"""qopt: mixed-precision quantization from Python.

    import qopt
    m = qopt.load("model.onnx", input_shapes={"x": (1, 1, 28, 28)})
    m.calibrate(images, num_samples=256)          # numpy, .npy/.npz, batches
    m.sensitivity(method="hessian", target="cpu")
    plan = m.allocate(avg_bits=4.5)
    print(plan.table())
    art = m.compile(plan, target="cpu", out="model.so")
    art.run({"x": images[:1]})

Every step runs the same passes as the `qopt` command line
(`qopt-compile`'s order: candidates, calibration, sensitivity, allocation,
quantization, the target's lowering), so the IR, reports and libraries
are the CLI's. Errors raise `qopt.Error` with qopt's diagnostics.
"""

from ._qopt import Error, __version__, targets
from ._model import (Artifact, Executor, Layer, Model, Plan, load,
                     load_artifact, run_pipeline)

__all__ = [
    "Artifact", "Error", "Executor", "Layer", "Model", "Plan", "load",
    "load_artifact", "run_pipeline", "targets", "__version__",
]
