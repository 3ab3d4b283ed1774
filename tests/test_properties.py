"""Properties over random inputs: exactness both ways, and no foreign exceptions."""

from __future__ import annotations

from frame_strategies import frames, mutated_frames, wire_frames
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h

BIG = 2**24 - 1


@given(frames)
def test_object_round_trip(frame: h.Frame) -> None:
    """For every frame object f: parse(f.serialize()) == f."""
    raw = frame.serialize()
    parsed, size = h.parse_frame(raw, max_frame_size=BIG)
    assert parsed == frame
    assert type(parsed) is type(frame)
    assert size == len(raw) == 9 + frame.length
    assert raw[4] == frame.flags
    assert raw[3] == frame.type


def clear_reserved_bits(raw: bytes) -> bytes:
    """What we must send for received bytes ``raw``: the same, reserved bits cleared
    (stream id, and per type the 31-bit fields of RFC 9113 and RFC 9218)."""
    out = bytearray(raw)
    out[5] &= 0x7F
    frame_type, flags = raw[3], raw[4]
    if frame_type in (0x7, 0x8, 0x10):  # GOAWAY, WINDOW_UPDATE, PRIORITY_UPDATE
        out[9] &= 0x7F
    elif frame_type == 0x5:  # PUSH_PROMISE: promised id after the pad length octet
        out[10 if flags & 0x8 else 9] &= 0x7F
    return bytes(out)


def check_exact(raw: bytes, max_frame_size: int = BIG) -> None:
    try:
        frame, size = h.parse_frame(raw, max_frame_size=max_frame_size)
    except h.FrameError as err:
        assert isinstance(err.code, h.ErrorCode)
        assert isinstance(err.scope, h.Scope)
        assert err.field
        return
    assert frame.serialize() == clear_reserved_bits(raw[:size])
    assert size <= len(raw)


@given(wire_frames())
def test_accepted_bytes_reserialize_exactly(raw: bytes) -> None:
    check_exact(raw)


@given(mutated_frames())
def test_mutated_frames(raw: bytes) -> None:
    check_exact(raw)


@given(st.binary(max_size=64), st.integers(0, BIG))
def test_any_bytes_give_a_frame_or_frame_error(raw: bytes, max_frame_size: int) -> None:
    check_exact(raw, max_frame_size)


@given(st.binary(max_size=64))
def test_input_type_does_not_matter(raw: bytes) -> None:
    outcomes: list[object] = []
    for data in (raw, bytearray(raw), memoryview(raw)):
        try:
            outcomes.append(h.parse_frame(data))
        except h.FrameError as err:
            outcomes.append((type(err), err.code, err.scope, err.field, str(err)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
