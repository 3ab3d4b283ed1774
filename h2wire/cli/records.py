"""The JSON lines ``encode`` and ``send`` read: each line one record, checked
whole before anything is written or sent.

Records of ``decode --json`` (the octets of a stream):

* ``{"preface": true}``: the client connection preface;
* a frame record (``type_code`` and ``fields``): the frame its fields make,
  through the frame's constructor (``fields`` is what is written; decode's other
  keys are accepted, and must agree with it: ``type``, ``flags``,
  ``flags_octet``, ``stream_id``, ``length``; ``offset`` and the decoded
  ``headers`` are not looked at);
* an error or ignored record with ``raw``: that raw frame (a frame that broke
  a rule, or one the input ended inside), or with ``bytes_hex``: those octets
  (a cut frame header or preface); one with neither carries no octets (the
  input ended inside a header block) and writes nothing, unless decoding
  ``stopped`` there, which this refuses: the records hold nothing of what
  followed.

Records written by hand:

* ``{"raw": {"frame_type": 0, "flags": 1, "stream_id": 0, "payload": "<hex>",
  "reserved_bit": true, "length_field": 100}}``: a
  :class:`~h2wire.RawFrame` (only ``frame_type`` is required); ``"repeat": N``
  makes the payload N times ``payload`` (a frame of 16,385 octets is
  ``"payload": "78", "repeat": 16385``);
* ``{"bytes_hex": "..."}``: octets as they are;
* ``{"headers": [[name, value], ...], "stream_id": 1, "end_stream": true}``
  (also ``end_headers``, ``priority``, ``padding``): a header block, encoded
  when it is sent (``send`` only);
* ``{"wait": "settings" | "settings_ack" | "streams" | "goaway" | "close" |
  SECONDS}`` (``send`` only).

Any record may carry a ``comment`` (a string), and the keys the proxy's JSON log
adds (``connection``, ``time``; ``direction`` only as ``"->"``, what a client
sent).  Any other key is an error that names it, as is a line that is not a
JSON object or a record of no kind above; :class:`RecordError`'s message starts
with the line number.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Iterable
from typing import Final

from h2wire.cli.render import flag_names
from h2wire.codes import frame_type_name
from h2wire.decoder import CLIENT_PREFACE
from h2wire.encoder import split_header_block
from h2wire.errors import FrameError
from h2wire.frames import FRAME_TYPES, Frame, RawFrame, StreamDependency, UnknownFrame
from h2wire.wire import MAX_PAYLOAD

#: What a ``wait`` record can wait for, besides a number of seconds.
WAIT_EVENTS: Final = ("settings", "settings_ack", "streams", "goaway", "close")

# Keys any record may carry, and not looked at.
_ANY: Final = frozenset(("comment", "connection", "time", "direction"))
# decode's keys of a frame record besides type_code and fields.
_FRAME_INFO: Final = frozenset(
    ("offset", "type", "flags", "flags_octet", "stream_id", "length", "headers",
     "headers_missing", "headers_error")
)  # fmt: skip
# decode's keys of an error or ignored record.
_ERROR_INFO: Final = frozenset(
    ("offset", "error", "error_code", "scope", "stream_id", "field", "token", "message",
     "missing", "stopped", "ignored", "type", "type_code", "length", "raw", "bytes_hex")
)  # fmt: skip
_RAW_KEYS: Final = ("frame_type", "flags", "stream_id", "payload", "reserved_bit", "length_field")
# A raw record written by hand may also say how many times its payload repeats.
_REPEAT: Final = "repeat"
_HEADERS_KEYS: Final = frozenset(
    ("headers", "stream_id", "end_stream", "end_headers", "priority", "padding")
)
_PRIORITY_KEYS: Final = ("depends_on", "weight", "exclusive")
# Frame fields that hold octets (hex in JSON).
_BYTES_FIELDS: Final = frozenset(
    ("data", "padding", "opaque_data", "debug_data", "origin", "field_value", "payload")
)
#: The record kinds, by the key that makes each.
KINDS: Final = ("preface", "fields", "raw", "bytes_hex", "headers", "wait")


class RecordError(ValueError):
    """A line that cannot be used: the message names the line and the problem."""

    def __init__(self, number: int, message: str) -> None:
        super().__init__(f"line {number}: {message}")
        self.number = number


class Octets:
    """Octets to send as they are (``preface``: the client connection preface)."""

    def __init__(self, data: bytes, preface: bool = False) -> None:
        self.data = data
        self.preface = preface


class SendFrame:
    """A valid frame (from a ``decode --json`` frame record)."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame


