"""FrameDecoder: chunking independence, sequencing, every limit at its edge and one
past it, and memory under the flood scenarios (tracemalloc)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator

import pytest
from frame_strategies import frames as any_frame
from frame_strategies import header, wire_frames
from fuzz_checks import decoder_events
from hypothesis import given
from hypothesis import strategies as st

import h2wire as h
from h2wire import ErrorCode as E
from h2wire import Scope as S

try:
    import tracemalloc
except ImportError:  # PyPy has no tracemalloc
    TRACEMALLOC = False
else:
    TRACEMALLOC = True

#: The memory measurements need CPython's tracemalloc and sys.getallocatedblocks().
needs_memory_tracing = pytest.mark.skipif(
    not (TRACEMALLOC and hasattr(sys, "getallocatedblocks")),
    reason="memory is measured with tracemalloc and sys.getallocatedblocks(), "
    f"which {sys.implementation.name} lacks",
)


def run(chunks: list[bytes], **options: int | bool) -> list[object]:
    """Feed ``chunks``; record frames and errors, carrying on after stream errors."""
    decoder = h.FrameDecoder(**options)  # type: ignore[arg-type]
    return decoder_events(decoder, chunks)


def split(blob: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(blob)) for c in cuts})
    return [blob[a:b] for a, b in zip([0, *points], [*points, len(blob)], strict=True)]


@st.composite
def valid_streams(draw: st.DrawFn) -> list[h.Frame]:
    """Frames in a legal order: every open header block is closed by CONTINUATIONs."""
    out: list[h.Frame] = []
    for frame in draw(st.lists(any_frame, max_size=12)):
        if isinstance(frame, h.ContinuationFrame):
            continue
        out.append(frame)
        if isinstance(frame, (h.HeadersFrame, h.PushPromiseFrame)) and not frame.end_headers:
            count = draw(st.integers(1, 3))
            for i in range(count):
                out.append(
                    h.ContinuationFrame(
                        frame.stream_id, draw(st.binary(max_size=30)), end_headers=i == count - 1
                    )
                )
    return out


@given(valid_streams(), st.lists(st.integers(0, 2000), max_size=20))
def test_any_chunking_gives_the_same_frames(frames: list[h.Frame], cuts: list[int]) -> None:
    blob = b"".join(f.serialize() for f in frames)
    assert run([blob]) == frames
    assert run(split(blob, cuts)) == frames


@given(valid_streams())
def test_one_byte_at_a_time(frames: list[h.Frame]) -> None:
    blob = b"".join(f.serialize() for f in frames)
    assert run([blob[i : i + 1] for i in range(len(blob))]) == frames


@given(
    st.lists(st.one_of(wire_frames(), st.binary(max_size=20)), max_size=6),
    st.lists(st.integers(0, 400), max_size=10),
)
def test_any_chunking_gives_the_same_frames_and_errors(parts: list[bytes], cuts: list[int]) -> None:
    blob = b"".join(parts)
    expected = run([blob])
    assert run(split(blob, cuts)) == expected
    assert run([blob[i : i + 1] for i in range(len(blob))]) == expected


@given(valid_streams(), st.lists(st.integers(0, 2000), max_size=8))
def test_assembled_header_blocks(frames: list[h.Frame], cuts: list[int]) -> None:
    blob = b"".join(f.serialize() for f in frames)
    expected: list[h.Frame] = []
    for frame in frames:
        if isinstance(frame, h.ContinuationFrame):
            first = expected[-1]
            assert isinstance(first, (h.HeadersFrame, h.PushPromiseFrame))
            block = first.data + frame.data
            if isinstance(first, h.HeadersFrame):
                expected[-1] = h.HeadersFrame(
                    first.stream_id,
                    block,
                    end_stream=first.end_stream,
                    end_headers=frame.end_headers,
                    priority=first.priority,
                )
            else:
                expected[-1] = h.PushPromiseFrame(
                    first.stream_id, first.promised_stream_id, block, end_headers=frame.end_headers
                )
        else:
            expected.append(frame)
    assert run(split(blob, cuts), assemble_headers=True) == expected


def feed_one(decoder: h.FrameDecoder, data: bytes) -> h.FrameError:
    with pytest.raises(h.FrameError) as info:
        decoder.feed(data)
    return info.value


# -- sequencing -------------------------------------------------------------


HEADERS_OPEN = h.HeadersFrame(1, b"\x82").serialize()


@pytest.mark.parametrize(
    ("follow", "stream"),
    [
        (h.DataFrame(1, b"x").serialize(), 1),
        (h.PingFrame().serialize(), 0),
        (h.ContinuationFrame(3, b"x", end_headers=True).serialize(), 3),
        (h.UnknownFrame(0xEE, 1).serialize(), 1),
        (h.HeadersFrame(1, b"\x82", end_headers=True).serialize(), 1),
    ],
)
def test_only_continuation_may_follow_an_open_block(follow: bytes, stream: int) -> None:
    decoder = h.FrameDecoder()
    assert decoder.feed(HEADERS_OPEN) == [h.HeadersFrame(1, b"\x82")]
    assert decoder.in_header_block
    err = feed_one(decoder, follow[:9])  # rejected at its header
    assert (err.code, err.scope, err.field, err.stream_id) == (
        E.PROTOCOL_ERROR,
        S.CONNECTION,
        "type",
        stream,
    )


def test_continuation_without_block() -> None:
    err = feed_one(h.FrameDecoder(), h.ContinuationFrame(1, b"x").serialize())
    assert (err.code, err.scope, err.field) == (E.PROTOCOL_ERROR, S.CONNECTION, "type")
    assert "without an open header block" in str(err)


# -- limits, each at its edge and one past it ---------------------------------


def test_max_frame_size_checked_at_the_header() -> None:
    ok = h.DataFrame(1, bytes(16384)).serialize()
    assert len(h.FrameDecoder().feed(ok)) == 1
    decoder = h.FrameDecoder()
    big = h.DataFrame(1, bytes(16385)).serialize()
    err = feed_one(decoder, big[:9])
    assert (err.code, err.scope, err.field) == (E.FRAME_SIZE_ERROR, S.STREAM, "length")
    assert decoder.buffered == 0
    # A stream error: the body is discarded as it arrives and decoding goes on.
    assert decoder.feed(big[9:5000]) == []
    assert decoder.feed(big[5000:] + ok) == [h.DataFrame(1, bytes(16384))]
    err = feed_one(h.FrameDecoder(), h.HeadersFrame(1, bytes(16385)).serialize()[:9])
    assert (err.code, err.scope) == (E.FRAME_SIZE_ERROR, S.CONNECTION)


def test_max_frame_size_changes_at_run_time() -> None:
    decoder = h.FrameDecoder()
    frame = h.DataFrame(1, bytes(20000))
    decoder.max_frame_size = 20000
    assert decoder.feed(frame.serialize()) == [frame]
    decoder.max_frame_size = 16384
    assert feed_one(decoder, frame.serialize()).code is E.FRAME_SIZE_ERROR
    with pytest.raises(ValueError, match="max_frame_size"):
        decoder.max_frame_size = 2**24
    with pytest.raises(ValueError, match="max_frame_size"):
        h.FrameDecoder(16383)


def block(fragment_sizes: list[int], stream_id: int = 1) -> bytes:
    first, *rest = fragment_sizes
    wire = h.HeadersFrame(stream_id, bytes(first), end_headers=not rest).serialize()
    for i, size in enumerate(rest):
        wire += h.ContinuationFrame(
            stream_id, bytes(size), end_headers=i == len(rest) - 1
        ).serialize()
    return wire


@pytest.mark.parametrize("assemble", [False, True])
def test_header_block_size_limit(assemble: bool) -> None:
    options = {"max_header_block_size": 1000, "assemble_headers": assemble}
    assert not any(isinstance(e, tuple) for e in run([block([400, 300, 300])], **options))
    events = run([block([400, 300, 301])], **options)
    assert events[-1] == ("error", E.ENHANCE_YOUR_CALM, S.CONNECTION, 1, "data")
    events = run([block([1001])], **options)
    assert events[-1] == ("error", E.ENHANCE_YOUR_CALM, S.CONNECTION, 1, "data")


@pytest.mark.parametrize("assemble", [False, True])
def test_continuation_count_limit(assemble: bool) -> None:
    options = {"max_continuation_frames": 4, "assemble_headers": assemble}
    assert not any(isinstance(e, tuple) for e in run([block([1, 1, 1, 1, 1])], **options))
    events = run([block([1, 1, 1, 1, 1, 1])], **options)
    assert events[-1] == ("error", E.ENHANCE_YOUR_CALM, S.CONNECTION, 1, "type")
    # Counted per frame, not per feed call: the same flood one frame per call.
    wire = block([1] * 6)
    frames = [wire[i : i + 10] for i in range(0, len(wire), 10)]
    assert run(frames, **options)[-1] == ("error", E.ENHANCE_YOUR_CALM, S.CONNECTION, 1, "type")


def test_settings_entries_limit_checked_at_the_header() -> None:
    options = {"max_settings_entries": 10}
    ten = h.SettingsFrame([(1, i) for i in range(10)]).serialize()
    assert run([ten], **options) == [h.SettingsFrame([(1, i) for i in range(10)])]
    eleven = h.SettingsFrame([(1, i) for i in range(11)]).serialize()
    decoder = h.FrameDecoder(max_settings_entries=10)
    err = feed_one(decoder, eleven[:9])
    assert (err.code, err.scope, err.field) == (E.ENHANCE_YOUR_CALM, S.CONNECTION, "settings")


def test_buffered_bytes_limit_checked_at_the_header() -> None:
    fits = h.DataFrame(1, bytes(20000))
    options = {"max_frame_size": 2**20, "max_buffered_bytes": 9 + 20000}
    assert run([fits.serialize()], **options) == [fits]
    decoder = h.FrameDecoder(2**20, max_buffered_bytes=9 + 20000)
    err = feed_one(decoder, h.DataFrame(1, bytes(20001)).serialize()[:9])
    assert (err.code, err.scope, err.field) == (E.ENHANCE_YOUR_CALM, S.CONNECTION, "length")
    assert decoder.buffered == 0


def test_client_preface() -> None:
    settings = h.SettingsFrame({4: 65535})
    stream = h.CLIENT_PREFACE + settings.serialize() + h.PingFrame().serialize()
    assert run([stream], client_preface=True) == [settings, h.PingFrame()]
    assert run([stream[i : i + 1] for i in range(len(stream))], client_preface=True) == [
        settings,
        h.PingFrame(),
    ]
    decoder = h.FrameDecoder(client_preface=True)
    err = feed_one(decoder, b"GET / HTTP/1.1\r\n")
    assert (err.code, err.scope, err.field) == (E.PROTOCOL_ERROR, S.CONNECTION, "preface")
    assert "preface" in str(err)
    decoder = h.FrameDecoder(client_preface=True)
    assert decoder.feed(b"PRI * HTTP") == []
    assert feed_one(decoder, b"/1.1").field == "preface"  # the first wrong byte is enough
    events = run([h.CLIENT_PREFACE + h.PingFrame().serialize()], client_preface=True)
    assert events == [("error", E.PROTOCOL_ERROR, S.CONNECTION, 0, "type")]


def test_stream_errors_keep_earlier_frames_and_go_on() -> None:
    ping = h.PingFrame()
    bad = header(4, 0x8, 0, 3) + bytes(4)  # WINDOW_UPDATE 0 on stream 3
    decoder = h.FrameDecoder()
    with pytest.raises(h.FrameError) as info:
        decoder.feed(ping.serialize() + bad + ping.serialize())
    assert (info.value.scope, info.value.stream_id) == (S.STREAM, 3)
    assert decoder.feed(b"") == [ping, ping]


def test_ignored_frames_are_counted() -> None:
    truncated_origin = header(3, 0xC, 0, 0) + b"\x00\x05a"
    decoder = h.FrameDecoder()
    assert decoder.feed(truncated_origin + h.PingFrame().serialize()) == [h.PingFrame()]
    assert decoder.ignored_frames == 1


def test_connection_error_is_final() -> None:
    decoder = h.FrameDecoder()
    first = feed_one(decoder, header(8, 0x6, 0, 1) + bytes(8))  # PING on a stream
    assert first.scope is S.CONNECTION
    assert feed_one(decoder, h.PingFrame().serialize()) is first


def test_input_types() -> None:
    wire = h.PingFrame().serialize() * 2
    for data in (wire, bytearray(wire), memoryview(wire)):
        assert h.FrameDecoder().feed(data) == [h.PingFrame(), h.PingFrame()]


# -- floods: memory stays bounded by the limits ------------------------------


def traced(run_it: Callable[[], object]) -> tuple[int, int]:
    """(memory still held after, peak during) ``run_it``, relative to before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    run_it()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current - base, peak - base


