"""One direction of an HTTP/2 connection, watched: what ``decode`` and ``proxy``
print, as events with the offset of each frame.

A :class:`Watcher` takes the octets of one direction in chunks of any size and
returns, in order:

* :class:`Preface`: the client connection preface (client side only);
* :class:`Seen`: a frame and the offset where it began (counted from the
  first octet of the direction, the preface included); on the frame that ends
  a header block, the block's fields (:mod:`h2wire.cli.headers`);
* :class:`Ignored`: a malformed extension frame that its RFC says to ignore
  (the :class:`~h2wire.FrameDecoder` drops it);
* :class:`Problem`: a framing error, a header block that failed to decode, or
  input that ended inside a frame.  A connection error (``fatal``) ends the
  watching of the direction; a stream error does not.

Frames are checked by a :class:`~h2wire.FrameDecoder` with the RFC's rules:
the preface and the SETTINGS that must follow it, and the frame size limit,
16,384 octets until the receiver's SETTINGS_MAX_FRAME_SIZE applies.  The
receiver's SETTINGS travel the other way, so the watcher of the other direction
reports them (:meth:`Watcher.settings_sent`, called for each SETTINGS frame it
sees when the two are paired with :func:`pair`); they apply from the sender's
ACK on (RFC 9113 §6.5.3), to the frame size and to the HPACK table size alike.

The watcher feeds its decoder one frame at a time, cutting the input at frame
boundaries (it reads each 9-octet header for the length): so each frame, and
each error, is known with its own offset, including after a frame rejected
with a stream error or dropped as ignored.  The decoder still sees each header
before the body, so the checks made at the header (size, preface) report
without waiting for the body.
"""

from __future__ import annotations

from typing import Final

from h2wire.cli.headers import BlockFields, HeaderBlocks
from h2wire.codes import CONTINUATION, HEADERS, PUSH_PROMISE, ErrorCode
from h2wire.decoder import CLIENT_PREFACE, FrameDecoder
from h2wire.errors import FrameError, IncompleteFrameError, Scope
from h2wire.frames import Frame, SettingsFrame
from h2wire.wire import DEFAULT_MAX_FRAME_SIZE, HEADER_SIZE, read_header

_BLOCK_TYPES: Final = (HEADERS, PUSH_PROMISE, CONTINUATION)


class Preface:
    """The client connection preface, at offset 0."""

    def __init__(self) -> None:
        self.offset = 0


class Seen:
    """A frame that began at ``offset``; ``block`` when it ends a header block."""

    def __init__(self, offset: int, frame: Frame, block: BlockFields | None) -> None:
        self.offset = offset
        self.frame = frame
        self.block = block


class Ignored:
    """A malformed frame that its RFC says to ignore, from its header."""

    def __init__(self, offset: int, frame_type: int, stream_id: int, length: int) -> None:
        self.offset = offset
        self.frame_type = frame_type
        self.stream_id = stream_id
        self.length = length


class Problem:
    """An error at ``offset``.  ``fatal``: the direction is no longer decoded.
    ``missing``: for input that ended inside a frame, the octets it lacked."""

    def __init__(self, offset: int, error: FrameError, fatal: bool, missing: int = 0) -> None:
        self.offset = offset
        self.error = error
        self.fatal = fatal
        self.missing = missing


Event = Preface | Seen | Ignored | Problem


