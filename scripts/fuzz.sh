#!/usr/bin/env bash
#===- scripts/fuzz.sh - Run qopt's libFuzzer targets ----------------------===#
#
# Usage:
#   scripts/fuzz.sh --ci [target...]          deterministic CI run
#   scripts/fuzz.sh --time SECONDS [target...] a campaign while developing
#
# Targets: onnx-import (the ONNX importer), tensor-io (.npy/.npz/.pb
# readers), attr-parser (#qopt attribute syntax, with a print/parse round
# trip). Default: all three. They are built in build-fuzz/ (clang-22,
# coverage + ASan + UBSan, assertions on).
#
# --ci first replays every committed input of test/fuzz/<target>/corpus/
# (each crash ever found stays there) and the seeds made from the test
# suite, then mutates from them for a fixed number of executions with a
# fixed seed, starting from an empty scratch corpus and with address-space
# randomization off: the same sources give the same executions and the same
# verdict on every machine. Prints, per target,
#   fuzz: <target>: replayed K inputs, N executions (seed S), no crash
#
# --time keeps a growing corpus in build-fuzz/corpus/<target>, prints
# cumulative executions (build-fuzz/fuzz-totals.txt) and copies any crashing
# input into test/fuzz/<target>/corpus/ so that it can be committed with its
# fix. Record campaign totals in docs/Fuzzing.md.
#
# Exits non-zero on any crash, sanitizer report, out-of-memory or input
# that runs longer than the (generous) per-input timeout.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOPT_FUZZ_BUILD_DIR:-$root/build-fuzz}
mode="" seconds=0
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --ci) mode=ci ;;
    --time) mode=time; seconds=$2; shift ;;
    onnx-import|tensor-io|attr-parser) targets+=("$1") ;;
    *) echo "usage: $0 --ci | --time SECONDS [onnx-import|tensor-io|attr-parser]..." >&2
       exit 2 ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "usage: $0 --ci | --time SECONDS [target...]" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(onnx-import tensor-io attr-parser)

# Executions per target in --ci (the seed is fixed; changing either changes
# what CI explores, so change them in a commit of their own).
declare -A ci_runs=([onnx-import]=12000 [tensor-io]=60000 [attr-parser]=40000)
ci_seed=1

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DQOPT_ENABLE_FUZZERS=ON -DQOPT_INCLUDE_TESTS=OFF >/dev/null
fi
ninja -C "$build" $(printf 'qopt-%s-fuzzer ' "${targets[@]}" | sed 's/onnx-import/onnx/') >/dev/null

