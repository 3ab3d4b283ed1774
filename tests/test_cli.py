"""The h2wire command: decode's exact output (text and JSON), encode round trips,
errors (decode goes on after a bad frame, shown raw), help.

The expected lines are written out by hand: offsets, lengths and flags octets
are the wire's (RFC 9113 §4.1), weights the RFC 7540 ones (wire octet + 1), and
header fields those of RFC 7541 Appendix C.3's requests."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from test_decoder import valid_streams

import h2wire as h
from h2wire import cli
from h2wire.cli import render

EXAMPLES = Path(__file__).parent.parent / "examples"
CAPTURES = sorted(EXAMPLES.glob("*.bin"))

# RFC 7541 C.3.1-C.3.3: three requests of one connection, without Huffman coding;
# the second and third use the dynamic table the first one filled.
C31 = bytes.fromhex("828684410f7777772e6578616d706c652e636f6d")
C32 = bytes.fromhex("828684be58086e6f2d6361636865")
C33 = bytes.fromhex("828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565")

#: A client's side of a connection with every kind of field decode shows, cut
#: short inside its last frame.
CLIENT_STREAM = (
    h.CLIENT_PREFACE
    + h.SettingsFrame([(3, 100), (4, 65535)]).serialize()
    + h.HeadersFrame(
        1, C31[:8], end_stream=True, priority=h.StreamDependency(0, 255, True)
    ).serialize()
    + h.ContinuationFrame(1, C31[8:], end_headers=True).serialize()
    + h.HeadersFrame(
        3,
        C32,
        end_stream=True,
        end_headers=True,
        priority=h.StreamDependency(1, 15, False),
        padding=b"\0\0",
        undefined_flags=0xD2,
    ).serialize()
    + h.PriorityFrame(5, 3, 0, True).serialize()
    + h.DataFrame(5, b"hello", end_stream=True, padding=b"\0\0\0").serialize()
    + h.RstStreamFrame(5, 8).serialize()
    + h.WindowUpdateFrame(0, 1000).serialize()
    + h.PingFrame(b"abcdefgh").serialize()
    + h.HeadersFrame(7, C33, end_headers=True).serialize()
    + h.GoAwayFrame(7, 1, b"bye").serialize()
    + h.SettingsFrame([(5, 20000)]).serialize()[:11]
)

# Offsets: preface 24; SETTINGS 9+12 -> 45; HEADERS 9+5+8 -> 67; CONTINUATION
# 9+12 -> 88; HEADERS 9+1+5+14+2 -> 119; PRIORITY 9+5 -> 133; DATA 9+1+5+3 -> 151;
# RST_STREAM 9+4 -> 164; WINDOW_UPDATE -> 177; PING 9+8 -> 194; HEADERS 9+29 -> 232;
# GOAWAY 9+11 -> 252; then 11 of a 15-octet SETTINGS.
CLIENT_TEXT = """\
         0  PREFACE         client connection preface
        24  SETTINGS                 0       12  0x00                                              MAX_CONCURRENT_STREAMS(0x03)=100 INITIAL_WINDOW_SIZE(0x04)=65535
        45  HEADERS                  1       13  0x21 END_STREAM|PRIORITY                          block=8 dep=0 weight=256 exclusive
        67  CONTINUATION             1       12  0x04 END_HEADERS                                  block=12
            :method: GET
            :scheme: http
            :path: /
            :authority: www.example.com
        88  HEADERS                  3       22  0xff END_STREAM|END_HEADERS|PADDED|PRIORITY|0xd2  block=14 dep=1 weight=16 pad=2
            :method: GET
            :scheme: http
            :path: /
            :authority: www.example.com
            cache-control: no-cache
       119  PRIORITY                 5        5  0x00                                              dep=3 weight=1 exclusive
       133  DATA                     5        9  0x09 END_STREAM|PADDED                            len=5 pad=3  'hello'
       151  RST_STREAM               5        4  0x00                                              error=CANCEL(0x08)
       164  WINDOW_UPDATE            0        4  0x00                                              +1000
       177  PING                     0        8  0x00                                              6162636465666768
       194  HEADERS                  7       29  0x04 END_HEADERS                                  block=29
            :method: GET
            :scheme: https
            :path: /index.html
            :authority: www.example.com
            custom-key: custom-value
       232  GOAWAY                   0       11  0x00                                              last_stream=7 error=PROTOCOL_ERROR(0x01) debug='bye'
       252  SETTINGS                 0        6  0x00                                              raw 2 of 6 octets  00 05
       252  error at byte 252: FRAME_SIZE_ERROR(0x06) (connection error) the input ended inside a frame: 11 of its 15 octets arrived, 4 missing
