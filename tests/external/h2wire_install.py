"""pytest plugin (``-p h2wire_install``) for running hyperframe's and h2's own suites
on h2wire: aliases ``hyperframe`` to ``h2wire.hyperframe`` before any test module
is imported, proves the alias is real, and makes hypothesis deterministic."""

from __future__ import annotations

import sys

import pytest
from hypothesis import settings

import h2wire.hyperframe

h2wire.hyperframe.install()

import hyperframe.frame  # noqa: E402 - must come after install()

settings.register_profile("h2wire-external", derandomize=True, deadline=None, database=None)
settings.load_profile("h2wire-external")


def pytest_report_header(config: pytest.Config) -> str:
    return f"h2wire-install: hyperframe.frame -> {hyperframe.frame.__file__}"


def pytest_sessionstart(session: pytest.Session) -> None:
    package = h2wire.hyperframe.__file__ or ""
    alias = sys.modules["hyperframe.frame"].__file__ or ""
    if not h2wire.hyperframe.installed() or not alias.startswith(package.rsplit("/", 1)[0]):
        pytest.exit(f"h2wire_install: hyperframe.frame is {alias}, not h2wire's", returncode=3)


_OUTCOMES: dict[str, dict[str, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = _OUTCOMES.setdefault(report.nodeid, {"outcome": "passed", "text": ""})
    if report.failed:
        entry["outcome"] = "failed"
        entry["text"] += report.longreprtext
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"


def pytest_sessionfinish(session: pytest.Session) -> None:
    import json
    import os

    target = os.environ.get("H2WIRE_OUTCOMES")
    if target:
        alias = sys.modules["hyperframe.frame"].__file__
        with open(target, "w") as out:
            json.dump({"hyperframe.frame": alias, "tests": _OUTCOMES}, out)
