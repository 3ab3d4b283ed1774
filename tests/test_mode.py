"""Which build is under test (see the guard in conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterable

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
from h2wire import StreamDependency
from h2wire.mode import wrong_argument_type


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


def _example(
    count: int,
    data: bytes | None,
    items: Iterable[int],
    dependency: StreamDependency | None,
    anything: object,
) -> None:
    """A function whose annotations the argument-error builder reads."""


def test_argument_errors_are_worded_from_the_annotations() -> None:
    # The interpreted build's TypeError comes from the annotations, in the
    # words mypyc uses for the same check; the first wrong argument is named.
    def message(*values: object) -> str:
        return str(wrong_argument_type(_example, *values))

    assert message("1", b"", [], None, 0) == "int object expected; got str"
    assert message(1, "x", [], None, 0) == "bytes or None object expected; got str"
    assert message(1, None, "not checked: generic", 5, 0) == (
        "h2wire.frames.headers.StreamDependency or None object expected; got int"
    )
    with pytest.raises(AssertionError, match="no argument of the wrong type"):
        wrong_argument_type(_example, 1, None, [], None, "object is never checked")


def test_the_command_is_never_compiled() -> None:
    # setup.py leaves h2wire.__main__ and every module of the command interpreted.
    left_out = {n: p for n, p in h2wire_module_files().items() if not compiled_by_setup(n)}
    assert set(left_out) >= {"h2wire.__main__", "h2wire.cli"}
    assert all(path.endswith(".py") for path in left_out.values())
    assert not any(is_extension(path) for path in left_out.values())
    assert compiled_by_setup("h2wire.client") and not compiled_by_setup("h2wire.cli.proxy")
