"""Test configuration: the compiled/interpreted mode guard and hypothesis profiles.

``make test`` runs the suite twice and sets H2WIRE_EXPECT to ``interpreted`` or
``compiled``.  The guard imports every h2wire module and stops the run before
any test if one of them is not loaded the expected way (``python -m pytest``
from the checkout silently imports the .py files, for instance).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import pkgutil
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

import h2wire

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


#: Modules that are never compiled, with the reason in setup.py.
NOT_COMPILED = {"h2wire.__main__"}


def h2wire_modules() -> list[ModuleType]:
    """Every module of the h2wire package that setup.py compiles, imported."""
    names = {"h2wire"}
    for info in pkgutil.walk_packages(h2wire.__path__, "h2wire."):
        if info.name not in NOT_COMPILED:
            names.add(info.name)
    return [importlib.import_module(name) for name in sorted(names)]


def is_compiled(module: ModuleType) -> bool:
    path = module.__file__ or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


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
    wrong = [
        f"{m.__name__} -> {m.__file__}"
        for m in h2wire_modules()
        if is_compiled(m) != (expected == "compiled")
    ]
    if expected not in ("compiled", "interpreted") or wrong:
        pytest.exit(
            f"mode guard: H2WIRE_EXPECT={expected!r} but these modules are not: "
            + "; ".join(wrong),
            returncode=3,
        )
