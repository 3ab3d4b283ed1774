"""The numbers users feel: real servers and clients, with and without h2wire
(``make bench-real``; not part of ``make test``: nothing here asserts a timing).

* hypercorn serving over cleartext HTTP/2 (bench/real/server.py), loaded by
  nghttp2's ``h2load``: GET 13 octets, GET 64 KiB, POST 16 KiB.
* httpx downloading from nghttp2's ``nghttpd`` (bench/real/client.py), one
  connection, sequential requests: 1 octet, 100 KiB, 5 MiB.

Each program runs as it ships ("hyperframe 6.1.0") and with
``h2wire.hyperframe.install()`` called first ("h2wire", the compiled wheel in
the venv).  Every round runs each workload once per variant, the order of the
variants alternating from round to round; the table gives medians of the
per-round rates and of the per-round ratios (h2wire / hyperframe), with the
ratios' range as their noise.  Servers run on the first core and the load
generator or client on the second, where there are two (``taskset``).
Loopback only; counts are bounded.  Writes bench/results/real.md and
real.json; ``--update-docs`` puts the table in docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
PYTHON = [sys.executable, "-P"]  # -P: the installed (compiled) h2wire, not the checkout

#: label -> extra arguments of server.py / client.py
VARIANTS = {"hyperframe 6.1.0": [], "h2wire": ["--install"]}
#: hypercorn workloads: (name, path, request body octets or None)
HYPERCORN = [("GET 13 B", "/small", None), ("GET 64 KiB", "/64k", None),
             ("POST 16 KiB", "/upload", 16384)]  # fmt: skip
#: httpx workloads: (name, file size, downloads per run)
HTTPX = [("1 B", 1, 2000), ("100 KiB", 100 * 1024, 400), ("5 MiB", 5 * 2**20, 30)]


def cores() -> tuple[list[str], list[str]]:
    """taskset prefixes for the server and for the load generator or client."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return [], []
    return ["taskset", "-c", str(available[0])], ["taskset", "-c", str(available[1])]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port} after 30 s")


@contextlib.contextmanager
def running(command: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def h2load(prefix: list[str], url: str, requests: int, body: Path | None) -> tuple[float, int]:
    """(requests a second, requests that succeeded) for one h2load run."""
    command = [*prefix, "h2load", "-n", str(requests), "-c", "10", "-m", "10", "-t", "1"]
    if body is not None:
        command += ["-d", str(body)]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=600, check=False
    ).stdout
    rate = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", out)
    done = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded", out)
    if rate is None or done is None:
        raise SystemExit(f"unexpected h2load output:\n{out}")
    return float(rate.group(1)), int(done.group(1))


def httpx_run(prefix: list[str], url: str, count: int, extra: list[str]) -> float:
    """Downloads a second for ``count`` sequential downloads."""
    command = [*prefix, *PYTHON, str(HERE / "client.py"), url, str(count), *extra]
    out = json.loads(subprocess.run(command, capture_output=True, text=True, check=True,
                                    timeout=600).stdout)  # fmt: skip
    expected = "h2wire.hyperframe" if extra else "hyperframe"
    if out["hyperframe"] != expected:
        raise SystemExit(f"client loaded {out['hyperframe']}, expected {expected}")
    return count / float(out["seconds"])


def ordered(round_index: int) -> list[str]:
    labels = list(VARIANTS)
    return labels if round_index % 2 == 0 else labels[::-1]


def measure_hypercorn(rounds: int, requests: int, work: Path) -> dict[str, dict[str, list[float]]]:
    server_cpu, load_cpu = cores()
    body = work / "upload.bin"
    body.write_bytes(os.urandom(16384))
    ports = {label: free_port() for label in VARIANTS}
    rates: dict[str, dict[str, list[float]]] = {}
    succeeded: dict[str, int] = {}
    with contextlib.ExitStack() as stack:
        for label, extra in VARIANTS.items():
            command = [*server_cpu, *PYTHON, str(HERE / "server.py"), str(ports[label]), *extra]
            stack.enter_context(running(command, ports[label]))
        for label in VARIANTS:  # warm-up: the first connections import and compile
            h2load(load_cpu, f"http://127.0.0.1:{ports[label]}/small", 2000, None)
        for index in range(rounds):
            for name, path, size in HYPERCORN:
                for label in ordered(index):
                    url = f"http://127.0.0.1:{ports[label]}{path}"
                    rate, ok = h2load(load_cpu, url, requests, body if size else None)
                    rates.setdefault(name, {}).setdefault(label, []).append(rate)
                    succeeded[name] = min(succeeded.get(name, requests), ok)
            print(f"  hypercorn round {index + 1}/{rounds} done", file=sys.stderr, flush=True)
    for name, ok in succeeded.items():
        rates[name]["succeeded"] = [ok]
    return rates