@needs_memory_tracing
def test_continuation_flood() -> None:
    fragment = h.ContinuationFrame(1, bytes(16384)).serialize()

    def flood(decoder: h.FrameDecoder) -> h.FrameError:
        decoder.feed(h.HeadersFrame(1, bytes(100)).serialize())
        for _ in range(100_000):  # would be 1.6 GB
            try:
                decoder.feed(fragment)
            except h.FrameError as err:
                return err
        raise AssertionError("no limit stopped the flood")

    errors: list[h.FrameError] = []
    # Frame count limit, with an assembling decoder (the one that holds the block).
    _, peak = traced(
        lambda: errors.append(
            flood(
                h.FrameDecoder(
                    assemble_headers=True,
                    max_header_block_size=2**24 - 300,
                    max_continuation_frames=32,
                )
            )
        )
    )
    assert errors[-1].code is E.ENHANCE_YOUR_CALM and errors[-1].field == "type"
    assert peak < 33 * 16384 + 2**20
    # Byte limit, with the default frame count raised out of the way.
    _, peak = traced(
        lambda: errors.append(
            flood(h.FrameDecoder(assemble_headers=True, max_continuation_frames=10**9))
        )
    )
    assert errors[-1].code is E.ENHANCE_YOUR_CALM and errors[-1].field == "data"
    assert peak < 256 * 1024 + 2**20


