"""Encoder helpers, round-tripped through FrameDecoder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h

SIZES = [0, 1, 16383, 16384, 16385, 40_000, 2**20]
MAX_SIZES = [16384, 2**24 - 1]
PRIORITY = h.StreamDependency(3, 200, True)


def decode_block(frames: list[h.Frame], max_frame_size: int) -> h.Frame:
    decoder = h.FrameDecoder(
        max_frame_size, assemble_headers=True, max_header_block_size=2**24 - 300,
        max_continuation_frames=10**6,
    )  # fmt: skip
    out = decoder.feed(h.serialize_frames(frames))
    assert len(out) == 1 and not decoder.in_header_block
    return out[0]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("max_frame_size", MAX_SIZES)
@pytest.mark.parametrize(
    ("priority", "padding", "promised"),
    [(None, None, None), (PRIORITY, None, None), (PRIORITY, bytes(255), None),
     (None, b"", None), (None, None, 2), (None, bytes(255), 4)],
)  # fmt: skip
def test_header_block_round_trip(
    size: int,
    max_frame_size: int,
    priority: h.StreamDependency | None,
    padding: bytes | None,
    promised: int | None,
) -> None:
    block = bytes(range(256)) * (size // 256) + bytes(size % 256)
    frames = h.split_header_block(
        1, block, max_frame_size=max_frame_size, priority=priority, padding=padding,
        promised_stream_id=promised, end_stream=promised is None,
    )  # fmt: skip
    assert all(f.length <= max_frame_size for f in frames)
    assert [getattr(f, "end_headers") for f in frames] == [False] * (len(frames) - 1) + [True]  # noqa: B009
    assert all(isinstance(f, h.ContinuationFrame) for f in frames[1:])
    # The first frame is filled to the brim when the block needs more than one.
    if len(frames) > 1:
        assert frames[0].length == max_frame_size
    result = decode_block(frames, max_frame_size)
    assert getattr(result, "data") == block  # noqa: B009
    if promised is None:
        assert isinstance(result, h.HeadersFrame)
        assert result.priority == priority and result.end_stream
    else:
        assert isinstance(result, h.PushPromiseFrame) and result.promised_stream_id == promised


def test_40kb_block_with_priority() -> None:
    # h2 4.4.1 raises AssertionError here: it forgets the 5 priority octets.
    frames = h.split_header_block(1, bytes(40_000), priority=PRIORITY)
    assert [f.length for f in frames] == [16384, 16384, 40_000 - (16384 - 5) - 16384]


def test_split_header_block_rejects_misuse() -> None:
    with pytest.raises(ValueError, match="max_frame_size"):
        h.split_header_block(1, b"x", max_frame_size=100)
    with pytest.raises(ValueError, match="PUSH_PROMISE"):
        h.split_header_block(1, b"x", promised_stream_id=2, end_stream=True)
    with pytest.raises(TypeError):
        h.split_header_block(1, "x")  # type: ignore[arg-type]
    with pytest.raises(h.FrameError):
        h.split_header_block(0, b"x")


@given(
    st.integers(0, 100_000),
    st.sampled_from(MAX_SIZES),
    st.one_of(st.none(), st.integers(0, 200_000)),
    st.one_of(st.none(), st.integers(0, 255)),
    st.booleans(),
)
def test_split_data(
    size: int, max_frame_size: int, window: int | None, pad: int | None, end: bool
) -> None:
    body = bytes(size)
    frames = h.split_data(
        1, body, max_frame_size=max_frame_size, window=window, pad_length=pad, end_stream=end
    )
    sent = b"".join(f.data for f in frames)
    assert body.startswith(sent)
    assert all(f.length <= max_frame_size for f in frames)
    assert all(f.padding == (None if pad is None else bytes(pad)) for f in frames)
    cost = sum(f.flow_controlled_length for f in frames)
    if window is not None:
        assert cost <= window
    else:
        assert sent == body and frames
    complete = sent == body and bool(frames)
    assert [f.end_stream for f in frames] == [False] * (len(frames) - 1) + [
        end and complete
    ] * bool(frames)
    # Nothing fitting was left unsent: the next frame would not have fitted.
    if window is not None and not complete:
        overhead = 0 if pad is None else pad + 1
        assert window - cost < overhead + 1 or len(frames[-1].data) == max_frame_size - overhead
    decoded = h.FrameDecoder(max_frame_size).feed(h.serialize_frames(frames))
    assert decoded == frames


def test_split_data_edges() -> None:
    assert h.split_data(1, b"") == [h.DataFrame(1, end_stream=True)]
    assert h.split_data(1, b"", window=0) == [h.DataFrame(1, end_stream=True)]
    assert h.split_data(1, b"abc", window=0) == []
    assert h.split_data(1, b"abc", window=2) == [h.DataFrame(1, b"ab")]
    assert h.split_data(1, b"abc", window=3, pad_length=1) == [h.DataFrame(1, b"a", padding=b"\0")]
    assert [len(f.data) for f in h.split_data(1, bytes(40_000))] == [16384, 16384, 7232]
    with pytest.raises(ValueError, match="pad_length"):
        h.split_data(1, b"", pad_length=256)
    with pytest.raises(ValueError, match="window"):
        h.split_data(1, b"", window=-1)


@given(st.lists(st.sampled_from([
    h.DataFrame(1, b"x" * 50, end_stream=True), h.DataFrame(3, b"y", padding=b"\0\0"),
    h.HeadersFrame(1, b"\x82", end_headers=True), h.HeadersFrame(5, b"h", priority=PRIORITY),
    h.ContinuationFrame(1, b"c"), h.PingFrame(), h.SettingsFrame({1: 1}), h.WindowUpdateFrame(0, 9),
]), max_size=20))  # fmt: skip
def test_serialize_frames(frames: list[h.Frame]) -> None:
    assert h.serialize_frames(frames) == b"".join(f.serialize() for f in frames)
    assert h.serialize_frames(iter(frames)) == b"".join(f.serialize() for f in frames)