def measure_httpx(rounds: int, scale: float, work: Path) -> dict[str, dict[str, list[float]]]:
    server_cpu, client_cpu = cores()
    docroot = work / "docroot"
    docroot.mkdir()
    for name, size, _ in HTTPX:
        (docroot / name.replace(" ", "")).write_bytes(os.urandom(size))
    port = free_port()
    rates: dict[str, dict[str, list[float]]] = {}
    command = [*server_cpu, "nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", str(docroot),
               str(port)]  # fmt: skip
    with running(command, port):
        for index in range(rounds):
            for name, _, count in HTTPX:
                for label in ordered(index):
                    url = f"http://127.0.0.1:{port}/{name.replace(' ', '')}"
                    runs = max(3, int(count * scale))
                    rate = httpx_run(client_cpu, url, runs, VARIANTS[label])
                    rates.setdefault(name, {}).setdefault(label, []).append(rate)
            print(f"  httpx round {index + 1}/{rounds} done", file=sys.stderr, flush=True)
    return rates


def rows(rates: dict[str, dict[str, list[float]]], unit: str) -> list[str]:
    base, other = list(VARIANTS)
    lines = []
    for name, per in rates.items():
        ratios = [b / a for a, b in zip(per[base], per[other], strict=True)]
        lost = ""
        if "succeeded" in per:
            lost = f" | {int(per['succeeded'][0]):,}"
        lines.append(
            f"| {name} | {statistics.median(per[base]):,.0f} {unit} | "
            f"{statistics.median(per[other]):,.0f} {unit} | **{statistics.median(ratios):.2f}x** | "
            f"{min(ratios):.2f} to {max(ratios):.2f}{lost} |"
        )
    return lines


def tool_version(command: list[str]) -> str:
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    match = re.search(r"\d+\.\d+\.\d+", out)
    return match.group(0) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20000, help="per h2load run")
    parser.add_argument("--scale", type=float, default=1.0, help="of the httpx download counts")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--update-docs", action="store_true", help="rewrite the table in docs/performance.md"
    )
    args = parser.parse_args()
    probe = subprocess.run([*PYTHON, "-c", "import h2wire; print(h2wire.__file__)"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    if not probe.strip().endswith(".so"):
        raise SystemExit("the compiled h2wire must be installed in the venv: make bench-real")
    with tempfile.TemporaryDirectory() as tmp:
        served = measure_hypercorn(args.rounds, args.requests, Path(tmp))
        downloaded = measure_httpx(args.rounds, args.scale, Path(tmp))
    server_cpu, _ = cores()
    pinning = "server and load generator on separate cores (taskset)" if server_cpu else (
        "one core: not pinned")  # fmt: skip
    counts = ", ".join(f"{n} {max(3, int(c * args.scale)):,}" for n, _, c in HTTPX)
    base, other = list(VARIANTS)
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {platform.machine()} Linux, "
        f"{os.cpu_count()} cores, CPython {platform.python_version()}; {pinning}; "
        f"{args.rounds} rounds, variants alternating, medians (the range is the per-round "
        f"ratios').  hypercorn {version('hypercorn')}, httpx {version('httpx')}, h2 "
        f"{version('h2')}, nghttp2 {tool_version(['h2load', '--version'])}; "
        '"h2wire" is the same program with `h2wire.hyperframe.install()` '
        "(compiled).",
        "",
        f"hypercorn under `h2load -n {args.requests:,} -c 10 -m 10 -t 1`, requests a second:",
        "",
        f"| workload | {base} | {other} | h2wire / hyperframe | range | fewest succeeded |",
        "|---|---:|---:|---:|---|---:|",
        *rows(served, "req/s"),
        "",
        f"httpx from nghttpd, one connection, sequential downloads ({counts} a run), "
        "downloads a second:",
        "",
        f"| download | {base} | {other} | h2wire / hyperframe | range |",
        "|---|---:|---:|---:|---|",
        *rows(downloaded, "/s"),
    ]
    table = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "real.md").write_text(table)
    (args.out / "real.json").write_text(
        json.dumps({"hypercorn": served, "httpx": downloaded}, indent=1)
    )
    print(table)
    if args.update_docs:
        readme = ROOT / "docs" / "performance.md"
        text = readme.read_text()
        start, end = "<!-- bench-real:start -->\n", "<!-- bench-real:end -->"
        head, rest = text.split(start, 1)
        readme.write_text(head + start + table + end + rest.split(end, 1)[1])


if __name__ == "__main__":
    main()