"""

FIELDS_C31 = [[":method", "GET"], [":scheme", "http"], [":path", "/"],
              [":authority", "www.example.com"]]  # fmt: skip
CLIENT_JSON: list[dict[str, object]] = [
    {"offset": 0, "preface": True},
    {"offset": 24, "type": "SETTINGS", "type_code": 4, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 12,
     "fields": {"stream_id": 0, "settings": [[3, 100], [4, 65535]], "ack": False,
                "undefined_flags": 0}},
    {"offset": 45, "type": "HEADERS", "type_code": 1, "flags": ["END_STREAM", "PRIORITY"],
     "flags_octet": 0x21, "stream_id": 1, "length": 13,
     "fields": {"stream_id": 1, "data": "828684410f777777", "end_stream": True,
                "end_headers": False,
                "priority": {"depends_on": 0, "weight": 255, "exclusive": True},
                "padding": None, "undefined_flags": 0}},
    {"offset": 67, "type": "CONTINUATION", "type_code": 9, "flags": ["END_HEADERS"],
     "flags_octet": 4, "stream_id": 1, "length": 12,
     "fields": {"stream_id": 1, "data": "2e6578616d706c652e636f6d", "end_headers": True,
                "undefined_flags": 0},
     "headers": FIELDS_C31},
    {"offset": 88, "type": "HEADERS", "type_code": 1,
     "flags": ["END_STREAM", "END_HEADERS", "PADDED", "PRIORITY", "0xd2"],
     "flags_octet": 0xFF, "stream_id": 3, "length": 22,
     "fields": {"stream_id": 3, "data": C32.hex(), "end_stream": True, "end_headers": True,
                "priority": {"depends_on": 1, "weight": 15, "exclusive": False},
                "padding": "0000", "undefined_flags": 0xD2},
     "headers": [*FIELDS_C31, ["cache-control", "no-cache"]]},
    {"offset": 119, "type": "PRIORITY", "type_code": 2, "flags": [], "flags_octet": 0,
     "stream_id": 5, "length": 5,
     "fields": {"stream_id": 5, "depends_on": 3, "weight": 0, "exclusive": True,
                "undefined_flags": 0}},
    {"offset": 133, "type": "DATA", "type_code": 0, "flags": ["END_STREAM", "PADDED"],
     "flags_octet": 9, "stream_id": 5, "length": 9,
     "fields": {"stream_id": 5, "data": "68656c6c6f", "end_stream": True, "padding": "000000",
                "undefined_flags": 0}},
    {"offset": 151, "type": "RST_STREAM", "type_code": 3, "flags": [], "flags_octet": 0,
     "stream_id": 5, "length": 4,
     "fields": {"stream_id": 5, "error_code": 8, "undefined_flags": 0}},
    {"offset": 164, "type": "WINDOW_UPDATE", "type_code": 8, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 4,
     "fields": {"stream_id": 0, "window_increment": 1000, "undefined_flags": 0}},
    {"offset": 177, "type": "PING", "type_code": 6, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 8,
     "fields": {"stream_id": 0, "opaque_data": "6162636465666768", "ack": False,
                "undefined_flags": 0}},
    {"offset": 194, "type": "HEADERS", "type_code": 1, "flags": ["END_HEADERS"],
     "flags_octet": 4, "stream_id": 7, "length": 29,
     "fields": {"stream_id": 7, "data": C33.hex(), "end_stream": False, "end_headers": True,
                "priority": None, "padding": None, "undefined_flags": 0},
     "headers": [[":method", "GET"], [":scheme", "https"], [":path", "/index.html"],
                 [":authority", "www.example.com"], ["custom-key", "custom-value"]]},
    {"offset": 232, "type": "GOAWAY", "type_code": 7, "flags": [], "flags_octet": 0,
     "stream_id": 0, "length": 11,
     "fields": {"stream_id": 0, "last_stream_id": 7, "error_code": 1, "debug_data": "627965",
                "undefined_flags": 0}},
    {"offset": 252, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "connection",
     "stream_id": 0, "field": "length", "token": "frame_truncated",
     "message": "the input ended inside a frame: 11 of its 15 octets arrived, 4 missing",
     "raw": {"frame_type": 4, "flags": 0, "stream_id": 0, "payload": "0005",
             "reserved_bit": False, "length_field": 6},
     "missing": 4},
]  # fmt: skip


def run_command(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The real command line: `python -m h2wire`, in the build this run tests."""
    flags = ["-P"] if sys.flags.safe_path else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "h2wire", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )


