#!/usr/bin/env bash
#===- scripts/build.sh - Install dependencies, configure and build qopt --===#
#
# Usage: scripts/build.sh [build-dir]   (default: build)
# Installs the Debian packages (scripts/install-deps.sh), configures a
# Release build with CMake + Ninja against /usr/lib/llvm-22 and builds
# everything, tests included. Safe to re-run: each step is incremental.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}

"$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build"
fi
# Two jobs by default: links of MLIR tools are memory- and CPU-hungry.
ninja -C "$build" -j "${QOPT_BUILD_JOBS:-$(nproc)}"
