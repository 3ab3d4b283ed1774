"""h2wire send in process, against scripted servers on loopback: what it sends
(octet for octet), what it prints (text and JSON, pinned), its waits, automatic
answers and exit statuses, TLS and connection failures, and every kind of bad
input, refused before anything is sent."""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import re
import socket
import ssl
import struct
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from certificates import make_certificate
from test_cli import C31

import h2wire as h
from h2wire import cli
from h2wire.cli import records
from h2wire.cli.send import SETTLE_PING, Exchange, Output, SendError, send

# The module (h2wire.cli exports a function of the same name).
send_module = importlib.import_module("h2wire.cli.send")

#: What a scripted server answers to one item the client sent: False to close.
Answer = Callable[[h.Received, asyncio.StreamWriter], bool]
ACK = h.SettingsFrame(ack=True).serialize()
GET = [[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "a"]]
GET_LINE = json.dumps({"headers": GET, "stream_id": 1, "end_stream": True})


def polite(item: h.Received, writer: asyncio.StreamWriter) -> bool:
    """A server that acknowledges, answers each request with 200 and "hello", and
    closes after a GOAWAY or at the first error (with GOAWAY)."""
    frame = item.frame
    if item.error is not None:
        writer.write(h.GoAwayFrame(0, item.error.code).serialize())
        return False
    if isinstance(frame, h.SettingsFrame) and not frame.ack:
        writer.write(ACK)
    elif isinstance(frame, h.PingFrame) and not frame.ack:
        writer.write(h.PingFrame(frame.opaque_data, ack=True).serialize())
    elif isinstance(frame, h.HeadersFrame) and frame.end_headers:
        stream = frame.stream_id
        writer.write(
            h.HeadersFrame(stream, b"\x88", end_headers=True).serialize()  # :status: 200
            + h.DataFrame(stream, b"hello", end_stream=True).serialize()
        )
    return not isinstance(frame, h.GoAwayFrame)


class Peer:
    """A scripted server: it greets with ``greeting``, reads what the client sends
    with a lenient decoder, and answers each item with ``answer``."""

    def __init__(
        self,
        answer: Answer = polite,
        greeting: bytes = h.SettingsFrame().serialize(),
        max_frame_size: int = 16384,
    ) -> None:
        self.answer = answer
        self.greeting = greeting
        self.max_frame_size = max_frame_size
        self.received = bytearray()
        self.items: list[h.Received] = []
        self.connections = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.write(self.greeting)
        decoder = h.FrameDecoder(self.max_frame_size, lenient=True, client_preface=True)
        try:
            while data := await reader.read(65536):
                self.received += data
                for item in decoder.receive(data):
                    self.items.append(item)
                    if not self.answer(item, writer):
                        await self.hang_up(reader, writer)
                        return
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            # (Cancelled when the test's loop ends first: ending normally keeps
            # asyncio 3.11 from logging "Exception in callback".)
            pass
        finally:
            writer.close()

    @staticmethod
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """End the connection the way a server does when it is done: its last
        octets, then a FIN; what the client still sends is read (and dropped)
        until the client closes too.  Closing with unread octets would make the
        kernel answer them with a reset, which races with the FIN: the client
        would see either, and the tests could not say which."""
        await writer.drain()
        writer.write_eof()
        while await reader.read(65536):
            pass

    def frames(self) -> list[h.Frame]:
        return [item.frame for item in self.items if item.frame is not None]


async def serving(peer: Peer, tls: ssl.SSLContext | None = None) -> tuple[asyncio.Server, int]:
    server = await asyncio.start_server(peer.serve, "127.0.0.1", 0, ssl=tls)
    return server, server.sockets[0].getsockname()[1]


def run(
    lines: str,
    peer: Peer,
    *,
    as_json: bool = False,
    tls: ssl.SSLContext | None = None,
    client_tls: ssl.SSLContext | None = None,
    **options: object,
) -> tuple[int, str]:
    """send's exit status and output (the port shown as PORT) for ``lines``."""
    options.setdefault("timeout", 2.0)

    async def main() -> tuple[int, str]:
        server, port = await serving(peer, tls)
        out = io.StringIO()
        output = Output(out, as_json, colour=False)
        try:
            status = await send(
                ("127.0.0.1", port),
                records.read_records(io.StringIO(lines)),
                output,
                tls=client_tls,
                **options,  # type: ignore[arg-type]
            )
        finally:
            server.close()
        return status, out.getvalue().replace(f"127.0.0.1:{port} ", "127.0.0.1:PORT ")

    return asyncio.run(main())


def lines_of(text: str) -> list[str]:
    return text.splitlines()


ZEROS = " " * 46  # an empty flags column after the octet: "0x00" + ZEROS

GET_OUTPUT = [
    "-- connected to 127.0.0.1:PORT (h2c)",
    "->          0  PREFACE         client connection preface",
    "->         24  SETTINGS                 0        0  0x00",
    "<-          0  SETTINGS                 0        0  0x00",
    "->         33  SETTINGS                 0        0  0x01 ACK",
    "<-          9  SETTINGS                 0        0  0x01 ACK",
    "->         42  HEADERS                  1        6  0x05 END_STREAM|END_HEADERS" + " " * 23
    + "block=6",
    "->             :method: GET",
    "->             :scheme: http",
    "->             :path: /",
    "->             :authority: a",
    "<-         18  HEADERS                  1        1  0x04 END_HEADERS" + " " * 34 + "block=1",
    "<-             :status: 200",
    "<-         28  DATA                     1        5  0x01 END_STREAM" + " " * 35
    + "len=5  'hello'",
    "->         57  PING                     0        8  0x00" + ZEROS + "6832772d646f6e65",
    "<-         42  PING                     0        8  0x01 ACK" + " " * 42 + "6832772d646f6e65",
    "->         74  GOAWAY                   0        8  0x00" + ZEROS
    + "last_stream=0 error=NO_ERROR(0x00)",
    "-- closed",
    "-- end: clean",
]  # fmt: skip


