"""The ``h2wire`` command: inspect, craft and watch HTTP/2 frames.

    h2wire decode [FILE|-] [--hex] [--json] [--max-frame-size N]
                  [--header-table-size N] [--max-header-list-size N]
    h2wire encode [FILE|-]
    h2wire proxy --listen HOST:PORT --upstream HOST:PORT [--json] [--record PREFIX]
                 [--tls-cert FILE --tls-key FILE]
                 [--upstream-tls [--upstream-ca FILE | --insecure]]
                 [--max-header-list-size N]
    h2wire send TARGET [FILE|-] [--tls [--ca FILE | --insecure]] [--json]
                [--no-preface] [--no-auto-ack] [--no-auto-window]
                [--timeout SECONDS] [--max-header-list-size N]

Standard library only, but for header fields: those are decoded (and, for
``send``, encoded) with the ``hpack`` package (the extra ``h2wire[cli]``) when
it is installed.  ``decode --json`` writes one JSON object per line with every
field of every frame; ``encode`` reads those lines back and writes the bytes,
so ``decode --json | encode`` reproduces a stream byte for byte, bad frames
included (reserved bits of valid frames aside: RFC 9113 says to ignore them
and send them as zero).  ``send`` connects to a server and sends what JSON
lines say, frames of any kind among them, showing every frame both ways.

Exit status: 0 done (decode: a clean stream; send: the peer signalled no
error); 1 decode showed an error, encode met a line it cannot use, send's
peer sent GOAWAY or RST_STREAM with an error, an invalid frame, or closed
without GOAWAY; 2 bad arguments or unusable input (files, certificates, send's
JSON lines, a connection or TLS handshake that failed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from h2wire.cli.decode import decode, read_input
from h2wire.cli.encode import encode
from h2wire.cli.headers import (
    DEFAULT_HEADER_TABLE_SIZE,
    DEFAULT_MAX_HEADER_LIST_SIZE,
    HPACK_MISSING,
)
from h2wire.cli.proxy import Log, host_port, serve_proxy
from h2wire.cli.records import RecordError, SendHeaders, frame_from_record, read_records
from h2wire.cli.render import details, frame_record
from h2wire.cli.send import DEFAULT_TIMEOUT, Output, hpack_encoder, send
from h2wire.cli.tls import listener_context, upstream_context

_LIST_SIZE_HELP = (
    "decoded header field octets shown per header block; a block that expands "
    f"past it is reported and not shown (default {DEFAULT_MAX_HEADER_LIST_SIZE})"
)


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
                   help="largest payload accepted: the receiver's SETTINGS_MAX_FRAME_SIZE "
                        "(default 16384, the RFC's initial value)")  # fmt: skip
    d.add_argument("--header-table-size", type=int, default=DEFAULT_HEADER_TABLE_SIZE,
                   metavar="N", help="HPACK table size updates allowed up to N: the receiver's "
                   f"SETTINGS_HEADER_TABLE_SIZE (default {DEFAULT_HEADER_TABLE_SIZE})")  # fmt: skip
    d.add_argument("--max-header-list-size", type=int, default=DEFAULT_MAX_HEADER_LIST_SIZE,
                   metavar="N", help=_LIST_SIZE_HELP)  # fmt: skip
    e = commands.add_parser("encode", help="write the bytes of `decode --json` lines",
                            description="Read JSON lines as written by `decode --json` and "
                            "write the frames' bytes to standard output.")  # fmt: skip
    e.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    p = commands.add_parser("proxy", help="relay HTTP/2 (h2c or TLS) and print every frame",
                            description="An HTTP/2 relay: octets are forwarded unchanged both "
                            "ways, and every frame is printed with its connection, direction "
                            "and time, header blocks with their fields. Each side speaks "
                            "prior-knowledge h2c, or TLS with ALPN h2. "
                            "Ctrl-C stops it.")  # fmt: skip
    p.add_argument("--listen", type=host_port, required=True, metavar="HOST:PORT")
    p.add_argument("--upstream", type=host_port, required=True, metavar="HOST:PORT")
    p.add_argument("--json", action="store_true", help="JSON lines")
    p.add_argument("--record", metavar="PREFIX",
                   help="also save each connection's bytes to PREFIX-N-client.bin "
                        "and PREFIX-N-server.bin")  # fmt: skip
    p.add_argument("--tls-cert", metavar="FILE",
                   help="listen with TLS (ALPN h2): the certificate chain, PEM")  # fmt: skip
    p.add_argument("--tls-key", metavar="FILE", help="the private key of --tls-cert, PEM")
    p.add_argument("--upstream-tls", action="store_true",
                   help="connect upstream with TLS (ALPN h2), verifying the server's "
                        "certificate against the system's trust store")  # fmt: skip
    p.add_argument("--upstream-ca", metavar="FILE",
                   help="with --upstream-tls: verify against these CA "
                        "certificates (PEM)")  # fmt: skip
    p.add_argument("--insecure", action="store_true",
                   help="with --upstream-tls: do not verify the server's certificate")  # fmt: skip
    p.add_argument("--max-header-list-size", type=int, default=DEFAULT_MAX_HEADER_LIST_SIZE,
                   metavar="N", help=_LIST_SIZE_HELP)  # fmt: skip
    s = commands.add_parser("send", help="send frames, valid or not, to a server and show "
                            "every frame both ways",
                            description="Connect to TARGET (h2c with prior knowledge, or TLS "
                            "with ALPN h2), send the client preface and what the JSON lines "
                            "of FILE say (frames of decode --json, raw frames, header blocks, "
                            "octets, waits), acknowledge the server's SETTINGS and PINGs, and "
                            "show every frame sent and received.  The input is checked whole "
                            "before connecting.  Exit status 0 when the server signalled no "
                            "error, 1 when it did (GOAWAY or RST_STREAM with an error code, "
                            "an invalid frame, a close without GOAWAY), 2 for bad input or "
                            "no connection.")  # fmt: skip
    s.add_argument("target", type=host_port, metavar="TARGET", help="the server, HOST:PORT")
    s.add_argument("file", nargs="?", default="-", help="JSON lines, or - for standard input")
    s.add_argument("--tls", action="store_true",
                   help="connect with TLS (ALPN h2), verifying the server's certificate "
                        "against the system's trust store")  # fmt: skip
    s.add_argument("--ca", metavar="FILE",
                   help="with --tls: verify against these CA certificates (PEM)")  # fmt: skip
    s.add_argument("--insecure", action="store_true",
                   help="with --tls: do not verify the server's certificate")  # fmt: skip
    s.add_argument("--json", action="store_true", help="JSON lines, one per frame and event")
    s.add_argument("--no-preface", action="store_true",
                   help="send no preface and SETTINGS of its own, nor wait for the server's: "
                        "the input says everything (a broken preface, for instance)")  # fmt: skip
    s.add_argument("--no-auto-ack", action="store_true",
                   help="do not acknowledge the server's SETTINGS and PINGs")  # fmt: skip
    s.add_argument("--no-auto-window", action="store_true",
                   help="do not give back the flow-control windows the server's DATA "
                        "uses")  # fmt: skip
    s.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="the longest the connection and each wait may take "
                        f"(default {DEFAULT_TIMEOUT:g})")  # fmt: skip
    s.add_argument("--max-header-list-size", type=int, default=DEFAULT_MAX_HEADER_LIST_SIZE,
                   metavar="N", help=_LIST_SIZE_HELP)  # fmt: skip
    return parser


def _check_send_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if (args.ca is not None or args.insecure) and not args.tls:
        parser.error("--ca and --insecure need --tls")
    if args.ca is not None and args.insecure:
        parser.error("--ca and --insecure exclude each other")
    if not args.timeout > 0:
        parser.error("--timeout must be more than 0")


def _send(args: argparse.Namespace, colour: bool) -> int:
    """Read and check the input, then run the exchange."""
    if args.file == "-":
        actions = read_records(sys.stdin)
    else:
        with open(args.file) as lines:
            actions = read_records(lines)
    headers = [number for number, action in actions if isinstance(action, SendHeaders)]
    if headers and hpack_encoder() is None:
        raise RecordError(headers[0], f"headers records need hpack: {HPACK_MISSING}")
    tls = upstream_context(args.ca, args.insecure) if args.tls else None
    output = Output(sys.stdout, args.json, colour)
    return asyncio.run(
        send(
            args.target,
            actions,
            output,
            tls=tls,
            preface=not args.no_preface,
            auto_ack=not args.no_auto_ack,
            auto_window=not args.no_auto_window,
            timeout=args.timeout,
            max_header_list_size=args.max_header_list_size,
        )
    )


def _check_proxy_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if (args.upstream_ca is not None or args.insecure) and not args.upstream_tls:
        parser.error("--upstream-ca and --insecure need --upstream-tls")
    if args.upstream_ca is not None and args.insecure:
        parser.error("--upstream-ca and --insecure exclude each other")


async def _proxy(args: argparse.Namespace, log: Log) -> None:
    client_tls = None
    if args.tls_cert is not None:
        client_tls = listener_context(args.tls_cert, args.tls_key)
    upstream_tls = None
    if args.upstream_tls:
        upstream_tls = upstream_context(args.upstream_ca, args.insecure)
    await serve_proxy(
        args.listen,
        args.upstream,
        log,
        args.record,
        client_tls=client_tls,
        upstream_tls=upstream_tls,
        max_header_list_size=args.max_header_list_size,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "proxy":
        _check_proxy_options(parser, args)
    elif args.command == "send":
        _check_send_options(parser, args)
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        if args.command == "decode":
            data = read_input(args.file, args.hex)
            return decode(data, sys.stdout, as_json=args.json,
                          max_frame_size=args.max_frame_size, colour=colour,
                          header_table_size=args.header_table_size,
                          max_header_list_size=args.max_header_list_size)  # fmt: skip
        if args.command == "encode":
            if args.file == "-":
                return encode(sys.stdin, sys.stdout.buffer)
            with open(args.file) as lines:
                return encode(lines, sys.stdout.buffer)
        if args.command == "send":
            return _send(args, colour)
        asyncio.run(_proxy(args, Log(sys.stdout, args.json, colour)))
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
    "send",
    "serve_proxy",
]
