"""Test configuration: the compiled/interpreted mode guard and hypothesis profiles.

``make test`` runs the suite twice and sets H2WIRE_EXPECT to ``interpreted`` or
``compiled``.  The guard imports every h2wire module and stops the run before
any test if one of them is not loaded the expected way: interpreted, every module
from its .py file; compiled, every module that setup.py compiles as an extension
module and the others (NOT_COMPILED) from their .py files.  (``python -m pytest``
from the checkout silently imports the .py files, for instance.)
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import pkgutil
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

import h2wire
from h2wire.mode import compiled_module

# Derandomized by default: the same examples every run, so the 100% coverage gate
# and CI are stable; the fuzzers (make fuzz) and HYPOTHESIS_PROFILE=thorough explore.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=300,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def compiled_by_setup(name: str) -> bool:
    """Whether setup.py compiles the h2wire module ``name`` (the rule, and its
    reasons, are h2wire.mode.NOT_COMPILED)."""
    return compiled_module(name)


def h2wire_module_files() -> dict[str, str]:
    """Every module of the h2wire package: the file it loads from (found, not imported:
    importing h2wire.__main__ would upset a later `python -m h2wire`)."""
    names = {"h2wire"}
    for info in pkgutil.walk_packages(h2wire.__path__, "h2wire."):
        names.add(info.name)
    specs = {name: importlib.util.find_spec(name) for name in sorted(names)}
    return {name: (spec.origin if spec else None) or "?" for name, spec in specs.items()}


def h2wire_modules() -> list[ModuleType]:
    """Every module of the h2wire package that setup.py compiles, imported."""
    return [
        importlib.import_module(name) for name in h2wire_module_files() if compiled_by_setup(name)
    ]


def is_extension(path: str) -> bool:
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def is_compiled(module: ModuleType) -> bool:
    return is_extension(module.__file__ or "")


def loaded_mode() -> str:
    modes = {is_compiled(m) for m in h2wire_modules()}
    if modes == {True}:
        return "compiled"
    if modes == {False}:
        return "interpreted"
    return "mixed"


def pytest_report_header(config: pytest.Config) -> str:
    return f"h2wire: {loaded_mode()} ({os.path.dirname(h2wire.__file__ or '?')})"


def pytest_sessionstart(session: pytest.Session) -> None:
    expected = os.environ.get("H2WIRE_EXPECT")
    if not expected:
        return
    # Compiled: exactly the modules setup.py compiles are extension modules.
    wrong = [
        f"{name} -> {path}"
        for name, path in h2wire_module_files().items()
        if is_extension(path) != (expected == "compiled" and compiled_by_setup(name))
    ]
    if expected not in ("compiled", "interpreted") or wrong:
        pytest.exit(
            f"mode guard: H2WIRE_EXPECT={expected!r} but these modules are not loaded "
            "as expected: " + "; ".join(wrong),
            returncode=3,
        )
