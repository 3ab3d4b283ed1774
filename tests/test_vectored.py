"""Vectored output: Frame.wire_parts(), serialize_vectored(), split_data_vectored(),
and split_data() on a memoryview.

The contract is exactness (the buffers join to what serialize() writes) and no
copy of a payload (a large part *is* the frame's bytes object, or a view of the
caller's body).  The last tests write the buffers through a real socket pair
with ``socket.sendmsg`` and through an asyncio transport with ``writelines``,
and compare what arrives with ``serialize()``.
"""

from __future__ import annotations

import array
import asyncio
import os
import socket
import threading
from collections.abc import Sequence

import pytest
from frame_strategies import frames
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h

#: Each frame type's bulk payload: wire_parts() must hand out this very object.
PAYLOAD_FIELD: dict[type[h.Frame], str] = {
    h.DataFrame: "data",
    h.HeadersFrame: "data",
    h.PushPromiseFrame: "data",
    h.ContinuationFrame: "data",
    h.GoAwayFrame: "debug_data",
    h.UnknownFrame: "payload",
}
MAX_SIZES = [16384, 2**24 - 1]


@given(frames)
def test_wire_parts_join_to_serialize(frame: h.Frame) -> None:
    parts = frame.wire_parts()
    assert type(parts) is tuple and all(type(part) is bytes for part in parts)
    assert b"".join(parts) == frame.serialize()
    field = PAYLOAD_FIELD.get(type(frame))
    if field is None:
        assert parts == (frame.serialize(),)
        return
    # The header part is the header and the fixed fields, then the payload
    # itself, then the padding itself.
    payload = getattr(frame, field)
    padding = getattr(frame, "padding", None)
    assert parts[1] is payload
    assert len(parts) == (2 if padding is None else 3)
    if padding is not None:
        assert parts[2] is padding
    assert len(parts[0]) == 9 + frame.length - len(payload) - (
        0 if padding is None else len(padding)
    )


def test_wire_parts_of_a_large_payload_are_not_copies() -> None:
    body = os.urandom(100_000)
    for frame in (
        h.DataFrame(1, body, padding=b"\0" * 7),
        h.HeadersFrame(1, body, priority=h.StreamDependency(3, 7), padding=b""),
        h.PushPromiseFrame(1, 2, body),
        h.ContinuationFrame(1, body),
        h.GoAwayFrame(5, 2, body),
        h.UnknownFrame(0xEE, 1, body),
    ):
        assert frame.wire_parts()[1] is body


def test_an_extension_class_gets_one_part() -> None:
    class Note(h.Frame):
        def __init__(self) -> None:
            object.__setattr__(self, "stream_id", 0)

        @property
        def flags(self) -> int:
            return 0

        @property
        def length(self) -> int:
            return 2

        def serialize(self) -> bytes:
            return bytes.fromhex("000002f10000000000") + b"hi"

    Note.TYPE = 0xF1
    assert Note().wire_parts() == (Note().serialize(),)


def payloads(frame: h.Frame) -> list[bytes]:
    """The objects wire_parts() must pass by reference: payload and padding."""
    field = PAYLOAD_FIELD.get(type(frame))
    if field is None:
        return []
    padding = getattr(frame, "padding", None)
    return [getattr(frame, field)] + ([] if padding is None else [padding])


@given(
    st.lists(frames, max_size=12),
    st.sampled_from([1, 8, 10, 64, 1024, 2**24]),
)
def test_serialize_vectored(batch: list[h.Frame], coalesce_below: int) -> None:
    buffers = h.serialize_vectored(batch, coalesce_below=coalesce_below)
    assert b"".join(buffers) == h.serialize_frames(batch)
    assert h.serialize_vectored(iter(batch), coalesce_below=coalesce_below) == buffers
    # The model: each run of parts shorter than coalesce_below joined into one
    # buffer, every other part a buffer of its own, and no empty buffer.
    model: list[bytes] = []
    run: list[bytes] = []
    for part in (part for frame in batch for part in frame.wire_parts()):
        if len(part) < coalesce_below:
            run += [part] if part else []
            continue
        if run:
            model.append(b"".join(run))
            run = []
        model.append(part)
    if run:
        model.append(b"".join(run))
    assert buffers == model
    assert all(type(b) is bytes and b for b in buffers)
    # A payload at or above the threshold is the frame's own object.
    for payload in (p for frame in batch for p in payloads(frame)):
        if len(payload) >= coalesce_below:
            assert any(b is payload for b in buffers)


