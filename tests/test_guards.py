"""Abuse guards: each published HTTP/2 flood, built from frames and fed faster
than its guard allows, is stopped within the guard's burst; ordinary traffic of
every shape trips nothing with the defaults."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

# The bench's browsing session, loaded from its file: putting the checkout on
# sys.path would let importlib.metadata find the build's egg-info.
from test_bench_inputs import workload
from tracing import needs_tracemalloc, traced_peak

import h2wire as h
from h2wire import ErrorCode as E
from h2wire import Scope as S

browsing_session = workload.browsing_session


class Clock:
    """An injected clock: time moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


def header(length: int, frame_type: int, flags: int, stream_id: int) -> bytes:
    return length.to_bytes(3, "big") + bytes((frame_type, flags)) + stream_id.to_bytes(4, "big")


# (guard, its default limit, one frame of the attack as bytes, the stream that
# precedes the flood).  Stream 1 is opened first where the frames need a stream.
OPEN = h.HeadersFrame(1, b"\x82", end_headers=True).serialize()
ATTACKS: list[tuple[str, h.RateLimit, bytes, bytes]] = [
    ("ping", h.RateLimit(1000, 100), h.PingFrame(b"flooding").serialize(), b""),
    ("settings", h.RateLimit(1000, 100), h.SettingsFrame({1: 4096}).serialize(), b""),
    ("reset", h.RateLimit(1000, 33), h.RstStreamFrame(1, 8).serialize(), OPEN),
    ("priority", h.RateLimit(10_000, 330), h.PriorityFrame(3, 1, 15).serialize(), b""),
    ("priority", h.RateLimit(10_000, 330), h.PriorityUpdateFrame(1, b"u=1").serialize(), b""),
    ("empty", h.RateLimit(10_000, 330), h.DataFrame(1).serialize(), OPEN),
    ("empty", h.RateLimit(10_000, 330), h.DataFrame(1, padding=bytes(10)).serialize(), OPEN),
    ("glitch", h.RateLimit(10_000, 330), header(4, 0xEE, 0, 0) + b"junk", b""),
    ("glitch", h.RateLimit(10_000, 330), header(1, 0xC, 0, 0) + b"\x00", b""),  # bad ORIGIN
]


def flood_until_error(
    decoder: h.FrameDecoder, clock: Clock, frame: bytes, per_second: float, limit: int
) -> tuple[int, h.FrameError]:
    """Feed ``frame`` one at a time, ``per_second`` of them, until an error that
    ends the connection; the frames accepted before it, and the error."""
    for n in range(limit):
        try:
            decoder.feed(frame)
        except h.FrameError as error:
            if error.scope is S.CONNECTION:
                return n, error
        clock.now += 1 / per_second
    raise AssertionError(f"no connection error after {limit} frames")


@pytest.mark.parametrize(("guard", "limit", "frame", "before"), ATTACKS)
def test_a_flood_in_one_chunk_is_stopped_at_the_burst(
    guard: str, limit: h.RateLimit, frame: bytes, before: bytes
) -> None:
    clock = Clock()
    errors: list[str] = []
    decoder = h.FrameDecoder(clock=clock, on_error=errors.append)
    decoder.feed(before)
    with pytest.raises(h.FrameError) as info:
        decoder.feed(frame * (limit.burst * 3))
    error = info.value
    assert (error.code, error.scope) == (E.ENHANCE_YOUR_CALM, S.CONNECTION)
    assert error.token == h.guards.GUARD_TOKENS[guard]
    assert str(error) == (
        f"{guard} guard: {limit.burst + 1} frames in 0.000 s exceed its burst of "
        f"{limit.burst} and rate of {limit.rate:g}/s"
    )
    assert decoder.stats().guard_events[guard] == limit.burst + 1
    assert errors[-1] == error.token
    assert clock.reads <= 2  # once when built, at most once for the chunk
    assert decoder.failure is error
    with pytest.raises(h.FrameError) as again:  # final, like any connection error
        decoder.feed(b"")
    assert again.value is error


@pytest.mark.parametrize(("guard", "limit", "frame", "before"), ATTACKS)
def test_a_flood_faster_than_the_rate_is_stopped_soon_after_the_burst(
    guard: str, limit: h.RateLimit, frame: bytes, before: bytes
) -> None:
    clock = Clock()
    decoder = h.FrameDecoder(clock=clock)
    decoder.feed(before)
    per_second = limit.rate * 10
    accepted, error = flood_until_error(decoder, clock, frame, per_second, limit.burst * 3)
    assert error.token == h.guards.GUARD_TOKENS[guard]
    # The bucket gains rate/per_second tokens a frame: B + n/10 - n < 1.
    expected = (limit.burst - 1) / (1 - limit.rate / per_second)
    assert expected - 2 <= accepted <= expected + 2
    assert accepted < 1.12 * limit.burst


