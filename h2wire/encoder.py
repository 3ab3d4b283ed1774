"""Encoder helpers: correct frame sequences for header blocks and bodies, and
writing many frames at once.

Two ways out.  :func:`~h2wire.serialize_frames` gives one bytes object.
:func:`~h2wire.serialize_vectored` gives a list of buffers for
``transport.writelines()`` or ``socket.sendmsg()``: small parts (headers,
control frames, small payloads) copied together, large payloads passed by
reference, so a payload is never copied in Python.  :func:`~h2wire.split_data` makes a
body into :class:`~h2wire.DataFrame` objects (each holds its data as
``bytes``: one copy of the body); :func:`~h2wire.split_data_vectored` makes it into
buffers directly, the body's octets as slices of a memoryview (no copy).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from h2wire.codes import DATA
from h2wire.frames import (
    ContinuationFrame,
    DataFrame,
    Frame,
    HeadersFrame,
    PushPromiseFrame,
    StreamDependency,
)
from h2wire.frames.base import stream_id_error
from h2wire.frames.data import data_header
from h2wire.mode import COMPILED, wrong_argument_type, wrong_type
from h2wire.wire import (
    DEFAULT_MAX_FRAME_SIZE,
    FLAG_END_STREAM,
    FLAG_PADDED,
    MAX_FRAME_SIZE_LIMIT,
    MAX_STREAM_ID,
    take_slice,
)

#: The vectored writers copy parts shorter than this many octets together into
#: one buffer, and pass longer ones by reference.  Measured by ``make
#: bench-threshold`` (bench/results/threshold.md): with ``sendmsg`` on a socket,
#: a payload of up to 2 KiB costs less copied than as a buffer of its own (a
#: list entry, a buffer export and an iovec), the two break even near 4 KiB, and
#: on the mixed stream every threshold from 512 octets to 4 KiB does as well.
COALESCE_BELOW: Final = 2048


def _check_max_frame_size(max_frame_size: int) -> None:
    if not DEFAULT_MAX_FRAME_SIZE <= max_frame_size <= MAX_FRAME_SIZE_LIMIT:
        raise ValueError(f"max_frame_size must be in 16384..2**24-1, got {max_frame_size}")


def _check_coalesce_below(coalesce_below: int) -> None:
    if coalesce_below < 1:
        raise ValueError(f"coalesce_below must be >= 1, got {coalesce_below}")


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


def _data_sizes(
    total: int, max_frame_size: int, window: int | None, pad_length: int | None
) -> list[int]:
    """How many data octets each DATA frame of a ``total``-octet body carries:
    the rules of :func:`~h2wire.split_data`, shared with :func:`~h2wire.split_data_vectored`."""
    _check_max_frame_size(max_frame_size)
    overhead = 0
    if pad_length is not None:
        if not 0 <= pad_length <= 255:
            raise ValueError(f"pad_length must be in 0..255, got {pad_length}")
        overhead = 1 + pad_length
    if window is not None and window < 0:
        raise ValueError(f"window must be >= 0, got {window}")
    budget = -1 if window is None else window
    room = max_frame_size - overhead
    sizes: list[int] = []
    pos = 0
    while True:
        size = min(room, total - pos)
        if budget >= 0:
            size = min(size, budget - overhead)
            if size < 0 or (size == 0 and pos < total):
                break
            budget -= size + overhead
        sizes.append(size)
        pos += size
        if pos >= total:
            break
    return sizes


def split_data(
    stream_id: int,
    data: bytes | memoryview,
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

    A frame holds its data as ``bytes``, so each frame's share of ``data`` is
    copied once (a memoryview's octets too: the frame must not change when the
    memory under the view does).  To send a body without that copy, use
    :func:`~h2wire.split_data_vectored`.
    """
    if not COMPILED and not (  # compiled, mypyc makes these checks itself
        isinstance(stream_id, int)
        and isinstance(max_frame_size, int)
        and isinstance(end_stream, bool)
        and (window is None or isinstance(window, int))
        and (pad_length is None or isinstance(pad_length, int))
    ):
        raise wrong_argument_type(
            split_data, stream_id, data, max_frame_size, end_stream, window, pad_length
        )
    body = _body(data)
    total = len(body)
    sizes = _data_sizes(total, max_frame_size, window, pad_length)
    padding = None if pad_length is None else bytes(pad_length)
    frames: list[DataFrame] = []
    pos = 0
    for size in sizes:
        end = pos + size
        chunk = take_slice(body, pos, end) if isinstance(body, bytes) else body[pos:end].tobytes()
        frames.append(
            DataFrame(stream_id, chunk, end_stream=end_stream and end >= total, padding=padding)
        )
        pos = end
    return frames


