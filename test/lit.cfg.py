# -*- Python -*-
# lit configuration of qopt's regression tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QOPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c", ".textproto"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qopt_obj_root, "test")

# Inputs of tests, not tests.
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "Embedding", "unittests", "lib", "fuzz"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
# Encodes a readable ONNX model (onnx.ModelProto text format) to binary.
config.substitutions.append(
    ("%encode-onnx",
     "protoc --proto_path=/usr/include --encode=onnx.ModelProto onnx/onnx.proto"))
# Real models made by scripts/models/make_all.sh (the test command runs it).
config.substitutions.append(
    ("%models", os.path.join(config.qopt_src_root, ".cache", "models")))
# Debian's Python with numpy/onnx (the python3 first on PATH may differ).
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%qopt_src_root", config.qopt_src_root))
config.substitutions.append(("%qopt_obj_root", config.qopt_obj_root))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.qopt_tools_dir, config.llvm_tools_dir]
tools = ["qopt", "qopt-capi-test", "qopt-measure-costs", "qopt-onnx-conformance", "qopt-run",
         "qopt-solver-bench", "qopt-kernel-bench"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# FileCheck, not and count come from LLVM's tools directory.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.qopt_tools_dir, append_path=True)

# The CUDA kernels (lib/Runtime/CUDA) were compiled: their PTX and ptxas
# reports are checked. Tests that need them say REQUIRES: cuda.
if config.qopt_enable_cuda.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("cuda")
    config.substitutions.append(("%cuda_kernels", config.qopt_cuda_kernel_dir))