@pytest.mark.parametrize(("guard", "limit", "frame", "before"), ATTACKS)
def test_each_guard_can_be_switched_off(
    guard: str, limit: h.RateLimit, frame: bytes, before: bytes
) -> None:
    flood = before + frame * (limit.burst + 10)
    for decoder in (
        h.FrameDecoder(guards=h.Guards(**{guard: None})),  # type: ignore[arg-type]
        h.FrameDecoder(guards=None),
    ):
        try:
            decoder.feed(flood)
        except h.FrameError as error:
            assert error.token != h.guards.GUARD_TOKENS[guard]
            assert error.scope is not S.CONNECTION  # a stream error, not a guard


def test_a_guard_at_its_rate_never_trips() -> None:
    # Exactly the refill rate, for ten times the burst: the bucket never empties.
    clock = Clock()
    decoder = h.FrameDecoder(clock=clock, guards=h.Guards(ping=h.RateLimit(5, 2)))
    ping = h.PingFrame().serialize()
    for _ in range(50):
        decoder.feed(ping)
        clock.now += 0.5
    assert decoder.stats().guard_events["ping"] == 50
    # Each frame left 4 tokens of 5.  A clock that steps back refills nothing
    # (and reports no negative window): 4 more pass, the fifth trips.
    clock.now -= 100
    for _ in range(4):
        decoder.feed(ping)
    with pytest.raises(h.FrameError, match=r"ping guard: 6 frames in 0\.000 s"):
        decoder.feed(ping)


def test_rapid_reset_is_stopped_by_the_reset_guard() -> None:
    # CVE-2023-44487: open a stream and reset it at once, over and over.
    clock = Clock()
    decoder = h.FrameDecoder(clock=clock)
    pairs = b"".join(
        h.HeadersFrame(sid, b"\x82", end_headers=True).serialize()
        + h.RstStreamFrame(sid, 8).serialize()
        for sid in range(1, 2 * 1100, 2)
    )
    with pytest.raises(h.FrameError) as info:
        decoder.feed(pairs)
    assert info.value.token == "reset_flood"
    assert decoder.stats().frames == {0x1: 1001, 0x3: 1001}


def test_made_you_reset_counts_stream_errors_as_glitches() -> None:
    # CVE-2025-8671: frames that make the receiver reset a stream.  Each is a
    # stream error; the glitch guard ends the connection at its burst.
    clock = Clock()
    decoder = h.FrameDecoder(clock=clock, guards=h.Guards(glitch=h.RateLimit(50, 1)))
    bad = header(4, 0x8, 0, 1) + bytes(4)  # WINDOW_UPDATE 0 on a stream
    stream_errors = 0
    for _ in range(100):
        try:
            decoder.feed(bad)
        except h.FrameError as error:
            if error.scope is S.CONNECTION:
                assert error.token == "glitch_flood"
                break
            stream_errors += 1
    assert stream_errors == 50
    assert decoder.stats().errors == 51


def test_oversized_stream_frames_count_as_glitches() -> None:
    decoder = h.FrameDecoder(clock=Clock(), guards=h.Guards(glitch=h.RateLimit(3, 1)))
    big = h.DataFrame(1, bytes(20_000)).serialize()
    for _ in range(3):
        with pytest.raises(h.FrameError) as info:
            decoder.feed(big)
        assert info.value.token == "frame_size" and info.value.scope is S.STREAM
    with pytest.raises(h.FrameError) as info:
        decoder.feed(big)
    assert info.value.token == "glitch_flood"


def test_acks_and_frames_with_content_are_not_counted() -> None:
    decoder = h.FrameDecoder(clock=Clock())
    decoder.feed(
        h.PingFrame(ack=True).serialize() * 5000
        + h.SettingsFrame(ack=True).serialize() * 5000
        + h.DataFrame(1, b"x").serialize() * 20_000
        + h.DataFrame(1, end_stream=True).serialize() * 20_000  # ends its stream
        + h.HeadersFrame(1, b"", end_headers=True).serialize() * 20_000  # ends its block
    )
    assert set(decoder.stats().guard_events.values()) == {0}


def test_empty_header_fragments_without_end_headers_are_counted() -> None:
    decoder = h.FrameDecoder(clock=Clock(), guards=h.Guards(empty=h.RateLimit(3, 1)))
    decoder.feed(h.HeadersFrame(1, b"").serialize())  # empty, opens a block: 1
    decoder.feed(h.ContinuationFrame(1, b"").serialize() * 2)  # 2, 3
    with pytest.raises(h.FrameError, match="empty guard: 4 frames"):
        decoder.feed(h.ContinuationFrame(1, b"").serialize())


