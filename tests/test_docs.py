"""The README's Python examples run as written."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example(index: int) -> None:
    namespace: dict[str, object] = {}
    saved = dict(sys.modules)  # an example may call h2wire.hyperframe.install()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(BLOCKS[index], f"README block {index}", "exec"), namespace)
    finally:
        for name in set(sys.modules) - set(saved):
            del sys.modules[name]
        sys.modules.update(saved)
    # A comment showing bytes after `wire = ...` must be what the code produced.
    for expected in re.findall(r"^wire = .*# (b'.*')$", BLOCKS[index], flags=re.M):
        assert repr(namespace["wire"]) == expected
