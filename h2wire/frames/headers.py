"""The frames that carry a field block (RFC 9113 §4.3): HEADERS (0x1, §6.2),
PUSH_PROMISE (0x5, §6.6) and CONTINUATION (0x9, §6.10), and the RFC 7540
priority fields HEADERS may carry (:class:`StreamDependency`).

A field block is split into fragments: the first in HEADERS or PUSH_PROMISE,
the rest in CONTINUATION frames on the same stream, the last fragment's frame
bearing END_HEADERS.  That ordering needs connection state, so it is checked by
:class:`~h2wire.FrameDecoder`, not here; these classes check each frame alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from h2wire.codes import CONTINUATION, HEADERS, PUSH_PROMISE, ErrorCode
from h2wire.errors import frame_error
from h2wire.frames.base import (
    Frame,
    check_dependency,
    check_undefined_flags,
    padding_overlap,
    padding_size,
    payload_too_long,
    self_dependency_error,
    stream_id_error,
    too_short,
)
from h2wire.mode import COMPILED, wrong_argument_type
from h2wire.wire import (
    FLAG_END_HEADERS,
    FLAG_END_STREAM,
    FLAG_PADDED,
    FLAG_PRIORITY,
    MAX_PAYLOAD,
    MAX_STREAM_ID,
    RESERVED_BIT,
    header,
    prefix,
    read_u32,
    take_slice,
)

#: The flags HEADERS defines (§6.2), by name; every other bit is unused.
HEADERS_FLAGS: Final = (
    ("END_STREAM", FLAG_END_STREAM),
    ("END_HEADERS", FLAG_END_HEADERS),
    ("PADDED", FLAG_PADDED),
    ("PRIORITY", FLAG_PRIORITY),
)
HEADERS_DEFINED: Final = FLAG_END_STREAM | FLAG_END_HEADERS | FLAG_PADDED | FLAG_PRIORITY
HEADERS_UNDEFINED: Final = 0xFF ^ HEADERS_DEFINED
#: The flags PUSH_PROMISE defines (§6.6).
PUSH_PROMISE_FLAGS: Final = (("END_HEADERS", FLAG_END_HEADERS), ("PADDED", FLAG_PADDED))
PUSH_PROMISE_DEFINED: Final = FLAG_END_HEADERS | FLAG_PADDED
PUSH_PROMISE_UNDEFINED: Final = 0xFF ^ PUSH_PROMISE_DEFINED
#: The flag CONTINUATION defines (§6.10).
CONTINUATION_FLAGS: Final = (("END_HEADERS", FLAG_END_HEADERS),)
CONTINUATION_DEFINED: Final = FLAG_END_HEADERS
CONTINUATION_UNDEFINED: Final = 0xFF ^ CONTINUATION_DEFINED


@dataclass(frozen=True, init=False, repr=True)
class StreamDependency:
    """RFC 7540 priority fields carried by HEADERS (deprecated by RFC 9113 §5.3.2).

    ``weight`` is the wire octet 0..255; the effective weight is ``weight + 1``.
    """

    #: The stream this one depends on (0: the root).
    depends_on: int
    #: The weight's wire octet 0..255; the effective weight is ``weight + 1``.
    weight: int
    #: The E flag: the dependency is exclusive.
    exclusive: bool

    def __init__(self, depends_on: int = 0, weight: int = 15, exclusive: bool = False) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(depends_on, int) and isinstance(weight, int) and isinstance(exclusive, bool)
        ):
            raise wrong_argument_type(StreamDependency.__init__, depends_on, weight, exclusive)
        check_dependency(HEADERS, 0, depends_on, weight)
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


@dataclass(frozen=True, init=False, repr=False)
class HeadersFrame(Frame):
    """HEADERS (0x1, RFC 9113 §6.2).  ``data`` is the field block fragment."""

    #: The field block fragment (with END_HEADERS set, the whole block).
    data: bytes
    #: END_STREAM: the sender's last frame on this stream.
    end_stream: bool
    #: END_HEADERS: the field block ends in this frame.
    end_headers: bool
    #: The RFC 7540 priority fields (the PRIORITY flag), or None.
    priority: StreamDependency | None
    #: The padding octets when PADDED is set (``b""``: a pad length of 0), else None.
    padding: bytes | None
    #: Flag bits the type does not define, as received (0 for frames you build).
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
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(data, bytes)
            and isinstance(end_stream, bool)
            and isinstance(end_headers, bool)
            and (priority is None or isinstance(priority, StreamDependency))
            and (padding is None or isinstance(padding, bytes))
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                HeadersFrame.__init__,
                stream_id,
                data,
                end_stream,
                end_headers,
                priority,
                padding,
                undefined_flags,
            )
        # "HEADERS frames MUST be associated with a stream." (§6.2)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise stream_id_error(HEADERS, stream_id)
        extra = 0 if padding is None else padding_size(HEADERS, padding, stream_id)
        if priority is not None:
            if priority.depends_on == stream_id:
                raise self_dependency_error(HEADERS, "priority.depends_on", stream_id)
            extra += 5
        if len(data) + extra > MAX_PAYLOAD:
            raise payload_too_long(HEADERS, len(data) + extra, stream_id)
        if undefined_flags:
            check_undefined_flags(HEADERS, undefined_flags, HEADERS_DEFINED, stream_id)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        pos = start
        pad = 0
        if flags & FLAG_PADDED:
            if start == end:
                raise too_short(HEADERS, "padding", 1, 0, stream_id)
            pad = buf[pos]
            pos += 1
        priority = None
        if flags & FLAG_PRIORITY:
            # "Exclusive, Stream Dependency, and Weight fields are present."
            if end - pos < 5:
                raise too_short(HEADERS, "priority", pos - start + 5, end - start, stream_id)
            dependency = read_u32(buf, pos)
            priority = StreamDependency(
                dependency & MAX_STREAM_ID, buf[pos + 4], bool(dependency & RESERVED_BIT)
            )
            pos += 5
        # "If the length of the padding is the length of the frame payload or
        # greater, [...] PROTOCOL_ERROR" (§6.2): what follows the Pad Length and
        # priority fields must hold the padding; an empty fragment is allowed.
        if pad > end - pos:
            raise padding_overlap(HEADERS, pad, end - pos, stream_id)
        return HeadersFrame(
            stream_id,
            take_slice(buf, pos, end - pad),
            end_stream=bool(flags & FLAG_END_STREAM),
            end_headers=bool(flags & FLAG_END_HEADERS),
            priority=priority,
            padding=buf[end - pad : end] if flags & FLAG_PADDED else None,
            undefined_flags=flags & HEADERS_UNDEFINED,
        )

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
        if padding is None:
            if self.priority is None:
                return header(len(data), HEADERS, self.flags, self.stream_id) + data
            return self._fixed_octets() + data
        return b"%b%b%b" % (self._fixed_octets(), data, padding)

    def wire_parts(self) -> tuple[bytes, ...]:
        data = self.data
        padding = self.padding
        if padding is None:
            if self.priority is None:
                return (header(len(data), HEADERS, self.flags, self.stream_id), data)
            return (self._fixed_octets(), data)
        return (self._fixed_octets(), data, padding)

    def _fixed_octets(self) -> bytes:
        """The frame header and the Pad Length and priority fields that follow it."""
        padding = self.padding
        priority = self.priority
        tail = self.stream_id
        size = 4
        if padding is not None:
            tail = (tail << 8) | len(padding)
            size += 1
        if priority is not None:
            dependency = priority.depends_on
            if priority.exclusive:
                dependency |= RESERVED_BIT
            tail = (tail << 40) | (dependency << 8) | priority.weight
            size += 5
        return prefix(self.length, HEADERS, self.flags) + tail.to_bytes(size, "big")


@dataclass(frozen=True, init=False, repr=False)
class PushPromiseFrame(Frame):
    """PUSH_PROMISE (0x5, RFC 9113 §6.6).  ``data`` is the field block fragment."""

    #: The stream the server reserves for the push: even and non-zero.
    promised_stream_id: int
    #: The field block fragment of the promised request.
    data: bytes
    #: END_HEADERS: the field block ends in this frame.
    end_headers: bool
    #: The padding octets when PADDED is set (``b""``: a pad length of 0), else None.
    padding: bytes | None
    #: Flag bits the type does not define, as received (0 for frames you build).
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
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(promised_stream_id, int)
            and isinstance(data, bytes)
            and isinstance(end_headers, bool)
            and (padding is None or isinstance(padding, bytes))
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                PushPromiseFrame.__init__,
                stream_id,
                promised_stream_id,
                data,
                end_headers,
                padding,
                undefined_flags,
            )
        # "If the Stream Identifier field specifies the value 0x00, a recipient
        # MUST respond with a connection error [...] PROTOCOL_ERROR." (§6.6)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise stream_id_error(PUSH_PROMISE, stream_id)
        # "A receiver MUST treat the receipt of a PUSH_PROMISE that promises an
        # illegal stream identifier (Section 5.1.1) as a connection error": a
        # server-initiated stream, so non-zero and even (§5.1.1).
        if not 0 < promised_stream_id <= MAX_STREAM_ID or promised_stream_id & 1:
            raise frame_error(
                ErrorCode.PROTOCOL_ERROR,
                PUSH_PROMISE,
                "promised_stream_id",
                f"must be a non-zero even 31-bit id (got {promised_stream_id})",
                stream_id,
            )
        extra = 0 if padding is None else padding_size(PUSH_PROMISE, padding, stream_id)
        if 4 + len(data) + extra > MAX_PAYLOAD:
            raise payload_too_long(PUSH_PROMISE, 4 + len(data) + extra, stream_id)
        if undefined_flags:
            check_undefined_flags(PUSH_PROMISE, undefined_flags, PUSH_PROMISE_DEFINED, stream_id)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        pos = start
        pad = 0
        if flags & FLAG_PADDED:
            if end - start < 5:
                raise too_short(PUSH_PROMISE, "padding", 5, end - start, stream_id)
            pad = buf[pos]
            pos += 1
        elif end - start < 4:
            raise too_short(PUSH_PROMISE, "promised_stream_id", 4, end - start, stream_id)
        # "Reserved (1), Promised Stream ID (31)": the reserved bit is ignored.
        promised = read_u32(buf, pos) & MAX_STREAM_ID
        pos += 4
        if pad > end - pos:
            raise padding_overlap(PUSH_PROMISE, pad, end - pos, stream_id)
        return PushPromiseFrame(
            stream_id,
            promised,
            buf[pos : end - pad],
            end_headers=bool(flags & FLAG_END_HEADERS),
            padding=buf[end - pad : end] if flags & FLAG_PADDED else None,
            undefined_flags=flags & PUSH_PROMISE_UNDEFINED,
        )

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
        if padding is None:
            return self._fixed_octets() + self.data
        return b"%b%b%b" % (self._fixed_octets(), self.data, padding)

    def wire_parts(self) -> tuple[bytes, ...]:
        padding = self.padding
        if padding is None:
            return (self._fixed_octets(), self.data)
        return (self._fixed_octets(), self.data, padding)

    def _fixed_octets(self) -> bytes:
        """The frame header, the Pad Length octet if PADDED, the promised stream id."""
        padding = self.padding
        head = prefix(self.length, PUSH_PROMISE, self.flags)
        if padding is None:
            tail = (self.stream_id << 32) | self.promised_stream_id
            return head + tail.to_bytes(8, "big")
        tail = (((self.stream_id << 8) | len(padding)) << 32) | self.promised_stream_id
        return head + tail.to_bytes(9, "big")


@dataclass(frozen=True, init=False, repr=False)
class ContinuationFrame(Frame):
    """CONTINUATION (0x9, RFC 9113 §6.10).  ``data`` is the field block fragment."""

    #: The next fragment of the field block.
    data: bytes
    #: END_HEADERS: the field block ends in this frame.
    end_headers: bool
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(
        self,
        stream_id: int,
        data: bytes = b"",
        *,
        end_headers: bool = False,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(data, bytes)
            and isinstance(end_headers, bool)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                ContinuationFrame.__init__, stream_id, data, end_headers, undefined_flags
            )
        # "CONTINUATION frames MUST be associated with a stream." (§6.10)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise stream_id_error(CONTINUATION, stream_id)
        if len(data) > MAX_PAYLOAD:
            raise payload_too_long(CONTINUATION, len(data), stream_id)
        if undefined_flags:
            check_undefined_flags(CONTINUATION, undefined_flags, CONTINUATION_DEFINED, stream_id)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        return ContinuationFrame(
            stream_id,
            take_slice(buf, start, end),
            end_headers=bool(flags & FLAG_END_HEADERS),
            undefined_flags=flags & CONTINUATION_UNDEFINED,
        )

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

    def wire_parts(self) -> tuple[bytes, ...]:
        data = self.data
        return (header(len(data), CONTINUATION, self.flags, self.stream_id), data)


HeadersFrame.TYPE = HEADERS
HeadersFrame.DEFINED_FLAGS = HEADERS_DEFINED
HeadersFrame.FLAGS = HEADERS_FLAGS
PushPromiseFrame.TYPE = PUSH_PROMISE
PushPromiseFrame.DEFINED_FLAGS = PUSH_PROMISE_DEFINED
PushPromiseFrame.FLAGS = PUSH_PROMISE_FLAGS
ContinuationFrame.TYPE = CONTINUATION
ContinuationFrame.DEFINED_FLAGS = CONTINUATION_DEFINED
ContinuationFrame.FLAGS = CONTINUATION_FLAGS

__all__ = [
    "CONTINUATION_FLAGS",
    "HEADERS_FLAGS",
    "PUSH_PROMISE_FLAGS",
    "ContinuationFrame",
    "HeadersFrame",
    "PushPromiseFrame",
    "StreamDependency",
]