def decode_text(data: bytes, max_frame_size: int = 16384, **options: int) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.decode(
        data, out, as_json=False, max_frame_size=max_frame_size, colour=False, **options
    )
    return status, out.getvalue()


def decode_json(data: bytes, max_frame_size: int = 2**24 - 1) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.decode(data, out, as_json=True, max_frame_size=max_frame_size, colour=False)
    return status, out.getvalue()


def records(lines: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in lines.splitlines()]


def encode_lines(lines: str) -> tuple[int, bytes]:
    out = io.BytesIO()
    return cli.encode(io.StringIO(lines), out), out.getvalue()


def test_decode_text_every_field() -> None:
    assert decode_text(CLIENT_STREAM) == (1, CLIENT_TEXT)


def test_decode_json_every_field() -> None:
    status, lines = decode_json(CLIENT_STREAM, max_frame_size=16384)
    assert status == 1
    assert records(lines) == CLIENT_JSON
    assert encode_lines(lines) == (0, CLIENT_STREAM)  # the cut frame too


def test_flags_column_fits_every_frame_type() -> None:
    # HEADERS with all eight bits: its four flags and the undefined 0xd2.
    assert render.flags_width() == len("0xff END_STREAM|END_HEADERS|PADDED|PRIORITY|0xd2")
    flags_column = 10 + 2 + 15 + 1 + 10 + 1 + 8 + 2
    every_bit = [
        h.DataFrame(1, b"", end_stream=True, padding=b"", undefined_flags=0xF6),
        h.HeadersFrame(1, b"", end_stream=True, end_headers=True, padding=b"",
                       priority=h.StreamDependency(0, 0), undefined_flags=0xD2),
        h.PingFrame(ack=True, undefined_flags=0xFE),
        h.UnknownFrame(0xEE, 1, b"", undefined_flags=0xFF),
    ]  # fmt: skip
    for frame in every_bit:
        line = render.text_line(123, frame, colour=False)
        assert line[flags_column - 2 : flags_column + 5] == "  0xff "
        assert line[flags_column + 48 : flags_column + 50] == "  "
    # A registered type with a longer flag name widens the column for every type.
    h.register_frame_type(Flagged)
    try:
        # The octet, the name and the seven undefined bits: "0xff NAME|0xfe".
        assert render.flags_width() == 5 + len(Flagged.FLAGS[0][0]) + 5
    finally:
        h.unregister_frame_type(0xF1)
    assert render.flags_width() == 48


class Flagged(h.Frame):
    """An extension frame type with one very long flag name."""

    def __init__(self, stream_id: int = 0) -> None:
        object.__setattr__(self, "stream_id", stream_id)


Flagged.TYPE = 0xF1
Flagged.FLAGS = (("A_VERY_LONG_FLAG_NAME_FOR_A_TEST" + "X" * 40, 0x1),)
Flagged.DEFINED_FLAGS = 0x1


def test_flags_columns_kept_are_bounded() -> None:
    for flags in range(256):
        for frame_type in range(17):
            render.raw_line(0, h.RawFrame(frame_type, flags), colour=False)
    assert 0 < len(render._flags_columns) <= 4097
    assert render.raw_line(0, h.RawFrame(0, 1), colour=False) == (
        "         0  DATA                     0        0  0x01 END_STREAM" + " " * 35 + "raw"
    )


