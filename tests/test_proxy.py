"""h2wire proxy in process, against a scripted upstream: relaying is byte-exact
and decoding problems are reported without disturbing the relay."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import signal
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

import h2wire as h
from h2wire import cli

CLIENT = (
    h.CLIENT_PREFACE
    + h.SettingsFrame({4: 65535}).serialize()
    + bytes.fromhex("000004080000000001 00000000")  # stream error: increment 0
    + h.HeadersFrame(1, b"\x82", end_stream=True, end_headers=True).serialize()
    + bytes.fromhex("000001000000000000 61")  # connection error: DATA on stream 0
    + h.PingFrame().serialize()  # relayed, no longer decoded
)
SERVER = h.SettingsFrame().serialize() + h.HeadersFrame(1, b"\x88", end_headers=True).serialize()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scenario(tmp_path: Path, as_json: bool, record: bool = True) -> tuple[bytes, bytes, str]:
    received = bytearray()

    async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(SERVER)
        await writer.drain()
        while chunk := await reader.read(65536):
            received.extend(chunk)
        writer.close()

    up_port, proxy_port = free_port(), free_port()
    server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
    out = io.StringIO()
    stop = asyncio.Event()
    task = asyncio.create_task(
        cli.serve_proxy(("127.0.0.1", proxy_port), ("127.0.0.1", up_port),
                        cli.Log(out, as_json, colour=False), str(tmp_path / "rec") if record else None, stop)
    )  # fmt: skip
    for _ in range(100):
        await asyncio.sleep(0.01)
        if "listening" in out.getvalue():
            break
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
    for i in range(0, len(CLIENT), 7):  # small writes, as a slow client would
        writer.write(CLIENT[i : i + 7])
        await writer.drain()
    writer.write_eof()
    answer = await reader.read()
    writer.close()
    # A client that resets its connection.
    _, rude = await asyncio.open_connection("127.0.0.1", proxy_port)
    rude.write(h.CLIENT_PREFACE)
    await rude.drain()
    linger = struct.pack("ii", 1, 0)
    rude.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    rude.transport.abort()
    await asyncio.sleep(0.2)
    # An upstream that is not there.
    server.close()
    await server.wait_closed()
    _, lonely = await asyncio.open_connection("127.0.0.1", proxy_port)
    await asyncio.sleep(0.2)
    lonely.close()
    stop.set()
    await task
    return bytes(received), answer, out.getvalue()


def test_proxy_relays_exactly_and_reports_errors(tmp_path: Path) -> None:
    received, answer, log = asyncio.run(scenario(tmp_path, as_json=True))
    assert received == CLIENT and answer == SERVER
    assert (tmp_path / "rec-1-client.bin").read_bytes() == CLIENT
    assert (tmp_path / "rec-1-server.bin").read_bytes() == SERVER
    records = [json.loads(line) for line in log.splitlines()]
    to_server = [r["type"] for r in records if r.get("direction") == "->" and "type" in r]
    assert to_server == ["SETTINGS", "HEADERS"]
    errors = [r["event"] for r in records if "frame error" in r.get("event", "")]
    assert len(errors) == 2 and "PROTOCOL_ERROR" in errors[0] and "stream_id" in errors[1]
    assert [r["type"] for r in records if r.get("direction") == "<-"] == ["SETTINGS", "HEADERS"]
    assert any("upstream unreachable" in r.get("event", "") for r in records)
    assert records[-1]["event"] == "stopped"


def test_proxy_text_log(tmp_path: Path) -> None:
    _, _, log = asyncio.run(scenario(tmp_path, as_json=False, record=False))
    assert not list(tmp_path.iterdir())
    lines = log.splitlines()
    assert any(" #1 -> " in line and "SETTINGS" in line for line in lines)
    assert any("frame error" in line for line in lines)
    assert lines[-1].endswith("stopped")


def test_proxy_stop_closes_open_connections(caplog: pytest.LogCaptureFixture) -> None:
    async def run() -> str:
        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.read()  # idle until the proxy closes its side
            writer.close()

        # Whatever the event loop reports (such as a connection task that ended
        # cancelled, "Exception in callback" on 3.11) is a failure.
        reported: list[dict[str, object]] = []
        asyncio.get_running_loop().set_exception_handler(
            lambda _, context: reported.append(context)
        )
        up_port, proxy_port = free_port(), free_port()
        server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
        out = io.StringIO()
        stop = asyncio.Event()
        log = cli.Log(out, True, colour=False)
        task = asyncio.create_task(
            cli.serve_proxy(("127.0.0.1", proxy_port), ("127.0.0.1", up_port), log, None, stop)
        )
        while "listening" not in out.getvalue():
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
        writer.write(h.CLIENT_PREFACE + h.SettingsFrame().serialize())
        await writer.drain()
        while "SETTINGS" not in out.getvalue():
            await asyncio.sleep(0.01)
        stop.set()  # the connection is still open
        await asyncio.wait_for(task, 10)
        assert await asyncio.wait_for(reader.read(), 10) == b""  # the proxy closed it
        writer.close()
        server.close()
        await asyncio.sleep(0.05)  # let the done callbacks of finished tasks run
        assert reported == []
        return out.getvalue()

    records = [json.loads(line) for line in asyncio.run(run()).splitlines()]
    events = [r["event"] for r in records if "event" in r]
    assert events[-2:] == ["closed", "stopped"]
    # Quietly: 3.11's asyncio logs "Exception in callback" for a cancelled handler task.
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []


def test_proxy_stop_closes_a_connection_accepted_while_stopping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A connection whose handler starts only once stopping has begun is closed at once,
    not relayed (else Server.wait_closed() would wait for it on Python 3.12.1+)."""

    async def run() -> tuple[str, int]:
        upstream_connections: list[int] = []

        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            upstream_connections.append(1)
            await reader.read()
            writer.close()

        up_port, proxy_port = free_port(), free_port()
        upstream_server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
        # Hold the proxy's connection handler back until the proxy has begun to stop.
        accepted, gate = asyncio.Event(), asyncio.Event()
        servers: list[asyncio.Server] = []
        real_start_server = asyncio.start_server

        async def start_server(callback: Callable[..., Awaitable[None]], *args: Any) -> Any:
            async def held_back(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                accepted.set()
                await gate.wait()
                await callback(reader, writer)

            servers.append(await real_start_server(held_back, *args))
            return servers[-1]

        monkeypatch.setattr(asyncio, "start_server", start_server)
        out = io.StringIO()
        stop = asyncio.Event()
        log = cli.Log(out, True, colour=False)
        task = asyncio.create_task(
            cli.serve_proxy(("127.0.0.1", proxy_port), ("127.0.0.1", up_port), log, None, stop)
        )
        while "listening" not in out.getvalue():
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
        await asyncio.wait_for(accepted.wait(), 10)
        stop.set()
        while servers[0].is_serving():  # the proxy is stopping
            await asyncio.sleep(0.01)
        gate.set()
        await asyncio.wait_for(task, 10)
        assert await asyncio.wait_for(reader.read(), 10) == b""  # the proxy closed it
        writer.close()
        upstream_server.close()
        return out.getvalue(), len(upstream_connections)

    log, upstream_connections = asyncio.run(run())
    assert upstream_connections == 0
    events = [json.loads(line)["event"] for line in log.splitlines()]
    assert events[-1] == "stopped" and not any("accepted" in e for e in events)


def test_host_port() -> None:
    assert cli.host_port("[::1]:80") == ("::1", 80)
    assert cli.host_port("localhost:8080") == ("localhost", 8080)
    with pytest.raises(argparse.ArgumentTypeError):
        cli.host_port("nonsense")


def test_main_proxy_stops_on_sigint(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        assert (
            cli.main(["proxy", "--listen", f"127.0.0.1:{port}", "--upstream", "127.0.0.1:9"]) == 0
        )
    finally:
        timer.cancel()
    out = capsys.readouterr().out
    assert "listening" in out and out.rstrip().endswith("stopped")
