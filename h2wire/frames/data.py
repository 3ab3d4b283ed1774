"""DATA (type 0x0, RFC 9113 §6.1): stream payload octets, optionally padded.

Payload: ``[Pad Length (8)] Data (..) Padding (..2040)``; the Pad Length and
Padding are there only when PADDED is set.  The whole payload, padding
included, counts against flow control (§6.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from h2wire.codes import DATA
from h2wire.frames.base import (
    Frame,
    check_undefined_flags,
    padding_overlap,
    padding_size,
    payload_too_long,
    stream_id_error,
    too_short,
)
from h2wire.mode import COMPILED, wrong_argument_type
from h2wire.wire import (
    FLAG_END_STREAM,
    FLAG_PADDED,
    MAX_PAYLOAD,
    MAX_STREAM_ID,
    header,
    prefix,
    take_slice,
)

#: The flags DATA defines (§6.1), by name; every other bit is unused.
DATA_FLAGS: Final = (("END_STREAM", FLAG_END_STREAM), ("PADDED", FLAG_PADDED))
DATA_DEFINED: Final = FLAG_END_STREAM | FLAG_PADDED
DATA_UNDEFINED: Final = 0xFF ^ DATA_DEFINED


def data_header(data_length: int, flags: int, stream_id: int, pad_length: int | None) -> bytes:
    """What a DATA frame's wire form has before its data: the frame header and,
    with ``pad_length`` (PADDED, which ``flags`` must then carry), the Pad
    Length octet.  Shared by :class:`DataFrame` and the encoder's vectored
    bodies, which write DATA frames without building them."""
    if pad_length is None:
        return header(data_length, DATA, flags, stream_id)
    head = prefix(data_length + 1 + pad_length, DATA, flags)
    return head + ((stream_id << 8) | pad_length).to_bytes(5, "big")


@dataclass(frozen=True, init=False, repr=False)
class DataFrame(Frame):
    """DATA (0x0, RFC 9113 §6.1).  ``padding`` None means the PADDED flag is unset."""

    #: The stream's payload octets, padding excluded.
    data: bytes
    #: END_STREAM: the sender's last frame on this stream.
    end_stream: bool
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
        padding: bytes | None = None,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(data, bytes)
            and isinstance(end_stream, bool)
            and (padding is None or isinstance(padding, bytes))
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                DataFrame.__init__, stream_id, data, end_stream, padding, undefined_flags
            )
        # "DATA frames MUST be associated with a stream." (§6.1)
        if not 0 < stream_id <= MAX_STREAM_ID:
            raise stream_id_error(DATA, stream_id)
        length = len(data)
        if padding is not None:
            length += padding_size(DATA, padding, stream_id)
        if length > MAX_PAYLOAD:
            raise payload_too_long(DATA, length, stream_id)
        if undefined_flags:
            check_undefined_flags(DATA, undefined_flags, DATA_DEFINED, stream_id)
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

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        if flags & FLAG_PADDED:
            # "Pad Length: [...] only present if the PADDED flag is set."
            if start == end:
                raise too_short(DATA, "padding", 1, 0, stream_id)
            pad = buf[start]
            # "If the length of the padding is the length of the frame payload
            # or greater, the recipient MUST treat this as a connection error
            # (Section 5.4.1) of type PROTOCOL_ERROR."
            if pad >= end - start:
                raise padding_overlap(DATA, pad, end - start - 1, stream_id)
            return DataFrame(
                stream_id,
                buf[start + 1 : end - pad],
                end_stream=bool(flags & FLAG_END_STREAM),
                padding=buf[end - pad : end],
                undefined_flags=flags & DATA_UNDEFINED,
            )
        return DataFrame(
            stream_id,
            take_slice(buf, start, end),
            end_stream=bool(flags & FLAG_END_STREAM),
            undefined_flags=flags & DATA_UNDEFINED,
        )

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
        """What the frame costs in flow control: the whole payload (RFC 9113 §6.1)."""
        return self.length

    def serialize(self) -> bytes:
        data = self.data
        padding = self.padding
        if padding is None:
            return header(len(data), DATA, self.flags, self.stream_id) + data
        head = data_header(len(data), self.flags, self.stream_id, len(padding))
        return b"%b%b%b" % (head, data, padding)

    def wire_parts(self) -> tuple[bytes, ...]:
        data = self.data
        padding = self.padding
        if padding is None:
            return (header(len(data), DATA, self.flags, self.stream_id), data)
        return (data_header(len(data), self.flags, self.stream_id, len(padding)), data, padding)


DataFrame.TYPE = DATA
DataFrame.DEFINED_FLAGS = DATA_DEFINED
DataFrame.FLAGS = DATA_FLAGS

__all__ = ["DATA_DEFINED", "DATA_FLAGS", "DATA_UNDEFINED", "DataFrame", "data_header"]
