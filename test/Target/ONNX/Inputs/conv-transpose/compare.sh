#!/usr/bin/env bash
# compare.sh MODEL.onnx WORKDIR: onnxruntime-node and qopt-run on the same
# pseudo-random input; prints "<model>: max |qopt - ort| <= 1e-5: yes|no".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
model=$1 work=$2
node "$root/scripts/models/ort_run.js" "$model" --npy "$work/ort" --json >/dev/null
qopt-run "$model" --input "x=$work/ort/input_0.npy" --output-dir "$work/qopt" >/dev/null
/usr/bin/python3 -c "
import numpy as np, sys
o = np.load('$work/ort/output_0.npy'); q = np.load('$work/qopt/y.npy')
ok = o.shape == q.shape and np.abs(o - q).max() <= 1e-5
print('%s: max |qopt - ort| <= 1e-5: %s' % (sys.argv[1], 'yes' if ok else 'no'))
" "$(basename "$model" .onnx)"
