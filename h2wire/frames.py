"""The frame model: one frozen dataclass per HTTP/2 frame type.

Each class validates its fields in ``__init__`` (every rule that needs no
connection state), so any frame object that exists is valid and
``serialize()`` cannot fail.  Parsing (:mod:`h2wire.codec`) builds frames
through the same constructors, so a rule broken on the wire and the same rule
broken by a caller raise the same :class:`~h2wire.FrameError`.

Layout notes for maintainers (see ``notes/mypyc.md`` in the shared material):

* No class-body assignments in the dataclasses: mypyc turns them into fields.
  ``TYPE`` is declared on the plain root class and assigned after each class.
* ``init=False`` plus a hand-written ``__init__``.  Its stores have two forms:
  compiled, ``object.__setattr__`` is a native store, ~10x cheaper than the
  generated frozen ``__init__``; interpreted, the same call costs ~80 ns a
  field, so the interpreted build writes the instance ``__dict__`` instead
  (~25 ns).  Keep both lists of a class identical when adding a field;
  ``tests/test_model.py`` compares every field's value in both builds.
* Every ``__init__`` accepts every field by keyword, which is what
  ``dataclasses.replace``, pickling (``__reduce__``) and copying rely on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from itertools import starmap
from types import MappingProxyType
from typing import ClassVar, Final, TypeVar

from h2wire._mypyc import mypyc_attr
from h2wire.codes import ErrorCode, setting_name
from h2wire.errors import COMPILED, FrameError, Scope, type_error
from h2wire.wire import (
    ALTSVC,
    ALTSVC_FIELDS,
    CONTINUATION,
    DATA,
    FLAG_ACK,
    FLAG_END_HEADERS,
    FLAG_END_STREAM,
    FLAG_PADDED,
    FLAG_PRIORITY,
    GOAWAY,
    GOAWAY_FIELDS,
    HEADER_PING,
    HEADER_PING_ACK,
    HEADER_SETTINGS_ACK,
    HEADERS,
    MAX_FRAME_SIZE_LIMIT,
    MAX_PAYLOAD,
    MAX_STREAM_ID,
    MAX_U16,
    MAX_U32,
    MAX_WINDOW_INCREMENT,
    ORIGIN,
    PING,
    PREFIX_PRIORITY,
    PREFIX_RST_STREAM,
    PREFIX_WINDOW_UPDATE,
    PRIORITY,
    PRIORITY_UPDATE,
    PRIORITY_UPDATE_FIELDS,
    PUSH_PROMISE,
    RST_STREAM,
    SETTING_FIELDS,
    SETTINGS,
    U16_FIELD,
    WINDOW_UPDATE,
    header,
    prefix,
)

_PROTOCOL: Final = ErrorCode.PROTOCOL_ERROR
_FRAME_SIZE: Final = ErrorCode.FRAME_SIZE_ERROR
_CONNECTION: Final = Scope.CONNECTION
_STREAM: Final = Scope.STREAM


# --------------------------------------------------------------------------
# Validation helpers.  They return the exception so callers write ``raise``
# (which keeps mypy's flow analysis and the tracebacks honest).
# --------------------------------------------------------------------------


def _error(
    code: ErrorCode,
    frame: str,
    field: str,
    reason: str,
    stream_id: int,
    scope: Scope = _CONNECTION,
) -> FrameError:
    return FrameError(
        code, f"{frame} frame, {field}: {reason}", scope=scope, stream_id=stream_id, field=field
    )


def _bad_stream_id(frame: str, stream_id: int) -> FrameError:
    """The error for a stream id outside 1..2**31-1 (or 0..2**31-1)."""
    if stream_id == 0:
        return _error(_PROTOCOL, frame, "stream_id", "must be non-zero", 0)
    return _error(_PROTOCOL, frame, "stream_id", f"must be in 0..2**31-1 (got {stream_id})", 0)


def _not_connection(frame: str, stream_id: int) -> FrameError:
    """The error for a connection-level frame on a stream."""
    return _error(_PROTOCOL, frame, "stream_id", f"must be 0 (got {stream_id})", stream_id)


def _too_long(frame: str, length: int, stream_id: int) -> FrameError:
    return _error(
        _FRAME_SIZE, frame, "length", f"payload of {length} octets exceeds 2**24-1", stream_id
    )


def _check_undefined_flags(frame: str, flags: int, defined: int, stream_id: int) -> None:
    if not 0 <= flags <= 0xFF or flags & defined:
        raise _error(
            _PROTOCOL,
            frame,
            "undefined_flags",
            f"must be an octet without the defined bits {defined:#04x} (got {flags})",
            stream_id,
        )


def _padding_size(frame: str, padding: bytes, stream_id: int) -> int:
    """Validate padding that is present; return the octets it adds to the payload."""
    if len(padding) > 255:
        raise _error(
            _PROTOCOL, frame, "padding", f"at most 255 octets (got {len(padding)})", stream_id
        )
    return 1 + len(padding)


def _check_dependency(frame: str, stream_id: int, depends_on: int, weight: int) -> None:
    if not 0 <= depends_on <= MAX_STREAM_ID:
        raise _error(
            _PROTOCOL, frame, "depends_on", f"must be in 0..2**31-1 (got {depends_on})", stream_id
        )
    if not 0 <= weight <= 255:
        raise _error(_PROTOCOL, frame, "weight", f"must be in 0..255 (got {weight})", stream_id)
    if depends_on == stream_id and stream_id:
        raise _error(
            _PROTOCOL, frame, "depends_on", "a stream cannot depend on itself", stream_id, _STREAM
        )


def _brief(value: object) -> str:
    """A short repr: long byte strings show their size and first octets only."""
    if isinstance(value, bytes) and len(value) > 32:
        return f"<{len(value)} bytes: {value[:16].hex()}...>"
    if isinstance(value, tuple) and len(value) > 8:
        return f"<{len(value)} items: {', '.join(_brief(v) for v in value[:4])}, ...>"
    return repr(value)


def _rebuild(cls: Callable[..., Frame], kwargs: dict[str, object]) -> Frame:
    return cls(**kwargs)


# --------------------------------------------------------------------------
# Base classes
# --------------------------------------------------------------------------


@mypyc_attr(allow_interpreted_subclasses=True)
class _FrameRoot:
    """Holds class-level constants out of the dataclass hierarchy (mypyc, see above)."""

    #: The frame type code of the class (UnknownFrame: -1; see ``type``).
    TYPE: ClassVar[int]
    #: The bits of the flags octet this frame type defines.
    DEFINED_FLAGS: ClassVar[int]


@mypyc_attr(allow_interpreted_subclasses=True)
@dataclass(frozen=True, init=False, repr=False)
class Frame(_FrameRoot):
    """Base class of every frame.

    Subclasses are frozen dataclasses; instances compare by value, hash, pickle
    and work with ``dataclasses.replace`` and ``match``.
    """

    stream_id: int

    def __init__(self, stream_id: int) -> None:
        raise TypeError("Frame is abstract: instantiate one of its subclasses")

    @property
    def type(self) -> int:
        """The frame type code."""
        return self.TYPE

    @property
    def flags(self) -> int:
        """The flags octet as it is on the wire."""
        raise NotImplementedError

    @property
    def length(self) -> int:
        """The payload length: what the header's length field says."""
        raise NotImplementedError

    def serialize(self) -> bytes:
        """The frame's wire bytes: 9-octet header and payload."""
        raise NotImplementedError

    @classmethod
    def from_payload(cls, flags: int, stream_id: int, payload: bytes) -> Frame:
        """Build a frame of this class from a payload (for registered extension types).

        The built-in types are parsed by :func:`h2wire.parse_frame`; a class
        registered with :func:`register_frame_type` overrides this.
        """
        raise NotImplementedError(f"{cls.__name__} does not implement from_payload")

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "undefined_flags" and value == 0:
                continue
            parts.append(f"{f.name}={_brief(value)}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.__class__, {f.name: getattr(self, f.name) for f in fields(self)}))


@dataclass(frozen=True, init=False, repr=True)
class StreamDependency:
    """RFC 7540 priority fields carried by HEADERS (deprecated by RFC 9113 §5.3.2).

    ``weight`` is the wire octet 0..255; the effective weight is ``weight + 1``.
    """

    depends_on: int
    weight: int
    exclusive: bool

    def __init__(self, depends_on: int = 0, weight: int = 15, exclusive: bool = False) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(depends_on, int):
                raise type_error("int", depends_on)
            if not isinstance(weight, int):
                raise type_error("int", weight)
            if not isinstance(exclusive, bool):
                raise type_error("bool", exclusive)
        _check_dependency("HEADERS", 0, depends_on, weight)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "depends_on", depends_on)
            object.__setattr__(self, "weight", weight)
            object.__setattr__(self, "exclusive", exclusive)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["depends_on"] = depends_on
            state["weight"] = weight
            state["exclusive"] = exclusive

    def __reduce__(self) -> tuple[object, ...]:
        return (StreamDependency, (self.depends_on, self.weight, self.exclusive))


