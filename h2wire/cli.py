"""The ``h2wire`` command: inspect, craft and watch HTTP/2 frames.

    h2wire decode [FILE|-] [--hex] [--json] [--max-frame-size N]
    h2wire encode [FILE|-]
    h2wire proxy --listen HOST:PORT --upstream HOST:PORT [--json]

Standard library only.  ``decode --json`` writes one JSON object per line with
every field of every frame; ``encode`` reads those lines back and writes the
bytes, so ``decode --json | encode`` reproduces a stream byte for byte (reserved
bits aside: RFC 9113 says to ignore them and send them as zero).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import IO, Final

from h2wire.codec import parse_frame
from h2wire.codes import error_code_name, frame_type_name, setting_name
from h2wire.decoder import CLIENT_PREFACE, FrameDecoder
from h2wire.errors import FrameError, IncompleteFrameError, Scope
from h2wire.frames import (
    FRAME_TYPES,
    AltSvcFrame,
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    OriginFrame,
    PingFrame,
    PriorityFrame,
    PriorityUpdateFrame,
    PushPromiseFrame,
    RstStreamFrame,
    SettingsFrame,
    StreamDependency,
    UnknownFrame,
    WindowUpdateFrame,
)

#: Flag names per frame type, for display.
FLAG_NAMES: Final[dict[int, tuple[tuple[int, str], ...]]] = {
    0x0: ((0x1, "END_STREAM"), (0x8, "PADDED")),
    0x1: ((0x1, "END_STREAM"), (0x4, "END_HEADERS"), (0x8, "PADDED"), (0x20, "PRIORITY")),
    0x4: ((0x1, "ACK"),),
    0x5: ((0x4, "END_HEADERS"), (0x8, "PADDED")),
    0x6: ((0x1, "ACK"),),
    0x9: ((0x4, "END_HEADERS"),),
}
_BYTES_FIELDS: Final = frozenset(
    ("data", "padding", "opaque_data", "debug_data", "origin", "field_value", "payload")
)
_COLOURS: Final = {
    "DATA": "32", "HEADERS": "36", "CONTINUATION": "36", "SETTINGS": "33", "PING": "35",
    "GOAWAY": "31", "RST_STREAM": "31", "WINDOW_UPDATE": "34", "error": "1;31",
}  # fmt: skip


def flag_names(frame_type: int, flags: int) -> list[str]:
    """The names of the defined flags set in ``flags``; undefined bits as hex."""
    names = [name for bit, name in FLAG_NAMES.get(frame_type, ()) if flags & bit]
    defined = sum(bit for bit, _ in FLAG_NAMES.get(frame_type, ()))
    if flags & ~defined:
        names.append(f"{flags & ~defined:#04x}")
    return names


def preview(data: bytes, size: int = 16) -> str:
    """A short look at a payload: printable ASCII as text, anything else as hex."""
    head = data[:size]
    if head and all(32 <= b < 127 for b in head):
        text = head.decode("ascii")
        return repr(text + ("…" if len(data) > size else ""))
    return head.hex(" ") + (" …" if len(data) > size else "")


def details(frame: Frame) -> str:
    """The key fields of a frame, one short line."""
    if isinstance(frame, DataFrame):
        pad = f" pad={len(frame.padding)}" if frame.padding is not None else ""
        return f"len={len(frame.data)}{pad}  {preview(frame.data)}"
    if isinstance(frame, HeadersFrame):
        text = f"block={len(frame.data)}"
        if frame.priority is not None:
            p = frame.priority
            text += (
                f" dep={p.depends_on} weight={p.weight + 1}{' exclusive' if p.exclusive else ''}"
            )
        if frame.padding is not None:
            text += f" pad={len(frame.padding)}"
        return text
    if isinstance(frame, PriorityFrame):
        exclusive = " exclusive" if frame.exclusive else ""
        return f"dep={frame.depends_on} weight={frame.weight + 1}{exclusive}"
    if isinstance(frame, RstStreamFrame):
        return f"error={error_code_name(frame.error_code)}"
    if isinstance(frame, SettingsFrame):
        return " ".join(f"{setting_name(i)}={v}" for i, v in frame.settings)
    if isinstance(frame, PushPromiseFrame):
        return f"promised={frame.promised_stream_id} block={len(frame.data)}"
    if isinstance(frame, PingFrame):
        return frame.opaque_data.hex()
    if isinstance(frame, GoAwayFrame):
        debug = f" debug={preview(frame.debug_data, 40)}" if frame.debug_data else ""
        return (
            f"last_stream={frame.last_stream_id} error={error_code_name(frame.error_code)}{debug}"
        )
    if isinstance(frame, WindowUpdateFrame):
        return f"+{frame.window_increment}"
    if isinstance(frame, ContinuationFrame):
        return f"block={len(frame.data)}"
    if isinstance(frame, AltSvcFrame):
        return f"origin={frame.origin!r} {frame.field_value!r}"
    if isinstance(frame, OriginFrame):
        return " ".join(repr(o) for o in frame.origins)
    if isinstance(frame, PriorityUpdateFrame):
        return f"stream={frame.prioritized_stream_id} {frame.field_value!r}"
    if isinstance(frame, UnknownFrame):
        return f"len={len(frame.payload)}  {preview(frame.payload)}"
    return repr(frame)


def paint(text: str, key: str, colour: bool) -> str:
    code = _COLOURS.get(key)
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def text_line(offset: int, frame: Frame, colour: bool) -> str:
    name = frame_type_name(frame.type)
    flags = "|".join(flag_names(frame.type, frame.flags)) or "-"
    return (
        f"{offset:>9}  {paint(f'{name:<15}', name, colour)} {flags:<32} "
        f"{frame.stream_id:>7}  {details(frame)}"
    )


def _json_value(name: str, value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, StreamDependency):
        return {
            "depends_on": value.depends_on,
            "weight": value.weight,
            "exclusive": value.exclusive,
        }
    if name == "settings" and isinstance(value, tuple):
        return [list(entry) for entry in value]
    if name == "origins" and isinstance(value, tuple):
        return [origin.hex() for origin in value if isinstance(origin, bytes)]
    return value


def frame_record(offset: int, frame: Frame) -> dict[str, object]:
    """Everything about a frame, as JSON-ready values (bytes as hex)."""
    return {
        "offset": offset,
        "type": frame_type_name(frame.type),
        "type_code": frame.type,
        "flags": flag_names(frame.type, frame.flags),
        "stream_id": frame.stream_id,
        "length": frame.length,
        "fields": {
            f.name: _json_value(f.name, getattr(frame, f.name)) for f in dataclasses.fields(frame)
        },
    }


def error_record(offset: int, error: FrameError) -> dict[str, object]:
    return {
        "offset": offset,
        "error": error_code_name(error.code),
        "error_code": int(error.code),
        "scope": error.scope.value,
        "stream_id": error.stream_id,
        "field": error.field,
        "message": str(error),
    }


def frame_from_record(record: dict[str, object]) -> Frame:
    """Rebuild a frame from a ``decode --json`` record (through its constructor)."""
    type_code = record["type_code"]
    fields = record["fields"]
    if not isinstance(type_code, int) or not isinstance(fields, dict):
        raise ValueError("a frame record needs type_code and fields")
    kwargs: dict[str, object] = {}
    for name, value in fields.items():
        if name in _BYTES_FIELDS and isinstance(value, str):
            kwargs[name] = bytes.fromhex(value)
        elif name == "priority" and isinstance(value, dict):
            kwargs[name] = StreamDependency(
                int(value["depends_on"]), int(value["weight"]), bool(value["exclusive"])
            )
        elif name == "settings" and isinstance(value, list):
            kwargs[name] = [(int(i), int(v)) for i, v in value]
        elif name == "origins" and isinstance(value, list):
            kwargs[name] = [bytes.fromhex(origin) for origin in value]
        else:
            kwargs[name] = value
    factory: Callable[..., Frame] = FRAME_TYPES.get(type_code, UnknownFrame)
    return factory(**kwargs)


# -- decode ------------------------------------------------------------------


def read_input(path: str, as_hex: bool) -> bytes:
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    if as_hex:
        return bytes.fromhex("".join(raw.decode("ascii").split()))
    return raw


def decode(data: bytes, out: IO[str], *, as_json: bool, max_frame_size: int, colour: bool) -> int:
    """Write one line per frame; return 0 for a clean stream, 1 otherwise."""
    offset = 0
    if data.startswith(CLIENT_PREFACE):
        if as_json:
            out.write(json.dumps({"offset": 0, "preface": True}) + "\n")
        else:
            out.write(f"{0:>9}  {'PREFACE':<15} client connection preface\n")
        offset = len(CLIENT_PREFACE)
    end = len(data)
    while offset < end:
        try:
            frame, size = parse_frame(data, offset, max_frame_size=max_frame_size)
        except FrameError as error:
            if isinstance(error, IncompleteFrameError):
                error = FrameError(
                    error.code,
                    f"truncated frame: {error.needed} bytes needed, {end - offset} left",
                    scope=Scope.CONNECTION,
                    field="length",
                )
            if as_json:
                out.write(json.dumps(error_record(offset, error)) + "\n")
            else:
                message = (
                    f"{offset:>9}  error at byte {offset}: {error_code_name(error.code)} "
                    f"({error.scope.value}) {error}"
                )
                out.write(paint(message, "error", colour) + "\n")
            return 1
        if as_json:
            out.write(json.dumps(frame_record(offset, frame)) + "\n")
        else:
            out.write(text_line(offset, frame, colour) + "\n")
        offset += size
    return 0


def encode(lines: IO[str], out: IO[bytes]) -> int:
    """Write the bytes of each ``decode --json`` line; 1 for a record it cannot use."""
    parts: list[bytes] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("preface"):
            parts.append(CLIENT_PREFACE)
            continue
        if "error" in record:
            sys.stderr.write(f"line {number}: the decoded stream had an error here; stopping\n")
            out.write(b"".join(parts))
            return 1
        try:
            parts.append(frame_from_record(record).serialize())
        except (FrameError, ValueError, KeyError, TypeError) as error:
            sys.stderr.write(f"line {number}: cannot build a frame: {error}\n")
            out.write(b"".join(parts))
            return 1
    out.write(b"".join(parts))
    return 0


# -- proxy -------------------------------------------------------------------


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
            # Cancelled when the proxy stops: end quietly (3.11's asyncio would log a
            # cancelled connection handler as an error).
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


# -- entry point -------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="h2wire", description="Inspect, craft and watch HTTP/2 frames."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("decode", help="print the frames of a raw HTTP/2 byte stream",
                            description="Print one line per frame of a raw HTTP/2 byte stream "
                            "(a client connection preface at the start is recognised). "
                            "Exit status 0 when the stream is clean, 1 at the first "
                            "error.")  # fmt: skip
    d.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    d.add_argument("--hex", action="store_true", help="the input is hex text (whitespace ignored)")
    d.add_argument("--json", action="store_true", help="JSON lines with every field")
    d.add_argument("--max-frame-size", type=int, default=16384, metavar="N",
                   help="largest payload accepted "
                        "(default 16384, the RFC's initial value)")  # fmt: skip
    e = commands.add_parser("encode", help="write the bytes of `decode --json` lines",
                            description="Read JSON lines as written by `decode --json` and "
                            "write the frames' bytes to standard output.")  # fmt: skip
    e.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    p = commands.add_parser("proxy", help="relay cleartext HTTP/2 and print every frame",
                            description="A prior-knowledge h2c TCP relay: bytes are forwarded "
                            "unchanged both ways, and every frame is printed with its "
                            "connection, direction and time. Ctrl-C stops it.")  # fmt: skip
    p.add_argument("--listen", type=host_port, required=True, metavar="HOST:PORT")
    p.add_argument("--upstream", type=host_port, required=True, metavar="HOST:PORT")
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.add_argument("--record", metavar="PREFIX",
                   help="also save each connection's bytes to PREFIX-N-client.bin "
                        "and PREFIX-N-server.bin")  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        if args.command == "decode":
            data = read_input(args.file, args.hex)
            return decode(data, sys.stdout, as_json=args.json,
                          max_frame_size=args.max_frame_size, colour=colour)  # fmt: skip
        if args.command == "encode":
            if args.file == "-":
                return encode(sys.stdin, sys.stdout.buffer)
            with open(args.file) as lines:
                return encode(lines, sys.stdout.buffer)
        log = Log(sys.stdout, args.json, colour)
        asyncio.run(serve_proxy(args.listen, args.upstream, log, args.record))
        return 0
    except BrokenPipeError:  # output closed early, as by `| head`
        return 0
    except (OSError, ValueError) as error:
        sys.stderr.write(f"h2wire {args.command}: {error}\n")
        return 2


__all__ = ["decode", "encode", "frame_from_record", "frame_record", "main"]
