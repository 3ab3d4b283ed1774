"""``h2wire send``: put frames on the wire to a server, valid or not, and show
every frame that comes back.

The input (JSON lines, :mod:`h2wire.cli.records`) is read and checked whole
before connecting: a line that cannot be used is an error (exit status 2) and
nothing is sent.  Then :func:`send`:

1. connects to the target, as h2c with prior knowledge or over TLS with ALPN
   ``h2`` (a refused connection, a failed handshake or a server that does not
   select ``h2`` is one line, exit status 2);
2. sends the client connection preface and a SETTINGS frame: the input's first
   record when that is a SETTINGS frame (a frame or raw record), else an empty
   one (the RFC's initial values); then waits, at most ``timeout`` seconds,
   for the peer's SETTINGS and for its ACK of ours, so that the peer's
   settings are known before the input starts (``preface=False`` sends
   nothing of its own: the input says everything, a broken preface too; so
   does an input whose first record is ``{"preface": true}``);
3. sends the records in order: frames, raw frames, octets, header blocks
   (encoded with HPACK, split at the peer's SETTINGS_MAX_FRAME_SIZE as known
   when the record is sent), and waits;
4. when the input is done, waits for the streams it opened to end (the peer's
   END_STREAM or RST_STREAM, either side's reset, or the peer's GOAWAY leaving
   them out), then sends a PING and waits for its ACK, so that whatever the
   peer answered to the input has arrived, each wait at most ``timeout``;
   then sends GOAWAY(NO_ERROR) and closes.  If the peer closes the connection
   first, the input left is not sent (the line numbers say which).

All the while, every frame received is shown (a lenient
:class:`~h2wire.cli.watch.Watcher`: an invalid frame is shown raw with its
error), the peer's SETTINGS and PINGs are acknowledged (``auto_ack``) and, as
DATA arrives, the connection's and the stream's flow-control windows are
given back once half of them is used (``auto_window``).  What is sent is shown
too, decoded the way the peer should decode it, so a bad frame sent on
purpose is shown with the error the peer should find.  Lines are ``->``
(sent), ``<-`` (received) or ``--`` (the connection; the end).

Exit status: 0 when the peer signalled no error; 1 when it sent GOAWAY with
an error code, reset a stream with an error code, sent a frame that breaks a
rule (or a header block that does not decode), or closed the connection
without GOAWAY when the input did not wait for that; the last lines name each.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import ssl
from collections.abc import Callable, Sequence
from typing import IO, Final, Protocol

from h2wire.cli.headers import HeaderBlocks, field_text
from h2wire.cli.records import Action, Octets, SendFrame, SendHeaders, SendRaw, Wait
from h2wire.cli.render import INDENT, code_text, event_lines, event_records
from h2wire.cli.tls import alpn_refusal, handshake_failure, is_handshake_failure
from h2wire.cli.watch import Event, Problem, Seen, Watcher, pair
from h2wire.codes import (
    SETTINGS,
    SETTINGS_HEADER_TABLE_SIZE,
    SETTINGS_MAX_FRAME_SIZE,
    ErrorCode,
)
from h2wire.decoder import CLIENT_PREFACE
from h2wire.errors import FrameError, Scope
from h2wire.frames import (
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    PingFrame,
    PushPromiseFrame,
    RstStreamFrame,
    SettingsFrame,
    WindowUpdateFrame,
)
from h2wire.wire import DEFAULT_MAX_FRAME_SIZE, FLAG_ACK

#: Seconds each wait lasts at most, by default.
DEFAULT_TIMEOUT: Final = 5.0
#: The opaque data of the PING that ends the input.
SETTLE_PING: Final = b"h2w-done"
# RFC 9113 §6.9.2: every flow-control window starts at 65,535 octets; it is
# given back once half of it is used.
_INITIAL_WINDOW: Final = 65535
_HPACK_TABLE_SIZE: Final = 4096  # the encoder's table, at most (RFC 7541 §4.2)
# How an HTTP/1 response begins (RFC 9112 §4): a server that does not speak h2c.
_HTTP1: Final = b"HTTP/"
_HTTP1_LINE: Final = 4096  # an HTTP/1 line longer than this is shown in pieces


class _HpackEncoder(Protocol):
    """The part of ``hpack.Encoder`` send uses."""

    header_table_size: int

    def encode(self, headers: Sequence[tuple[str, str]]) -> bytes: ...


def hpack_encoder() -> _HpackEncoder | None:
    """A new HPACK encoder from the ``hpack`` package, or None without it."""
    try:
        module = importlib.import_module("hpack")
    except ImportError:
        return None
    encoder: _HpackEncoder = module.Encoder()
    return encoder


class SendError(ValueError):
    """The exchange could not start (connection, TLS): one line, exit status 2."""


class Output:
    """Where send reports: text lines (``->``, ``<-``, ``--``) or JSON records."""

    def __init__(self, out: IO[str], as_json: bool, colour: bool) -> None:
        self.out = out
        self.as_json = as_json
        self.colour = colour

    def events(self, direction: str, events: list[Event]) -> None:
        if not events:
            return
        if self.as_json:
            lines = []
            for event in events:
                for record in event_records(event):
                    record["direction"] = direction
                    lines.append(json.dumps(record))
        else:
            lines = [f"{direction} {line}" for e in events for line in event_lines(e, self.colour)]
        self._write(lines)

    def text(self, direction: str, lines: list[str]) -> None:
        """Octets that are not frames, as text lines."""
        if self.as_json:
            self._write([json.dumps({"direction": direction, "text": "\n".join(lines)})])
        else:
            self._write([f"{direction} {INDENT}{line}".rstrip() for line in lines])

    def note(self, text: str) -> None:
        """A line about the connection or the input."""
        if self.as_json:
            self._write([json.dumps({"direction": "--", "event": text})])
        else:
            self._write([f"-- {text}"])

    def end(self, reasons: list[str]) -> None:
        if self.as_json:
            record = {
                "direction": "--",
                "end": "error" if reasons else "clean",
                "exit_status": 1 if reasons else 0,
                "reasons": reasons,
            }
            self._write([json.dumps(record)])
        else:
            self._write([f"-- end: {reason}" for reason in reasons] or ["-- end: clean"])

    def _write(self, lines: list[str]) -> None:
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()


class Exchange:
    """One connection: what was sent and received, and what is awaited."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        output: Output,
        *,
        auto_ack: bool,
        auto_window: bool,
        timeout: float,
        max_header_list_size: int,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.output = output
        self.auto_ack = auto_ack
        self.auto_window = auto_window
        self.timeout = timeout
        self.sent = Watcher(True, headers=HeaderBlocks(max_header_list_size))
        self.received = Watcher(False, headers=HeaderBlocks(max_header_list_size))
        pair(self.sent, self.received)
        self.encoder = hpack_encoder()
        self.changed = asyncio.Event()
        self.closed = False  # the connection is closed (by the peer, or an error)
        self.peer_closed = False  # by the peer
        self.sent_octets = 0
        # What is sent after a wrong preface, decoded on its own from its offset.
        self.after_preface: Watcher | None = None
        self.after_base = 0
        self.http1 = False  # the peer answered in HTTP/1
        self.http1_lines: list[str] = []  # the lines shown
        self.http1_pending = b""  # the start of a line not shown yet
        self.settings_sent = 0  # SETTINGS frames sent (not ACKs)
        self.settings_received = 0
        self.acks_received = 0
        self.settled = False  # the ACK of SETTLE_PING arrived
        self.goaway: GoAwayFrame | None = None
        self.close_awaited = False  # the input waited for the peer to close
        self.peer_max_frame_size = DEFAULT_MAX_FRAME_SIZE
        self.opened: list[int] = []  # streams the input opened, in order
        self.ended: set[int] = set()  # streams the peer ended or that were reset
        self.ending = 0  # a stream whose END_STREAM header block is still open
        self.last_pushed = 0
        self.unreturned: dict[int, int] = {}  # flow-control octets not given back yet
        self.reasons: list[str] = []

    # -- sending -----------------------------------------------------------

    async def write(self, data: bytes) -> None:
        """Send ``data`` (shown as the peer should decode it) unless closed."""
        self.write_now(data)
        try:
            await self.writer.drain()
        except (ConnectionError, OSError):
            self._lost()

    def write_now(self, data: bytes) -> None:
        if self.closed:  # (an ACK of a frame read after a write failed, say)
            return
        at = self.sent_octets
        self.sent_octets += len(data)
        after = self.after_preface
        if after is None:
            events = self.sent.feed(data)
            self.output.events("->", events)
            if not self.sent.decoding:  # a wrong preface: decoding stopped here
                shown = repr(data[:48]) + ("…" if len(data) > 48 else "")
                self.output.note(
                    f"sent {len(data)} octets at byte {at}: {shown}; what is sent after "
                    "them is shown as frames, as if the preface had been right"
                )
                self.after_preface = Watcher(False)
                self.after_base = at + len(data)
        else:
            events = after.feed(data)
            for event in events:
                event.offset += self.after_base
            self.output.events("->", events)
        for event in events:
            if isinstance(event, Seen):
                self._sent_frame(event.frame)
        self.writer.write(data)

    def _sent_frame(self, frame: Frame) -> None:
        if isinstance(frame, SettingsFrame) and not frame.ack:
            self.settings_sent += 1
        elif isinstance(frame, HeadersFrame) and frame.stream_id not in self.opened:
            self.opened.append(frame.stream_id)
        elif isinstance(frame, RstStreamFrame):
            self.ended.add(frame.stream_id)

    async def perform(self, action: Action) -> None:
        if isinstance(action, Octets):
            await self.write(action.data)
        elif isinstance(action, SendFrame):
            await self.write(action.frame.serialize())
        elif isinstance(action, SendRaw):
            await self.write(action.raw.serialize())
        elif isinstance(action, SendHeaders):
            encoder = self.encoder
            assert encoder is not None  # checked before connecting
            block = encoder.encode(action.fields)
            frames = action.frames(block, self.peer_max_frame_size)
            await self.write(b"".join(frame.serialize() for frame in frames))
        else:
            await self.wait(action)

    async def wait(self, action: Wait) -> None:
        event = action.event
        if event is None:
            await self.until(lambda: self.closed, action.seconds)
            return
        conditions: dict[str, Callable[[], bool]] = {
            "settings": lambda: self.settings_received > 0,
            "settings_ack": lambda: self.acks_received >= self.settings_sent,
            "streams": self.streams_done,
            "goaway": lambda: self.goaway is not None,
            "close": lambda: self.closed,
        }
        if event == "close":
            self.close_awaited = True
        if await self.until(conditions[event], self.timeout):
            return
        if self.closed:
            self.output.note(f"wait for {event}: the connection closed first")
        else:
            self.output.note(f"wait for {event}: not within {self.timeout:g} s")

    async def until(self, condition: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``condition()`` holds, the connection closes, or ``seconds``
        pass; whether it holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not condition() and not self.closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        return condition()

    def streams_done(self) -> bool:
        return all(stream in self.ended for stream in self.opened)

    # -- receiving ---------------------------------------------------------

    async def read(self) -> None:
        """Show every frame received, and answer as told, until the peer closes."""
        note = "the peer closed the connection"
        head: bytes | None = b""  # the first octets, until they tell HTTP/2 from HTTP/1
        try:
            while data := await self.reader.read(65536):
                if head is not None:
                    head += data
                    if len(head) < len(_HTTP1) and _HTTP1.startswith(head):
                        continue
                    data, head = head, None
                    self.http1 = data.startswith(_HTTP1)
                self._received(data)
                self.changed.set()
        except (ConnectionError, OSError) as error:
            note = f"the connection failed: {error}"
        # (Also after a write failed: the read then says how the connection ended.)
        if head:
            self._received(head)
        if self.http1:
            self._http1(b"", end=True)
        for event in self.received.close():
            self._received_event(event)
        self.output.note(note)
        self.peer_closed = True
        self._lost()

    def _received(self, data: bytes) -> None:
        if self.http1:
            self._http1(data)
            return
        for event in self.received.feed(data):
            self._received_event(event)

    def _http1(self, data: bytes, end: bool = False) -> None:
        """The peer speaks HTTP/1 (a server that does not take prior knowledge):
        its octets shown as text, line by line (``end``: the last of them)."""
        if not self.http1_lines:
            self.output.note("the peer answers in HTTP/1, not HTTP/2:")
        lines = (self.http1_pending + data).split(b"\r\n")
        self.http1_pending = b"" if end else lines.pop()
        while len(self.http1_pending) > _HTTP1_LINE:  # no line end in sight: show a piece
            lines.append(self.http1_pending[:_HTTP1_LINE])
            self.http1_pending = self.http1_pending[_HTTP1_LINE:]
        shown = [field_text(line).rstrip() for line in lines if line or not end]
        if shown:
            self.http1_lines += shown
            self.output.text("<-", shown)

    def all_reasons(self) -> list[str]:
        """Why the exchange did not end cleanly (nothing: it did)."""
        reasons = list(self.reasons)
        if self.http1:
            status = self.http1_lines[0] if self.http1_lines else field_text(self.http1_pending)
            reasons.insert(0, f"the peer answered in HTTP/1: {status}")
        elif self.peer_closed and self.goaway is None and not self.close_awaited:
            reasons.append("the peer closed the connection without GOAWAY")
        return reasons

    def _lost(self) -> None:
        self.closed = True
        self.changed.set()

    def _received_event(self, event: Event) -> None:
        self.output.events("<-", [event])
        if isinstance(event, Problem):
            error = event.error
            self.reasons.append(f"the peer's frame at byte {event.offset}: {_error_text(error)}")
            return
        if not isinstance(event, Seen):
            return
        block = event.block
        if block is not None and block.error is not None:
            what = f"the peer's header block at byte {event.offset}"
            self.reasons.append(f"{what}: {_error_text(block.error)}")
        frame = event.frame
        if isinstance(frame, SettingsFrame):
            self._settings(frame)
        elif isinstance(frame, PingFrame):
            if frame.ack:
                self.settled = self.settled or frame.opaque_data == SETTLE_PING
            elif self.auto_ack:
                self.write_now(PingFrame(frame.opaque_data, ack=True).serialize())
        elif isinstance(frame, GoAwayFrame):
            self.goaway = frame
            if frame.error_code != ErrorCode.NO_ERROR:
                debug = f", debug data {frame.debug_data!r}" if frame.debug_data else ""
                self.reasons.append(
                    f"the peer sent GOAWAY with {code_text(frame.error_code)} "
                    f"(last_stream={frame.last_stream_id}{debug})"
                )
            self.ended.update(s for s in self.opened if s > frame.last_stream_id)
        elif isinstance(frame, RstStreamFrame):
            self.ended.add(frame.stream_id)
            if frame.error_code != ErrorCode.NO_ERROR:
                self.reasons.append(
                    f"the peer reset stream {frame.stream_id} with {code_text(frame.error_code)}"
                )
        elif isinstance(frame, (HeadersFrame, ContinuationFrame)):
            if isinstance(frame, HeadersFrame) and frame.end_stream:
                self.ending = frame.stream_id
            if frame.end_headers and self.ending:
                self.ended.add(self.ending)
                self.ending = 0
        elif isinstance(frame, DataFrame):
            if frame.end_stream:
                self.ended.add(frame.stream_id)
            self._flow(frame)
        elif isinstance(frame, PushPromiseFrame):
            self.last_pushed = max(self.last_pushed, frame.promised_stream_id)

    def _settings(self, frame: SettingsFrame) -> None:
        if frame.ack:
            self.acks_received += 1
            return
        self.settings_received += 1
        for identifier, value in frame.settings:
            if identifier == SETTINGS_MAX_FRAME_SIZE:
                self.peer_max_frame_size = value
            elif identifier == SETTINGS_HEADER_TABLE_SIZE and self.encoder is not None:
                # RFC 7541 §4.2: the encoder may use up to the peer's size; it
                # keeps to 4,096 (or less: it then says so in its next block).
                self.encoder.header_table_size = min(value, _HPACK_TABLE_SIZE)
        if self.auto_ack:
            self.write_now(SettingsFrame(ack=True).serialize())

    def _flow(self, frame: DataFrame) -> None:
        """Give back the flow-control window DATA used, half a window at a time."""
        if not self.auto_window or not frame.length:
            return
        for stream in (0, frame.stream_id):
            if stream and frame.end_stream:
                self.unreturned.pop(stream, None)  # the stream is over: nothing to give
                continue
            used = self.unreturned.get(stream, 0) + frame.length
            if used >= _INITIAL_WINDOW // 2:
                self.write_now(WindowUpdateFrame(stream, used).serialize())
                used = 0
            self.unreturned[stream] = used


def _error_text(error: FrameError) -> str:
    scope = "" if error.scope is Scope.CONNECTION else f" ({error.scope.value} error)"
    return f"{code_text(error.code)}{scope} {error}"


def preface_settings(actions: list[tuple[int, Action]]) -> bytes | None:
    """The first record's octets when it is a SETTINGS frame (not an ACK): the
    SETTINGS frame of the automatic preface."""
    if not actions:
        return None
    action = actions[0][1]
    if isinstance(action, SendFrame):
        frame = action.frame
        if isinstance(frame, SettingsFrame) and not frame.ack:
            return frame.serialize()
    elif isinstance(action, SendRaw):
        raw = action.raw
        if raw.frame_type == SETTINGS and not raw.flags & FLAG_ACK:
            return raw.serialize()
    return None


async def connect(
    host: str, port: int, tls: ssl.SSLContext | None, timeout: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """The connection, or :class:`SendError` saying why there is none."""
    where = f"{host}:{port}"
    try:
        if tls is None:
            opening = asyncio.open_connection(host, port)
        else:
            opening = asyncio.open_connection(host, port, ssl=tls, ssl_handshake_timeout=timeout)
        reader, writer = await asyncio.wait_for(opening, timeout)
    except TimeoutError:
        raise SendError(f"no connection to {where} within {timeout:g} s") from None
    except OSError as error:
        if tls is not None and is_handshake_failure(error):
            failure = handshake_failure(error, timeout)
            raise SendError(f"TLS with {where} failed: {failure}") from None
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise SendError(f"cannot connect to {where}: {reason}") from None
    if tls is not None:
        refusal = alpn_refusal(writer)
        if refusal:
            writer.close()
            raise SendError(f"{where} {refusal}")
    return reader, writer


async def send(
    target: tuple[str, int],
    actions: list[tuple[int, Action]],
    output: Output,
    *,
    tls: ssl.SSLContext | None = None,
    preface: bool = True,
    auto_ack: bool = True,
    auto_window: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    max_header_list_size: int = 65536,
) -> int:
    """Run the exchange (see the module docstring); the exit status (0 or 1).

    Raises :class:`SendError` when there is no connection to run it on."""
    host, port = target
    reader, writer = await connect(host, port, tls, timeout)
    output.note(f"connected to {host}:{port} ({'TLS, ALPN h2' if tls else 'h2c'})")
    exchange = Exchange(
        reader,
        writer,
        output,
        auto_ack=auto_ack,
        auto_window=auto_window,
        timeout=timeout,
        max_header_list_size=max_header_list_size,
    )
    reading = asyncio.create_task(exchange.read())
    try:
        await _run(exchange, actions, preface)
        if exchange.closed:
            # A write that failed closed the exchange: the read, woken by the same
            # loss, says how the connection ended (cancelled, it would not).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(reading), timeout)
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), 1.0)
    reasons = exchange.all_reasons()
    output.end(reasons)
    return 1 if reasons else 0


