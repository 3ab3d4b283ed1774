"""Raw frames and lenient reading: any header and payload, valid or not, and a
decoder mode that shows every frame it reads, with the frame or its error."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from frame_strategies import frames
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h
from h2wire import ErrorCode as E
from h2wire import Scope as S


def test_raw_frame_writes_exactly_what_it_holds() -> None:
    raw = h.RawFrame(0x0, 0x1, 0, b"hi")  # DATA on stream 0: invalid, but writable
    assert raw.serialize() == bytes.fromhex("000002000100000000") + b"hi"
    assert (raw.type, raw.length) == (0x0, 2)
    # The reserved bit, and a Length that disagrees with the payload.
    odd = h.RawFrame(0xFA, 0xFF, 2**31 - 1, b"abc", reserved_bit=True, length_field=100)
    assert odd.serialize() == bytes.fromhex("000064faffffffffff") + b"abc"
    assert odd.length == 100
    assert h.RawFrame(0x6).serialize() == bytes.fromhex("000000060000000000")


def test_raw_frame_is_frozen_hashable_and_replaceable() -> None:
    raw = h.HeadersFrame(1, b"\x82", end_headers=True).to_raw()
    assert raw == h.RawFrame(0x1, 0x4, 1, b"\x82")
    assert hash(raw) == hash(h.RawFrame(0x1, 0x4, 1, b"\x82"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        raw.stream_id = 0  # type: ignore[misc]
    on_stream_0 = dataclasses.replace(raw, stream_id=0)  # "this HEADERS frame, on stream 0"
    assert on_stream_0.serialize() == bytes.fromhex("000001010400000000") + b"\x82"
    assert pickle.loads(pickle.dumps(on_stream_0)) == on_stream_0
    assert not isinstance(raw, h.Frame)  # kept apart from the valid frame classes


@pytest.mark.parametrize(
    ("make", "field", "code"),
    [
        (lambda: h.RawFrame(256), "frame_type", E.PROTOCOL_ERROR),
        (lambda: h.RawFrame(-1), "frame_type", E.PROTOCOL_ERROR),
        (lambda: h.RawFrame(0, flags=256), "flags", E.PROTOCOL_ERROR),
        (lambda: h.RawFrame(0, stream_id=2**31), "stream_id", E.PROTOCOL_ERROR),
        (lambda: h.RawFrame(0, length_field=2**24), "length_field", E.FRAME_SIZE_ERROR),
        (lambda: h.RawFrame(0, length_field=-1), "length_field", E.FRAME_SIZE_ERROR),
        (lambda: h.RawFrame(0, payload=bytes(2**24)), "length_field", E.FRAME_SIZE_ERROR),
    ],
)
def test_raw_frame_fields_must_fit_the_header(make: object, field: str, code: h.ErrorCode) -> None:
    with pytest.raises(h.FrameError) as info:
        make()  # type: ignore[operator]
    assert (info.value.field, info.value.code) == (field, code)
    assert str(info.value).startswith(f"raw frame, {field}: ")
    # A payload the 24-bit Length cannot express is fine with an explicit field.
    assert h.RawFrame(0, payload=bytes(2**24), length_field=5).length == 5


@given(frames)
def test_every_frame_has_a_raw_form_that_parses_back(frame: h.Frame) -> None:
    raw = frame.to_raw()
    assert raw.serialize() == frame.serialize()
    assert (raw.type, raw.flags, raw.stream_id) == (frame.type, frame.flags, frame.stream_id)
    assert raw.to_frame() == frame


def test_a_raw_frame_parses_to_the_error_the_rfc_prescribes() -> None:
    headers = h.HeadersFrame(1, b"\x82", end_headers=True).to_raw()
    with pytest.raises(h.FrameError) as info:
        dataclasses.replace(headers, stream_id=0).to_frame()
    assert (info.value.code, info.value.scope, info.value.field) == (
        E.PROTOCOL_ERROR,
        S.CONNECTION,
        "stream_id",
    )
    ping = h.PingFrame().to_raw()
    with pytest.raises(h.FrameError) as info:
        dataclasses.replace(ping, payload=bytes(7)).to_frame()
    assert info.value.code is E.FRAME_SIZE_ERROR
    # A Length larger than the payload: the frame is cut short.
    with pytest.raises(h.IncompleteFrameError) as cut:
        dataclasses.replace(ping, length_field=9).to_frame()
    assert cut.value.needed == 18
    # Shorter: a receiver reads that many octets as the frame.
    data = h.RawFrame(0x0, 0, 1, b"abcdef", length_field=2)
    assert data.to_frame() == h.DataFrame(1, b"ab")
    # The receiver's SETTINGS_MAX_FRAME_SIZE applies when given.
    with pytest.raises(h.FrameError) as info:
        h.DataFrame(1, bytes(20_000)).to_raw().to_frame(max_frame_size=16_384)
    assert (info.value.code, info.value.scope) == (E.FRAME_SIZE_ERROR, S.STREAM)


def test_read_raw_frame_checks_only_the_header_and_the_length() -> None:
    wire = bytes.fromhex("000002000180000000") + b"hi"  # DATA, stream 0, reserved bit set
    raw, size = h.read_raw_frame(wire + b"next")
    assert size == 11
    assert raw == h.RawFrame(0x0, 0x1, 0, b"hi", reserved_bit=True)
    assert raw.serialize() == wire  # exactly the octets read
    assert h.read_raw_frame(bytearray(b"xx" + wire), 2)[0] == raw
    assert h.read_raw_frame(memoryview(wire))[0] == raw
    with pytest.raises(h.IncompleteFrameError) as info:
        h.read_raw_frame(wire[:10])
    assert info.value.needed == 11
    with pytest.raises(h.IncompleteFrameError) as info:
        h.read_raw_frame(wire[:3])
    assert info.value.needed == 9
    with pytest.raises(ValueError, match="outside the input"):
        h.read_raw_frame(wire, 100)
    big = bytes.fromhex("ffffff000000000000") + b"0"  # 16 MiB announced, 0 present
    with pytest.raises(h.IncompleteFrameError):
        h.read_raw_frame(bytearray(big))


# A stream with bad frames in the middle, each of another scope.
GOOD1 = h.SettingsFrame({4: 65535})
BAD_CONNECTION = bytes.fromhex("000001000000000000") + b"a"  # DATA on stream 0
BAD_STREAM = bytes.fromhex("000004080000000001") + bytes(4)  # WINDOW_UPDATE 0 on stream 1
BAD_FRAME = bytes.fromhex("0000010c0000000000") + b"\x00"  # ORIGIN, truncated entry
GOOD2 = h.PingFrame(b"12345678")
STREAM = GOOD1.serialize() + BAD_CONNECTION + BAD_STREAM + BAD_FRAME + GOOD2.serialize()


def test_lenient_decoder_shows_every_frame_and_goes_on() -> None:
    decoder = h.FrameDecoder(lenient=True)
    items = decoder.receive(STREAM)
    assert [item.offset for item in items] == [0, 15, 25, 38, 48]
    assert [item.frame for item in items] == [GOOD1, None, None, None, GOOD2]
    errors = [(i.error.code, i.error.scope, i.error.field) if i.error else None for i in items]
    assert errors == [
        None,
        (E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
        (E.PROTOCOL_ERROR, S.STREAM, "window_increment"),
        (E.FRAME_SIZE_ERROR, S.FRAME, "origins"),
        None,
    ]
    raws = [item.raw for item in items]
    assert b"".join(raw.serialize() for raw in raws if raw is not None) == STREAM
    assert decoder.ignored_frames == 1
    assert decoder.failure is None
    assert decoder.receive(end=True) == []


def summary(item: h.Received) -> tuple[object, ...]:
    """An item with its error by content (exceptions compare by identity)."""
    error = item.error
    verdict = None if error is None else (error.code, error.scope, error.stream_id, str(error))
    return (item.offset, item.raw, item.frame, verdict)


def test_lenient_results_do_not_depend_on_chunking() -> None:
    whole = h.FrameDecoder(lenient=True).receive(STREAM + STREAM[:20], end=True)
    decoder = h.FrameDecoder(lenient=True)
    pieces = [decoder.receive(STREAM[i : i + 3]) for i in range(0, len(STREAM), 3)]
    pieces.append(decoder.receive(STREAM[:20], end=True))
    assert [summary(item) for piece in pieces for item in piece] == [
        summary(item) for item in whole
    ]


def test_lenient_decoder_reads_header_problems_whole() -> None:
    oversized = h.DataFrame(1, bytes(20_000)).serialize()
    orphan = h.ContinuationFrame(3, b"x", end_headers=True).serialize()
    decoder = h.FrameDecoder(lenient=True, client_preface=True)
    items = decoder.receive(h.CLIENT_PREFACE + h.PingFrame().serialize() + oversized + orphan)
    assert [(i.offset, i.error.field if i.error else None) for i in items] == [
        (24, "type"),  # the preface must end with SETTINGS
        (41, "length"),  # larger than max_frame_size, shown whole all the same
        (41 + len(oversized), "type"),  # CONTINUATION without a header block
    ]
    assert items[1].raw is not None and items[1].raw.payload == bytes(20_000)


def test_lenient_end_shows_a_frame_cut_short() -> None:
    decoder = h.FrameDecoder(lenient=True)
    wire = h.PingFrame(b"12345678").serialize()
    assert [i.frame for i in decoder.receive(wire + wire[:12])] == [h.PingFrame(b"12345678")]
    (last,) = decoder.receive(end=True)
    assert last.offset == 17 and last.frame is None
    assert isinstance(last.error, h.IncompleteFrameError) and last.error.needed == 17
    assert last.raw == h.RawFrame(0x6, 0, 0, b"123", length_field=8)
    assert decoder.failure is last.error
    assert decoder.receive(b"more") == []  # ended: nothing more is read
    # Ending inside a header: no raw form to show.
    decoder = h.FrameDecoder(lenient=True)
    decoder.receive(wire[:4])
    (last,) = decoder.receive(end=True)
    assert last.raw is None and isinstance(last.error, h.IncompleteFrameError)


def test_lenient_decoder_stops_where_the_stream_cannot_be_followed() -> None:
    decoder = h.FrameDecoder(lenient=True, client_preface=True)
    (item,) = decoder.receive(b"GET / HTTP/1.1\r\n")
    assert (item.raw, item.frame, item.offset) == (None, None, 0)
    assert item.error is decoder.failure and item.error is not None
    assert item.error.field == "preface"
    assert decoder.receive(h.CLIENT_PREFACE) == []
    # A frame larger than max_buffered_bytes cannot be held to be shown.
    decoder = h.FrameDecoder(lenient=True, max_buffered_bytes=1000)
    ok = h.PingFrame().serialize()
    items = decoder.receive(ok + bytes.fromhex("0003e8000000000001"))
    assert [i.frame for i in items] == [h.PingFrame(), None]
    assert items[1].error is decoder.failure and items[1].error is not None
    assert (items[1].error.code, items[1].offset) == (E.ENHANCE_YOUR_CALM, 17)


def test_modes_keep_to_their_own_methods() -> None:
    lenient = h.FrameDecoder(lenient=True)
    with pytest.raises(ValueError, match="receive"):
        lenient.feed(b"")
    with pytest.raises(ValueError, match="end=True"):
        lenient.close()
    with pytest.raises(ValueError, match="lenient=True"):
        h.FrameDecoder().receive(b"")
    with pytest.raises(ValueError, match="assemble_headers"):
        h.FrameDecoder(lenient=True, assemble_headers=True)
    with pytest.raises(TypeError, match="bool object expected"):
        h.FrameDecoder(lenient=1)  # type: ignore[arg-type]


@given(st.binary(max_size=200), st.integers(1, 20))
def test_any_bytes_give_items_never_a_foreign_exception(data: bytes, step: int) -> None:
    decoder = h.FrameDecoder(lenient=True, max_frame_size=2**24 - 1)
    items = [
        item for i in range(0, len(data), step) for item in decoder.receive(data[i : i + step])
    ]
    items += decoder.receive(end=True)
    for item in items:
        assert (item.frame is None) != (item.error is None)
    # Whole frames, good or bad, are shown raw: their octets are the input's.
    shown = b"".join(i.raw.serialize() for i in items if i.raw is not None and i.frame is not None)
    assert len(shown) <= len(data)