def test_get_prints_every_frame_both_ways() -> None:
    peer = Peer()
    status, text = run(GET_LINE, peer)
    assert status == 0
    assert lines_of(text) == GET_OUTPUT
    # What the server read: the preface, an empty SETTINGS, its ACK, the request,
    # the PING that ends the input, GOAWAY(NO_ERROR).
    assert peer.frames() == [
        h.SettingsFrame(),
        h.SettingsFrame(ack=True),
        peer.frames()[2],
        h.PingFrame(SETTLE_PING),
        h.GoAwayFrame(0, 0),
    ]
    request = peer.frames()[2]
    assert isinstance(request, h.HeadersFrame)
    assert (request.stream_id, request.end_stream, request.end_headers) == (1, True, True)
    assert bytes(peer.received).startswith(h.CLIENT_PREFACE)


def test_json_output() -> None:
    status, text = run(GET_LINE, Peer(), as_json=True)
    assert status == 0
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0] == {"direction": "--", "event": "connected to 127.0.0.1:PORT (h2c)"}
    assert lines[1] == {"offset": 0, "preface": True, "direction": "->"}
    response = [r for r in lines if r.get("type") == "HEADERS" and r["direction"] == "<-"]
    assert response[0]["headers"] == [[":status", "200"]]
    assert response[0]["fields"]["stream_id"] == 1
    assert lines[-2] == {"direction": "--", "event": "closed"}
    assert lines[-1] == {"direction": "--", "end": "clean", "exit_status": 0, "reasons": []}
    # Every frame line round-trips through encode: what was sent, byte for byte.
    sent = "".join(json.dumps(r) + "\n" for r in lines if r.get("direction") == "->")
    out = io.BytesIO()
    assert cli.encode(io.StringIO(sent), out) == 0


def test_first_settings_record_is_the_preface_settings() -> None:
    peer = Peer()
    settings = json.dumps({"type_code": 4, "fields": {"settings": [[4, 100000]]}})
    status, text = run(settings + "\n" + GET_LINE, peer)
    assert status == 0
    assert bytes(peer.received).startswith(
        h.CLIENT_PREFACE + h.SettingsFrame([(4, 100000)]).serialize() + ACK
    )
    # A raw SETTINGS frame too (here an invalid one: the server says so).
    peer = Peer()
    bad = json.dumps({"raw": {"frame_type": 4, "payload": "0000"}})
    status, text = run(bad, peer)
    assert status == 1
    assert bytes(peer.received).startswith(
        h.CLIENT_PREFACE + bytes.fromhex("000002040000000000 0000")
    )
    assert (
        lines_of(text)[-1]
        == "-- end: the peer sent GOAWAY with FRAME_SIZE_ERROR(0x06) (last_stream=0)"
    )
    # A SETTINGS ACK is not a preface's SETTINGS.
    peer = Peer()
    ack = json.dumps({"raw": {"frame_type": 4, "flags": 1}})
    run(ack, peer)
    assert bytes(peer.received).startswith(h.CLIENT_PREFACE + h.SettingsFrame().serialize())


def test_preface_record_first_means_no_automatic_preface() -> None:
    peer = Peer()
    text_lines = [
        json.dumps({"preface": True}),
        json.dumps({"type_code": 4, "fields": {"settings": []}}),
        json.dumps({"wait": "settings_ack"}),
    ]
    status, text = run("\n".join(text_lines), peer)
    assert status == 0
    assert bytes(peer.received) == (
        h.CLIENT_PREFACE
        + h.SettingsFrame().serialize()
        + ACK  # of the server's SETTINGS
        + h.PingFrame(SETTLE_PING).serialize()
        + h.GoAwayFrame(0, 0).serialize()
    )
    assert "wait for" not in text


def test_no_preface_and_a_wrong_one() -> None:
    """--no-preface: the input says everything.  What is sent after a wrong
    preface is shown as frames from its offset on."""
    peer = Peer()
    wrong = b"PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n"
    text_lines = [
        json.dumps({"bytes_hex": wrong.hex()}),
        json.dumps({"raw": {"frame_type": 6, "payload": "00" * 8}}),
        json.dumps({"wait": "close"}),
    ]
    status, text = run("\n".join(text_lines), peer, preface=False)
    assert status == 1  # the GOAWAY; the close itself was waited for
    assert lines_of(text) == [
        "-- connected to 127.0.0.1:PORT (h2c)",
        "->         11  error at byte 11: PROTOCOL_ERROR(0x01) (connection error) the client "
        "connection preface is missing or wrong",
        "-- sent 24 octets at byte 0: b'PRI * HTTP/1.1\\r\\n\\r\\nSM\\r\\n\\r\\n'; what is sent after "
        "them is shown as frames, as if the preface had been right",
        "->         24  PING                     0        8  0x00" + ZEROS + "0000000000000000",
        "<-          0  SETTINGS                 0        0  0x00",
        "->         41  SETTINGS                 0        0  0x01 ACK",
        "<-          9  GOAWAY                   0        8  0x00" + ZEROS
        + "last_stream=0 error=PROTOCOL_ERROR(0x01)",
        "-- the peer closed the connection",
        "-- end: the peer sent GOAWAY with PROTOCOL_ERROR(0x01) (last_stream=0)",
    ]  # fmt: skip
    assert bytes(peer.received)[:24] == wrong


