"""h2wire proxy with TLS, in process: a TLS listener (ALPN h2), a TLS upstream
(verified, or not with --insecure), and every way a handshake goes wrong: one
line in the log each, and the proxy goes on serving the others."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import ssl
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from certificates import make_certificate
from test_proxy import PREFIX, free_port, logged

import h2wire as h
from h2wire import cli
from h2wire.cli.tls import handshake_failure, listener_context, upstream_context

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
REQUEST = h.CLIENT_PREFACE + h.SettingsFrame().serialize()
RESPONSE = h.SettingsFrame({3: 100}).serialize() + h.SettingsFrame(ack=True).serialize()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    cert, key = make_certificate(tmp_path_factory.mktemp("tls"))
    return str(cert), str(key)


def client_context(cert: str, alpn: list[str]) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cert)
    context.set_alpn_protocols(alpn)
    return context


async def h2_upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers the client's preface and SETTINGS, then reads until the end."""
    await reader.readexactly(len(REQUEST))
    writer.write(RESPONSE)
    await writer.drain()
    await reader.read()
    writer.close()


async def good_client(port: int, cert: str) -> bytes:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=client_context(cert, ["h2"]), server_hostname="localhost"
    )
    writer.write(REQUEST)
    answer = await reader.readexactly(len(RESPONSE))
    writer.close()
    return answer


async def proxy_session(
    certificate: tuple[str, str],
    upstream_handler: Handler,
    session: Callable[[int], Awaitable[None]],
    upstream_alpn: str = "h2",
    **options: object,
) -> list[tuple[str, str, str]]:
    """Run ``session`` against a TLS proxy in front of a TLS upstream; the log
    as (connection, direction, text) triples."""
    cert, key = certificate
    upstream_tls = listener_context(cert, key)
    upstream_tls.set_alpn_protocols([upstream_alpn])
    up_port, port = free_port(), free_port()
    server = await asyncio.start_server(upstream_handler, "127.0.0.1", up_port, ssl=upstream_tls)
    out = io.StringIO()
    stop = asyncio.Event()
    settings: dict[str, object] = {
        "client_tls": listener_context(cert, key),
        "upstream_tls": upstream_context(cert, False),
        "handshake_timeout": 2.0,
    }
    settings.update(options)
    task = asyncio.create_task(
        cli.serve_proxy(("127.0.0.1", port), ("127.0.0.1", up_port),
                        cli.Log(out, False, colour=False), None, stop, **settings)  # type: ignore[arg-type]
    )  # fmt: skip
    await logged(out, "listening")
    await session(port)
    await asyncio.sleep(0.1)
    stop.set()
    await task
    server.close()
    log = []
    for line in out.getvalue().splitlines():
        match = PREFIX.match(line)
        assert match is not None, line
        log.append((match[1], match[2], line[match.end() :]))
    return log


def events(log: list[tuple[str, str, str]], connection: int) -> list[str]:
    return [text for c, d, text in log if c == str(connection) and d == "--"]


def test_tls_on_both_sides(certificate: tuple[str, str]) -> None:
    answers: list[bytes] = []

    async def session(port: int) -> None:
        answers.append(await good_client(port, certificate[0]))

    log = asyncio.run(proxy_session(certificate, h2_upstream, session))
    assert answers == [RESPONSE]
    assert re.fullmatch(
        r"listening on 127\.0\.0\.1:\d+ \(TLS\), relaying to 127\.0\.0\.1:\d+ \(TLS\)", log[0][2]
    )
    assert [(d, text) for c, d, text in log if c == "1" and d != "--"] == [
        ("->", "         0  PREFACE         client connection preface"),
        ("->", "        24  SETTINGS                 0        0  0x00"),
        ("<-", "         0  SETTINGS                 0        6  0x00" + " " * 46
               + "MAX_CONCURRENT_STREAMS(0x03)=100"),
        ("<-", "        15  SETTINGS                 0        0  0x01 ACK"),
    ]  # fmt: skip


