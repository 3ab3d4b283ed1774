"""What the h2wire proxy costs under load: ``h2load -n 20000 -c 10 -m 10`` to
nghttpd through ``h2wire proxy`` (h2c), the proxy logging text to a file.

    python bench/proxy_load.py [--rounds N] [--requests N] [--profile FILE]

The proxy runs as ``python -m h2wire`` with this interpreter: from the checkout
(interpreted) when the checkout is on ``PYTHONPATH``, else the installed build
(``python -P bench/proxy_load.py`` after ``make compiled-install``: the compiled
library under the interpreted command).  Prints h2load's "finished in" time of
each round and their median.  ``--profile FILE`` runs the proxy under cProfile
(one round) and writes its statistics there.  Not part of ``make test``:
nothing here asserts a timing.  Loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after 30 s")


@contextlib.contextmanager
def proxy(upstream: int, log: Path, profile: str | None) -> Iterator[int]:
    port = free_port()
    flags = ["-P"] if sys.flags.safe_path else []
    runner = ["-m", "cProfile", "-o", profile] if profile else []
    command = [sys.executable, *flags, *runner, "-m", "h2wire", "proxy",
               "--listen", f"127.0.0.1:{port}", "--upstream", f"127.0.0.1:{upstream}"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_listening(port)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the proxy (one round)")
    args = parser.parse_args()
    from h2wire.mode import COMPILED

    mode = "compiled library" if COMPILED else "interpreted"
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "index.html").write_bytes(b"<p>hello</p>" * 10)
        server_port = free_port()
        server = subprocess.Popen(
            ["nghttpd", "--no-tls", "-d", str(root), str(server_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times = []
        try:
            wait_listening(server_port)
            for _ in range(1 if args.profile else args.rounds):
                with proxy(server_port, root / "proxy.log", args.profile) as port:
                    load = subprocess.run(
                        ["h2load", "-n", str(args.requests), "-c", "10", "-m", "10",
                         f"http://127.0.0.1:{port}/"],
                        capture_output=True, text=True, timeout=600, check=True,
                    )  # fmt: skip
                finished = re.search(r"finished in ([\d.]+)(m?s)", load.stdout)
                ok = re.search(r"(\d+) succeeded", load.stdout)
                if finished is None or ok is None or int(ok[1]) != args.requests:
                    raise SystemExit(f"unexpected h2load output:\n{load.stdout}")
                seconds = float(finished[1]) / (1000 if finished[2] == "ms" else 1)
                times.append(seconds)
                lines = (root / "proxy.log").read_bytes().count(b"\n")
                print(f"{mode}: {seconds:.2f} s ({lines} log lines)", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{mode}: median {statistics.median(times):.2f} s of {len(times)} rounds "
          f"({os.cpu_count()} cores, {sys.implementation.name} {sys.version.split()[0]})")  # fmt: skip


if __name__ == "__main__":
    main()
