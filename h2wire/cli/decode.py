"""``h2wire decode``: print the frames of a raw HTTP/2 byte stream.

The stream is one direction of a connection; it is the client's when it
begins with ``PRI`` (the preface must then be whole, and followed by
SETTINGS).  Frames are checked against ``max_frame_size`` and header blocks
decoded with a ``header_table_size`` table limit: the receiver's settings,
which a one-direction stream does not carry.

Decoding goes on after a bad frame, which is shown raw with its error, as
long as the stream stays framed (see :mod:`h2wire.cli.watch`).

Exit status: 0 for a clean stream; 1 when any error was shown: a frame that
breaks a rule, a header block that did not decode (the direction's later
blocks are then marked undecodable), input that ended inside a frame.
"""

from __future__ import annotations

import json
import sys
from typing import IO

from h2wire.cli.headers import (
    DEFAULT_HEADER_TABLE_SIZE,
    DEFAULT_MAX_HEADER_LIST_SIZE,
    HPACK_MISSING,
    HeaderBlocks,
)
from h2wire.cli.render import event_lines, event_records
from h2wire.cli.watch import Problem, Seen, Watcher


def read_input(path: str, as_hex: bool) -> bytes:
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    if as_hex:
        return bytes.fromhex("".join(raw.decode("ascii").split()))
    return raw


def decode(
    data: bytes,
    out: IO[str],
    *,
    as_json: bool,
    max_frame_size: int,
    colour: bool,
    max_header_list_size: int = DEFAULT_MAX_HEADER_LIST_SIZE,
    header_table_size: int = DEFAULT_HEADER_TABLE_SIZE,
) -> int:
    """Write what ``data`` holds, a line per frame; return the exit status."""
    headers = HeaderBlocks(max_header_list_size, header_table_size)
    watcher = Watcher(data.startswith(b"PRI"), max_frame_size, headers)
    status = 0
    hinted = False
    for event in [*watcher.feed(data), *watcher.close()]:
        if as_json:
            out.write("".join(json.dumps(r) + "\n" for r in event_records(event)))
        else:
            out.write("".join(line + "\n" for line in event_lines(event, colour)))
        if isinstance(event, Problem):
            status = 1
        elif isinstance(event, Seen) and event.block is not None:
            if event.block.error is not None:
                status = 1
            elif event.block.reason == HPACK_MISSING and not hinted:
                sys.stderr.write(f"h2wire decode: header fields not shown: {HPACK_MISSING}\n")
                hinted = True
    return status


__all__ = ["decode", "read_input"]