def test_duplicate_settings_can_be_refused() -> None:
    duplicated = h.SettingsFrame([(4, 100), (4, 200)]).serialize()
    (settings,) = h.FrameDecoder().feed(duplicated)  # allowed by default
    assert isinstance(settings, h.SettingsFrame) and settings.as_dict() == {4: 200}
    decoder = h.FrameDecoder(guards=h.Guards(reject_duplicate_settings=True))
    with pytest.raises(h.FrameError) as info:
        decoder.feed(duplicated)
    assert (info.value.code, info.value.token) == (E.PROTOCOL_ERROR, "settings_duplicate")
    assert decoder.feed is not None and decoder.failure is info.value
    fine = h.FrameDecoder(guards=h.Guards(reject_duplicate_settings=True))
    assert fine.feed(h.SettingsFrame([(4, 1), (5, 16384)]).serialize())


def test_lenient_decoders_report_guard_trips_and_go_on() -> None:
    clock = Clock()
    tokens: list[str] = []
    decoder = h.FrameDecoder(
        lenient=True, clock=clock, guards=h.Guards(ping=h.RateLimit(2, 1)), on_error=tokens.append
    )
    items = decoder.receive(h.PingFrame().serialize() * 4)
    assert [item.frame is not None for item in items] == [True, True, False, False]
    assert [item.error.token for item in items if item.error] == ["ping_flood"] * 2
    assert tokens == ["ping_flood"] * 2
    clock.now += 10
    assert decoder.receive(h.PingFrame().serialize())[0].frame == h.PingFrame()


def test_stats_are_a_typed_snapshot() -> None:
    decoder = h.FrameDecoder(clock=Clock(), guards=h.Guards(ping=None))
    decoder.feed(
        h.DataFrame(1, b"x").serialize() * 3
        + h.HeadersFrame(3, b"\x82", end_headers=True).serialize()
        + h.WindowUpdateFrame(0, 10).serialize()
        + h.HeadersFrame(5, b"\x82").serialize()
        + h.ContinuationFrame(5, b"\x84", end_headers=True).serialize()
        + h.SettingsFrame().serialize()
        + h.PingFrame().serialize()
        + header(1, 0xEE, 0, 0)
        + b"?"
    )
    stats = decoder.stats()
    assert isinstance(stats, h.DecoderStats)
    assert dict(stats.frames) == {0x0: 3, 0x1: 2, 0x4: 1, 0x6: 1, 0x8: 1, 0x9: 1, 0xEE: 1}
    assert dict(stats.guard_events) == {
        "settings": 1,
        "reset": 0,
        "priority": 0,
        "empty": 0,
        "glitch": 1,
    }
    assert (stats.ignored_frames, stats.errors) == (0, 0)
    with pytest.raises(TypeError):
        stats.frames[0x0] = 5  # type: ignore[index]
    assert h.FrameDecoder(guards=None).stats().guard_events == {}


