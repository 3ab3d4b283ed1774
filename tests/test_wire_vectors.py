"""Wire vectors per frame type, written from the RFC layouts.

Each valid vector is checked both ways: parsing gives the expected object, and
the object serializes to the same bytes.  Each invalid vector names the error
code, the scope and the field the error must carry.
"""

from __future__ import annotations

import pytest

import h2wire as h
from h2wire import ErrorCode as E
from h2wire import Scope as S


def w(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


VALID: list[tuple[str, str, h.Frame]] = [
    # DATA: plain, END_STREAM, padded (pad length octet + zero padding), empty.
    ("data", "000005 00 00 00000001 68656c6c6f", h.DataFrame(1, b"hello")),
    ("data end", "000000 00 01 00000003", h.DataFrame(3, end_stream=True)),
    (
        "data padded",
        "000009 00 09 00000001 03 68656c6c6f 000000",
        h.DataFrame(1, b"hello", end_stream=True, padding=b"\0\0\0"),
    ),
    ("data pad 0", "000001 00 08 00000001 00", h.DataFrame(1, padding=b"")),
    (
        "data nonzero padding kept",
        "000003 00 08 00000001 02 abcd",
        h.DataFrame(1, padding=b"\xab\xcd"),
    ),
    (
        "data undefined flags kept",
        "000001 00 f6 00000001 61",
        h.DataFrame(1, b"a", undefined_flags=0xF6),
    ),
    # HEADERS
    (
        "headers",
        "000003 01 05 00000001 828684",
        h.HeadersFrame(1, b"\x82\x86\x84", end_stream=True, end_headers=True),
    ),
    (
        "headers priority",
        "000006 01 24 00000003 80000001 0f 82",
        h.HeadersFrame(
            3, b"\x82", end_headers=True, priority=h.StreamDependency(1, 15, exclusive=True)
        ),
    ),
    (
        "headers padded+priority",
        "00000a 01 2c 00000005 02 00000003 ff 8283 0000",
        h.HeadersFrame(
            5,
            b"\x82\x83",
            end_headers=True,
            priority=h.StreamDependency(3, 255),
            padding=b"\0\0",
        ),
    ),
    (
        "headers padding fills the payload",
        "000003 01 08 00000001 02 0000",
        h.HeadersFrame(1, padding=b"\0\0"),
    ),
    # PRIORITY
    (
        "priority",
        "000005 02 00 00000003 80000001 07",
        h.PriorityFrame(3, depends_on=1, weight=7, exclusive=True),
    ),
    # RST_STREAM, with a registered and an unregistered code
    ("rst", "000004 03 00 00000001 00000008", h.RstStreamFrame(1, E.CANCEL)),
    ("rst unknown code", "000004 03 00 00000001 deadbeef", h.RstStreamFrame(1, 0xDEADBEEF)),
    # SETTINGS: order, duplicates and unknown identifiers are kept
    (
        "settings",
        "00000c 04 00 00000000 0003 00000064 0004 0000ffff",
        h.SettingsFrame([(3, 100), (4, 65535)]),
    ),
    (
        "settings dup+unknown",
        "000012 04 00 00000000 0001 00001000 abcd 00000007 0001 00000000",
        h.SettingsFrame([(1, 4096), (0xABCD, 7), (1, 0)]),
    ),
    ("settings ack", "000000 04 01 00000000", h.SettingsFrame(ack=True)),
    (
        "settings extensions",
        "00000c 04 00 00000000 0008 00000001 0009 00000001",
        h.SettingsFrame([(8, 1), (9, 1)]),
    ),
    # PUSH_PROMISE
    (
        "push promise",
        "000006 05 04 00000001 00000002 8283",
        h.PushPromiseFrame(1, 2, b"\x82\x83", end_headers=True),
    ),
    (
        "push promise padded",
        "000008 05 0c 00000001 02 00000004 82 0000",
        h.PushPromiseFrame(1, 4, b"\x82", end_headers=True, padding=b"\0\0"),
    ),
    # PING
    ("ping", "000008 06 00 00000000 0102030405060708", h.PingFrame(b"\1\2\3\4\5\6\7\x08")),
    ("ping ack", "000008 06 01 00000000 0000000000000000", h.PingFrame(ack=True)),
    # GOAWAY
    (
        "goaway",
        "00000d 07 00 00000000 0000001e 00000009 6870616b6b",
        h.GoAwayFrame(30, E.COMPRESSION_ERROR, b"hpakk"),
    ),
    # WINDOW_UPDATE on the connection and on a stream
    ("window update", "000004 08 00 00000000 00008000", h.WindowUpdateFrame(0, 32768)),
    ("window update max", "000004 08 00 00000001 7fffffff", h.WindowUpdateFrame(1, 2**31 - 1)),
    # CONTINUATION
    (
        "continuation",
        "000002 09 04 00000001 8283",
        h.ContinuationFrame(1, b"\x82\x83", end_headers=True),
    ),
    # ALTSVC (RFC 7838 §4 example shapes)
    (
        "altsvc stream 0",
        "000019 0a 00 00000000 000b 6578616d706c652e636f6d 68323d223a38303030220000",
        h.AltSvcFrame(0, b"example.com", b'h2=":8000"\0\0'),
    ),
    (
        "altsvc on stream",
        "00000b 0a 00 00000003 0000 68323d223a34343322",
        h.AltSvcFrame(3, b"", b'h2=":443"'),
    ),
    # ORIGIN (RFC 8336)
    (
        "origin",
        "000017 0c 00 00000000 0013 68747470733a2f2f6578616d706c652e636f6d 0000",
        h.OriginFrame([b"https://example.com", b""]),
    ),
    ("origin empty", "000000 0c 00 00000000", h.OriginFrame()),
    # PRIORITY_UPDATE (RFC 9218 §7.1)
    (
        "priority update",
        "00000a 10 00 00000000 00000005 753d312c2069",
        h.PriorityUpdateFrame(5, b"u=1, i"),
    ),
    # Unknown types keep type, flags, stream id and payload
    (
        "unknown",
        "000003 ee a5 00000007 010203",
        h.UnknownFrame(0xEE, 7, b"\1\2\3", undefined_flags=0xA5),
    ),
    ("unknown 0xb", "000000 0b ff 00000000", h.UnknownFrame(0x0B, undefined_flags=0xFF)),
]


@pytest.mark.parametrize(("name", "wire", "frame"), VALID, ids=[v[0] for v in VALID])
def test_valid_vector_both_ways(name: str, wire: str, frame: h.Frame) -> None:
    raw = w(wire)
    parsed, size = h.parse_frame(raw)
    assert parsed == frame
    assert type(parsed) is type(frame)
    assert size == len(raw)
    assert frame.serialize() == raw
    assert frame.length == len(raw) - 9
    assert frame.flags == raw[4]


def test_every_frame_type_has_a_valid_vector() -> None:
    covered = {type(f) for _, _, f in VALID}
    assert covered == {*h.FRAME_TYPES.values(), h.UnknownFrame}


RESERVED: list[tuple[str, str, str, h.Frame]] = [
    # (name, received wire, wire we send, frame): the R bit is ignored, sent as 0
    (
        "stream id",
        "000000 00 00 80000001",
        "000000 00 00 00000001",
        h.DataFrame(1),
    ),
    (
        "window increment 1 with R set",
        "000004 08 00 00000001 80000001",
        "000004 08 00 00000001 00000001",
        h.WindowUpdateFrame(1, 1),
    ),
    (
        "goaway last stream id",
        "000008 07 00 00000000 80000005 00000000",
        "000008 07 00 00000000 00000005 00000000",
        h.GoAwayFrame(5),
    ),
    (
        "promised stream id",
        "000004 05 00 00000001 80000002",
        "000004 05 00 00000001 00000002",
        h.PushPromiseFrame(1, 2),
    ),
    (
        "prioritized stream id",
        "000004 10 00 00000000 80000003",
        "000004 10 00 00000000 00000003",
        h.PriorityUpdateFrame(3),
    ),
]


@pytest.mark.parametrize(
    ("name", "received", "sent", "frame"), RESERVED, ids=[r[0] for r in RESERVED]
)
def test_reserved_bit_ignored_on_receipt_and_sent_as_zero(
    name: str, received: str, sent: str, frame: h.Frame
) -> None:
    parsed, _ = h.parse_frame(w(received))
    assert parsed == frame
    assert parsed.serialize() == w(sent)


C, ST, FR = S.CONNECTION, S.STREAM, S.FRAME
PROTO, SIZE = E.PROTOCOL_ERROR, E.FRAME_SIZE_ERROR

INVALID: list[tuple[str, str, E, S, str]] = [
    ("data on stream 0", "000001 00 00 00000000 61", PROTO, C, "stream_id"),
    ("data padded empty", "000000 00 08 00000001", SIZE, C, "padding"),
    ("data pad = payload", "000002 00 08 00000001 02 00", PROTO, C, "padding"),
    ("headers on stream 0", "000001 01 04 00000000 82", PROTO, C, "stream_id"),
    ("headers padded empty", "000000 01 08 00000001", SIZE, C, "padding"),
    ("headers priority short", "000004 01 20 00000001 00000000", SIZE, C, "priority"),
    ("headers pad over priority", "000006 01 28 00000001 01 00000000 0f", PROTO, C, "padding"),
    ("headers pad too long", "000003 01 08 00000001 03 0000", PROTO, C, "padding"),
    (
        "headers self dependency",
        "000005 01 20 00000003 00000003 0f",
        PROTO,
        ST,
        "priority.depends_on",
    ),
    ("priority on stream 0", "000005 02 00 00000000 00000001 0f", PROTO, C, "stream_id"),
    ("priority length", "000004 02 00 00000001 00000000", SIZE, ST, "length"),
    ("priority self dependency", "000005 02 00 00000001 80000001 0f", PROTO, ST, "depends_on"),
    ("rst on stream 0", "000004 03 00 00000000 00000000", PROTO, C, "stream_id"),
    ("rst length", "000005 03 00 00000001 0000000000", SIZE, C, "length"),
    ("settings on stream", "000000 04 00 00000001", PROTO, C, "stream_id"),
    ("settings ack with payload", "000006 04 01 00000000 000100001000", SIZE, C, "length"),
    ("settings length", "000005 04 00 00000000 0001000010", SIZE, C, "length"),
    (
        "enable push 2",
        "000006 04 00 00000000 0002 00000002",
        PROTO,
        C,
        "settings[ENABLE_PUSH]",
    ),
    (
        "window too big",
        "000006 04 00 00000000 0004 80000000",
        E.FLOW_CONTROL_ERROR,
        C,
        "settings[INITIAL_WINDOW_SIZE]",
    ),
    (
        "max frame small",
        "000006 04 00 00000000 0005 00003fff",
        PROTO,
        C,
        "settings[MAX_FRAME_SIZE]",
    ),
    (
        "max frame big",
        "000006 04 00 00000000 0005 01000000",
        PROTO,
        C,
        "settings[MAX_FRAME_SIZE]",
    ),
    (
        "connect protocol 2",
        "000006 04 00 00000000 0008 00000002",
        PROTO,
        C,
        "settings[ENABLE_CONNECT_PROTOCOL]",
    ),
    (
        "no rfc7540 priorities 2",
        "000006 04 00 00000000 0009 00000002",
        PROTO,
        C,
        "settings[NO_RFC7540_PRIORITIES]",
    ),
    ("push promise on stream 0", "000004 05 00 00000000 00000002", PROTO, C, "stream_id"),
    ("push promise short", "000003 05 00 00000001 000000", SIZE, C, "promised_stream_id"),
    ("push promise padded short", "000004 05 08 00000001 00000000", SIZE, C, "padding"),
    ("push promise pad over id", "000005 05 08 00000001 01 00000002", PROTO, C, "padding"),
    ("push promise id 0", "000004 05 00 00000001 00000000", PROTO, C, "promised_stream_id"),
    ("push promise id odd", "000004 05 00 00000001 00000003", PROTO, C, "promised_stream_id"),
    ("ping on stream", "000008 06 00 00000001 0000000000000000", PROTO, C, "stream_id"),
    ("ping short", "000007 06 00 00000000 00000000000000", SIZE, C, "length"),
    ("goaway on stream", "000008 07 00 00000001 0000000000000000", PROTO, C, "stream_id"),
    ("goaway short", "000007 07 00 00000000 00000000000000", SIZE, C, "length"),
    ("window update length", "000003 08 00 00000001 000001", SIZE, C, "length"),
    ("window update 0 on stream", "000004 08 00 00000001 00000000", PROTO, ST, "window_increment"),
    (
        "window update 0 on connection",
        "000004 08 00 00000000 80000000",
        PROTO,
        C,
        "window_increment",
    ),
    ("continuation on stream 0", "000001 09 04 00000000 82", PROTO, C, "stream_id"),
    ("altsvc empty", "000001 0a 00 00000000 00", SIZE, C, "origin"),
    ("altsvc origin length", "000003 0a 00 00000000 0002 61", SIZE, C, "origin"),
    ("origin truncated length", "000001 0c 00 00000000 00", SIZE, FR, "origins"),
    ("origin truncated entry", "000003 0c 00 00000000 0005 61", SIZE, FR, "origins"),
    ("priority update on stream", "000004 10 00 00000001 00000001", PROTO, C, "stream_id"),
    ("priority update short", "000003 10 00 00000000 000001", SIZE, C, "prioritized_stream_id"),
    ("priority update id 0", "000004 10 00 00000000 80000000", PROTO, C, "prioritized_stream_id"),
]


@pytest.mark.parametrize(
    ("name", "wire", "code", "scope", "field"), INVALID, ids=[v[0] for v in INVALID]
)
def test_invalid_vector(name: str, wire: str, code: E, scope: S, field: str) -> None:
    raw = w(wire)
    with pytest.raises(h.FrameError) as info:
        h.parse_frame(raw)
    err = info.value
    assert not isinstance(err, h.IncompleteFrameError)
    assert (err.code, err.scope, err.field) == (code, scope, field)
    assert err.stream_id == int.from_bytes(raw[5:9], "big") & 0x7FFFFFFF
    assert field in str(err)
    assert type(err.code) is E


@pytest.mark.parametrize(
    ("frame_type", "stream_id", "scope"),
    [
        (0x0, 1, S.STREAM),
        (0x0, 0, S.CONNECTION),
        (0x1, 1, S.CONNECTION),
        (0x5, 1, S.CONNECTION),
        (0x9, 1, S.CONNECTION),
        (0x4, 0, S.CONNECTION),
        (0x6, 0, S.CONNECTION),
        (0x2, 3, S.STREAM),
        (0xEE, 3, S.STREAM),
    ],
)
def test_oversized_frame_rejected_at_the_header(frame_type: int, stream_id: int, scope: S) -> None:
    # Only the header is present: the size error must come before any body byte.
    raw = (16385).to_bytes(3, "big") + bytes((frame_type, 0)) + stream_id.to_bytes(4, "big")
    with pytest.raises(h.FrameError) as info:
        h.parse_frame(raw)
    assert not isinstance(info.value, h.IncompleteFrameError)
    assert (info.value.code, info.value.scope, info.value.field) == (SIZE, scope, "length")
    assert "16384" in str(info.value)


def test_max_frame_size_is_configurable() -> None:
    frame = h.DataFrame(1, bytes(20000))
    raw = frame.serialize()
    with pytest.raises(h.FrameError):
        h.parse_frame(raw)
    assert h.parse_frame(raw, max_frame_size=20000) == (frame, len(raw))
    with pytest.raises(h.FrameError):
        h.parse_frame(raw, max_frame_size=19999)
    assert h.parse_frame(h.DataFrame(1, b"abc").serialize(), max_frame_size=3)[1] == 12
    with pytest.raises(ValueError, match="max_frame_size"):
        h.parse_frame(raw, max_frame_size=2**24)