def _unsent(exchange: Exchange, actions: list[tuple[int, Action]]) -> None:
    """The connection closed before ``actions``: say which records were not sent
    (a wait for the close is met, the other waits are moot)."""
    unsent = []
    for number, action in actions:
        if not isinstance(action, Wait):
            unsent.append(number)
        elif action.event == "close":
            exchange.close_awaited = True
    if unsent:
        lines = f"line {unsent[0]}" if len(unsent) == 1 else f"lines {unsent[0]}-{unsent[-1]}"
        count = f"{len(unsent)} record{'s' if len(unsent) > 1 else ''}"
        exchange.output.note(f"the connection is closed: {count} of the input not sent ({lines})")


async def _run(exchange: Exchange, actions: list[tuple[int, Action]], preface: bool) -> None:
    output = exchange.output
    timeout = exchange.timeout
    first = actions[0][1] if actions else None
    if preface and not (isinstance(first, Octets) and first.preface):
        settings = preface_settings(actions)
        if settings is not None:
            actions = actions[1:]
        await exchange.write(CLIENT_PREFACE + (settings or SettingsFrame().serialize()))
        greeted = await exchange.until(
            lambda: (
                exchange.settings_received > 0 and exchange.acks_received >= exchange.settings_sent
            ),
            timeout,
        )
        if not greeted and not exchange.closed:
            output.note(f"no SETTINGS and ACK from the peer within {timeout:g} s")
    for index, (_, action) in enumerate(actions):
        if exchange.closed:
            _unsent(exchange, actions[index:])
            return
        await exchange.perform(action)
    if exchange.closed:
        return
    if not await exchange.until(exchange.streams_done, timeout) and not exchange.closed:
        open_streams = [str(s) for s in exchange.opened if s not in exchange.ended]
        output.note(f"streams still open after {timeout:g} s: {', '.join(open_streams)}")
    if exchange.closed:
        return
    await exchange.write(PingFrame(SETTLE_PING).serialize())
    if not await exchange.until(lambda: exchange.settled, timeout) and not exchange.closed:
        output.note(f"no ACK of the last PING within {timeout:g} s")
    if not exchange.closed:
        await exchange.write(GoAwayFrame(exchange.last_pushed, ErrorCode.NO_ERROR).serialize())
        output.note("closed")


__all__ = [
    "DEFAULT_TIMEOUT",
    "SETTLE_PING",
    "Exchange",
    "Output",
    "SendError",
    "connect",
    "hpack_encoder",
    "preface_settings",
    "send",
]