def split_data_vectored(
    stream_id: int,
    data: bytes | memoryview,
    *,
    max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    end_stream: bool = True,
    window: int | None = None,
    pad_length: int | None = None,
    coalesce_below: int = COALESCE_BELOW,
) -> tuple[list[bytes | memoryview], int]:
    """The DATA frames :func:`~h2wire.split_data` would make, as buffers to write, and
    how many octets of ``data`` they carry.

    The same frames, byte for byte (``b"".join(buffers) ==
    serialize_frames(split_data(...))``), written without building them and
    without copying ``data``: each frame's share of a body of at least
    ``coalesce_below`` octets is a memoryview slice of it; headers (and
    shorter shares) are copied together as :func:`~h2wire.serialize_vectored` does.
    The buffers are ready for ``transport.writelines()`` or
    ``socket.sendmsg()`` (which takes at most ``os.sysconf("SC_IOV_MAX")``
    buffers a call).  They share memory with ``data``: a caller that passes
    a view of a bytearray must not change it until they are written.  The
    count is ``len(data)`` unless ``window`` stopped the body short: then
    send the rest later, from that offset.
    """
    if not COMPILED and not (  # compiled, mypyc makes these checks itself
        isinstance(stream_id, int)
        and isinstance(max_frame_size, int)
        and isinstance(end_stream, bool)
        and (window is None or isinstance(window, int))
        and (pad_length is None or isinstance(pad_length, int))
        and isinstance(coalesce_below, int)
    ):
        raise wrong_argument_type(
            split_data_vectored,
            stream_id,
            data,
            max_frame_size,
            end_stream,
            window,
            pad_length,
            coalesce_below,
        )
    body = _body(data)
    if not 0 < stream_id <= MAX_STREAM_ID:  # what DataFrame's constructor checks
        raise stream_id_error(DATA, stream_id)
    _check_coalesce_below(coalesce_below)
    total = len(body)
    sizes = _data_sizes(total, max_frame_size, window, pad_length)
    if isinstance(body, bytes) and total >= coalesce_below:
        body = memoryview(body)  # slices of bytes would be copies
    padding = None if pad_length is None else bytes(pad_length)
    flags = 0 if padding is None else FLAG_PADDED
    parts: list[bytes | memoryview] = []
    pos = 0
    for size in sizes:
        end = pos + size
        last = end_stream and end >= total
        parts.append(
            data_header(size, flags | FLAG_END_STREAM if last else flags, stream_id, pad_length)
        )
        parts.append(body[pos:end])
        if padding is not None:
            parts.append(padding)
        pos = end
    return _coalesce(parts, coalesce_below), pos


def _body(data: bytes | memoryview) -> bytes | memoryview:
    """``data`` as bytes, or as a flat memoryview of octets."""
    if isinstance(data, bytes):
        return data
    if not isinstance(data, memoryview):
        raise wrong_type("bytes or memoryview", data)
    if data.format == "B" and data.ndim == 1 and data.c_contiguous:
        return data
    if not data.c_contiguous:
        raise ValueError("a memoryview body must be C-contiguous")
    return data.cast("B")


def _coalesce(parts: list[bytes | memoryview], coalesce_below: int) -> list[bytes | memoryview]:
    """``parts`` with each run of parts shorter than ``coalesce_below`` octets
    copied into one bytes object; longer parts are kept as they are."""
    buffers: list[bytes | memoryview] = []
    pending: list[bytes | memoryview] = []
    for part in parts:
        size = len(part)
        if size >= coalesce_below:
            if pending:
                buffers.append(b"".join(pending))
                pending = []
            buffers.append(part)
        elif size:
            pending.append(part)
    if pending:
        buffers.append(b"".join(pending))
    return buffers


def serialize_frames(frames: Iterable[Frame]) -> bytes:
    """The wire bytes of ``frames``, in order, as one bytes object.

    Each payload is copied once, straight into the result, from the frames'
    :meth:`~h2wire.Frame.wire_parts` (``b"".join(f.serialize() for f in
    frames)`` copies it twice).
    """
    parts: list[bytes] = []
    for frame in frames:
        parts += frame.wire_parts()
    return b"".join(parts)


def serialize_vectored(
    frames: Iterable[Frame], *, coalesce_below: int = COALESCE_BELOW
) -> list[bytes]:
    """The wire bytes of ``frames``, in order, as a list of buffers to write
    with ``transport.writelines()`` or ``socket.sendmsg()``.

    ``b"".join(result) == serialize_frames(frames)``.  Each frame gives its
    :meth:`~h2wire.Frame.wire_parts`; parts of at least ``coalesce_below``
    octets (payloads) are the frames' own bytes objects, passed by reference;
    each run of shorter parts (headers, control frames, small payloads) is
    copied into one bytes object.  ``socket.sendmsg()`` takes at most
    ``os.sysconf("SC_IOV_MAX")`` buffers a call: write a long list in slices.
    """
    if not COMPILED and not isinstance(coalesce_below, int):
        raise wrong_argument_type(serialize_vectored, frames, coalesce_below)
    _check_coalesce_below(coalesce_below)
    # _coalesce's loop, over each frame's parts in turn: building the list of
    # all parts first and calling _coalesce costs 16% more per frame compiled
    # (valgrind instruction counts, mixed stream).  tests/test_vectored.py
    # holds this to the same rule.
    buffers: list[bytes] = []
    pending: list[bytes] = []
    for frame in frames:
        for part in frame.wire_parts():
            size = len(part)
            if size >= coalesce_below:
                if pending:
                    buffers.append(b"".join(pending))
                    pending = []
                buffers.append(part)
            elif size:
                pending.append(part)
    if pending:
        buffers.append(b"".join(pending))
    return buffers


__all__ = [
    "COALESCE_BELOW",
    "serialize_frames",
    "serialize_vectored",
    "split_data",
    "split_data_vectored",
    "split_header_block",
]
