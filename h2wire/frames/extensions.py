"""Extension frames h2wire knows: ALTSVC (0xA, RFC 7838 §4), ORIGIN (0xC,
RFC 8336 §2), PRIORITY_UPDATE (0x10, RFC 9218 §7.1); and :class:`UnknownFrame`,
which keeps a frame of any other type.

None of them defines a flag.  RFC 9113 §5.5 lets an endpoint ignore extension
frames it does not understand; two of these RFCs go further and say a receiver
ignores a malformed or misplaced frame rather than failing the connection, which
is what ``Scope.FRAME`` and the ``applicable`` properties report.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from h2wire.codes import ALTSVC, ORIGIN, PRIORITY_UPDATE, UNKNOWN_TYPE, ErrorCode
from h2wire.errors import Scope, frame_error
from h2wire.frames.base import (
    REGISTRY,
    Frame,
    check_undefined_flags,
    connection_only_error,
    payload_too_long,
    stream_id_error,
    too_short,
)
from h2wire.mode import COMPILED, wrong_argument_type, wrong_type
from h2wire.wire import MAX_PAYLOAD, MAX_STREAM_ID, MAX_U16, header, prefix, read_u32

#: For the interpreted build: one 16-bit length (an ORIGIN entry's), and the
#: frame header followed by the fixed fields of ALTSVC (Origin-Len) and of
#: PRIORITY_UPDATE (Prioritized Stream ID), to write those in one call.
U16_FIELD: Final = struct.Struct(">H")
ALTSVC_FIELDS: Final = struct.Struct(">BHBBLH")
PRIORITY_UPDATE_FIELDS: Final = struct.Struct(">BHBBLL")


@dataclass(frozen=True, init=False, repr=False)
class AltSvcFrame(Frame):
    """ALTSVC (0xA, RFC 7838 §4).  ``field_value`` is the Alt-Svc field value."""

    #: The origin the alternative applies to: required on stream 0, empty elsewhere.
    origin: bytes
    #: The Alt-Svc field value.
    field_value: bytes
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(
        self,
        stream_id: int = 0,
        origin: bytes = b"",
        field_value: bytes = b"",
        *,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(origin, bytes)
            and isinstance(field_value, bytes)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                AltSvcFrame.__init__, stream_id, origin, field_value, undefined_flags
            )
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise stream_id_error(ALTSVC, stream_id)
        # "Origin-Len: An unsigned, 16-bit integer" (RFC 7838 §4).
        if len(origin) > MAX_U16:
            raise frame_error(
                ErrorCode.FRAME_SIZE_ERROR,
                ALTSVC,
                "origin",
                f"at most 65535 octets (got {len(origin)})",
                stream_id,
            )
        if 2 + len(origin) + len(field_value) > MAX_PAYLOAD:
            raise payload_too_long(ALTSVC, 2 + len(origin) + len(field_value), stream_id)
        if undefined_flags:
            check_undefined_flags(ALTSVC, undefined_flags, 0, stream_id)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        if end - start < 2:
            raise too_short(ALTSVC, "origin", 2, end - start, stream_id)
        origin_length = (buf[start] << 8) | buf[start + 1]
        # The origin must fit the payload; RFC 7838 §4 makes the rest of the
        # payload the Alt-Svc-Field-Value.
        if origin_length > end - start - 2:
            raise frame_error(
                ErrorCode.FRAME_SIZE_ERROR,
                ALTSVC,
                "origin",
                f"Origin-Len {origin_length} exceeds the {end - start - 2} octets left",
                stream_id,
            )
        return AltSvcFrame(
            stream_id,
            buf[start + 2 : start + 2 + origin_length],
            buf[start + 2 + origin_length : end],
            undefined_flags=flags,
        )

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

    #: The ASCII serialized origins, in order.
    origins: tuple[bytes, ...]
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(
        self,
        origins: Iterable[bytes] = (),
        *,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int) and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(OriginFrame.__init__, origins, stream_id, undefined_flags)
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise stream_id_error(ORIGIN, stream_id)
        entries = tuple(origins)
        total = 0
        for origin in entries:
            if not isinstance(origin, bytes):
                raise wrong_type("bytes", origin)
            # "Origin-Len: An unsigned, 16-bit integer" (RFC 8336 §2).
            if len(origin) > MAX_U16:
                raise frame_error(
                    ErrorCode.FRAME_SIZE_ERROR,
                    ORIGIN,
                    "origins",
                    f"an origin is at most 65535 octets (got {len(origin)})",
                    stream_id,
                )
            total += 2 + len(origin)
        if total > MAX_PAYLOAD:
            raise payload_too_long(ORIGIN, total, stream_id)
        if undefined_flags:
            check_undefined_flags(ORIGIN, undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "origins", entries)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["origins"] = entries
            state["undefined_flags"] = undefined_flags

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        origins = []
        pos = start
        while pos < end:
            # A truncated entry makes the frame malformed; RFC 8336 §2.1 has
            # the receiver ignore such a frame, not fail the connection.
            if end - pos < 2:
                raise frame_error(
                    ErrorCode.FRAME_SIZE_ERROR,
                    ORIGIN,
                    "origins",
                    "truncated Origin-Len",
                    stream_id,
                    Scope.FRAME,
                )
            size = (buf[pos] << 8) | buf[pos + 1]
            pos += 2
            if size > end - pos:
                raise frame_error(
                    ErrorCode.FRAME_SIZE_ERROR,
                    ORIGIN,
                    "origins",
                    f"Origin-Len {size} exceeds the {end - pos} octets left",
                    stream_id,
                    Scope.FRAME,
                )
            origins.append(buf[pos : pos + size])
            pos += size
        return OriginFrame(origins, stream_id=stream_id, undefined_flags=flags)

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

    #: The stream whose priority changes.
    prioritized_stream_id: int
    #: The ASCII Priority Field Value, e.g. ``b"u=1, i"``.
    field_value: bytes
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(
        self,
        prioritized_stream_id: int,
        field_value: bytes = b"",
        *,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(prioritized_stream_id, int)
            and isinstance(field_value, bytes)
            and isinstance(stream_id, int)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                PriorityUpdateFrame.__init__,
                prioritized_stream_id,
                field_value,
                stream_id,
                undefined_flags,
            )
        # RFC 9218 §7.1: PRIORITY_UPDATE is sent on stream 0; any other stream
        # is a connection error of type PROTOCOL_ERROR.
        if stream_id != 0:
            raise connection_only_error(PRIORITY_UPDATE, stream_id)
        # A Prioritized Stream ID of 0x00 is likewise a PROTOCOL_ERROR (§7.1).
        if not 0 < prioritized_stream_id <= MAX_STREAM_ID:
            raise frame_error(
                ErrorCode.PROTOCOL_ERROR,
                PRIORITY_UPDATE,
                "prioritized_stream_id",
                f"must be in 1..2**31-1 (got {prioritized_stream_id})",
            )
        if 4 + len(field_value) > MAX_PAYLOAD:
            raise payload_too_long(PRIORITY_UPDATE, 4 + len(field_value), 0)
        if undefined_flags:
            check_undefined_flags(PRIORITY_UPDATE, undefined_flags, 0, 0)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        # The Prioritized Stream ID is mandatory: fewer than 4 octets is a
        # FRAME_SIZE_ERROR (RFC 9218 §7.1).
        if end - start < 4:
            raise too_short(PRIORITY_UPDATE, "prioritized_stream_id", 4, end - start, stream_id)
        return PriorityUpdateFrame(
            read_u32(buf, start) & MAX_STREAM_ID,  # "Reserved (1), Prioritized Stream ID (31)"
            buf[start + 4 : end],
            stream_id=stream_id,
            undefined_flags=flags,
        )

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
    """A frame of a type h2wire has no class for.

    RFC 9113 §4.1: "Implementations MUST ignore and discard frames of unknown
    types"; h2wire hands them over intact and lets the caller discard them.
    All its flag bits are undefined, so they live in ``undefined_flags``.
    ``frame_type`` may not be a type in :data:`~h2wire.FRAME_TYPES`.  (The codec
    builds one directly: without a type code of its own the class has no
    ``load``.)
    """

    #: The frame's type code (one with no registered class).
    frame_type: int
    #: The whole payload, as received.
    payload: bytes
    #: The whole flags octet: the type defines no flag h2wire knows.
    undefined_flags: int

    def __init__(
        self,
        frame_type: int,
        stream_id: int = 0,
        payload: bytes = b"",
        *,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(frame_type, int)
            and isinstance(stream_id, int)
            and isinstance(payload, bytes)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                UnknownFrame.__init__, frame_type, stream_id, payload, undefined_flags
            )
        if not 0 <= frame_type <= 0xFF or frame_type in REGISTRY:
            raise frame_error(
                ErrorCode.PROTOCOL_ERROR,
                UNKNOWN_TYPE,
                "frame_type",
                f"must be an octet with no registered class (got {frame_type})",
                stream_id,
            )
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise stream_id_error(UNKNOWN_TYPE, stream_id)
        if len(payload) > MAX_PAYLOAD:
            raise payload_too_long(UNKNOWN_TYPE, len(payload), stream_id)
        if undefined_flags:
            check_undefined_flags(UNKNOWN_TYPE, undefined_flags, 0, stream_id)
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

    def wire_parts(self) -> tuple[bytes, ...]:
        payload = self.payload
        return (
            header(len(payload), self.frame_type, self.undefined_flags, self.stream_id),
            payload,
        )


AltSvcFrame.TYPE = ALTSVC
OriginFrame.TYPE = ORIGIN
PriorityUpdateFrame.TYPE = PRIORITY_UPDATE
UnknownFrame.TYPE = UNKNOWN_TYPE

__all__ = ["AltSvcFrame", "OriginFrame", "PriorityUpdateFrame", "UnknownFrame"]