def test_upstream_unverified_with_insecure(certificate: tuple[str, str]) -> None:
    answers: list[bytes] = []

    async def session(port: int) -> None:
        answers.append(await good_client(port, certificate[0]))

    log = asyncio.run(
        proxy_session(certificate, h2_upstream, session, upstream_tls=upstream_context(None, True))
    )
    assert answers == [RESPONSE]
    assert events(log, 1)[1:] == ["closed"]


def test_bad_clients_get_one_line_each_and_the_others_are_served(
    certificate: tuple[str, str],
) -> None:
    cert = certificate[0]
    answers: list[bytes] = []

    async def send_and_wait(port: int, data: bytes) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(data)
        await writer.drain()
        await reader.read()
        writer.close()

    async def session(port: int) -> None:
        answers.append(await good_client(port, cert))
        # 2: plain HTTP/1.1 instead of a ClientHello; 3: zeros.
        await send_and_wait(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await send_and_wait(port, bytes(64))
        # 4: the start of a TLS record, then the client goes away.
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(bytes.fromhex("160301020001"))
        await writer.drain()
        await asyncio.sleep(0.1)
        writer.close()
        await asyncio.sleep(0.1)
        # 5: a failed handshake: the client's only cipher suite needs an RSA key.
        rsa_only = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        rsa_only.check_hostname = False
        rsa_only.verify_mode = ssl.CERT_NONE
        rsa_only.maximum_version = ssl.TLSVersion.TLSv1_2
        rsa_only.set_ciphers("AES128-SHA256")
        with pytest.raises(OSError):
            await asyncio.open_connection("127.0.0.1", port, ssl=rsa_only)
        await asyncio.sleep(0.1)
        # 6: TLS, but HTTP/1.1 by ALPN.
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_context(cert, ["http/1.1"]), server_hostname="localhost"
        )
        assert await reader.read() == b""
        writer.close()
        # 7: says nothing: the handshake times out (2 s here, ample for the
        # good clients' handshakes on a busy machine).
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await reader.read() == b""
        writer.close()
        answers.append(await good_client(port, cert))

    log = asyncio.run(proxy_session(certificate, h2_upstream, session))
    assert answers == [RESPONSE, RESPONSE]
    failures = {
        2: "TLS with the client failed: [SSL: HTTP_REQUEST] http request",
        3: "TLS with the client failed: [SSL: WRONG_VERSION_NUMBER] wrong version number",
        4: "TLS with the client failed: the peer closed the connection (ConnectionResetError)",
        5: "TLS with the client failed: [SSL: NO_SHARED_CIPHER] no shared cipher",
        6: "the client did not negotiate h2 with ALPN (selected: none)",
        7: "TLS with the client failed: no handshake within 2 s",
    }
    for connection, failure in failures.items():
        accepted, *rest = events(log, connection)
        assert accepted.startswith("accepted ('127.0.0.1', ")
        assert rest == [failure, "closed"], connection
        assert [d for c, d, _ in log if c == str(connection)] == ["--"] * 3
    assert events(log, 8)[1:] == ["closed"]


async def closing_upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


@pytest.mark.parametrize(
    ("upstream_tls", "upstream_alpn", "failure"),
    [
        # Verified against the system's trust store, which does not know it.
        (upstream_context(None, False), "h2",
         "TLS with the upstream failed: certificate verify failed: self-signed certificate"),
        ("ca", "http/1.1", "the upstream did not negotiate h2 with ALPN (selected: none)"),
    ],
)  # fmt: skip
def test_upstream_tls_failures(
    certificate: tuple[str, str],
    upstream_tls: ssl.SSLContext | str,
    upstream_alpn: str,
    failure: str,
) -> None:
    context = upstream_context(certificate[0], False) if upstream_tls == "ca" else upstream_tls
    closed: list[bytes] = []

    async def session(port: int) -> None:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_context(certificate[0], ["h2"]),
            server_hostname="localhost",
        )  # fmt: skip
        writer.write(REQUEST)
        closed.append(await reader.read())
        writer.close()

    log = asyncio.run(
        proxy_session(certificate, h2_upstream, session, upstream_alpn, upstream_tls=context)
    )
    assert closed == [b""]
    assert events(log, 1)[1:] == [failure, "closed"]