def test_a_preface_found_wrong_in_a_later_write() -> None:
    """The write in which the preface turns out wrong is shown as octets; the
    writes after it as frames."""
    peer = Peer(answer=silent, greeting=b"")
    start = json.dumps({"bytes_hex": "505249"})  # "PRI": right so far
    ping = json.dumps({"type_code": 6, "fields": {"opaque_data": "0102030405060708"}})
    status, text = run(start + "\n" + ping, peer, preface=False, timeout=0.1)
    assert status == 0
    assert lines_of(text)[1:5] == [
        "->          3  error at byte 3: PROTOCOL_ERROR(0x01) (connection error) the client "
        "connection preface is missing or wrong",
        "-- sent 17 octets at byte 3: b'\\x00\\x00\\x08\\x06\\x00\\x00\\x00\\x00\\x00\\x01\\x02"
        "\\x03\\x04\\x05\\x06\\x07\\x08'; what is sent after them is shown as frames, as if the "
        "preface had been right",
        "->         20  PING                     0        8  0x00" + ZEROS + "6832772d646f6e65",
        "-- no ACK of the last PING within 0.1 s",
    ]


def test_acknowledgements() -> None:
    ping = h.PingFrame(b"pingpong").serialize()
    settings = h.SettingsFrame([(3, 10)]).serialize()
    peer = Peer(greeting=settings + ping)
    status, text = run("", peer)
    assert status == 0
    assert h.PingFrame(b"pingpong", ack=True) in peer.frames()
    assert "->         33  SETTINGS                 0        0  0x01 ACK" in lines_of(text)
    peer = Peer(greeting=settings + ping)
    status, text = run("", peer, auto_ack=False, timeout=0.2)
    assert h.PingFrame(b"pingpong", ack=True) not in peer.frames()
    assert h.SettingsFrame(ack=True) not in peer.frames()
    assert "-- no SETTINGS and ACK from the peer within 0.2 s" not in text  # the ACK of ours came


