"""h2wire proxy in process, against a scripted upstream: relaying is byte-exact,
every field of the log is pinned (text and JSON), and decoding problems are
reported, bad frames raw, without disturbing the relay or the decoding of the
frames after them."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from test_cli import C31, C32
from test_cli_headers import bomb

import h2wire as h
from h2wire import cli
from h2wire.cli import proxy
from h2wire.cli.watch import Watcher

CLIENT = (
    h.CLIENT_PREFACE
    + h.SettingsFrame({4: 65535}).serialize()
    + bytes.fromhex("000004080000000001 00000000")  # stream error: increment 0
    + h.HeadersFrame(1, C31, end_stream=True, end_headers=True).serialize()
    + h.HeadersFrame(
        3, C32, end_headers=True, priority=h.StreamDependency(1, 15, True), undefined_flags=0xD2
    ).serialize()
    + bytes.fromhex("000001000000000000 61")  # connection error: DATA on stream 0
    + h.PingFrame().serialize()  # relayed, and decoded
)
SERVER = (
    h.SettingsFrame().serialize()
    + h.HeadersFrame(1, b"\x88", end_headers=True).serialize()
    + h.PingFrame().serialize()[:12]  # the connection closes inside this frame
)

# Client to server: preface 0-24; SETTINGS 9+6 -> 39; WINDOW_UPDATE 9+4 -> 52;
# HEADERS 9+20 -> 81; HEADERS 9+5+14 -> 109; DATA on stream 0 9+1 -> 119; PING.
CLIENT_LINES = [
    "         0  PREFACE         client connection preface",
    "        24  SETTINGS                 0        6  0x00" + " " * 46 + "INITIAL_WINDOW_SIZE(0x04)=65535",
    "        39  WINDOW_UPDATE            1        4  0x00" + " " * 46 + "raw  00 00 00 00",
    "        39  error at byte 39: PROTOCOL_ERROR(0x01) (stream error on stream 1) WINDOW_UPDATE "
    "frame, window_increment: must be in 1..2**31-1 (got 0)",
    "        52  HEADERS                  1       20  0x05 END_STREAM|END_HEADERS" + " " * 23 + "block=20",
    "            :method: GET",
    "            :scheme: http",
    "            :path: /",
    "            :authority: www.example.com",
    "        81  HEADERS                  3       19  0xf6 END_HEADERS|PRIORITY|0xd2" + " " * 20
    + "block=14 dep=1 weight=16 exclusive",
    "            :method: GET",
    "            :scheme: http",
    "            :path: /",
    "            :authority: www.example.com",
    "            cache-control: no-cache",
    "       109  DATA                     0        1  0x00" + " " * 46 + "raw  'a'",
    "       109  error at byte 109: PROTOCOL_ERROR(0x01) (connection error) DATA frame, stream_id: "
    "must be non-zero",
    "       119  PING                     0        8  0x00" + " " * 46 + "0000000000000000",
]  # fmt: skip
# Server to client: SETTINGS 0-9; HEADERS 9+1 -> 19; 12 of a 17-octet PING.
SERVER_LINES = [
    "         0  SETTINGS                 0        0  0x00",
    "         9  HEADERS                  1        1  0x04 END_HEADERS" + " " * 34 + "block=1",
    "            :status: 200",
    "        19  PING                     0        8  0x00" + " " * 46 + "raw 3 of 8 octets  00 00 00",
    "        19  error at byte 19: FRAME_SIZE_ERROR(0x06) (connection error) the input ended "
    "inside a frame: 12 of its 17 octets arrived, 5 missing",
]  # fmt: skip
CLIENT_RECORDS: list[dict[str, object]] = [
    {"offset": 0, "preface": True},
    {"offset": 24, "type": "SETTINGS", "type_code": 4, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 6,
     "fields": {"stream_id": 0, "settings": [[4, 65535]], "ack": False, "undefined_flags": 0}},
    {"offset": 39, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "stream",
     "stream_id": 1, "field": "window_increment", "token": "window_update_window_increment",
     "message": "WINDOW_UPDATE frame, window_increment: must be in 1..2**31-1 (got 0)",
     "raw": {"frame_type": 8, "flags": 0, "stream_id": 1, "payload": "00000000",
             "reserved_bit": False, "length_field": None}},
    {"offset": 52, "type": "HEADERS", "type_code": 1, "flags": ["END_STREAM", "END_HEADERS"],
     "flags_octet": 5, "stream_id": 1, "length": 20,
     "fields": {"stream_id": 1, "data": C31.hex(), "end_stream": True, "end_headers": True,
                "priority": None, "padding": None, "undefined_flags": 0},
     "headers": [[":method", "GET"], [":scheme", "http"], [":path", "/"],
                 [":authority", "www.example.com"]]},
    {"offset": 81, "type": "HEADERS", "type_code": 1,
     "flags": ["END_HEADERS", "PRIORITY", "0xd2"], "flags_octet": 0xF6, "stream_id": 3,
     "length": 19,
     "fields": {"stream_id": 3, "data": C32.hex(), "end_stream": False, "end_headers": True,
                "priority": {"depends_on": 1, "weight": 15, "exclusive": True},
                "padding": None, "undefined_flags": 0xD2},
     "headers": [[":method", "GET"], [":scheme", "http"], [":path", "/"],
                 [":authority", "www.example.com"], ["cache-control", "no-cache"]]},
    {"offset": 109, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "connection",
     "stream_id": 0, "field": "stream_id", "token": "data_stream_id",
     "message": "DATA frame, stream_id: must be non-zero",
     "raw": {"frame_type": 0, "flags": 0, "stream_id": 0, "payload": "61",
             "reserved_bit": False, "length_field": None}},
    {"offset": 119, "type": "PING", "type_code": 6, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 8,
     "fields": {"stream_id": 0, "opaque_data": "0000000000000000", "ack": False,
                "undefined_flags": 0}},
]  # fmt: skip
SERVER_RECORDS: list[dict[str, object]] = [
    {"offset": 0, "type": "SETTINGS", "type_code": 4, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 0,
     "fields": {"stream_id": 0, "settings": [], "ack": False, "undefined_flags": 0}},
    {"offset": 9, "type": "HEADERS", "type_code": 1, "flags": ["END_HEADERS"],
     "flags_octet": 4, "stream_id": 1, "length": 1,
     "fields": {"stream_id": 1, "data": "88", "end_stream": False, "end_headers": True,
                "priority": None, "padding": None, "undefined_flags": 0},
     "headers": [[":status", "200"]]},
    {"offset": 19, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "connection",
     "stream_id": 0, "field": "length", "token": "frame_truncated", "missing": 5,
     "message": "the input ended inside a frame: 12 of its 17 octets arrived, 5 missing",
     "raw": {"frame_type": 6, "flags": 0, "stream_id": 0, "payload": "000000",
             "reserved_bit": False, "length_field": 8}},
]  # fmt: skip

# "    12.345      #1 -> ": seconds since the start, connection, direction.
PREFIX = re.compile(r"^ *\d+\.\d{3} +#(\d+) (->|<-|--) ")


async def logged(out: io.StringIO, text: str, seconds: float = 10.0) -> None:
    """Wait until the log holds ``text``; fail after ``seconds``."""
    for _ in range(int(seconds / 0.01)):
        if text in out.getvalue():
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"{text!r} not in the log after {seconds} s:\n{out.getvalue()}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_proxy(
    upstream_port: int, as_json: bool, record: str | None = None, **options: object
) -> tuple[int, io.StringIO, asyncio.Event, asyncio.Task[None]]:
    port = free_port()
    out = io.StringIO()
    stop = asyncio.Event()
    task = asyncio.create_task(
        cli.serve_proxy(("127.0.0.1", port), ("127.0.0.1", upstream_port),
                        cli.Log(out, as_json, colour=False), record, stop, **options)  # type: ignore[arg-type]
    )  # fmt: skip
    await logged(out, "listening")
    return port, out, stop, task


async def scenario(tmp_path: Path, as_json: bool, record: bool = True) -> tuple[bytes, bytes, str]:
    received = bytearray()

    async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(SERVER)
        await writer.drain()
        while chunk := await reader.read(65536):
            received.extend(chunk)
        writer.close()

    up_port = free_port()
    server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
    prefix = str(tmp_path / "rec") if record else None
    proxy_port, out, stop, task = await start_proxy(up_port, as_json, prefix)
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


def test_proxy_json_log_every_field(tmp_path: Path) -> None:
    received, answer, log = asyncio.run(scenario(tmp_path, as_json=True))
    assert received == CLIENT and answer == SERVER
    assert (tmp_path / "rec-1-client.bin").read_bytes() == CLIENT
    assert (tmp_path / "rec-1-server.bin").read_bytes() == SERVER
    records = [json.loads(line) for line in log.splitlines()]
    for record in records:
        assert isinstance(record.pop("time"), float)
    one = [r for r in records if r["connection"] == 1]
    stamp = {"connection": 1}
    assert [r for r in one if r["direction"] == "->"] == [
        {**r, **stamp, "direction": "->"} for r in CLIENT_RECORDS
    ]
    assert [r for r in one if r["direction"] == "<-"] == [
        {**r, **stamp, "direction": "<-"} for r in SERVER_RECORDS
    ]
    accepted, closed = [r["event"] for r in one if r["direction"] == "--"]
    assert re.fullmatch(r"accepted \('127\.0\.0\.1', \d+\)", accepted) and closed == "closed"
    events = [(r["connection"], r["event"]) for r in records if r["direction"] == "--"]
    assert re.fullmatch(
        r"listening on 127\.0\.0\.1:\d+ \(h2c\), relaying to 127\.0\.0\.1:\d+ \(h2c\)",
        events[0][1],
    )
    assert any(c == 3 and e.startswith("upstream unreachable: ") for c, e in events)
    assert events[-1] == (0, "stopped")


def test_proxy_text_log_every_field(tmp_path: Path) -> None:
    _, _, log = asyncio.run(scenario(tmp_path, as_json=False, record=False))
    assert not list(tmp_path.iterdir())
    lines: dict[tuple[str, str], list[str]] = {}
    for line in log.splitlines():
        match = PREFIX.match(line)
        assert match is not None, line
        lines.setdefault((match[1], match[2]), []).append(line[match.end() :])
    assert lines["1", "->"] == CLIENT_LINES
    assert lines["1", "<-"] == SERVER_LINES
    assert lines["1", "--"][1:] == ["closed"]
    assert lines["1", "--"][0].startswith("accepted ('127.0.0.1', ")
    assert lines["0", "--"][-1] == "stopped"


def test_pump_decodes_before_forwarding() -> None:
    """A chunk's frames are decoded before the chunk reaches the peer: otherwise
    the peer's ACK of a SETTINGS could be decoded, in the other direction,
    before that SETTINGS."""

    class Sink(asyncio.Transport):
        def __init__(self, out: io.StringIO) -> None:
            super().__init__()
            self.out = out
            self.log_at_each_write: list[str] = []

        def write(self, data: bytes | bytearray | memoryview) -> None:
            self.log_at_each_write.append(self.out.getvalue())

        def is_closing(self) -> bool:
            return False

        def can_write_eof(self) -> bool:
            return False

        def close(self) -> None:
            pass

    async def run() -> tuple[Sink, str]:
        out = io.StringIO()
        source = asyncio.StreamReader()
        source.feed_data(h.SettingsFrame({5: 20000}).serialize())
        source.feed_eof()
        transport = Sink(out)
        protocol = asyncio.StreamReaderProtocol(asyncio.StreamReader())
        sink = asyncio.StreamWriter(transport, protocol, None, asyncio.get_running_loop())
        await proxy._pump(source, sink, Watcher(False), cli.Log(out, False, False), 1, "<-")
        return transport, out.getvalue()

    transport, log = asyncio.run(run())
    assert len(transport.log_at_each_write) == 1
    assert "SETTINGS" in transport.log_at_each_write[0]
    assert log.count("\n") == 1


def test_frame_size_per_direction_through_the_proxy() -> None:
    """The server's SETTINGS_MAX_FRAME_SIZE checks the client's frames from the
    client's ACK on; the client's, the server's from the server's ACK on."""
    big = h.DataFrame(1, b"x" * 18000).serialize()

    async def run() -> list[dict[str, object]]:
        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(h.SettingsFrame({5: 20000}).serialize())
            await reader.readexactly(24 + 15 + len(big) + 9 + len(big))
            writer.write(h.SettingsFrame(ack=True).serialize() + big)
            await writer.drain()
            writer.close()

        up_port = free_port()
        server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
        port, out, stop, task = await start_proxy(up_port, as_json=True)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await reader.readexactly(15) == h.SettingsFrame({5: 20000}).serialize()
        # One write: a frame too big before the ACK, the ACK, the same frame after it.
        writer.write(
            h.CLIENT_PREFACE + h.SettingsFrame({5: 30000}).serialize() + big
            + h.SettingsFrame(ack=True).serialize() + big
        )  # fmt: skip
        await reader.read()
        writer.close()
        stop.set()
        await task
        server.close()
        return [json.loads(line) for line in out.getvalue().splitlines()]

    records = asyncio.run(run())
    seen = [
        (r["direction"], r["offset"], r.get("type", r.get("error")))
        for r in records
        if "offset" in r
    ]
    assert seen == [
        ("<-", 0, "SETTINGS"),
        ("->", 0, None),  # the preface
        ("->", 24, "SETTINGS"),
        ("->", 39, "FRAME_SIZE_ERROR"),
        ("->", 18048, "SETTINGS"),
        ("->", 18057, "DATA"),
        ("<-", 15, "SETTINGS"),
        ("<-", 24, "DATA"),
    ]


def test_header_bomb_does_not_stop_the_relay() -> None:
    block = bomb(60_000)
    request = h.CLIENT_PREFACE + h.SettingsFrame().serialize()
    request += h.HeadersFrame(1, block[:16000]).serialize()
    for start in range(16000, len(block), 16000):
        end = start + 16000
        request += h.ContinuationFrame(
            1, block[start:end], end_headers=end >= len(block)
        ).serialize()
    request += h.HeadersFrame(3, C31, end_stream=True, end_headers=True).serialize()

    async def run() -> tuple[bytes, str]:
        received = bytearray()

        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while chunk := await reader.read(65536):
                received.extend(chunk)
            writer.close()

        up_port = free_port()
        server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
        port, out, stop, task = await start_proxy(up_port, as_json=False)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        writer.write_eof()
        await reader.read()
        writer.close()
        stop.set()
        await task
        server.close()
        return bytes(received), out.getvalue()

    received, log = asyncio.run(run())
    assert received == request
    lines = [PREFIX.sub("", line) for line in log.splitlines() if " #1 -> " in line]
    # 24 + 9 = 33; HEADERS and CONTINUATIONs 16,009 octets apart from there.
    assert lines[-4:] == [
        "     64069  CONTINUATION             1        6  0x04 END_HEADERS" + " " * 34 + "block=6",
        "     64069  error at byte 64069: ENHANCE_YOUR_CALM(0x0b) (connection error) header "
        "block of stream 1 not decoded: its fields exceed max_header_list_size (65536 octets); "
        "decoding stopped",
        "     64084  HEADERS                  3       20  0x05 END_STREAM|END_HEADERS" + " " * 23 + "block=20",
        "            (header fields not decoded: the HPACK state was lost at the header block "
        "of stream 1)",
    ]  # fmt: skip


def test_proxy_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hpack", None)

    async def run() -> str:
        _, out, stop, task = await start_proxy(free_port(), as_json=False)
        stop.set()
        await task
        return out.getvalue()

    lines = [PREFIX.sub("", line) for line in asyncio.run(run()).splitlines()]
    assert lines[1] == "header fields not shown: the hpack package is not installed: " + (
        "pip install 'h2wire[cli]'"
    )


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
        up_port = free_port()
        server = await asyncio.start_server(upstream, "127.0.0.1", up_port)
        port, out, stop, task = await start_proxy(up_port, as_json=True)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(h.CLIENT_PREFACE + h.SettingsFrame().serialize())
        await writer.drain()
        await logged(out, "SETTINGS")
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
