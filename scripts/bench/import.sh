#!/usr/bin/env bash
#===- scripts/bench/import.sh - ONNX import time and peak memory ---------===#
#
# Imports resnet18, efficientnet_b0 and the 537 MB external-data big_mlp
# (scripts/models/make_all.sh makes them), writing MLIR bytecode to
# /dev/null, and prints wall time, peak RSS and peak RSS / model size.
# Benchmarks print; they do not assert.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
qopt=${QOPT:-$root/build/bin/qopt}
models=$root/.cache/models
printf "%-18s %10s %10s %12s %14s\n" model "size MB" "time s" "peak RSS MB" "RSS / size"
for m in resnet18 efficientnet_b0 big_mlp; do
  size=$(du -bL "$models/$m.onnx" | cut -f1)
  [ -f "$models/$m.onnx.data" ] && size=$((size + $(du -bL "$models/$m.onnx.data" | cut -f1)))
  out=$( { /usr/bin/time -f "%e %M" "$qopt" "$models/$m.onnx" --emit-bytecode -o /dev/null; } 2>&1 | tail -1)
  secs=${out% *}; kb=${out#* }
  awk -v m="$m" -v s="$size" -v t="$secs" -v k="$kb" 'BEGIN {
    printf "%-18s %10.1f %10.2f %12.0f %14.2f\n", m, s / 1e6, t, k / 1024, k * 1024 / s }'
done
