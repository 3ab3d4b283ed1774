"""Which build is under test (see the guard in conftest.py)."""

from __future__ import annotations

import os

import pytest
from conftest import (
    compiled_by_setup,
    h2wire_module_files,
    h2wire_modules,
    is_compiled,
    is_extension,
    loaded_mode,
)

import h2wire


def test_mode_matches_expectation() -> None:
    expected = os.environ.get("H2WIRE_EXPECT")
    if expected is None:
        pytest.fail("H2WIRE_EXPECT is not set: run the suite through `make test`")
    assert loaded_mode() == expected
    modules = h2wire_modules()
    assert {m.__name__ for m in modules} >= {"h2wire", "h2wire.frames", "h2wire.codec"}
    assert all(is_compiled(m) == (expected == "compiled") for m in modules)


def test_compiled_classes_are_native() -> None:
    # mypyc-compiled classes have no instance __dict__; interpreted ones do.
    has_dict = hasattr(h2wire.DataFrame(1), "__dict__")
    assert has_dict == (loaded_mode() == "interpreted")


def test_the_command_is_never_compiled() -> None:
    # setup.py leaves h2wire.__main__ and every module of the command interpreted.
    left_out = {n: p for n, p in h2wire_module_files().items() if not compiled_by_setup(n)}
    assert set(left_out) >= {"h2wire.__main__", "h2wire.cli"}
    assert all(path.endswith(".py") for path in left_out.values())
    assert not any(is_extension(path) for path in left_out.values())
    assert compiled_by_setup("h2wire.client") and not compiled_by_setup("h2wire.cli.proxy")