def test_upstream_closes_during_the_handshake(certificate: tuple[str, str]) -> None:
    async def session(port: int) -> None:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_context(certificate[0], ["h2"]),
            server_hostname="localhost",
        )  # fmt: skip
        assert await reader.read() == b""
        writer.close()

    async def run() -> list[tuple[str, str, str]]:
        # A plain TCP upstream that closes at once, in front of nothing.
        up = await asyncio.start_server(closing_upstream, "127.0.0.1", 0)
        up_port = up.sockets[0].getsockname()[1]

        cert, key = certificate
        port = free_port()
        out = io.StringIO()
        stop = asyncio.Event()
        task = asyncio.create_task(
            cli.serve_proxy(("127.0.0.1", port), ("127.0.0.1", up_port),
                            cli.Log(out, False, colour=False), None, stop,
                            client_tls=listener_context(cert, key),
                            upstream_tls=upstream_context(cert, False))
        )  # fmt: skip
        await logged(out, "listening")
        await session(port)
        stop.set()
        await task
        up.close()
        return [
            (m.group(1), m.group(2), line[m.end() :])
            for line in out.getvalue().splitlines()
            if (m := PREFIX.match(line))
        ]

    log = asyncio.run(run())
    assert events(log, 1)[1:] == [
        "TLS with the upstream failed: the peer closed the connection (ConnectionResetError)",
        "closed",
    ]


def test_command_line_tls_options(
    certificate: tuple[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cert, key = certificate
    base = ["proxy", "--listen", "127.0.0.1:1", "--upstream", "127.0.0.1:2"]
    for wrong in (["--tls-cert", cert], ["--tls-key", key], ["--insecure"],
                  ["--upstream-ca", cert], ["--upstream-tls", "--upstream-ca", cert, "--insecure"]):  # fmt: skip
        with pytest.raises(SystemExit) as exit_info:
            cli.main(base + wrong)
        assert exit_info.value.code == 2
    capsys.readouterr()
    missing = str(tmp_path / "missing.pem")
    assert cli.main([*base, "--tls-cert", missing, "--tls-key", key]) == 2
    assert capsys.readouterr().err == (
        f"h2wire proxy: the TLS certificate {missing} and key {key}: No such file or directory\n"
    )
    assert cli.main([*base, "--tls-cert", cert, "--tls-key", cert]) == 2
    assert capsys.readouterr().err.startswith(
        f"h2wire proxy: the TLS certificate {cert} and key {cert}: [SSL"
    )
    assert cli.main([*base, "--upstream-tls", "--upstream-ca", missing]) == 2
    assert capsys.readouterr().err == (
        f"h2wire proxy: the CA file {missing}: No such file or directory\n"
    )
    assert cli.main([*base, "--upstream-tls", "--upstream-ca", key]) == 2
    assert capsys.readouterr().err.startswith(f"h2wire proxy: the CA file {key}: ")
    # Both sides TLS from the command line; SIGINT stops it.
    port = free_port()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        argv = ["proxy", "--listen", f"127.0.0.1:{port}", "--upstream", "127.0.0.1:9",
                "--tls-cert", cert, "--tls-key", key, "--upstream-tls", "--insecure"]  # fmt: skip
        assert cli.main(argv) == 0
    finally:
        timer.cancel()
    out = capsys.readouterr().out
    assert "(TLS), relaying to 127.0.0.1:9 (TLS)" in out


def test_handshake_failure_words() -> None:
    """Other errors than TLS's own and a closed connection keep their words."""
    assert handshake_failure(OSError(5, "Input/output error"), 1) == "[Errno 5] Input/output error"
    assert handshake_failure(OSError(), 1) == "OSError"
    assert handshake_failure(ConnectionAbortedError(), 2.5) == "no handshake within 2.5 s"
