"""Registered HTTP/2 code points: error codes, setting identifiers, frame types.

Values come from the IANA "HTTP/2 Parameters" registries (RFC 9113 §11 and the
extension RFCs).  Parsed frames report a registered value as a member of these
enums and any other value as a plain ``int``, so unknown codes survive a round
trip unchanged.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final


class ErrorCode(IntEnum):
    """RST_STREAM / GOAWAY error codes (RFC 9113 §7)."""

    NO_ERROR = 0x0
    PROTOCOL_ERROR = 0x1
    INTERNAL_ERROR = 0x2
    FLOW_CONTROL_ERROR = 0x3
    SETTINGS_TIMEOUT = 0x4
    STREAM_CLOSED = 0x5
    FRAME_SIZE_ERROR = 0x6
    REFUSED_STREAM = 0x7
    CANCEL = 0x8
    COMPRESSION_ERROR = 0x9
    CONNECT_ERROR = 0xA
    ENHANCE_YOUR_CALM = 0xB
    INADEQUATE_SECURITY = 0xC
    HTTP_1_1_REQUIRED = 0xD


class SettingCode(IntEnum):
    """SETTINGS parameter identifiers (RFC 9113 §6.5.2, RFC 8441, RFC 9218)."""

    HEADER_TABLE_SIZE = 0x1
    ENABLE_PUSH = 0x2
    MAX_CONCURRENT_STREAMS = 0x3
    INITIAL_WINDOW_SIZE = 0x4
    MAX_FRAME_SIZE = 0x5
    MAX_HEADER_LIST_SIZE = 0x6
    ENABLE_CONNECT_PROTOCOL = 0x8
    NO_RFC7540_PRIORITIES = 0x9
    TLS_RENEG_PERMITTED = 0x10


class FrameType(IntEnum):
    """Frame type codes known to h2wire (RFC 9113 §6, RFC 7838, RFC 8336, RFC 9218)."""

    DATA = 0x0
    HEADERS = 0x1
    PRIORITY = 0x2
    RST_STREAM = 0x3
    SETTINGS = 0x4
    PUSH_PROMISE = 0x5
    PING = 0x6
    GOAWAY = 0x7
    WINDOW_UPDATE = 0x8
    CONTINUATION = 0x9
    ALTSVC = 0xA
    ORIGIN = 0xC
    PRIORITY_UPDATE = 0x10


# Lookup tables indexed by value: a tuple index is far cheaper than calling the
# enum class, which matters on the parse path.
_ERROR_CODES: Final[tuple[ErrorCode, ...]] = tuple(ErrorCode)
_SETTING_CODES: Final[tuple[int, ...]] = tuple(
    SettingCode(i) if i in SettingCode._value2member_map_ else i for i in range(0x11)
)


def as_error_code(value: int) -> int:
    """Return ``value`` as an :class:`ErrorCode` member if registered, else as is."""
    if 0 <= value < 14:
        return _ERROR_CODES[value]
    return value


def as_setting_code(value: int) -> int:
    """Return ``value`` as a :class:`SettingCode` member if registered, else as is."""
    if 0 <= value <= 0x10:
        return _SETTING_CODES[value]
    return value