def test_flags_text() -> None:
    assert render.flags_text(0x1, 0x00) == "0x00"
    assert render.flags_text(0x1, 0x25) == "0x25 END_STREAM|END_HEADERS|PRIORITY"
    assert render.flags_text(0x0, 0xF6) == "0xf6 0xf6"  # DATA: no defined bit set
    assert render.flags_text(0xEE, 0x81) == "0x81 0x81"  # no class: every bit undefined
    assert render.flag_names(0x6, 0x03) == ["ACK", "0x02"]


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (h.HeadersFrame(3, b"", end_headers=True, priority=h.StreamDependency(1, 15, True), padding=b"\0"),
         "HEADERS                  3        7  0x2c END_HEADERS|PADDED|PRIORITY                  block=0 dep=1 weight=16 exclusive pad=1"),
        (h.PriorityFrame(3, 1, 7, False), "PRIORITY                 3        5  0x00" + " " * 46 + "dep=1 weight=8"),
        (h.RstStreamFrame(1, 8), "RST_STREAM               1        4  0x00" + " " * 46 + "error=CANCEL(0x08)"),
        (h.RstStreamFrame(1, 0x99, undefined_flags=0x10), "RST_STREAM               1        4  0x10 0x10" + " " * 41 + "error=0x99"),
        (h.PushPromiseFrame(1, 2, b"", end_headers=True, padding=b"\0"),
         "PUSH_PROMISE             1        6  0x0c END_HEADERS|PADDED                           promised=2 block=0 pad=1"),
        (h.PingFrame(b"abcdefgh", ack=True), "PING                     0        8  0x01 ACK" + " " * 42 + "6162636465666768"),
        (h.GoAwayFrame(3, 0x99, b""), "GOAWAY                   0        8  0x00" + " " * 46 + "last_stream=3 error=0x99"),
        (h.AltSvcFrame(0, b"o", b"f"), "ALTSVC                   0        4  0x00" + " " * 46 + "origin=b'o' b'f'"),
        (h.OriginFrame([b"https://a"]), "ORIGIN                   0       11  0x00" + " " * 46 + "b'https://a'"),
        (h.PriorityUpdateFrame(1, b"u=1"), "PRIORITY_UPDATE          0        7  0x00" + " " * 46 + "stream=1 b'u=1'"),
        (h.UnknownFrame(0xEE, 1, b"\x00\x01", undefined_flags=0x81), "0xee                     1        2  0x81 0x81" + " " * 41 + "len=2  00 01"),
        (h.DataFrame(1, b"\x00", padding=b""), "DATA                     1        2  0x08 PADDED" + " " * 39 + "len=1 pad=0  00"),
        (h.DataFrame(1, b"x" * 17), "DATA                     1       17  0x00" + " " * 46 + "len=17  'xxxxxxxxxxxxxxxx…'"),
        (h.WindowUpdateFrame(0, 5), "WINDOW_UPDATE            0        4  0x00" + " " * 46 + "+5"),
        (h.SettingsFrame([(0x99, 1), (5, 16384)]), "SETTINGS                 0       12  0x00" + " " * 46 + "0x99=1 MAX_FRAME_SIZE(0x05)=16384"),
        (h.SettingsFrame(ack=True), "SETTINGS                 0        0  0x01 ACK"),
    ],
)  # fmt: skip
def test_every_type_prints_and_round_trips(frame: h.Frame, expected: str) -> None:
    wire = frame.serialize()
    status, text = decode_text(wire)
    assert status == 0
    assert text == " " * 9 + "0  " + expected + "\n"
    status, lines = decode_json(wire)
    assert status == 0
    assert encode_lines(lines) == (0, wire)


def test_colour() -> None:
    out = io.StringIO()
    data = h.DataFrame(1, b"").serialize() + h.PingFrame().serialize()[:-1]
    assert cli.decode(data, out, as_json=False, max_frame_size=16384, colour=True) == 1
    first, cut, error = out.getvalue().splitlines()
    assert first.startswith(" " * 9 + "0  \x1b[32mDATA" + " " * 11 + "\x1b[0m ")
    assert cut.startswith(" " * 9 + "9  \x1b[35mPING" + " " * 11 + "\x1b[0m ")
    assert error.startswith("\x1b[1;31m") and error.endswith("\x1b[0m")


def test_captures_are_shipped() -> None:
    assert [p.name for p in CAPTURES] == ["curl-h2c-client.bin", "curl-h2c-server.bin"]


@pytest.mark.parametrize("path", CAPTURES, ids=[p.name for p in CAPTURES])
def test_capture_round_trip(path: Path) -> None:
    data = path.read_bytes()
    status, lines = decode_json(data)
    assert status == 0
    assert encode_lines(lines) == (0, data)


