"""Where should the vectored writers stop copying?  (``make bench-threshold``)

``serialize_vectored`` copies parts shorter than ``coalesce_below`` octets
together into one buffer and passes longer ones by reference.  A buffer of its
own costs a list entry, a buffer export and an iovec in ``sendmsg``, and one
more item for ``b"".join``; a copy costs memory bandwidth.  This measures both
sides, compiled, in interleaved rounds (medians of per-round figures):

1. Per payload size: DATA frames of one size, written with their payloads
   passed by reference (threshold = the size) and copied (threshold = size + 1),
   then consumed by ``sendmsg`` into a socket pair drained by ``cat`` (pinned
   to the other core where there are two) or by one ``b"".join``.  The size
   where passing by reference starts to win is the threshold.
2. The mixed stream of ``make bench`` at candidate thresholds, the same ways.

Writes bench/results/threshold.md.  Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after site-packages: the installed (compiled) h2wire loads

import h2wire as h  # noqa: E402
from bench.worker import Drain, sendmsg_all  # noqa: E402
from bench.workload import browsing_session  # noqa: E402

SIZES = [64, 256, 512, 768, 1024, 1536, 2048, 4096, 16384]
THRESHOLDS = [1, 256, 512, 1024, 2048, 4096, 16385]
BATCH_OCTETS = 8 << 20  # per payload size: 8 MiB of DATA


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def per_size(drain: Drain, rounds: int) -> list[tuple[int, float, float, float, float]]:
    """(size, sendmsg by reference, copied; join by reference, copied) in ns per frame."""
    runs: dict[tuple[int, str], list[float]] = {}
    batches = {
        size: [h.DataFrame(1, os.urandom(size)) for _ in range(BATCH_OCTETS // size)]
        for size in SIZES
    }
    for _ in range(rounds):
        for size, frames in batches.items():
            for label, threshold in (("ref", size), ("copy", size + 1)):

                def send(frames: list[h.DataFrame] = frames, threshold: int = threshold) -> None:
                    sendmsg_all(
                        drain.writer, h.serialize_vectored(frames, coalesce_below=threshold)
                    )

                def join(frames: list[h.DataFrame] = frames, threshold: int = threshold) -> None:
                    b"".join(h.serialize_vectored(frames, coalesce_below=threshold))

                runs.setdefault((size, "send " + label), []).append(best(send) / len(frames))
                runs.setdefault((size, "join " + label), []).append(best(join) / len(frames))

    def ns(size: int, key: str) -> float:
        return statistics.median(runs[size, key]) * 1e9

    return [
        (size, ns(size, "send ref"), ns(size, "send copy"), ns(size, "join ref"),
         ns(size, "join copy"))
        for size in SIZES
    ]  # fmt: skip


def mixed(drain: Drain, rounds: int) -> list[tuple[int, int, float, float, float]]:
    """(threshold, buffers, serialize, + sendmsg, + join) in ms for the mixed stream."""
    frames = browsing_session()
    runs: dict[tuple[int, str], list[float]] = {}
    for _ in range(rounds):
        for threshold in THRESHOLDS:
            cases = {
                "serialize": lambda t=threshold: h.serialize_vectored(frames, coalesce_below=t),
                "send": lambda t=threshold: sendmsg_all(
                    drain.writer, h.serialize_vectored(frames, coalesce_below=t)
                ),
                "join": lambda t=threshold: b"".join(
                    h.serialize_vectored(frames, coalesce_below=t)
                ),
            }
            for name, fn in cases.items():
                runs.setdefault((threshold, name), []).append(best(fn))

    def ms(threshold: int, key: str) -> float:
        return statistics.median(runs[threshold, key]) * 1e3

    return [
        (t, len(h.serialize_vectored(frames, coalesce_below=t)), ms(t, "serialize"),
         ms(t, "send"), ms(t, "join"))
        for t in THRESHOLDS
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if not (h.__file__ or "").endswith(".so"):
        raise SystemExit("run with the compiled h2wire installed: make bench-threshold")
    drain = Drain()
    try:
        sizes = per_size(drain, args.rounds)
        stream = mixed(drain, args.rounds)
    finally:
        drain.close()
    lines = [
        f"Measured on {platform.machine()} Linux, {os.cpu_count()} cores, CPython "
        f"{platform.python_version()}, compiled h2wire; {args.rounds} interleaved rounds, "
        "medians (best of 3 within a round).  Written by `make bench-threshold`.",
        "",
        "Per DATA payload size, ns per frame: the payload passed by reference "
        "(its own buffer) or copied together with the headers around it.",
        "",
        "| payload | sendmsg, by reference | sendmsg, copied | copied / by reference | "
        'b"".join, by reference | b"".join, copied |',
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, send_ref, send_copy, join_ref, join_copy in sizes:
        lines.append(
            f"| {size} B | {send_ref:.0f} | {send_copy:.0f} | {send_copy / send_ref:.2f} | "
            f"{join_ref:.0f} | {join_copy:.0f} |"
        )
    lines += [
        "",
        "The mixed stream (10,000 frames, 36 MB), ms:",
        "",
        '| coalesce_below | buffers | serialize_vectored | + sendmsg | + b"".join |',
        "|---:|---:|---:|---:|---:|",
    ]
    for threshold, count, ser, send, join in stream:
        lines.append(f"| {threshold} | {count:,} | {ser:.2f} | {send:.2f} | {join:.2f} |")
    table = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "threshold.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
