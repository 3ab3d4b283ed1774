"""The fixed-layout control frames of RFC 9113: PRIORITY (0x2, §6.3),
RST_STREAM (0x3, §6.4), PING (0x6, §6.7), GOAWAY (0x7, §6.8) and WINDOW_UPDATE
(0x8, §6.9).

Their payloads are a few fixed fields (GOAWAY adds opaque debug data), so each
is written from a constant prefix and one integer where it can be: see the
writing notes in ``h2wire.wire``.  Only PING defines a flag (ACK).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from h2wire.codes import GOAWAY, PING, PRIORITY, RST_STREAM, WINDOW_UPDATE, ErrorCode
from h2wire.errors import Scope, frame_error
from h2wire.frames.base import (
    Frame,
    check_dependency,
    check_u32,
    check_undefined_flags,
    connection_only_error,
    payload_too_long,
    stream_id_error,
    too_short,
    wrong_length,
)
from h2wire.mode import COMPILED, wrong_argument_type
from h2wire.wire import (
    DEPENDENCY,
    FLAG_ACK,
    MAX_PAYLOAD,
    MAX_STREAM_ID,
    MAX_WINDOW_INCREMENT,
    RESERVED_BIT,
    header,
    prefix,
    read_u32,
)

#: The flag PING defines (§6.7); PRIORITY, RST_STREAM, GOAWAY and WINDOW_UPDATE
#: define none.
PING_FLAGS: Final = (("ACK", FLAG_ACK),)
PING_DEFINED: Final = FLAG_ACK
PING_UNDEFINED: Final = 0xFF ^ PING_DEFINED

# Fixed-size frames with no flags set, which is nearly all of them: the first
# five octets are constant.  Prefix + one 8-octet to_bytes of (stream id, field)
# stays within mypyc's native integers for stream ids below 2**30 (~2x struct.pack).
PREFIX_PRIORITY: Final = prefix(5, PRIORITY, 0)
PREFIX_RST_STREAM: Final = prefix(4, RST_STREAM, 0)
PREFIX_WINDOW_UPDATE: Final = prefix(4, WINDOW_UPDATE, 0)
# PING headers depend on nothing but the ACK flag: writing one is one concatenation.
HEADER_PING: Final = header(8, PING, 0, 0)
HEADER_PING_ACK: Final = header(8, PING, FLAG_ACK, 0)

#: GOAWAY's fixed fields for the interpreted build: last stream id, error code;
#: and with the header before them, to write the frame in one call.
GOAWAY_IDS: Final = struct.Struct(">LL")
GOAWAY_FIELDS: Final = struct.Struct(">BHBBLLL")


@dataclass(frozen=True, init=False, repr=False)
class PriorityFrame(Frame):
    """PRIORITY (0x2, RFC 9113 §6.3).  ``weight`` is the wire octet (effective weight - 1)."""

    #: The stream this one depends on (0: the root).
    depends_on: int
    #: The weight's wire octet 0..255; the effective weight is ``weight + 1``.
    weight: int
    #: The E flag: the dependency is exclusive.
    exclusive: bool
    #: Flag bits the type does not define, as received (0 for frames you build).
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
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(depends_on, int)
            and isinstance(weight, int)
            and isinstance(exclusive, bool)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                PriorityFrame.__init__, stream_id, depends_on, weight, exclusive, undefined_flags
            )
        # "If a PRIORITY frame is received with a stream identifier of 0x00, the
        # recipient MUST respond with a connection error (Section 5.4.1) of type
        # PROTOCOL_ERROR." (§6.3)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise stream_id_error(PRIORITY, stream_id)
        check_dependency(PRIORITY, stream_id, depends_on, weight)
        if undefined_flags:
            check_undefined_flags(PRIORITY, undefined_flags, 0, stream_id)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        # "A PRIORITY frame with a length other than 5 octets MUST be treated as
        # a stream error (Section 5.4.2) of type FRAME_SIZE_ERROR." (On stream 0
        # the frame is a connection error anyway, §4.2.)
        if end - start != 5:
            scope = Scope.STREAM if stream_id else Scope.CONNECTION
            raise wrong_length(PRIORITY, end - start, 5, stream_id, scope)
        if COMPILED:
            dependency = read_u32(buf, start)
            weight = buf[start + 4]
        else:  # interpreted, one struct call
            dependency, weight = DEPENDENCY.unpack_from(buf, start)
        return PriorityFrame(
            stream_id,
            dependency & MAX_STREAM_ID,
            weight,
            bool(dependency & RESERVED_BIT),
            undefined_flags=flags,
        )

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 5

    def serialize(self) -> bytes:
        dependency = self.depends_on
        if self.exclusive:
            dependency |= RESERVED_BIT
        flags = self.undefined_flags
        head = PREFIX_PRIORITY if flags == 0 else prefix(5, PRIORITY, flags)
        return head + ((self.stream_id << 40) | (dependency << 8) | self.weight).to_bytes(9, "big")


@dataclass(frozen=True, init=False, repr=False)
class RstStreamFrame(Frame):
    """RST_STREAM (0x3, RFC 9113 §6.4).  Unregistered error codes are kept as ints."""

    #: Why the stream ends: an :class:`~h2wire.ErrorCode` value, or any other 32-bit code.
    error_code: int
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(self, stream_id: int, error_code: int = 0, *, undefined_flags: int = 0) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(error_code, int)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                RstStreamFrame.__init__, stream_id, error_code, undefined_flags
            )
        # "If a RST_STREAM frame is received with a stream identifier of 0x00,
        # the recipient MUST treat this as a connection error (Section 5.4.1) of
        # type PROTOCOL_ERROR." (§6.4)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise stream_id_error(RST_STREAM, stream_id)
        check_u32(RST_STREAM, "error_code", error_code, stream_id)
        if undefined_flags:
            check_undefined_flags(RST_STREAM, undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "error_code", error_code + 0)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["error_code"] = error_code + 0  # an ErrorCode member becomes a plain int
            state["undefined_flags"] = undefined_flags

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        # "A RST_STREAM frame with a length other than 4 octets MUST be treated
        # as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        if end - start != 4:
            raise wrong_length(RST_STREAM, end - start, 4, stream_id)
        return RstStreamFrame(stream_id, read_u32(buf, start), undefined_flags=flags)

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


@dataclass(frozen=True, init=False, repr=False)
class PingFrame(Frame):
    """PING (0x6, RFC 9113 §6.7).  ``opaque_data`` is exactly 8 octets."""

    #: 8 octets of the sender's choosing, echoed back in the ACK.
    opaque_data: bytes
    #: ACK: this frame answers a PING.
    ack: bool
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(
        self,
        opaque_data: bytes = b"\x00" * 8,
        *,
        ack: bool = False,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(opaque_data, bytes)
            and isinstance(ack, bool)
            and isinstance(stream_id, int)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                PingFrame.__init__, opaque_data, ack, stream_id, undefined_flags
            )
        # "If a PING frame is received with a Stream Identifier field value other
        # than 0x00, the recipient MUST respond with a connection error (Section
        # 5.4.1) of type PROTOCOL_ERROR." (§6.7)
        if stream_id != 0:
            raise connection_only_error(PING, stream_id)
        # "PING frames MUST contain 8 octets of opaque data in the frame payload."
        if len(opaque_data) != 8:
            raise frame_error(
                ErrorCode.FRAME_SIZE_ERROR,
                PING,
                "opaque_data",
                f"must be exactly 8 octets (got {len(opaque_data)})",
            )
        if undefined_flags:
            check_undefined_flags(PING, undefined_flags, PING_DEFINED, 0)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        # "Receipt of a PING frame with a length field value other than 8 MUST be
        # treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        if end - start != 8:
            raise wrong_length(PING, end - start, 8, stream_id)
        return PingFrame(
            buf[start:end],
            ack=bool(flags & FLAG_ACK),
            stream_id=stream_id,
            undefined_flags=flags & PING_UNDEFINED,
        )

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

    #: The highest-numbered stream the sender might have acted or might yet act on.
    last_stream_id: int
    #: Why the connection ends: an :class:`~h2wire.ErrorCode` value, or any other 32-bit code.
    error_code: int
    #: Opaque diagnostic octets.
    debug_data: bytes
    #: Flag bits the type does not define, as received (0 for frames you build).
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
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(last_stream_id, int)
            and isinstance(error_code, int)
            and isinstance(debug_data, bytes)
            and isinstance(stream_id, int)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                GoAwayFrame.__init__,
                last_stream_id,
                error_code,
                debug_data,
                stream_id,
                undefined_flags,
            )
        # "An endpoint MUST treat a GOAWAY frame with a stream identifier other
        # than 0x00 as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if stream_id != 0:
            raise connection_only_error(GOAWAY, stream_id)
        if not 0 <= last_stream_id <= MAX_STREAM_ID:
            raise frame_error(
                ErrorCode.PROTOCOL_ERROR,
                GOAWAY,
                "last_stream_id",
                f"must be in 0..2**31-1 (got {last_stream_id})",
            )
        check_u32(GOAWAY, "error_code", error_code, 0)
        if 8 + len(debug_data) > MAX_PAYLOAD:
            raise payload_too_long(GOAWAY, 8 + len(debug_data), 0)
        if undefined_flags:
            check_undefined_flags(GOAWAY, undefined_flags, 0, 0)
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
            state["error_code"] = error_code + 0  # an ErrorCode member becomes a plain int
            state["debug_data"] = debug_data
            state["undefined_flags"] = undefined_flags

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        # Last-Stream-ID and Error Code are mandatory (§4.2: a frame "too small
        # to contain mandatory frame data" is a FRAME_SIZE_ERROR).
        if end - start < 8:
            raise too_short(GOAWAY, "length", 8, end - start, stream_id)
        if COMPILED:
            last_stream_id = read_u32(buf, start)
            error_code = read_u32(buf, start + 4)
        else:  # interpreted, one struct call
            last_stream_id, error_code = GOAWAY_IDS.unpack_from(buf, start)
        return GoAwayFrame(
            last_stream_id & MAX_STREAM_ID,  # "Reserved (1), Last-Stream-ID (31)"
            error_code,
            buf[start + 8 : end],
            stream_id=stream_id,
            undefined_flags=flags,
        )

    @property
    def flags(self) -> int:
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 8 + len(self.debug_data)

    def serialize(self) -> bytes:
        return self._fixed_octets() + self.debug_data

    def wire_parts(self) -> tuple[bytes, ...]:
        return (self._fixed_octets(), self.debug_data)

    def _fixed_octets(self) -> bytes:
        """The frame header, the last stream id and the error code."""
        length = 8 + len(self.debug_data)
        if COMPILED:
            head = prefix(length, GOAWAY, self.undefined_flags)
            tail = (self.last_stream_id << 32) | self.error_code  # after stream id 0
            return head + tail.to_bytes(12, "big")
        # Interpreted, one struct call writes the fixed octets.
        return GOAWAY_FIELDS.pack(
            length >> 16,
            length & 0xFFFF,
            GOAWAY,
            self.undefined_flags,
            0,
            self.last_stream_id,
            self.error_code,
        )


@dataclass(frozen=True, init=False, repr=False)
class WindowUpdateFrame(Frame):
    """WINDOW_UPDATE (0x8, RFC 9113 §6.9).  Stream 0 updates the connection window."""

    #: Octets of flow-control credit granted: 1..2**31-1.
    window_increment: int
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(self, stream_id: int, window_increment: int, *, undefined_flags: int = 0) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(window_increment, int)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                WindowUpdateFrame.__init__, stream_id, window_increment, undefined_flags
            )
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise stream_id_error(WINDOW_UPDATE, stream_id)
        # "The legal range for the increment to the flow-control window is 1 to
        # 2^31-1 (2,147,483,647) octets."  "A receiver MUST treat the receipt of
        # a WINDOW_UPDATE frame with a flow-control window increment of 0 as a
        # stream error (Section 5.4.2) of type PROTOCOL_ERROR; errors on the
        # connection flow-control window MUST be treated as a connection error."
        if not 1 <= window_increment <= MAX_WINDOW_INCREMENT:
            raise frame_error(
                ErrorCode.PROTOCOL_ERROR,
                WINDOW_UPDATE,
                "window_increment",
                f"must be in 1..2**31-1 (got {window_increment})",
                stream_id,
                Scope.STREAM if stream_id else Scope.CONNECTION,
            )
        if undefined_flags:
            check_undefined_flags(WINDOW_UPDATE, undefined_flags, 0, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "window_increment", window_increment)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["window_increment"] = window_increment
            state["undefined_flags"] = undefined_flags

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        # "A WINDOW_UPDATE frame with a length other than 4 octets MUST be
        # treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        if end - start != 4:
            raise wrong_length(WINDOW_UPDATE, end - start, 4, stream_id)
        # "Reserved (1), Window Size Increment (31)": the reserved bit is ignored,
        # so an increment of 1 with that bit set is legal.
        increment = read_u32(buf, start) & MAX_WINDOW_INCREMENT
        return WindowUpdateFrame(stream_id, increment, undefined_flags=flags)

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


PriorityFrame.TYPE = PRIORITY
RstStreamFrame.TYPE = RST_STREAM
PingFrame.TYPE = PING
PingFrame.DEFINED_FLAGS = PING_DEFINED
PingFrame.FLAGS = PING_FLAGS
GoAwayFrame.TYPE = GOAWAY
WindowUpdateFrame.TYPE = WINDOW_UPDATE

__all__ = [
    "PING_FLAGS",
    "GoAwayFrame",
    "PingFrame",
    "PriorityFrame",
    "RstStreamFrame",
    "WindowUpdateFrame",
]
