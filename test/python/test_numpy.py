"""numpy in and out: every dtype qopt tensors have round-trips through the
reference executor; results own their memory (no copy, a capsule keeps the
tensor alive); non-contiguous or other-dtype inputs are converted."""

import gc

import numpy as np
import pytest

import qopt

DTYPES = [
    ("f32", np.float32), ("f64", np.float64), ("f16", np.float16),
    ("i8", np.int8), ("ui8", np.uint8), ("i16", np.int16), ("i32", np.int32),
    ("i64", np.int64), ("i1", np.bool_),
]


def identity(mlir_type, shape="2x3"):
    t = f"tensor<{shape}x{mlir_type}>"
    return f"func.func @main(%x: {t}) -> {t} {{\n  return %x : {t}\n}}\n"


@pytest.mark.parametrize("mlir_type,dtype", DTYPES)
def test_round_trip(mlir_type, dtype):
    ex = qopt.Executor(qopt.load(identity(mlir_type)))
    assert ex.inputs[0]["dtype"] == np.dtype(dtype)
    assert ex.inputs[0]["shape"] == (2, 3)
    x = (np.arange(6).reshape(2, 3) % 2 == 1) if dtype is np.bool_ else \
        np.arange(6, dtype=dtype).reshape(2, 3) * dtype(3)
    y = ex.run({"arg0": x})["result0"]
    assert y.dtype == np.dtype(dtype) and y.shape == (2, 3)
    np.testing.assert_array_equal(y, x)


def test_outputs_outlive_the_executor():
    ex = qopt.Executor(qopt.load(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
        "  %y = tosa.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>\n"
        "  return %y : tensor<4xf32>\n}\n"))
    y = ex.run([np.array([1, 2, 3, 4], np.float32)])["result0"]
    del ex
    gc.collect()
    assert y.tolist() == [2, 4, 6, 8]
    assert y.base is not None  # a view of qopt's tensor, not a copy


def test_inputs_are_converted():
    ex = qopt.Executor(qopt.load(identity("f32", "2x2")))
    base = np.arange(8, dtype=np.float64).reshape(2, 4)
    strided = base[:, ::2]  # non-contiguous float64
    y = ex.run(strided)["result0"]
    np.testing.assert_array_equal(y, strided.astype(np.float32))


def test_run_pipeline_on_text():
    text = qopt.run_pipeline(
        "func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
        "  %y = tosa.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>\n"
        "  return %y : tensor<4xf32>\n}\n",
        "builtin.module(func.func(tosa-to-linalg))")
    assert "linalg.generic" in text and "tosa.add" not in text
