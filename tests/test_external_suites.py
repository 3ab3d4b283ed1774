"""hyperframe 6.1.0's and h2 4.4.1's own test suites, run on h2wire via install().

`make test` downloads both sdists (pinned) into .build/external; nothing of
theirs is committed.  Every test must pass except those listed in
tests/external/expected_failures.py, which must fail with the listed error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from external.expected_failures import H2, HYPERFRAME, TOTALS, Expected

import h2wire

ROOT = Path(__file__).parent.parent
EXTERNAL = Path(os.environ.get("H2WIRE_EXTERNAL", ROOT / ".build" / "external"))
SUITES = {"hyperframe": ("hyperframe-6.1.0", HYPERFRAME), "h2": ("h2-4.4.1", H2)}


def run_suite(name: str, tmp_path: Path) -> tuple[dict[str, dict[str, str]], str]:
    """Run one suite; return each test's outcome and failure text, and the file
    that `import hyperframe.frame` loaded in that run."""
    directory = EXTERNAL / SUITES[name][0]
    if not (directory / "tests").is_dir():
        pytest.fail(f"{directory} is missing: `make test` downloads it (make external)")
    outcomes = tmp_path / f"{name}.json"
    env = dict(os.environ, H2WIRE_OUTCOMES=str(outcomes))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).parent / "external"), *filter(None, [env.get("PYTHONPATH")])]
    )
    result = subprocess.run(
        # Their own configuration (and rootdir), not this repository's.
        [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "--rootdir", ".",
         "-p", "h2wire_install", "-p", "no:cacheprovider", "-q", "tests"],
        cwd=directory, env=env, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert outcomes.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(outcomes.read_text())
    tests: dict[str, dict[str, str]] = data["tests"]
    return tests, str(data["hyperframe.frame"])


@pytest.mark.parametrize("name", sorted(SUITES))
def test_suite_on_h2wire(name: str, tmp_path: Path) -> None:
    outcomes, alias = run_suite(name, tmp_path)
    expected: dict[str, Expected] = SUITES[name][1]

    # The alias is real: their `import hyperframe.frame` got h2wire's module,
    # compiled or interpreted as this run is.
    package = Path(h2wire.__file__ or "").parent
    assert alias.startswith(str(package / "hyperframe" / "frame."))
    assert alias.endswith(".so") == h2wire.__file__.endswith(".so")

    assert len(outcomes) == TOTALS[name], "the suite did not run every test"
    skipped = sorted(k for k, v in outcomes.items() if v["outcome"] == "skipped")
    assert skipped == []
    failed = {k: v["text"] for k, v in outcomes.items() if v["outcome"] == "failed"}
    unexpected = {k: v[-1500:] for k, v in failed.items() if k not in expected}
    assert unexpected == {}
    assert sorted(failed) == sorted(expected), "a listed difference no longer fails"
    for nodeid, why in expected.items():
        assert why.error in failed[nodeid], f"{nodeid} failed for another reason"
