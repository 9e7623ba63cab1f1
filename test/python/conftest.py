"""Shared fixtures of the qopt Python tests: where the tools and the test
models are. ctest sets QOPT_TOOLS_DIR and QOPT_SOURCE_DIR; the models are
made by scripts/models/make_all.sh (CI runs it before the tests), and a
missing one fails the test that needs it with that instruction."""

import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get(
    "QOPT_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
TOOLS_DIR = pathlib.Path(os.environ.get("QOPT_TOOLS_DIR", SOURCE_DIR / "build" / "bin"))
MODELS = SOURCE_DIR / ".cache" / "models"
FASHION = pathlib.Path("/usr/share/datasets/fashion-mnist")


def require(path):
    path = pathlib.Path(path)
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/models/make_all.sh "
                    "(and scripts/install-deps.sh for /usr/share/datasets)")
    return path


@pytest.fixture
def tools():
    return TOOLS_DIR


@pytest.fixture
def cnn():
    return require(MODELS / "fashion_mnist_cnn.onnx")


@pytest.fixture
def fashion_train():
    return "fashion-mnist:" + str(require(FASHION / "train-images-idx3-ubyte.gz"))


@pytest.fixture
def fashion_test():
    return "fashion-mnist:" + str(require(FASHION / "t10k-images-idx3-ubyte.gz"))
