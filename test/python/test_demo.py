"""The README demo through Python: the Fashion-MNIST CNN loaded,
calibrated, analysed, allocated at 4.5 average bits, compiled for the CPU
and evaluated. Everything must equal the CLI's
(`qopt --target=cpu --avg-bits=4.5 --calib-data=... -o lib.so` and
`qopt-run --eval`): the report text, the library and header bytes, and the
accuracy."""

import re
import subprocess

import numpy as np
import pytest

import qopt

MEAN, STD = 0.2860, 0.3530


def cli_compile(tools, model, data, out, *extra):
    result = subprocess.run(
        [str(tools / "qopt"), str(model), "--target=cpu", "--avg-bits=4.5",
         f"--calib-data={data}", f"--input-mean={MEAN}", f"--input-std={STD}",
         "-o", str(out), *extra],
        check=True, capture_output=True, text=True)
    return result.stdout


def cli_accuracy(tools, library, data):
    result = subprocess.run(
        [str(tools / "qopt-run"), str(library), f"--eval={data}",
         f"--eval-mean={MEAN}", f"--eval-std={STD}"],
        check=True, capture_output=True, text=True)
    m = re.search(r"top-1 accuracy ([0-9.]+)", result.stdout + result.stderr)
    assert m, result.stdout + result.stderr
    return float(m.group(1))


def test_demo_equals_cli(tmp_path, tools, cnn, fashion_train, fashion_test):
    (tmp_path / "cli").mkdir()
    (tmp_path / "py").mkdir()
    report = cli_compile(tools, cnn, fashion_train, tmp_path / "cli" / "libcnn.so")

    m = qopt.load(str(cnn))
    assert [l.name for l in m.layers] == [
        "/features/features.0/Conv", "/features/features.4/Conv",
        "/classifier/Gemm"]
    assert m.layers[0].params == 144 and m.layers[0].macs == 112896
    m.calibrate(fashion_train, input_mean=MEAN, input_std=STD)
    sens = m.sensitivity(method="hessian", target="cpu")
    assert set(sens) == {l.name for l in m.layers}
    assert all(s["si2-ch"] > s["si4-ch"] > s["si8-ch"] > 0 for s in sens.values())
    plan = m.allocate(avg_bits=4.5)
    assert plan.table() == report
    d = plan.to_dict()
    assert d["status"] == "optimal" and d["average_bits"] <= 4.5
    assert [l["chosen"] for l in d["layers"]] == ["si8-ch", "si4-ch", "si4-ch"]

    art = m.compile(plan, target="cpu", out=str(tmp_path / "py" / "libcnn.so"))
    for f in ("libcnn.so", "libcnn.h"):
        assert (tmp_path / "py" / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f
    accuracy = art.evaluate(fashion_test, mean=MEAN, std=STD)
    assert accuracy == cli_accuracy(tools, tmp_path / "cli" / "libcnn.so", fashion_test)
    assert accuracy > 0.85

    # The library against the reference executor on the quantized IR: the
    # integer path is bit-exact.
    x, _ = qopt._qopt.load_dataset(fashion_test, 8)
    ex = qopt.Executor(m.quantized())
    for i in range(8):
        xi = ((x[i:i + 1] - np.float32(MEAN)) / np.float32(STD)).reshape(1, 1, 28, 28)
        got = art.run({"image": xi})["logits"]
        want = ex.run({"image": xi})["logits"]
        np.testing.assert_array_equal(got, want)


def test_calibration_data_forms(tmp_path, cnn, fashion_train):
    """An array, an .npy path and an iterable of batches calibrate alike."""
    x, _ = qopt._qopt.load_dataset(fashion_train, 64)
    np.save(tmp_path / "calib.npy", x)
    texts = []
    for data in (x, str(tmp_path / "calib.npy"), (x[i:i + 16] for i in range(0, 64, 16))):
        m = qopt.load(str(cnn))
        m.calibrate(data, num_samples=64)
        m.sensitivity()
        texts.append(m.text())
    assert texts[0] == texts[1] == texts[2]
    assert "qopt.act_stats" in texts[0]


def test_weight_only_without_data(tmp_path, cnn):
    m = qopt.load(str(cnn))
    plan = m.allocate(weight_bytes=12000)
    assert plan.weight_bytes <= 12000
    art = m.compile(plan, target="cpu", out=str(tmp_path / "wo.so"))
    out = art.run(np.zeros((1, 1, 28, 28), np.float32))
    assert out["logits"].shape == (1, 10) and out["logits"].dtype == np.float32


def test_thread_counts_give_the_same_bits(tmp_path, cnn):
    """A CPU library owns a thread pool; 1, 2 and 3 threads (and the
    default) give the same bits, and describe() says how many it uses."""
    m = qopt.load(str(cnn))
    plan = m.allocate(weight_bytes=12000)
    path = str(tmp_path / "wo.so")
    m.compile(plan, target="cpu", out=path)
    x = np.random.default_rng(3).standard_normal((1, 1, 28, 28)).astype(np.float32)
    want = qopt.load_artifact(path).run(x)["logits"]
    for n in (1, 2, 3):
        art = qopt.load_artifact(path, num_threads=n)
        assert art.describe().endswith("%d thread%s" % (n, "" if n == 1 else "s"))
        got = art.run(x)["logits"]
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32))


def test_onnx_target(tmp_path, cnn):
    m = qopt.load(str(cnn))
    plan = m.allocate(avg_bits=4.5)
    path = m.compile(plan, target="onnx", out=str(tmp_path / "cnn.q.onnx"))
    assert (tmp_path / "cnn.q.onnx").stat().st_size > 0
    # QDQ activations are absent (no calibration): weight-only
    # MatMulNBits / DequantizeLinear weights.
    import onnx  # python3-onnx, installed by scripts/install-deps.sh
    ops = {n.op_type for n in onnx.load(path).graph.node}
    assert "MatMulNBits" in ops or "DequantizeLinear" in ops, ops