# --------------------------------------------------------------------------
# RFC 9113 frames
# --------------------------------------------------------------------------


@dataclass(frozen=True, init=False, repr=False)
class DataFrame(Frame):
    """DATA (0x0, RFC 9113 §6.1).  ``padding`` None means the PADDED flag is unset."""

    data: bytes
    end_stream: bool
    padding: bytes | None
    undefined_flags: int

    def __init__(
        self,
        stream_id: int,
        data: bytes = b"",
        *,
        end_stream: bool = False,
        padding: bytes | None = None,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(data, bytes):
                raise type_error("bytes", data)
            if not isinstance(end_stream, bool):
                raise type_error("bool", end_stream)
            if padding is not None and not isinstance(padding, bytes):
                raise type_error("bytes or None", padding)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("DATA", stream_id)
        length = len(data)
        if padding is not None:
            length += _padding_size("DATA", padding, stream_id)
        if length > MAX_PAYLOAD:
            raise _too_long("DATA", length, stream_id)
        if undefined_flags:
            _check_undefined_flags("DATA", undefined_flags, 0x09, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "data", data)
            object.__setattr__(self, "end_stream", end_stream)
            object.__setattr__(self, "padding", padding)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["data"] = data
            state["end_stream"] = end_stream
            state["padding"] = padding
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        flags = self.undefined_flags
        if self.end_stream:
            flags |= FLAG_END_STREAM
        if self.padding is not None:
            flags |= FLAG_PADDED
        return flags

    @property
    def length(self) -> int:
        padding = self.padding
        if padding is None:
            return len(self.data)
        return len(self.data) + 1 + len(padding)

    @property
    def flow_controlled_length(self) -> int:
        """What the frame costs in flow control: the whole payload (RFC 9113 §6.9.1)."""
        return self.length

    def serialize(self) -> bytes:
        data = self.data
        padding = self.padding
        if padding is None:
            return header(len(data), DATA, self.flags, self.stream_id) + data
        head = prefix(len(data) + 1 + len(padding), DATA, self.flags)
        tail = (self.stream_id << 8) | len(padding)
        return b"%b%b%b%b" % (head, tail.to_bytes(5, "big"), data, padding)


@dataclass(frozen=True, init=False, repr=False)
class HeadersFrame(Frame):
    """HEADERS (0x1, RFC 9113 §6.2).  ``data`` is the field block fragment."""

    data: bytes
    end_stream: bool
    end_headers: bool
    priority: StreamDependency | None
    padding: bytes | None
    undefined_flags: int

    def __init__(
        self,
        stream_id: int,
        data: bytes = b"",
        *,
        end_stream: bool = False,
        end_headers: bool = False,
        priority: StreamDependency | None = None,
        padding: bytes | None = None,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(data, bytes):
                raise type_error("bytes", data)
            if not isinstance(end_stream, bool):
                raise type_error("bool", end_stream)
            if not isinstance(end_headers, bool):
                raise type_error("bool", end_headers)
            if priority is not None and not isinstance(priority, StreamDependency):
                raise type_error("h2wire.frames.StreamDependency or None", priority)
            if padding is not None and not isinstance(padding, bytes):
                raise type_error("bytes or None", padding)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("HEADERS", stream_id)
        extra = 0 if padding is None else _padding_size("HEADERS", padding, stream_id)
        if priority is not None:
            if priority.depends_on == stream_id:
                raise _error(
                    _PROTOCOL,
                    "HEADERS",
                    "priority.depends_on",
                    "a stream cannot depend on itself",
                    stream_id,
                    _STREAM,
                )
            extra += 5
        if len(data) + extra > MAX_PAYLOAD:
            raise _too_long("HEADERS", len(data) + extra, stream_id)
        if undefined_flags:
            _check_undefined_flags("HEADERS", undefined_flags, 0x2D, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "data", data)
            object.__setattr__(self, "end_stream", end_stream)
            object.__setattr__(self, "end_headers", end_headers)
            object.__setattr__(self, "priority", priority)
            object.__setattr__(self, "padding", padding)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["data"] = data
            state["end_stream"] = end_stream
            state["end_headers"] = end_headers
            state["priority"] = priority
            state["padding"] = padding
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        flags = self.undefined_flags
        if self.end_stream:
            flags |= FLAG_END_STREAM
        if self.end_headers:
            flags |= FLAG_END_HEADERS
        if self.padding is not None:
            flags |= FLAG_PADDED
        if self.priority is not None:
            flags |= FLAG_PRIORITY
        return flags

    @property
    def length(self) -> int:
        n = len(self.data)
        padding = self.padding
        if padding is not None:
            n += 1 + len(padding)
        if self.priority is not None:
            n += 5
        return n

    def serialize(self) -> bytes:
        data = self.data
        padding = self.padding
        priority = self.priority
        if padding is None and priority is None:
            return header(len(data), HEADERS, self.flags, self.stream_id) + data
        tail = self.stream_id
        size = 4
        if padding is not None:
            tail = (tail << 8) | len(padding)
            size += 1
        if priority is not None:
            dependency = priority.depends_on
            if priority.exclusive:
                dependency |= 0x80000000
            tail = (tail << 40) | (dependency << 8) | priority.weight
            size += 5
        head = prefix(self.length, HEADERS, self.flags)
        if padding is None:
            return b"%b%b%b" % (head, tail.to_bytes(size, "big"), data)
        return b"%b%b%b%b" % (head, tail.to_bytes(size, "big"), data, padding)


@dataclass(frozen=True, init=False, repr=False)
class PriorityFrame(Frame):
    """PRIORITY (0x2, RFC 9113 §6.3).  ``weight`` is the wire octet (effective weight - 1)."""

    depends_on: int
    weight: int
    exclusive: bool
    undefined_flags: int

    def __init__(
        self,
        stream_id: int,
        depends_on: int = 0,
        weight: int = 15,
        exclusive: bool = False,
        *,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(depends_on, int):
                raise type_error("int", depends_on)
            if not isinstance(weight, int):
                raise type_error("int", weight)
            if not isinstance(exclusive, bool):
                raise type_error("bool", exclusive)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("PRIORITY", stream_id)
        _check_dependency("PRIORITY", stream_id, depends_on, weight)
        if undefined_flags:
            _check_undefined_flags("PRIORITY", undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "depends_on", depends_on)
            object.__setattr__(self, "weight", weight)
            object.__setattr__(self, "exclusive", exclusive)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["depends_on"] = depends_on
            state["weight"] = weight
            state["exclusive"] = exclusive
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 5

    def serialize(self) -> bytes:
        dependency = self.depends_on
        if self.exclusive:
            dependency |= 0x80000000
        flags = self.undefined_flags
        head = PREFIX_PRIORITY if flags == 0 else prefix(5, PRIORITY, flags)
        return head + ((self.stream_id << 40) | (dependency << 8) | self.weight).to_bytes(9, "big")


def _check_u32(frame: str, field: str, value: int, stream_id: int) -> None:
    if not 0 <= value <= MAX_U32:
        raise _error(_PROTOCOL, frame, field, f"must be in 0..2**32-1 (got {value})", stream_id)


@dataclass(frozen=True, init=False, repr=False)
class RstStreamFrame(Frame):
    """RST_STREAM (0x3, RFC 9113 §6.4).  Unregistered error codes are kept as ints."""

    error_code: int
    undefined_flags: int

    def __init__(self, stream_id: int, error_code: int = 0, *, undefined_flags: int = 0) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(error_code, int):
                raise type_error("int", error_code)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("RST_STREAM", stream_id)
        _check_u32("RST_STREAM", "error_code", error_code, stream_id)
        if undefined_flags:
            _check_undefined_flags("RST_STREAM", undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "error_code", error_code + 0)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["error_code"] = error_code + 0
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 4

    def serialize(self) -> bytes:
        flags = self.undefined_flags
        head = PREFIX_RST_STREAM if flags == 0 else prefix(4, RST_STREAM, flags)
        return head + ((self.stream_id << 32) | self.error_code).to_bytes(8, "big")


#: SETTINGS whose value is a boolean 0/1 (RFC 9113 §6.5.2, RFC 8441, RFC 9218).
_BOOLEAN_SETTINGS: Final = (0x2, 0x8, 0x9)

_Key = TypeVar("_Key", bound=int)


def _check_setting(identifier: int, value: int, stream_id: int) -> None:
    """Per-setting ranges (RFC 9113 §6.5.2 and the extension RFCs)."""
    if not 0 <= identifier <= MAX_U16:
        raise _error(
            _PROTOCOL,
            "SETTINGS",
            "settings",
            f"identifier must be 16-bit (got {identifier})",
            stream_id,
        )
    if not 0 <= value <= MAX_U32:
        raise _setting_error(_PROTOCOL, identifier, f"value must be 32-bit (got {value})")
    if identifier == 0x4:
        if value > MAX_WINDOW_INCREMENT:
            raise _setting_error(
                ErrorCode.FLOW_CONTROL_ERROR, identifier, f"must be at most 2**31-1 (got {value})"
            )
    elif identifier == 0x5:
        if not 0x4000 <= value <= MAX_FRAME_SIZE_LIMIT:
            raise _setting_error(_PROTOCOL, identifier, f"must be in 2**14..2**24-1 (got {value})")
    elif value > 1 and identifier in _BOOLEAN_SETTINGS:
        raise _setting_error(_PROTOCOL, identifier, f"must be 0 or 1 (got {value})")


#: The settings with a value rule of their own, and their allowed values: the
#: rules of _check_setting as data, for the interpreted fast path.  Kept apart
#: because reading this table in _check_setting costs the compiled build ~15% on
#: SETTINGS; tests/test_model.py checks both agree on every rule's edges.
_SETTING_LIMITS: Final = {
    0x2: (0, 1),
    0x4: (0, MAX_WINDOW_INCREMENT),
    0x5: (0x4000, MAX_FRAME_SIZE_LIMIT),
    0x8: (0, 1),
    0x9: (0, 1),
}
_TUPLE_ONLY: Final = frozenset((tuple,))


def _settings_entries(pairs: Iterable[object], stream_id: int) -> tuple[tuple[int, int], ...]:
    """Check every SETTINGS entry and return them as pairs of plain ints."""
    entries: list[tuple[int, int]] = []
    # Items stay objects here: typed as pairs, compiled code would unbox each
    # one and box it again for every check.
    entry: object
    for entry in pairs:
        if not isinstance(entry, tuple) or len(entry) != 2:
            raise TypeError(f"settings entries must be (identifier, value) pairs, got {entry!r}")
        identifier = entry[0]
        value = entry[1]
        if not isinstance(identifier, int):
            raise type_error("int", identifier)
        if not isinstance(value, int):
            raise type_error("int", value)
        # Only identifiers with a value rule (a literal tuple compiles to
        # comparisons), or values out of range, need the checker.
        if identifier in (0x2, 0x4, 0x5, 0x8, 0x9) or not (
            0 <= identifier <= MAX_U16 and 0 <= value <= MAX_U32
        ):
            _check_setting(identifier, value, stream_id)
        # (The items' types are read from the pair itself: compiled,
        # ``identifier`` is an unboxed int by now, its type always int.)
        if type(entry[0]) is int and type(entry[1]) is int:
            entries.append(entry)  # already plain ints: keep the pair as it is
        else:
            # An IntEnum member or a bool becomes a plain int ("+ 0": int()
            # is a call when compiled).
            entries.append((identifier + 0, value + 0))
    return tuple(entries)


def _setting_error(code: ErrorCode, identifier: int, reason: str) -> FrameError:
    return _error(code, "SETTINGS", f"settings[{setting_name(identifier)}]", reason, 0)


@dataclass(frozen=True, init=False, repr=False)
class SettingsFrame(Frame):
    """SETTINGS (0x4, RFC 9113 §6.5).

    ``settings`` is the ordered tuple of (identifier, value) pairs exactly as
    sent: duplicates and unknown identifiers are kept.  :meth:`as_dict` applies
    them in order (last one wins), as a receiver must.
    """

    settings: tuple[tuple[int, int], ...]
    ack: bool
    undefined_flags: int

    def __init__(
        self,
        settings: Mapping[_Key, int] | Iterable[tuple[int, int]] = (),
        *,
        ack: bool = False,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(ack, bool):
                raise type_error("bool", ack)
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if stream_id != 0:
            raise _not_connection("SETTINGS", stream_id)
        pairs: Iterable[object]
        # Concrete types first: the Mapping ABC check alone costs more than a
        # whole small frame.
        if isinstance(settings, dict):
            pairs = settings.items()
        elif isinstance(settings, (list, tuple)):
            pairs = settings
        elif isinstance(settings, Mapping):
            pairs = settings.items()
        else:
            pairs = settings
        entries: tuple[tuple[int, int], ...]
        if COMPILED:
            entries = _settings_entries(pairs, stream_id)
        else:
            # Interpreted, the usual input (pairs of plain ints, as a dict gives
            # them or as parsing builds them) is accepted by a loop ~2x cheaper
            # than the general one.  Anything else, and every error, goes
            # through _settings_entries, which has the exact checks and words.
            entries = tuple(pairs)
            plain = False
            try:
                # A dict's items are tuples; other entries are checked at once.
                if type(settings) is dict or set(map(type, entries)) <= _TUPLE_ONLY:
                    for identifier, value in entries:  # ValueError unless pairs
                        if type(identifier) is not int or type(value) is not int:
                            break
                        if identifier in _SETTING_LIMITS:
                            low, high = _SETTING_LIMITS[identifier]
                            if not low <= value <= high:
                                break
                        elif not (0 <= identifier <= MAX_U16 and 0 <= value <= MAX_U32):
                            break
                    else:
                        plain = True
            except ValueError:
                pass
            if not plain:
                entries = _settings_entries(entries, stream_id)
        if ack and entries:
            raise _error(
                _FRAME_SIZE, "SETTINGS", "settings", "an ACK must carry no settings", stream_id
            )
        if 6 * len(entries) > MAX_PAYLOAD:  # pragma: no cover - needs 2,796,203 entries
            raise _too_long("SETTINGS", 6 * len(entries), stream_id)
        if undefined_flags:
            _check_undefined_flags("SETTINGS", undefined_flags, FLAG_ACK, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "settings", entries)
            object.__setattr__(self, "ack", ack)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["settings"] = entries
            state["ack"] = ack
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        if self.ack:
            return self.undefined_flags | FLAG_ACK
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 6 * len(self.settings)

    def as_dict(self) -> dict[int, int]:
        """The settings applied in order: a later duplicate overrides an earlier one."""
        return dict(self.settings)

    def serialize(self) -> bytes:
        if self.ack and not self.undefined_flags:
            return HEADER_SETTINGS_ACK  # an ACK carries no settings
        settings = self.settings
        head = header(6 * len(settings), SETTINGS, self.flags, 0)
        if COMPILED:
            parts = [head]
            for identifier, value in settings:
                parts.append(((identifier << 32) | value).to_bytes(6, "big"))
            return b"".join(parts)
        # Interpreted, struct packs the entries in one C loop.
        return head + b"".join(starmap(SETTING_FIELDS.pack, settings))


def _check_promised(frame: str, promised: int, stream_id: int) -> None:
    if not 0 < promised <= MAX_STREAM_ID or promised & 1:
        raise _error(
            _PROTOCOL,
            frame,
            "promised_stream_id",
            f"must be a non-zero even 31-bit id (got {promised})",
            stream_id,
        )


@dataclass(frozen=True, init=False, repr=False)
class PushPromiseFrame(Frame):
    """PUSH_PROMISE (0x5, RFC 9113 §6.6).  ``data`` is the field block fragment."""

    promised_stream_id: int
    data: bytes
    end_headers: bool
    padding: bytes | None
    undefined_flags: int

    def __init__(
        self,
        stream_id: int,
        promised_stream_id: int,
        data: bytes = b"",
        *,
        end_headers: bool = False,
        padding: bytes | None = None,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(promised_stream_id, int):
                raise type_error("int", promised_stream_id)
            if not isinstance(data, bytes):
                raise type_error("bytes", data)
            if not isinstance(end_headers, bool):
                raise type_error("bool", end_headers)
            if padding is not None and not isinstance(padding, bytes):
                raise type_error("bytes or None", padding)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("PUSH_PROMISE", stream_id)
        _check_promised("PUSH_PROMISE", promised_stream_id, stream_id)
        extra = 0 if padding is None else _padding_size("PUSH_PROMISE", padding, stream_id)
        if 4 + len(data) + extra > MAX_PAYLOAD:
            raise _too_long("PUSH_PROMISE", 4 + len(data) + extra, stream_id)
        if undefined_flags:
            _check_undefined_flags("PUSH_PROMISE", undefined_flags, 0x0C, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "promised_stream_id", promised_stream_id)
            object.__setattr__(self, "data", data)
            object.__setattr__(self, "end_headers", end_headers)
            object.__setattr__(self, "padding", padding)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["promised_stream_id"] = promised_stream_id
            state["data"] = data
            state["end_headers"] = end_headers
            state["padding"] = padding
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        flags = self.undefined_flags
        if self.end_headers:
            flags |= FLAG_END_HEADERS
        if self.padding is not None:
            flags |= FLAG_PADDED
        return flags

    @property
    def length(self) -> int:
        padding = self.padding
        if padding is None:
            return 4 + len(self.data)
        return 5 + len(self.data) + len(padding)

    def serialize(self) -> bytes:
        padding = self.padding
        head = prefix(self.length, PUSH_PROMISE, self.flags)
        if padding is None:
            tail = (self.stream_id << 32) | self.promised_stream_id
            return b"%b%b%b" % (head, tail.to_bytes(8, "big"), self.data)
        tail = (((self.stream_id << 8) | len(padding)) << 32) | self.promised_stream_id
        return b"%b%b%b%b" % (head, tail.to_bytes(9, "big"), self.data, padding)


@dataclass(frozen=True, init=False, repr=False)
class PingFrame(Frame):
    """PING (0x6, RFC 9113 §6.7).  ``opaque_data`` is exactly 8 octets."""

    opaque_data: bytes
    ack: bool
    undefined_flags: int

    def __init__(
        self,
        opaque_data: bytes = b"\x00" * 8,
        *,
        ack: bool = False,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(opaque_data, bytes):
                raise type_error("bytes", opaque_data)
            if not isinstance(ack, bool):
                raise type_error("bool", ack)
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if stream_id != 0:
            raise _not_connection("PING", stream_id)
        if len(opaque_data) != 8:
            raise _error(
                _FRAME_SIZE,
                "PING",
                "opaque_data",
                f"must be exactly 8 octets (got {len(opaque_data)})",
                0,
            )
        if undefined_flags:
            _check_undefined_flags("PING", undefined_flags, FLAG_ACK, 0)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "opaque_data", opaque_data)
            object.__setattr__(self, "ack", ack)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["opaque_data"] = opaque_data
            state["ack"] = ack
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        if self.ack:
            return self.undefined_flags | FLAG_ACK
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 8

    def serialize(self) -> bytes:
        if self.undefined_flags:
            return header(8, PING, self.flags, 0) + self.opaque_data
        return (HEADER_PING_ACK if self.ack else HEADER_PING) + self.opaque_data


@dataclass(frozen=True, init=False, repr=False)
class GoAwayFrame(Frame):
    """GOAWAY (0x7, RFC 9113 §6.8)."""

    last_stream_id: int
    error_code: int
    debug_data: bytes
    undefined_flags: int

    def __init__(
        self,
        last_stream_id: int = 0,
        error_code: int = 0,
        debug_data: bytes = b"",
        *,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(last_stream_id, int):
                raise type_error("int", last_stream_id)
            if not isinstance(error_code, int):
                raise type_error("int", error_code)
            if not isinstance(debug_data, bytes):
                raise type_error("bytes", debug_data)
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if stream_id != 0:
            raise _not_connection("GOAWAY", stream_id)
        if not 0 <= last_stream_id <= MAX_STREAM_ID:
            raise _error(
                _PROTOCOL,
                "GOAWAY",
                "last_stream_id",
                f"must be in 0..2**31-1 (got {last_stream_id})",
                0,
            )
        _check_u32("GOAWAY", "error_code", error_code, 0)
        if 8 + len(debug_data) > MAX_PAYLOAD:
            raise _too_long("GOAWAY", 8 + len(debug_data), 0)
        if undefined_flags:
            _check_undefined_flags("GOAWAY", undefined_flags, 0, 0)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "last_stream_id", last_stream_id)
            object.__setattr__(self, "error_code", error_code + 0)
            object.__setattr__(self, "debug_data", debug_data)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["last_stream_id"] = last_stream_id
            state["error_code"] = error_code + 0
            state["debug_data"] = debug_data
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 8 + len(self.debug_data)

    def serialize(self) -> bytes:
        debug_data = self.debug_data
        length = 8 + len(debug_data)
        if COMPILED:
            head = prefix(length, GOAWAY, self.undefined_flags)
            tail = (self.last_stream_id << 32) | self.error_code  # after stream id 0
            return b"%b%b%b" % (head, tail.to_bytes(12, "big"), debug_data)
        # Interpreted, one struct call writes the fixed octets.
        fixed = GOAWAY_FIELDS.pack(
            length >> 16,
            length & 0xFFFF,
            GOAWAY,
            self.undefined_flags,
            0,
            self.last_stream_id,
            self.error_code,
        )
        return fixed + debug_data


@dataclass(frozen=True, init=False, repr=False)
class WindowUpdateFrame(Frame):
    """WINDOW_UPDATE (0x8, RFC 9113 §6.9).  Stream 0 updates the connection window."""

    window_increment: int
    undefined_flags: int

    def __init__(self, stream_id: int, window_increment: int, *, undefined_flags: int = 0) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(window_increment, int):
                raise type_error("int", window_increment)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("WINDOW_UPDATE", stream_id)
        if not 1 <= window_increment <= MAX_WINDOW_INCREMENT:
            raise _error(
                _PROTOCOL,
                "WINDOW_UPDATE",
                "window_increment",
                f"must be in 1..2**31-1 (got {window_increment})",
                stream_id,
                _STREAM if stream_id else _CONNECTION,
            )
        if undefined_flags:
            _check_undefined_flags("WINDOW_UPDATE", undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "window_increment", window_increment)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["window_increment"] = window_increment
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 4

    def serialize(self) -> bytes:
        flags = self.undefined_flags
        head = PREFIX_WINDOW_UPDATE if flags == 0 else prefix(4, WINDOW_UPDATE, flags)
        return head + ((self.stream_id << 32) | self.window_increment).to_bytes(8, "big")


@dataclass(frozen=True, init=False, repr=False)
class ContinuationFrame(Frame):
    """CONTINUATION (0x9, RFC 9113 §6.10).  ``data`` is the field block fragment."""

    data: bytes
    end_headers: bool
    undefined_flags: int

    def __init__(
        self,
        stream_id: int,
        data: bytes = b"",
        *,
        end_headers: bool = False,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(data, bytes):
                raise type_error("bytes", data)
            if not isinstance(end_headers, bool):
                raise type_error("bool", end_headers)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("CONTINUATION", stream_id)
        if len(data) > MAX_PAYLOAD:
            raise _too_long("CONTINUATION", len(data), stream_id)
        if undefined_flags:
            _check_undefined_flags("CONTINUATION", undefined_flags, FLAG_END_HEADERS, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "data", data)
            object.__setattr__(self, "end_headers", end_headers)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["data"] = data
            state["end_headers"] = end_headers
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        if self.end_headers:
            return self.undefined_flags | FLAG_END_HEADERS
        return self.undefined_flags

    @property
    def length(self) -> int:
        return len(self.data)

    def serialize(self) -> bytes:
        data = self.data
        return header(len(data), CONTINUATION, self.flags, self.stream_id) + data


# --------------------------------------------------------------------------
# Extension frames
# --------------------------------------------------------------------------


@dataclass(frozen=True, init=False, repr=False)
class AltSvcFrame(Frame):
    """ALTSVC (0xA, RFC 7838 §4).  ``field_value`` is the Alt-Svc field value."""

    origin: bytes
    field_value: bytes
    undefined_flags: int

    def __init__(
        self,
        stream_id: int = 0,
        origin: bytes = b"",
        field_value: bytes = b"",
        *,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(origin, bytes):
                raise type_error("bytes", origin)
            if not isinstance(field_value, bytes):
                raise type_error("bytes", field_value)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("ALTSVC", stream_id)
        if len(origin) > MAX_U16:
            raise _error(
                _FRAME_SIZE,
                "ALTSVC",
                "origin",
                f"at most 65535 octets (got {len(origin)})",
                stream_id,
            )
        if 2 + len(origin) + len(field_value) > MAX_PAYLOAD:
            raise _too_long("ALTSVC", 2 + len(origin) + len(field_value), stream_id)
        if undefined_flags:
            _check_undefined_flags("ALTSVC", undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "origin", origin)
            object.__setattr__(self, "field_value", field_value)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["origin"] = origin
            state["field_value"] = field_value
            state["undefined_flags"] = undefined_flags

    @property
    def applicable(self) -> bool:
        """False when RFC 7838 §4 says a receiver ignores the frame: an origin is
        required on stream 0 and forbidden on any other stream."""
        return (self.stream_id == 0) != (len(self.origin) == 0)

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 2 + len(self.origin) + len(self.field_value)

    def serialize(self) -> bytes:
        origin = self.origin
        field_value = self.field_value
        length = 2 + len(origin) + len(field_value)
        if COMPILED:
            head = prefix(length, ALTSVC, self.undefined_flags)
            tail = (self.stream_id << 16) | len(origin)
            return b"%b%b%b%b" % (head, tail.to_bytes(6, "big"), origin, field_value)
        # Interpreted, one struct call writes the fixed octets.
        fixed = ALTSVC_FIELDS.pack(
            length >> 16,
            length & 0xFFFF,
            ALTSVC,
            self.undefined_flags,
            self.stream_id,
            len(origin),
        )
        return fixed + origin + field_value


@dataclass(frozen=True, init=False, repr=False)
class OriginFrame(Frame):
    """ORIGIN (0xC, RFC 8336 §2).  ``origins`` are the ASCII serialized origins."""

    origins: tuple[bytes, ...]
    undefined_flags: int

    def __init__(
        self,
        origins: Iterable[bytes] = (),
        *,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("ORIGIN", stream_id)
        entries = tuple(origins)
        total = 0
        for origin in entries:
            if not isinstance(origin, bytes):
                raise type_error("bytes", origin)
            if len(origin) > MAX_U16:
                raise _error(
                    _FRAME_SIZE,
                    "ORIGIN",
                    "origins",
                    f"an origin is at most 65535 octets (got {len(origin)})",
                    stream_id,
                )
            total += 2 + len(origin)
        if total > MAX_PAYLOAD:
            raise _too_long("ORIGIN", total, stream_id)
        if undefined_flags:
            _check_undefined_flags("ORIGIN", undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "origins", entries)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["origins"] = entries
            state["undefined_flags"] = undefined_flags

    @property
    def applicable(self) -> bool:
        """False on a non-zero stream, where RFC 8336 §2.1 says to ignore the frame."""
        return self.stream_id == 0

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return sum(2 + len(origin) for origin in self.origins)

    def serialize(self) -> bytes:
        if COMPILED:
            parts = [header(self.length, ORIGIN, self.undefined_flags, self.stream_id)]
            for origin in self.origins:
                parts.append(len(origin).to_bytes(2, "big"))
                parts.append(origin)
            return b"".join(parts)
        # Interpreted: one pass, struct for the lengths, the header written last.
        pieces: list[bytes] = []
        for origin in self.origins:
            pieces += (U16_FIELD.pack(len(origin)), origin)
        body = b"".join(pieces)
        return header(len(body), ORIGIN, self.undefined_flags, self.stream_id) + body


@dataclass(frozen=True, init=False, repr=False)
class PriorityUpdateFrame(Frame):
    """PRIORITY_UPDATE (0x10, RFC 9218 §7.1).  ``field_value`` is the ASCII Priority
    Field Value, e.g. ``b"u=1, i"``."""

    prioritized_stream_id: int
    field_value: bytes
    undefined_flags: int

    def __init__(
        self,
        prioritized_stream_id: int,
        field_value: bytes = b"",
        *,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(prioritized_stream_id, int):
                raise type_error("int", prioritized_stream_id)
            if not isinstance(field_value, bytes):
                raise type_error("bytes", field_value)
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if stream_id != 0:
            raise _not_connection("PRIORITY_UPDATE", stream_id)
        if not 0 < prioritized_stream_id <= MAX_STREAM_ID:
            raise _error(
                _PROTOCOL,
                "PRIORITY_UPDATE",
                "prioritized_stream_id",
                f"must be in 1..2**31-1 (got {prioritized_stream_id})",
                0,
            )
        if 4 + len(field_value) > MAX_PAYLOAD:
            raise _too_long("PRIORITY_UPDATE", 4 + len(field_value), 0)
        if undefined_flags:
            _check_undefined_flags("PRIORITY_UPDATE", undefined_flags, 0, 0)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "prioritized_stream_id", prioritized_stream_id)
            object.__setattr__(self, "field_value", field_value)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["prioritized_stream_id"] = prioritized_stream_id
            state["field_value"] = field_value
            state["undefined_flags"] = undefined_flags

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 4 + len(self.field_value)

    def serialize(self) -> bytes:
        field_value = self.field_value
        length = 4 + len(field_value)
        if COMPILED:
            head = prefix(length, PRIORITY_UPDATE, self.undefined_flags)
            tail = self.prioritized_stream_id  # after stream id 0
            return b"%b%b%b" % (head, tail.to_bytes(8, "big"), field_value)
        # Interpreted, one struct call writes the fixed octets.
        fixed = PRIORITY_UPDATE_FIELDS.pack(
            length >> 16,
            length & 0xFFFF,
            PRIORITY_UPDATE,
            self.undefined_flags,
            0,
            self.prioritized_stream_id,
        )
        return fixed + field_value


@dataclass(frozen=True, init=False, repr=False)
class UnknownFrame(Frame):
    """A frame of a type h2wire has no class for (RFC 9113 §4.1: ignore, but keep).

    All its flag bits are undefined, so they live in ``undefined_flags``.
    ``frame_type`` may not be a type in :data:`FRAME_TYPES`.
    """

    frame_type: int
    payload: bytes
    undefined_flags: int

    def __init__(
        self,
        frame_type: int,
        stream_id: int = 0,
        payload: bytes = b"",
        *,
        undefined_flags: int = 0,
    ) -> None:
        # The argument checks mypyc makes when compiled, in its order and words.
        if not COMPILED:  # compiled, mypyc has made these checks already
            if not isinstance(frame_type, int):
                raise type_error("int", frame_type)
            if not isinstance(stream_id, int):
                raise type_error("int", stream_id)
            if not isinstance(payload, bytes):
                raise type_error("bytes", payload)
            if not isinstance(undefined_flags, int):
                raise type_error("int", undefined_flags)
        if not 0 <= frame_type <= 0xFF or frame_type in _REGISTRY:
            raise _error(
                _PROTOCOL,
                "unknown",
                "frame_type",
                f"must be an octet with no registered class (got {frame_type})",
                stream_id,
            )
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise _bad_stream_id("unknown", stream_id)
        if len(payload) > MAX_PAYLOAD:
            raise _too_long("unknown", len(payload), stream_id)
        if undefined_flags:
            _check_undefined_flags("unknown", undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "frame_type", frame_type)
            object.__setattr__(self, "payload", payload)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["frame_type"] = frame_type
            state["payload"] = payload
            state["undefined_flags"] = undefined_flags

    @property
    def type(self) -> int:
        return self.frame_type

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return len(self.payload)

    def serialize(self) -> bytes:
        payload = self.payload
        return header(len(payload), self.frame_type, self.undefined_flags, self.stream_id) + payload


# Class constants (assigned here, outside the dataclass bodies; see module doc).
DataFrame.TYPE = DATA
DataFrame.DEFINED_FLAGS = FLAG_END_STREAM | FLAG_PADDED
HeadersFrame.TYPE = HEADERS
HeadersFrame.DEFINED_FLAGS = FLAG_END_STREAM | FLAG_END_HEADERS | FLAG_PADDED | FLAG_PRIORITY
PriorityFrame.TYPE = PRIORITY
PriorityFrame.DEFINED_FLAGS = 0
RstStreamFrame.TYPE = RST_STREAM
RstStreamFrame.DEFINED_FLAGS = 0
SettingsFrame.TYPE = SETTINGS
SettingsFrame.DEFINED_FLAGS = FLAG_ACK
PushPromiseFrame.TYPE = PUSH_PROMISE
PushPromiseFrame.DEFINED_FLAGS = FLAG_END_HEADERS | FLAG_PADDED
PingFrame.TYPE = PING
PingFrame.DEFINED_FLAGS = FLAG_ACK
GoAwayFrame.TYPE = GOAWAY
GoAwayFrame.DEFINED_FLAGS = 0
WindowUpdateFrame.TYPE = WINDOW_UPDATE
WindowUpdateFrame.DEFINED_FLAGS = 0
ContinuationFrame.TYPE = CONTINUATION
ContinuationFrame.DEFINED_FLAGS = FLAG_END_HEADERS
AltSvcFrame.TYPE = ALTSVC
AltSvcFrame.DEFINED_FLAGS = 0
OriginFrame.TYPE = ORIGIN
OriginFrame.DEFINED_FLAGS = 0
PriorityUpdateFrame.TYPE = PRIORITY_UPDATE
PriorityUpdateFrame.DEFINED_FLAGS = 0
UnknownFrame.TYPE = -1
UnknownFrame.DEFINED_FLAGS = 0


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

_BUILTIN: Final[tuple[type[Frame], ...]] = (
    DataFrame,
    HeadersFrame,
    PriorityFrame,
    RstStreamFrame,
    SettingsFrame,
    PushPromiseFrame,
    PingFrame,
    GoAwayFrame,
    WindowUpdateFrame,
    ContinuationFrame,
    AltSvcFrame,
    OriginFrame,
    PriorityUpdateFrame,
)
_REGISTRY: Final[dict[int, type[Frame]]] = {cls.TYPE: cls for cls in _BUILTIN}

#: Read-only mapping of frame type code to frame class: the built-in types and
#: any registered with :func:`register_frame_type`.
FRAME_TYPES: Final[Mapping[int, type[Frame]]] = MappingProxyType(_REGISTRY)


def register_frame_type(cls: type[Frame]) -> type[Frame]:
    """Register ``cls`` as the class for frames of type ``cls.TYPE``.

    ``cls`` must subclass :class:`Frame`, set ``TYPE`` to an unclaimed type code
    (0..255) after its class statement, and implement ``from_payload``,
    ``serialize``, ``flags`` and ``length``.  From then on
    :func:`~h2wire.parse_frame` builds such frames with
    ``cls.from_payload(flags, stream_id, payload)`` instead of
    :class:`UnknownFrame`.  Usable as a class decorator; returns ``cls``.
    """
    if not isinstance(cls, type) or not issubclass(cls, Frame):
        raise TypeError(f"{cls!r} is not a Frame subclass")
    code = getattr(cls, "TYPE", None)
    if not isinstance(code, int) or not 0 <= code <= 0xFF:
        raise ValueError(f"{cls.__name__}.TYPE must be a frame type code 0..255, got {code!r}")
    current = _REGISTRY.get(code)
    if current is not None and current is not cls:
        raise ValueError(f"frame type {code:#04x} is already registered to {current.__name__}")
    _REGISTRY[code] = cls
    return cls


def unregister_frame_type(code: int) -> None:
    """Remove a class added by :func:`register_frame_type` (built-in types stay)."""
    current = _REGISTRY.get(code)
    if current is None:
        return
    if current in _BUILTIN:
        raise ValueError(f"frame type {code:#04x} is built in and cannot be unregistered")
    del _REGISTRY[code]


__all__ = [
    "FRAME_TYPES",
    "AltSvcFrame",
    "ContinuationFrame",
    "DataFrame",
    "Frame",
    "GoAwayFrame",
    "HeadersFrame",
    "OriginFrame",
    "PingFrame",
    "PriorityFrame",
    "PriorityUpdateFrame",
    "PushPromiseFrame",
    "RstStreamFrame",
    "SettingsFrame",
    "StreamDependency",
    "UnknownFrame",
    "WindowUpdateFrame",
    "register_frame_type",
    "unregister_frame_type",
]
