"""The installed package's types, as a downstream project sees them (py.typed)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import h2wire

HERE = Path(__file__).parent / "downstream"

# Only where mypy cannot be installed (requirements-dev.txt): anywhere else a missing
# mypy fails these tests.
pytestmark = pytest.mark.skipif(
    sys.implementation.name == "pypy" and importlib.util.find_spec("mypy") is None,
    reason="mypy 2.4.1 does not install on PyPy (its dependency ast-serialize has no PyPy "
    "wheel); the types are checked on CPython",
)


def run_mypy(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(HERE / name, tmp_path / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    # Run outside the checkout.  Compiled, h2wire is the installed wheel, found
    # through site-packages and its py.typed; interpreted, it is the checkout.
    package_root = Path(h2wire.__file__ or "").parent.parent
    if "site-packages" not in package_root.parts:
        env["MYPYPATH"] = str(package_root)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_downstream_code_type_checks(tmp_path: Path) -> None:
    result = run_mypy(tmp_path, "consumer.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_downstream_misuse_is_caught(tmp_path: Path) -> None:
    result = run_mypy(tmp_path, "misuse.py")
    assert result.returncode == 1
    assert 'Argument 2 to "DataFrame" has incompatible type "str"' in result.stdout
    assert 'expression has type "int", variable has type "str"' in result.stdout
