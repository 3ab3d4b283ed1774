"""``h2wire proxy``: a relay that forwards HTTP/2 bytes unchanged and prints
every frame it sees, per connection and direction."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time
from typing import IO

from h2wire.cli.render import frame_record, text_line
from h2wire.codes import error_code_name
from h2wire.decoder import CLIENT_PREFACE, FrameDecoder
from h2wire.errors import FrameError, Scope
from h2wire.frames import Frame


class Log:
    """Where the proxy reports frames: text or JSON lines, flushed per line."""

    def __init__(self, out: IO[str], as_json: bool, colour: bool) -> None:
        self.out = out
        self.as_json = as_json
        self.colour = colour
        self.start = time.monotonic()

    def frame(self, connection: int, direction: str, offset: int, frame: Frame) -> None:
        elapsed = time.monotonic() - self.start
        if self.as_json:
            record = frame_record(offset, frame)
            record.update(connection=connection, direction=direction, time=round(elapsed, 6))
            self.out.write(json.dumps(record) + "\n")
        else:
            self.out.write(
                f"{elapsed:9.3f} #{connection} {direction} "
                f"{text_line(offset, frame, self.colour)}\n"
            )
        self.out.flush()

    def event(self, connection: int, direction: str, text: str) -> None:
        elapsed = time.monotonic() - self.start
        if self.as_json:
            record = {"connection": connection, "direction": direction, "event": text}
            record["time"] = round(elapsed, 6)
            self.out.write(json.dumps(record) + "\n")
        else:
            self.out.write(f"{elapsed:9.3f} #{connection} {direction} {text}\n")
        self.out.flush()


async def _pump(
    source: asyncio.StreamReader,
    sink: asyncio.StreamWriter,
    decoder: FrameDecoder | None,
    log: Log,
    connection: int,
    direction: str,
    record: IO[bytes] | None = None,
) -> None:
    """Copy bytes unchanged from source to sink, decoding them on the side
    (and appending them to ``record`` when given)."""
    offset = len(CLIENT_PREFACE) if direction == "->" else 0

    def show(frames: list[Frame]) -> None:
        nonlocal offset
        for frame in frames:
            log.frame(connection, direction, offset, frame)
            offset += 9 + frame.length

    while True:
        data = await source.read(65536)
        if not data:
            break
        sink.write(data)
        await sink.drain()
        if record is not None:
            record.write(data)
        while decoder is not None:
            try:
                show(decoder.feed(data))
                break
            except FrameError as error:
                show(decoder.take_frames())
                log.event(
                    connection, direction, f"frame error: {error_code_name(error.code)} {error}"
                )
                if error.scope is Scope.CONNECTION:
                    decoder = None  # keep relaying, stop decoding this direction
                data = b""  # a stream error: go on with what the decoder kept
    with contextlib.suppress(OSError, RuntimeError):  # the peer may be gone already
        sink.write_eof()


async def serve_proxy(
    listen: tuple[str, int],
    upstream: tuple[str, int],
    log: Log,
    record: str | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Relay until ``stop`` is set (by default: until SIGINT or SIGTERM).

    On stop, the connections still open are cancelled and closed (each logs
    "closed") before "stopped" is logged."""
    counter = 0
    relays: set[asyncio.Task[None]] = set()
    stopping = False

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # asyncio keeps only a weak reference to the connection's task: hold it,
        # so that stopping can cancel it (and it cannot vanish while pending).
        task = asyncio.current_task()
        assert task is not None  # a connection callback always runs in a task
        relays.add(task)
        try:
            # Only stopping cancels a connection's task.  End it normally:
            # asyncio 3.11 calls task.exception() on a finished connection
            # task, which raises for a cancelled one and is logged as
            # "Exception in callback".
            with contextlib.suppress(asyncio.CancelledError):
                if not stopping:  # else accepted just before the server closed
                    await relay(reader, writer)
        finally:
            writer.close()  # also when cancelled before relay() could close it
            relays.discard(task)

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal counter
        counter += 1
        connection = counter
        log.event(connection, "--", f"accepted {writer.get_extra_info('peername')}")
        try:
            up_reader, up_writer = await asyncio.open_connection(*upstream)
        except OSError as error:
            log.event(connection, "--", f"upstream unreachable: {error}")
            writer.close()
            return
        # Observers: frames are checked up to the largest size the RFC allows.
        to_server = FrameDecoder(2**24 - 1, client_preface=True)
        to_client = FrameDecoder(2**24 - 1)
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
        except (ConnectionError, OSError) as error:
            log.event(connection, "--", f"connection error: {error}")
        finally:
            for stream in (writer, up_writer):
                stream.close()
            for handle_ in files:
                handle_.close()
            log.event(connection, "--", "closed")

    server = await asyncio.start_server(handle, *listen)
    log.event(
        0, "--", f"listening on {listen[0]}:{listen[1]}, relaying to {upstream[0]}:{upstream[1]}"
    )
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
