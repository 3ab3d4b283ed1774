"""Registered HTTP/2 code points: error codes, setting identifiers, frame types.

Values come from the IANA "HTTP/2 Parameters" registries (RFC 9113 §11 and the
extension RFCs).  Parsed frames report a registered value as a member of these
enums and any other value as a plain ``int``, so unknown codes survive a round
trip unchanged.

Frames store these values as plain ``int`` in both modes: a registered value
compares equal to its enum member (``frame.error_code == ErrorCode.CANCEL``),
and :func:`error_code_name` / :func:`setting_name` give the names for display.
(mypyc compiles an ``int`` annotation to a native integer, so an enum member
cannot keep its identity through one; storing plain ints everywhere keeps the
compiled and interpreted builds identical.)
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


_ERROR_NAMES: Final[dict[int, str]] = {code.value: code.name for code in ErrorCode}
_SETTING_NAMES: Final[dict[int, str]] = {code.value: code.name for code in SettingCode}
_FRAME_NAMES: Final[dict[int, str]] = {code.value: code.name for code in FrameType}


def error_code_name(value: int) -> str:
    """``"CANCEL"`` for 0x8; ``"0x99"`` for an unregistered code."""
    return _ERROR_NAMES.get(value) or f"{value:#x}"


def setting_name(identifier: int) -> str:
    """``"MAX_FRAME_SIZE"`` for 0x5; ``"0xabcd"`` for an unregistered identifier."""
    return _SETTING_NAMES.get(identifier) or f"{identifier:#x}"


def frame_type_name(frame_type: int) -> str:
    """``"HEADERS"`` for 0x1; ``"0xee"`` for a type h2wire has no class for."""
    return _FRAME_NAMES.get(frame_type) or f"{frame_type:#x}"
