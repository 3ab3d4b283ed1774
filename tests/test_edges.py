"""Edges of the API that the other tests do not reach: abstract hooks, payloads
over 2**24-1 for every type, negative stream ids, the Flags set protocol, the
hyperframe layer's mixin helpers and ExtensionFrame checks."""

from __future__ import annotations

import pytest

import h2wire as h
from h2wire.hyperframe import exceptions as hx
from h2wire.hyperframe import frame as hf

BIG = 2**24


class Bare(h.Frame):
    def __init__(self) -> None:
        object.__setattr__(self, "stream_id", 0)


def test_frame_hooks_are_abstract() -> None:
    bare = Bare()
    for use in (
        lambda: bare.flags,
        lambda: bare.length,
        bare.serialize,
        lambda: Bare.from_payload(0, 0, b""),
    ):
        with pytest.raises(NotImplementedError):
            use()


@pytest.mark.parametrize(
    "make",
    [
        lambda: h.HeadersFrame(1, bytes(BIG - 5), priority=h.StreamDependency(0)),
        lambda: h.PushPromiseFrame(1, 2, bytes(BIG - 4)),
        lambda: h.GoAwayFrame(debug_data=bytes(BIG - 8)),
        lambda: h.ContinuationFrame(1, bytes(BIG)),
        lambda: h.AltSvcFrame(0, b"", bytes(BIG - 2)),
        lambda: h.OriginFrame([bytes(65535)] * 257),
        lambda: h.PriorityUpdateFrame(1, bytes(BIG - 4)),
        lambda: h.UnknownFrame(0xEE, 0, bytes(BIG)),
    ],
)
def test_payload_over_the_length_field(make: object) -> None:
    with pytest.raises(h.FrameError) as info:
        make()  # type: ignore[operator]
    assert (info.value.code, info.value.field) == (h.ErrorCode.FRAME_SIZE_ERROR, "length")


@pytest.mark.parametrize(
    "make",
    [
        lambda: h.WindowUpdateFrame(-1, 1),
        lambda: h.AltSvcFrame(-1),
        lambda: h.OriginFrame(stream_id=-1),
        lambda: h.UnknownFrame(0xEE, -1),
    ],
)
def test_negative_stream_ids(make: object) -> None:
    with pytest.raises(h.FrameError) as info:
        make()  # type: ignore[operator]
    assert info.value.field == "stream_id"


def test_settings_value_type_and_registry_type_code() -> None:
    with pytest.raises(TypeError, match="int object expected; got str"):
        h.SettingsFrame([(1, "x")])  # type: ignore[list-item]

    class NoType(Bare):
        pass

    with pytest.raises(ValueError, match="TYPE must be a frame type code"):
        h.register_frame_type(NoType)


def test_decoder_reports_its_max_frame_size() -> None:
    assert h.FrameDecoder(20000).max_frame_size == 20000


def test_flags_set_protocol() -> None:
    flags = hf.Flags([hf.Flag("A", 1), hf.Flag("B", 2)])
    other = hf.Flags([hf.Flag("A", 1), hf.Flag("B", 2)])
    assert not flags and flags == other and flags != {"A"} and flags.__eq__(3) is NotImplemented
    flags.add("A")
    assert flags and flags == frozenset({"A"}) and flags != other
    with pytest.raises(ValueError, match="Valid flags are"):
        flags.add("C")
    assert flags.isdisjoint({"B"}) and not flags.isdisjoint(["A"])
    flags.remove("A")
    with pytest.raises(KeyError):
        flags.remove("A")
    flags.add("B")
    assert flags.pop() == "B"
    flags.add("A")
    flags.clear()
    assert len(flags) == 0
    with pytest.raises(TypeError, match="unhashable"):
        hash(flags)


def test_layer_explain(capsys: pytest.CaptureFixture[str]) -> None:
    wire = h.PingFrame(b"12345678").serialize()
    frame, length = hf.Frame.explain(memoryview(wire))
    assert isinstance(frame, hf.PingFrame) and length == 8
    assert "opaque_data=b'12345678'" in capsys.readouterr().out


def test_layer_header_must_be_nine_octets() -> None:
    with pytest.raises(hx.InvalidFrameError, match="9 needed"):
        hf.Frame.parse_frame_header(b"\x00" * 8)


def test_layer_base_frame() -> None:
    base = hf.Frame(0)
    with pytest.raises(NotImplementedError):
        base.parse_body(memoryview(b""))
    with pytest.raises(NotImplementedError):
        base._load(h.PingFrame())
    with pytest.raises(NotImplementedError):
        base.serialize()


def test_layer_retyped_frame_serializes_with_its_type() -> None:
    frame = hf.DataFrame(1, b"abc")
    frame.type = 88
    assert frame.serialize()[3] == 88


def test_layer_padding_and_priority_helpers() -> None:
    frame = hf.HeadersFrame(1, b"x", pad_length=3, depends_on=5, stream_weight=9, exclusive=True)
    assert frame.serialize_padding_data() == b""
    assert frame.parse_padding_data(memoryview(b"\x07")) == 0
    frame.flags.add("PADDED")
    assert frame.serialize_padding_data() == b"\x03"
    assert frame.parse_padding_data(memoryview(b"\x07rest")) == 1 and frame.pad_length == 7
    with pytest.raises(hx.InvalidFrameError):
        frame.parse_padding_data(memoryview(b""))
    assert frame.serialize_priority_data() == bytes.fromhex("8000000509")
    assert frame.parse_priority_data(memoryview(bytes.fromhex("0000000314"))) == 5
    assert (frame.depends_on, frame.stream_weight, frame.exclusive) == (3, 20, False)
    with pytest.raises(hx.InvalidFrameError):
        frame.parse_priority_data(memoryview(b"\x00\x00"))
    frame.stream_weight = 300
    with pytest.raises(hx.InvalidDataError):
        frame.serialize_priority_data()


def test_layer_ping_too_long_after_construction() -> None:
    frame = hf.PingFrame(0)
    frame.opaque_data = b"123456789"
    with pytest.raises(hx.InvalidFrameError, match="more than 8 bytes"):
        frame.serialize()


def test_layer_altsvc_field_must_be_bytes() -> None:
    with pytest.raises(hx.InvalidDataError, match="field must be a bytestring"):
        hf.AltSvcFrame(0, b"", "x")


def test_layer_extension_frame() -> None:
    frame = hf.ExtensionFrame(0xEE, 1)
    assert frame.parse_flags(0xA5) is frame.flags and frame.flag_byte == 0xA5
    frame.body = b"abc"
    assert frame.serialize_body() == b"abc" and frame.body_len == 3
    for attribute, value in (("type", 256), ("flag_byte", 256), ("stream_id", -1)):
        bad = hf.ExtensionFrame(0xEE, 1)
        setattr(bad, attribute, value)
        with pytest.raises(hx.InvalidDataError):
            bad.serialize()
    huge = hf.ExtensionFrame(0xEE, 1, body=bytes(BIG))
    with pytest.raises(hx.InvalidFrameError):
        huge.serialize()