class SendRaw:
    """A raw frame, valid or not."""

    def __init__(self, raw: RawFrame) -> None:
        self.raw = raw


class SendHeaders:
    """A header block to encode with HPACK when it is sent, split into HEADERS
    and CONTINUATION frames at the peer's frame size."""

    def __init__(
        self,
        stream_id: int,
        fields: list[tuple[str, str]],
        *,
        end_stream: bool,
        end_headers: bool,
        priority: StreamDependency | None,
        padding: bytes | None,
    ) -> None:
        self.stream_id = stream_id
        self.fields = fields
        self.end_stream = end_stream
        self.end_headers = end_headers
        self.priority = priority
        self.padding = padding

    def frames(self, block: bytes, max_frame_size: int) -> list[Frame]:
        """The frames that carry ``block`` (this record's fields, encoded)."""
        frames = split_header_block(
            self.stream_id,
            block,
            max_frame_size=max_frame_size,
            end_stream=self.end_stream,
            priority=self.priority,
            padding=self.padding,
        )
        if not self.end_headers:
            frames[-1] = dataclasses.replace(frames[-1], end_headers=False)  # type: ignore[call-arg]
        return frames


class Wait:
    """Wait for an event of :data:`WAIT_EVENTS`, or for ``seconds``."""

    def __init__(self, event: str | None, seconds: float = 0.0) -> None:
        self.event = event
        self.seconds = seconds


Action = Octets | SendFrame | SendRaw | SendHeaders | Wait