def test_guard_configuration_is_checked() -> None:
    with pytest.raises(ValueError, match="burst must be at least 1"):
        h.RateLimit(0, 1)
    with pytest.raises(ValueError, match="rate must be at least 0"):
        h.RateLimit(1, -1)
    with pytest.raises(ValueError, match="rate must be at least 0"):
        h.RateLimit(1, float("nan"))
    with pytest.raises(TypeError, match="int object expected; got str"):
        h.RateLimit("1", 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="RateLimit or None object expected; got int"):
        h.Guards(ping=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bool object expected; got int"):
        h.Guards(reject_duplicate_settings=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Guards or None object expected; got dict"):
        h.FrameDecoder(guards={})  # type: ignore[arg-type]
    assert h.RateLimit(3, 2) == h.RateLimit(3, 2.0)
    assert h.Guards() == h.Guards(ping=h.RateLimit(1000, 100))


# -- no false positives with the defaults ----------------------------------------


def feed_all(decoder: h.FrameDecoder, wire: bytes, chunk: int = 65536) -> int:
    frames = 0
    for i in range(0, len(wire), chunk):
        frames += len(decoder.feed(wire[i : i + chunk]))
    return frames


def test_no_false_positive_on_the_benchmark_browsing_session() -> None:
    frames = browsing_session()
    wire = b"".join(f.serialize() for f in frames)
    clock = Clock()  # frozen: the whole session at one instant, the worst case
    assert feed_all(h.FrameDecoder(clock=clock), wire) == len(frames)
    assert h.FrameDecoder(clock=clock).feed(wire) == frames


def test_no_false_positive_on_a_grpc_stream_of_small_messages() -> None:
    # hyperium/h2#942: gRPC streams of ~600-octet DATA frames tripped a budget.
    message = h.DataFrame(1, bytes(600)).serialize()
    wire = h.HeadersFrame(1, b"\x83\x86", end_headers=True).serialize() + message * 100_000
    clock = Clock()
    decoder = h.FrameDecoder(clock=clock)
    assert feed_all(decoder, wire) == 100_001
    assert decoder.stats().frames[0x0] == 100_000


def test_no_false_positive_on_a_browser_start_with_priority_trees() -> None:
    # A browser of the RFC 7540 era opens with a tree of idle streams made by
    # PRIORITY frames, then 100 requests, each HEADERS with its own priority,
    # and reprioritizes as it goes (PRIORITY and PRIORITY_UPDATE).
    rng = random.Random(7540)
    parts = [h.SettingsFrame({1: 65536, 4: 131072}).serialize()]
    parts += [h.PriorityFrame(sid, 0, w).serialize() for sid, w in [(3, 200), (5, 100), (7, 0)]]
    parts += [h.PriorityFrame(9, 7, 0).serialize(), h.PriorityFrame(11, 3, 0).serialize()]
    for sid in range(13, 213, 2):
        dependency = h.StreamDependency(rng.choice([3, 5, 7, 9, 11]), rng.randrange(256))
        parts.append(
            h.HeadersFrame(sid, bytes(40), end_headers=True, priority=dependency).serialize()
        )
        if sid % 10 == 3:
            parts.append(h.PriorityFrame(sid, 5, 30).serialize())
            parts.append(h.PriorityUpdateFrame(sid, b"u=2, i").serialize())
    decoder = h.FrameDecoder(clock=Clock())
    assert feed_all(decoder, b"".join(parts)) == len(parts)


def test_no_false_positive_on_an_hour_of_one_ping_a_second() -> None:
    clock = Clock()
    decoder = h.FrameDecoder(clock=clock)
    ping = h.PingFrame(b"keepaliv").serialize()
    for _ in range(3600):
        assert decoder.feed(ping) == [h.PingFrame(b"keepaliv")]
        clock.now += 1.0
    assert decoder.stats().guard_events["ping"] == 3600


@needs_tracemalloc
@pytest.mark.parametrize("kind", ["ping", "empty", "glitch"])
def test_memory_stays_bounded_while_a_flood_is_stopped(kind: str) -> None:
    frame = {
        "ping": h.PingFrame().serialize(),
        "empty": h.DataFrame(1).serialize(),
        "glitch": header(0, 0xEE, 0, 0),
    }[kind]
    flood = frame * 200_000  # ~2-3 MB in one chunk
    decoder = h.FrameDecoder(clock=Clock())

    def run() -> None:
        with pytest.raises(h.FrameError):
            decoder.feed(flood)

    _, peak = traced_peak(run)
    # The frames before the trip (at most 10,001 small objects) and nothing else.
    assert peak < 6 * 2**20


def test_no_false_positive_on_h2load_traffic_recorded_through_the_proxy(tmp_path: Path) -> None:
    """20,000 requests from h2load (10 connections, 10 streams each) to nghttpd,
    recorded by `h2wire proxy --record`: every byte, both directions, decodes
    with the default guards and a frozen clock (each connection at one instant)."""
    import signal
    import subprocess

    from test_interop import accepting, free_port, need, wait_until

    nghttpd, h2load = need("nghttpd"), need("h2load")
    (tmp_path / "index.html").write_bytes(b"<p>hello</p>" * 10)
    server_port, proxy_port = free_port(), free_port()
    server = subprocess.Popen(
        [nghttpd, "--no-tls", "-d", str(tmp_path), str(server_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    flags = ["-P"] if sys.flags.safe_path else []  # the build this run tests
    proxy = subprocess.Popen(
        [sys.executable, *flags, "-m", "h2wire", "proxy", "--record", str(tmp_path / "rec"),
         "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{server_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until(lambda: accepting(server_port), "nghttpd")
        wait_until(lambda: accepting(proxy_port), "h2wire proxy")
        load = subprocess.run(
            [h2load, "-n", "20000", "-c", "10", "-m", "10", f"http://127.0.0.1:{proxy_port}/"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert load.returncode == 0, load.stderr
        assert "20000 succeeded" in load.stdout, load.stdout
    finally:
        proxy.send_signal(signal.SIGINT)
        proxy.wait(timeout=30)
        server.terminate()
        server.wait(timeout=10)
    # (The readiness probe above is a connection too, with no client bytes.)
    clients = [p for p in sorted(tmp_path.glob("rec-*-client.bin")) if p.stat().st_size]
    servers = [p.with_name(p.name.replace("-client", "-server")) for p in clients]
    assert len(clients) == 10
    requests = 0
    for path in clients:
        decoder = h.FrameDecoder(client_preface=True, clock=Clock())
        frames = decoder.feed(path.read_bytes())
        decoder.close()
        requests += sum(isinstance(f, h.HeadersFrame) for f in frames)
    assert requests == 20_000
    for path in servers:
        decoder = h.FrameDecoder(max_frame_size=2**24 - 1, clock=Clock())
        assert decoder.feed(path.read_bytes())
        decoder.close()
