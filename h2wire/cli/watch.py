"""One direction of an HTTP/2 connection, watched: what ``decode``, ``proxy`` and
``send`` print, as events with the offset of each frame.

A :class:`Watcher` takes the octets of one direction in chunks of any size and
returns, in order:

* :class:`Preface`: the client connection preface (client side only);
* :class:`Seen`: a valid frame and the offset where it began (counted from the
  first octet of the direction, the preface included); on the frame that ends
  a header block, the block's fields (:mod:`h2wire.cli.headers`);
* :class:`Ignored`: a malformed extension frame that its RFC says to ignore,
  raw, with the reason;
* :class:`Problem`: a frame that breaks a rule, raw, with its error; a header
  block that failed to decode (on its :class:`Seen`); input that ended inside
  a frame (raw, with what arrived and the octets missing), inside the preface
  or inside a header block.

The watcher reads with a lenient :class:`~h2wire.FrameDecoder`, one
``receive()`` per chunk, which gives every frame, valid or not, with its
offset: decoding goes on after a bad frame whatever its error's scope, since
every frame's length is in its header.  It stops only where the decoder must
(a wrong client preface, a frame larger than the decoder may hold): that
Problem is ``fatal``, and the rest of the direction is not decoded.

Frames are checked with the RFC's rules: the preface and the SETTINGS that must
follow it, and the frame size limit, 16,384 octets until the receiver's
SETTINGS_MAX_FRAME_SIZE applies.  The receiver's SETTINGS travel the other way,
so the watcher of the other direction reports them (:meth:`Watcher.settings_sent`,
called for each SETTINGS frame it sees when the two are paired with
:func:`pair`); they apply from the sender's ACK on (RFC 9113 §6.5.3), to the
frame size and to the HPACK table size alike, in the same chunk too.

A header block frame that is not valid (a HEADERS frame on stream 0, one that
interrupts another block) may have changed the sender's HPACK table in ways the
watcher cannot follow: the direction's later blocks are then shown undecoded.
"""

from __future__ import annotations

from typing import Final

from h2wire.cli.headers import BlockFields, HeaderBlocks
from h2wire.codes import CONTINUATION, HEADERS, PUSH_PROMISE, ErrorCode
from h2wire.decoder import CLIENT_PREFACE, FrameDecoder, Received
from h2wire.errors import FrameError, IncompleteFrameError, Scope
from h2wire.frames import Frame, RawFrame, SettingsFrame
from h2wire.wire import DEFAULT_MAX_FRAME_SIZE, HEADER_SIZE

_BLOCK_TYPES: Final = (HEADERS, PUSH_PROMISE, CONTINUATION)
# The decoder's tokens for a preface that is wrong, or cut short at the end.
_WRONG_PREFACE: Final = "preface"
_CUT_PREFACE: Final = "preface_truncated"


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
    """A malformed frame that its RFC says to ignore (``error`` says why)."""

    def __init__(self, offset: int, raw: RawFrame, error: FrameError) -> None:
        self.offset = offset
        self.raw = raw
        self.error = error


