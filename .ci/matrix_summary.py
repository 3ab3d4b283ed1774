"""The summary of a `make test-matrix` run, from .build/matrix/results.

    python .ci/matrix_summary.py .build/matrix

Each step NAME (INTERPRETER-STEP) left NAME.status ("ok", "failed ...", "skipped: why"
or "not run"), NAME.seconds, and for the suite steps pytest's JUnit file NAME.xml.
Prints one line per step with its test counts, then every skip with its reason.
Exits 1 unless every step passed or was skipped with a reason.  Standard library only.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path


def counts(junit: Path) -> tuple[dict[str, int], Counter[str]]:
    """(passed/skipped/failed/errors, skip reasons with their counts) of a JUnit file."""
    totals = {"passed": 0, "skipped": 0, "failed": 0, "errors": 0}
    reasons: Counter[str] = Counter()
    for suite in ET.parse(junit).getroot().iter("testsuite"):
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed, errors = int(suite.get("failures", 0)), int(suite.get("errors", 0))
        totals["passed"] += tests - skipped - failed - errors
        totals["skipped"] += skipped
        totals["failed"] += failed
        totals["errors"] += errors
        for case in suite.iter("testcase"):
            for skip in case.iter("skipped"):
                reasons[skip.get("message", "(no reason given)")] += 1
    return totals, reasons


def main() -> int:
    results = Path(sys.argv[1]) / "results"
    rows: list[tuple[str, str, str, str, str]] = []
    skips: list[str] = []
    ok = True
    order = ["venv", "build", "interpreted", "compiled", "fuzz", "wheel"]

    def key(path: Path) -> tuple[str, int, str]:
        interpreter, _, step = path.stem.partition("-")
        return interpreter, order.index(step) if step in order else len(order), step

    for status_file in sorted(results.glob("*.status"), key=key):
        name = status_file.stem
        interpreter, _, step = name.partition("-")
        status = status_file.read_text().strip()
        seconds_file = results / f"{name}.seconds"
        seconds = int(seconds_file.read_text()) if seconds_file.exists() else None
        took = f"{seconds // 60}m{seconds % 60:02d}s" if seconds is not None else ""
        tests = ""
        junit = results / f"{name}.xml"
        if junit.exists():
            totals, reasons = counts(junit)
            tests = "  ".join(f"{v} {k}" for k, v in totals.items())
            for reason, n in sorted(reasons.items()):
                skips.append(f"  {interpreter} {step}: {n} test(s): {reason}")
            if totals["failed"] or totals["errors"]:
                ok = False
        if status.startswith("skipped"):
            skips.append(f"  {interpreter} {step}: the whole step: {status[len('skipped: ') :]}")
        elif status != "ok":
            ok = False
        rows.append((interpreter, step, status.split(":")[0], tests, took))
    if not rows:
        print("matrix summary: no results")
        return 1
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    print()
    print("==== test matrix summary " + "=" * 60)
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if skips:
        print("skipped, with the reasons:")
        print("\n".join(skips))
    print("matrix: " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