def test_capture_header_fields() -> None:
    """curl's request and nghttpd's response, as they were on the wire."""
    client = records(decode_json(CAPTURES[0].read_bytes())[1])
    assert [r["headers"] for r in client if "headers" in r] == [
        [[":method", "GET"], [":path", "/page.js"], [":scheme", "http"],
         [":authority", "127.0.0.1:18080"], ["user-agent", "curl/7.88.1"], ["accept", "*/*"]]
    ]  # fmt: skip
    server = records(decode_json(CAPTURES[1].read_bytes())[1])
    assert [r["headers"] for r in server if "headers" in r] == [
        [[":status", "200"], ["server", "nghttpd nghttp2/1.52.0"],
         ["cache-control", "max-age=3600"], ["date", "Tue, 24 Nov 2026 23:31:43 GMT"],
         ["content-length", "20000"], ["last-modified", "Tue, 24 Nov 2026 23:31:42 GMT"],
         ["content-type", "text/javascript"]]
    ]  # fmt: skip


@given(valid_streams())
def test_random_streams_round_trip(frames: list[h.Frame]) -> None:
    data = h.CLIENT_PREFACE + h.SettingsFrame().serialize()
    data += b"".join(f.serialize() for f in frames)
    status, lines = decode_json(data)
    # No framing error; random header blocks are seldom valid HPACK, though.
    assert [r for r in records(lines) if "error" in r] == []
    header_errors = [r for r in records(lines) if "headers_error" in r]
    assert status == (1 if header_errors else 0)
    assert encode_lines(lines) == (0, data)


def test_decode_goes_on_after_bad_frames() -> None:
    """A stream error, a connection error and a frame too large, in the middle of a
    stream: each shown raw with its error, the frames after them decoded, exit
    status 1; and encode gives the stream back byte for byte."""
    ping = h.PingFrame().serialize()
    data = (
        ping
        + bytes.fromhex("000004080000000001 00000000")  # WINDOW_UPDATE, increment 0
        + ping
        + h.RawFrame(0, 0, 0, b"a", reserved_bit=True).serialize()  # DATA on stream 0
        + h.HeadersFrame(3, C31, end_headers=True).serialize()
        + h.DataFrame(1, b"x" * 16385).serialize()  # larger than 16,384
        + ping
    )
    status, text = decode_text(data)
    assert status == 1
    zeros = "0000000000000000"
    assert text.splitlines() == [
        "         0  PING                     0        8  0x00" + " " * 46 + zeros,
        "        17  WINDOW_UPDATE            1        4  0x00" + " " * 46 + "raw  00 00 00 00",
        "        17  error at byte 17: PROTOCOL_ERROR(0x01) (stream error on stream 1) "
        "WINDOW_UPDATE frame, window_increment: must be in 1..2**31-1 (got 0)",
        "        30  PING                     0        8  0x00" + " " * 46 + zeros,
        "        47  DATA                     0        1  0x00"
        + " " * 46
        + "raw reserved_bit  'a'",
        "        47  error at byte 47: PROTOCOL_ERROR(0x01) (connection error) DATA frame, "
        "stream_id: must be non-zero",
        "        57  HEADERS                  3       20  0x04 END_HEADERS" + " " * 34 + "block=20",
        "            :method: GET",
        "            :scheme: http",
        "            :path: /",
        "            :authority: www.example.com",
        "        86  DATA                     1    16385  0x00"
        + " " * 46
        + "raw  'xxxxxxxxxxxxxxxx…'",
        "        86  error at byte 86: FRAME_SIZE_ERROR(0x06) (stream error on stream 1) DATA "
        "frame, length: payload of 16385 octets exceeds the maximum frame size 16384",
        "     16480  PING                     0        8  0x00" + " " * 46 + zeros,
    ]
    status, lines = decode_json(data, max_frame_size=16384)
    assert status == 1
    assert records(lines)[1] == {
        "offset": 17, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "stream",
        "stream_id": 1, "field": "window_increment", "token": "window_update_window_increment",
        "message": "WINDOW_UPDATE frame, window_increment: must be in 1..2**31-1 (got 0)",
        "raw": {"frame_type": 8, "flags": 0, "stream_id": 1, "payload": "00000000",
                "reserved_bit": False, "length_field": None},
    }  # fmt: skip
    assert encode_lines(lines) == (0, data)  # bad frames and the reserved bit too