def test_serialize_vectored_passes_payloads_by_reference() -> None:
    batch = [
        h.HeadersFrame(1, b"\x82\x84", end_headers=True),
        *h.split_data(1, bytes(50_000)),  # 3 x 16384 and 848 octets
        h.WindowUpdateFrame(0, 100),
        h.PingFrame(b"8 octets"),
        h.DataFrame(3, b"small", end_stream=True),
    ]
    headers, big1, big2, big3, rest = batch[:5]
    assert isinstance(big1, h.DataFrame) and isinstance(big2, h.DataFrame)
    assert isinstance(big3, h.DataFrame) and isinstance(rest, h.DataFrame)
    buffers = h.serialize_vectored(batch)
    assert buffers == [
        headers.serialize() + big1.wire_parts()[0],
        big1.data,
        big2.wire_parts()[0],
        big2.data,
        big3.wire_parts()[0],
        big3.data,
        b"".join(f.serialize() for f in batch[4:]),
    ]
    assert [buffers[i] is f.data for i, f in ((1, big1), (3, big2), (5, big3))] == [True] * 3
    assert h.serialize_vectored([]) == []


@pytest.mark.parametrize("coalesce_below", [0, -5])
def test_coalesce_below_must_be_positive(coalesce_below: int) -> None:
    with pytest.raises(ValueError, match="coalesce_below must be >= 1"):
        h.serialize_vectored([], coalesce_below=coalesce_below)
    with pytest.raises(ValueError, match="coalesce_below must be >= 1"):
        h.split_data_vectored(1, b"", coalesce_below=coalesce_below)


# -- bodies: bytes and memoryviews ----------------------------------------------


