"""How the h2wire command shows what it decoded: text lines or JSON records (the
way back, from a JSON record to octets, is :mod:`h2wire.cli.records`).

Text: one line per frame, in fixed columns that line up whatever the frame
(``OFFSET_WIDTH`` and the others): offset, type, stream, length, the flags octet in hex with
the names of its bits (undefined bits as one hex value after them), and the
frame's key fields; numbers are shown as ``nghttp -v`` shows them (weights
1..256, codes with their value: ``CANCEL(0x08)``).  A header block's fields
follow the frame that ends it, one ``name: value`` line each; errors are one
line, ``error at byte N: CODE(0xNN) (scope) reason``.  A frame that breaks a
rule is shown raw in the same columns (its header's fields, and ``raw`` with a
look at its payload), its error on the next line; a frame the input ends
inside, with the octets that arrived of the Length its header announced.

JSON: one record per line, :func:`frame_record`'s: ``offset``, ``type``,
``type_code``, ``flags`` (names; undefined bits as one hex string),
``flags_octet``, ``stream_id``, ``length`` (the payload's, as the header says)
and ``fields`` (every dataclass field of the frame, bytes as hex); the frame
that ends a header block also has ``headers``, a list of ``[name, value]``
pairs (None, with ``headers_missing`` saying why, when the block was not
decoded, and ``headers_error``, an error record, when decoding it failed).
Errors are :func:`error_record`'s, with ``raw`` (:func:`raw_record`) for the
frame that broke the rule, ``missing`` and ``bytes_hex`` (octets that make no
frame header) for input that ended inside a frame, and ``stopped`` when
decoding stopped there; the preface is ``{"offset": 0, "preface": true}``; an
ignored frame is ``{"offset", "ignored": true, "type", "type_code",
"stream_id", "length", "message", "raw"}``.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from h2wire.cli.headers import HPACK_MISSING, BlockFields
from h2wire.cli.watch import Event, Ignored, Preface, Problem, Seen
from h2wire.codes import error_code_name, frame_type_name, setting_name
from h2wire.errors import FrameError, Scope
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
    RawFrame,
    RstStreamFrame,
    SettingsFrame,
    StreamDependency,
    UnknownFrame,
    WindowUpdateFrame,
)

_COLOURS: Final = {
    "DATA": "32", "HEADERS": "36", "CONTINUATION": "36", "SETTINGS": "33", "PING": "35",
    "GOAWAY": "31", "RST_STREAM": "31", "WINDOW_UPDATE": "34", "error": "1;31",
}  # fmt: skip

#: Text columns: widths of offset, type, stream, length (the flags column is
#: as wide as the longest flags of any frame type, see :func:`flags_width`).
OFFSET_WIDTH: Final = 10
TYPE_WIDTH: Final = 15
STREAM_WIDTH: Final = 10
LENGTH_WIDTH: Final = 8
#: Where the type column begins: header field lines are indented to it.
INDENT: Final = " " * (OFFSET_WIDTH + 2)

# flags_width()'s result for a number of registered frame types.
_flags_widths: dict[int, int] = {}
# The flags column of each (type, flags octet) seen, padded to flags_width(),
# for the registered frame types of the moment (their count is the key).
_flags_columns: dict[tuple[int, int, int], str] = {}


def flag_names(frame_type: int, flags: int) -> list[str]:
    """The names of the defined flags set in ``flags``; undefined bits as hex."""
    cls = FRAME_TYPES.get(frame_type)
    table = cls.FLAGS if cls is not None else ()
    names = [name for name, bit in table if flags & bit]
    defined = cls.DEFINED_FLAGS if cls is not None else 0
    if flags & ~defined:
        names.append(f"{flags & ~defined:#04x}")
    return names


def flags_text(frame_type: int, flags: int) -> str:
    """``0x25 END_STREAM|END_HEADERS|PRIORITY``: the octet, then its bits' names."""
    names = "|".join(flag_names(frame_type, flags))
    return f"{flags:#04x} {names}" if names else f"{flags:#04x}"


def flags_width() -> int:
    """The longest :func:`flags_text` of any frame type (all eight bits set),
    the registered extension types included."""
    count = len(FRAME_TYPES)
    width = _flags_widths.get(count)
    if width is None:
        width = max(len(flags_text(t, 0xFF)) for t in (-1, *FRAME_TYPES))
        _flags_widths[count] = width
    return width


