#!/usr/bin/python3
"""CI checks of the CUDA kernels without a GPU (lib/Runtime/CUDA).

  check_kernels.py ptxas --budget FILE REPORT...   [--write]
      Reads nvcc's `-Xptxas -v` reports and fails when any kernel spills
      (spill stores/loads or a stack frame) or uses more registers than its
      entry in FILE (lib/Runtime/CUDA/ptxas-budget.txt). --write records the
      current figures instead (after an intended change).

  check_kernels.py ptx PTX...
      Splits PTX files into their kernels and fails when a kernel lacks an
      instruction it is written to use: the tensor-core GEMMs mma.sync,
      ldmatrix and cp.async; the f8E4M3 variants cvt.*.e4m3x2 on sm_89+.

Prints one line per finding, then a summary; exit 1 on any finding.
"""
import argparse
import re
import subprocess
import sys


def demangle(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), text=True,
                         capture_output=True, check=True).stdout.splitlines()
    return dict(zip(names, out))


def short(demangled):
    """'void qopt::cuda::(anonymous namespace)::woGemv<__half, 4, 0>(...)'
    -> 'woGemv<__half, 4, 0>'."""
    s = demangled.replace("(anonymous namespace)::", "")
    if s.startswith("void "):
        s = s[5:]
    depth, cut = 0, len(s)
    for i, c in enumerate(s):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0:
            cut = i
            break
    s = s[:cut]
    head, sep, tail = s.partition("<")
    return head.split("::")[-1] + sep + tail


def parse_ptxas(paths):
    entries = []  # (arch, mangled, stack, spill_st, spill_ld, regs)
    for path in paths:
        arch = mangled = None
        props = None
        for line in open(path):
            m = re.search(r"Compiling entry function '([^']+)' for '(sm_\w+)'", line)
            if m:
                mangled, arch = m.group(1), m.group(2)
                continue
            m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, "
                          r"(\d+) bytes spill loads", line)
            if m and mangled:
                props = tuple(int(v) for v in m.groups())
                continue
            m = re.search(r"Used (\d+) registers", line)
            if m and mangled and props is not None:
                entries.append((arch, mangled) + props + (int(m.group(1)),))
                mangled, props = None, None
    names = demangle(sorted({e[1] for e in entries}))
    return [(a, short(names[n])) + tuple(rest) for a, n, *rest in entries]


def check_ptxas(args):
    entries = parse_ptxas(args.reports)
    if not entries:
        print("ptxas: no kernels found in the reports")
        return 1
    if args.write:
        with open(args.budget, "w") as f:
            f.write("# Registers per kernel and architecture, from nvcc -Xptxas -v\n"
                    "# (scripts/gpu/check_kernels.py ptxas --write). A kernel may\n"
                    "# use fewer; more, or any spill, fails CI.\n")
            for arch, name, _, _, _, regs in sorted(entries):
                f.write(f"{arch} {name} {regs}\n")
        print(f"ptxas: wrote {len(entries)} entries to {args.budget}")
        return 0
    budget = {}
    for line in open(args.budget):
        line = line.strip()
        if line and not line.startswith("#"):
            arch, rest = line.split(" ", 1)
            name, regs = rest.rsplit(" ", 1)
            budget[(arch, name)] = int(regs)
    findings = []
    for arch, name, stack, st, ld, regs in entries:
        if stack or st or ld:
            findings.append(f"{arch} {name}: {stack} bytes stack, {st}/{ld} bytes "
                            "spill stores/loads (must be 0)")
        want = budget.get((arch, name))
        if want is None:
            findings.append(f"{arch} {name}: not in {args.budget} (run with --write)")
        elif regs > want:
            findings.append(f"{arch} {name}: {regs} registers, budget {want}")
    for f in findings:
        print("ptxas:", f)
    worst = max(e[5] for e in entries)
    print(f"ptxas: {len(entries)} kernels, 0 spills expected, max {worst} registers: "
          + ("FAILED" if findings else "ok"))
    return 1 if findings else 0


# Instructions each kernel family must contain (regex on the PTX body).
EXPECT = [
    (r"^woGemmMma<__half,", [r"mma\.sync\.aligned\.m16n8k16\.row\.col\.f32\.f16\.f16\.f32",
                             r"ldmatrix\.sync\.aligned\.m8n8\.x4\.shared\.b16",
                             r"cp\.async\.cg\.shared\.global", r"cp\.async\.wait_group"]),
    (r"^woGemmMma<__nv_bfloat16,", [r"mma\.sync\.aligned\.m16n8k16\.row\.col\.f32\.bf16\.bf16\.f32",
                                    r"ldmatrix\.sync\.aligned\.m8n8\.x4\.shared\.b16",
                                    r"cp\.async\.cg\.shared\.global"]),
    (r"^s8GemmMma<", [r"mma\.sync\.aligned\.m16n8k32\.row\.col\.s32\.s8\.s8\.s32",
                      r"ldmatrix\.sync\.aligned\.m8n8\.x4\.shared\.b16",
                      r"cp\.async\.cg\.shared\.global", r"cp\.async\.wait_group"]),
    (r"^woGemv<[^,]+, (8|4), ", [r"ld\.global\.cg\.v4\.u32"]),
]
# The f8E4M3 field kind is 1 (qopt_cuda_field); sm_89+ decodes it in hardware.
E4M3 = r"^wo\w+<[^,]+, 8, 1[,>]"


def check_ptx(args):
    findings, kernels = [], 0
    matched = [0] * len(EXPECT)
    e4m3 = 0
    for path in args.ptx:
        text = open(path).read()
        arch = re.search(r"^\.target (sm_\w+)", text, re.M).group(1)
        parts = re.split(r"^\.(?:visible )?\.?entry ", text, flags=re.M)[1:]
        mangled = [p.split("(", 1)[0] for p in parts]
        names = demangle(mangled)
        for m, body in zip(mangled, parts):
            name = short(names[m])
            kernels += 1
            for i, (pattern, needs) in enumerate(EXPECT):
                if re.search(pattern, name):
                    matched[i] += 1
                    for need in needs:
                        if not re.search(need, body):
                            findings.append(f"{arch} {name}: no {need}")
            if re.search(E4M3, name) and int(re.search(r"\d+", arch).group()) >= 89:
                e4m3 += 1
                if not re.search(r"cvt\.rn\.f16x2\.e4m3x2", body):
                    findings.append(f"{arch} {name}: no cvt.rn.f16x2.e4m3x2")
    for f in findings:
        print("ptx:", f)
    for (pattern, _), count in zip(EXPECT, matched):
        if count == 0:
            findings.append(f"no kernel matches {pattern}")
            print("ptx:", findings[-1])
    print(f"ptx: {kernels} kernels, " + ", ".join(
        f"{c} {p.strip('^').split('<')[0]}" for (p, _), c in zip(EXPECT, matched))
        + f", {e4m3} f8E4M3 on sm_89+: " + ("FAILED" if findings else "ok"))
    return 1 if findings else 0 if kernels else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ptxas")
    p.add_argument("--budget", required=True)
    p.add_argument("--write", action="store_true")
    p.add_argument("reports", nargs="+")
    q = sub.add_parser("ptx")
    q.add_argument("ptx", nargs="+")
    args = ap.parse_args()
    return check_ptxas(args) if args.cmd == "ptxas" else check_ptx(args)


if __name__ == "__main__":
    sys.exit(main())
