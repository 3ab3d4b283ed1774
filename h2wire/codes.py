"""Registered HTTP/2 code points: frame types, setting identifiers, error codes.

Values come from the IANA "HTTP/2 Parameters" registries (RFC 9113 §11 and the
extension RFCs).  Each value is written once, as a ``Final`` int that compiled
code folds into a literal (``frame_type == DATA`` is one C comparison), and the
public enums :class:`FrameType`, :class:`SettingCode` and :class:`ErrorCode`
are built from those ints.

Parsed frames report every code as a plain ``int``, registered or not, so
unknown codes survive a round trip unchanged; a registered value compares equal
to its enum member (``frame.error_code == ErrorCode.CANCEL``), and
:func:`error_code_name`, :func:`setting_name` and :func:`frame_type_name` give
the names for display.  (mypyc compiles an ``int`` annotation to a native
integer, so an enum member cannot keep its identity through one; storing plain
ints keeps the two builds identical.)
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

# Frame type codes (RFC 9113 §6, RFC 7838 §4, RFC 8336 §2, RFC 9218 §7.1).
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
#: Not a code point: what :class:`~h2wire.UnknownFrame` reports as its class's
#: ``TYPE``, and how error messages name a frame of no particular type.
UNKNOWN_TYPE: Final = -1

# Setting identifiers (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1; 0x10 is Microsoft's).
SETTINGS_HEADER_TABLE_SIZE: Final = 0x1
SETTINGS_ENABLE_PUSH: Final = 0x2
SETTINGS_MAX_CONCURRENT_STREAMS: Final = 0x3
SETTINGS_INITIAL_WINDOW_SIZE: Final = 0x4
SETTINGS_MAX_FRAME_SIZE: Final = 0x5
SETTINGS_MAX_HEADER_LIST_SIZE: Final = 0x6
SETTINGS_ENABLE_CONNECT_PROTOCOL: Final = 0x8
SETTINGS_NO_RFC7540_PRIORITIES: Final = 0x9
SETTINGS_TLS_RENEG_PERMITTED: Final = 0x10


class FrameType(IntEnum):
    """Frame type codes h2wire has a class for."""

    #: Stream payload octets; flow controlled (RFC 9113 §6.1).
    DATA = DATA
    #: Opens a stream and carries the first fragment of a field block (RFC 9113 §6.2).
    HEADERS = HEADERS
    #: RFC 7540 stream priority; deprecated by RFC 9113 but still parsed (§6.3).
    PRIORITY = PRIORITY
    #: Ends one stream at once, with an error code (RFC 9113 §6.4).
    RST_STREAM = RST_STREAM
    #: Configuration of the sender, or the acknowledgement of the peer's (RFC 9113 §6.5).
    SETTINGS = SETTINGS
    #: A server announces a stream it will push, with its request fields (RFC 9113 §6.6).
    PUSH_PROMISE = PUSH_PROMISE
    #: Round-trip measurement and liveness check, answered with an ACK (RFC 9113 §6.7).
    PING = PING
    #: The sender stops accepting new streams, with an error code (RFC 9113 §6.8).
    GOAWAY = GOAWAY
    #: Flow-control credit for a stream, or for the connection on stream 0 (RFC 9113 §6.9).
    WINDOW_UPDATE = WINDOW_UPDATE
    #: Further fragments of the field block that HEADERS or PUSH_PROMISE began (RFC 9113 §6.10).
    CONTINUATION = CONTINUATION
    #: Advertises an alternative service for an origin (RFC 7838 §4).
    ALTSVC = ALTSVC
    #: The origins the server is authoritative for on this connection (RFC 8336 §2).
    ORIGIN = ORIGIN
    #: A client reprioritizes a stream with an RFC 9218 priority field value (§7.1).
    PRIORITY_UPDATE = PRIORITY_UPDATE


class SettingCode(IntEnum):
    """SETTINGS parameter identifiers."""

    #: Largest HPACK dynamic table the sender's decoder accepts; initially 4,096 (RFC 9113 §6.5.2).
    HEADER_TABLE_SIZE = SETTINGS_HEADER_TABLE_SIZE
    #: 0 or 1: whether the sender (a client) accepts PUSH_PROMISE; initially 1 (RFC 9113 §6.5.2).
    ENABLE_PUSH = SETTINGS_ENABLE_PUSH
    #: Most streams the sender lets its peer open at once; initially unlimited (RFC 9113 §6.5.2).
    MAX_CONCURRENT_STREAMS = SETTINGS_MAX_CONCURRENT_STREAMS
    #: Initial stream flow-control window, at most 2**31-1; initially 65,535 (RFC 9113 §6.5.2).
    INITIAL_WINDOW_SIZE = SETTINGS_INITIAL_WINDOW_SIZE
    #: Largest payload the sender accepts, 2**14..2**24-1; initially 16,384 (RFC 9113 §6.5.2).
    MAX_FRAME_SIZE = SETTINGS_MAX_FRAME_SIZE
    #: Advisory cap on a decoded field section, names + values + 32 per field (RFC 9113 §6.5.2).
    MAX_HEADER_LIST_SIZE = SETTINGS_MAX_HEADER_LIST_SIZE
    #: 0 or 1: the sender accepts extended CONNECT, e.g. for WebSockets (RFC 8441 §3).
    ENABLE_CONNECT_PROTOCOL = SETTINGS_ENABLE_CONNECT_PROTOCOL
    #: 0 or 1: the sender ignores RFC 7540 priority signals (RFC 9218 §2.1).
    NO_RFC7540_PRIORITIES = SETTINGS_NO_RFC7540_PRIORITIES
    #: Registered by Microsoft ([MS-HTTP2E]): the sender permits TLS renegotiation.
    TLS_RENEG_PERMITTED = SETTINGS_TLS_RENEG_PERMITTED


class ErrorCode(IntEnum):
    """RST_STREAM and GOAWAY error codes (RFC 9113 §7)."""

    #: Not an error: e.g. a graceful GOAWAY, or a stream no longer needed.
    NO_ERROR = 0x0
    #: A protocol rule was broken and no more specific code applies.
    PROTOCOL_ERROR = 0x1
    #: The endpoint failed on its own, not because of the peer.
    INTERNAL_ERROR = 0x2
    #: The peer broke the flow-control rules (a window past 2**31-1, for instance).
    FLOW_CONTROL_ERROR = 0x3
    #: A SETTINGS frame went unacknowledged for too long (RFC 9113 §6.5.3).
    SETTINGS_TIMEOUT = 0x4
    #: A frame arrived on a stream that was already half-closed (remote).
    STREAM_CLOSED = 0x5
    #: A frame had the wrong size: too large, too small, or not its type's fixed size.
    FRAME_SIZE_ERROR = 0x6
    #: The stream was refused before any of it was processed; safe to retry.
    REFUSED_STREAM = 0x7
    #: The stream is no longer needed.
    CANCEL = 0x8
    #: The field-compression context (HPACK) could not be kept; fatal to the connection.
    COMPRESSION_ERROR = 0x9
    #: The TCP connection a CONNECT request set up was reset or closed abnormally.
    CONNECT_ERROR = 0xA
    #: The peer is generating excessive load; what abuse limits answer with.
    ENHANCE_YOUR_CALM = 0xB
    #: The transport does not meet the minimum security requirements (RFC 9113 §9.2).
    INADEQUATE_SECURITY = 0xC
    #: The request must be retried over HTTP/1.1.
    HTTP_1_1_REQUIRED = 0xD


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


def frame_label(frame_type: int) -> str:
    """How error messages name a frame: ``"HEADERS"``, ``"type 0xee"``, or
    ``"unknown"`` for :data:`UNKNOWN_TYPE`."""
    if frame_type == UNKNOWN_TYPE:
        return "unknown"
    return _FRAME_NAMES.get(frame_type) or f"type {frame_type:#04x}"


__all__ = [
    "ErrorCode",
    "FrameType",
    "SettingCode",
    "error_code_name",
    "frame_label",
    "frame_type_name",
    "setting_name",
]
