"""Compares the layers of two IR files: their qopt.sensitivity values and
their output ranges (qopt.act_stats, which must be equal).

Usage: compare_sensitivities.py A.mlir B.mlir, both printed with
-mlir-print-debuginfo: layers are matched by their location names. Prints
the layer names, the number of values and whether every pair agrees to a
relative 1e-12 (else each differing pair).
"""
import re
import sys


def named_lines(path):
    """(location name, line) of every op line whose location is a name."""
    lines = open(path).read().splitlines()
    aliases = dict(re.findall(r'^(#loc\d*) = loc\("([^"]*)"\)$',
                              '\n'.join(lines), re.M))
    for line in lines:
        loc = re.search(r'loc\((#loc\d*|"[^"]*")\)$', line)
        if loc:
            name = loc.group(1)
            name = aliases.get(name) if name.startswith('#') else name[1:-1]
            if name:
                yield name, line


def act_stats(path):
    layers = {}
    for name, line in named_lines(path):
        stats = re.search(r'qopt\.act_stats = (#qopt\.act_stats<[^>]*>)', line)
        if stats:
            layers[name] = stats.group(1)
    return layers


def sensitivities(path):
    layers = {}
    for name, line in named_lines(path):
        sens = re.search(r'qopt\.sensitivity = #qopt\.sensitivity<[^>]*'
                         r'values = dense<([^>]*)>', line)
        if sens:
            values = re.findall(r'[-+0-9.eE]+', sens.group(1).replace('[', ' '))
            layers[name] = [float(v) for v in values]
    return layers


if act_stats(sys.argv[1]) != act_stats(sys.argv[2]):
    sys.exit(f"output ranges differ: {act_stats(sys.argv[1])} vs "
             f"{act_stats(sys.argv[2])}")
a, b = sensitivities(sys.argv[1]), sensitivities(sys.argv[2])
if sorted(a) != sorted(b) or sorted(a) != sorted(act_stats(sys.argv[1])):
    sys.exit(f"layers differ: {sorted(a)} vs {sorted(b)}")
bad = [(name, x, y) for name in a for x, y in zip(a[name], b[name])
       if abs(x - y) > 1e-12 * max(abs(x), abs(y))]
count = sum(len(v) for v in a.values())
if bad or any(len(a[n]) != len(b[n]) for n in a):
    for name, x, y in bad:
        print(f"{name}: {x!r} vs {y!r}")
    sys.exit(1)
print(f"{' '.join(a)}: equal output ranges; {count} sensitivities, max "
      "relative difference below 1e-12")
