"""docs/Semantics.md's integer-only requantization, transcribed in plain
Python integers for integer-chains-run.mlir's model (independently of the
compiler: the multiplier encoding is re-derived with math.frexp).

y = dequantize(requantize(matmul(quantize(a), W) + bias, relu6)) with the
constants of the .mlir file. Prints one line for FileCheck; exits 1 on a
mismatch.
"""
import math
import sys

import numpy as np

a_path, y_path = sys.argv[1:3]
a = np.load(a_path).astype(np.float32).reshape(2, 5)
y = np.load(y_path).astype(np.float32).reshape(2, 3)

f32 = np.float32
sx, zx = f32(0.05), -7
sy, zy = f32(0.03125), -100
sw = [f32(0.125), f32(0.0625), f32(0.25)]
zq = [0, 2, -1]
w = [[3, -4, 7, 0, -8], [1, 2, -3, 4, 5], [-8, -8, 7, 7, 1]]
bias = [f32(0.3), f32(-1.2), f32(2.0)]


def quantize(x, s, z):
    r = float(np.rint(f32(x) / s))
    return int(min(max(r + z, -128), 127))


def encode(r):
    frac, exp = math.frexp(r)
    m, s = round(frac * 2**31), 31 - exp  # frac * 2^31 is < 2^31: no ties
    if m == 2**31:
        m, s = 2**30, s - 1
    return m, s


lo = max(-128, quantize(0.0, sy, zy))
hi = min(127, quantize(6.0, sy, zy))
expected = np.zeros((2, 3), np.float32)
for m in range(2):
    xq = [quantize(v, sx, zx) for v in a[m]]
    for n in range(3):
        acc_scale = float(sx) * float(sw[n])
        acc = round(float(bias[n]) / acc_scale) + sum(
            (xq[k] - zx) * (w[n][k] - zq[n]) for k in range(5))
        mult, shift = encode(acc_scale / float(sy))
        code = ((acc * mult + (1 << (shift - 1))) >> shift) + zy
        code = min(max(code, lo), hi)
        expected[m, n] = sy * f32(code - zy)
same = np.array_equal(expected.view(np.uint32), y.view(np.uint32))
print(("integer-only chain: bit-exact" if same else "integer-only chain: MISMATCH")
      + " (%d values)" % y.size)
if not same:
    print("expected", expected.tolist(), "got", y.tolist())
    sys.exit(1)
