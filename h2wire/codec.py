"""Bytes to frames: :func:`parse_frame` and :func:`parse_payload`.

``parse_frame`` reads the 9-octet header (:func:`h2wire.wire.read_header`),
enforces the announced length against ``max_frame_size`` before looking at the
payload (RFC 9113 §4.2, :func:`h2wire.wire.oversize_error`), then hands the
payload to the frame class of its type.  Each class's ``load`` checks the
payload's layout and builds the frame through its validating constructor; the
write side is each frame's ``serialize()``, next to its ``load``.

Incomplete input raises :class:`~h2wire.IncompleteFrameError`, whose
``needed`` says how many bytes the next frame occupies.  Every other rule
violation raises :class:`~h2wire.FrameError`; no input raises anything else.
"""

from __future__ import annotations

from h2wire.codes import (
    ALTSVC,
    CONTINUATION,
    DATA,
    GOAWAY,
    HEADERS,
    ORIGIN,
    PING,
    PRIORITY,
    PRIORITY_UPDATE,
    PUSH_PROMISE,
    RST_STREAM,
    SETTINGS,
    WINDOW_UPDATE,
)
from h2wire.errors import IncompleteFrameError
from h2wire.frames.base import REGISTRY, Frame
from h2wire.frames.control import (
    GoAwayFrame,
    PingFrame,
    PriorityFrame,
    RstStreamFrame,
    WindowUpdateFrame,
)
from h2wire.frames.data import DataFrame
from h2wire.frames.extensions import AltSvcFrame, OriginFrame, PriorityUpdateFrame, UnknownFrame
from h2wire.frames.headers import ContinuationFrame, HeadersFrame, PushPromiseFrame
from h2wire.frames.raw import RawFrame
from h2wire.frames.settings import SettingsFrame
from h2wire.mode import COMPILED, wrong_argument_type
from h2wire.wire import (
    DEFAULT_MAX_FRAME_SIZE,
    HEADER_SIZE,
    MAX_FRAME_SIZE_LIMIT,
    MAX_PAYLOAD,
    RESERVED_BIT,
    oversize_error,
    read_header,
    read_u32,
    take_slice,
)


def load_payload(
    frame_type: int, flags: int, stream_id: int, buf: bytes, start: int, end: int
) -> Frame:
    """The frame whose payload is ``buf[start:end]``: its class's ``load``.

    An ``if`` chain of direct calls, most frequent types first: compiled, each
    is a C call, where a dict of loaders would make each a boxed Python call
    (measured 20-58% slower per frame).  Registered extension types go through
    the registry, and any other type becomes an :class:`UnknownFrame`
    (RFC 9113 §4.1: "Implementations MUST ignore and discard frames of unknown
    types"; the caller decides to discard it).
    """
    if frame_type == DATA:
        return DataFrame.load(flags, stream_id, buf, start, end)
    if frame_type == HEADERS:
        return HeadersFrame.load(flags, stream_id, buf, start, end)
    if frame_type == WINDOW_UPDATE:
        return WindowUpdateFrame.load(flags, stream_id, buf, start, end)
    if frame_type == CONTINUATION:
        return ContinuationFrame.load(flags, stream_id, buf, start, end)
    if frame_type == SETTINGS:
        return SettingsFrame.load(flags, stream_id, buf, start, end)
    if frame_type == PING:
        return PingFrame.load(flags, stream_id, buf, start, end)
    if frame_type == RST_STREAM:
        return RstStreamFrame.load(flags, stream_id, buf, start, end)
    if frame_type == PRIORITY:
        return PriorityFrame.load(flags, stream_id, buf, start, end)
    if frame_type == GOAWAY:
        return GoAwayFrame.load(flags, stream_id, buf, start, end)
    if frame_type == PUSH_PROMISE:
        return PushPromiseFrame.load(flags, stream_id, buf, start, end)
    if frame_type == ALTSVC:
        return AltSvcFrame.load(flags, stream_id, buf, start, end)
    if frame_type == ORIGIN:
        return OriginFrame.load(flags, stream_id, buf, start, end)
    if frame_type == PRIORITY_UPDATE:
        return PriorityUpdateFrame.load(flags, stream_id, buf, start, end)
    extension = REGISTRY.get(frame_type)
    if extension is not None:
        return extension.load(flags, stream_id, buf, start, end)
    return UnknownFrame(frame_type, stream_id, take_slice(buf, start, end), undefined_flags=flags)


def parse_payload(frame_type: int, flags: int, stream_id: int, payload: bytes) -> Frame:
    """Build a frame from a header's fields and its complete payload.

    For callers that read the header themselves (the hyperframe layer, custom
    decoders).  ``stream_id`` must already have its reserved bit cleared.
    """
    return load_payload(frame_type, flags, stream_id, payload, 0, len(payload))


