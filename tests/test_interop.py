"""h2wire proxy between real HTTP/2 peers: Debian's curl and nghttp clients and the
nghttpd server, in cleartext (prior knowledge) and over TLS (ALPN h2, with a
certificate the test makes).  `make test` installs them (`make interop-peers`);
if they are missing these tests fail, they do not skip."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from certificates import make_certificate

FILES = {"index.html": 60, "app.js": 20_000, "image.bin": 100_000, "video.bin": 1_500_000}


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"{program} is not installed: `make interop-peers` installs Debian's "
            "nghttp2-server, nghttp2-client, curl, openssl and chromium"
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
    """nghttpd serving ``root``, and the h2wire proxy in front of it, logging to ``log``."""

    def __init__(
        self,
        root: Path,
        server_port: int,
        proxy_port: int,
        log: Path,
        proxy: subprocess.Popen[bytes],
        scheme: str = "http",
        certificate: Path | None = None,
    ) -> None:
        self.root, self.server_port, self.proxy_port, self.log, self.proxy = (
            root,
            server_port,
            proxy_port,
            log,
            proxy,
        )
        self.scheme = scheme
        self.certificate = certificate

    def url(self, name: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.proxy_port}/{name}"

    def stop(self) -> str:
        """Stop the proxy with Ctrl-C; its whole output."""
        self.proxy.send_signal(signal.SIGINT)
        assert self.proxy.wait(timeout=10) == 0
        return self.log.read_text()


def serve(root: Path, proxy_options: list[str], tls: Path | None = None) -> Iterator[Setup]:
    """nghttpd on ``root`` (over TLS with the certificate and key in ``tls``),
    and the proxy with ``proxy_options`` in front of it; stopped afterwards."""
    nghttpd = need("nghttpd")
    server_port, proxy_port = free_port(), free_port()
    if tls is None:
        command = [nghttpd, "--no-tls", "-d", str(root), str(server_port)]
        certificate = None
    else:
        certificate, key = make_certificate(tls)
        command = [nghttpd, "-d", str(root), str(server_port), str(key), str(certificate)]
        proxy_options = [*proxy_options, "--tls-cert", str(certificate), "--tls-key", str(key)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = root.parent / "proxy.log"
    flags = ["-P"] if sys.flags.safe_path else []  # the build this run tests
    with log.open("wb") as out:
        proxy = subprocess.Popen(
            [sys.executable, *flags, "-m", "h2wire", "proxy", *proxy_options,
             "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{server_port}"],
            stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ),
        )  # fmt: skip
    try:
        wait_until(lambda: accepting(server_port), "nghttpd")
        wait_until(lambda: b"listening" in log.read_bytes(), "h2wire proxy")
        scheme = "http" if tls is None else "https"
        yield Setup(root, server_port, proxy_port, log, proxy, scheme, certificate)
    finally:
        if proxy.poll() is None:
            proxy.kill()
        server.terminate()
        server.wait(timeout=10)


def random_files(root: Path) -> None:
    rng = random.Random(2026)
    for name, size in FILES.items():
        (root / name).write_bytes(rng.randbytes(size))


@pytest.fixture(scope="function")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    need("curl")
    need("nghttp")
    root = tmp_path_factory.mktemp("www")
    random_files(root)
    yield from serve(root, ["--json"])


@pytest.fixture(scope="function")
def tls_setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """Both sides TLS; the upstream verified against the test's certificate."""
    need("curl")
    need("nghttp")
    root = tmp_path_factory.mktemp("www")
    random_files(root)
    tls = tmp_path_factory.mktemp("tls")
    certificate = tls / "localhost.crt"  # made by serve()
    yield from serve(root, ["--upstream-tls", "--upstream-ca", str(certificate)], tls)


