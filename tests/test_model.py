"""The frame model: value semantics, immutability and validation at construction."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Callable

import pytest
from frame_strategies import frames
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h
from h2wire import ErrorCode as E
from h2wire import Scope as S
from h2wire.mode import COMPILED


@given(frames)
def test_value_semantics(frame: h.Frame) -> None:
    twin = h.parse_frame(frame.serialize(), max_frame_size=2**24 - 1)[0]
    assert twin == frame
    assert hash(twin) == hash(frame)
    assert pickle.loads(pickle.dumps(frame)) == frame
    assert copy.copy(frame) == frame
    assert copy.deepcopy(frame) == frame
    assert dataclasses.replace(frame) == frame
    assert frame != object()


@given(frames)
def test_frozen(frame: h.Frame) -> None:
    for field in dataclasses.fields(frame):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(frame, field.name, getattr(frame, field.name))


def test_replace_validates() -> None:
    frame = h.DataFrame(1, b"x")
    assert dataclasses.replace(frame, end_stream=True).flags == 0x1
    with pytest.raises(h.FrameError) as info:
        dataclasses.replace(frame, stream_id=0)
    assert info.value.code is E.PROTOCOL_ERROR


def test_match() -> None:
    match h.parse_frame(bytes.fromhex("000004080000000001") + b"\x00\x00\x10\x00")[0]:
        case h.WindowUpdateFrame(stream_id=1, window_increment=n):
            assert n == 4096
        case _:
            pytest.fail("WINDOW_UPDATE did not match")
    match h.DataFrame(3, b"ab", end_stream=True):
        case h.DataFrame(sid, data, True):
            assert (sid, data) == (3, b"ab")
        case _:
            pytest.fail("positional match failed")


def test_repr_is_short_and_names_fields() -> None:
    text = repr(h.DataFrame(1, bytes(16384), end_stream=True))
    assert len(text) < 120
    assert "16384 bytes" in text and "end_stream=True" in text
    assert repr(h.PingFrame(ack=True)).startswith("PingFrame(stream_id=0, opaque_data=")
    assert "undefined_flags" not in repr(h.PingFrame())
    assert "undefined_flags=16" in repr(h.PingFrame(undefined_flags=16))
    many = h.SettingsFrame([(1, i) for i in range(1000)])
    assert len(repr(many)) < 300


def test_type_codes_and_registry() -> None:
    expected: dict[int, type[h.Frame]] = {
        0x0: h.DataFrame, 0x1: h.HeadersFrame, 0x2: h.PriorityFrame, 0x3: h.RstStreamFrame,
        0x4: h.SettingsFrame, 0x5: h.PushPromiseFrame, 0x6: h.PingFrame, 0x7: h.GoAwayFrame,
        0x8: h.WindowUpdateFrame, 0x9: h.ContinuationFrame, 0xA: h.AltSvcFrame,
        0xC: h.OriginFrame, 0x10: h.PriorityUpdateFrame,
    }  # fmt: skip
    assert dict(h.FRAME_TYPES) == expected
    for code, cls in expected.items():
        assert code == cls.TYPE
        assert h.FrameType(code).name.replace("_", "") == cls.__name__[:-5].upper()
    assert h.UnknownFrame(0xEE).type == 0xEE
    assert h.DataFrame(1).type == 0
    with pytest.raises(TypeError):
        h.FRAME_TYPES[0x20] = h.UnknownFrame  # type: ignore[index]


def test_enums_and_plain_int_fields() -> None:
    assert h.ErrorCode.HTTP_1_1_REQUIRED.value == 0xD
    assert h.SettingCode.ENABLE_CONNECT_PROTOCOL.value == 0x8
    assert h.SettingCode.NO_RFC7540_PRIORITIES.value == 0x9
    # Fields hold plain ints in both modes; registered values equal their members.
    rst = h.RstStreamFrame(1, h.ErrorCode.CANCEL)
    assert rst.error_code == h.ErrorCode.CANCEL
    assert type(rst.error_code) is int
    assert type(h.GoAwayFrame(0, h.ErrorCode.NO_ERROR).error_code) is int
    assert h.RstStreamFrame(1, 0x99).error_code == 0x99
    entry = h.SettingsFrame({h.SettingCode.INITIAL_WINDOW_SIZE: 1}).settings[0]
    assert entry == (4, 1)
    assert type(entry[0]) is int
    assert repr(rst) == "RstStreamFrame(stream_id=1, error_code=8)"


def test_code_names() -> None:
    from h2wire.codes import error_code_name, frame_type_name, setting_name

    assert error_code_name(8) == "CANCEL"
    assert error_code_name(0x99) == "0x99"
    assert setting_name(5) == "MAX_FRAME_SIZE"
    assert setting_name(0xABCD) == "0xabcd"
    assert frame_type_name(0x10) == "PRIORITY_UPDATE"
    assert frame_type_name(0xEE) == "0xee"


def test_settings_helpers() -> None:
    frame = h.SettingsFrame([(1, 10), (3, 5), (1, 20)])
    assert frame.as_dict() == {1: 20, 3: 5}
    assert h.SettingsFrame({1: 10, 3: 5}).settings == ((1, 10), (3, 5))


def test_flow_controlled_length_counts_padding() -> None:
    assert h.DataFrame(1, b"abc", padding=bytes(4)).flow_controlled_length == 8
    assert h.DataFrame(1, b"abc").flow_controlled_length == 3


def test_applicable() -> None:
    assert h.AltSvcFrame(0, b"https://a", b"x").applicable
    assert not h.AltSvcFrame(0, b"", b"x").applicable
    assert h.AltSvcFrame(1, b"", b"x").applicable
    assert not h.AltSvcFrame(1, b"https://a", b"x").applicable
    assert h.OriginFrame([b"https://a"]).applicable
    assert not h.OriginFrame(stream_id=1).applicable


def test_frame_base_is_abstract() -> None:
    with pytest.raises(TypeError):
        h.Frame(1)


Ctor = Callable[[], object]
BAD: list[tuple[str, Ctor, E, S, str]] = [
    ("data stream 0", lambda: h.DataFrame(0), E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
    ("stream id 2**31", lambda: h.DataFrame(2**31), E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
    ("negative stream", lambda: h.ContinuationFrame(-1), E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
    ("pad 256", lambda: h.DataFrame(1, padding=bytes(256)), E.PROTOCOL_ERROR, S.CONNECTION, "padding"),
    ("data too big", lambda: h.DataFrame(1, bytes(2**24)), E.FRAME_SIZE_ERROR, S.CONNECTION, "length"),
    ("padded too big", lambda: h.DataFrame(1, bytes(2**24 - 1), padding=b""), E.FRAME_SIZE_ERROR, S.CONNECTION, "length"),
    ("defined bit as undefined", lambda: h.DataFrame(1, undefined_flags=1), E.PROTOCOL_ERROR, S.CONNECTION, "undefined_flags"),
    ("flags > octet", lambda: h.PingFrame(undefined_flags=256), E.PROTOCOL_ERROR, S.CONNECTION, "undefined_flags"),
    ("weight 256", lambda: h.PriorityFrame(1, 0, 256), E.PROTOCOL_ERROR, S.CONNECTION, "weight"),
    ("weight -1", lambda: h.StreamDependency(0, -1), E.PROTOCOL_ERROR, S.CONNECTION, "weight"),
    ("dependency 2**31", lambda: h.StreamDependency(2**31), E.PROTOCOL_ERROR, S.CONNECTION, "depends_on"),
    ("self dependency", lambda: h.PriorityFrame(5, 5), E.PROTOCOL_ERROR, S.STREAM, "depends_on"),
    ("headers self dep", lambda: h.HeadersFrame(5, priority=h.StreamDependency(5)), E.PROTOCOL_ERROR, S.STREAM, "priority.depends_on"),
    ("rst code 2**32", lambda: h.RstStreamFrame(1, 2**32), E.PROTOCOL_ERROR, S.CONNECTION, "error_code"),
    ("settings on stream", lambda: h.SettingsFrame(stream_id=1), E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
    ("settings ack+entries", lambda: h.SettingsFrame({1: 1}, ack=True), E.FRAME_SIZE_ERROR, S.CONNECTION, "settings"),
    ("setting id 17 bits", lambda: h.SettingsFrame({0x10000: 1}), E.PROTOCOL_ERROR, S.CONNECTION, "settings"),
    ("setting value 2**32", lambda: h.SettingsFrame({1: 2**32}), E.PROTOCOL_ERROR, S.CONNECTION, "settings[HEADER_TABLE_SIZE]"),
    ("window setting", lambda: h.SettingsFrame({4: 2**31}), E.FLOW_CONTROL_ERROR, S.CONNECTION, "settings[INITIAL_WINDOW_SIZE]"),
    ("promised odd", lambda: h.PushPromiseFrame(1, 3), E.PROTOCOL_ERROR, S.CONNECTION, "promised_stream_id"),
    ("ping 9 octets", lambda: h.PingFrame(bytes(9)), E.FRAME_SIZE_ERROR, S.CONNECTION, "opaque_data"),
    ("ping 7 octets", lambda: h.PingFrame(bytes(7)), E.FRAME_SIZE_ERROR, S.CONNECTION, "opaque_data"),
    ("ping on stream", lambda: h.PingFrame(stream_id=1), E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
    ("goaway last 2**31", lambda: h.GoAwayFrame(2**31), E.PROTOCOL_ERROR, S.CONNECTION, "last_stream_id"),
    ("goaway on stream", lambda: h.GoAwayFrame(stream_id=3), E.PROTOCOL_ERROR, S.CONNECTION, "stream_id"),
    ("increment 0 stream", lambda: h.WindowUpdateFrame(1, 0), E.PROTOCOL_ERROR, S.STREAM, "window_increment"),
    ("increment 0 conn", lambda: h.WindowUpdateFrame(0, 0), E.PROTOCOL_ERROR, S.CONNECTION, "window_increment"),
    ("increment 2**31", lambda: h.WindowUpdateFrame(0, 2**31), E.PROTOCOL_ERROR, S.CONNECTION, "window_increment"),
    ("altsvc origin 64K", lambda: h.AltSvcFrame(0, bytes(65536)), E.FRAME_SIZE_ERROR, S.CONNECTION, "origin"),
    ("origin 64K", lambda: h.OriginFrame([bytes(65536)]), E.FRAME_SIZE_ERROR, S.CONNECTION, "origins"),
    ("prioritized 0", lambda: h.PriorityUpdateFrame(0), E.PROTOCOL_ERROR, S.CONNECTION, "prioritized_stream_id"),
    ("unknown known type", lambda: h.UnknownFrame(0x0), E.PROTOCOL_ERROR, S.CONNECTION, "frame_type"),
    ("unknown type 256", lambda: h.UnknownFrame(256), E.PROTOCOL_ERROR, S.CONNECTION, "frame_type"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "code", "scope", "field"), BAD, ids=[b[0] for b in BAD])
def test_constructor_rejects(name: str, make: Ctor, code: E, scope: S, field: str) -> None:
    with pytest.raises(h.FrameError) as info:
        make()
    assert (info.value.code, info.value.scope, info.value.field) == (code, scope, field)
    assert field in str(info.value)


def test_constructor_accepts_edges() -> None:
    assert h.DataFrame(2**31 - 1, padding=bytes(255)).length == 256
    assert h.PriorityFrame(1, 2**31 - 1, 255).weight == 255
    assert h.WindowUpdateFrame(0, 2**31 - 1).window_increment == 2**31 - 1
    assert h.SettingsFrame({5: 2**24 - 1, 4: 2**31 - 1, 0xFFFF: 2**32 - 1}).length == 18
    assert h.DataFrame(1, bytes(2**24 - 1)).length == 2**24 - 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: h.DataFrame(1, "text"),  # type: ignore[arg-type]
        lambda: h.HeadersFrame(1, b"", priority=(1, 2, 3)),  # type: ignore[arg-type]
        lambda: h.PingFrame(bytearray(8)),  # type: ignore[arg-type]
        lambda: h.OriginFrame([b"ok", "no"]),  # type: ignore[list-item]
    ],
)
def test_wrong_types_raise_type_error(make: Ctor) -> None:
    with pytest.raises(TypeError):
        make()


def test_errors_pickle() -> None:
    err = h.FrameError(E.CANCEL, "msg", scope=S.STREAM, stream_id=3, field="x")
    back = pickle.loads(pickle.dumps(err))
    assert (back.code, back.scope, back.stream_id, back.field, str(back)) == (
        E.CANCEL, S.STREAM, 3, "x", "msg",
    )  # fmt: skip
    assert not back.is_connection_error
    inc = pickle.loads(pickle.dumps(h.IncompleteFrameError(20, 5)))
    assert inc.needed == 20


def test_every_frame_class_is_its_own_frozen_dataclass() -> None:
    for cls in [*h.FRAME_TYPES.values(), h.UnknownFrame]:
        assert "__dataclass_fields__" in cls.__dict__, cls.__name__
        params = cls.__dict__["__dataclass_params__"]
        assert params.frozen and not params.init, cls.__name__
        assert [f.name for f in dataclasses.fields(cls)][-1] == "undefined_flags"


def test_stream_dependency_pickles() -> None:
    dependency = h.StreamDependency(3, 200, True)
    assert pickle.loads(pickle.dumps(dependency)) == dependency
    assert copy.deepcopy(dependency) == dependency


@given(frames)
def test_constructor_stores_exactly_the_fields(frame: h.Frame) -> None:
    # The constructors store fields in two forms (native stores compiled, the
    # instance dict interpreted); each must hold every field and nothing else.
    names = [f.name for f in dataclasses.fields(frame)]
    rebuilt = type(frame)(**{name: getattr(frame, name) for name in names})
    assert [getattr(rebuilt, n) for n in names] == [getattr(frame, n) for n in names]
    if COMPILED:
        assert not hasattr(frame, "__dict__")
    else:
        assert sorted(vars(frame)) == sorted(names)


def test_settings_accepts_any_mapping_or_iterable_of_pairs() -> None:
    from types import MappingProxyType

    expected = h.SettingsFrame([(1, 4096), (4, 65535)])
    assert h.SettingsFrame({1: 4096, 4: 65535}) == expected
    assert h.SettingsFrame(MappingProxyType({1: 4096, 4: 65535})) == expected
    assert h.SettingsFrame(((1, 4096), (4, 65535))) == expected
    assert h.SettingsFrame(iter([(1, 4096), (4, 65535)])) == expected


# Identifiers and values around every SETTINGS rule, plus a bool of each.
_SETTING_IDS = [*range(-1, 11), 0xFFFF, 0x10000, True]
_SETTING_VALUES = [-1, 0, 1, 2, 0x3FFF, 0x4000, 0xFFFFFF, 0x1000000, 0x7FFFFFFF, 0x80000000]
_SETTING_VALUES += [0xFFFFFFFF, 0x100000000, False]


def _settings_outcome(build: Callable[[], tuple[tuple[int, int], ...]]) -> object:
    try:
        entries = build()
    except h.FrameError as error:
        return (error.code, error.scope, str(error))
    assert all(type(i) is int and type(v) is int for i, v in entries)
    return entries


@pytest.mark.parametrize("value", _SETTING_VALUES)
@pytest.mark.parametrize("identifier", _SETTING_IDS)
def test_settings_fast_path_agrees_with_the_checks(identifier: int, value: int) -> None:
    # The interpreted build accepts common SETTINGS input with a loop of its own
    # (the limits as data); each entry must get what the general checks give.
    from h2wire.frames.settings import settings_entries

    pair = [(identifier, value)]
    expected = _settings_outcome(lambda: settings_entries(pair, 0))
    assert _settings_outcome(lambda: h.SettingsFrame(pair).settings) == expected
    assert _settings_outcome(lambda: h.SettingsFrame(dict(pair)).settings) == expected


@given(st.lists(st.tuples(st.sampled_from(_SETTING_IDS), st.sampled_from(_SETTING_VALUES))))
def test_settings_fast_path_agrees_on_lists(pairs: list[tuple[int, int]]) -> None:
    from h2wire.frames.settings import settings_entries

    expected = _settings_outcome(lambda: settings_entries(pairs, 0))
    assert _settings_outcome(lambda: h.SettingsFrame(pairs).settings) == expected
    assert _settings_outcome(lambda: h.SettingsFrame(tuple(pairs)).settings) == expected
