#!/usr/bin/python3
"""Draws the Pareto frontier written by qopt-allocate-bits{pareto=...}.

Usage: scripts/plot-pareto.py FRONTIER.{csv,json} OUT.png [--title T]

Plots the total sensitivity (log scale) of the optimal allocation at each
swept budget, labels each change of allocation with its chosen formats when
there are at most 8 layers, and marks infeasible budgets. Needs Debian's
python3-matplotlib (scripts/install-deps.sh installs it).
"""
import argparse
import csv
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    """Returns (budget name, layer names, [(budget, status, objective, chosen)])."""
    if path.endswith(".csv"):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        if not rows or rows[0][:2] != ["budget", "status"]:
            sys.exit(f"plot-pareto: {path}: not a qopt Pareto CSV")
        # Layer columns follow the totals (with luts,dsps,brams when the
        # allocation had an FPGA model).
        first = 11 if rows[0][8:11] == ["luts", "dsps", "brams"] else 8
        layers = rows[0][first:]
        points = []
        for row in rows[1:]:
            feasible = row[1] != "infeasible"
            points.append((float(row[0]), row[1],
                           float(row[2]) if feasible else None,
                           row[first:] if feasible else []))
        return "budget", layers, points
    with open(path) as f:
        data = json.load(f)
    if "points" not in data:
        sys.exit(f"plot-pareto: {path}: not a qopt Pareto JSON")
    points = [(p["budget"], p["status"], p.get("objective"),
               p.get("chosen", [])) for p in data["points"]]
    return data.get("budget", "budget"), data.get("layers", []), points


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frontier")
    parser.add_argument("png")
    parser.add_argument("--title", default="qopt allocation Pareto frontier")
    args = parser.parse_args()
    name, layers, points = load(args.frontier)
    feasible = [p for p in points if p[2] is not None]
    if not feasible:
        sys.exit("plot-pareto: no feasible point to plot")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    xs = [p[0] for p in feasible]
    ys = [max(p[2], 1e-300) for p in feasible]
    ax.step(xs, ys, where="post", color="tab:blue")
    ax.plot(xs, ys, "o", color="tab:blue", label="optimal allocation")
    infeasible = [p[0] for p in points if p[2] is None]
    if infeasible:
        ax.plot(infeasible, [min(ys)] * len(infeasible), "x", color="tab:red",
                label="infeasible")
    if 0 < len(layers) <= 8:
        previous = None
        for x, y, p in zip(xs, ys, feasible):
            if p[3] == previous:  # Label where the allocation changes.
                continue
            previous = p[3]
            ax.annotate(" ".join(c.split("-")[0] for c in p[3]), (x, y),
                        textcoords="offset points", xytext=(4, 4),
                        fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel(name)
    ax.set_ylabel("total sensitivity (estimated loss increase)")
    ax.set_title(args.title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(f"plot-pareto: {len(feasible)} points -> {args.png}")


if __name__ == "__main__":
    main()
