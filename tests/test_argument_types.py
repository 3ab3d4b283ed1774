"""Every typed argument of every constructor, given a wrong type, raises TypeError with
mypyc's message, in both builds (the checks run in signature order)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import h2wire as h
from h2wire.hyperframe import frame as hf

WRONG = {  # kind -> (wrong value, its type name in the message)
    "int": ("x", "int object expected; got str"),
    "bool": (1, "bool object expected; got int"),
    "bytes": ("x", "bytes object expected; got str"),
    "bytes?": ("x", "bytes or None object expected; got str"),
    "dep?": (5, "h2wire.frames.headers.StreamDependency or None object expected; got int"),
    "int?": ("x", "int or None object expected; got str"),
}
S: dict[str, object] = {"stream_id": 1}
SPEC: list[tuple[Callable[..., object], dict[str, object], list[tuple[str, str]]]] = [
    (h.StreamDependency, {}, [("depends_on", "int"), ("weight", "int"), ("exclusive", "bool")]),
    (h.DataFrame, S, [("stream_id", "int"), ("data", "bytes"), ("end_stream", "bool"), ("padding", "bytes?"), ("undefined_flags", "int")]),
    (h.HeadersFrame, S, [("stream_id", "int"), ("data", "bytes"), ("end_stream", "bool"), ("end_headers", "bool"), ("priority", "dep?"), ("padding", "bytes?"), ("undefined_flags", "int")]),
    (h.PriorityFrame, S, [("stream_id", "int"), ("depends_on", "int"), ("weight", "int"), ("exclusive", "bool"), ("undefined_flags", "int")]),
    (h.RstStreamFrame, S, [("stream_id", "int"), ("error_code", "int"), ("undefined_flags", "int")]),
    (h.SettingsFrame, {}, [("ack", "bool"), ("stream_id", "int"), ("undefined_flags", "int")]),
    (h.PushPromiseFrame, {"stream_id": 1, "promised_stream_id": 2}, [("stream_id", "int"), ("promised_stream_id", "int"), ("data", "bytes"), ("end_headers", "bool"), ("padding", "bytes?"), ("undefined_flags", "int")]),
    (h.PingFrame, {}, [("opaque_data", "bytes"), ("ack", "bool"), ("stream_id", "int"), ("undefined_flags", "int")]),
    (h.GoAwayFrame, {}, [("last_stream_id", "int"), ("error_code", "int"), ("debug_data", "bytes"), ("stream_id", "int"), ("undefined_flags", "int")]),
    (h.WindowUpdateFrame, {"stream_id": 1, "window_increment": 1}, [("stream_id", "int"), ("window_increment", "int"), ("undefined_flags", "int")]),
    (h.ContinuationFrame, S, [("stream_id", "int"), ("data", "bytes"), ("end_headers", "bool"), ("undefined_flags", "int")]),
    (h.AltSvcFrame, {}, [("stream_id", "int"), ("origin", "bytes"), ("field_value", "bytes"), ("undefined_flags", "int")]),
    (h.OriginFrame, {}, [("stream_id", "int"), ("undefined_flags", "int")]),
    (h.PriorityUpdateFrame, {"prioritized_stream_id": 1}, [("prioritized_stream_id", "int"), ("field_value", "bytes"), ("stream_id", "int"), ("undefined_flags", "int")]),
    (h.RawFrame, {"frame_type": 0xEE}, [("frame_type", "int"), ("flags", "int"), ("stream_id", "int"), ("payload", "bytes"), ("reserved_bit", "bool"), ("length_field", "int?")]),
    (h.UnknownFrame, {"frame_type": 0xEE}, [("frame_type", "int"), ("stream_id", "int"), ("payload", "bytes"), ("undefined_flags", "int")]),
    (hf.DataFrame, S, [("stream_id", "int"), ("data", "bytes"), ("pad_length", "int")]),
    (hf.HeadersFrame, S, [("stream_id", "int"), ("data", "bytes"), ("pad_length", "int"), ("depends_on", "int"), ("stream_weight", "int"), ("exclusive", "bool")]),
    (hf.PriorityFrame, S, [("stream_id", "int"), ("depends_on", "int"), ("stream_weight", "int"), ("exclusive", "bool")]),
    (hf.RstStreamFrame, S, [("stream_id", "int"), ("error_code", "int")]),
    (hf.SettingsFrame, {}, [("stream_id", "int")]),
    (hf.PushPromiseFrame, S, [("stream_id", "int"), ("promised_stream_id", "int"), ("data", "bytes"), ("pad_length", "int")]),
    (hf.PingFrame, {}, [("stream_id", "int"), ("opaque_data", "bytes")]),
    (hf.GoAwayFrame, {}, [("stream_id", "int"), ("last_stream_id", "int"), ("error_code", "int"), ("additional_data", "bytes")]),
    (hf.WindowUpdateFrame, S, [("stream_id", "int"), ("window_increment", "int?")]),
    (hf.ContinuationFrame, S, [("stream_id", "int"), ("data", "bytes")]),
    (hf.AltSvcFrame, S, [("stream_id", "int")]),
    (hf.ExtensionFrame, {"type": 0xEE, "stream_id": 1}, [("type", "int"), ("stream_id", "int"), ("flag_byte", "int"), ("body", "bytes")]),
    (hf.Frame, S, [("stream_id", "int")]),
]  # fmt: skip
CASES = [(cls, base, name, kind) for cls, base, params in SPEC for name, kind in params]


@pytest.mark.parametrize(
    ("cls", "base", "name", "kind"),
    CASES,
    ids=[f"{c[0].__module__.split('.')[-1]}.{c[0].__name__}.{c[2]}" for c in CASES],
)
def test_wrong_argument_type(
    cls: Callable[..., object], base: dict[str, object], name: str, kind: str
) -> None:
    value, message = WRONG[kind]
    with pytest.raises(TypeError) as info:
        cls(**{**base, name: value})
    assert str(info.value) == message
    cls(**base)  # and the base arguments are fine
