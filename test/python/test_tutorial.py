"""docs/Python.md's tutorial runs as written: its ```python blocks, in
order, in a scratch directory that sees the repository's .cache/models,
and the printed accuracy is the one the page states."""

import contextlib
import io
import os
import re

from conftest import SOURCE_DIR, require


def test_tutorial_runs_as_written(tmp_path, cnn, fashion_train, fashion_test):
    page = (SOURCE_DIR / "docs" / "Python.md").read_text()
    tutorial = page[page.index("## Tutorial"):page.index("## Lower-level pieces")]
    blocks = re.findall(r"```python\n(.*?)```", tutorial, re.S)
    assert len(blocks) >= 5
    (tmp_path / ".cache").symlink_to(require(SOURCE_DIR / ".cache"))
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope = {}
        with contextlib.redirect_stdout(out):
            for block in blocks:
                exec(compile(block, "docs/Python.md", "exec"), scope)
    finally:
        os.chdir(cwd)
    printed = out.getvalue()
    stated = re.search(r"accuracy ([0-9.]+)\n```", tutorial).group(1)
    assert f"accuracy {stated}" in printed, printed
    assert (tmp_path / "pareto.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "libcnn.so").exists()
    # The table the page shows is the one printed.
    table = re.search(r"```text\n(qopt allocation:.*?)```", tutorial, re.S).group(1)
    assert table in printed
