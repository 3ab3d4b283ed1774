"""No leaks: a million parse / serialize / decoder calls keep the resident set flat."""

from __future__ import annotations

import contextlib
import gc
import os

import h2wire as h
from h2wire.hyperframe import frame as hf

FRAMES = [
    h.DataFrame(1, bytes(300), end_stream=True, padding=bytes(3)),
    h.HeadersFrame(3, bytes(60), end_headers=True, priority=h.StreamDependency(1, 20, True)),
    h.SettingsFrame({1: 4096, 4: 65535}),
    h.WindowUpdateFrame(0, 1000),
    h.RstStreamFrame(5, 8),
    h.GoAwayFrame(7, 2, b"bye"),
]
WIRE = b"".join(f.serialize() for f in FRAMES)
BAD = bytes.fromhex("000004080000000001 00000000")  # stream error: WINDOW_UPDATE 0


def rss() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def work(rounds: int) -> None:
    decoder = h.FrameDecoder(guards=None)  # rates are not what this measures
    for _ in range(rounds):
        offset = 0
        while offset < len(WIRE):  # 6 parse_frame calls
            frame, size = h.parse_frame(WIRE, offset)
            offset += size
            frame.serialize()  # 6 serialize calls
        decoder.feed(WIRE[:100])  # 2 feed calls
        decoder.feed(WIRE[100:])
        with contextlib.suppress(h.FrameError):  # errors allocate too: one each round
            decoder.feed(BAD)
        layer, length = hf.Frame.parse_frame_header(WIRE[:9])
        layer.parse_body(memoryview(WIRE[9 : 9 + length]))
        layer.serialize()


def test_a_million_calls_keep_rss_flat() -> None:
    work(20_000)  # warm up: allocator arenas, caches
    gc.collect()
    before = rss()
    work(60_000)  # 60,000 x 17 calls: about a million
    gc.collect()
    growth = rss() - before
    assert growth < 4 * 2**20, f"RSS grew by {growth} bytes"
