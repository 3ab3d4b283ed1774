"""h2wire.hyperframe against the native API and against the real hyperframe 6.1.0.

- For random valid frames, the layer and the native API write the same bytes
  and read the same bytes into the same fields.
- repr() prints what hyperframe prints.
- Each item of "Differences from hyperframe 6.1.0" (docs/hyperframe.md) is asserted here.
"""

from __future__ import annotations

from collections.abc import Callable

import hyperframe.exceptions as real_exceptions
import hyperframe.frame as real
import pytest
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h
from h2wire.hyperframe import exceptions as hx
from h2wire.hyperframe import frame as hf

MAX_ID = 2**31 - 1
ids = st.integers(1, MAX_ID)
data = st.binary(max_size=40)
pads = st.one_of(st.none(), st.integers(0, 255))


def flags_of(frame: hf.Frame) -> set[str]:
    return set(frame.flags)


@st.composite
def frame_pairs(draw: st.DrawFn) -> tuple[h.Frame, hf.Frame]:
    """A native frame and the layer's frame with the same content (within what
    hyperframe can express: zero padding, no undefined flags, unique settings)."""
    kind = draw(st.integers(0, 10))
    sid = draw(ids)
    if kind == 0:
        pad = draw(pads)
        end = draw(st.booleans())
        payload = draw(data)
        n = h.DataFrame(sid, payload, end_stream=end, padding=None if pad is None else bytes(pad))
        c = hf.DataFrame(sid, payload, pad_length=pad or 0,
                         flags=["END_STREAM"] * end + ["PADDED"] * (pad is not None))  # fmt: skip
        return n, c
    if kind == 1:
        pad = draw(pads)
        prio = draw(
            st.one_of(
                st.none(),
                st.tuples(ids.filter(lambda d: d != sid), st.integers(0, 255), st.booleans()),
            )
        )
        end, end_headers = draw(st.booleans()), draw(st.booleans())
        payload = draw(data)
        n1 = h.HeadersFrame(
            sid, payload, end_stream=end, end_headers=end_headers,
            priority=None if prio is None else h.StreamDependency(*prio),
            padding=None if pad is None else bytes(pad),
        )  # fmt: skip
        names = ["END_STREAM"] * end + ["END_HEADERS"] * end_headers
        names += ["PADDED"] * (pad is not None) + ["PRIORITY"] * (prio is not None)
        dep, weight, excl = prio or (0, 0, False)
        c1 = hf.HeadersFrame(sid, payload, pad_length=pad or 0, depends_on=dep,
                             stream_weight=weight, exclusive=excl, flags=names)  # fmt: skip
        return n1, c1
    if kind == 2:
        dep, weight, excl = (
            draw(ids.filter(lambda d: d != sid)),
            draw(st.integers(0, 255)),
            draw(st.booleans()),
        )
        return h.PriorityFrame(sid, dep, weight, excl), hf.PriorityFrame(sid, dep, weight, excl)
    if kind == 3:
        code = draw(st.integers(0, 2**32 - 1))
        return h.RstStreamFrame(sid, code), hf.RstStreamFrame(sid, code)
    if kind == 4:
        if draw(st.booleans()):
            return h.SettingsFrame(ack=True), hf.SettingsFrame(flags=["ACK"])
        values = draw(
            st.dictionaries(
                st.sampled_from([1, 3, 6, 0x99, 0xABCD]), st.integers(0, 2**32 - 1), max_size=5
            )
        )
        return h.SettingsFrame(values), hf.SettingsFrame(0, dict(values))
    if kind == 5:
        pad = draw(pads)
        promised = draw(st.integers(1, MAX_ID // 2)) * 2
        end_headers = draw(st.booleans())
        payload = draw(data)
        n5 = h.PushPromiseFrame(sid, promised, payload, end_headers=end_headers,
                                padding=None if pad is None else bytes(pad))  # fmt: skip
        c5 = hf.PushPromiseFrame(sid, promised, payload, pad_length=pad or 0,
                                 flags=["END_HEADERS"] * end_headers + ["PADDED"] * (pad is not None))  # fmt: skip
        return n5, c5
    if kind == 6:
        opaque, ack = draw(st.binary(min_size=8, max_size=8)), draw(st.booleans())
        return h.PingFrame(opaque, ack=ack), hf.PingFrame(0, opaque, flags=["ACK"] * ack)
    if kind == 7:
        last, code, debug = (
            draw(st.integers(0, MAX_ID)),
            draw(st.integers(0, 2**32 - 1)),
            draw(data),
        )
        return h.GoAwayFrame(last, code, debug), hf.GoAwayFrame(0, last, code, debug)
    if kind == 8:
        wsid, inc = draw(st.integers(0, MAX_ID)), draw(st.integers(1, MAX_ID))
        return h.WindowUpdateFrame(wsid, inc), hf.WindowUpdateFrame(wsid, inc)
    if kind == 9:
        payload, end_headers = draw(data), draw(st.booleans())
        return (
            h.ContinuationFrame(sid, payload, end_headers=end_headers),
            hf.ContinuationFrame(sid, payload, flags=["END_HEADERS"] * end_headers),
        )
    asid, origin, field = draw(st.integers(0, MAX_ID)), draw(data), draw(data)
    return h.AltSvcFrame(asid, origin, field), hf.AltSvcFrame(asid, origin, field)


def parse_layer(raw: bytes) -> hf.Frame:
    frame, length = hf.Frame.parse_frame_header(memoryview(raw[:9]))
    frame.parse_body(memoryview(raw[9 : 9 + length]))
    assert frame.body_len == length
    return frame


COMMON = ("stream_id", "data", "pad_length", "depends_on", "stream_weight", "exclusive",
          "error_code", "settings", "promised_stream_id", "opaque_data", "last_stream_id",
          "additional_data", "window_increment", "origin", "field")  # fmt: skip


@given(frame_pairs())
def test_layer_and_native_write_the_same_bytes(pair: tuple[h.Frame, hf.Frame]) -> None:
    native, layer = pair
    raw = native.serialize()
    assert layer.serialize() == raw
    assert layer.body_len == native.length
    assert layer.serialize_body() == raw[9:]


@given(frame_pairs())
def test_layer_and_native_read_the_same_fields(pair: tuple[h.Frame, hf.Frame]) -> None:
    native, layer = pair
    parsed = parse_layer(native.serialize())
    assert type(parsed) is type(layer)
    assert flags_of(parsed) == flags_of(layer)
    for name in COMMON:
        assert getattr(parsed, name, None) == getattr(layer, name, None), name
    assert parsed.serialize() == native.serialize()


@given(frame_pairs())
def test_repr_matches_hyperframe(pair: tuple[h.Frame, hf.Frame]) -> None:
    native, _ = pair
    raw = native.serialize()
    ours = parse_layer(raw)
    theirs, length = real.Frame.parse_frame_header(memoryview(raw[:9]))
    try:
        theirs.parse_body(memoryview(raw[9 : 9 + length]))
    except real_exceptions.InvalidPaddingError:
        # Difference 2: HEADERS padding that exactly fills the payload is valid.
        assert isinstance(ours, hf.HeadersFrame) and ours.data == b"" and ours.pad_length
        return
    assert repr(ours) == repr(theirs)


def test_exact_classes_for_h2_dispatch() -> None:
    for code, cls in hf.FRAMES.items():
        raw = bytes(3) + bytes((code, 0)) + (0 if code in (4, 6, 7) else 1).to_bytes(4, "big")
        frame, _ = hf.Frame.parse_frame_header(raw)
        assert frame.__class__ is cls
    extension, length = hf.Frame.parse_frame_header(bytes.fromhex("000003ee0500000001"))
    assert extension.__class__ is hf.ExtensionFrame and length == 3
    with pytest.raises(hx.UnknownFrameError, match="0xEE"):
        hf.Frame.parse_frame_header(bytes.fromhex("000003ee0500000001"), strict=True)


def test_mutation_like_h2() -> None:
    frame = hf.DataFrame(1)
    frame.data = memoryview(b"abc")
    frame.flags.add("END_STREAM")
    frame.flags = {"END_STREAM", "PADDED"}
    frame.pad_length = 2
    assert frame.serialize() == bytes.fromhex("000006000900000001 02 616263 0000")
    assert frame.body_len == 6 and frame.flow_controlled_length == 6
    with pytest.raises(ValueError, match="Unexpected flag"):
        hf.DataFrame(1).flags.add("ACK")


def test_flags_behave_as_a_set() -> None:
    from collections.abc import MutableSet

    flags = hf.Flags([hf.Flag("A", 1), hf.Flag("B", 2)])
    assert isinstance(flags, MutableSet) and not flags
    flags.add("B")
    flags.add("A")
    assert flags == {"A", "B"} and repr(flags) == "['A', 'B']"
    flags.discard("A")
    assert list(flags) == ["B"] and len(flags) == 1 and "B" in flags
    with pytest.raises(TypeError):
        hash(flags)


# ---------------------------------------------------------------------------
# docs/hyperframe.md, "Differences from hyperframe 6.1.0": each asserted against the real one.
# ---------------------------------------------------------------------------


def both(raw: bytes) -> tuple[object, object]:
    """(ours, theirs): a parsed frame, or the exception class raised."""
    results: list[object] = []
    for module in (hf, real):
        try:
            frame, length = module.Frame.parse_frame_header(memoryview(raw[:9]))
            frame.parse_body(memoryview(raw[9 : 9 + length]))
            results.append(frame)
        except Exception as err:
            results.append(type(err).__name__)
    return results[0], results[1]


def test_difference_reserved_bits() -> None:
    ours, theirs = both(bytes.fromhex("000004080000000001 80000001"))  # increment 1, R set
    assert isinstance(ours, hf.WindowUpdateFrame) and ours.window_increment == 1
    assert theirs == "InvalidDataError"
    ours, theirs = both(bytes.fromhex("000008070000000000 80000005 00000000"))
    assert isinstance(ours, hf.GoAwayFrame) and ours.last_stream_id == 5
    assert isinstance(theirs, real.GoAwayFrame) and theirs.last_stream_id == 0x80000005
    ours, theirs = both(bytes.fromhex("000004050000000001 80000002"))
    assert isinstance(ours, hf.PushPromiseFrame) and ours.promised_stream_id == 2
    assert isinstance(theirs, real.PushPromiseFrame)
    assert theirs.promised_stream_id == 0x80000002  # hyperframe keeps the R bit


def test_difference_padding_arithmetic() -> None:
    # HEADERS whose padding exactly fills the payload: valid (RFC 9113 §6.2).
    ours, theirs = both(bytes.fromhex("000003010800000001 02 0000"))
    assert isinstance(ours, hf.HeadersFrame) and ours.data == b"" and ours.pad_length == 2
    assert theirs == "InvalidPaddingError"
    # Padding overlapping the priority fields / the promised id: rejected.
    ours, theirs = both(bytes.fromhex("000006012800000001 01 00000000 0f"))
    assert ours == "InvalidPaddingError" and isinstance(theirs, real.HeadersFrame)
    ours, theirs = both(bytes.fromhex("000005050800000001 01 00000002"))
    assert ours == "InvalidPaddingError" and isinstance(theirs, real.PushPromiseFrame)


def test_difference_16_bit_setting_ids() -> None:
    ours = hf.SettingsFrame(0, {0xABCD: 1}).serialize()
    theirs = real.SettingsFrame(0, {0xABCD: 1}).serialize()
    assert ours[9:11] == b"\xab\xcd" and theirs[9:11] == b"\x00\xcd"


def test_difference_settings_ack_error_class() -> None:
    ours, theirs = both(bytes.fromhex("000006040100000000 000100001000"))
    assert (ours, theirs) == ("InvalidFrameError", "InvalidDataError")


def test_difference_settings_values_checked() -> None:
    raw = bytes.fromhex("000006040000000000 0002 00000005")  # ENABLE_PUSH = 5
    ours, theirs = both(raw)
    assert ours == "InvalidDataError" and isinstance(theirs, real.SettingsFrame)


def test_difference_self_dependency() -> None:
    ours, theirs = both(bytes.fromhex("000005020000000003 00000003 0f"))
    assert ours == "InvalidDataError" and isinstance(theirs, real.PriorityFrame)


def test_difference_extension_frame_length() -> None:
    ours = hf.ExtensionFrame(0xEE, 1, 0x5, b"abc").serialize()
    theirs = real.ExtensionFrame(0xEE, 1, 0x5, b"abc").serialize()
    assert ours[:3] == b"\x00\x00\x03" and theirs[:3] == b"\x00\x00\x00"
    assert both(ours)[0].__class__ is hf.ExtensionFrame


def test_difference_oversized_body_refused() -> None:
    big = bytes(2**24)
    with pytest.raises(hx.InvalidFrameError, match="exceeds"):
        hf.DataFrame(1, big).serialize()
    assert real.DataFrame(1, big).serialize()[:3] == b"\x00\x00\x00"  # wrapped


def test_difference_repr_never_raises() -> None:
    frame = hf.PingFrame(0)
    frame.opaque_data = b"123456789"  # too long: not serializable
    assert repr(frame).endswith("opaque_data=b'123456789'")
    assert repr(hf.Frame(0)) == "Frame(stream_id=0, flags=[]): <NotImplementedError>"
    with pytest.raises(NotImplementedError):
        repr(real.Frame(0))


def ack_with_settings() -> hf.Frame:
    frame = hf.SettingsFrame(flags=["ACK"])
    frame.settings = {1: 1}
    return frame


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: hf.WindowUpdateFrame(1), hx.InvalidDataError),  # increment left at 0
        (lambda: hf.PushPromiseFrame(1, 3), hx.InvalidDataError),
        (lambda: hf.PriorityFrame(1, 1), hx.InvalidDataError),
        (lambda: hf.SettingsFrame(0, {4: 2**31}), hx.InvalidDataError),
        (ack_with_settings, hx.InvalidFrameError),
    ],
)
def test_difference_invalid_frames_are_not_serialized(
    make: Callable[[], hf.Frame], error: type[Exception]
) -> None:
    frame = make()
    with pytest.raises(error):
        frame.serialize()
    with pytest.raises(error):
        frame.serialize_body()


def test_difference_construction_checks_from_the_specification() -> None:
    with pytest.raises(hx.InvalidFrameError):
        hf.PingFrame(0, b"123456789")
    with pytest.raises(hx.InvalidDataError):
        hf.WindowUpdateFrame(1, 0)
    assert real.PingFrame(0, b"123456789") is not None  # hyperframe only fails on serialize
    assert real.WindowUpdateFrame(1, 0).window_increment == 0


def test_errors_keep_the_native_cause() -> None:
    with pytest.raises(hx.InvalidFrameError) as info:
        parse_layer(bytes.fromhex("000007060000000000 00000000000000"))
    cause = info.value.__cause__
    assert isinstance(cause, h.FrameError) and cause.code is h.ErrorCode.FRAME_SIZE_ERROR
    assert issubclass(hx.InvalidDataError, hx.HyperframeError)
