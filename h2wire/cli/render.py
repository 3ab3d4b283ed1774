"""How the h2wire command shows frames: one text line each, or one JSON record
each; and the way back, from a JSON record to a frame (``encode``).

The record format is ``decode --json``'s: ``offset``, ``type``, ``type_code``,
``flags`` (names), ``stream_id``, ``length`` and ``fields`` (every dataclass
field of the frame, bytes as hex).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Final

from h2wire.codes import error_code_name, frame_type_name, setting_name
from h2wire.errors import FrameError
from h2wire.frames import (
    FRAME_TYPES,
    AltSvcFrame,
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    OriginFrame,
    PingFrame,
    PriorityFrame,
    PriorityUpdateFrame,
    PushPromiseFrame,
    RstStreamFrame,
    SettingsFrame,
    StreamDependency,
    UnknownFrame,
    WindowUpdateFrame,
)

_BYTES_FIELDS: Final = frozenset(
    ("data", "padding", "opaque_data", "debug_data", "origin", "field_value", "payload")
)
_COLOURS: Final = {
    "DATA": "32", "HEADERS": "36", "CONTINUATION": "36", "SETTINGS": "33", "PING": "35",
    "GOAWAY": "31", "RST_STREAM": "31", "WINDOW_UPDATE": "34", "error": "1;31",
}  # fmt: skip


def flag_names(frame_type: int, flags: int) -> list[str]:
    """The names of the defined flags set in ``flags``; undefined bits as hex."""
    cls = FRAME_TYPES.get(frame_type)
    table = cls.FLAGS if cls is not None else ()
    names = [name for name, bit in table if flags & bit]
    defined = cls.DEFINED_FLAGS if cls is not None else 0
    if flags & ~defined:
        names.append(f"{flags & ~defined:#04x}")
    return names


def preview(data: bytes, size: int = 16) -> str:
    """A short look at a payload: printable ASCII as text, anything else as hex."""
    head = data[:size]
    if head and all(32 <= b < 127 for b in head):
        text = head.decode("ascii")
        return repr(text + ("…" if len(data) > size else ""))
    return head.hex(" ") + (" …" if len(data) > size else "")


def details(frame: Frame) -> str:
    """The key fields of a frame, one short line."""
    if isinstance(frame, DataFrame):
        pad = f" pad={len(frame.padding)}" if frame.padding is not None else ""
        return f"len={len(frame.data)}{pad}  {preview(frame.data)}"
    if isinstance(frame, HeadersFrame):
        text = f"block={len(frame.data)}"
        if frame.priority is not None:
            p = frame.priority
            text += (
                f" dep={p.depends_on} weight={p.weight + 1}{' exclusive' if p.exclusive else ''}"
            )
        if frame.padding is not None:
            text += f" pad={len(frame.padding)}"
        return text
    if isinstance(frame, PriorityFrame):
        exclusive = " exclusive" if frame.exclusive else ""
        return f"dep={frame.depends_on} weight={frame.weight + 1}{exclusive}"
    if isinstance(frame, RstStreamFrame):
        return f"error={error_code_name(frame.error_code)}"
    if isinstance(frame, SettingsFrame):
        return " ".join(f"{setting_name(i)}={v}" for i, v in frame.settings)
    if isinstance(frame, PushPromiseFrame):
        return f"promised={frame.promised_stream_id} block={len(frame.data)}"
    if isinstance(frame, PingFrame):
        return frame.opaque_data.hex()
    if isinstance(frame, GoAwayFrame):
        debug = f" debug={preview(frame.debug_data, 40)}" if frame.debug_data else ""
        return (
            f"last_stream={frame.last_stream_id} error={error_code_name(frame.error_code)}{debug}"
        )
    if isinstance(frame, WindowUpdateFrame):
        return f"+{frame.window_increment}"
    if isinstance(frame, ContinuationFrame):
        return f"block={len(frame.data)}"
    if isinstance(frame, AltSvcFrame):
        return f"origin={frame.origin!r} {frame.field_value!r}"
    if isinstance(frame, OriginFrame):
        return " ".join(repr(o) for o in frame.origins)
    if isinstance(frame, PriorityUpdateFrame):
        return f"stream={frame.prioritized_stream_id} {frame.field_value!r}"
    if isinstance(frame, UnknownFrame):
        return f"len={len(frame.payload)}  {preview(frame.payload)}"
    return repr(frame)


def paint(text: str, key: str, colour: bool) -> str:
    code = _COLOURS.get(key)
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def text_line(offset: int, frame: Frame, colour: bool) -> str:
    name = frame_type_name(frame.type)
    flags = "|".join(flag_names(frame.type, frame.flags)) or "-"
    return (
        f"{offset:>9}  {paint(f'{name:<15}', name, colour)} {flags:<32} "
        f"{frame.stream_id:>7}  {details(frame)}"
    )


def _json_value(name: str, value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, StreamDependency):
        return {
            "depends_on": value.depends_on,
            "weight": value.weight,
            "exclusive": value.exclusive,
        }
    if name == "settings" and isinstance(value, tuple):
        return [list(entry) for entry in value]
    if name == "origins" and isinstance(value, tuple):
        return [origin.hex() for origin in value if isinstance(origin, bytes)]
    return value


def frame_record(offset: int, frame: Frame) -> dict[str, object]:
    """Everything about a frame, as JSON-ready values (bytes as hex)."""
    return {
        "offset": offset,
        "type": frame_type_name(frame.type),
        "type_code": frame.type,
        "flags": flag_names(frame.type, frame.flags),
        "stream_id": frame.stream_id,
        "length": frame.length,
        "fields": {
            f.name: _json_value(f.name, getattr(frame, f.name)) for f in dataclasses.fields(frame)
        },
    }


def error_record(offset: int, error: FrameError) -> dict[str, object]:
    return {
        "offset": offset,
        "error": error_code_name(error.code),
        "error_code": int(error.code),
        "scope": error.scope.value,
        "stream_id": error.stream_id,
        "field": error.field,
        "message": str(error),
    }


def frame_from_record(record: dict[str, object]) -> Frame:
    """Rebuild a frame from a ``decode --json`` record (through its constructor)."""
    type_code = record["type_code"]
    fields = record["fields"]
    if not isinstance(type_code, int) or not isinstance(fields, dict):
        raise ValueError("a frame record needs type_code and fields")
    kwargs: dict[str, object] = {}
    for name, value in fields.items():
        if name in _BYTES_FIELDS and isinstance(value, str):
            kwargs[name] = bytes.fromhex(value)
        elif name == "priority" and isinstance(value, dict):
            kwargs[name] = StreamDependency(
                int(value["depends_on"]), int(value["weight"]), bool(value["exclusive"])
            )
        elif name == "settings" and isinstance(value, list):
            kwargs[name] = [(int(i), int(v)) for i, v in value]
        elif name == "origins" and isinstance(value, list):
            kwargs[name] = [bytes.fromhex(origin) for origin in value]
        else:
            kwargs[name] = value
    factory: Callable[..., Frame] = FRAME_TYPES.get(type_code, UnknownFrame)
    return factory(**kwargs)


__all__ = [
    "details",
    "error_record",
    "flag_names",
    "frame_from_record",
    "frame_record",
    "text_line",
]