@needs_memory_tracing
def test_huge_frame_announced_and_trickled() -> None:
    announce = header(2**24 - 1, 0x0, 0, 1)
    # Default limits: rejected at the header, nothing buffered.
    decoder = h.FrameDecoder()
    assert feed_one(decoder, announce).code is E.FRAME_SIZE_ERROR
    decoder = h.FrameDecoder(2**24 - 1, max_buffered_bytes=2**20)
    assert feed_one(decoder, announce).code is E.ENHANCE_YOUR_CALM
    # Allowed by the settings: memory grows with what arrived, linearly.
    decoder = h.FrameDecoder(2**24 - 1)
    piece = bytes(4096)

    def trickle() -> None:
        decoder.feed(announce)
        for _ in range(1024):  # 4 MiB of the 16 MiB body
            assert decoder.feed(piece) == []

    held, peak = traced(trickle)
    assert decoder.buffered == 9 + 4 * 2**20
    assert held < 5 * 2**20 and peak < 6 * 2**20


@needs_memory_tracing
def test_settings_flood() -> None:
    decoder = h.FrameDecoder()
    err = feed_one(decoder, header(6 * 1_000_000, 0x4, 0, 0))
    assert err.code in (E.FRAME_SIZE_ERROR, E.ENHANCE_YOUR_CALM) and err.scope is S.CONNECTION
    many = h.SettingsFrame([(1, i) for i in range(64)]).serialize() * 2000
    # Memory, not rate: the settings guard would stop this flood at 1,000
    # frames (tests/test_guards.py); here the bound on what is held is tested.
    decoder = h.FrameDecoder(guards=None)
    result: list[list[h.Frame]] = []
    _, peak = traced(lambda: result.append(decoder.feed(many)))
    assert len(result[0]) == 2000 and decoder.buffered == 0
    assert peak < 20 * len(many)  # the 128,000 returned entries, nothing more


