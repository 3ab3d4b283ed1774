"""Encoder helpers: correct frame sequences for header blocks and bodies, and
serializing many frames at once."""

from __future__ import annotations

from collections.abc import Iterable

from h2wire.codes import CONTINUATION, DATA, HEADERS
from h2wire.frames import (
    ContinuationFrame,
    DataFrame,
    Frame,
    HeadersFrame,
    PushPromiseFrame,
    StreamDependency,
)
from h2wire.mode import wrong_type
from h2wire.wire import DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT, header


def _check_max_frame_size(max_frame_size: int) -> None:
    if not DEFAULT_MAX_FRAME_SIZE <= max_frame_size <= MAX_FRAME_SIZE_LIMIT:
        raise ValueError(f"max_frame_size must be in 16384..2**24-1, got {max_frame_size}")


def split_header_block(
    stream_id: int,
    block: bytes,
    *,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    end_stream: bool = False,
    priority: StreamDependency | None = None,
    padding: bytes | None = None,
    promised_stream_id: int | None = None,
) -> list[Frame]:
    """Split an encoded header block into HEADERS (or PUSH_PROMISE, when
    ``promised_stream_id`` is given) followed by CONTINUATION frames.

    Every frame's payload fits ``max_frame_size`` (the peer's
    SETTINGS_MAX_FRAME_SIZE).  The first frame's room for the block is what is
    left after the pad-length octet and the padding, the 5 priority octets and
    the 4-octet promised stream id.  END_HEADERS is set on the last frame only;
    ``end_stream`` and ``priority`` go on the HEADERS frame (PUSH_PROMISE has
    neither).
    """
    _check_max_frame_size(max_frame_size)
    if not isinstance(block, bytes):
        raise wrong_type("bytes", block)
    room = max_frame_size
    if padding is not None:
        room -= 1 + len(padding)
    if priority is not None:
        room -= 5
    if promised_stream_id is not None:
        room -= 4
        if priority is not None or end_stream:
            raise ValueError("PUSH_PROMISE carries neither priority nor END_STREAM")
    first, pos = block[:room], room
    last = pos >= len(block)
    frames: list[Frame] = []
    if promised_stream_id is None:
        frames.append(
            HeadersFrame(
                stream_id,
                first,
                end_stream=end_stream,
                end_headers=last,
                priority=priority,
                padding=padding,
            )
        )
    else:
        frames.append(
            PushPromiseFrame(
                stream_id, promised_stream_id, first, end_headers=last, padding=padding
            )
        )
    while pos < len(block):
        end = pos + max_frame_size
        frames.append(ContinuationFrame(stream_id, block[pos:end], end_headers=end >= len(block)))
        pos = end
    return frames


def split_data(
    stream_id: int,
    data: bytes,
    *,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    end_stream: bool = True,
    window: int | None = None,
    pad_length: int | None = None,
) -> list[DataFrame]:
    """Split a body into DATA frames of at most ``max_frame_size`` payload octets.

    ``window`` is the flow-control budget (the smaller of the stream's and the
    connection's send windows): frames are emitted only while they fit, counting
    the whole payload (pad-length octet and padding included, RFC 9113 §6.9.1).
    Only a prefix of ``data`` may then be sent: ``sum(len(f.data) for f in
    frames)`` octets.  END_STREAM is set on the last frame only, and only when
    ``end_stream`` and all of ``data`` was sent.  With ``pad_length`` every frame
    is PADDED with that many zero octets.  An empty body gives one empty frame
    (with END_STREAM if asked), unless ``window`` cannot pay for its padding.
    """
    _check_max_frame_size(max_frame_size)
    if not isinstance(data, bytes):
        raise wrong_type("bytes", data)
    overhead = 0
    padding = None
    if pad_length is not None:
        if not 0 <= pad_length <= 255:
            raise ValueError(f"pad_length must be in 0..255, got {pad_length}")
        padding = bytes(pad_length)
        overhead = 1 + pad_length
    budget = -1 if window is None else window
    if window is not None and window < 0:
        raise ValueError(f"window must be >= 0, got {window}")
    room = max_frame_size - overhead
    frames: list[DataFrame] = []
    pos = 0
    total = len(data)
    while True:
        size = min(room, total - pos)
        if budget >= 0:
            size = min(size, budget - overhead)
            if size < 0 or (size == 0 and pos < total):
                break
            budget -= size + overhead
        end = pos + size
        done = end >= total
        frames.append(
            DataFrame(stream_id, data[pos:end], end_stream=end_stream and done, padding=padding)
        )
        pos = end
        if done:
            break
    return frames


def serialize_frames(frames: Iterable[Frame]) -> bytes:
    """The wire bytes of ``frames``, in order, as one bytes object.

    Payloads of unpadded DATA, HEADERS and CONTINUATION frames are copied once,
    straight into the result (``b"".join(f.serialize() for f in frames)``
    copies them twice).
    """
    parts: list[bytes] = []
    for frame in frames:
        if isinstance(frame, DataFrame) and frame.padding is None:
            data = frame.data
            parts.append(header(len(data), DATA, frame.flags, frame.stream_id))
            parts.append(data)
        elif isinstance(frame, ContinuationFrame):
            data = frame.data
            parts.append(header(len(data), CONTINUATION, frame.flags, frame.stream_id))
            parts.append(data)
        elif isinstance(frame, HeadersFrame) and frame.padding is None and frame.priority is None:
            data = frame.data
            parts.append(header(len(data), HEADERS, frame.flags, frame.stream_id))
            parts.append(data)
        else:
            parts.append(frame.serialize())
    return b"".join(parts)


__all__ = ["serialize_frames", "split_data", "split_header_block"]
