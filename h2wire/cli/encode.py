"""``h2wire encode``: write the octets of ``decode --json`` records.

Every record that holds octets is written: frames (from their ``fields``),
the preface, frames that broke a rule (from their ``raw`` form), cut frames
and ``bytes_hex``; hand-written ``raw`` and ``bytes_hex`` records too (see
:mod:`h2wire.cli.records`).  So ``decode --json | encode`` gives back the
decoded octets exactly, bad frames included, unless decoding stopped before
the end of the input (a wrong preface, a frame too large to hold), and but
for the reserved bit of valid frames (RFC 9113 §4.1 says to send it as zero).
"""

from __future__ import annotations

import sys
from typing import IO

from h2wire.cli.records import (
    Octets,
    RecordError,
    SendFrame,
    SendRaw,
    parse_record,
)

# What encode writes: the octets of decode's records, and raw ones.
_KINDS = frozenset(("preface", "fields", "raw", "bytes_hex"))


def encode(lines: IO[str], out: IO[bytes]) -> int:
    """Write the octets of each line; at a line it cannot use, say which on
    standard error, write what came before, and return 1."""
    parts: list[bytes] = []
    status = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            action = parse_record(line, number, _KINDS)
        except RecordError as error:
            sys.stderr.write(f"h2wire encode: {error}\n")
            status = 1
            break
        if isinstance(action, Octets):
            parts.append(action.data)
        elif isinstance(action, SendFrame):
            parts.append(action.frame.serialize())
        elif isinstance(action, SendRaw):
            parts.append(action.raw.serialize())
        # else: a record that carries no octets (None): nothing to write
    out.write(b"".join(parts))
    return status


__all__ = ["encode"]
