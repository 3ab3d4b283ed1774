"""Which build is under test (see the guard in conftest.py)."""

from __future__ import annotations

import os

import pytest
from conftest import h2wire_modules, is_compiled, loaded_mode

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
