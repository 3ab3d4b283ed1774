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
  (``feed(b"")`` will do) or by :meth:`FrameDecoder.take_frames`;
* a malformed extension frame that its RFC says to ignore (``Scope.FRAME``) is
  dropped and counted in ``ignored_frames``.
"""

from __future__ import annotations

from typing import Final

from h2wire.codec import load_payload
from h2wire.codes import (
    CONTINUATION,
    HEADERS,
    PUSH_PROMISE,
    SETTINGS,
    SETTINGS_MAX_FRAME_SIZE,
    ErrorCode,
)
from h2wire.errors import FrameError, IncompleteFrameError, Scope, frame_error
from h2wire.frames.base import Frame
from h2wire.frames.headers import ContinuationFrame, HeadersFrame, PushPromiseFrame
from h2wire.frames.settings import SettingsFrame
from h2wire.mode import wrong_type
from h2wire.wire import (
    DEFAULT_MAX_FRAME_SIZE,
    FLAG_ACK,
    FLAG_END_HEADERS,
    HEADER_SIZE,
    MAX_FRAME_SIZE_LIMIT,
    oversize_error,
    read_header,
)

#: The client connection preface (RFC 9113 §3.4).
CLIENT_PREFACE: Final = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

#: Defaults of the abuse limits (see README "Security").
DEFAULT_MAX_HEADER_BLOCK_SIZE: Final = 256 * 1024
DEFAULT_MAX_CONTINUATION_FRAMES: Final = 32
DEFAULT_MAX_SETTINGS_ENTRIES: Final = 64
DEFAULT_MAX_BUFFERED_BYTES: Final = HEADER_SIZE + MAX_FRAME_SIZE_LIMIT

_CALM: Final = ErrorCode.ENHANCE_YOUR_CALM
_PROTOCOL: Final = ErrorCode.PROTOCOL_ERROR


def _connection_error(code: ErrorCode, field: str, message: str, stream_id: int = 0) -> FrameError:
    return FrameError(code, message, scope=Scope.CONNECTION, stream_id=stream_id, field=field)


def _check_limit(name: str, value: int, low: int, high: int) -> int:
    if not isinstance(value, int):
        raise wrong_type("int", value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be in {low}..{high}, got {value}")
    return value


class FrameDecoder:
    """Decode a stream of HTTP/2 frames fed in arbitrary chunks.

    Args:
        max_frame_size: the local SETTINGS_MAX_FRAME_SIZE (16384..2**24-1); a
            frame announcing a larger payload is a FRAME_SIZE_ERROR.  Can be
            changed at any time (``decoder.max_frame_size = n``) once the peer
            has acknowledged the new setting.
        client_preface: expect the client connection preface first (server
            side), then a SETTINGS frame; anything else is a PROTOCOL_ERROR.
        assemble_headers: return HEADERS / PUSH_PROMISE followed by their
            CONTINUATION frames as one frame carrying the whole header block
            (``end_headers`` set, CONTINUATIONs not returned).
        max_header_block_size: header block bytes (first frame's fragment plus
            CONTINUATIONs) before ENHANCE_YOUR_CALM.
        max_continuation_frames: CONTINUATION frames in one header block before
            ENHANCE_YOUR_CALM.
        max_settings_entries: entries in one SETTINGS frame before
            ENHANCE_YOUR_CALM (checked at the frame's header).
        max_buffered_bytes: incomplete input held between calls before
            ENHANCE_YOUR_CALM (checked at each frame's header).
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
    ) -> None:
        self._max_frame_size = _check_limit(
            "max_frame_size", max_frame_size, DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT
        )
        for flag in (client_preface, assemble_headers):
            if not isinstance(flag, bool):
                raise wrong_type("bool", flag)
        self.assemble_headers = assemble_headers
        # Assembled blocks must still fit a frame payload (2**24-1 minus 5 + 256).
        self.max_header_block_size = _check_limit(
            "max_header_block_size", max_header_block_size, 0, MAX_FRAME_SIZE_LIMIT - 261
        )
        self.max_continuation_frames = _check_limit(
            "max_continuation_frames", max_continuation_frames, 0, 2**31
        )
        self.max_settings_entries = _check_limit(
            "max_settings_entries", max_settings_entries, 0, MAX_FRAME_SIZE_LIMIT // 6
        )
        self.max_buffered_bytes = _check_limit(
            "max_buffered_bytes", max_buffered_bytes, HEADER_SIZE, 2**62
        )
        #: Frames dropped because their RFC says to ignore them when malformed.
        self.ignored_frames = 0
        self._preface_left = CLIENT_PREFACE if client_preface else b""
        self._settings_first = client_preface
        self._failure: FrameError | None = None
        self._ready: list[Frame] = []
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
        """
        if self._failure is not None or self._closed:
            return self.take_frames()
        frames = self.feed(b"")
        self._closed = True
        # (A rejected frame whose body was still being discarded was reported
        # when it was rejected; only a frame still held is incomplete.)
        if self._have:
            self._ready = frames
            raise self._fail(IncompleteFrameError(self._need, self._have))
        if self._preface_left and self._fed:
            self._ready = frames
            raise self._fail(
                _connection_error(
                    _PROTOCOL,
                    "preface",
                    f"the input ended inside the client connection preface "
                    f"({self._fed} of {len(CLIENT_PREFACE)} octets)",
                )
            )
        first = self._block_first
        if first is not None:
            self._ready = frames
            raise self._fail(
                frame_error(
                    _PROTOCOL,
                    first.type,
                    "end_headers",
                    "the input ended inside the header block (no END_HEADERS)",
                    self._block_stream,
                )
            )
        return frames

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
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise ValueError("FrameDecoder.feed() after close()")
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
        return self.take_frames()

    # -- internals ----------------------------------------------------------

    def _fail(self, error: FrameError) -> FrameError:
        # `_have` counts the octets from where the failing frame begins (`_decode`
        # sets it so before failing, as earlier frames of the same call were read).
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
                    _PROTOCOL, "preface", "the client connection preface is missing or wrong"
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
        max_frame_size = self._max_frame_size
        ready = self._ready
        while True:
            if end - pos < HEADER_SIZE:
                self._keep(buf, pos, HEADER_SIZE)
                return
            length, frame_type, flags, stream_id = read_header(buf, pos)
            if (self._block_stream or frame_type == CONTINUATION) and (
                frame_type != CONTINUATION or stream_id != self._block_stream
            ):
                self._have = end - pos
                raise self._fail(self._sequence_error(frame_type, stream_id))
            if self._settings_first:
                # RFC 9113 §3.4: the client preface "MUST be followed by a SETTINGS
                # frame"; the type is known at the header, before any body arrives.
                if frame_type != SETTINGS:
                    self._have = end - pos
                    raise self._fail(
                        _connection_error(
                            _PROTOCOL, "type", "the connection preface must end with SETTINGS"
                        )
                    )
                self._settings_first = False
            total = HEADER_SIZE + length
            if (
                length > max_frame_size
                or total > self.max_buffered_bytes
                or (frame_type == SETTINGS and length > 6 * self.max_settings_entries)
            ):
                error = self._header_error(frame_type, length, stream_id)
                if error.scope is not Scope.STREAM:
                    self._have = end - pos
                    raise self._fail(error)
                # A stream error: discard the frame's body, now or as it arrives.
                available = end - pos - HEADER_SIZE
                if available >= length:
                    self._keep(buf, pos + total, 0)
                else:
                    self._skip = length - available
                    self._keep(buf, end, HEADER_SIZE)
                raise error
            if end - pos < total:
                self._keep(buf, pos, total)
                return
            start = pos + HEADER_SIZE
            pos += total
            try:
                frame = load_payload(frame_type, flags, stream_id, buf, start, pos)
            except FrameError as error:
                if error.scope is Scope.CONNECTION:
                    self._have = end - start + HEADER_SIZE
                    raise self._fail(error) from None
                if error.scope is Scope.STREAM:
                    self._keep(buf, pos, 0)
                    raise
                self.ignored_frames += 1
                continue
            if frame_type == SETTINGS and flags & FLAG_ACK and self._unacked_max_frame_size:
                # The peer acknowledged the oldest SETTINGS we sent (§6.5.3).
                acknowledged = self._unacked_max_frame_size.pop(0)
                if acknowledged:
                    self._max_frame_size = max_frame_size = acknowledged
            if frame_type == CONTINUATION:
                self._have = end - start + HEADER_SIZE  # in case the block's limits fail it
                result = self._continue_block(frame, flags, stream_id)
                if result is None:
                    continue
                frame = result
            elif frame_type in (HEADERS, PUSH_PROMISE):
                fragment = (
                    frame.data if isinstance(frame, (HeadersFrame, PushPromiseFrame)) else b""
                )
                if len(fragment) > self.max_header_block_size:
                    self._have = end - start + HEADER_SIZE
                    raise self._block_too_big(stream_id, len(fragment))
                if not flags & FLAG_END_HEADERS:
                    self._open_block(frame, fragment, stream_id)
                    if self.assemble_headers:
                        continue
            ready.append(frame)

    def _header_error(self, frame_type: int, length: int, stream_id: int) -> FrameError:
        if length > self._max_frame_size:
            return oversize_error(frame_type, length, self._max_frame_size, stream_id)
        if HEADER_SIZE + length > self.max_buffered_bytes:
            return _connection_error(
                _CALM,
                "length",
                f"a frame of {HEADER_SIZE + length} octets exceeds max_buffered_bytes "
                f"{self.max_buffered_bytes}",
                stream_id,
            )
        return _connection_error(
            _CALM,
            "settings",
            f"SETTINGS frame with {length // 6} entries exceeds max_settings_entries "
            f"{self.max_settings_entries}",
        )

    def _open_block(self, frame: Frame, fragment: bytes, stream_id: int) -> None:
        self._block_stream = stream_id
        self._block_first = frame
        self._block_parts = [fragment] if self.assemble_headers else []
        self._block_frames = 0
        self._block_bytes = len(fragment)

    def _block_too_big(self, stream_id: int, size: int) -> FrameError:
        return self._fail(
            _connection_error(
                _CALM,
                "data",
                f"header block of {size} octets exceeds max_header_block_size "
                f"{self.max_header_block_size}",
                stream_id,
            )
        )

    def _sequence_error(self, frame_type: int, stream_id: int) -> FrameError:
        if self._block_stream:
            reason = (
                f"frame of type {frame_type:#04x} on stream {stream_id} inside the header "
                f"block of stream {self._block_stream}: only CONTINUATION may follow"
            )
        else:
            reason = "CONTINUATION without an open header block"
        return _connection_error(_PROTOCOL, "type", reason, stream_id)

    def _continue_block(self, frame: Frame, flags: int, stream_id: int) -> Frame | None:
        """Count a CONTINUATION against the limits (RFC 9113 §6.10; sequencing was
        checked at its header); return it, or None when it was absorbed into an
        assembling block, or the assembled frame when the block ends."""
        assert isinstance(frame, ContinuationFrame)
        self._block_frames += 1
        if self._block_frames > self.max_continuation_frames:
            raise self._fail(
                _connection_error(
                    _CALM,
                    "type",
                    f"more than max_continuation_frames ({self.max_continuation_frames}) "
                    "CONTINUATION frames in one header block",
                    stream_id,
                )
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
    "DEFAULT_MAX_BUFFERED_BYTES",
    "DEFAULT_MAX_CONTINUATION_FRAMES",
    "DEFAULT_MAX_HEADER_BLOCK_SIZE",
    "DEFAULT_MAX_SETTINGS_ENTRIES",
    "FrameDecoder",
]
