"""``h2wire send`` run as the command against real servers: the probes of
examples/probes/ against nghttpd (h2c, and TLS verified with --ca or not with
--insecure) and hypercorn (h2c, once on hyperframe 6.1.0 and once with
``h2wire.hyperframe.install()`` in the server process; tests/asgi_server.py).

For each server and probe: the exit status, the answer the server gave (from
the ``--json`` records: GOAWAY or RST_STREAM and its code, or the close), the
error send itself found in what it sent (the error the server should find),
and the lines the text output shows for that answer.  Each server's answers
are pinned exactly; docs/testing.md lists them, and its example output of each
probe against nghttpd must be what the h2c run here prints (port and dates
aside).

`make test` installs nghttpd and openssl (`make interop-peers`) and hypercorn
(requirements-dev.txt, CPython only); a missing one fails these tests, except
hypercorn on PyPy, which is skipped with its reason.  Loopback only; every
wait is bounded (send's --timeout, subprocess timeouts).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from certificates import make_certificate
from test_interop import accepting, free_port, need, wait_until

import h2wire
from h2wire.codes import ErrorCode
from h2wire.mode import COMPILED

ROOT = Path(__file__).parent.parent
PROBES = ROOT / "examples" / "probes"
NAMES = ["get", "data-stream-0", "oversize-frame", "ping-inside-header-block",
         "window-update-zero", "broken-preface"]  # fmt: skip
#: send's --timeout: each wait at most this long (the answers come in far less).
TIMEOUT = "3"
# -P: the build this run tests (the installed, compiled one), not the checkout.
PYTHON = [sys.executable, *(["-P"] if sys.flags.safe_path else [])]


@dataclasses.dataclass(frozen=True)
class Answer:
    """What a server answers to a probe: ``frame`` GOAWAY or RST_STREAM with
    ``code`` (and GOAWAY's ``last_stream`` and debug data), or None: it closed
    the connection without either."""

    frame: str | None
    code: str | None = None
    last_stream: int = 0
    debug: bytes = b""


GOAWAY = "GOAWAY"
# What send finds wrong in what it sends: the error the server should find.
SENT_ERROR = {
    "get": None,
    "data-stream-0": "PROTOCOL_ERROR",
    "oversize-frame": "FRAME_SIZE_ERROR",
    "ping-inside-header-block": "PROTOCOL_ERROR",
    "window-update-zero": "PROTOCOL_ERROR",
    "broken-preface": "PROTOCOL_ERROR",
}
# nghttpd (nghttp2 1.52.0, Debian bookworm).  WINDOW_UPDATE of 0 on a stream is a
# stream error (RFC 9113 §6.9); nghttp2 treats it as a connection error, which
# §5.4.1 allows.  On the broken preface it sends its SETTINGS and closes without
# GOAWAY, which §3.4 allows.
NGHTTPD = {
    "get": Answer(None),
    "data-stream-0": Answer(GOAWAY, "PROTOCOL_ERROR", 0, b"DATA: stream_id == 0"),
    "oversize-frame": Answer(GOAWAY, "FRAME_SIZE_ERROR", 1, b"too large frame size"),
    "ping-inside-header-block": Answer(
        GOAWAY, "PROTOCOL_ERROR", 1, b"unexpected non-CONTINUATION frame or stream_id is invalid"
    ),
    "window-update-zero": Answer(
        GOAWAY, "PROTOCOL_ERROR", 1, b"WINDOW_UPDATE: window_size_increment == 0"
    ),
    "broken-preface": Answer(None),
}
# hypercorn 0.18.0 on h2 4.4.1, the same on either framing layer.  No debug data;
# the header block the PING interrupts does not count as a stream (last_stream 0);
# WINDOW_UPDATE of 0 is a connection error here too (h2 raises ProtocolError).
# On the broken preface it sends its SETTINGS (its h2 connection starts when it
# sees "PRI * HTTP/2.0") and closes without GOAWAY.
HYPERCORN = {
    "get": Answer(None),
    "data-stream-0": Answer(GOAWAY, "PROTOCOL_ERROR", 0),
    "oversize-frame": Answer(GOAWAY, "FRAME_SIZE_ERROR", 1),
    "ping-inside-header-block": Answer(GOAWAY, "PROTOCOL_ERROR", 0),
    "window-update-zero": Answer(GOAWAY, "PROTOCOL_ERROR", 1),
    "broken-preface": Answer(None),
}


@dataclasses.dataclass
class Target:
    """A running server and the options send reaches it with."""

    name: str
    port: int
    options: list[str]
    answers: dict[str, Answer]
    framing: str | None = None  # hypercorn: "hyperframe" or "h2wire"


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def www(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("www")
    (root / "index.html").write_text("hello\n")
    return root


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def nghttpd(www: Path) -> Iterator[int]:
    """nghttpd over h2c: its port."""
    port = free_port()
    server = subprocess.Popen([need("nghttpd"), "--no-tls", "-d", str(www), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until(lambda: accepting(port), "nghttpd")
        yield port
    finally:
        stop(server)


@pytest.fixture(scope="module")
def nghttpd_tls(www: Path, certificate: tuple[Path, Path]) -> Iterator[int]:
    """nghttpd over TLS (ALPN h2) with the test's certificate: its port."""
    cert, key = certificate
    port = free_port()
    server = subprocess.Popen([need("nghttpd"), "-d", str(www), str(port), str(key), str(cert)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until(lambda: accepting(port), "nghttpd (TLS)")
        yield port
    finally:
        stop(server)


def hypercorn(framing: str) -> Iterator[int]:
    """hypercorn serving tests/asgi_server.py over h2c (``framing``: "h2wire"
    with install(), "hyperframe" without): its port."""
    if importlib.util.find_spec("hypercorn") is None:
        if sys.implementation.name == "pypy":
            pytest.skip("hypercorn is pinned for CPython only (requirements-dev.txt)")
        pytest.fail("hypercorn is not installed: `make venv` installs requirements-dev.txt")
    port = free_port()
    install = ["--install"] if framing == "h2wire" else []
    server = subprocess.Popen(
        [*PYTHON, str(ROOT / "tests" / "asgi_server.py"), str(port), *install],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ),
    )  # fmt: skip
    try:
        wait_until(lambda: server.poll() is not None or accepting(port), "hypercorn")
        if server.poll() is not None:
            assert server.stderr is not None
            pytest.fail(f"hypercorn exited: {server.stderr.read().decode()[-2000:]}")
        yield port
    finally:
        stop(server)


@pytest.fixture(scope="module")
def hypercorn_hyperframe() -> Iterator[int]:
    yield from hypercorn("hyperframe")


@pytest.fixture(scope="module")
def hypercorn_h2wire() -> Iterator[int]:
    yield from hypercorn("h2wire")


TARGETS = ["nghttpd h2c", "nghttpd TLS --ca", "nghttpd TLS --insecure",
           "hypercorn hyperframe", "hypercorn h2wire"]  # fmt: skip


@pytest.fixture(scope="module", params=TARGETS)
def target(request: pytest.FixtureRequest, certificate: tuple[Path, Path]) -> Target:
    """Each server once per module (the parametrization groups the tests by it)."""
    name: str = request.param
    if name == "nghttpd h2c":
        return Target(name, request.getfixturevalue("nghttpd"), [], NGHTTPD)
    if name.startswith("nghttpd TLS"):
        port = request.getfixturevalue("nghttpd_tls")
        verify = ["--ca", str(certificate[0])] if name.endswith("--ca") else ["--insecure"]
        return Target(name, port, ["--tls", *verify], NGHTTPD)
    framing = name.split()[1]
    port = request.getfixturevalue(f"hypercorn_{framing}")
    return Target(name, port, [], HYPERCORN, framing)


def extra_options(probe: str) -> list[str]:
    return ["--no-preface"] if probe == "broken-preface" else []


def send(target: Target, probe: str, *options: str) -> tuple[int, str]:
    """Run ``h2wire send`` with a probe: its exit status and output."""
    extra = extra_options(probe)
    result = subprocess.run(
        [*PYTHON, "-m", "h2wire", "send", "--timeout", TIMEOUT, *target.options, *extra,
         *options, f"127.0.0.1:{target.port}", str(PROBES / f"{probe}.jsonl")],
        check=False, capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )  # fmt: skip
    assert result.stderr == ""
    return result.returncode, result.stdout


def answer_of(records: list[dict[str, object]]) -> Answer:
    """The server's answer, from send's --json records: its first GOAWAY or
    RST_STREAM with an error code (RST_STREAM(NO_ERROR) would be no answer)."""
    for record in records:
        fields = record.get("fields")
        if record.get("direction") != "<-" or not isinstance(fields, dict):
            continue
        if record["type"] == GOAWAY:
            return Answer(GOAWAY, ErrorCode(fields["error_code"]).name,
                          fields["last_stream_id"], bytes.fromhex(fields["debug_data"]))  # fmt: skip
        if record["type"] == "RST_STREAM" and fields["error_code"]:
            stream = record["stream_id"]
            assert isinstance(stream, int)
            return Answer("RST_STREAM", ErrorCode(fields["error_code"]).name, stream)
    return Answer(None)


def documented(probe: str) -> tuple[list[str], list[str], int]:
    """The example of ``probe`` in docs/testing.md: its command, the output
    shown, and the exit status shown (``$ echo $?``)."""
    page = (ROOT / "docs" / "testing.md").read_text()
    for block in re.findall(r"^```text\n(.*?)^```", page, flags=re.M | re.S):
        lines = block.splitlines()
        if lines[0].startswith("$ h2wire send ") and f"/{probe}.jsonl" in lines[0]:
            assert lines[-2] == "$ echo $?"
            return shlex.split(lines[0][2:]), lines[1:-2], int(lines[-1])
    raise AssertionError(f"docs/testing.md shows no run of {probe}")


def comparable(lines: list[str]) -> list[str]:
    """Output lines with what changes from run to run made the same: the port,
    the dates nghttpd sends, and how a close is seen (the end of the input, or a
    write that finds the connection gone)."""
    same = []
    for line in lines:
        shown = re.sub(
            r"^-- connected to 127\.0\.0\.1:\d+ ", "-- connected to 127.0.0.1:PORT ", line
        )
        shown = re.sub(r"^(<- +(date|last-modified): ).*", r"\1DATE", shown)
        shown = re.sub(r"^-- the connection failed: .*", "-- the peer closed the connection", shown)
        same.append(shown.rstrip())
    return same


#: The nghttpd whose output docs/testing.md shows (Debian bookworm's, the host's).
DOCUMENTED_NGHTTPD = "1.52.0"


@pytest.mark.parametrize("probe", NAMES)
def test_the_page_shows_what_send_prints(nghttpd: int, probe: str) -> None:
    """docs/testing.md's example of each probe is what send prints against
    nghttpd over h2c, port and dates aside.  Another nghttpd (Debian trixie's
    and sid's, in make test-matrix) sends other SETTINGS and names itself
    otherwise: there the page cannot be compared, and the test says so."""
    page = (ROOT / "docs" / "testing.md").read_text()
    assert f"nghttp2 {DOCUMENTED_NGHTTPD}" in page
    version = subprocess.run([need("nghttpd"), "--version"], capture_output=True, text=True,
                             check=True).stdout.split("/")[-1].strip()  # fmt: skip
    if version != DOCUMENTED_NGHTTPD:
        pytest.skip(f"the page shows nghttpd {DOCUMENTED_NGHTTPD}'s output; this is {version}")
    command, shown, shown_status = documented(probe)
    assert command == ["h2wire", "send", *extra_options(probe), "127.0.0.1:8080",
                       f"examples/probes/{probe}.jsonl"]  # fmt: skip
    status, text = send(Target("nghttpd h2c", nghttpd, [], NGHTTPD), probe)
    assert (comparable(text.splitlines()), status) == (comparable(shown), shown_status)


def framing_file(expected: str) -> Path:
    """The file hyperframe.frame must be in a server process on ``expected``."""
    if expected == "h2wire":
        return Path(h2wire.__file__).parent / "hyperframe"
    frame = importlib.metadata.distribution("hyperframe").locate_file("hyperframe/frame.py")
    return Path(str(frame))


@pytest.mark.parametrize("probe", NAMES)
def test_probe(target: Target, probe: str) -> None:
    expected = target.answers[probe]
    status, text = send(target, probe, "--json")
    records = [json.loads(line) for line in text.splitlines()]
    assert records[0] == {"direction": "--", "event": records[0]["event"]}
    tls = "TLS, ALPN h2" if target.options else "h2c"
    assert records[0]["event"] == f"connected to 127.0.0.1:{target.port} ({tls})"

    # The server's answer, and the error send found in what it sent.
    assert answer_of(records) == expected
    sent_errors = [r["error"] for r in records if r.get("direction") == "->" and "error" in r]
    assert sent_errors == ([SENT_ERROR[probe]] if SENT_ERROR[probe] else [])
    received = [r.get("type") or r.get("error") for r in records if r.get("direction") == "<-"]
    end = records[-1]
    assert end["direction"] == "--"
    if probe == "get":
        assert status == 0
        assert end == {"direction": "--", "end": "clean", "exit_status": 0, "reasons": []}
        response = next(r for r in records if r.get("type") == "HEADERS" and r["direction"] == "<-")
        assert response["headers"][0] == [":status", "200"]
        assert {"type": "DATA", "direction": "<-"}.items() <= records[
            records.index(response) + 1
        ].items()
        assert records[-2] == {"direction": "--", "event": "closed"}  # send's GOAWAY(NO_ERROR)
    elif probe == "broken-preface":
        # The input waits for the close: no GOAWAY is exit status 0.  Both servers
        # send their SETTINGS first (send acknowledges it as the preface was right).
        assert status == 0
        assert end == {"direction": "--", "end": "clean", "exit_status": 0, "reasons": []}
        assert received == ["SETTINGS"]
        closing = records[-2]["event"]
        assert closing == "the peer closed the connection" or closing.startswith(
            "the connection failed: "
        )
    else:
        assert status == 1
        assert expected.frame == GOAWAY  # (every server here answers so)
        debug = f", debug data {expected.debug!r}" if expected.debug else ""
        code = f"{expected.code}(0x{ErrorCode[str(expected.code)]:02x})"
        assert end["reasons"] == [
            f"the peer sent GOAWAY with {code} (last_stream={expected.last_stream}{debug})"
        ]
        assert received[-1] == GOAWAY  # then the server closed, as the input waited for
        assert records[-2] == {"direction": "--", "event": "the peer closed the connection"}

    # The text output says the same.
    text_status, text = send(target, probe)
    assert text_status == status
    lines = text.splitlines()
    assert lines[0] == f"-- connected to 127.0.0.1:{target.port} ({tls})"
    if probe == "get":
        assert "<-             :status: 200" in lines
        assert lines[-2:] == ["-- closed", "-- end: clean"]
    elif probe == "broken-preface":
        assert lines[-1] == "-- end: clean"
        assert not [line for line in lines if "GOAWAY" in line]
    else:
        goaway = [line for line in lines if re.match(r"<- +\d+  GOAWAY ", line)]
        assert len(goaway) == 1
        assert re.search(
            rf"  last_stream={expected.last_stream} error={re.escape(code)}( debug='|$)", goaway[0]
        )
        assert lines[-1] == f"-- end: {end['reasons'][0]}"

    if target.framing is not None and probe == "get":
        # Which framing layer the hypercorn process really used: the file of its
        # hyperframe.frame and of the module h2's frame buffer parses with.
        fields = dict(response["headers"])
        where = framing_file(target.framing)
        for name in ("x-hyperframe", "x-h2-frames"):
            used = Path(fields[name])
            if target.framing == "h2wire":
                assert used.parent == where and used.name.startswith("frame.")
                # The build this run tests: compiled (an extension module) or not.
                assert (used.suffix == ".py") is not COMPILED
            else:
                assert used == where
        assert fields["server"] == "hypercorn-h2"
