"""Misuse of the public API behaves the same compiled and interpreted: the same
exception type and the same message (mypyc's wording for wrong argument types)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

import h2wire as h
from h2wire.hyperframe import frame as F

INT, BOOL, BYTES = (
    "int object expected; got ",
    "bool object expected; got ",
    "bytes object expected; got ",
)
#: parse_frame passes its input to memoryview(), whose message is the interpreter's own.
MEMORYVIEW_OF_STR = {
    "cpython": "memoryview: a bytes-like object is required, not 'str'",
    "pypy": "a bytes-like object is required, not 'str'",
}[sys.implementation.name]

CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("stream id str", lambda: h.DataFrame("1"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("stream id float", lambda: h.DataFrame(1.0), TypeError, INT + "float"),  # type: ignore[arg-type]
    ("stream id None", lambda: h.WindowUpdateFrame(None, 1), TypeError, INT + "None"),  # type: ignore[arg-type]
    ("flag int", lambda: h.DataFrame(1, end_stream=1), TypeError, BOOL + "int"),  # type: ignore[arg-type]
    ("flag str", lambda: h.PingFrame(ack="yes"), TypeError, BOOL + "str"),  # type: ignore[arg-type]
    ("data str", lambda: h.DataFrame(1, "x"), TypeError, BYTES + "str"),  # type: ignore[arg-type]
    ("data bytearray", lambda: h.HeadersFrame(1, bytearray(b"x")), TypeError, BYTES + "bytearray"),  # type: ignore[arg-type]
    ("data memoryview", lambda: h.ContinuationFrame(1, memoryview(b"x")), TypeError, BYTES + "memoryview"),  # type: ignore[arg-type]
    ("padding str", lambda: h.DataFrame(1, padding="x"), TypeError, "bytes or None object expected; got str"),  # type: ignore[arg-type]
    ("priority int", lambda: h.HeadersFrame(1, priority=5), TypeError, "h2wire.frames.headers.StreamDependency or None object expected; got int"),  # type: ignore[arg-type]
    ("first of two wrong", lambda: h.PingFrame("x", ack="y"), TypeError, BYTES + "str"),  # type: ignore[arg-type]
    ("weight None", lambda: h.PriorityFrame(1, 0, None), TypeError, INT + "None"),  # type: ignore[arg-type]
    ("exclusive str", lambda: h.StreamDependency(1, 2, "x"), TypeError, BOOL + "str"),  # type: ignore[arg-type]
    ("settings id str", lambda: h.SettingsFrame([("a", 1)]), TypeError, INT + "str"),  # type: ignore[list-item]
    ("settings triple", lambda: h.SettingsFrame([(1, 2, 3)]), TypeError, "settings entries must be (identifier, value) pairs, got (1, 2, 3)"),  # type: ignore[list-item]
    ("settings list entry", lambda: h.SettingsFrame([[1, 2]]), TypeError, "settings entries must be (identifier, value) pairs, got [1, 2]"),  # type: ignore[list-item]
    ("settings dict key str", lambda: h.SettingsFrame({"a": 1}), TypeError, INT + "str"),  # type: ignore[type-var]
    ("settings dict value float", lambda: h.SettingsFrame({1: 1.0}), TypeError, INT + "float"),  # type: ignore[dict-item]
    ("settings not iterable", lambda: h.SettingsFrame(5), TypeError, "'int' object is not iterable"),  # type: ignore[arg-type]
    ("origins str", lambda: h.OriginFrame(["a"]), TypeError, BYTES + "str"),  # type: ignore[list-item]
    ("unknown type str", lambda: h.UnknownFrame("x"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("huge stream id", lambda: h.DataFrame(2**100), h.FrameError, "DATA frame, stream_id: must be in 0..2**31-1 (got 1267650600228229401496703205376)"),
    ("huge error code", lambda: h.RstStreamFrame(1, 2**70), h.FrameError, "RST_STREAM frame, error_code: must be in 0..2**32-1 (got 1180591620717411303424)"),
    ("negative weight", lambda: h.PriorityFrame(1, 0, -1), h.FrameError, "PRIORITY frame, weight: must be in 0..255 (got -1)"),
    ("parse str", lambda: h.parse_frame("abc"), TypeError, MEMORYVIEW_OF_STR),  # type: ignore[arg-type]
    ("parse offset str", lambda: h.parse_frame(b"", "x"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("read raw offset str", lambda: h.read_raw_frame(b"", "x"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("parse max None", lambda: h.parse_frame(b"", max_frame_size=None), TypeError, INT + "None"),  # type: ignore[arg-type]
    ("parse max huge", lambda: h.parse_frame(b"", max_frame_size=2**64), ValueError, "max_frame_size must be in 0..2**24-1, got 18446744073709551616"),
    ("decoder max str", lambda: h.FrameDecoder("x"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("decoder flag int", lambda: h.FrameDecoder(client_preface=1), TypeError, BOOL + "int"),  # type: ignore[arg-type]
    ("feed str", lambda: h.FrameDecoder().feed("abc"), TypeError, "string argument without an encoding"),  # type: ignore[arg-type]
    ("split_data str", lambda: h.split_data(1, "x"), TypeError, "bytes or memoryview object expected; got str"),  # type: ignore[arg-type]
    ("split_data bytearray", lambda: h.split_data(1, bytearray(b"x")), TypeError, "bytes or memoryview object expected; got bytearray"),  # type: ignore[arg-type]
    ("split_data_vectored None", lambda: h.split_data_vectored(1, None), TypeError, "bytes or memoryview object expected; got None"),  # type: ignore[arg-type]
    ("split_data flag int", lambda: h.split_data(1, b"", end_stream=1), TypeError, BOOL + "int"),  # type: ignore[arg-type]
    ("split_data window str", lambda: h.split_data(1, b"", window="9"), TypeError, "int or None object expected; got str"),  # type: ignore[arg-type]
    ("split_data_vectored threshold None", lambda: h.split_data_vectored(1, b"", coalesce_below=None), TypeError, INT + "None"),  # type: ignore[arg-type]
    ("serialize_vectored threshold str", lambda: h.serialize_vectored([], coalesce_below="1"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("split_header_block str", lambda: h.split_header_block(1, "x"), TypeError, BYTES + "str"),  # type: ignore[arg-type]
    ("layer stream id str", lambda: F.DataFrame("1"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("layer base stream id", lambda: F.Frame("1"), TypeError, INT + "str"),  # type: ignore[arg-type]
    ("layer increment str", lambda: F.WindowUpdateFrame(1, "5"), TypeError, "int or None object expected; got str"),  # type: ignore[arg-type]
    ("layer opaque str", lambda: F.PingFrame(0, "abc"), TypeError, BYTES + "str"),  # type: ignore[arg-type]
    ("layer extension body", lambda: F.ExtensionFrame(0xEE, 1, 0, "x"), TypeError, BYTES + "str"),  # type: ignore[arg-type]
    ("layer altsvc str", lambda: F.AltSvcFrame(0, "o"), h.hyperframe.exceptions.InvalidDataError, "AltSvc origin must be a bytestring."),
]  # fmt: skip


@pytest.mark.parametrize(("name", "call", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_same_error_in_both_modes(
    name: str, call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error
    assert str(info.value) == message