def _copy_out(data: bytearray | memoryview, offset: int, max_frame_size: int) -> tuple[bytes, int]:
    """The frame at ``data[offset]`` as a bytes object of its own (and 0, its
    offset there).  The header is copied first, the rest only once its
    announced size is known to be acceptable: an announced 16 MiB frame costs
    nothing to reject."""
    view = memoryview(data)
    if view.ndim != 1 or view.itemsize != 1:
        view = view.cast("B")
    if offset < 0 or offset > len(view):
        raise ValueError(f"offset {offset} is outside the input of {len(view)} bytes")
    head = bytes(view[offset : offset + HEADER_SIZE])
    if len(head) < HEADER_SIZE or read_header(head, 0)[0] > max_frame_size:
        return head, 0  # incomplete, or too large: parsing the header says which
    return bytes(view[offset : offset + HEADER_SIZE + read_header(head, 0)[0]]), 0


def parse_frame(
    data: bytes | bytearray | memoryview,
    offset: int = 0,
    *,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
) -> tuple[Frame, int]:
    """Parse the frame that starts at ``data[offset]``.

    Returns the frame and its total size on the wire (9 + payload length), so
    the next frame starts at ``offset + size``.  The announced length is checked
    against ``max_frame_size`` (the local SETTINGS_MAX_FRAME_SIZE; the RFC's
    initial value by default) as soon as the header is complete.

    Raises :class:`~h2wire.IncompleteFrameError` (a :class:`~h2wire.FrameError`)
    with ``needed`` set when ``data`` ends before the frame does, and
    :class:`~h2wire.FrameError` for any framing rule violation.
    """
    if not COMPILED and not (  # compiled, mypyc makes these checks itself
        isinstance(offset, int) and isinstance(max_frame_size, int)
    ):
        raise wrong_argument_type(parse_frame, data, offset, max_frame_size)
    if not 0 <= max_frame_size <= MAX_FRAME_SIZE_LIMIT:
        raise ValueError(f"max_frame_size must be in 0..2**24-1, got {max_frame_size}")
    if isinstance(data, bytes):
        buf = data
    else:
        buf, offset = _copy_out(data, offset, max_frame_size)
    available = len(buf) - offset
    if offset < 0 or available < 0:
        raise ValueError(f"offset {offset} is outside the input of {len(buf)} bytes")
    if available < HEADER_SIZE:
        raise IncompleteFrameError(HEADER_SIZE, available)
    length, frame_type, flags, stream_id = read_header(buf, offset)
    if length > max_frame_size:
        raise oversize_error(frame_type, length, max_frame_size, stream_id)
    total = HEADER_SIZE + length
    if available < total:
        raise IncompleteFrameError(total, available)
    start = offset + HEADER_SIZE
    return load_payload(frame_type, flags, stream_id, buf, start, start + length), total


def read_raw_frame(data: bytes | bytearray | memoryview, offset: int = 0) -> tuple[RawFrame, int]:
    """Read the frame at ``data[offset]`` as a :class:`~h2wire.RawFrame`, checking
    nothing beyond its 9-octet header and the octets available.

    Returns the raw frame (reserved bit included, so it serializes back to
    exactly the octets read) and its size on the wire.  Raises
    :class:`~h2wire.IncompleteFrameError` when ``data`` ends before the frame
    does; no type, flag or size rule is applied (``raw.to_frame()`` does that).
    """
    if not COMPILED and not isinstance(offset, int):  # compiled, mypyc checks it
        raise wrong_argument_type(read_raw_frame, data, offset)
    if isinstance(data, bytes):
        buf = data
    else:
        buf, offset = _copy_out(data, offset, MAX_PAYLOAD)
    available = len(buf) - offset
    if offset < 0 or available < 0:
        raise ValueError(f"offset {offset} is outside the input of {len(buf)} bytes")
    if available < HEADER_SIZE:
        raise IncompleteFrameError(HEADER_SIZE, available)
    length, frame_type, flags, stream_id = read_header(buf, offset)
    total = HEADER_SIZE + length
    if available < total:
        raise IncompleteFrameError(total, available)
    reserved = read_u32(buf, offset + 5) & RESERVED_BIT != 0
    payload = take_slice(buf, offset + HEADER_SIZE, offset + total)
    return RawFrame(frame_type, flags, stream_id, payload, reserved_bit=reserved), total


__all__ = ["load_payload", "parse_frame", "parse_payload", "read_raw_frame"]
