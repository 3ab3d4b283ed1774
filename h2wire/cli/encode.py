"""``h2wire encode``: write the bytes of ``decode --json`` records."""

from __future__ import annotations

import json
import sys
from typing import IO

from h2wire.cli.render import frame_from_record
from h2wire.decoder import CLIENT_PREFACE
from h2wire.errors import FrameError


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
        if "error" in record or record.get("ignored"):
            what = "an error" if "error" in record else "an ignored frame, not kept"
            sys.stderr.write(f"line {number}: the decoded stream had {what} here; stopping\n")
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


__all__ = ["encode"]
