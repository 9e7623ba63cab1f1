"""Bad input raises a clear Python exception carrying qopt's diagnostic
(with its location), never a crash."""

import numpy as np
import pytest

import qopt


def test_bad_path():
    with pytest.raises(FileNotFoundError, match="no such file"):
        qopt.load("/nonexistent/model.onnx")


def test_not_a_model(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage\x00\x01")
    with pytest.raises(qopt.Error, match="cannot import"):
        qopt.load(str(bad))


def test_parse_error_has_location():
    with pytest.raises(qopt.Error, match=r"<string>:1:\d+: error"):
        qopt.load("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> { return %y }")


def test_bad_pipeline():
    m = qopt.load("func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
                  "  return %x : tensor<4xf32>\n}\n")
    with pytest.raises(qopt.Error, match="bad pass pipeline"):
        m.run_pipeline("builtin.module(no-such-pass)")
    with pytest.raises(qopt.Error, match="Cannot find option named 'foo'"):
        m.run_pipeline("builtin.module(qopt-allocate-bits{solver=foo})")


def test_bad_budget(cnn):
    m = qopt.load(str(cnn))
    with pytest.raises(ValueError, match="needs a budget"):
        m.allocate()
    with pytest.raises(ValueError, match="must be a positive number"):
        m.allocate(avg_bits=-1)
    with pytest.raises(qopt.Error, match="infeasible|cannot|below"):
        m.allocate(weight_bytes=10)


def test_wrong_input_shape(tmp_path, cnn):
    m = qopt.load(str(cnn))
    art = m.compile(m.allocate(avg_bits=8), target="cpu", out=str(tmp_path / "m.so"))
    with pytest.raises(qopt.Error, match=r"input 'image' has shape \(1, 28, 28\), the model takes \(1, 1, 28, 28\)"):
        art.run({"image": np.zeros((1, 28, 28), np.float32)})
    with pytest.raises(qopt.Error, match="no input 'x'"):
        art.run({"x": np.zeros((1, 1, 28, 28), np.float32)})
    with pytest.raises(qopt.Error, match="takes 1 inputs, got 2"):
        art.run([np.zeros((1, 1, 28, 28), np.float32)] * 2)


def test_unknown_target(tmp_path, cnn):
    m = qopt.load(str(cnn))
    plan = m.allocate(avg_bits=8)
    with pytest.raises(qopt.Error, match="unknown target|registered"):
        m.compile(plan, target="tpu", out=str(tmp_path / "x.bin"))


def test_calibration_shape_mismatch(cnn):
    m = qopt.load(str(cnn))
    with pytest.raises(qopt.Error, match="qopt-calibrate"):
        m.calibrate(np.zeros((8, 5, 5), np.float32))


def test_not_an_artifact(tmp_path):
    f = tmp_path / "x.so"
    f.write_bytes(b"not a library")
    with pytest.raises(qopt.Error):
        qopt.load_artifact(str(f))


def test_onnx_target_from_mlir_needs_its_model(tmp_path, cnn):
    m = qopt.load(qopt.load(str(cnn)).text(debug_info=True))
    plan = m.allocate(avg_bits=8)
    with pytest.raises(qopt.Error, match="needs the ONNX model the IR was imported from"):
        m.compile(plan, target="onnx", out=str(tmp_path / "x.onnx"))
    m.compile(plan, target="onnx", out=str(tmp_path / "x.onnx"), onnx_base=str(cnn))
    assert (tmp_path / "x.onnx").stat().st_size > 0