def _numbered(name: str, value: int) -> str:
    # The name and the value, as ``nghttp -v`` shows them; a value without a
    # registered name is its own name (``0x99``).
    return name if name == f"{value:#x}" else f"{name}({value:#04x})"


def code_text(value: int) -> str:
    """An error code: ``CANCEL(0x08)``; ``0x99`` when unregistered."""
    return _numbered(error_code_name(value), value)


def preview(data: bytes, size: int = 16) -> str:
    """A short look at a payload: printable ASCII as text, anything else as hex."""
    head = data[:size]
    # (ASCII text is printable exactly when it is 0x20..0x7e.)
    if head and head.isascii() and (text := head.decode("ascii")).isprintable():
        return repr(text + ("…" if len(data) > size else ""))
    return head.hex(" ") + (" …" if len(data) > size else "")


def _dependency(depends_on: int, weight: int, exclusive: bool) -> str:
    # The weight on the wire is one less than the weight (RFC 7540 §6.2).
    return f"dep={depends_on} weight={weight + 1}{' exclusive' if exclusive else ''}"


def details(frame: Frame) -> str:
    """The key fields of a frame, one short line."""
    if isinstance(frame, DataFrame):
        pad = f" pad={len(frame.padding)}" if frame.padding is not None else ""
        return f"len={len(frame.data)}{pad}  {preview(frame.data)}"
    if isinstance(frame, HeadersFrame):
        text = f"block={len(frame.data)}"
        p = frame.priority
        if p is not None:
            text += " " + _dependency(p.depends_on, p.weight, p.exclusive)
        if frame.padding is not None:
            text += f" pad={len(frame.padding)}"
        return text
    if isinstance(frame, PriorityFrame):
        return _dependency(frame.depends_on, frame.weight, frame.exclusive)
    if isinstance(frame, RstStreamFrame):
        return f"error={code_text(frame.error_code)}"
    if isinstance(frame, SettingsFrame):
        return " ".join(f"{_numbered(setting_name(i), i)}={v}" for i, v in frame.settings)
    if isinstance(frame, PushPromiseFrame):
        pad = f" pad={len(frame.padding)}" if frame.padding is not None else ""
        return f"promised={frame.promised_stream_id} block={len(frame.data)}{pad}"
    if isinstance(frame, PingFrame):
        return frame.opaque_data.hex()
    if isinstance(frame, GoAwayFrame):
        debug = f" debug={preview(frame.debug_data, 40)}" if frame.debug_data else ""
        return f"last_stream={frame.last_stream_id} error={code_text(frame.error_code)}{debug}"
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


def _columns(offset: int, name: str, stream_id: int, length: int, colour: bool) -> str:
    return (
        f"{offset:>{OFFSET_WIDTH}}  {paint(f'{name:<{TYPE_WIDTH}}', name, colour)} "
        f"{stream_id:>{STREAM_WIDTH}} {length:>{LENGTH_WIDTH}}  "
    )


def _flags_column(frame_type: int, flags: int) -> str:
    # (A proxy prints the same few combinations all day: they are kept.)
    key = (frame_type, flags, len(FRAME_TYPES))
    column = _flags_columns.get(key)
    if column is None:
        column = f"{flags_text(frame_type, flags):<{flags_width()}}  "
        if len(_flags_columns) > 4096:
            _flags_columns.clear()
        _flags_columns[key] = column
    return column


def text_line(offset: int, frame: Frame, colour: bool) -> str:
    """The frame's line: offset, type, stream, length, flags, details."""
    frame_type = frame.type
    line = (
        _columns(offset, frame_type_name(frame_type), frame.stream_id, frame.length, colour)
        + _flags_column(frame_type, frame.flags)
        + details(frame)
    )
    return line.rstrip()


def raw_details(raw: RawFrame) -> str:
    """What a raw frame holds: ``raw``, its reserved bit if set, how much of an
    announced payload arrived if not all of it, and a look at the payload."""
    text = "raw"
    if raw.reserved_bit:
        text += " reserved_bit"
    arrived = len(raw.payload)
    if arrived != raw.length:
        text += f" {arrived} of {raw.length} octets"
    return f"{text}  {preview(raw.payload)}" if raw.payload else text


def raw_line(offset: int, raw: RawFrame, colour: bool) -> str:
    """A raw frame's line, in the columns of :func:`text_line`."""
    frame_type = raw.frame_type
    line = (
        _columns(offset, frame_type_name(frame_type), raw.stream_id, raw.length, colour)
        + _flags_column(frame_type, raw.flags)
        + raw_details(raw)
    )
    return line.rstrip()


