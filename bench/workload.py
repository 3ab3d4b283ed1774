"""The benchmark inputs: one frame of each kind, and a mixed stream shaped like a
browsing session.  Built with h2wire's native API; the bytes are what every
variant parses."""

from __future__ import annotations

import random

import h2wire as h

#: (case name, frame) — one per type and size the targets talk about.
SAMPLES: list[tuple[str, h.Frame]] = [
    ("DATA 100 B", h.DataFrame(1, bytes(100))),
    ("DATA 16 KiB", h.DataFrame(1, bytes(16384), end_stream=True)),
    ("DATA padded", h.DataFrame(1, bytes(1000), padding=bytes(20))),
    ("HEADERS", h.HeadersFrame(1, bytes(120), end_headers=True)),
    (
        "HEADERS+priority",
        h.HeadersFrame(3, bytes(120), end_headers=True, priority=h.StreamDependency(1, 15, True)),
    ),
    ("PRIORITY", h.PriorityFrame(3, 1, 15)),
    ("RST_STREAM", h.RstStreamFrame(1, 8)),
    ("SETTINGS", h.SettingsFrame([(1, 4096), (3, 100), (4, 65535), (5, 16384), (6, 8192)])),
    ("SETTINGS ACK", h.SettingsFrame(ack=True)),
    ("PUSH_PROMISE", h.PushPromiseFrame(1, 2, bytes(80), end_headers=True)),
    ("PING", h.PingFrame(b"\x01" * 8)),
    ("GOAWAY", h.GoAwayFrame(31, 0, b"shutting down")),
    ("WINDOW_UPDATE", h.WindowUpdateFrame(1, 65535)),
    ("CONTINUATION", h.ContinuationFrame(1, bytes(200), end_headers=True)),
    ("ALTSVC", h.AltSvcFrame(0, b"https://example.com", b'h3=":443"; ma=86400')),
    # hyperframe has no class for the next three: it parses them as ExtensionFrame,
    # keeping the payload undecoded, and its construct case builds that payload.
    ("ORIGIN", h.OriginFrame([b"https://example.com", b"https://cdn.example.com"])),
    ("PRIORITY_UPDATE", h.PriorityUpdateFrame(5, b"u=1, i")),
    ("unknown type", h.UnknownFrame(0xFA, 1, bytes(32), undefined_flags=3)),
]
#: The cases above that hyperframe keeps as an opaque ExtensionFrame body.
OPAQUE_IN_HYPERFRAME: frozenset[str] = frozenset({"ORIGIN", "PRIORITY_UPDATE", "unknown type"})


def browsing_session(seed: int = 2026, target: int = 10_000) -> list[h.Frame]:
    """~10,000 frames: many small HEADERS, DATA of 100 B..16 KiB, WINDOW_UPDATE,
    SETTINGS/ACK, PING, a few RST_STREAM, PRIORITY, CONTINUATION, a GOAWAY."""
    rng = random.Random(seed)
    frames: list[h.Frame] = [
        h.SettingsFrame([(1, 65536), (3, 1000), (4, 6291456), (6, 262144)]),
        h.SettingsFrame(ack=True),
        h.WindowUpdateFrame(0, 15663105),
    ]
    stream = 1
    received = 0
    while len(frames) < target - 1:
        block = bytes(rng.randint(20, 400))
        if rng.random() < 0.02:  # a big header block: HEADERS + CONTINUATION
            frames.append(h.HeadersFrame(stream, block, end_stream=True))
            frames.append(
                h.ContinuationFrame(stream, bytes(rng.randint(50, 300)), end_headers=True)
            )
        elif rng.random() < 0.1:
            dep = h.StreamDependency(0, rng.randint(0, 255), False)
            frames.append(
                h.HeadersFrame(stream, block, end_stream=True, end_headers=True, priority=dep)
            )
        else:
            frames.append(h.HeadersFrame(stream, block, end_stream=True, end_headers=True))
        frames.append(h.HeadersFrame(stream, bytes(rng.randint(30, 150)), end_headers=True))
        if rng.random() < 0.02:
            frames.append(h.RstStreamFrame(stream, 8))
        else:
            body = int(min(2_000_000, rng.lognormvariate(8.5, 1.6)))
            while body > 0:
                size = min(body, 16384, max(100, body))
                body -= size
                frames.append(h.DataFrame(stream, bytes(size), end_stream=body <= 0))
                received += size
                if received >= 32768:
                    frames.append(h.WindowUpdateFrame(0, received))
                    frames.append(h.WindowUpdateFrame(stream, received))
                    received = 0
        if rng.random() < 0.03:
            frames.append(h.PriorityFrame(stream, 0, rng.randint(0, 255)))
        if rng.random() < 0.01:
            frames.append(h.PingFrame(rng.randbytes(8)))
            frames.append(h.PingFrame(frames[-1].serialize()[9:], ack=True))
        if rng.random() < 0.005:
            frames.append(h.SettingsFrame([(4, rng.randint(65535, 2**24))]))
            frames.append(h.SettingsFrame(ack=True))
        stream += 2
    frames.append(h.GoAwayFrame(stream - 2, 0))
    return frames


def mixed_stream() -> bytes:
    return b"".join(f.serialize() for f in browsing_session())
