"""Hypothesis strategies: every valid frame object, and wire bytes shaped like frames."""

from __future__ import annotations

from hypothesis import strategies as st

import h2wire as h

MAX_ID = 2**31 - 1

stream_ids = st.one_of(st.integers(1, 9), st.integers(1, MAX_ID))
any_ids = st.one_of(st.just(0), stream_ids)
octets = st.integers(0, 255)
small_bytes = st.binary(max_size=40)
paddings = st.one_of(st.none(), st.binary(max_size=20), st.binary(min_size=255, max_size=255))
u32 = st.one_of(st.integers(0, 20), st.integers(0, 2**32 - 1))


def undefined(defined: int) -> st.SearchStrategy[int]:
    return st.integers(0, 255).map(lambda f: f & ~defined & 0xFF)


@st.composite
def dependencies(draw: st.DrawFn, stream_id: int) -> h.StreamDependency:
    depends_on = draw(st.integers(0, MAX_ID).filter(lambda d: d != stream_id))
    return h.StreamDependency(depends_on, draw(octets), draw(st.booleans()))


@st.composite
def data_frames(draw: st.DrawFn) -> h.DataFrame:
    return h.DataFrame(
        draw(stream_ids),
        draw(small_bytes),
        end_stream=draw(st.booleans()),
        padding=draw(paddings),
        undefined_flags=draw(undefined(0x09)),
    )


@st.composite
def headers_frames(draw: st.DrawFn) -> h.HeadersFrame:
    sid = draw(stream_ids)
    return h.HeadersFrame(
        sid,
        draw(small_bytes),
        end_stream=draw(st.booleans()),
        end_headers=draw(st.booleans()),
        priority=draw(st.one_of(st.none(), dependencies(sid))),
        padding=draw(paddings),
        undefined_flags=draw(undefined(0x2D)),
    )


@st.composite
def priority_frames(draw: st.DrawFn) -> h.PriorityFrame:
    sid = draw(stream_ids)
    dep = draw(dependencies(sid))
    return h.PriorityFrame(
        sid, dep.depends_on, dep.weight, dep.exclusive, undefined_flags=draw(octets)
    )


settings_entries = st.lists(
    st.one_of(
        st.tuples(st.just(1), st.integers(0, 2**32 - 1)),
        st.tuples(st.sampled_from([2, 8, 9]), st.integers(0, 1)),
        st.tuples(st.just(3), st.integers(0, 2**32 - 1)),
        st.tuples(st.just(4), st.integers(0, 2**31 - 1)),
        st.tuples(st.just(5), st.integers(2**14, 2**24 - 1)),
        st.tuples(st.just(6), st.integers(0, 2**32 - 1)),
        st.tuples(st.integers(0, 0xFFFF).filter(lambda i: i not in (2, 4, 5, 8, 9)), u32),
    ),
    max_size=8,
)


@st.composite
def settings_frames(draw: st.DrawFn) -> h.SettingsFrame:
    if draw(st.booleans()):
        return h.SettingsFrame(ack=True, undefined_flags=draw(undefined(0x01)))
    return h.SettingsFrame(draw(settings_entries), undefined_flags=draw(undefined(0x01)))


@st.composite
def push_promise_frames(draw: st.DrawFn) -> h.PushPromiseFrame:
    return h.PushPromiseFrame(
        draw(stream_ids),
        draw(st.integers(1, MAX_ID // 2)) * 2,
        draw(small_bytes),
        end_headers=draw(st.booleans()),
        padding=draw(paddings),
        undefined_flags=draw(undefined(0x0C)),
    )


frames: st.SearchStrategy[h.Frame] = st.one_of(
    data_frames(),
    headers_frames(),
    priority_frames(),
    st.builds(h.RstStreamFrame, stream_ids, u32, undefined_flags=octets),
    settings_frames(),
    push_promise_frames(),
    st.builds(
        h.PingFrame,
        st.binary(min_size=8, max_size=8),
        ack=st.booleans(),
        undefined_flags=undefined(0x01),
    ),
    st.builds(h.GoAwayFrame, st.integers(0, MAX_ID), u32, small_bytes, undefined_flags=octets),
    st.builds(h.WindowUpdateFrame, any_ids, st.integers(1, MAX_ID), undefined_flags=octets),
    st.builds(
        h.ContinuationFrame,
        stream_ids,
        small_bytes,
        end_headers=st.booleans(),
        undefined_flags=undefined(0x04),
    ),
    st.builds(h.AltSvcFrame, any_ids, small_bytes, small_bytes, undefined_flags=octets),
    st.builds(
        h.OriginFrame,
        st.lists(small_bytes, max_size=5),
        stream_id=any_ids,
        undefined_flags=octets,
    ),
    st.builds(h.PriorityUpdateFrame, stream_ids, small_bytes, undefined_flags=octets),
    st.builds(
        h.UnknownFrame,
        st.integers(0, 255).filter(lambda t: t not in h.FRAME_TYPES),
        any_ids,
        small_bytes,
        undefined_flags=octets,
    ),
)


def header(length: int, frame_type: int, flags: int, stream_id: int) -> bytes:
    return length.to_bytes(3, "big") + bytes((frame_type, flags)) + stream_id.to_bytes(4, "big")


@st.composite
def wire_frames(draw: st.DrawFn) -> bytes:
    """Bytes with a plausible header: any type (mostly known ones), flags, stream,
    a payload of random bytes whose length usually, but not always, matches."""
    frame_type = draw(st.one_of(st.integers(0, 0x10), st.integers(0, 255)))
    payload = draw(
        st.one_of(
            st.binary(max_size=12),
            st.binary(max_size=80),
            st.sampled_from([b"\x00" * 4, b"\x00\x00\x00\x01", b"\x80\x00\x00\x01"]),
        )
    )
    length = len(payload)
    if draw(st.integers(0, 9)) == 0:
        length = draw(st.integers(0, 100))
    stream_id = draw(
        st.one_of(st.sampled_from([0, 1, 2, 3, 0x80000001]), st.integers(0, 2**32 - 1))
    )
    return header(length, frame_type, draw(octets), stream_id) + payload


@st.composite
def mutated_frames(draw: st.DrawFn) -> bytes:
    """A valid frame's bytes with a few octets changed."""
    wire = bytearray(draw(frames).serialize())
    for _ in range(draw(st.integers(1, 3))):
        wire[draw(st.integers(0, len(wire) - 1))] = draw(octets)
    return bytes(wire)
