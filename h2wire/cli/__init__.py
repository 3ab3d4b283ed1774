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
import os
import sys

from h2wire.cli.decode import decode, read_input
from h2wire.cli.encode import encode
from h2wire.cli.proxy import Log, host_port, serve_proxy
from h2wire.cli.render import details, frame_from_record, frame_record


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


__all__ = [
    "Log",
    "build_parser",
    "decode",
    "details",
    "encode",
    "frame_from_record",
    "frame_record",
    "host_port",
    "main",
    "serve_proxy",
]
