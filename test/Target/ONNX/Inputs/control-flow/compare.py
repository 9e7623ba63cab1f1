"""compare.py ORT_DIR QOPT_DIR: every output onnxruntime-node wrote
(io.json) against qopt's .npy of the same name; prints one line per output:
'<name> <shape>: max |qopt - ort| = <v>'."""
import json
import os
import sys

import numpy as np

ort, qopt = sys.argv[1], sys.argv[2]
for o in json.load(open(os.path.join(ort, "io.json")))["outputs"]:
    a = np.load(os.path.join(ort, o["file"]))
    b = np.load(os.path.join(qopt, o["name"] + ".npy"))
    d = np.abs(a.astype(np.float64) - b).max() if a.shape == b.shape else float("inf")
    print("%s %s: max |qopt - ort| = %g" % (o["name"], "x".join(map(str, b.shape)), d))
