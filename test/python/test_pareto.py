"""Plan.pareto sweeps the allocation problem over a budget; plot_pareto
writes the frontier as a PNG."""

import qopt


def test_pareto_and_plot(tmp_path, cnn):
    m = qopt.load(str(cnn))
    plan = m.allocate(avg_bits=4.5)
    points = plan.pareto(budget="weight-bytes", points=6)
    assert len(points) >= 3
    sizes = [p["weight_bytes"] for p in points]
    damage = [p["objective"] for p in points]
    assert sizes == sorted(sizes)
    assert all(a >= b for a, b in zip(damage, damage[1:]))  # more bytes, less damage
    assert set(points[0]["layers"]) == {l.name for l in m.layers}
    png = tmp_path / "pareto.png"
    plan.plot_pareto(str(png), budget="weight-bytes", points=6)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