def curl(setup: Setup, name: str, out: Path) -> subprocess.Popen[bytes]:
    if setup.certificate is None:
        mode = ["--http2-prior-knowledge"]
    else:
        mode = ["--http2", "--cacert", str(setup.certificate)]
    return subprocess.Popen(
        ["curl", "-s", "--max-time", "20", *mode, "-o", str(out),
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

    text = setup.stop()
    # JSON lines only: nothing else on its output (such as asyncio's "Task was
    # destroyed but it is pending!" when a stop leaves relays behind).
    assert [line for line in text.splitlines() if not line.startswith("{")] == []
    records = [json.loads(line) for line in text.splitlines()]
    assert records[-1]["event"] == "stopped"
    frames = [r for r in records if "type" in r]
    seen = {(r["direction"], r["type"]) for r in frames}
    assert {("->", "SETTINGS"), ("->", "HEADERS"), ("->", "WINDOW_UPDATE"), ("->", "GOAWAY"),
            ("<-", "SETTINGS"), ("<-", "HEADERS"), ("<-", "DATA")} <= seen  # fmt: skip
    assert not [r for r in records if "error" in r or "headers_error" in r]
    connections = {r["connection"] for r in frames}
    assert len(connections) >= 14  # every curl run and the nghttp one
    delivered = sum(len(bytes.fromhex(r["fields"]["data"])) for r in frames if r["type"] == "DATA")
    assert delivered >= 3 * sum(FILES.values())
    # Every request's header fields: curl's :path for each file it fetched.
    paths = [
        dict(r["headers"]).get(":path")
        for r in frames
        if r["direction"] == "->" and r["type"] == "HEADERS"
    ]
    for name in FILES:
        assert paths.count(f"/{name}") >= 3  # once alone, twice at once, and nghttp for two


# A frame line of the proxy's text log, and a header field line under it.
FRAME_LINE = re.compile(r"^ *\d+\.\d{3} +#(\d+) (->|<-) +\d+  (\S+) +(\d+) ")
FIELD_LINE = re.compile(r"^ *\d+\.\d{3} +#(\d+) (->|<-) {13}(.+)$")


def logged_fields(text: str) -> dict[tuple[str, str, int], list[str]]:
    """The header fields the proxy printed: (connection, direction, stream) ->
    ["name: value", ...], from the text log."""
    fields: dict[tuple[str, str, int], list[str]] = {}
    current: tuple[str, str, int] | None = None
    for line in text.splitlines():
        frame = FRAME_LINE.match(line)
        if frame is not None:
            connection, direction, kind, stream = frame.groups()
            current = None
            if kind in ("HEADERS", "CONTINUATION"):
                current = (connection, direction, int(stream))
            continue
        field = FIELD_LINE.match(line)
        if field is not None and current is not None and (field[1], field[2]) == current[:2]:
            fields.setdefault(current, []).append(field[3])
    return fields


def nghttp_fields(output: str) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """What `nghttp -v` printed: the fields it sent and received, per stream."""
    sent: dict[int, list[str]] = {}
    received: dict[int, list[str]] = {}
    stream = None
    for line in output.splitlines():
        if line.startswith("["):
            stream = None
            send = re.search(r"send HEADERS frame <.*stream_id=(\d+)>", line)
            if send:
                stream = int(send[1])
            recv = re.search(r"recv \(stream_id=(\d+)\) (.+)$", line)
            if recv:
                received.setdefault(int(recv[1]), []).append(recv[2])
        elif stream is not None and line.startswith(" " * 10) and line[10] not in ";([":
            sent.setdefault(stream, []).append(line[10:])
    return sent, received


def test_tls_proxy_between_real_peers(tls_setup: Setup, tmp_path: Path) -> None:
    """curl --http2 and nghttp over TLS through the TLS proxy to nghttpd over TLS:
    the files arrive intact, and the header fields the proxy printed are the
    ones nghttp says it sent and received."""
    setup = tls_setup
    for name in FILES:
        result = curl(setup, name, tmp_path / name)
        assert result.communicate(timeout=30)[0] == b"200 2"
        assert (tmp_path / name).read_bytes() == (setup.root / name).read_bytes()
    nghttp = subprocess.run(
        ["nghttp", "-v", "-n", setup.url("index.html"), setup.url("app.js"), setup.url("missing")],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert nghttp.returncode == 0, nghttp.stderr
    assert "The negotiated protocol: h2" in nghttp.stdout
    text = setup.stop()
    assert "(TLS), relaying to" in text and "error at byte" not in text
    sent, received = nghttp_fields(nghttp.stdout)
    assert len(sent) == 3 and sent.keys() == received.keys()
    printed = logged_fields(text)
    nghttp_connection = {
        c for (c, d, s), lines in printed.items() if any("user-agent: nghttp2" in x for x in lines)
    }
    assert len(nghttp_connection) == 1
    (connection,) = nghttp_connection
    for stream in sent:
        assert printed[connection, "->", stream] == sent[stream]
        assert printed[connection, "<-", stream] == received[stream]
    assert [received[s][0] for s in sorted(received)] == [":status: 200"] * 2 + [":status: 404"]
    # curl's requests, one connection each, were all over TLS.
    curl_paths = sorted(
        line for (c, d, s), lines in printed.items() if d == "->" for line in lines
        if line.startswith(":path: ") and c != connection
    )  # fmt: skip
    assert curl_paths == sorted(f":path: /{name}" for name in FILES)