def data_server(sizes: list[int]) -> Answer:
    """A server that answers a request with DATA frames of ``sizes`` octets."""

    def answer(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        frame = item.frame
        if isinstance(frame, h.HeadersFrame):
            writer.write(h.HeadersFrame(1, b"\x88", end_headers=True).serialize())
            for i, size in enumerate(sizes):
                last = i == len(sizes) - 1
                writer.write(h.DataFrame(1, b"x" * size, end_stream=last).serialize())
            return True
        return polite(item, writer)

    return answer


def test_flow_control_windows_given_back() -> None:
    peer = Peer(answer=data_server([16384, 16384, 16384, 100]))
    status, text = run(GET_LINE, peer)
    assert status == 0
    assert "->         70  WINDOW_UPDATE            1        4  0x00" + ZEROS + "+32768" in text
    updates = [f for f in peer.frames() if isinstance(f, h.WindowUpdateFrame)]
    # Half a window (32,767 octets) used: the connection's and the stream's given
    # back after the second frame; the stream's not after the last (it ended).
    assert updates == [h.WindowUpdateFrame(0, 32768), h.WindowUpdateFrame(1, 32768)]
    peer = Peer(answer=data_server([16384, 16384, 16384, 100]))
    run(GET_LINE, peer, auto_window=False)
    assert not [f for f in peer.frames() if isinstance(f, h.WindowUpdateFrame)]


def goaway_after_request(code: int, debug: bytes = b"") -> Answer:
    def answer(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.HeadersFrame):
            writer.write(h.GoAwayFrame(1, code, debug).serialize())
            return False
        return polite(item, writer)

    return answer


def test_goaway_with_an_error_is_exit_status_1_and_the_rest_is_not_sent() -> None:
    peer = Peer(answer=goaway_after_request(1, b"no"))
    later = json.dumps({"wait": 0.5}) + "\n" + GET_LINE.replace('"stream_id": 1', '"stream_id": 3')
    status, text = run(GET_LINE + "\n" + later + "\n" + later, peer)
    assert status == 1
    assert lines_of(text)[-3:] == [
        "-- the peer closed the connection",
        "-- the connection is closed: 2 records of the input not sent (lines 3-5)",
        "-- end: the peer sent GOAWAY with PROTOCOL_ERROR(0x01) (last_stream=1, debug data b'no')",
    ]
    status, text = run(GET_LINE + "\n" + later, Peer(answer=goaway_after_request(0)))
    assert status == 0 and lines_of(text)[-1] == "-- end: clean"  # NO_ERROR, then closed
    assert "-- the connection is closed: 1 record of the input not sent (line 3)" in text


def reset_after_request(code: int) -> Answer:
    def answer(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.HeadersFrame):
            writer.write(h.RstStreamFrame(item.frame.stream_id, code).serialize())
            return True
        return polite(item, writer)

    return answer


def test_reset_stream() -> None:
    status, text = run(GET_LINE, Peer(answer=reset_after_request(7)))
    assert status == 1
    assert lines_of(text)[-1] == "-- end: the peer reset stream 1 with REFUSED_STREAM(0x07)"
    # RST_STREAM(NO_ERROR) is no error; a reset ends the stream, so no wait.
    status, text = run(GET_LINE, Peer(answer=reset_after_request(0)), timeout=5)
    assert status == 0 and "streams still open" not in text


def test_invalid_frames_from_the_peer() -> None:
    data_on_0 = bytes.fromhex("000001000000000000 61")
    bad_block = h.HeadersFrame(2, b"\xff", end_headers=True).serialize()  # not HPACK
    peer = Peer(greeting=h.SettingsFrame().serialize() + data_on_0 + bad_block)
    status, text = run("", peer)
    assert status == 1
    assert lines_of(text)[-2:] == [
        "-- end: the peer's frame at byte 9: PROTOCOL_ERROR(0x01) DATA frame, stream_id: must "
        "be non-zero",
        "-- end: the peer's header block at byte 19: COMPRESSION_ERROR(0x09) header block of "
        "stream 2 not decoded: Unable to decode HPACK integer representation",
    ]
    # A frame its RFC says to ignore is no error; nor is one that needs no answer.
    malformed_origin = bytes.fromhex("000003 0c 00 00000000 0005") + b"x"
    window = h.WindowUpdateFrame(0, 1000).serialize()
    status, text = run("", Peer(greeting=h.SettingsFrame().serialize() + malformed_origin + window))
    assert status == 0
    assert "<-             ignored: ORIGIN frame, origins: Origin-Len 5 exceeds" in text
    # A stream error says its scope; the frame is shown raw with it.
    window_0 = bytes.fromhex("000004080000000001 00000000")
    status, text = run("", Peer(greeting=h.SettingsFrame().serialize() + window_0))
    assert (
        "<-          9  WINDOW_UPDATE            1        4  0x00" + ZEROS + "raw  00 00 00 00"
        in text
    )
    assert lines_of(text)[-1].startswith(
        "-- end: the peer's frame at byte 9: PROTOCOL_ERROR(0x01) (stream error) WINDOW_UPDATE"
    )


def closing(item: h.Received, writer: asyncio.StreamWriter) -> bool:
    """A server that greets, then closes as soon as it has the client's SETTINGS,
    unacknowledged: the client, waiting for that ACK, sends none of its input
    (acknowledged, the client's first record would race with the close)."""
    if isinstance(item.frame, h.SettingsFrame):
        return False
    return polite(item, writer)


def test_close_while_waiting_for_the_streams() -> None:
    def hang_up(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        return polite(item, writer) and not isinstance(item.frame, h.HeadersFrame)

    peer = Peer(answer=hang_up)
    status, text = run(GET_LINE, peer, timeout=5)
    assert status == 1
    assert lines_of(text)[-2:] == [
        "-- the peer closed the connection",
        "-- end: the peer closed the connection without GOAWAY",
    ]
    assert not [f for f in peer.frames() if isinstance(f, h.PingFrame)]  # none was sent


def test_a_write_the_peer_resets() -> None:
    """The server resets the connection while a 16 MiB frame is being written: the
    write fails, the rest of the input is not sent."""

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(h.SettingsFrame().serialize() + ACK)
        await reader.readexactly(24 + 9 + 9 + 100)  # into the big frame
        linger = struct.pack("ii", 1, 0)
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        writer.transport.abort()

    peer = Peer()
    peer.serve = reset  # type: ignore[method-assign]
    big = json.dumps(
        {"raw": {"frame_type": 0, "stream_id": 1, "payload": "78", "repeat": 2**24 - 1}}
    )
    status, text = run(big + "\n" + GET_LINE, peer, timeout=5)
    assert status == 1
    assert "-- the connection failed: " in text or "-- the peer closed the connection" in text
    assert "1 record of the input not sent (line 2)" in text


class LostWriter:
    """A connection lost as a write finds out: ``drain`` ends the reader's input
    (as asyncio's connection_lost does) and raises, before the task reading it
    has run again."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.written = bytearray()

    def write(self, data: bytes) -> None:
        self.written += data

    async def drain(self) -> None:
        self.reader.feed_eof()
        raise ConnectionResetError("lost")

    def close(self) -> None:
        pass

    async def wait_closed(self) -> None:
        pass


def test_a_write_that_finds_the_connection_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The read still says how the connection ended (nghttpd closing on a broken
    preface showed it: the read, cancelled, said nothing and the end was "clean")."""

    async def lost(*_: object) -> tuple[asyncio.StreamReader, LostWriter]:
        reader = asyncio.StreamReader()
        return reader, LostWriter(reader)

    monkeypatch.setattr(send_module, "connect", lost)

    async def main() -> tuple[int, str]:
        out = io.StringIO()
        status = await send(("127.0.0.1", 1), [], Output(out, False, False), timeout=1)
        return status, out.getvalue()

    status, text = asyncio.run(main())
    assert status == 1
    assert lines_of(text)[-2:] == [
        "-- the peer closed the connection",
        "-- end: the peer closed the connection without GOAWAY",
    ]


def test_nothing_is_written_once_closed() -> None:
    async def main() -> tuple[int, bytes]:
        peer = Peer(answer=silent)
        server, port = await serving(peer)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        exchange = Exchange(reader, writer, Output(io.StringIO(), False, False), auto_ack=True,
                            auto_window=True, timeout=1, max_header_list_size=100)  # fmt: skip
        exchange.closed = True  # as after a failed write, with frames still to read
        exchange.write_now(h.CLIENT_PREFACE)
        writer.close()
        await asyncio.sleep(0.05)
        server.close()
        return exchange.sent_octets, bytes(peer.received)

    assert asyncio.run(main()) == (0, b"")


def test_close_without_goaway() -> None:
    status, text = run(GET_LINE, Peer(answer=closing))
    assert status == 1
    assert lines_of(text)[-3:] == [
        "-- the peer closed the connection",
        "-- the connection is closed: 1 record of the input not sent (line 1)",
        "-- end: the peer closed the connection without GOAWAY",
    ]

    # Expected when the input waits for it; and a cut frame is shown raw.
    def cut_short(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.SettingsFrame):
            writer.write(ACK + h.PingFrame().serialize()[:12])
            return False
        return True

    peer = Peer(answer=cut_short)
    status, text = run(json.dumps({"wait": "close"}), peer)
    assert status == 1  # the cut frame
    assert "not sent" not in text
    assert (
        "<-         18  PING                     0        8  0x00"
        + ZEROS
        + "raw 3 of 8 octets  00 00 00"
        in text
    )
    assert lines_of(text)[-1].startswith("-- end: the peer's frame at byte 18: FRAME_SIZE_ERROR")
    assert "without GOAWAY" not in text


def silent(item: h.Received, writer: asyncio.StreamWriter) -> bool:
    return True


def test_waits_and_their_timeouts() -> None:
    waits = "\n".join(
        json.dumps({"wait": event})
        for event in ("settings", "settings_ack", "goaway", "streams", "close")
    )
    status, text = run(waits, Peer(answer=silent, greeting=b""), timeout=0.1)
    assert status == 0
    assert lines_of(text) == [
        "-- connected to 127.0.0.1:PORT (h2c)",
        "->          0  PREFACE         client connection preface",
        "->         24  SETTINGS                 0        0  0x00",
        "-- no SETTINGS and ACK from the peer within 0.1 s",
        "-- wait for settings: not within 0.1 s",
        "-- wait for settings_ack: not within 0.1 s",
        "-- wait for goaway: not within 0.1 s",
        "-- wait for close: not within 0.1 s",  # (streams: none was opened)
        "->         33  PING                     0        8  0x00" + ZEROS + "6832772d646f6e65",
        "-- no ACK of the last PING within 0.1 s",
        "->         50  GOAWAY                   0        8  0x00" + ZEROS
        + "last_stream=0 error=NO_ERROR(0x00)",
        "-- closed",
        "-- end: clean",
    ]  # fmt: skip
    # A request nobody answers: its stream stays open.
    status, text = run(GET_LINE, Peer(answer=silent), timeout=0.1)
    assert "-- streams still open after 0.1 s: 1" in text
    # A wait that the close ends early.
    status, text = run(GET_LINE + '\n{"wait": "goaway"}', Peer(answer=closing), timeout=5)
    assert "-- wait for goaway: the connection closed first" not in text  # never reached

    def close_at_ping(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        return polite(item, writer) and not isinstance(item.frame, h.PingFrame)

    ping = json.dumps({"type_code": 6, "fields": {}})
    status, text = run(ping + '\n{"wait": "goaway"}', Peer(answer=close_at_ping), timeout=5)
    assert "-- wait for goaway: the connection closed first" in text
    # A number of seconds: waited whole, or until the close.
    status, text = run('{"wait": 0.05}\n{"wait": 30}', Peer(answer=closing))
    assert status == 1 and "without GOAWAY" in text


def test_waits_that_are_met() -> None:
    def goaway_later(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.PingFrame) and item.frame.opaque_data == b"goawayno":
            writer.write(h.GoAwayFrame(0, 0).serialize())
        return polite(item, writer)

    ping = json.dumps({"type_code": 6, "fields": {"opaque_data": b"goawayno".hex()}})
    inputs = [GET_LINE, '{"wait": "streams"}', '{"wait": "settings"}',
              '{"wait": "settings_ack"}', ping, '{"wait": "goaway"}']  # fmt: skip
    status, text = run("\n".join(inputs), Peer(answer=goaway_later), timeout=5)
    assert status == 0
    assert "-- wait" not in text


def test_http1_answer() -> None:
    answer = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"

    def http1(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer)
        return False

    peer = Peer(answer=http1, greeting=b"")
    status, text = run("", peer)
    assert status == 1
    assert lines_of(text)[3:] == [
        "-- the peer answers in HTTP/1, not HTTP/2:",
        "<-             HTTP/1.1 400 Bad Request",
        "<-             content-length: 0",
        "<-",
        "-- the peer closed the connection",
        "-- end: the peer answered in HTTP/1: HTTP/1.1 400 Bad Request",
    ]
    status, text = run("", Peer(answer=http1, greeting=b""), as_json=True)
    texts = [json.loads(line) for line in text.splitlines() if '"text"' in line]
    assert texts == [{"direction": "<-", "text": "HTTP/1.1 400 Bad Request\ncontent-length: 0\n"}]
    # A line with no end in sight is shown in pieces of 4,096.
    answer = b"HTTP/1.1 200 OK\r\n" + b"x" * 5000
    status, text = run("", Peer(answer=http1, greeting=b""))
    assert lines_of(text)[4:-1] == [
        "<-             HTTP/1.1 200 OK",
        "<-             " + "x" * 4096,
        "<-             " + "x" * 904,
        "-- the peer closed the connection",
    ]


def test_first_octets_in_pieces() -> None:
    async def dribble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for piece in (b"HT", b"TP/1", b".0 200 OK\r\n"):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.02)
        writer.close()

    async def short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HT")  # a prefix of "HTTP/", then the end: a cut frame header
        await writer.drain()
        writer.close()

    for serve, expected in ((dribble, "-- end: the peer answered in HTTP/1: HTTP/1.0 200 OK"),
                            (short, "the input ended inside a frame header: 2 of its 9")):  # fmt: skip
        peer = Peer()
        peer.serve = serve  # type: ignore[method-assign]
        status, text = run("", peer)
        assert status == 1 and expected in text


def test_header_blocks_split_at_the_peer_frame_size() -> None:
    value = "v" * 40000
    line = json.dumps({"headers": [*GET, ["x-big", value]], "stream_id": 1, "end_stream": True})
    peer = Peer()
    status, text = run(line, peer)
    assert status == 0 and f"->             x-big: {value}" in text
    block_frames = [
        f for f in peer.frames() if isinstance(f, (h.HeadersFrame, h.ContinuationFrame))
    ]
    assert [f.length for f in block_frames][:2] == [16384, 16384]
    assert isinstance(block_frames[1], h.ContinuationFrame)
    # The peer announces 20,000 (and a table of 0 octets: the block says so first).
    peer = Peer(greeting=h.SettingsFrame([(5, 20000), (1, 0)]).serialize(), max_frame_size=20000)
    run(line, peer)
    block_frames = [
        f for f in peer.frames() if isinstance(f, (h.HeadersFrame, h.ContinuationFrame))
    ]
    assert [f.length for f in block_frames][:1] == [20000]
    first = block_frames[0]
    assert isinstance(first, h.HeadersFrame) and first.data[0] == 0x20  # size update to 0


def test_headers_record_options() -> None:
    line = json.dumps({"headers": GET, "stream_id": 3, "end_headers": False, "padding": "0000",
                       "priority": {"depends_on": 1, "weight": 255, "exclusive": True}})  # fmt: skip
    continuation = json.dumps(
        {"type_code": 9, "fields": {"stream_id": 3, "end_headers": True, "data": ""}}
    )
    peer = Peer()
    status, text = run(line + "\n" + continuation, peer, timeout=0.2)
    assert status == 0 and "-- streams still open after 0.2 s: 3" in text  # never answered
    (headers,) = [f for f in peer.frames() if isinstance(f, h.HeadersFrame)]
    assert headers.stream_id == 3 and not headers.end_headers and not headers.end_stream
    assert headers.padding == b"\0\0" and headers.priority == h.StreamDependency(1, 255, True)
    assert "->             :authority: a" in text  # decoded once the CONTINUATION ended it


def test_push_promise_sets_the_last_stream_of_goaway() -> None:
    def pushing(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.HeadersFrame):
            writer.write(h.PushPromiseFrame(1, 2, b"\x82", end_headers=True).serialize())
        return polite(item, writer)

    peer = Peer(answer=pushing)
    status, text = run(GET_LINE, peer)
    assert status == 0 and "promised=2" in text
    assert peer.frames()[-1] == h.GoAwayFrame(2, 0)


def test_continuation_ends_a_response_that_ends_the_stream() -> None:
    def split_answer(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.HeadersFrame):
            writer.write(
                h.HeadersFrame(1, b"", end_stream=True).serialize()
                + h.ContinuationFrame(1, b"\x88", end_headers=True).serialize()
            )
            return True
        return polite(item, writer)

    status, text = run(GET_LINE, Peer(answer=split_answer), timeout=5)
    assert status == 0 and "streams still open" not in text


def test_sent_frames_are_counted_from_records_too() -> None:
    """A SETTINGS sent from a record waits for its own ACK; a HEADERS frame record
    opens a stream; a RST_STREAM record ends it."""
    headers = h.HeadersFrame(5, C31, end_headers=True)
    lines = [
        json.dumps({"type_code": 4, "fields": {"settings": [[3, 5]]}}),  # the preface's
        json.dumps({"type_code": 4, "fields": {"settings": [[3, 6]]}}),
        '{"wait": "settings_ack"}',
        json.dumps(cli.frame_record(0, headers)),
        json.dumps({"type_code": 3, "fields": {"stream_id": 5, "error_code": 8}}),
    ]
    peer = Peer(answer=silent)  # never acknowledges, never answers
    status, text = run("\n".join(lines), peer, timeout=0.1)
    assert status == 0
    assert "-- wait for settings_ack: not within 0.1 s" in text
    assert "streams still open" not in text  # stream 5 was reset by the client


def test_goaway_leaves_out_the_streams_above_its_last_stream() -> None:
    def refuse(item: h.Received, writer: asyncio.StreamWriter) -> bool:
        if isinstance(item.frame, h.HeadersFrame):
            writer.write(h.GoAwayFrame(0, 0).serialize())  # stream 1 will not be processed
            return True
        return polite(item, writer)

    status, text = run(GET_LINE, Peer(answer=refuse), timeout=5)
    assert status == 0 and "streams still open" not in text


# -- TLS ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def server_context(certificate: tuple[Path, Path], alpn: list[str]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    context.set_alpn_protocols(alpn)
    return context


def test_tls(certificate: tuple[Path, Path]) -> None:
    from h2wire.cli.tls import upstream_context

    tls = server_context(certificate, ["h2"])
    status, text = run(
        GET_LINE, Peer(), tls=tls, client_tls=upstream_context(str(certificate[0]), False)
    )
    assert status == 0
    assert lines_of(text)[0] == "-- connected to 127.0.0.1:PORT (TLS, ALPN h2)"
    assert lines_of(text)[1:] == GET_OUTPUT[1:]
    status, text = run(GET_LINE, Peer(), tls=tls, client_tls=upstream_context(None, True))
    assert status == 0


def failure(
    certificate: tuple[Path, Path], server_alpn: list[str] | None, ca: str | None, insecure: bool
) -> str:
    from h2wire.cli.tls import upstream_context

    tls = server_context(certificate, server_alpn) if server_alpn is not None else None
    with pytest.raises(SendError) as raised:
        run("", Peer(), tls=tls, client_tls=upstream_context(ca, insecure))
    return str(raised.value)


def test_tls_failures(certificate: tuple[Path, Path]) -> None:
    ca = str(certificate[0])
    assert re.fullmatch(
        r"TLS with 127\.0\.0\.1:\d+ failed: certificate verify failed: self.signed certificate",
        failure(certificate, ["h2"], None, False),
    )
    assert re.fullmatch(
        r"127\.0\.0\.1:\d+ did not negotiate h2 with ALPN \(selected: none\)",
        failure(certificate, ["http/1.1"], ca, False),
    )
    assert re.fullmatch(
        r"TLS with 127\.0\.0\.1:\d+ failed: .*WRONG_VERSION_NUMBER.*",
        failure(certificate, None, ca, False),  # a server without TLS
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_failures() -> None:
    async def refused() -> None:
        await send(("127.0.0.1", free_port()), [], Output(io.StringIO(), False, False))

    with pytest.raises(SendError, match=r"cannot connect to 127\.0\.0\.1:\d+: Connection refused"):
        asyncio.run(refused())

    async def no_handshake() -> None:
        # A TCP server that never speaks: the handshake cannot end.
        # (The writers are kept: since 3.12 a writer collected closes its connection.)
        held: list[asyncio.StreamWriter] = []
        server = await asyncio.start_server(lambda r, w: held.append(w), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        context = ssl.create_default_context()
        try:
            await send(("127.0.0.1", port), [], Output(io.StringIO(), False, False),
                            tls=context, timeout=0.2)  # fmt: skip
        finally:
            server.close()
            for writer in held:
                writer.close()

    with pytest.raises(SendError, match=r"no connection to 127\.0\.0\.1:\d+ within 0\.2 s"):
        asyncio.run(no_handshake())

    async def unresolvable() -> None:
        await send(("no-such-host.invalid", 80), [], Output(io.StringIO(), False, False))

    with pytest.raises(SendError, match=r"cannot connect to no-such-host\.invalid:80: "):
        asyncio.run(unresolvable())


# -- the command line and bad input ---------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket nothing should connect to: bad input sends nothing."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        s.setblocking(False)
        yield s
        with pytest.raises(BlockingIOError):
            s.accept()  # no connection was made


def send_main(
    listener: socket.socket, lines: str, tmp_path: Path, *options: str
) -> tuple[int, str]:
    path = tmp_path / "input.jsonl"
    path.write_text(lines)
    port = listener.getsockname()[1]
    return cli.main(["send", *options, f"127.0.0.1:{port}", str(path)]), ""


BAD_LINES = [
    ("{", "line 1: not JSON: "),
    ("[1, 2]", "line 1: expected a JSON object, got list"),
    ("{}", "line 1: no record kind: expected one of the keys preface, fields, raw, bytes_hex, "
           "headers, wait (and type_code)"),
    ('{"raw": {"frame_type": 0}, "wait": 1}', "line 1: one record, one kind: this one has raw and wait"),
    ('{"wait": 1, "stream_id": 3}', "line 1: unknown field 'stream_id' in a wait record"),
    ('{"wait": 1, "a": 1, "b": 2}', "line 1: unknown fields 'a', 'b' in a wait record"),
    ('{"wait": "forever"}', "line 1: wait for 'forever': expected one of settings, settings_ack, "
                            "streams, goaway, close or seconds"),
    ('{"wait": -1}', "line 1: wait -1: seconds must be a finite number, 0 or more"),
    ('{"wait": NaN}', "line 1: wait nan: seconds must be a finite number, 0 or more"),
    ('{"wait": true}', "line 1: wait must be one of settings, settings_ack, streams, goaway, "
                       "close or seconds"),
    ('{"preface": false}', "line 1: preface must be true"),
    ('{"preface": true, "x": 1}', "line 1: unknown field 'x' in a preface record"),
    ('{"bytes_hex": "zz"}', "line 1: bytes_hex is not hex: 'zz'"),
    ('{"bytes_hex": 12}', "line 1: bytes_hex must be a string of hex digits"),
    ('{"raw": 1}', "line 1: raw must be an object with the fields of a raw frame"),
    ('{"raw": {}}', "line 1: raw needs frame_type"),
    ('{"raw": {"frame_type": 0, "size": 1}}', "line 1: unknown field 'size' in raw (its fields: "
     "frame_type, flags, stream_id, payload, reserved_bit, length_field)"),
    ('{"raw": {"frame_type": 256}}', "line 1: raw frame, frame_type: must be an octet (got 256)"),
    ('{"raw": {"frame_type": "0"}}', 'line 1: raw.frame_type must be an integer, got "0"'),
    ('{"raw": {"frame_type": 0, "reserved_bit": 1}}', "line 1: raw.reserved_bit must be true or false, got 1"),
    ('{"raw": {"frame_type": 0, "length_field": -1}}', "line 1: raw frame, length_field: must be in 0..2**24-1 (got -1)"),
    ('{"raw": {"frame_type": 0, "payload": "00", "repeat": 16777216}}',
     "line 1: raw.repeat: a payload of at most 16777215 octets (2**24-1)"),
    ('{"raw": {"frame_type": 0}, "stream_id": 1}', "line 1: unknown field 'stream_id' in a raw record"),
    ('{"type_code": 6}', "line 1: a frame record needs type_code and fields"),
    ('{"type_code": 6, "fields": {"opaque": "00"}}', "line 1: unknown field 'opaque' in the fields "
     "of a PING frame (its fields: stream_id, opaque_data, ack, undefined_flags)"),
    ('{"type_code": 6, "fields": {"opaque_data": "00"}}', "line 1: PING frame, opaque_data: must be "
     "exactly 8 octets (got 1)"),
    ('{"type_code": 1, "fields": {"data": ""}}', "line 1: cannot build a HEADERS frame: "),
    ('{"type_code": 6, "fields": {}, "stream_id": 1}', "line 1: stream_id 1 disagrees with the frame "
     "its fields make (0): fields is what is sent"),
    ('{"type_code": 6, "fields": {}, "type": "DATA"}', 'line 1: type "DATA" disagrees with the frame '
     'its fields make ("PING"): fields is what is sent'),
    ('{"type_code": 4, "fields": {"settings": [1]}}', "line 1: fields.settings must be a list of "
     "[identifier, value] pairs"),
    ('{"type_code": 12, "fields": {"origins": "x"}}', "line 1: fields.origins must be a list of hex strings"),
    ('{"type_code": 1, "fields": {"stream_id": 1, "data": "", "priority": 1}}',
     "line 1: priority must be an object: depends_on, weight, exclusive"),
    ('{"headers": [["a"]], "stream_id": 1}', "line 1: headers must be a list of [name, value] pairs of strings"),
    ('{"headers": []}', "line 1: a headers record needs stream_id"),
    ('{"headers": [], "stream_id": 0}', "line 1: HEADERS frame, stream_id: must be non-zero"),
    ('{"headers": [], "stream_id": 1, "end_stream": 1}', "line 1: end_stream must be true or false, got 1"),
    ('{"headers": [], "stream_id": 1, "padding": "0g"}', "line 1: padding is not hex: '0g'"),
    ('{"headers": [], "stream_id": 1, "priority": {"depends_on": 1}}',
     "line 1: HEADERS frame, priority.depends_on: a stream cannot depend on itself"),
    ('{"wait": 1, "comment": 5}', "line 1: comment must be a string"),
    ('{"wait": 1, "direction": "<-"}', "line 1: a record of direction '<-': only '->' is sent"),
    ('{"offset": 3, "error": "PROTOCOL_ERROR", "stopped": true}',
     "line 1: decoding stopped at this error: the records hold nothing of the octets that followed"),
    ('{"offset": 3, "error": "PROTOCOL_ERROR", "extra": 1}', "line 1: unknown field 'extra' in a decode error record"),
    ('{"offset": 3, "ignored": true, "extra": 1}', "line 1: unknown field 'extra' in a decode ignored record"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), BAD_LINES, ids=[m for _, m in BAD_LINES])
def test_bad_input_is_refused_before_connecting(
    line: str,
    message: str,
    listener: socket.socket,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = json.dumps({"wait": 0})
    status, _ = send_main(listener, f"{good}\n\n{line}\n".replace("line 1", "x"), tmp_path)
    assert status == 2
    out, err = capsys.readouterr()
    assert out == ""
    expected = message.replace("line 1:", "line 3:")
    assert err.startswith(f"h2wire send: {expected}") and err.count("\n") == 1, err


def test_headers_need_hpack(
    listener: socket.socket, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "hpack", None)
    status, _ = send_main(listener, '{"wait": 0}\n' + GET_LINE, tmp_path)
    assert status == 2
    assert capsys.readouterr().err == (
        "h2wire send: line 2: headers records need hpack: the hpack package is not installed: "
        "pip install 'h2wire[cli]'\n"
    )


def test_command_line_options(
    listener: socket.socket, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = listener.getsockname()[1]
    target = f"127.0.0.1:{port}"
    for options, message in [
        (["--ca", "x"], "--ca and --insecure need --tls"),
        (["--insecure"], "--ca and --insecure need --tls"),
        (["--tls", "--ca", "x", "--insecure"], "--ca and --insecure exclude each other"),
        (["--timeout", "0"], "--timeout must be more than 0"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            cli.main(["send", *options, target, "/dev/null"])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
    assert cli.main(["send", target, str(tmp_path / "missing.jsonl")]) == 2
    assert "No such file" in capsys.readouterr().err
    assert (
        cli.main(["send", "--tls", "--ca", str(tmp_path / "missing.pem"), target, "/dev/null"]) == 2
    )


def test_main_runs_an_exchange(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole command, from standard input, against a server in a thread."""
    import threading

    ready = threading.Event()
    box: dict[str, object] = {}

    def serve() -> None:
        async def main() -> None:
            peer = Peer()
            server, port = await serving(peer)
            box["port"], box["peer"] = port, peer
            ready.set()
            while peer.connections == 0 or not peer.received.endswith(
                h.GoAwayFrame(0, 0).serialize()
            ):
                await asyncio.sleep(0.01)
            server.close()

        asyncio.run(main())

    thread = threading.Thread(target=serve)
    thread.start()
    assert ready.wait(10)
    monkeypatch.setattr(sys, "stdin", io.StringIO(GET_LINE + "\n"))
    assert cli.main(["send", f"127.0.0.1:{box['port']}"]) == 0
    thread.join(10)
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == GET_OUTPUT[1:]


def test_decode_records_without_octets_send_nothing() -> None:
    note = {"offset": 10, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "connection",
            "stream_id": 1, "field": "end_headers", "token": "header_block_truncated",
            "message": "the input ended inside the header block (no END_HEADERS)"}  # fmt: skip
    actions = records.read_records([json.dumps(note), "", '{"wait": 1}'])
    assert [(number, type(action).__name__) for number, action in actions] == [(3, "Wait")]


def test_encode_refuses_what_only_send_does() -> None:
    out = io.BytesIO()
    for line in (GET_LINE, '{"wait": 1}'):
        assert cli.encode(io.StringIO(line), out) == 1
    assert cli.encode(io.StringIO('{"bytes_hex": "0102"}\n{"raw": {"frame_type": 6}}'), out) == 0
    assert out.getvalue() == b"\x01\x02" + h.RawFrame(6).serialize()
