#!/usr/bin/env bash
#===- scripts/fuzz-onnx.sh - A fuzzing campaign on the ONNX importer -----===#
#
# Usage: scripts/fuzz-onnx.sh [seconds]   (default 3600)
# Shorthand for `scripts/fuzz.sh --time SECONDS onnx-import`; see there.
#
#===----------------------------------------------------------------------===#
exec "$(dirname "$0")/fuzz.sh" --time "${1:-3600}" onnx-import
