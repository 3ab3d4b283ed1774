"""Abuse guards: rate limits on the frames that the published HTTP/2
denial-of-service attacks send, counted where the frames arrive.

Each guard is a token bucket over one kind of received frame: it holds
``burst`` tokens, gains ``rate`` tokens a second up to ``burst``, and each frame
of its kind takes one.  A frame that finds the bucket empty is a connection
error of type ENHANCE_YOUR_CALM (RFC 9113 §7: "The endpoint detected that its
peer is exhibiting a behavior that might be generating excessive load"),
final like the decoder's other connection errors, naming the guard, how many
frames it counted and over how long.

The kinds, the attacks they stop, and where each default comes from:

=========  ==========================================  ===================  ================
guard      counts                                      stops                default
=========  ==========================================  ===================  ================
ping       PING without ACK                            CVE-2019-9512        1,000, 100/s
settings   SETTINGS without ACK                        CVE-2019-9515        1,000, 100/s
reset      RST_STREAM                                  CVE-2019-9514,       1,000, 33/s
                                                       CVE-2023-44487
priority   PRIORITY and PRIORITY_UPDATE                CVE-2019-9513        10,000, 330/s
empty      DATA with no data and no END_STREAM;        CVE-2019-9518        10,000, 330/s
           HEADERS/CONTINUATION with an empty
           fragment and no END_HEADERS
glitch     frames dropped as ignorable, frames of      CVE-2025-8671,       10,000, 330/s
           unknown types, the decoder's stream errors  unknown-type floods
=========  ==========================================  ===================  ================

nghttp2 bounds RST_STREAM with ``stream_reset_rate_limit`` (burst 1,000, 33/s)
and counts PRIORITY churn, empty frames, ignored and unknown frames and
frames that make it reset a stream as "glitches" (burst 10,000, 330/s since
2026); those are the defaults here.  For PING and SETTINGS nghttp2 bounds the
acknowledgements it queues (``max_outbound_ack``, 1,000) rather than a rate:
the burst is that bound, and 100/s is far above any keep-alive or gRPC
bandwidth probe (a few a second) while stopping a flood within a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from h2wire.codes import ErrorCode
from h2wire.errors import FrameError
from h2wire.mode import COMPILED, wrong_argument_type


@dataclass(frozen=True, init=False)
class RateLimit:
    """A token bucket: at most ``burst`` frames at once, ``rate`` a second after."""

    #: Frames accepted back to back from a full bucket.
    burst: int
    #: Frames a second the bucket refills at.
    rate: float

    def __init__(self, burst: int, rate: float) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(burst, int) and isinstance(rate, (int, float))
        ):
            raise wrong_argument_type(RateLimit.__init__, burst, rate)
        if burst < 1:
            raise ValueError(f"RateLimit burst must be at least 1, got {burst}")
        if not rate >= 0:  # (also refuses NaN)
            raise ValueError(f"RateLimit rate must be at least 0, got {rate}")
        object.__setattr__(self, "burst", burst)
        object.__setattr__(self, "rate", float(rate))


_DEFAULT_CONTROL: Final = RateLimit(1000, 100)
_DEFAULT_RESET: Final = RateLimit(1000, 33)
_DEFAULT_GLITCH: Final = RateLimit(10_000, 330)


@dataclass(frozen=True, init=False)
class Guards:
    """Which guards a :class:`~h2wire.FrameDecoder` applies; None switches one off.

    ``FrameDecoder(guards=None)`` switches them all off.  Examples::

        Guards(ping=RateLimit(10_000, 1_000))   # a gRPC service with BDP pings
        Guards(reset=None)                      # the application limits resets
    """

    #: PING frames without ACK (ping flood, CVE-2019-9512).
    ping: RateLimit | None
    #: SETTINGS frames without ACK (settings flood, CVE-2019-9515).
    settings: RateLimit | None
    #: RST_STREAM frames (reset flood CVE-2019-9514, Rapid Reset CVE-2023-44487).
    reset: RateLimit | None
    #: PRIORITY and PRIORITY_UPDATE frames (resource loop, CVE-2019-9513).
    priority: RateLimit | None
    #: Frames that carry nothing and end nothing (empty frames, CVE-2019-9518).
    empty: RateLimit | None
    #: Ignored and unknown frames, and the stream errors the decoder finds
    #: (MadeYouReset, CVE-2025-8671).
    glitch: RateLimit | None
    #: Reject a SETTINGS frame that repeats an identifier (PROTOCOL_ERROR).  Off
    #: by default: RFC 9113 §6.5.3 processes duplicates in order; Go rejects them.
    reject_duplicate_settings: bool

    def __init__(
        self,
        *,
        ping: RateLimit | None = _DEFAULT_CONTROL,
        settings: RateLimit | None = _DEFAULT_CONTROL,
        reset: RateLimit | None = _DEFAULT_RESET,
        priority: RateLimit | None = _DEFAULT_GLITCH,
        empty: RateLimit | None = _DEFAULT_GLITCH,
        glitch: RateLimit | None = _DEFAULT_GLITCH,
        reject_duplicate_settings: bool = False,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            (ping is None or isinstance(ping, RateLimit))
            and (settings is None or isinstance(settings, RateLimit))
            and (reset is None or isinstance(reset, RateLimit))
            and (priority is None or isinstance(priority, RateLimit))
            and (empty is None or isinstance(empty, RateLimit))
            and (glitch is None or isinstance(glitch, RateLimit))
            and isinstance(reject_duplicate_settings, bool)
        ):
            raise wrong_argument_type(
                Guards.__init__,
                ping,
                settings,
                reset,
                priority,
                empty,
                glitch,
                reject_duplicate_settings,
            )
        object.__setattr__(self, "ping", ping)
        object.__setattr__(self, "settings", settings)
        object.__setattr__(self, "reset", reset)
        object.__setattr__(self, "priority", priority)
        object.__setattr__(self, "empty", empty)
        object.__setattr__(self, "glitch", glitch)
        object.__setattr__(self, "reject_duplicate_settings", reject_duplicate_settings)


#: The guards in the order :class:`Guards` declares them, with the token their
#: tripping reports (``FrameError.token`` and the decoder's ``on_error`` hook).
GUARD_TOKENS: Final = {
    "ping": "ping_flood",
    "settings": "settings_flood",
    "reset": "reset_flood",
    "priority": "priority_flood",
    "empty": "empty_frame_flood",
    "glitch": "glitch_flood",
}


class Bucket:
    """One guard's running state (package-internal: the decoder's)."""

    def __init__(self, name: str, limit: RateLimit, now: float) -> None:
        self.name = name
        self.burst = limit.burst
        self.rate = float(limit.rate)
        self.tokens = float(limit.burst)
        self.last = now
        #: Frames taken since the bucket was last full, and when that was: the
        #: window an error reports.
        self.window_start = now
        self.window_count = 0
        #: Frames this guard has counted since the decoder began.
        self.events = 0

    def take(self, now: float) -> FrameError | None:
        """Count one frame at time ``now``; the error when the bucket is empty."""
        self.events += 1
        tokens = self.tokens
        elapsed = now - self.last
        if elapsed > 0.0:  # (a clock that steps back refills nothing)
            self.last = now
            tokens += elapsed * self.rate
        if tokens >= self.burst:
            tokens = float(self.burst)
            self.window_start = now
            self.window_count = 0
        self.window_count += 1
        if tokens < 1.0:
            self.tokens = tokens
            return self._tripped(now)
        self.tokens = tokens - 1.0
        return None

    def _tripped(self, now: float) -> FrameError:
        seconds = max(now - self.window_start, 0.0)  # (a clock may step back)
        return FrameError(
            ErrorCode.ENHANCE_YOUR_CALM,
            f"{self.name} guard: {self.window_count} frames in {seconds:.3f} s exceed "
            f"its burst of {self.burst} and rate of {self.rate:g}/s",
            field="type",
            token=GUARD_TOKENS[self.name],
        )


__all__ = ["GUARD_TOKENS", "Guards", "RateLimit"]
