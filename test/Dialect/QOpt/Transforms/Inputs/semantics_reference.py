"""docs/Semantics.md transcribed in numpy for quantize-run.mlir's model.

The model is y = a @ W with W = [[0.5, -1.0], [0.25, 1.0]] quantized to si4
per output channel (symmetric, scale float32(max|w| / 7)). The int8 mode
quantizes `a` with the calibrated range [-1, 3]; the float mode keeps it.
Prints one line that FileCheck matches; exits 1 on a mismatch.
"""
import sys

import numpy as np

mode, a_path, y_path = sys.argv[1:4]
a = np.load(a_path).reshape(3, 2).astype(np.float32)
y = np.load(y_path).reshape(3, 2)
w = np.array([[0.5, -1.0], [0.25, 1.0]], np.float32).T  # [N, K]

f32 = np.float32
scales = [f32(np.abs(w[n]).max() / 7.0) for n in range(2)]
q = np.array([[max(-8, min(7, int(np.rint(np.float64(w[n, k]) / np.float64(scales[n])))))
               for k in range(2)] for n in range(2)])

expected = np.zeros((3, 2), np.float32)
if mode == "int8":
    lo, hi = -1.0, 3.0
    sx = f32((hi - lo) / 255.0)
    zx = int(np.clip(np.rint(-128.0 - lo / np.float64(sx)), -128, 127))
    xq = np.clip(np.rint(a / sx).astype(np.float64) + zx, -128, 127).astype(np.int64)
    for m in range(3):
        for n in range(2):
            acc = int(sum((xq[m, k] - zx) * q[n, k] for k in range(2)))
            multiplier = f32(sx * scales[n])
            expected[m, n] = f32(f32(0.0) + f32(f32(acc) * multiplier))
    same = np.array_equal(expected.view(np.uint32), y.astype(np.float32).view(np.uint32))
    print(("integer path: bit-exact" if same else "integer path: MISMATCH")
          + " (%d values)" % y.size)
    if not same:
        print("expected", expected.tolist(), "got", y.tolist())
        sys.exit(1)
else:
    wdq = np.array([[f32(scales[n] * f32(q[n, k])) for k in range(2)] for n in range(2)])
    expected = (a.astype(np.float64) @ wdq.T.astype(np.float64))
    ok = np.allclose(y, expected, rtol=1e-6, atol=1e-6)
    print(("weight-only path: within 1e-6" if ok else "weight-only path: MISMATCH")
          + " (%d values)" % y.size)
    if not ok:
        print("expected", expected.tolist(), "got", y.tolist())
        sys.exit(1)