class Watcher:
    """Decode one direction of a connection (see the module docstring).

    Args:
        client: the direction from the client (it begins with the preface).
        max_frame_size: the frame size limit until the receiver's SETTINGS
            says otherwise.
        headers: the direction's header blocks (a new :class:`HeaderBlocks`
            with its defaults when not given).
    """

    def __init__(
        self,
        client: bool,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
        headers: HeaderBlocks | None = None,
    ) -> None:
        self._decoder: FrameDecoder | None = FrameDecoder(max_frame_size, client_preface=client)
        self.headers = headers if headers is not None else HeaderBlocks()
        #: The watcher of the other direction of the connection, if any.
        self.peer: Watcher | None = None
        self._fed = 0  # octets given to the decoder
        self._in_preface = client
        # The frame being received (or the preface): where it begins, where it
        # ends (-1 until its header is complete), its header's octets while
        # the header is incomplete, and the header's type and stream.
        self._start = 0
        self._end = len(CLIENT_PREFACE) if client else -1
        self._header = b""
        self._type = -1
        self._stream_id = 0
        self._ignored = 0

    @property
    def decoding(self) -> bool:
        """False after a connection error or :meth:`close`."""
        return self._decoder is not None

    def settings_sent(self, frame: SettingsFrame) -> None:
        """The receiver of this direction sent ``frame`` (a SETTINGS, not an ACK)."""
        if self._decoder is not None:
            self._decoder.settings_sent(frame)
        self.headers.settings_sent(frame)

    def feed(self, data: bytes) -> list[Event]:
        """The events of the next octets of the direction."""
        events: list[Event] = []
        decoder = self._decoder
        if decoder is None:
            return events
        pos = 0
        end = len(data)
        while pos < end:
            if self._end < 0:
                missing = HEADER_SIZE - len(self._header)
                if end - pos < missing:
                    self._header += data[pos:]
                    stop = end
                else:
                    if self._header:
                        header, at = self._header + data[pos : pos + missing], 0
                    else:
                        header, at = data, pos
                    length, self._type, _, self._stream_id = read_header(header, at)
                    self._header = b""
                    self._end = self._start + HEADER_SIZE + length
                    stop = min(end, pos + self._end - self._fed)
            else:
                stop = min(end, pos + self._end - self._fed)
            # (Each turn takes at least one octet, so the loop always ends; the
            # frame's end lies after its header's first octet, so this changes
            # nothing but that.)
            stop = max(stop, pos + 1)
            piece = data if pos == 0 and stop == end else data[pos:stop]
            self._fed += stop - pos
            pos = stop
            try:
                frames = decoder.feed(piece)
            except FrameError as error:
                if error.scope is Scope.CONNECTION:
                    events.append(Problem(decoder.offset, error, True))
                    self._decoder = None
                    return events
                # A stream error: the decoder skips this frame and goes on.
                events.append(Problem(self._start, error, False))
                if self._type in _BLOCK_TYPES:
                    self.headers.lose(
                        f"the HPACK state was lost with the frame at offset {self._start}"
                    )
                frames = []
            if self._fed == self._end:
                self._frame_done(decoder, frames, events)
        return events

    def close(self) -> list[Event]:
        """The direction ended: a Problem if it ended inside a frame (or the
        preface, or a header block)."""
        decoder = self._decoder
        if decoder is None:
            return []
        self._decoder = None
        try:
            decoder.close()  # no frame is buffered: each was returned when complete
        except IncompleteFrameError as cut:  # (its own name: mypyc gives a name one type)
            needed = cut.needed
            arrived = self._fed - decoder.offset
            what = "a frame header" if needed == HEADER_SIZE else "a frame"
            incomplete = FrameError(
                ErrorCode.FRAME_SIZE_ERROR,
                f"the input ended inside {what}: {arrived} of its {needed} octets "
                f"arrived, {needed - arrived} missing",
                scope=Scope.CONNECTION,
                stream_id=self._stream_id if self._end >= 0 else 0,
                field="length",
            )
            return [Problem(decoder.offset, incomplete, True, needed - arrived)]
        except FrameError as error:
            return [Problem(decoder.offset, error, True)]
        return []

    def _frame_done(self, decoder: FrameDecoder, frames: list[Frame], events: list[Event]) -> None:
        start = self._start
        self._start = self._end
        self._end = -1
        if self._in_preface:
            self._in_preface = False
            events.append(Preface())
            return
        if frames:  # one frame at most: the decoder was fed this frame only
            frame = frames[0]
            block = None
            if isinstance(frame, SettingsFrame):
                if frame.ack:
                    self.headers.settings_acknowledged()
                elif self.peer is not None:
                    self.peer.settings_sent(frame)
            elif frame.type in _BLOCK_TYPES:
                block = self.headers.add(frame)
            events.append(Seen(start, frame, block))
        elif decoder.ignored_frames != self._ignored:
            self._ignored = decoder.ignored_frames
            length = self._start - start - HEADER_SIZE
            events.append(Ignored(start, self._type, self._stream_id, length))
        # else: rejected with a stream error, already reported


def pair(to_server: Watcher, to_client: Watcher) -> None:
    """Make each watcher tell the other about the SETTINGS its sender sends."""
    to_server.peer = to_client
    to_client.peer = to_server


__all__ = ["Event", "Ignored", "Preface", "Problem", "Seen", "Watcher", "pair"]
