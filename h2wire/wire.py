"""The frame header and the numbers every frame type shares.

RFC 9113 §4.1: "All frames begin with a fixed 9-octet header followed by a
variable-length frame payload."  This module reads that header
(:func:`read_header`, the one decoder of it that the codec, the streaming
decoder and the hyperframe layer share), writes it (:func:`header`,
:func:`prefix`), and states the §4.2 size rule once (:func:`oversize_error`).
Flag bits, limits and the octet helpers every frame module uses live here too;
what belongs to one frame type lives in that type's module under
:mod:`h2wire.frames`.

All constants are ``Final`` plain ints, so compiled code uses them as literals.
"""

from __future__ import annotations

import struct
from typing import Final

from h2wire.codes import CONTINUATION, HEADERS, PUSH_PROMISE, SETTINGS, ErrorCode
from h2wire.errors import FrameError, Scope, frame_error
from h2wire.mode import COMPILED

#: Size of the fixed frame header (RFC 9113 §4.1).
HEADER_SIZE: Final = 9
#: Largest payload the 24-bit length field can express.
MAX_PAYLOAD: Final = 0xFFFFFF
#: SETTINGS_MAX_FRAME_SIZE: its initial value and the largest value allowed (§6.5.2).
DEFAULT_MAX_FRAME_SIZE: Final = 0x4000
MAX_FRAME_SIZE_LIMIT: Final = 0xFFFFFF
#: Stream ids, dependencies and increments are 31 bits after a reserved bit.
MAX_STREAM_ID: Final = 0x7FFFFFFF
MAX_WINDOW_INCREMENT: Final = 0x7FFFFFFF
RESERVED_BIT: Final = 0x80000000
MAX_U32: Final = 0xFFFFFFFF
MAX_U16: Final = 0xFFFF

# Flag bits.  Each frame type's module says which of them that type defines,
# with their names (e.g. DATA_FLAGS in h2wire/frames/data.py).
FLAG_END_STREAM: Final = 0x1
FLAG_ACK: Final = 0x1
FLAG_END_HEADERS: Final = 0x4
FLAG_PADDED: Final = 0x8
FLAG_PRIORITY: Final = 0x20

#: The frame header for the interpreted build: length's high octet, length's
#: low 16 bits, type, flags, stream id (with the reserved bit).  There one struct
#: call is ~2x cheaper than octet indexing; compiled, struct is a Python-level
#: call and octet indexing is native.
HEADER_FIELDS: Final = struct.Struct(">BHBBL")
#: One 32-bit field, read by the interpreted build.
U32_FIELD: Final = struct.Struct(">L")
#: RFC 7540 priority fields (E bit + 31-bit dependency, weight), as in HEADERS
#: and PRIORITY.
DEPENDENCY: Final = struct.Struct(">LB")


# -- reading -----------------------------------------------------------------


def read_header(buf: bytes, pos: int) -> tuple[int, int, int, int]:
    """The header at ``buf[pos : pos + 9]``: (length, type, flags, stream id).

    The stream id's reserved bit is dropped (§4.1: it "MUST be ignored when
    receiving").  The caller has checked that 9 octets are there.  Compiled,
    the tuple is returned unboxed, in registers.
    """
    if COMPILED:  # octet indexing is native: ~12 ns for the header
        return (
            (buf[pos] << 16) | (buf[pos + 1] << 8) | buf[pos + 2],
            buf[pos + 3],
            buf[pos + 4],
            ((buf[pos + 5] & 0x7F) << 24)
            | (buf[pos + 6] << 16)
            | (buf[pos + 7] << 8)
            | buf[pos + 8],
        )
    high, low, frame_type, flags, stream_id = HEADER_FIELDS.unpack_from(buf, pos)
    return (high << 16) | low, frame_type, flags, stream_id & MAX_STREAM_ID


def read_u32(buf: bytes, pos: int) -> int:
    """The big-endian 32-bit field at ``buf[pos : pos + 4]``."""
    if COMPILED:
        return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]
    value: int = U32_FIELD.unpack_from(buf, pos)[0]  # interpreted, ~2x cheaper
    return value


def take_slice(buf: bytes, start: int, end: int) -> bytes:
    """``buf[start:end]``, without a copy when that is all of ``buf``.

    CPython returns the same object for a full slice of a bytes object; mypyc's
    compiled slice always copies, which would cost a whole payload copy per
    frame where a payload arrives on its own (the hyperframe layer)."""
    if start == 0 and end == len(buf):
        return buf
    return buf[start:end]


def oversize_error(frame_type: int, length: int, max_frame_size: int, stream_id: int) -> FrameError:
    """The error for a frame whose announced ``length`` exceeds ``max_frame_size``.

    RFC 9113 §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if
    a frame exceeds the size defined in SETTINGS_MAX_FRAME_SIZE [...].  A frame
    size error in a frame that could alter the state of the entire connection
    MUST be treated as a connection error (Section 5.4.1); this includes any
    frame carrying a field block (Section 4.3) (that is, HEADERS, PUSH_PROMISE,
    and CONTINUATION), a SETTINGS frame, and any frame with a stream identifier
    of 0."  Any other frame is a stream error.
    """
    connection = stream_id == 0 or frame_type in (HEADERS, PUSH_PROMISE, CONTINUATION, SETTINGS)
    return frame_error(
        ErrorCode.FRAME_SIZE_ERROR,
        frame_type,
        "length",
        f"payload of {length} octets exceeds the maximum frame size {max_frame_size}",
        stream_id,
        Scope.CONNECTION if connection else Scope.STREAM,
        token="frame_size",
    )


# -- writing -----------------------------------------------------------------
# A frame's fixed octets are built as integers and converted with int.to_bytes,
# which mypyc compiles to a native call (~35 ns cheaper per frame than
# struct.pack).  Each integer is kept below 2**62, mypyc's native int range:
# beyond it every operation falls back to a heap-allocated int (~70 ns a frame).
# So a frame is written as ``prefix()`` (length, type, flags: 5 octets) followed
# by the stream id and the type's fixed fields as one integer, then the payload.


def prefix(length: int, frame_type: int, flags: int) -> bytes:
    """The header's first five octets (length, type, flags)."""
    return ((length << 16) | (frame_type << 8) | flags).to_bytes(5, "big")


def header(length: int, frame_type: int, flags: int, stream_id: int) -> bytes:
    """The 9-octet frame header (RFC 9113 §4.1)."""
    if COMPILED:
        if length < 0x4000:  # the whole header stays a native int
            head = (length << 48) | (frame_type << 40) | (flags << 32) | stream_id
            return head.to_bytes(9, "big")
        return prefix(length, frame_type, flags) + stream_id.to_bytes(4, "big")
    return HEADER_FIELDS.pack(length >> 16, length & 0xFFFF, frame_type, flags, stream_id)


__all__ = [
    "DEFAULT_MAX_FRAME_SIZE",
    "HEADER_SIZE",
    "MAX_FRAME_SIZE_LIMIT",
    "MAX_PAYLOAD",
    "header",
    "oversize_error",
    "prefix",
    "read_header",
    "read_u32",
    "take_slice",
]
