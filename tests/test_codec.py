"""parse_frame's interface: incomplete input, input types, offsets, extension types."""

from __future__ import annotations

import pytest

import h2wire as h

STREAM = (
    h.SettingsFrame({3: 100}).serialize()
    + h.HeadersFrame(1, b"\x82\x86", end_headers=True).serialize()
    + h.DataFrame(1, b"x" * 100, end_stream=True).serialize()
    + h.PingFrame(ack=True).serialize()
)


def test_walk_a_stream_by_offset() -> None:
    offset, types = 0, []
    while offset < len(STREAM):
        frame, size = h.parse_frame(STREAM, offset)
        types.append(type(frame).__name__)
        offset += size
    assert offset == len(STREAM)
    assert types == ["SettingsFrame", "HeadersFrame", "DataFrame", "PingFrame"]


@pytest.mark.parametrize("convert", [bytes, bytearray, memoryview])
def test_input_types(convert: type) -> None:
    data = convert(STREAM)
    first, size = h.parse_frame(data)
    second, _ = h.parse_frame(data, size)
    assert isinstance(first, h.SettingsFrame)
    assert second == h.HeadersFrame(1, b"\x82\x86", end_headers=True)
    assert type(second.data) is bytes


def test_memoryview_of_wider_items() -> None:
    import array

    raw = h.PingFrame(b"abcdefgh").serialize() + b"\0"  # 18 bytes: 9 two-byte items
    frame, size = h.parse_frame(memoryview(array.array("H", raw)))
    assert (frame, size) == (h.PingFrame(b"abcdefgh"), 17)


@pytest.mark.parametrize("convert", [bytes, bytearray, memoryview])
def test_every_prefix_reports_what_it_needs(convert: type) -> None:
    raw = h.DataFrame(1, b"hello").serialize()
    for cut in range(len(raw)):
        with pytest.raises(h.IncompleteFrameError) as info:
            h.parse_frame(convert(raw[:cut]))
        assert info.value.needed == (9 if cut < 9 else len(raw))
        assert info.value.code is h.ErrorCode.FRAME_SIZE_ERROR
        assert isinstance(info.value, h.FrameError)


def test_incomplete_with_offset_counts_from_offset() -> None:
    raw = b"\xff" * 5 + h.PingFrame().serialize()
    with pytest.raises(h.IncompleteFrameError) as info:
        h.parse_frame(raw[:-1], 5)
    assert info.value.needed == 17


@pytest.mark.parametrize("offset", [-1, len(STREAM) + 1])
def test_offset_outside_input(offset: int) -> None:
    for data in (STREAM, bytearray(STREAM)):
        with pytest.raises(ValueError, match="offset"):
            h.parse_frame(data, offset)


def test_parse_payload() -> None:
    frame = h.parse_payload(0x8, 0, 1, b"\x00\x00\x01\x00")
    assert frame == h.WindowUpdateFrame(1, 256)
    with pytest.raises(h.FrameError):
        h.parse_payload(0x6, 0, 0, b"short")


class Greeting(h.Frame):
    """An extension frame defined outside h2wire (type 0xF0)."""

    def __init__(self, stream_id: int = 0, text: bytes = b"") -> None:
        object.__setattr__(self, "stream_id", stream_id)
        object.__setattr__(self, "text", text)

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> h.Frame:
        return cls(stream_id, buf[start:end])

    @property
    def flags(self) -> int:
        return 0

    @property
    def length(self) -> int:
        return len(getattr(self, "text"))  # noqa: B009 - attribute set in __init__

    def serialize(self) -> bytes:
        text: bytes = getattr(self, "text")  # noqa: B009
        return (
            len(text).to_bytes(3, "big")
            + bytes((0xF0, 0))
            + self.stream_id.to_bytes(4, "big")
            + text
        )


Greeting.TYPE = 0xF0


def test_register_extension_frame_type() -> None:
    raw = Greeting(0, b"hi").serialize()
    assert isinstance(h.parse_frame(raw)[0], h.UnknownFrame)
    assert h.register_frame_type(Greeting) is Greeting
    try:
        assert h.FRAME_TYPES[0xF0] is Greeting
        frame, _ = h.parse_frame(raw)
        assert isinstance(frame, Greeting)
        assert frame.serialize() == raw
        # The same classmethod serves from_payload and the codec's dispatch.
        assert getattr(Greeting.from_payload(0, 0, b"hi"), "text") == b"hi"  # noqa: B009
        assert getattr(h.parse_payload(0xF0, 0, 0, b"hey"), "text") == b"hey"  # noqa: B009
        with pytest.raises(h.FrameError):
            h.UnknownFrame(0xF0)  # registered types are no longer "unknown"
    finally:
        h.unregister_frame_type(0xF0)
    assert 0xF0 not in h.FRAME_TYPES
    assert isinstance(h.parse_frame(raw)[0], h.UnknownFrame)


def test_register_rejects_bad_classes() -> None:
    with pytest.raises(TypeError):
        h.register_frame_type(int)  # type: ignore[arg-type]

    class Clash(Greeting):
        pass

    Clash.TYPE = 0x0
    with pytest.raises(ValueError, match="already registered"):
        h.register_frame_type(Clash)
    with pytest.raises(ValueError, match="built in"):
        h.unregister_frame_type(0x0)
    h.unregister_frame_type(0xF7)  # not registered: nothing to do


def test_builtin_classes_load_from_a_payload_window() -> None:
    # The codec hands each class its payload in place: buf[start:end].
    wire = h.HeadersFrame(3, b"\x82", end_headers=True, padding=bytes(2)).serialize()
    buf = b"junk" + wire + b"more"
    frame = h.HeadersFrame.load(wire[4], 3, buf, 4 + 9, 4 + len(wire))
    assert frame == h.parse_frame(wire)[0]
    assert h.DataFrame.from_payload(1, 5, b"abc") == h.DataFrame(5, b"abc", end_stream=True)
    assert h.SettingsFrame.from_payload(0, 0, bytes.fromhex("000400000001")) == h.SettingsFrame(
        {4: 1}
    )
