"""h2wire benchmarks against hyperframe 6.1.0 (``make bench``).

Each round runs one fresh worker process per variant, in turn (A, B, C, … then
again), and every ratio is hyperframe's time over the variant's time *in the same
round*; the table shows the median of those per-round ratios, so load on the
machine that drifts between rounds cancels out.  Compiled variants run the wheel
installed in the venv (``python -P``), interpreted ones the checkout's sources.
Nothing here is asserted: the targets are reported, met or missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.workload import OPAQUE_IN_HYPERFRAME, SAMPLES, browsing_session  # noqa: E402

#: label -> (worker variant, h2wire build or None)
FRAME_VARIANTS = {
    "hyperframe": ("hyperframe", None),
    "native compiled": ("native", "compiled"),
    "native interpreted": ("native", "interpreted"),
    "compat compiled": ("compat", "compiled"),
    "compat interpreted": ("compat", "interpreted"),
}
H2_VARIANTS = {
    "h2 + hyperframe": ("h2", None),
    "h2 + h2wire compiled": ("h2-install", "compiled"),
    "h2 + h2wire interpreted": ("h2-install", "interpreted"),
}


def run_worker(variant: str, build: str | None, inputs: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = [sys.executable, "-P", str(ROOT / "bench" / "worker.py"), variant, str(inputs)]
    if build == "interpreted":
        env["PYTHONPATH"] = str(ROOT)
        command.remove("-P")
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    data: dict[str, object] = json.loads(out)
    if build is not None and data["h2wire"] != build:
        raise SystemExit(f"{variant}: expected the {build} h2wire, got {data['h2wire']!r}")
    return data


def measure(
    variants: dict[str, tuple[str, str | None]], rounds: int, inputs: Path
) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {label: [] for label in variants}
    for index in range(rounds):
        for label, (variant, build) in variants.items():
            result = run_worker(variant, build, inputs)["results"]
            assert isinstance(result, dict)
            runs[label].append(result)
        print(f"  round {index + 1}/{rounds} done", file=sys.stderr, flush=True)
    return runs


def ratios(runs: dict[str, list[dict[str, float]]], base: str) -> dict[str, dict[str, float]]:
    """Median over rounds of base time / variant time, per case."""
    table: dict[str, dict[str, float]] = {}
    for label, per_round in runs.items():
        if label == base:
            continue
        for case in per_round[0]:
            per = [b[case] / v[case] for b, v in zip(runs[base], per_round, strict=True)]
            table.setdefault(case, {})[label] = statistics.median(per)
    return table


def medians(runs: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for label, per_round in runs.items():
        for case in per_round[0]:
            table.setdefault(case, {})[label] = statistics.median(r[case] for r in per_round)
    return table


def worst(
    r: dict[str, dict[str, float]], cases: list[str], label: str, digits: int
) -> tuple[str, float]:
    """The slowest case for ``label``, and, when that case is one hyperframe keeps
    opaque, the slowest among the types it decodes as well."""
    case = min(cases, key=lambda c: r[c][label])
    text = f"worst {r[case][label]:.{digits}f}x ({case})"
    decoded = [c for c in cases if c.partition("/")[2] not in OPAQUE_IN_HYPERFRAME]
    other = min(decoded, key=lambda c: r[c][label])
    if other != case:
        text += f"; {r[other][label]:.{digits}f}x ({other}) among the types hyperframe decodes"
    return text, r[case][label]


def check_targets(
    r: dict[str, dict[str, float]], m: dict[str, dict[str, float]]
) -> list[tuple[str, str, bool]]:
    serialize = [c for c in r if c.startswith("serialize/") or c == "mixed/serialize"]
    timed = [c for c in r if not c.startswith("memory/") and "native interpreted" in r[c]]
    worst_ser, worst_ser_ratio = worst(r, serialize, "native compiled", 1)
    worst_cser, worst_cser_ratio = worst(r, serialize, "compat compiled", 1)
    worst_interp, worst_interp_ratio = worst(r, timed, "native interpreted", 2)
    mem = "memory/HEADERS bytes per frame"
    rows = [
        ("native parse, mixed stream >= 15x", f"{r['mixed/parse']['native compiled']:.1f}x with parse_frame, "
         f"{r['mixed/decoder, 64 KiB chunks']['native compiled']:.1f}x with FrameDecoder (64 KiB chunks)",
         max(r["mixed/parse"]["native compiled"], r["mixed/decoder, 64 KiB chunks"]["native compiled"]) >= 15),
        ("native serialize, every case >= 8x", worst_ser, worst_ser_ratio >= 8),
        ("h2wire.hyperframe parse, mixed stream >= 5x", f"{r['mixed/parse']['compat compiled']:.1f}x "
         f"({r['mixed/parse, net of buffer copying']['compat compiled']:.1f}x net of the FrameBuffer's copying)",
         r["mixed/parse"]["compat compiled"] >= 5),
        ("h2wire.hyperframe serialize >= 3x", f"mixed {r['mixed/serialize']['compat compiled']:.1f}x, "
         f"{worst_cser}", worst_cser_ratio >= 3),
        ("h2 end to end with install() >= 1.5x", f"{r['h2/end to end']['h2 + h2wire compiled']:.2f}x",
         r["h2/end to end"]["h2 + h2wire compiled"] >= 1.5),
        ("interpreted native never slower", worst_interp, worst_interp_ratio >= 1.0),
        ("interpreted native mixed stream >= 1.5x", f"{r['mixed/parse']['native interpreted']:.1f}x",
         r["mixed/parse"]["native interpreted"] >= 1.5),
        ("native frame object smaller", f"{m[mem]['native compiled']:.0f} B vs {m[mem]['hyperframe']:.0f} B (HEADERS)",
         m[mem]["native compiled"] < m[mem]["hyperframe"]),
    ]  # fmt: skip
    return rows


def render(
    r: dict[str, dict[str, float]],
    m: dict[str, dict[str, float]],
    targets: list[tuple[str, str, bool]],
    meta: dict[str, str],
) -> str:
    labels = [label for label in FRAME_VARIANTS if label != "hyperframe"]
    lines = [
        f"Measured {meta['date']} on {meta['machine']}, {meta['python']}; "
        f"{meta['rounds']} interleaved rounds, medians of per-round ratios "
        "(hyperframe 6.1.0's time / h2wire's: higher is faster).",
        "",
        "| case | hyperframe 6.1.0 | " + " | ".join(labels) + " |",
        "|---|---:|" + "---:|" * len(labels),
    ]
    for case, row in r.items():
        if case.startswith(("memory/", "h2/")):
            continue
        base = m[case]["hyperframe"]
        unit = f"{base * 1e3:.2f} ms" if base > 1e-4 else f"{base * 1e9:.0f} ns"
        cells = [f"{row[label]:.1f}x" if label in row else "n/a" for label in labels]
        lines.append(f"| {case} | {unit} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| memory | hyperframe 6.1.0 | " + " | ".join(labels) + " |",
        "|---|---:|" + "---:|" * len(labels),
    ]
    for case in m:
        if case.startswith("memory/"):
            cells = [f"{m[case][label]:,.0f}" for label in labels]
            lines.append(
                f"| {case[7:]} | {m[case]['hyperframe']:,.0f} | " + " | ".join(cells) + " |"
            )
    h2 = m["h2/end to end"]
    lines += [
        "",
        "| h2 4.4.1 end to end (2,000 requests) | time | vs hyperframe |",
        "|---|---:|---:|",
    ]
    for label in H2_VARIANTS:
        ratio = "1.00x" if label == "h2 + hyperframe" else f"{r['h2/end to end'][label]:.2f}x"
        lines.append(f"| {label} | {h2[label] * 1e3:.0f} ms | {ratio} |")
    lines += ["", "| target (compiled unless noted) | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in targets]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--update-docs", action="store_true", help="rewrite the table in docs/performance.md"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp)
        (inputs / "samples.json").write_text(
            json.dumps({n: f.serialize().hex() for n, f in SAMPLES})
        )
        frames = browsing_session()
        (inputs / "mixed.bin").write_bytes(b"".join(f.serialize() for f in frames))
        print(f"mixed stream: {len(frames)} frames", file=sys.stderr)
        runs = measure(FRAME_VARIANTS, args.rounds, inputs)
        runs_h2 = measure(H2_VARIANTS, args.rounds, inputs)

    for per_round in runs.values():  # FrameBuffer-style parse minus its own copying
        for result in per_round:
            if "mixed/buffer only" in result:
                result["mixed/parse, net of buffer copying"] = (
                    result["mixed/parse"] - result["mixed/buffer only"]
                )
    for result in runs["hyperframe"]:  # the decoder rows compare with the same baseline
        result["mixed/decoder, one feed"] = result["mixed/parse"]
        result["mixed/decoder, 64 KiB chunks"] = result["mixed/parse"]
    r = ratios(runs, "hyperframe")
    r.update(ratios(runs_h2, "h2 + hyperframe"))
    m = medians(runs)
    m.update(medians(runs_h2))
    targets = check_targets(r, m)
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()} Linux, {os.cpu_count()} cores ({platform.processor() or 'cpu'})",
        "python": f"CPython {platform.python_version()}",
        "rounds": str(args.rounds),
    }
    table = render(r, m, targets, meta)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps({"meta": meta, "ratios": r, "medians": m,
        "targets": targets, "frames_in_mixed_stream": len(frames)}, indent=1))  # fmt: skip
    (args.out / "results.md").write_text(table)
    print(table)
    if args.update_docs:
        page = ROOT / "docs" / "performance.md"
        text = page.read_text()
        start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
        head, rest = text.split(start, 1)
        page.write_text(head + start + table + end + rest.split(end, 1)[1])


if __name__ == "__main__":
    main()
