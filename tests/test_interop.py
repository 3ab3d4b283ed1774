"""h2wire proxy between real HTTP/2 peers: Debian's curl and nghttp clients and the
nghttpd server (cleartext, prior knowledge).  `make test` installs them
(`make interop-peers`); if they are missing this test fails, it does not skip."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FILES = {"index.html": 60, "app.js": 20_000, "image.bin": 100_000, "video.bin": 1_500_000}


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"{program} is not installed: `make interop-peers` installs Debian's "
            "nghttp2-server, nghttp2-client and curl"
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: object, what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.05)
    pytest.fail(f"{what} did not come up within {seconds} s")


def accepting(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Setup:
    def __init__(
        self,
        root: Path,
        server_port: int,
        proxy_port: int,
        log: Path,
        proxy: subprocess.Popen[bytes],
    ) -> None:
        self.root, self.server_port, self.proxy_port, self.log, self.proxy = (
            root,
            server_port,
            proxy_port,
            log,
            proxy,
        )

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.proxy_port}/{name}"


@pytest.fixture(scope="function")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    nghttpd = need("nghttpd")
    need("curl")
    need("nghttp")
    root = tmp_path_factory.mktemp("www")
    rng = random.Random(2026)
    for name, size in FILES.items():
        (root / name).write_bytes(rng.randbytes(size))
    server_port, proxy_port = free_port(), free_port()
    server = subprocess.Popen([nghttpd, "--no-tls", "-d", str(root), str(server_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    log = root.parent / "proxy.jsonl"
    flags = ["-P"] if sys.flags.safe_path else []  # the build this run tests
    with log.open("wb") as out:
        proxy = subprocess.Popen(
            [sys.executable, *flags, "-m", "h2wire", "proxy", "--json",
             "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{server_port}"],
            stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ),
        )  # fmt: skip
    try:
        wait_until(lambda: accepting(server_port), "nghttpd")
        wait_until(lambda: b"listening" in log.read_bytes(), "h2wire proxy")
        yield Setup(root, server_port, proxy_port, log, proxy)
    finally:
        if proxy.poll() is None:
            proxy.kill()
        server.terminate()
        server.wait(timeout=10)


def curl(setup: Setup, name: str, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["curl", "-s", "--max-time", "20", "--http2-prior-knowledge", "-o", str(out),
         "-w", "%{http_code} %{http_version}", setup.url(name)],
        stdout=subprocess.PIPE,
    )  # fmt: skip


def test_proxy_between_real_peers(setup: Setup, tmp_path: Path) -> None:
    """Responses arrive intact, the log shows the frames, and Ctrl-C stops it cleanly."""
    for name in FILES:
        result = curl(setup, name, tmp_path / name)
        assert result.communicate(timeout=30)[0] == b"200 2"
        assert (tmp_path / name).read_bytes() == (setup.root / name).read_bytes()
    # Many connections at once.
    running = [
        (curl(setup, name, tmp_path / f"{i}-{name}"), name, i) for i in range(2) for name in FILES
    ]
    for process, name, i in running:
        assert process.communicate(timeout=30)[0] == b"200 2"
        assert (tmp_path / f"{i}-{name}").read_bytes() == (setup.root / name).read_bytes()
    missing = curl(setup, "missing", tmp_path / "missing")
    assert missing.communicate(timeout=30)[0] == b"404 2"
    # nghttp: several requests on one connection, a 64 KiB window, GOAWAY at the end.
    nghttp = subprocess.run(["nghttp", "-n", setup.url("image.bin"), setup.url("video.bin")],
                            capture_output=True, timeout=30, check=False)  # fmt: skip
    assert nghttp.returncode == 0, nghttp.stderr

    setup.proxy.send_signal(signal.SIGINT)
    assert setup.proxy.wait(timeout=10) == 0
    text = setup.log.read_text()
    # JSON lines only: nothing else on its output (such as asyncio's "Task was
    # destroyed but it is pending!" when a stop leaves relays behind).
    assert [line for line in text.splitlines() if not line.startswith("{")] == []
    records = [json.loads(line) for line in text.splitlines()]
    assert records[-1]["event"] == "stopped"
    frames = [r for r in records if "type" in r]
    seen = {(r["direction"], r["type"]) for r in frames}
    assert {("->", "SETTINGS"), ("->", "HEADERS"), ("->", "WINDOW_UPDATE"), ("->", "GOAWAY"),
            ("<-", "SETTINGS"), ("<-", "HEADERS"), ("<-", "DATA")} <= seen  # fmt: skip
    assert not [r for r in records if "frame error" in str(r.get("event", ""))]
    connections = {r["connection"] for r in frames}
    assert len(connections) >= 14  # every curl run and the nghttp one
    delivered = sum(len(bytes.fromhex(r["fields"]["data"])) for r in frames if r["type"] == "DATA")
    assert delivered >= 3 * sum(FILES.values())
