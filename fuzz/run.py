"""Coverage-guided fuzzing of h2wire with atheris (``make fuzz``).

    python fuzz/run.py TARGET SECONDS [libFuzzer options...]

TARGET is parse_frame, decoder, lenient, guards, hyperframe, watch (the command's
view of one direction of a connection) or records (the JSON lines of encode and
send); the properties are in tests/fuzz_checks.py.  Seeds come from the test
vectors (records: the probes of examples/probes/ and decode's JSON lines of the
captures in examples/); new inputs go to .build/fuzz/TARGET, crashes to
.build/fuzz/crashes (turn each into a file in tests/fuzz_regressions/).  Compiled
extension modules carry no coverage instrumentation, so on the compiled build
atheris mutates without coverage feedback from h2wire itself.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

with atheris.instrument_imports():
    import fuzz_checks

    import h2wire
    from h2wire.cli import decode

TARGETS = {
    "parse_frame": fuzz_checks.check_parse_frame,
    "decoder": fuzz_checks.check_decoder,
    "lenient": fuzz_checks.check_lenient,
    "guards": fuzz_checks.check_guards,
    "hyperframe": fuzz_checks.check_hyperframe,
    "watch": fuzz_checks.check_watch,
    "records": fuzz_checks.check_records,
}


def seeds(directory: Path, target: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if target == "records":
        for i, path in enumerate(sorted((ROOT / "examples").glob("probes/*.jsonl"))):
            (directory / f"seed-probe-{i:03}").write_bytes(path.read_bytes())
        for path in sorted((ROOT / "examples").glob("*.bin")):
            decoded = io.StringIO()
            decode(path.read_bytes(), decoded, as_json=True, max_frame_size=2**24 - 1, colour=False)
            (directory / f"seed-{path.stem}").write_text(decoded.getvalue())
        return
    vectors = ROOT / "tests" / "vectors" / "http2-frame-test-case"
    for i, path in enumerate(sorted(vectors.glob("*/*.json"))):
        wire = bytes.fromhex(json.loads(path.read_text())["wire"])
        (directory / f"seed-{i:03}").write_bytes(b"\x00" + wire)
        (directory / f"seed-{i:03}-chunked").write_bytes(b"\x05\x07\x0b\x00" + wire)


def main() -> None:
    target, seconds, *rest = sys.argv[1:]
    corpus = ROOT / ".build" / "fuzz" / target
    crashes = ROOT / ".build" / "fuzz" / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    seeds(corpus, target)
    mode = "compiled" if (h2wire.__file__ or "").endswith(".so") else "interpreted"
    print(f"fuzzing {target} on the {mode} build for {seconds} s", flush=True)
    argv = [sys.argv[0], f"-max_total_time={seconds}", f"-artifact_prefix={crashes}/",
            "-print_final_stats=1", *rest, str(corpus)]  # fmt: skip
    atheris.Setup(argv, TARGETS[target])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