def cut_raw(frame_type: int, stream_id: int, payload: str, length: int) -> dict[str, object]:
    return {"frame_type": frame_type, "flags": 0, "stream_id": stream_id, "payload": payload,
            "reserved_bit": False, "length_field": length}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # A frame header cut short: the octets that arrived.
        (h.PingFrame().serialize() + b"\x00\x00\x08",
         {"offset": 17, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "connection",
          "stream_id": 0, "field": "length", "token": "frame_truncated", "missing": 6,
          "message": "the input ended inside a frame header: 3 of its 9 octets arrived, 6 missing",
          "bytes_hex": "000008"}),
        # A frame body cut short: the frame raw, with the Length its header announced.
        (h.DataFrame(3, b"abc").serialize()[:-1],
         {"offset": 0, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "connection",
          "stream_id": 3, "field": "length", "token": "frame_truncated", "missing": 1,
          "message": "the input ended inside a frame: 11 of its 12 octets arrived, 1 missing",
          "raw": cut_raw(0, 3, "6162", 3)}),
        # The preface cut short.
        (h.CLIENT_PREFACE[:10],
         {"offset": 10, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "connection",
          "stream_id": 0, "field": "preface", "token": "preface_truncated",
          "message": "the input ended inside the client connection preface (10 of 24 octets)",
          "bytes_hex": h.CLIENT_PREFACE[:10].hex()}),
        # A wrong preface: where it differs; decoding stops there.
        (b"PRI * HTTP/1.1\r\n",
         {"offset": 11, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "connection",
          "stream_id": 0, "field": "preface", "token": "preface",
          "message": "the client connection preface is missing or wrong", "stopped": True}),
        # After the preface, not SETTINGS.
        (h.CLIENT_PREFACE + h.DataFrame(1, b"xy").serialize(),
         {"offset": 24, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "connection",
          "stream_id": 0, "field": "type", "token": "preface_settings",
          "message": "the connection preface must end with SETTINGS",
          "raw": {**cut_raw(0, 1, "7879", 0), "length_field": None}}),
        # Such a frame cut short: cut is all that can be said of it.
        (h.CLIENT_PREFACE + h.DataFrame(1, b"x" * 1000).serialize()[:9],
         {"offset": 24, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "connection",
          "stream_id": 1, "field": "length", "token": "frame_truncated", "missing": 1000,
          "message": "the input ended inside a frame: 9 of its 1009 octets arrived, 1000 missing",
          "raw": cut_raw(0, 1, "", 1000)}),
        # A frame larger than SETTINGS_MAX_FRAME_SIZE.
        (h.SettingsFrame().serialize() + h.DataFrame(1, b"x" * 16385).serialize(),
         {"offset": 9, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "stream",
          "stream_id": 1, "field": "length", "token": "frame_size",
          "message": "DATA frame, length: payload of 16385 octets exceeds the maximum frame size 16384",
          "raw": {**cut_raw(0, 1, "78" * 16385, 0), "length_field": None}}),
        # The input ends inside a header block.
        (h.HeadersFrame(1, b"\x82").serialize(),
         {"offset": 10, "error": "PROTOCOL_ERROR", "error_code": 1, "scope": "connection",
          "stream_id": 1, "field": "end_headers", "token": "header_block_truncated",
          "message": "HEADERS frame, end_headers: the input ended inside the header block (no END_HEADERS)"}),
    ],
)  # fmt: skip
def test_errors_with_offset_scope_and_reason(data: bytes, expected: dict[str, object]) -> None:
    status, lines = decode_json(data, max_frame_size=16384)
    assert status == 1
    assert records(lines)[-1] == expected
    status, text = decode_text(data)
    scope = (
        f"stream error on stream {expected['stream_id']}"
        if expected["scope"] == "stream"
        else "connection error"
    )
    code = f"{expected['error']}({expected['error_code']:#04x})"
    assert text.splitlines()[-1] == (
        f"{expected['offset']:>10}  error at byte {expected['offset']}: {code} ({scope}) "
        f"{expected['message']}"
    )
    # encode writes back what was decoded, unless decoding stopped (it says so).
    assert encode_lines(lines) == ((1, b"") if "stopped" in expected else (0, data))


def test_frame_size_option() -> None:
    big = h.DataFrame(1, b"x" * 16385).serialize()
    assert decode_text(big)[0] == 1
    assert decode_text(big, max_frame_size=16385)[0] == 0