# Seeds made from the test suite, per target.
make_seeds() {  # target dir
  local t=$1 dir=$2
  rm -rf "$dir"; mkdir -p "$dir"
  case $t in
    onnx-import)
      for f in "$root"/test/Target/ONNX/*.textproto "$root"/test/Target/ONNX/Inputs/*.textproto; do
        protoc --proto_path=/usr/include --encode=onnx.ModelProto onnx/onnx.proto \
          < "$f" > "$dir/$(basename "$f" .textproto).onnx" 2>/dev/null || rm -f "$dir/$(basename "$f" .textproto).onnx"
      done
      for m in fashion_mnist_cnn digits_mlp lstm gru transformer_encoder; do
        [ -f "$root/.cache/models/$m.onnx" ] && cp "$root/.cache/models/$m.onnx" "$dir/"
      done ;;
    tensor-io)
      # One selector byte (0 npy, 1 npz, 2 pb) before each file.
      /usr/bin/python3 - "$dir" <<'PY'
import io, sys, zipfile, numpy as np
d = sys.argv[1]
arrays = [np.arange(6, dtype=np.float32).reshape(2, 3), np.array(3, np.int64),
          np.zeros((0, 4), np.int8), np.arange(5, dtype=np.uint8),
          np.ones((2, 2, 2), np.float16), np.array([True, False])]
for i, a in enumerate(arrays):
    b = io.BytesIO(); np.save(b, a)
    open(f"{d}/npy{i}", "wb").write(b"\x00" + b.getvalue())
for comp in (False, True):
    b = io.BytesIO()
    (np.savez_compressed if comp else np.savez)(b, x=arrays[0], y=arrays[1])
    open(f"{d}/npz{int(comp)}", "wb").write(b"\x01" + b.getvalue())
try:
    import onnx.numpy_helper as nh
    for i, a in enumerate(arrays[:5]):
        open(f"{d}/pb{i}", "wb").write(b"\x02" + nh.from_array(a, f"t{i}").SerializeToString())
except ImportError:
    pass
PY
      ;;
    attr-parser)
      # Every #qopt attribute written in the dialect tests, without "#qopt.".
      grep -rhoE '#qopt\.[a-z_]+<[^>]*(<[^>]*>[^>]*)*>' "$root/test" 2>/dev/null \
        | sort -u | sed 's/^#qopt\.//' | awk -v d="$dir" '{ f = sprintf("%s/a%04d", d, NR); printf "%s", $0 > f; close(f) }' ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  exe=$build/bin/qopt-${t/onnx-import/onnx}-fuzzer
  committed=$root/test/fuzz/$t/corpus
  seeds=$build/seeds/$t
  make_seeds "$t" "$seeds"
  mkdir -p "$committed"
  log=$build/fuzz-$t.log
  # allow_user_poisoning=0: LLVM headers poison allocator memory that the
  # uninstrumented, prebuilt MLIR libraries then touch (false positives).
  export ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0:abort_on_error=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  common=(-timeout=120 -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1
          -artifact_prefix="$build/crash-$t-")
  set +e
  if [ "$mode" = ci ]; then
    inputs=("$committed"/* "$seeds"/*)
    inputs=($(for f in "${inputs[@]}"; do [ -f "$f" ] && echo "$f"; done))
    # Replay: each input once, in a stable order.
    setarch "$(uname -m)" -R "$exe" "${common[@]}" -runs=1 "${inputs[@]}" >"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
      scratch=$(mktemp -d)
      setarch "$(uname -m)" -R "$exe" "${common[@]}" -seed=$ci_seed \
        -runs="${ci_runs[$t]}" "$scratch" "$committed" "$seeds" >>"$log" 2>&1
      rc=$?
      rm -rf "$scratch"
    fi
    runs=$(grep -E "^stat::number_of_executed_units:" "$log" | tail -1 | awk '{print $2}')
    if [ $rc -ne 0 ]; then
      tail -40 "$log"
      echo "fuzz: $t: FAILED (artifacts: $build/crash-$t-*; add the input to $committed with its fix)"
      status=1
    else
      echo "fuzz: $t: replayed ${#inputs[@]} inputs, ${runs:-?} executions (seed $ci_seed), no crash"
    fi
  else
    corpus=$build/corpus/$t
    mkdir -p "$corpus"
    "$exe" "${common[@]}" -max_total_time="$seconds" "$corpus" "$committed" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(grep -E "^stat::number_of_executed_units:" "$log" | tail -1 | awk '{print $2}')
    totals=$build/fuzz-totals.txt
    prev=$(awk -v t="$t" '$1 == t { print $2 }' "$totals" 2>/dev/null | tail -1)
    total=$(( ${prev:-0} + ${runs:-0} ))
    { grep -v "^$t " "$totals" 2>/dev/null || true; echo "$t $total"; } > "$totals.new"
    mv "$totals.new" "$totals"
    if [ $rc -ne 0 ]; then
      tail -40 "$log"
      for a in "$build"/crash-$t-*; do
        [ -f "$a" ] && cp "$a" "$committed/$(basename "$a" | sed "s/^crash-$t-//")"
      done
      echo "fuzz: $t: FAILED after ${runs:-?} executions; input copied to $committed"
      status=1
    else
      echo "fuzz: $t: ${runs:-?} executions in $seconds s, no crash (cumulative $total)"
    fi
  fi
  set -e
done
exit $status
