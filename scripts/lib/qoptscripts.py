"""Shared paths, tool lookup and model constants for qopt's scripts.

Every script under scripts/ that runs qopt tools or reads the test models
imports this module (scripts/lib is put on sys.path by the script), so that
nothing hard-codes a build folder or a model path:

  * ROOT: the repository; MODELS: the model cache (.cache/models, made by
    scripts/models/make_all.sh), overridable with QOPT_MODELS_DIR;
  * tool(name, bin_dir=None): a qopt tool from --bin / QOPT_BIN_DIR /
    $QOPT_BUILD_DIR/bin / build/bin, in that order;
  * MODEL_INPUT_SHAPES: the shape pins models with dynamic inputs need.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.environ.get("QOPT_MODELS_DIR", os.path.join(ROOT, ".cache", "models"))

# Models whose ONNX inputs have dynamic dimensions: the pins tests use.
MODEL_INPUT_SHAPES = {
    "ppocr_mobile_v2_cls": {"x": [1, 3, 48, 192]},
}


def bin_dir(explicit=None):
    """The folder holding qopt's tools."""
    if explicit:
        return explicit
    if os.environ.get("QOPT_BIN_DIR"):
        return os.environ["QOPT_BIN_DIR"]
    build = os.environ.get("QOPT_BUILD_DIR", os.path.join(ROOT, "build"))
    return os.path.join(build, "bin")


def tool(name, explicit_bin_dir=None):
    """Path of the qopt tool `name`; raises if it is not built."""
    path = os.path.join(bin_dir(explicit_bin_dir), name)
    if not os.access(path, os.X_OK):
        raise FileNotFoundError("%s not found (build qopt first, or pass --bin)" % path)
    return path


def model_path(name):
    return os.path.join(MODELS, name + ".onnx")