def bodies(size: int) -> list[bytes | memoryview]:
    """The same octets as bytes, a view of bytes, a view of a bytearray, a
    4-byte-item array view and a 2-D view."""
    raw = bytes(i % 251 for i in range(size - size % 8))
    return [
        raw,
        memoryview(raw),
        memoryview(bytearray(raw)),
        memoryview(array.array("I", raw)),
        memoryview(raw).cast("B", (2, len(raw) // 2)) if raw else memoryview(raw),
    ]


@given(
    st.integers(0, 70_000),
    st.sampled_from(MAX_SIZES),
    st.one_of(st.none(), st.integers(0, 100_000)),
    st.one_of(st.none(), st.integers(0, 255)),
    st.booleans(),
    st.sampled_from([1, 100, 1024, 20_000]),
)
def test_split_data_vectored_writes_split_datas_frames(
    size: int,
    max_frame_size: int,
    window: int | None,
    pad: int | None,
    end: bool,
    coalesce_below: int,
) -> None:
    for body in bodies(size):
        frames_ = h.split_data(
            7, body, max_frame_size=max_frame_size, window=window, pad_length=pad, end_stream=end
        )
        assert all(type(f.data) is bytes for f in frames_)
        buffers, sent = h.split_data_vectored(
            7, body, max_frame_size=max_frame_size, window=window, pad_length=pad,
            end_stream=end, coalesce_below=coalesce_below,
        )  # fmt: skip
        assert b"".join(buffers) == h.serialize_frames(frames_)
        assert sent == sum(len(f.data) for f in frames_)
        assert all(len(b) for b in buffers)


def test_split_data_vectored_does_not_copy_the_body() -> None:
    owner = bytearray(os.urandom(5 * 2**20))
    buffers, sent = h.split_data_vectored(1, memoryview(owner))
    assert sent == len(owner)
    views = [b for b in buffers if isinstance(b, memoryview)]
    assert len(views) == 320 and all(v.obj is owner for v in views)
    assert len(buffers) == 640  # a 9-octet header before each 16 KiB slice
    owner[16384] ^= 0xFF  # the second frame's first octet: the view sees it
    assert views[1][0] == owner[16384]
    raw = bytes(owner)
    buffers, _ = h.split_data_vectored(1, raw, window=40_000)
    views = [b for b in buffers if isinstance(b, memoryview)]
    assert [len(v) for v in views] == [16384, 16384, 40_000 - 32768] and views[0].obj is raw


def test_split_data_copies_a_memoryview_into_its_frames() -> None:
    owner = bytearray(b"abcdef" * 5000)
    frames_ = h.split_data(1, memoryview(owner))
    before = [f.data for f in frames_]
    owner[0:6] = b"zzzzzz"
    assert [f.data for f in frames_] == before  # frames never change under a caller


def test_split_data_takes_bytes_whole_without_a_copy() -> None:
    body = bytes(1000)
    assert h.split_data(1, body)[0].data is body


def test_bodies_of_the_wrong_kind() -> None:
    strided = memoryview(bytes(100))[::2]
    for split in (h.split_data, h.split_data_vectored):
        with pytest.raises(ValueError, match="C-contiguous"):
            split(1, strided)
        with pytest.raises(TypeError, match="bytes or memoryview object expected; got "):
            split(1, bytearray(b"x"))  # type: ignore[arg-type]
    with pytest.raises(h.FrameError, match="stream_id: must be non-zero"):
        h.split_data_vectored(0, b"x")
    with pytest.raises(h.FrameError, match=r"stream_id: must be in 0\.\.2"):
        h.split_data_vectored(2**31, b"x")
    with pytest.raises(ValueError, match="max_frame_size"):
        h.split_data_vectored(1, b"x", max_frame_size=100)


# -- through real transports ----------------------------------------------------


def mixed_batch() -> list[h.Frame]:
    body = os.urandom(200_000)
    return [
        h.SettingsFrame({1: 4096, 4: 2**20}),
        h.HeadersFrame(1, b"\x82" * 30, end_headers=True),
        *h.split_data(1, body[:100_000]),
        h.WindowUpdateFrame(0, 100_000),
        h.HeadersFrame(3, b"\x83" * 300, end_headers=True, padding=bytes(10)),
        *h.split_data(3, body, pad_length=9),
        h.PingFrame(b"12345678"),
        h.GoAwayFrame(3, 0, b"bye" * 1000),
        h.UnknownFrame(0xEE, 1, body[:5000]),
        h.DataFrame(1, b"tail", end_stream=True),
    ]


def sendmsg_all(sock: socket.socket, buffers: Sequence[bytes | memoryview]) -> None:
    """Write every buffer with sendmsg, at most IOV_MAX a call, resuming after
    a partial write."""
    pending = [memoryview(b) for b in buffers]
    limit = os.sysconf("SC_IOV_MAX")
    first = 0
    while first < len(pending):
        sent = sock.sendmsg(pending[first : first + limit])
        while sent and sent >= pending[first].nbytes:
            sent -= pending[first].nbytes
            first += 1
        if sent:
            pending[first] = pending[first][sent:]


def receive(sock: socket.socket, size: int, into: bytearray) -> None:
    while len(into) < size:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        into += chunk


def through_socketpair(buffers: Sequence[bytes | memoryview]) -> bytes:
    size = sum(memoryview(b).nbytes for b in buffers)
    writer, reader = socket.socketpair()
    received = bytearray()
    with writer, reader:
        writer.settimeout(30)
        reader.settimeout(30)
        thread = threading.Thread(target=receive, args=(reader, size, received))
        thread.start()
        sendmsg_all(writer, buffers)
        thread.join(30)
    return bytes(received)


def test_sendmsg_through_a_socket_pair() -> None:
    batch = mixed_batch()
    expected = b"".join(f.serialize() for f in batch)
    assert through_socketpair(h.serialize_vectored(batch)) == expected
    body = memoryview(bytearray(os.urandom(5 * 2**20 + 3)))
    buffers, sent = h.split_data_vectored(5, body, max_frame_size=2**20)
    assert sent == len(body)
    assert through_socketpair(buffers) == h.serialize_frames(
        h.split_data(5, body, max_frame_size=2**20)
    )


async def through_asyncio(buffers: Sequence[bytes | memoryview]) -> bytes:
    size = sum(memoryview(b).nbytes for b in buffers)
    left, right = socket.socketpair()
    _, writer = await asyncio.open_connection(sock=left)
    reader, other = await asyncio.open_connection(sock=right)
    try:
        writer.writelines(buffers)  # the transport's writelines()
        received, _ = await asyncio.gather(reader.readexactly(size), writer.drain())
    finally:
        writer.close()
        other.close()
    return received


def test_writelines_through_an_asyncio_transport() -> None:
    batch = mixed_batch()
    buffers = h.serialize_vectored(batch)
    received = asyncio.run(asyncio.wait_for(through_asyncio(buffers), 30))
    assert received == b"".join(f.serialize() for f in batch)
    body = memoryview(bytearray(os.urandom(3 * 2**20)))
    vectored, _ = h.split_data_vectored(1, body)
    received = asyncio.run(asyncio.wait_for(through_asyncio(vectored), 30))
    assert received == h.serialize_frames(h.split_data(1, body))