def error_line(offset: int, error: FrameError, colour: bool) -> str:
    """``error at byte N: CODE(0xNN) (scope) reason``, in the offset column."""
    if error.scope is Scope.STREAM:
        scope = f"stream error on stream {error.stream_id}"
    else:
        scope = f"{error.scope.value} error"
    message = (
        f"{offset:>{OFFSET_WIDTH}}  error at byte {offset}: "
        f"{code_text(error.code)} ({scope}) {error}"
    )
    return paint(message, "error", colour)


def block_lines(block: BlockFields) -> list[str]:
    """The fields of a header block, ``name: value`` each, indented to the type
    column; or why they are not shown (nothing when hpack is missing: the
    command says so once)."""
    if block.fields is not None:
        return [f"{INDENT}{name}: {value}" for name, value in block.fields]
    if block.error is not None or block.reason == HPACK_MISSING:
        return []  # the error has its own line
    return [f"{INDENT}(header fields not decoded: {block.reason})"]


def event_lines(event: Event, colour: bool) -> list[str]:
    """The text lines of a watcher event."""
    if isinstance(event, Seen):
        lines = [text_line(event.offset, event.frame, colour)]
        block = event.block
        if block is not None:
            lines.extend(block_lines(block))
            if block.error is not None:
                lines.append(error_line(event.offset, block.error, colour))
        return lines
    if isinstance(event, Problem):
        raw = event.raw
        line = error_line(event.offset, event.error, colour)
        return [line] if raw is None else [raw_line(event.offset, raw, colour), line]
    if isinstance(event, Preface):
        return [f"{0:>{OFFSET_WIDTH}}  {'PREFACE':<{TYPE_WIDTH}} client connection preface"]
    return [
        raw_line(event.offset, event.raw, colour),
        f"{INDENT}ignored: {event.error} (malformed, and its RFC says to ignore such a frame)",
    ]


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
        "flags_octet": frame.flags,
        "stream_id": frame.stream_id,
        "length": frame.length,
        "fields": {
            f.name: _json_value(f.name, getattr(frame, f.name)) for f in dataclasses.fields(frame)
        },
    }


def raw_record(raw: RawFrame) -> dict[str, object]:
    """A raw frame's fields, as JSON-ready values (the payload as hex)."""
    return {
        "frame_type": raw.frame_type,
        "flags": raw.flags,
        "stream_id": raw.stream_id,
        "payload": raw.payload.hex(),
        "reserved_bit": raw.reserved_bit,
        "length_field": raw.length_field,
    }


def error_record(offset: int, error: FrameError) -> dict[str, object]:
    return {
        "offset": offset,
        "error": error_code_name(error.code),
        "error_code": int(error.code),
        "scope": error.scope.value,
        "stream_id": error.stream_id,
        "field": error.field,
        "token": error.token,
        "message": str(error),
    }


def event_records(event: Event) -> list[dict[str, object]]:
    """The JSON records of a watcher event."""
    if isinstance(event, Seen):
        record = frame_record(event.offset, event.frame)
        block = event.block
        if block is not None:
            fields = block.fields
            record["headers"] = None if fields is None else [[n, v] for n, v in fields]
            if fields is None:
                record["headers_missing"] = block.reason
            if block.error is not None:
                record["headers_error"] = error_record(event.offset, block.error)
        return [record]
    if isinstance(event, Problem):
        record = error_record(event.offset, event.error)
        if event.raw is not None:
            record["raw"] = raw_record(event.raw)
        if event.missing:
            record["missing"] = event.missing
        if event.partial:
            record["bytes_hex"] = event.partial.hex()
        if event.fatal:
            record["stopped"] = True
        return [record]
    if isinstance(event, Preface):
        return [{"offset": 0, "preface": True}]
    return [ignored_record(event)]


def ignored_record(event: Ignored) -> dict[str, object]:
    raw = event.raw
    return {
        "offset": event.offset,
        "ignored": True,
        "type": frame_type_name(raw.frame_type),
        "type_code": raw.frame_type,
        "stream_id": raw.stream_id,
        "length": raw.length,
        "message": str(event.error),
        "raw": raw_record(raw),
    }


__all__ = [
    "code_text",
    "details",
    "error_line",
    "error_record",
    "event_lines",
    "event_records",
    "flag_names",
    "flags_text",
    "flags_width",
    "frame_record",
    "raw_details",
    "raw_line",
    "raw_record",
    "text_line",
]