def read_records(lines: Iterable[str]) -> list[tuple[int, Action]]:
    """Every record of ``lines`` with its line number (blank lines and records
    that carry nothing are left out); raises :class:`RecordError` at the first
    line that cannot be used."""
    actions: list[tuple[int, Action]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        action = parse_record(line, number)
        if action is not None:
            actions.append((number, action))
    return actions


def parse_record(line: str, number: int, kinds: frozenset[str] = frozenset(KINDS)) -> Action | None:
    """The action of one line (None for a record that carries nothing)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise RecordError(number, f"not JSON: {_json_problem(error, line)}") from None
    except RecursionError:
        raise RecordError(number, "not JSON this command reads: nested too deeply") from None
    if not isinstance(record, dict):
        raise RecordError(number, f"expected a JSON object, got {type(record).__name__}")
    try:
        return _parse(record, kinds)
    except (FrameError, TypeError, ValueError) as error:
        raise RecordError(number, str(error)) from None
    except OverflowError:  # an integer far too large for its field
        raise RecordError(number, "a number is far too large for its field") from None


def _json_problem(error: json.JSONDecodeError, line: str) -> str:
    """json's complaint about ``line``.  Where it points at a character that is not
    ASCII, the character is named from the line itself: PyPy 7.3.19 builds that
    message from raw UTF-8 octets, a broken string that can even fail to format."""
    if error.pos < len(line) and not line[error.pos].isascii():
        where = f"line {error.lineno} column {error.colno} (char {error.pos})"
        return f"unexpected {line[error.pos]!r}: {where}"
    return str(error)


def _parse(record: dict[str, object], kinds: frozenset[str]) -> Action | None:
    comment = record.get("comment", "")
    if not isinstance(comment, str):
        raise ValueError("comment must be a string")
    if record.get("direction", "->") != "->":
        raise ValueError(f"a record of direction {record['direction']!r}: only '->' is sent")
    if "error" in record or "ignored" in record:
        return _decoded_problem(record)
    present = [kind for kind in KINDS if kind in record]
    if "fields" in record or "type_code" in record:
        # A frame record of decode: its "headers" are the fields it decoded.
        present = [kind for kind in present if kind not in ("fields", "headers")] + ["fields"]
    if not present:
        known = ", ".join(KINDS)
        raise ValueError(f"no record kind: expected one of the keys {known} (and type_code)")
    if len(present) > 1:
        raise ValueError(f"one record, one kind: this one has {' and '.join(present)}")
    (kind,) = present
    if kind not in kinds:
        raise ValueError(f"{kind} records are not accepted here")
    if kind == "preface":
        _only(record, {"preface", "offset"}, "preface")
        if record["preface"] is not True:
            raise ValueError("preface must be true")
        return Octets(CLIENT_PREFACE, preface=True)
    if kind == "fields":
        _only(record, {"type_code", "fields"} | _FRAME_INFO, "frame")
        return SendFrame(_decoded_frame(record))
    if kind == "raw":
        _only(record, {"raw"}, "raw")
        return SendRaw(_raw(record["raw"]))
    if kind == "bytes_hex":
        _only(record, {"bytes_hex"}, "bytes_hex")
        return Octets(_hex(record["bytes_hex"], "bytes_hex"))
    if kind == "headers":
        _only(record, _HEADERS_KEYS, "headers")
        return _headers(record)
    _only(record, {"wait"}, "wait")
    return _wait(record["wait"])


def _only(record: dict[str, object], allowed: Iterable[str], kind: str) -> None:
    unknown = sorted(set(record) - set(allowed) - _ANY)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise ValueError(f"unknown field{plural} {names} in a {kind} record")


def _decoded_problem(record: dict[str, object]) -> Action | None:
    """An error or ignored record of decode: its octets, if it has any."""
    _only(record, _ERROR_INFO, "decode error" if "error" in record else "decode ignored")
    if "raw" in record:
        return SendRaw(_raw(record["raw"]))
    if "bytes_hex" in record:
        return Octets(_hex(record["bytes_hex"], "bytes_hex"))
    if record.get("stopped"):
        raise ValueError(
            "decoding stopped at this error: the records hold nothing of the octets that followed"
        )
    return None


def _hex(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string of hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ValueError(f"{name} is not hex: {value[:40]!r}") from None


def _integer(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {json.dumps(value)}")
    return value


def _boolean(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {json.dumps(value)}")
    return value


def _raw(value: object) -> RawFrame:
    if not isinstance(value, dict):
        raise ValueError("raw must be an object with the fields of a raw frame")
    unknown = sorted(set(value) - {*_RAW_KEYS, _REPEAT})
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise ValueError(f"unknown field {names} in raw (its fields: {', '.join(_RAW_KEYS)})")
    if "frame_type" not in value:
        raise ValueError("raw needs frame_type")
    length_field = value.get("length_field")
    payload = _hex(value.get("payload", ""), "raw.payload")
    repeat = _integer(value.get(_REPEAT, 1), "raw.repeat")
    if not 0 <= repeat <= MAX_PAYLOAD or repeat * len(payload) > MAX_PAYLOAD:
        raise ValueError(f"raw.repeat: a payload of at most {MAX_PAYLOAD} octets (2**24-1)")
    return RawFrame(
        _integer(value["frame_type"], "raw.frame_type"),
        _integer(value.get("flags", 0), "raw.flags"),
        _integer(value.get("stream_id", 0), "raw.stream_id"),
        payload * repeat,
        reserved_bit=_boolean(value.get("reserved_bit", False), "raw.reserved_bit"),
        length_field=None if length_field is None else _integer(length_field, "raw.length_field"),
    )


def frame_from_record(record: dict[str, object]) -> Frame:
    """The frame of a ``decode --json`` frame record (through its constructor)."""
    type_code = record.get("type_code")
    fields = record.get("fields")
    if not isinstance(type_code, int) or not isinstance(fields, dict):
        raise ValueError("a frame record needs type_code and fields")
    factory: Callable[..., Frame] = FRAME_TYPES.get(type_code, UnknownFrame)
    names = [f.name for f in dataclasses.fields(factory)]  # type: ignore[arg-type]
    unknown = sorted(set(fields) - set(names))
    label = frame_type_name(type_code)
    if unknown:
        raise ValueError(
            f"unknown field {', '.join(repr(n) for n in unknown)} in the fields of a {label} "
            f"frame (its fields: {', '.join(names)})"
        )
    kwargs: dict[str, object] = {}
    for name, value in fields.items():
        if name in _BYTES_FIELDS and value is not None:
            kwargs[name] = _hex(value, f"fields.{name}")
        elif name == "priority" and value is not None:
            kwargs[name] = _priority(value)
        elif name == "settings":
            if not isinstance(value, list) or not all(
                isinstance(pair, list) and len(pair) == 2 for pair in value
            ):
                raise ValueError("fields.settings must be a list of [identifier, value] pairs")
            kwargs[name] = [(_integer(i, "a setting"), _integer(v, "a setting")) for i, v in value]
        elif name == "origins":
            if not isinstance(value, list):
                raise ValueError("fields.origins must be a list of hex strings")
            kwargs[name] = [_hex(origin, "an origin") for origin in value]
        else:
            kwargs[name] = value
    try:
        return factory(**kwargs)
    except TypeError as error:  # a missing or mistyped field
        raise ValueError(f"cannot build a {label} frame: {error}") from None


def _priority(value: object) -> StreamDependency:
    if not isinstance(value, dict) or set(value) - set(_PRIORITY_KEYS) or "depends_on" not in value:
        raise ValueError("priority must be an object: depends_on, weight, exclusive")
    return StreamDependency(
        _integer(value["depends_on"], "priority.depends_on"),
        _integer(value.get("weight", 15), "priority.weight"),
        _boolean(value.get("exclusive", False), "priority.exclusive"),
    )


def _decoded_frame(record: dict[str, object]) -> Frame:
    """A frame record's frame; decode's other keys, when present, must agree."""
    frame = frame_from_record(record)
    actual: dict[str, object] = {
        "type": frame_type_name(frame.type),
        "flags": flag_names(frame.type, frame.flags),
        "flags_octet": frame.flags,
        "stream_id": frame.stream_id,
        "length": frame.length,
    }
    for key, value in actual.items():
        if key in record and record[key] != value:
            raise ValueError(
                f"{key} {json.dumps(record[key])} disagrees with the frame its fields make "
                f"({json.dumps(value)}): fields is what is sent"
            )
    return frame


def _headers(record: dict[str, object]) -> SendHeaders:
    pairs = record["headers"]
    if not isinstance(pairs, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
        for pair in pairs
    ):
        raise ValueError("headers must be a list of [name, value] pairs of strings")
    if "stream_id" not in record:
        raise ValueError("a headers record needs stream_id")
    priority = record.get("priority")
    padding = record.get("padding")
    action = SendHeaders(
        _integer(record["stream_id"], "stream_id"),
        [(name, value) for name, value in pairs],
        end_stream=_boolean(record.get("end_stream", False), "end_stream"),
        end_headers=_boolean(record.get("end_headers", True), "end_headers"),
        priority=None if priority is None else _priority(priority),
        padding=None if padding is None else _hex(padding, "padding"),
    )
    action.frames(b"", 16384)  # the frame's rules (stream, priority, padding), now
    return action


def _wait(value: object) -> Wait:
    if isinstance(value, str):
        if value not in WAIT_EVENTS:
            expected = ", ".join(WAIT_EVENTS)
            raise ValueError(f"wait for {value!r}: expected one of {expected} or seconds")
        return Wait(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"wait must be one of {', '.join(WAIT_EVENTS)} or seconds")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"wait {value}: seconds must be a finite number, 0 or more")
    return Wait(None, float(value))


__all__ = [
    "KINDS",
    "WAIT_EVENTS",
    "Action",
    "Octets",
    "RecordError",
    "SendFrame",
    "SendHeaders",
    "SendRaw",
    "Wait",
    "frame_from_record",
    "parse_record",
    "read_records",
]