def test_a_million_tiny_frames_in_one_chunk() -> None:
    """A million 9-octet frames in one feed: all returned, nothing left buffered."""
    tiny = h.DataFrame(1).serialize()
    decoder = h.FrameDecoder(guards=None)  # the empty-frame guard would stop them
    frames = decoder.feed(tiny * 1_000_000)
    assert len(frames) == 1_000_000 and frames[-1] == h.DataFrame(1)
    assert decoder.buffered == 0


@needs_memory_tracing
def test_a_million_tiny_frames_retain_nothing() -> None:
    """A million 9-octet frames in one feed: nothing retained, peak linear.

    Retention over the full million is counted with sys.getallocatedblocks();
    the peak is measured with tracemalloc over 100,000 frames, because tracing
    every allocation makes the interpreted run ~10x slower (~20 s for a million).
    """
    tiny = h.DataFrame(1).serialize()
    # Empty DATA frames: the empty-frame guard stops them at 10,000
    # (tests/test_guards.py); here the bound on what is held is tested.
    decoder = h.FrameDecoder(guards=None)
    gc.collect()
    blocks = sys.getallocatedblocks()
    frames = decoder.feed(tiny * 1_000_000)
    assert len(frames) == 1_000_000
    del frames
    gc.collect()
    assert sys.getallocatedblocks() - blocks < 1000

    count: list[int] = []
    held, peak = traced(lambda: count.append(len(decoder.feed(tiny * 100_000))))
    assert count == [100_000]
    assert held < 64 * 1024
    assert peak < 250 * 100_000  # linear in the frames returned


