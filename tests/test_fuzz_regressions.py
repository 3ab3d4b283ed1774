"""Every input the fuzzers ever flagged (tests/fuzz_regressions/TARGET-*.bin), rerun
through the same property in both modes, plus the seeds."""

from __future__ import annotations

from pathlib import Path

import fuzz_checks
import pytest

HERE = Path(__file__).parent / "fuzz_regressions"
CHECKS = {
    "parse_frame": fuzz_checks.check_parse_frame,
    "decoder": fuzz_checks.check_decoder,
    "lenient": fuzz_checks.check_lenient,
    "guards": fuzz_checks.check_guards,
    "hyperframe": fuzz_checks.check_hyperframe,
    "watch": fuzz_checks.check_watch,
    "records": fuzz_checks.check_records,
}
FINDINGS = sorted(HERE.glob("*.bin"))


@pytest.mark.parametrize("path", FINDINGS, ids=[p.name for p in FINDINGS])
def test_finding(path: Path) -> None:
    CHECKS[path.name.split("-")[0]](path.read_bytes())


@pytest.mark.parametrize("target", sorted(CHECKS))
def test_checks_accept_edge_inputs(target: str) -> None:
    for data in (b"", b"\x00", bytes(9), bytes(40), b"\xff" * 40, b"\x01" + bytes(8)):
        CHECKS[target](data)
