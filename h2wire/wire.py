"""The HTTP/2 wire format's fixed numbers: header layout, flag bits, limits.

Shared by the frame model (which writes frames) and the codec (which reads them).
All constants are ``Final`` plain ints so compiled code uses them as literals.
"""

from __future__ import annotations

import struct
from typing import Final

from h2wire.errors import COMPILED

#: Size of the fixed frame header (RFC 9113 §4.1).
HEADER_SIZE: Final = 9
#: Largest payload the 24-bit length field can express.
MAX_PAYLOAD: Final = 0xFFFFFF
#: SETTINGS_MAX_FRAME_SIZE: initial value and the largest value allowed.
DEFAULT_MAX_FRAME_SIZE: Final = 0x4000
MAX_FRAME_SIZE_LIMIT: Final = 0xFFFFFF
#: Stream ids, dependencies and increments are 31-bit with a reserved top bit.
MAX_STREAM_ID: Final = 0x7FFFFFFF
MAX_WINDOW_INCREMENT: Final = 0x7FFFFFFF
MAX_U32: Final = 0xFFFFFFFF
MAX_U16: Final = 0xFFFF

# Frame type codes.
DATA: Final = 0x0
HEADERS: Final = 0x1
PRIORITY: Final = 0x2
RST_STREAM: Final = 0x3
SETTINGS: Final = 0x4
PUSH_PROMISE: Final = 0x5
PING: Final = 0x6
GOAWAY: Final = 0x7
WINDOW_UPDATE: Final = 0x8
CONTINUATION: Final = 0x9
ALTSVC: Final = 0xA
ORIGIN: Final = 0xC
PRIORITY_UPDATE: Final = 0x10

# Flag bits.
FLAG_END_STREAM: Final = 0x1
FLAG_ACK: Final = 0x1
FLAG_END_HEADERS: Final = 0x4
FLAG_PADDED: Final = 0x8
FLAG_PRIORITY: Final = 0x20

#: A dependency (E bit + 31 bits) and weight, as in HEADERS and PRIORITY.
DEPENDENCY: Final = struct.Struct(">LB")

# Struct layouts for the interpreted build.  There one struct call is ~2x cheaper
# than octet indexing or integer arithmetic; compiled, struct is a Python-level
# call and the native forms below win.  Each use sits in a ``not COMPILED`` branch.

#: The frame header: length's high octet, length's low 16 bits, type, flags,
#: stream id (with the reserved bit).
HEADER_FIELDS: Final = struct.Struct(">BHBBL")
#: One SETTINGS entry: identifier, value.
SETTING_FIELDS: Final = struct.Struct(">HL")
#: One 16-bit field (an ORIGIN entry's length), one 32-bit field, and two
#: (GOAWAY's last stream id and error code).
U16_FIELD: Final = struct.Struct(">H")
U32_FIELD: Final = struct.Struct(">L")
U32_PAIR: Final = struct.Struct(">LL")
#: Header plus the fixed fields of GOAWAY (last stream id, error code), of
#: ALTSVC (origin length) and of PRIORITY_UPDATE (prioritized stream id).
GOAWAY_FIELDS: Final = struct.Struct(">BHBBLLL")
ALTSVC_FIELDS: Final = struct.Struct(">BHBBLH")
PRIORITY_UPDATE_FIELDS: Final = struct.Struct(">BHBBLL")


# Writing.  A frame's fixed octets are built as integers and converted with
# int.to_bytes, which mypyc compiles to a native call (~35 ns cheaper per frame
# than struct.pack).  Each integer is kept below 2**62, mypyc's native int range:
# beyond it every operation falls back to a heap-allocated int (~70 ns a frame).
# So a frame is written as ``prefix()`` (length, type, flags: 5 octets) followed by
# the stream id and the type's fixed fields as one integer, then the payload.


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


# Fixed-size frames with no flags set, which is nearly all of them: the first five
# octets are constant.  Prefix + one 8-octet to_bytes of (stream id, field) stays
# within mypyc's native integers for stream ids below 2**30 (~2x struct.pack).
PREFIX_RST_STREAM: Final = prefix(4, RST_STREAM, 0)
PREFIX_WINDOW_UPDATE: Final = prefix(4, WINDOW_UPDATE, 0)
PREFIX_PRIORITY: Final = prefix(5, PRIORITY, 0)

# Whole headers that depend on nothing but the ACK flag: serializing these frames
# is one concatenation (PING) or no work at all (SETTINGS ACK).
HEADER_PING: Final = header(8, PING, 0, 0)
HEADER_PING_ACK: Final = header(8, PING, FLAG_ACK, 0)
HEADER_SETTINGS_ACK: Final = header(0, SETTINGS, FLAG_ACK, 0)