def chunks_of(blob: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(blob), size):
        yield blob[i : i + size]


def test_large_stream_in_socket_sized_chunks() -> None:
    frames = [h.DataFrame(1 + 2 * (i % 50), bytes(i % 16384)) for i in range(0, 400_000, 997)]
    blob = b"".join(f.serialize() for f in frames)
    decoder = h.FrameDecoder()
    out: list[h.Frame] = []
    for piece in chunks_of(blob, 65536):
        out.extend(decoder.feed(piece))
    assert out == frames


def test_one_oversize_rule_and_message_everywhere() -> None:
    # RFC 9113 §4.2 is stated once (h2wire.wire.oversize_error): parse_frame and
    # FrameDecoder report the same frame the same way.
    wire = bytes.fromhex("004e20000000000001")  # DATA, 20,000 octets, stream 1
    with pytest.raises(h.FrameError) as parsed:
        h.parse_frame(wire)
    with pytest.raises(h.FrameError) as decoded:
        h.FrameDecoder().feed(wire)
    expected = "DATA frame, length: payload of 20000 octets exceeds the maximum frame size 16384"
    for error in (parsed.value, decoded.value):
        assert str(error) == expected
        assert (error.code, error.scope, error.stream_id, error.field) == (
            E.FRAME_SIZE_ERROR,
            S.STREAM,
            1,
            "length",
        )


def test_preface_needs_settings_first_checked_at_the_header() -> None:
    # The type of the first frame is known at its 9-octet header: a DATA header
    # announcing 1,000 octets fails at once, not after its body has arrived.
    decoder = h.FrameDecoder(2**24 - 1, client_preface=True)
    with pytest.raises(h.FrameError) as info:
        decoder.feed(h.CLIENT_PREFACE + bytes.fromhex("0003e8000000000001"))
    assert (info.value.code, info.value.scope, info.value.field) == (
        E.PROTOCOL_ERROR,
        S.CONNECTION,
        "type",
    )
    assert "must end with SETTINGS" in str(info.value)


