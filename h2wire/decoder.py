"""FrameDecoder: a sans-I/O streaming decoder with the limits a server needs.

Feed it bytes in chunks of any size; it returns the complete frames, in order,
and the result does not depend on how the stream was chunked.

Memory model (what the decoder itself holds between calls):

* incomplete input only, at most ``max_buffered_bytes`` (a frame whose announced
  size cannot fit is rejected at its header, before any of its body is kept);
* the current header block while assembling, at most ``max_header_block_size``.

Input is kept as a list of chunks and joined once, when a frame is complete, so
a frame trickled in one byte at a time costs linear, not quadratic, time.

Errors (:class:`~h2wire.FrameError`, with RFC code, scope and stream id):

* a connection error is raised and the decoder is dead: every later ``feed``
  raises the same error;
* a stream error is raised and the decoder carries on after the offending frame
  (an oversized frame's body is discarded as it arrives, never buffered); frames
  decoded before the error in the same call are returned by the next ``feed``
  (``feed(b"")`` will do) or by :meth:`~h2wire.FrameDecoder.take_frames`;
* a malformed extension frame that its RFC says to ignore (``Scope.FRAME``) is
  dropped and counted in ``ignored_frames``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from h2wire.codec import load_payload
from h2wire.codes import (
    CONTINUATION,
    DATA,
    HEADERS,
    PING,
    PRIORITY,
    PRIORITY_UPDATE,
    PUSH_PROMISE,
    RST_STREAM,
    SETTINGS,
    SETTINGS_MAX_FRAME_SIZE,
    WINDOW_UPDATE,
    ErrorCode,
)
from h2wire.errors import FrameError, IncompleteFrameError, Scope, frame_error
from h2wire.frames.base import Frame
from h2wire.frames.data import DataFrame
from h2wire.frames.extensions import UnknownFrame
from h2wire.frames.headers import ContinuationFrame, HeadersFrame, PushPromiseFrame
from h2wire.frames.raw import RawFrame
from h2wire.frames.settings import SettingsFrame
from h2wire.guards import Bucket, Guards
from h2wire.mode import COMPILED, wrong_type
from h2wire.wire import (
    DEFAULT_MAX_FRAME_SIZE,
    FLAG_ACK,
    FLAG_END_HEADERS,
    FLAG_END_STREAM,
    HEADER_SIZE,
    MAX_FRAME_SIZE_LIMIT,
    oversize_error,
    read_header,
)

#: The client connection preface (RFC 9113 §3.4).
CLIENT_PREFACE: Final = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Defaults of the abuse limits (the table is in docs/decoder.md).
#: Header block octets (first fragment plus CONTINUATIONs) before ENHANCE_YOUR_CALM.
DEFAULT_MAX_HEADER_BLOCK_SIZE: Final = 256 * 1024
#: CONTINUATION frames in one header block before ENHANCE_YOUR_CALM.
DEFAULT_MAX_CONTINUATION_FRAMES: Final = 32
#: Entries in one SETTINGS frame before ENHANCE_YOUR_CALM.
DEFAULT_MAX_SETTINGS_ENTRIES: Final = 64
#: Incomplete input held between calls: one frame of the largest size there is.
DEFAULT_MAX_BUFFERED_BYTES: Final = HEADER_SIZE + MAX_FRAME_SIZE_LIMIT
#: The guards a FrameDecoder applies unless told otherwise (see h2wire.guards).
DEFAULT_GUARDS: Final = Guards()

_CALM: Final = ErrorCode.ENHANCE_YOUR_CALM
_PROTOCOL: Final = ErrorCode.PROTOCOL_ERROR


def _connection_error(
    code: ErrorCode, field: str, message: str, token: str, stream_id: int = 0
) -> FrameError:
    return FrameError(
        code, message, scope=Scope.CONNECTION, stream_id=stream_id, field=field, token=token
    )


@dataclass(frozen=True, init=False)
class Received:
    """One frame as a lenient :class:`FrameDecoder` read it.

    ``offset`` is where it began in the stream (the client preface counts).
    ``raw`` is its header and payload exactly as they arrived; ``frame`` the
    valid frame they spell, or ``error`` the rule they break (exactly one of
    the two is set).  ``raw`` is None only for what is not a whole frame: input
    that ends inside a frame header, a wrong client preface, or a header block
    left open at the end.
    """

    offset: int
    raw: RawFrame | None
    frame: Frame | None
    error: FrameError | None

    def __init__(
        self, offset: int, raw: RawFrame | None, frame: Frame | None, error: FrameError | None
    ) -> None:
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "offset", offset)
            object.__setattr__(self, "raw", raw)
            object.__setattr__(self, "frame", frame)
            object.__setattr__(self, "error", error)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["offset"] = offset
            state["raw"] = raw
            state["frame"] = frame
            state["error"] = error


@dataclass(frozen=True, init=False)
class DecoderStats:
    """What a :class:`FrameDecoder` has read so far (:meth:`FrameDecoder.stats`)."""

    #: Frames read, valid or not, by type code (types not seen are absent).
    frames: Mapping[int, int]
    #: Frames each guard counted, by guard name (guards switched off are absent).
    guard_events: Mapping[str, int]
    #: Frames dropped because their RFC says to ignore them when malformed.
    ignored_frames: int
    #: Errors raised or reported, guard trips included.
    errors: int

    def __init__(
        self,
        frames: Mapping[int, int],
        guard_events: Mapping[str, int],
        ignored_frames: int,
        errors: int,
    ) -> None:
        object.__setattr__(self, "frames", MappingProxyType(dict(frames)))
        object.__setattr__(self, "guard_events", MappingProxyType(dict(guard_events)))
        object.__setattr__(self, "ignored_frames", ignored_frames)
        object.__setattr__(self, "errors", errors)


def _bucket(name: str, guards: Guards | None, now: float) -> Bucket | None:
    """The running state of guard ``name``, or None when it is switched off."""
    if guards is None:
        return None
    limit = getattr(guards, name)
    return None if limit is None else Bucket(name, limit, now)


def _check_limit(name: str, value: int, low: int, high: int) -> int:
    if not isinstance(value, int):
        raise wrong_type("int", value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value}")
    return value


class FrameDecoder:
    """Decode a stream of HTTP/2 frames fed in arbitrary chunks.

    :param max_frame_size: the local SETTINGS_MAX_FRAME_SIZE (16384..2**24-1);
        a frame announcing a larger payload is a FRAME_SIZE_ERROR.  Can be
        changed at any time (``decoder.max_frame_size = n``) once the peer has
        acknowledged the new setting, or applied by the decoder itself at the
        peer's ACK (:meth:`settings_sent`).
    :param client_preface: expect the client connection preface first (server
        side), then a SETTINGS frame; anything else is a PROTOCOL_ERROR.
    :param assemble_headers: return HEADERS / PUSH_PROMISE followed by their
        CONTINUATION frames as one frame carrying the whole header block
        (``end_headers`` set, CONTINUATIONs not returned).
    :param max_header_block_size: header block bytes (first frame's fragment
        plus CONTINUATIONs) before ENHANCE_YOUR_CALM.
    :param max_continuation_frames: CONTINUATION frames in one header block
        before ENHANCE_YOUR_CALM.
    :param max_settings_entries: entries in one SETTINGS frame before
        ENHANCE_YOUR_CALM (checked at the frame's header).
    :param max_buffered_bytes: incomplete input held between calls before
        ENHANCE_YOUR_CALM (checked at each frame's header).
    :param lenient: read every frame, valid or not, for inspection: results
        come from :meth:`receive` as :class:`Received` items (raw form, and the
        frame or the error) instead of from :meth:`feed`, and decoding goes on
        after each error, whatever its scope (the stream stays framed: every
        frame's length is in its header).  It stops only at a wrong client
        preface or a frame larger than ``max_buffered_bytes``.  Incompatible
        with ``assemble_headers``.
    :param guards: the abuse guards (:class:`~h2wire.Guards`; the defaults are
        on); None switches them all off.  A guard that trips is a connection
        error ENHANCE_YOUR_CALM.  See :mod:`h2wire.guards`.
    :param clock: the guards' clock, in seconds (``time.monotonic`` by default;
        inject one to make tests deterministic).  Read at most once per
        ``feed``: the frames of one chunk arrived together.
    :param on_error: called with the :attr:`~h2wire.FrameError.token` of each
        error the decoder raises or reports, guard trips included, to feed
        metrics.
    """

    def __init__(
        self,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        *,
        client_preface: bool = False,
        assemble_headers: bool = False,
        max_header_block_size: int = DEFAULT_MAX_HEADER_BLOCK_SIZE,
        max_continuation_frames: int = DEFAULT_MAX_CONTINUATION_FRAMES,
        max_settings_entries: int = DEFAULT_MAX_SETTINGS_ENTRIES,
        max_buffered_bytes: int = DEFAULT_MAX_BUFFERED_BYTES,
        lenient: bool = False,
        guards: Guards | None = DEFAULT_GUARDS,
        clock: Callable[[], float] = time.monotonic,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self._max_frame_size = _check_limit(
            "max_frame_size", max_frame_size, DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT
        )
        for flag in (client_preface, assemble_headers, lenient):
            if not isinstance(flag, bool):
                raise wrong_type("bool", flag)
        if lenient and assemble_headers:
            raise ValueError("a lenient FrameDecoder shows every frame: no assemble_headers")
        #: The ``assemble_headers`` option.
        self.assemble_headers = assemble_headers
        self._lenient = lenient
        # Assembled blocks must still fit a frame payload (2**24-1 minus 5 + 256).
        #: The ``max_header_block_size`` limit.
        self.max_header_block_size = _check_limit(
            "max_header_block_size", max_header_block_size, 0, MAX_FRAME_SIZE_LIMIT - 261
        )
        #: The ``max_continuation_frames`` limit.
        self.max_continuation_frames = _check_limit(
            "max_continuation_frames", max_continuation_frames, 0, 2**31
        )
        #: The ``max_settings_entries`` limit.
        self.max_settings_entries = _check_limit(
            "max_settings_entries", max_settings_entries, 0, MAX_FRAME_SIZE_LIMIT // 6
        )
        #: The ``max_buffered_bytes`` limit.
        self.max_buffered_bytes = _check_limit(
            "max_buffered_bytes", max_buffered_bytes, HEADER_SIZE, 2**62
        )
        #: Frames dropped because their RFC says to ignore them when malformed.
        self.ignored_frames = 0
        if guards is not None and not isinstance(guards, Guards):
            raise wrong_type("h2wire.guards.Guards or None", guards)
        self._clock = clock
        self._on_error = on_error
        self._now = -1.0  # the clock's reading for the frames of one feed
        start = clock() if guards is not None else 0.0
        self._ping = _bucket("ping", guards, start)
        self._settings = _bucket("settings", guards, start)
        self._reset = _bucket("reset", guards, start)
        self._priority = _bucket("priority", guards, start)
        self._empty = _bucket("empty", guards, start)
        self._glitch = _bucket("glitch", guards, start)
        self._reject_duplicate_settings = guards is not None and guards.reject_duplicate_settings
        self._guarded = guards is not None
        # Frames read by type: the common ones in native counters (a list item
        # costs ~55 ns a frame compiled), the rest in the list.
        self._data_frames = 0
        self._headers_frames = 0
        self._window_update_frames = 0
        self._continuation_frames = 0
        self._other_frames = [0] * 256
        self._errors = 0
        self._last_reported: FrameError | None = None
        self._preface_left = CLIENT_PREFACE if client_preface else b""
        self._settings_first = client_preface
        self._failure: FrameError | None = None
        self._ready: list[Frame] = []
        self._received: list[Received] = []
        # Incomplete input: chunks[0][pos:] + chunks[1:], `have` bytes in all;
        # nothing is decoded until `need` bytes are there.
        self._chunks: list[bytes] = []
        self._pos = 0
        self._have = 0
        self._need = HEADER_SIZE
        self._skip = 0  # body bytes of a rejected stream frame still to discard
        self._fed = 0  # every byte fed so far, preface included
        self._closed = False
        # SETTINGS_MAX_FRAME_SIZE of each SETTINGS frame the local side sent and
        # the peer has not acknowledged yet, oldest first (0: not in that frame).
        self._unacked_max_frame_size: list[int] = []
        # The open header block, if any.
        self._block_stream = 0
        self._block_first: Frame | None = None
        self._block_parts: list[bytes] = []
        self._block_bytes = 0
        self._block_frames = 0

    # -- public API -------------------------------------------------------

    @property
    def max_frame_size(self) -> int:
        """The local SETTINGS_MAX_FRAME_SIZE the decoder enforces."""
        return self._max_frame_size

    @max_frame_size.setter
    def max_frame_size(self, value: int) -> None:
        self._max_frame_size = _check_limit(
            "max_frame_size", value, DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT
        )

    @property
    def offset(self) -> int:
        """Where the next frame the decoder has not decoded yet begins: an offset
        in the whole stream fed so far, counting from its first byte (the client
        preface included)."""
        return self._fed - self._have + self._skip

    def settings_sent(self, frame: SettingsFrame) -> None:
        """Record a SETTINGS frame the local endpoint has sent.

        RFC 9113 §6.5.3: "Upon receiving a SETTINGS frame with the ACK flag set,
        the sender of the altered settings can rely on the values from the
        oldest unacknowledged SETTINGS frame having been applied."  So when the
        peer's next unmatched ACK is decoded, this frame's
        SETTINGS_MAX_FRAME_SIZE, if it has one, becomes :attr:`max_frame_size`
        for every frame after the ACK, in the same ``feed`` call too.  Until
        then the peer may still send frames sized for the old value.
        """
        if not isinstance(frame, SettingsFrame) or frame.ack:
            raise ValueError("settings_sent() takes a SETTINGS frame that is not an ACK")
        value = 0
        for identifier, setting in frame.settings:
            if identifier == SETTINGS_MAX_FRAME_SIZE:
                value = setting  # the last one wins (§6.5.3: processed in order)
        self._unacked_max_frame_size.append(value)

    def close(self) -> list[Frame]:
        """Declare the end of the input (the peer closed the connection).

        Returns the frames still buffered, as ``feed(b"")`` would.  Then raises
        if the input did not end between frames: :class:`IncompleteFrameError`
        when it ended inside a frame (``needed`` is that frame's size, 9 while
        its header is incomplete; :attr:`offset` is where it began), and a
        PROTOCOL_ERROR :class:`FrameError` when it ended inside the client
        preface or inside a header block.  Frames decoded before the error are
        returned by :meth:`take_frames`.  The decoder takes no input after this.
        (A lenient decoder ends with ``receive(end=True)``.)
        """
        if self._lenient:
            raise ValueError("a lenient FrameDecoder ends with receive(end=True)")
        if self._failure is not None or self._closed:
            return self.take_frames()
        frames = self.feed(b"")
        self._closed = True
        problem = self._end_problem()
        if problem is not None:
            self._ready = frames
            self._report(problem)
            raise self._fail(problem)
        return frames

    def receive(
        self, data: bytes | bytearray | memoryview = b"", *, end: bool = False
    ) -> list[Received]:
        """Lenient mode: add ``data`` and return a :class:`Received` item for every
        frame completed so far, in order, valid or not.

        Never raises :class:`FrameError`: each error is an item.  One that ends
        decoding (a wrong client preface, a frame larger than
        ``max_buffered_bytes``) is the last item; :attr:`failure` holds it and
        later calls return nothing.  With ``end=True`` the input ends here, and
        what :meth:`close` would raise becomes the last item (a frame cut short
        comes with its raw form: the octets that arrived, and the Length its
        header announced).
        """
        if not self._lenient:
            raise ValueError("receive() reads leniently: FrameDecoder(lenient=True)")
        if self._failure is None:
            try:
                self._take_input(data)
                if end:
                    self._closed = True
                    problem = self._end_problem()
                    if problem is not None:
                        self._received.append(
                            Received(self.offset, self._cut_short(), None, problem)
                        )
                        self._fail(problem)
            except FrameError as error:
                self._received.append(Received(self.offset, None, None, error))
        items = self._received
        self._received = []
        for item in items:
            if item.error is not None:
                self._report(item.error)
        return items

    @property
    def failure(self) -> FrameError | None:
        """The error that ended decoding (a connection error), or None."""
        return self._failure

    def _end_problem(self) -> FrameError | None:
        """What is wrong with the input ending here (None: it ended between frames)."""
        if self._have:
            return IncompleteFrameError(self._need, self._have)
        if self._preface_left and self._fed:
            return _connection_error(
                _PROTOCOL,
                "preface",
                f"the input ended inside the client connection preface "
                f"({self._fed} of {len(CLIENT_PREFACE)} octets)",
                "preface_truncated",
            )
        first = self._block_first
        if first is not None:
            return frame_error(
                _PROTOCOL,
                first.type,
                "end_headers",
                "the input ended inside the header block (no END_HEADERS)",
                self._block_stream,
                token="header_block_truncated",
            )
        return None

    def _cut_short(self) -> RawFrame | None:
        """The frame the input ended inside, raw, if its header arrived."""
        if self._have < HEADER_SIZE:
            return None
        buf, pos = self._take_buffer()
        length, frame_type, flags, stream_id = read_header(buf, pos)
        return RawFrame(
            frame_type,
            flags,
            stream_id,
            buf[pos + HEADER_SIZE :],
            reserved_bit=buf[pos + 5] & 0x80 != 0,
            length_field=length,
        )

    @property
    def buffered(self) -> int:
        """Bytes of incomplete input held (plus an assembling header block)."""
        return self._have + (self._block_bytes if self._block_parts else 0)

    @property
    def in_header_block(self) -> bool:
        """True between a HEADERS/PUSH_PROMISE without END_HEADERS and its end."""
        return self._block_stream != 0

    def take_frames(self) -> list[Frame]:
        """The frames decoded and not yet returned (also after an error)."""
        frames = self._ready
        self._ready = []
        return frames

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Add ``data`` and return every frame completed so far, in order."""
        if self._lenient:
            raise ValueError("a lenient FrameDecoder returns Received items: call receive()")
        try:
            self._take_input(data)
        except FrameError as error:
            self._report(error)
            raise
        return self.take_frames()

    # -- internals ----------------------------------------------------------

    def _take_input(self, data: bytes | bytearray | memoryview) -> None:
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise ValueError("FrameDecoder input after close() or receive(end=True)")
        chunk = data if isinstance(data, bytes) else bytes(data)
        self._fed += len(chunk)
        if self._preface_left and chunk:
            chunk = self._check_preface(chunk)
        if self._skip and chunk:
            dropped = min(self._skip, len(chunk))
            self._skip -= dropped
            chunk = chunk[dropped:]
        if chunk:
            self._chunks.append(chunk)
            self._have += len(chunk)
        if self._have >= self._need:
            self._decode()

    def _fail(self, error: FrameError) -> FrameError:
        self._failure = error
        self._chunks = []
        self._fed -= self._have  # forget what is dropped; `offset` stays put
        self._have = 0
        self._block_parts = []
        return error

    def _check_preface(self, chunk: bytes) -> bytes:
        expected = self._preface_left
        n = min(len(expected), len(chunk))
        if chunk[:n] != expected[:n]:
            # `offset` points at the first octet that differs from the preface.
            wrong = next(i for i in range(n) if chunk[i] != expected[i])
            self._fed = len(CLIENT_PREFACE) - len(expected) + wrong
            raise self._fail(
                _connection_error(
                    _PROTOCOL,
                    "preface",
                    "the client connection preface is missing or wrong",
                    "preface",
                )
            )
        self._preface_left = expected[n:]
        return chunk[n:]

    def _take_buffer(self) -> tuple[bytes, int]:
        """All incomplete input as one bytes object (joined only if needed)."""
        chunks = self._chunks
        if not chunks:
            return b"", 0
        if len(chunks) == 1:
            return chunks[0], self._pos
        first = chunks[0]
        joined = b"".join([first[self._pos :], *chunks[1:]])
        return joined, 0

    def _keep(self, buf: bytes, pos: int, need: int) -> None:
        self._chunks = [buf] if pos < len(buf) else []
        self._pos = pos if pos < len(buf) else 0
        self._have = len(buf) - pos
        self._need = need

    def _decode(self) -> None:
        buf, pos = self._take_buffer()
        end = len(buf)
        base = self._fed - self._have - pos  # the stream offset of buf[0]
        max_frame_size = self._max_frame_size
        lenient = self._lenient
        guarded = self._guarded
        ready = self._ready
        self._now = -1.0  # read the clock again for this chunk, if a guard needs it
        while True:
            if end - pos < HEADER_SIZE:
                self._keep(buf, pos, HEADER_SIZE)
                return
            length, frame_type, flags, stream_id = read_header(buf, pos)
            total = HEADER_SIZE + length
            problem: FrameError | None = None
            if (
                self._block_stream
                or frame_type == CONTINUATION
                or self._settings_first
                or length > max_frame_size
                or total > self.max_buffered_bytes
                or (frame_type == SETTINGS and length > 6 * self.max_settings_entries)
            ):
                self._keep(buf, pos, 0)  # a final error leaves `offset` at this frame
                problem = self._header_problem(frame_type, length, stream_id)
                if problem is not None and not lenient:
                    if problem.scope is not Scope.STREAM:
                        raise self._fail(problem)
                    problem = self._glitched(problem)
                    if problem.scope is Scope.CONNECTION:
                        raise self._fail(problem)
                    # A stream error: discard the frame's body, now or as it arrives.
                    available = end - pos - HEADER_SIZE
                    if available >= length:
                        self._keep(buf, pos + total, 0)
                    else:
                        self._skip = length - available
                        self._keep(buf, end, HEADER_SIZE)
                    raise problem
            if end - pos < total:
                self._keep(buf, pos, total)
                return
            begin = pos
            start = pos + HEADER_SIZE
            pos += total
            if self._settings_first:  # the first frame is read: the rule is done
                self._settings_first = False
            if frame_type == DATA:
                self._data_frames += 1
            elif frame_type == HEADERS:
                self._headers_frames += 1
            elif frame_type == WINDOW_UPDATE:
                self._window_update_frames += 1
            elif frame_type == CONTINUATION:
                self._continuation_frames += 1
            else:
                self._other_frames[frame_type] += 1
            if problem is not None:  # lenient: show the frame raw, with its error
                problem = self._glitched(problem)
                self._received.append(self._raw_received(base, buf, begin, pos, None, problem))
                continue
            try:
                frame = load_payload(frame_type, flags, stream_id, buf, start, pos)
                if guarded:
                    # Only the kinds a guard counts reach _guard: a DATA frame that
                    # ends its stream or holds more than padding, HEADERS or
                    # CONTINUATION that ends its block or holds more, never
                    # WINDOW_UPDATE.
                    if frame_type == DATA:
                        counted = length <= 256 and not flags & FLAG_END_STREAM
                    elif frame_type in (HEADERS, CONTINUATION):
                        counted = length <= 261 and not flags & FLAG_END_HEADERS
                    else:
                        counted = frame_type != WINDOW_UPDATE
                    if counted:
                        tripped = self._guard(frame_type, flags, frame)
                        if tripped is not None:
                            raise tripped
                if frame_type == SETTINGS and flags & FLAG_ACK and self._unacked_max_frame_size:
                    # The peer acknowledged the oldest SETTINGS we sent (§6.5.3).
                    acknowledged = self._unacked_max_frame_size.pop(0)
                    if acknowledged:
                        self._max_frame_size = max_frame_size = acknowledged
                if frame_type == CONTINUATION:
                    result = self._continue_block(frame, flags, stream_id)
                    if result is None:
                        continue
                    frame = result
                elif frame_type in (HEADERS, PUSH_PROMISE):
                    fragment = (
                        frame.data if isinstance(frame, (HeadersFrame, PushPromiseFrame)) else b""
                    )
                    if len(fragment) > self.max_header_block_size:
                        raise self._block_too_big(stream_id, len(fragment))
                    if not flags & FLAG_END_HEADERS:
                        self._open_block(frame, fragment, stream_id)
                        if self.assemble_headers:
                            continue
            except FrameError as caught:
                if caught.scope is Scope.FRAME:
                    self.ignored_frames += 1
                error = self._glitched(caught)
                if lenient:
                    self._received.append(self._raw_received(base, buf, begin, pos, None, error))
                    continue
                if error.scope is Scope.CONNECTION:
                    self._keep(buf, begin, 0)  # `offset` stays at this frame
                    raise self._fail(error) from None
                if error.scope is Scope.STREAM:
                    self._keep(buf, pos, 0)
                    raise error from None
                continue  # Scope.FRAME: dropped, counted in ignored_frames
            if lenient:
                self._received.append(self._raw_received(base, buf, begin, pos, frame, None))
            else:
                ready.append(frame)

    def _time(self) -> float:
        now = self._now
        if now < 0.0:
            now = self._now = self._clock()
        return now

    def _guard(self, frame_type: int, flags: int, frame: Frame) -> FrameError | None:
        """Count a frame against the guard of its kind; the error if it trips."""
        if frame_type == DATA:
            bucket = self._empty if isinstance(frame, DataFrame) and not frame.data else None
        elif frame_type in (HEADERS, CONTINUATION):
            empty = isinstance(frame, (HeadersFrame, ContinuationFrame)) and not frame.data
            bucket = self._empty if empty else None
        elif frame_type == PING:
            bucket = None if flags & FLAG_ACK else self._ping
        elif frame_type == SETTINGS:
            if flags & FLAG_ACK:
                return None
            if self._reject_duplicate_settings and isinstance(frame, SettingsFrame):
                identifiers = [identifier for identifier, _ in frame.settings]
                if len(set(identifiers)) != len(identifiers):
                    return frame_error(
                        _PROTOCOL,
                        SETTINGS,
                        "settings",
                        "an identifier is repeated (reject_duplicate_settings)",
                        token="settings_duplicate",
                    )
            bucket = self._settings
        elif frame_type == RST_STREAM:
            bucket = self._reset
        elif frame_type in (PRIORITY, PRIORITY_UPDATE):
            bucket = self._priority
        elif isinstance(frame, UnknownFrame):
            bucket = self._glitch
        else:
            return None  # GOAWAY, PUSH_PROMISE, ALTSVC, ORIGIN, registered types
        return None if bucket is None else bucket.take(self._time())

    def _glitched(self, error: FrameError) -> FrameError:
        """Count a stream error or a dropped frame against the glitch guard: the
        error to report, which is the guard's if it tripped."""
        bucket = self._glitch
        if bucket is None or error.scope is Scope.CONNECTION:
            return error
        tripped = bucket.take(self._time())
        return error if tripped is None else tripped

    def stats(self) -> DecoderStats:
        """What the decoder has read so far: frames by type, guard events, errors."""
        frames = {code: n for code, n in enumerate(self._other_frames) if n}
        for code, n in (
            (DATA, self._data_frames),
            (HEADERS, self._headers_frames),
            (WINDOW_UPDATE, self._window_update_frames),
            (CONTINUATION, self._continuation_frames),
        ):
            if n:
                frames[code] = n
        events = {
            bucket.name: bucket.events
            for bucket in (
                self._ping,
                self._settings,
                self._reset,
                self._priority,
                self._empty,
                self._glitch,
            )
            if bucket is not None
        }
        return DecoderStats(dict(sorted(frames.items())), events, self.ignored_frames, self._errors)

    def _report(self, error: FrameError) -> None:
        """Count an error leaving the decoder, once, and tell the hook."""
        if error is self._last_reported:
            return  # a dead decoder raising its error again
        self._last_reported = error
        self._errors += 1
        if self._on_error is not None:
            self._on_error(error.token)

    def _header_problem(self, frame_type: int, length: int, stream_id: int) -> FrameError | None:
        """What is wrong with a frame, known from its header alone (None: nothing).

        A frame larger than ``max_buffered_bytes`` ends decoding (it raises):
        in lenient mode always, since a lenient decoder keeps every frame's body
        to show it raw; in strict mode unless it is rejected at its header for
        another reason first (its body is then discarded as it arrives).
        """
        too_large = HEADER_SIZE + length > self.max_buffered_bytes
        if too_large and self._lenient:
            raise self._too_large(length, stream_id)
        block_stream = self._block_stream
        # RFC 9113 §6.2/§6.10: after HEADERS or PUSH_PROMISE without END_HEADERS
        # "A receiver MUST treat the receipt of any other type of frame or a
        # frame on a different stream as a connection error (Section 5.4.1) of
        # type PROTOCOL_ERROR"; and "A CONTINUATION frame MUST be preceded by a
        # HEADERS, PUSH_PROMISE or CONTINUATION frame without the END_HEADERS
        # flag set."
        if (block_stream or frame_type == CONTINUATION) and (
            frame_type != CONTINUATION or stream_id != block_stream
        ):
            if block_stream:
                reason = (
                    f"frame of type {frame_type:#04x} on stream {stream_id} inside the header "
                    f"block of stream {block_stream}: only CONTINUATION may follow"
                )
            else:
                reason = "CONTINUATION without an open header block"
            token = "header_block_interrupted" if block_stream else "continuation_unexpected"
            return _connection_error(_PROTOCOL, "type", reason, token, stream_id)
        # RFC 9113 §3.4: the client preface "MUST be followed by a SETTINGS
        # frame"; the type is known at the header, before any body arrives.
        if self._settings_first and frame_type != SETTINGS:
            return _connection_error(
                _PROTOCOL,
                "type",
                "the connection preface must end with SETTINGS",
                "preface_settings",
            )
        if length > self._max_frame_size:
            return oversize_error(frame_type, length, self._max_frame_size, stream_id)
        if too_large:
            raise self._too_large(length, stream_id)
        if frame_type == SETTINGS and length > 6 * self.max_settings_entries:
            return _connection_error(
                _CALM,
                "settings",
                f"SETTINGS frame with {length // 6} entries exceeds max_settings_entries "
                f"{self.max_settings_entries}",
                "max_settings_entries",
            )
        return None

    def _too_large(self, length: int, stream_id: int) -> FrameError:
        """Final: a frame the memory bound does not let the decoder hold."""
        return self._fail(
            _connection_error(
                _CALM,
                "length",
                f"a frame of {HEADER_SIZE + length} octets exceeds max_buffered_bytes "
                f"{self.max_buffered_bytes}",
                "max_buffered_bytes",
                stream_id,
            )
        )

    def _raw_received(
        self,
        base: int,
        buf: bytes,
        begin: int,
        end: int,
        frame: Frame | None,
        error: FrameError | None,
    ) -> Received:
        """A frame read in lenient mode: buf[begin:end], raw, with its verdict."""
        reserved = buf[begin + 5] & 0x80 != 0
        _length, frame_type, flags, stream_id = read_header(buf, begin)
        raw = RawFrame(
            frame_type, flags, stream_id, buf[begin + HEADER_SIZE : end], reserved_bit=reserved
        )
        return Received(base + begin, raw, frame, error)

    def _open_block(self, frame: Frame, fragment: bytes, stream_id: int) -> None:
        self._block_stream = stream_id
        self._block_first = frame
        self._block_parts = [fragment] if self.assemble_headers else []
        self._block_frames = 0
        self._block_bytes = len(fragment)

    def _block_too_big(self, stream_id: int, size: int) -> FrameError:
        return _connection_error(
            _CALM,
            "data",
            f"header block of {size} octets exceeds max_header_block_size "
            f"{self.max_header_block_size}",
            "max_header_block_size",
            stream_id,
        )

    def _continue_block(self, frame: Frame, flags: int, stream_id: int) -> Frame | None:
        """Count a CONTINUATION against the limits (RFC 9113 §6.10; sequencing was
        checked at its header); return it, or None when it was absorbed into an
        assembling block, or the assembled frame when the block ends."""
        assert isinstance(frame, ContinuationFrame)
        self._block_frames += 1
        if self._block_frames > self.max_continuation_frames:
            raise _connection_error(
                _CALM,
                "type",
                f"more than max_continuation_frames ({self.max_continuation_frames}) "
                "CONTINUATION frames in one header block",
                "max_continuation_frames",
                stream_id,
            )
        self._block_bytes += len(frame.data)
        if self._block_bytes > self.max_header_block_size:
            raise self._block_too_big(stream_id, self._block_bytes)
        done = bool(flags & FLAG_END_HEADERS)
        if not self.assemble_headers:
            if done:
                self._block_stream = 0
                self._block_first = None
                self._block_bytes = 0
            return frame
        self._block_parts.append(frame.data)
        if not done:
            return None
        first = self._block_first
        block = b"".join(self._block_parts)
        self._block_stream = 0
        self._block_first = None
        self._block_parts = []
        self._block_bytes = 0
        if isinstance(first, HeadersFrame):
            return HeadersFrame(
                first.stream_id,
                block,
                end_stream=first.end_stream,
                end_headers=True,
                priority=first.priority,
            )
        assert isinstance(first, PushPromiseFrame)
        return PushPromiseFrame(first.stream_id, first.promised_stream_id, block, end_headers=True)


__all__ = [
    "CLIENT_PREFACE",
    "Received",
    "DEFAULT_MAX_BUFFERED_BYTES",
    "DEFAULT_MAX_CONTINUATION_FRAMES",
    "DEFAULT_MAX_HEADER_BLOCK_SIZE",
    "DEFAULT_MAX_SETTINGS_ENTRIES",
    "FrameDecoder",
]