def test_ignored_frame() -> None:
    """An ORIGIN frame whose entry overruns it: RFC 8336 says to ignore it."""
    data = bytes.fromhex("000003 0c 00 00000000 0005") + b"x" + h.PingFrame().serialize()
    status, text = decode_text(data)
    assert status == 0
    assert text.splitlines() == [
        "         0  ORIGIN                   0        3  0x00" + " " * 46 + "raw  00 05 78",
        "            ignored: ORIGIN frame, origins: Origin-Len 5 exceeds the 1 octets left "
        "(malformed, and its RFC says to ignore such a frame)",
        "        12  PING                     0        8  0x00" + " " * 46 + "0000000000000000",
    ]
    status, lines = decode_json(data)
    assert records(lines)[0] == {
        "offset": 0, "ignored": True, "type": "ORIGIN", "type_code": 12, "stream_id": 0,
        "length": 3, "message": "ORIGIN frame, origins: Origin-Len 5 exceeds the 1 octets left",
        "raw": {"frame_type": 12, "flags": 0, "stream_id": 0, "payload": "000578",
                "reserved_bit": False, "length_field": None},
    }  # fmt: skip
    assert encode_lines(lines) == (0, data)  # written back from its raw form


def test_encode_rejects_bad_records() -> None:
    bad = json.dumps({"type_code": 6, "fields": {"opaque_data": "00"}})
    assert encode_lines(bad + "\n") == (1, b"")
    assert encode_lines("\n") == (0, b"")


def test_command_line() -> None:
    wire = h.CLIENT_PREFACE + h.SettingsFrame().serialize()
    result = run_command("decode", "--hex", stdin=wire.hex(" ").encode())
    assert result.returncode == 0
    assert result.stdout.decode().splitlines() == [
        "         0  PREFACE         client connection preface",
        "        24  SETTINGS                 0        0  0x00",
    ]
    result = run_command("decode", "--json", str(CAPTURES[0]))
    assert result.returncode == 0
    assert run_command("encode", stdin=result.stdout).stdout == CAPTURES[0].read_bytes()
    assert run_command("decode", stdin=b"\x00\x00\x01").returncode == 1
    missing = run_command("decode", "/nonexistent/file")
    assert missing.returncode == 2 and b"No such file" in missing.stderr
    assert run_command("decode", "--hex", stdin=b"zz").returncode == 2
    too_small = run_command("decode", "--max-frame-size", "100", stdin=wire)
    assert too_small.returncode == 2 and b"max_frame_size must be in" in too_small.stderr
    for command in ("decode", "encode", "proxy"):
        help_text = run_command(command, "--help")
        assert (
            help_text.returncode == 0 and b"usage: h2wire " + command.encode() in help_text.stdout
        )
    assert run_command("proxy", "--listen", "nonsense", "--upstream", "x:1").returncode == 2


def test_main_in_process(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    capture = str(CAPTURES[1])
    assert cli.main(["decode", capture]) == 0
    assert b"DATA" in capsysbinary.readouterr().out
    lines = tmp_path / "frames.jsonl"
    assert cli.main(["decode", "--json", capture]) == 0
    lines.write_bytes(capsysbinary.readouterr().out)
    assert cli.main(["encode", str(lines)]) == 0
    assert capsysbinary.readouterr().out == CAPTURES[1].read_bytes()
    assert cli.main(["decode", "/nonexistent"]) == 2


class Custom(h.Frame):
    def __init__(self) -> None:
        object.__setattr__(self, "stream_id", 7)


def test_details_of_a_frame_class_it_does_not_know() -> None:
    assert cli.details(Custom()) == "Custom(stream_id=7)"


def test_frame_record_needs_type_and_fields() -> None:
    with pytest.raises(ValueError, match="type_code and fields"):
        cli.frame_from_record({"type_code": "x", "fields": {}})


def test_stdin_input_and_preface_line(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    wire = h.CLIENT_PREFACE + h.SettingsFrame().serialize() + h.PingFrame().serialize()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(wire.hex().encode())))
    assert cli.main(["decode", "--hex"]) == 0
    out = capsysbinary.readouterr().out
    assert b"PREFACE" in out and b"PING" in out
    lines = json.dumps({"offset": 0, "preface": True}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    assert cli.main(["encode"]) == 0
    assert capsysbinary.readouterr().out == h.CLIENT_PREFACE


def test_closed_output_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "decode", broken)
    assert cli.main(["decode", str(CAPTURES[0])]) == 0


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["h2wire", "decode", str(CAPTURES[0])])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("h2wire", run_name="__main__")
    assert info.value.code == 0
    assert "PREFACE" in capsys.readouterr().out


def test_importing_main_runs_nothing() -> None:
    import importlib

    module = importlib.import_module("h2wire.__main__")
    assert module.main is cli.main