def test_close_reports_a_frame_cut_short() -> None:
    wire = h.PingFrame(b"12345678").serialize()
    decoder = h.FrameDecoder()
    assert decoder.feed(wire + wire[:12]) == [h.PingFrame(b"12345678")]
    assert decoder.offset == 17
    with pytest.raises(h.IncompleteFrameError) as info:
        decoder.close()
    assert (info.value.needed, info.value.code) == (17, E.FRAME_SIZE_ERROR)
    assert str(info.value) == "incomplete frame, length: 17 bytes needed, 12 available"
    assert decoder.offset == 17  # where the incomplete frame began
    with pytest.raises(h.IncompleteFrameError):  # final, like any connection error
        decoder.feed(b"")
    # A header cut short: 9 octets needed.
    decoder = h.FrameDecoder()
    decoder.feed(wire[:4])
    with pytest.raises(h.IncompleteFrameError) as info:
        decoder.close()
    assert info.value.needed == 9


def test_close_at_a_frame_boundary_returns_what_is_left() -> None:
    decoder = h.FrameDecoder()
    bad = bytes.fromhex("000004080000000001 00000000")  # stream error: increment 0
    ping = h.PingFrame().serialize()
    with pytest.raises(h.FrameError):
        decoder.feed(bad + ping)
    assert decoder.close() == [h.PingFrame()]  # decoded by close, as feed(b"") would
    assert decoder.offset == len(bad + ping)
    assert decoder.close() == []  # idempotent
    with pytest.raises(ValueError, match="after close"):
        decoder.feed(ping)
    assert h.FrameDecoder().close() == []  # nothing fed, nothing wrong


def test_close_inside_the_preface_or_a_header_block() -> None:
    decoder = h.FrameDecoder(client_preface=True)
    decoder.feed(h.CLIENT_PREFACE[:10])
    with pytest.raises(h.FrameError) as info:
        decoder.close()
    assert (info.value.code, info.value.field) == (E.PROTOCOL_ERROR, "preface")
    assert "10 of 24 octets" in str(info.value)

    decoder = h.FrameDecoder()
    opened = h.HeadersFrame(3, b"\x82").serialize()  # no END_HEADERS
    assert decoder.feed(opened) == [h.HeadersFrame(3, b"\x82")]
    with pytest.raises(h.FrameError) as info:
        decoder.close()
    assert (info.value.code, info.value.stream_id, info.value.field) == (
        E.PROTOCOL_ERROR,
        3,
        "end_headers",
    )
    assert str(info.value).startswith("HEADERS frame, end_headers: the input ended")


def test_close_does_not_report_a_rejected_frame_twice() -> None:
    decoder = h.FrameDecoder()
    with pytest.raises(h.FrameError) as info:  # 20,000-octet DATA: a stream error
        decoder.feed(bytes.fromhex("004e20000000000001") + bytes(100))
    assert info.value.scope is S.STREAM
    assert decoder.close() == []  # its body never arrived, but it was reported already


