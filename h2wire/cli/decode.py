"""``h2wire decode``: print the frames of a raw HTTP/2 byte stream."""

from __future__ import annotations

import json
import sys
from typing import IO

from h2wire.cli.render import error_record, frame_record, paint, text_line
from h2wire.codec import parse_frame
from h2wire.codes import error_code_name
from h2wire.decoder import CLIENT_PREFACE
from h2wire.errors import FrameError, IncompleteFrameError, Scope


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


__all__ = ["decode", "read_input"]