class Problem:
    """An error at ``offset``.

    ``raw``: the frame that broke the rule, as it arrived (for input that
    ended inside a frame, the octets that arrived, its Length field as
    announced); None when there is no whole frame header.  ``fatal``: decoding
    stopped here, before the end of the input (a wrong preface, a frame too
    large to hold).  ``missing``: for input that ended inside a frame, the
    octets it lacked.  ``partial``: octets that arrived but make no frame
    header (a cut header, a cut preface).
    """

    def __init__(
        self,
        offset: int,
        error: FrameError,
        raw: RawFrame | None = None,
        *,
        fatal: bool = False,
        missing: int = 0,
        partial: bytes = b"",
    ) -> None:
        self.offset = offset
        self.error = error
        self.raw = raw
        self.fatal = fatal
        self.missing = missing
        self.partial = partial


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
        self._decoder: FrameDecoder | None = FrameDecoder(
            max_frame_size, client_preface=client, lenient=True
        )
        self.headers = headers if headers is not None else HeaderBlocks()
        #: The watcher of the other direction of the connection, if any.
        self.peer: Watcher | None = None
        self._fed = 0  # octets fed so far
        self._preface_pending = client
        # The last octets fed (at most a frame header's worth minus one): what
        # arrived of a frame header the input ends inside.
        self._tail = b""

    @property
    def decoding(self) -> bool:
        """False once decoding stopped (a fatal Problem) or after :meth:`close`."""
        decoder = self._decoder
        return decoder is not None and decoder.failure is None

    def settings_sent(self, frame: SettingsFrame) -> None:
        """The receiver of this direction sent ``frame`` (a SETTINGS, not an ACK)."""
        if self._decoder is not None:
            self._decoder.settings_sent(frame)
        self.headers.settings_sent(frame)

    def feed(self, data: bytes) -> list[Event]:
        """The events of the next octets of the direction."""
        decoder = self._decoder
        if decoder is None or decoder.failure is not None:
            return []
        self._fed += len(data)
        if len(data) >= HEADER_SIZE - 1:
            self._tail = data[1 - HEADER_SIZE :]
        else:
            self._tail = (self._tail + data)[1 - HEADER_SIZE :]
        events: list[Event] = []
        items = decoder.receive(data)
        if self._preface_pending and self._fed >= len(CLIENT_PREFACE):
            failure = decoder.failure
            if failure is None or failure.token != _WRONG_PREFACE:
                self._preface_pending = False
                events.append(Preface())
        for item in items:
            self._take(item, events, decoder)
        return events

    def close(self) -> list[Event]:
        """The direction ended: a Problem if it ended inside a frame (or the
        preface, or a header block)."""
        decoder = self._decoder
        if decoder is None:
            return []
        self._decoder = None
        if decoder.failure is not None:
            return []  # decoding had stopped: nothing more to say
        events: list[Event] = []
        for item in decoder.receive(b"", end=True):
            self._take(item, events, None)
        return events

    def _take(self, item: Received, events: list[Event], decoder: FrameDecoder | None) -> None:
        """Turn one item of the decoder into an event (``decoder``: the decoder,
        while the input goes on; None at its end)."""
        frame = item.frame
        if frame is not None:
            block = None
            if isinstance(frame, SettingsFrame):
                if frame.ack:
                    self.headers.settings_acknowledged()
                elif self.peer is not None:
                    self.peer.settings_sent(frame)
            elif frame.type in _BLOCK_TYPES:
                block = self.headers.add(frame)
            events.append(Seen(item.offset, frame, block))
            return
        error = item.error
        assert error is not None  # a Received item holds a frame or an error
        raw = item.raw
        if raw is not None and error.scope is Scope.FRAME:
            events.append(Ignored(item.offset, raw, error))
            return
        if isinstance(error, IncompleteFrameError):
            events.append(self._cut_short(item.offset, error, raw))
            return
        if raw is not None and raw.frame_type in _BLOCK_TYPES:
            self.headers.lose(f"the HPACK state was lost with the frame at offset {item.offset}")
        partial = CLIENT_PREFACE[: self._fed] if error.token == _CUT_PREFACE else b""
        fatal = decoder is not None and decoder.failure is error
        events.append(Problem(item.offset, error, raw, fatal=fatal, partial=partial))

    def _cut_short(self, offset: int, cut: IncompleteFrameError, raw: RawFrame | None) -> Problem:
        """The input ended inside the frame at ``offset``."""
        needed = cut.needed
        arrived = self._fed - offset
        what = "a frame header" if raw is None else "a frame"
        error = FrameError(
            ErrorCode.FRAME_SIZE_ERROR,
            f"the input ended inside {what}: {arrived} of its {needed} octets "
            f"arrived, {needed - arrived} missing",
            scope=Scope.CONNECTION,
            stream_id=0 if raw is None else raw.stream_id,
            field="length",
            token="frame_truncated",
        )
        partial = b"" if raw is not None or not arrived else self._tail[-arrived:]
        return Problem(offset, error, raw, missing=needed - arrived, partial=partial)


def pair(to_server: Watcher, to_client: Watcher) -> None:
    """Make each watcher tell the other about the SETTINGS its sender sends."""
    to_server.peer = to_client
    to_client.peer = to_server


__all__ = ["Event", "Ignored", "Preface", "Problem", "Seen", "Watcher", "pair"]