def test_max_frame_size_follows_acknowledged_settings() -> None:
    # RFC 9113 §6.5.3: a larger SETTINGS_MAX_FRAME_SIZE we sent applies from the
    # peer's ACK on, in the same chunk too; until then 16,384 holds.
    big = h.DataFrame(1, bytes(20_000)).serialize()
    ack = h.SettingsFrame(ack=True).serialize()
    decoder = h.FrameDecoder()
    decoder.settings_sent(h.SettingsFrame({5: 32_768}))
    decoder.settings_sent(h.SettingsFrame({1: 8192}))  # no MAX_FRAME_SIZE in this one
    with pytest.raises(h.FrameError) as info:
        decoder.feed(big)  # sent before the peer acknowledged
    assert (info.value.code, info.value.scope) == (E.FRAME_SIZE_ERROR, S.STREAM)
    frames = decoder.feed(ack + big)
    assert [type(f) for f in frames] == [h.SettingsFrame, h.DataFrame]
    assert decoder.max_frame_size == 32_768
    assert decoder.feed(ack) == [h.SettingsFrame(ack=True)]  # second SETTINGS: no change
    assert decoder.max_frame_size == 32_768
    assert decoder.feed(ack) == [h.SettingsFrame(ack=True)]  # unsolicited ACK: ignored
    with pytest.raises(ValueError, match="not an ACK"):
        decoder.settings_sent(h.SettingsFrame(ack=True))
    # The last of duplicate entries wins, as the peer applies them in order.
    decoder = h.FrameDecoder()
    decoder.settings_sent(h.SettingsFrame([(5, 20_000), (5, 40_000)]))
    decoder.feed(ack)
    assert decoder.max_frame_size == 40_000


def test_offset_points_at_the_first_wrong_preface_octet() -> None:
    for chunks in ([h.CLIENT_PREFACE[:5], b"X" * 30], [h.CLIENT_PREFACE[:5] + b"X" * 30]):
        decoder = h.FrameDecoder(client_preface=True)
        with pytest.raises(h.FrameError):
            for chunk in chunks:
                decoder.feed(chunk)
        assert decoder.offset == 5


def test_offset_after_a_connection_error_is_the_failing_frame() -> None:
    decoder = h.FrameDecoder()
    with pytest.raises(h.FrameError):
        decoder.feed(h.PingFrame().serialize() + bytes.fromhex("000001000000000000") + b"a")
    assert decoder.offset == 17
    assert decoder.failure is not None and decoder.failure.field == "stream_id"


def test_a_stream_error_on_the_last_frame_of_a_chunk() -> None:
    decoder = h.FrameDecoder()
    bad = bytes.fromhex("000004080000000001 00000000")  # WINDOW_UPDATE 0: a stream error
    with pytest.raises(h.FrameError) as info:
        decoder.feed(h.PingFrame().serialize() + bad)
    assert info.value.scope is S.STREAM
    assert decoder.feed(b"") == [h.PingFrame()]  # decoded before the error
    assert decoder.feed(b"") == []  # nothing held, nothing more
    assert (decoder.buffered, decoder.offset) == (0, 17 + 13)


@pytest.mark.parametrize(
    ("before", "bad", "options"),
    [
        # DATA on stream 0: found in the payload.
        ([h.PingFrame()], bytes.fromhex("000001000000000000 61"), {}),
        # CONTINUATION without an open block: found at the header.
        ([h.PingFrame()], h.ContinuationFrame(1, b"").serialize(), {}),
        # Past max_buffered_bytes: found at the header.
        ([h.PingFrame()], h.DataFrame(1, b"x" * 17).serialize(), {"max_buffered_bytes": 20}),
        # A CONTINUATION past the header block limit.
        ([h.PingFrame(), h.HeadersFrame(1, b"")], h.ContinuationFrame(1, b"x" * 9).serialize(),
         {"max_header_block_size": 8}),
        # A HEADERS fragment past it.
        ([h.PingFrame()], h.HeadersFrame(1, b"x" * 9, end_headers=True).serialize(),
         {"max_header_block_size": 8}),
    ],
)  # fmt: skip
def test_offset_after_a_connection_error_behind_frames_of_the_same_feed(
    before: list[h.Frame], bad: bytes, options: dict[str, int]
) -> None:
    """`offset` is where the failing frame begins, also when frames before it
    were decoded in the same feed (a fuzzing finding: it pointed at the start
    of the call's input)."""
    decoder = h.FrameDecoder(**options)  # type: ignore[arg-type]
    good = b"".join(frame.serialize() for frame in before)
    with pytest.raises(h.FrameError) as info:
        decoder.feed(good + bad)
    assert info.value.scope is S.CONNECTION
    assert decoder.take_frames() == before
    assert decoder.offset == len(good)
