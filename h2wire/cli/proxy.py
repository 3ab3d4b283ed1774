"""``h2wire proxy``: a relay that forwards HTTP/2 octets unchanged, both ways,
and prints every frame it sees, per connection and direction.

Each connection gets a number; each line says its time (seconds since the
start), connection and direction: ``->`` client to server, ``<-`` server to
client, ``--`` the connection itself (accepted, TLS, closed).  The two
directions are decoded by a pair of :class:`~h2wire.cli.watch.Watcher`, so
each is checked against the frame size its receiver announced, from the ACK of
that SETTINGS on (RFC 9113 §6.5.3), and header fields are decoded with one
HPACK context per direction.  A chunk is decoded before it is forwarded: the
peer's answer to it (such as the ACK of a SETTINGS) cannot be decoded before it.

Decoding never disturbs the relay: after a connection error a direction is
relayed without being decoded.  Each side may be TLS (``client_tls``: the
listener; ``upstream_tls``: the connection to the server), which must select
ALPN ``h2``; a failed handshake, or a peer that does not select ``h2``, is one
line in the log and that connection is closed; the others go on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import ssl
import sys
import time
from typing import IO

from h2wire.cli.headers import (
    DEFAULT_MAX_HEADER_LIST_SIZE,
    HPACK_MISSING,
    HeaderBlocks,
    hpack_available,
)
from h2wire.cli.render import event_lines, event_records
from h2wire.cli.tls import (
    HANDSHAKE_TIMEOUT,
    alpn_refusal,
    handshake_failure,
    is_handshake_failure,
)
from h2wire.cli.watch import Event, Watcher, pair


class Log:
    """Where the proxy reports: text or JSON lines, written and flushed per batch."""

    def __init__(self, out: IO[str], as_json: bool, colour: bool) -> None:
        self.out = out
        self.as_json = as_json
        self.colour = colour
        self.start = time.monotonic()

    def _stamp(self, connection: int, direction: str) -> tuple[float, str]:
        elapsed = time.monotonic() - self.start
        return elapsed, f"{elapsed:10.3f} {'#' + str(connection):>7} {direction} "

    def events(self, connection: int, direction: str, events: list[Event]) -> None:
        """What a watcher of ``connection`` saw in ``direction``."""
        if not events:
            return
        elapsed, prefix = self._stamp(connection, direction)
        if self.as_json:
            stamp = round(elapsed, 6)
            lines = []
            for event in events:
                for record in event_records(event):
                    record.update(connection=connection, direction=direction, time=stamp)
                    lines.append(json.dumps(record))
        else:
            lines = [prefix + line for event in events for line in event_lines(event, self.colour)]
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()

    def event(self, connection: int, direction: str, text: str) -> None:
        """A line about the connection itself (or the proxy: connection 0)."""
        elapsed, prefix = self._stamp(connection, direction)
        if self.as_json:
            record = {"connection": connection, "direction": direction, "event": text}
            record["time"] = round(elapsed, 6)
            self.out.write(json.dumps(record) + "\n")
        else:
            self.out.write(f"{prefix}{text}\n")
        self.out.flush()


async def _pump(
    source: asyncio.StreamReader,
    sink: asyncio.StreamWriter,
    watcher: Watcher,
    log: Log,
    connection: int,
    direction: str,
    record: IO[bytes] | None = None,
) -> None:
    """Copy octets unchanged from source to sink, decoding them on the side
    (and appending them to ``record`` when given)."""
    try:
        while data := await source.read(65536):
            if record is not None:
                record.write(data)
            log.events(connection, direction, watcher.feed(data))
            sink.write(data)
            await sink.drain()
    finally:
        log.events(connection, direction, watcher.close())
    with contextlib.suppress(OSError, RuntimeError):  # the peer may be gone already
        if sink.can_write_eof():
            sink.write_eof()
        else:  # TLS has no half-close
            sink.close()


async def serve_proxy(
    listen: tuple[str, int],
    upstream: tuple[str, int],
    log: Log,
    record: str | None = None,
    stop: asyncio.Event | None = None,
    *,
    client_tls: ssl.SSLContext | None = None,
    upstream_tls: ssl.SSLContext | None = None,
    max_header_list_size: int = DEFAULT_MAX_HEADER_LIST_SIZE,
    handshake_timeout: float = HANDSHAKE_TIMEOUT,
) -> None:
    """Relay until ``stop`` is set (by default: until SIGINT or SIGTERM).

    On stop, the connections still open are cancelled and closed (each logs
    "closed") before "stopped" is logged."""
    if client_tls is not None and sys.version_info < (3, 11):  # pragma: no cover - 3.10 only
        raise ValueError("a TLS listener needs Python 3.11 or newer (StreamWriter.start_tls)")
    counter = 0
    relays: set[asyncio.Task[None]] = set()
    stopping = False

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # asyncio keeps only a weak reference to the connection's task: hold it,
        # so that stopping can cancel it (and it cannot vanish while pending).
        task = asyncio.current_task()
        assert task is not None  # a connection callback always runs in a task
        relays.add(task)
        nonlocal counter
        counter += 1
        connection = counter
        try:
            if not stopping:  # else accepted just before the server closed: not relayed
                try:
                    # Only stopping cancels a connection's task.  End it normally:
                    # asyncio 3.11 calls task.exception() on a finished connection
                    # task, which raises for a cancelled one and is logged as
                    # "Exception in callback".
                    with contextlib.suppress(asyncio.CancelledError):
                        await relay(connection, reader, writer)
                finally:
                    log.event(connection, "--", "closed")
        finally:
            writer.close()  # also when cancelled before relay() could close it
            relays.discard(task)

    async def open_upstream(
        connection: int,
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            if upstream_tls is None:
                return await asyncio.open_connection(*upstream)
            streams = await asyncio.open_connection(
                *upstream, ssl=upstream_tls, ssl_handshake_timeout=handshake_timeout
            )
        except OSError as error:
            if upstream_tls is not None and is_handshake_failure(error):
                failure = handshake_failure(error, handshake_timeout)
                reason = f"TLS with the upstream failed: {failure}"
            else:
                reason = f"upstream unreachable: {error}"
            log.event(connection, "--", reason)
            return None
        refusal = alpn_refusal(streams[1])
        if refusal:
            log.event(connection, "--", f"the upstream {refusal}")
            streams[1].close()
            return None
        return streams

    async def relay(
        connection: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        log.event(connection, "--", f"accepted {writer.get_extra_info('peername')}")
        if client_tls is not None:
            try:
                await writer.start_tls(client_tls, ssl_handshake_timeout=handshake_timeout)
            except OSError as error:
                failure = handshake_failure(error, handshake_timeout)
                log.event(connection, "--", f"TLS with the client failed: {failure}")
                return
            refusal = alpn_refusal(writer)
            if refusal:
                log.event(connection, "--", f"the client {refusal}")
                return
        streams = await open_upstream(connection)
        if streams is None:
            return
        up_reader, up_writer = streams
        to_server = Watcher(True, headers=HeaderBlocks(max_header_list_size))
        to_client = Watcher(False, headers=HeaderBlocks(max_header_list_size))
        pair(to_server, to_client)
        files: list[IO[bytes]] = []
        if record is not None:
            files = [
                open(f"{record}-{connection}-{side}.bin", "wb")  # noqa: SIM115 - closed below
                for side in ("client", "server")
            ]
        try:
            await asyncio.gather(
                _pump(reader, up_writer, to_server, log, connection, "->", *files[:1]),
                _pump(up_reader, writer, to_client, log, connection, "<-", *files[1:]),
            )
        except OSError as error:
            log.event(connection, "--", f"connection error: {error}")
        finally:
            up_writer.close()
            for handle_ in files:
                handle_.close()

    server = await asyncio.start_server(handle, *listen)
    sides = (
        f"listening on {listen[0]}:{listen[1]} ({'TLS' if client_tls else 'h2c'}), relaying "
        f"to {upstream[0]}:{upstream[1]} ({'TLS' if upstream_tls else 'h2c'})"
    )
    log.event(0, "--", sides)
    if not hpack_available():
        log.event(0, "--", f"header fields not shown: {HPACK_MISSING}")
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        # End the relays before waiting for the server: since Python 3.12.1,
        # Server.wait_closed() waits for every connection to close.
        stopping = True
        server.close()
        while relays:
            for task in relays:
                task.cancel()
            await asyncio.gather(*relays, return_exceptions=True)
        await server.wait_closed()
    log.event(0, "--", "stopped")


def host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


__all__ = ["Log", "host_port", "serve_proxy"]
