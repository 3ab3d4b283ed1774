"""What every frame type shares: the :class:`Frame` base class, the field rules
that more than one type states, and the registry's table.

A frame type's module holds the rest of its wire format: flag names and
masks, the class with its constructor (every rule that needs no connection
state), ``load`` (payload octets to frame) and ``serialize`` (frame to octets).
The rules here are the ones RFC 9113 states for several types at once; each is
written once and named for what it checks, and each returns its
:class:`~h2wire.FrameError` for the caller to ``raise``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import ClassVar, Final

from h2wire.codes import ErrorCode
from h2wire.errors import FrameError, Scope, frame_error
from h2wire.frames.raw import RawFrame
from h2wire.mode import mypyc_attr
from h2wire.wire import HEADER_SIZE, MAX_STREAM_ID, MAX_U32

#: Frame type code -> class: the built-in types (added by
#: :mod:`h2wire.frames.registry`) and those registered with
#: :func:`~h2wire.register_frame_type`.  The codec reads it for types its
#: dispatch does not name; :class:`~h2wire.UnknownFrame` refuses its codes.
REGISTRY: Final[dict[int, type[Frame]]] = {}


@mypyc_attr(allow_interpreted_subclasses=True)
class FrameClassConstants:
    """Class-level constants, kept out of the dataclass hierarchy: a compiled
    dataclass turns any class-body assignment into a field (see h2wire.mode)."""

    #: The frame type code of the class (UnknownFrame: -1; see ``type``).
    TYPE: ClassVar[int]
    #: The bits of the flags octet this frame type defines (none by default).
    DEFINED_FLAGS: ClassVar[int] = 0
    #: (name, bit) of each flag this frame type defines, in bit order.
    FLAGS: ClassVar[tuple[tuple[str, int], ...]] = ()


@mypyc_attr(allow_interpreted_subclasses=True)
@dataclass(frozen=True, init=False, repr=False)
class Frame(FrameClassConstants):
    """Base class of every frame.

    Subclasses are frozen dataclasses; instances compare by value, hash, pickle
    and work with ``dataclasses.replace`` and ``match``.
    """

    #: The stream the frame is on: 0 for the connection itself.
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

    def to_raw(self) -> RawFrame:
        """This frame's header and payload as a :class:`~h2wire.RawFrame`, whose
        fields can then be changed one by one (``dataclasses.replace``)."""
        wire = self.serialize()
        return RawFrame(self.type, wire[4], self.stream_id, wire[HEADER_SIZE:])

    def wire_parts(self) -> tuple[bytes, ...]:
        """The frame's wire bytes as parts to write in order, payload not copied.

        ``b"".join(frame.wire_parts()) == frame.serialize()``.  A type that
        carries a bulk payload (DATA's data, a field block fragment, GOAWAY's
        debug data, an unknown type's payload) gives first its header with the
        fixed fields that follow it (Pad Length, priority, promised stream id,
        last stream id and error code), then the payload object the frame
        holds, then its padding if it has any.  Every other type, and an
        extension class that does not override this, gives one part:
        ``serialize()``.  :func:`~h2wire.serialize_vectored` writes frames
        this way.
        """
        return (self.serialize(),)

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        """Build a frame of this class from the payload ``buf[start:end]``.

        ``flags`` and ``stream_id`` come from the frame header (the stream id
        without its reserved bit).  Every frame class implements this, the
        built-in ones and those registered with
        :func:`~h2wire.register_frame_type` alike; the codec calls it with the
        payload in place in its input, so a class slices only the fields it
        keeps.  Raises :class:`~h2wire.FrameError` for a payload that breaks a
        rule of the type.
        """
        raise NotImplementedError(f"{cls.__name__} does not implement load()")

    @classmethod
    def from_payload(cls, flags: int, stream_id: int, payload: bytes) -> Frame:
        """Build a frame of this class from a whole payload (``load`` over all of it)."""
        return cls.load(flags, stream_id, payload, 0, len(payload))

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


def _brief(value: object) -> str:
    """A short repr: long byte strings show their size and first octets only."""
    if isinstance(value, bytes) and len(value) > 32:
        return f"<{len(value)} bytes: {value[:16].hex()}...>"
    if isinstance(value, tuple) and len(value) > 8:
        return f"<{len(value)} items: {', '.join(_brief(v) for v in value[:4])}, ...>"
    return repr(value)


def _rebuild(cls: Callable[..., Frame], kwargs: dict[str, object]) -> Frame:
    return cls(**kwargs)


# -- field rules shared by several frame types ----------------------------------
# Callers test the fast condition inline and call these on failure only.


def stream_id_error(frame_type: int, stream_id: int) -> FrameError:
    """A stream id outside 1..2**31-1 (or 0..2**31-1 where stream 0 is allowed).

    RFC 9113 §5.1.1: "Streams are identified by an unsigned 31-bit integer";
    and for DATA, HEADERS, PRIORITY, RST_STREAM, PUSH_PROMISE and CONTINUATION
    (§6.1-6.4, §6.6, §6.10): "If [such a] frame is received whose Stream
    Identifier field is 0x00, the recipient MUST respond with a connection error
    (Section 5.4.1) of type PROTOCOL_ERROR."
    """
    reason = "must be non-zero" if stream_id == 0 else f"must be in 0..2**31-1 (got {stream_id})"
    return frame_error(ErrorCode.PROTOCOL_ERROR, frame_type, "stream_id", reason)


def connection_only_error(frame_type: int, stream_id: int) -> FrameError:
    """A connection-level frame on a stream: SETTINGS, PING, GOAWAY (§6.5, §6.7,
    §6.8) and PRIORITY_UPDATE (RFC 9218 §7.1) all say that a stream identifier
    other than 0x00 is "a connection error (Section 5.4.1) of type PROTOCOL_ERROR"."""
    return frame_error(
        ErrorCode.PROTOCOL_ERROR, frame_type, "stream_id", f"must be 0 (got {stream_id})", stream_id
    )


def payload_too_long(frame_type: int, length: int, stream_id: int) -> FrameError:
    """A frame whose payload the 24-bit Length field cannot express (§4.1)."""
    return frame_error(
        ErrorCode.FRAME_SIZE_ERROR,
        frame_type,
        "length",
        f"payload of {length} octets exceeds 2**24-1",
        stream_id,
    )


def check_undefined_flags(frame_type: int, flags: int, defined: int, stream_id: int) -> None:
    """``undefined_flags`` must be an octet that sets none of the type's defined bits.

    §4.1: "Unused flags MUST be ignored on receipt and MUST be left unset (0x00)
    when sending."  A frame keeps the unused bits it was received with, so that
    it serializes back exactly; a frame built by a caller has none.
    """
    if not 0 <= flags <= 0xFF or flags & defined:
        raise frame_error(
            ErrorCode.PROTOCOL_ERROR,
            frame_type,
            "undefined_flags",
            f"must be an octet without the defined bits {defined:#04x} (got {flags})",
            stream_id,
        )


def padding_size(frame_type: int, padding: bytes, stream_id: int) -> int:
    """The octets present ``padding`` adds to a payload: the Pad Length octet and
    the padding (DATA, HEADERS, PUSH_PROMISE: "Padding (..2040)", at most 255)."""
    if len(padding) > 255:
        raise frame_error(
            ErrorCode.PROTOCOL_ERROR,
            frame_type,
            "padding",
            f"at most 255 octets (got {len(padding)})",
            stream_id,
        )
    return 1 + len(padding)


def check_dependency(frame_type: int, stream_id: int, depends_on: int, weight: int) -> None:
    """RFC 7540 priority fields (HEADERS, PRIORITY): a 31-bit dependency and an
    8-bit weight.  RFC 7540 §5.3.1: "A stream cannot depend on itself.  An
    endpoint MUST treat this as a stream error (Section 5.4.2) of type
    PROTOCOL_ERROR."
    """
    if not 0 <= depends_on <= MAX_STREAM_ID:
        raise frame_error(
            ErrorCode.PROTOCOL_ERROR,
            frame_type,
            "depends_on",
            f"must be in 0..2**31-1 (got {depends_on})",
            stream_id,
        )
    if not 0 <= weight <= 255:
        raise frame_error(
            ErrorCode.PROTOCOL_ERROR,
            frame_type,
            "weight",
            f"must be in 0..255 (got {weight})",
            stream_id,
        )
    if depends_on == stream_id and stream_id:
        raise self_dependency_error(frame_type, "depends_on", stream_id)


def self_dependency_error(frame_type: int, field: str, stream_id: int) -> FrameError:
    """A stream that depends on itself: a stream error (RFC 7540 §5.3.1)."""
    return frame_error(
        ErrorCode.PROTOCOL_ERROR,
        frame_type,
        field,
        "a stream cannot depend on itself",
        stream_id,
        Scope.STREAM,
    )


def check_u32(frame_type: int, field: str, value: int, stream_id: int) -> None:
    """A 32-bit field such as an error code (RST_STREAM, GOAWAY)."""
    if not 0 <= value <= MAX_U32:
        raise frame_error(
            ErrorCode.PROTOCOL_ERROR,
            frame_type,
            field,
            f"must be in 0..2**32-1 (got {value})",
            stream_id,
        )


# -- payload layout rules, for the load side -----------------------------------


def too_short(frame_type: int, field: str, need: int, have: int, stream_id: int) -> FrameError:
    """A payload too small for the type's mandatory fields.  §4.2: "An endpoint
    MUST send an error code of FRAME_SIZE_ERROR if a frame [...] is too small to
    contain mandatory frame data."""
    return frame_error(
        ErrorCode.FRAME_SIZE_ERROR,
        frame_type,
        field,
        f"payload of {have} octets is too short ({need} needed)",
        stream_id,
    )


def wrong_length(
    frame_type: int, length: int, expected: int, stream_id: int, scope: Scope = Scope.CONNECTION
) -> FrameError:
    """A fixed-size payload of another size (PRIORITY, RST_STREAM, PING,
    WINDOW_UPDATE: "a length other than N octets MUST be treated as a [...]
    error of type FRAME_SIZE_ERROR")."""
    return frame_error(
        ErrorCode.FRAME_SIZE_ERROR,
        frame_type,
        "length",
        f"payload must be {expected} octets (got {length})",
        stream_id,
        scope,
    )


def padding_overlap(frame_type: int, pad: int, room: int, stream_id: int) -> FrameError:
    """A Pad Length larger than what the payload has left for it.  §6.1, §6.2,
    §6.6: "If the length of the padding is the length of the frame payload or
    greater, the recipient MUST treat this as a connection error (Section
    5.4.1) of type PROTOCOL_ERROR."  (Counted after the Pad Length octet and the
    type's fixed fields: padding may fill the rest exactly.)"""
    return frame_error(
        ErrorCode.PROTOCOL_ERROR,
        frame_type,
        "padding",
        f"pad length {pad} exceeds the {room} octets left for it",
        stream_id,
    )


__all__ = ["REGISTRY", "Frame"]
