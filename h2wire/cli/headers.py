"""Header fields for the h2wire command: one HPACK decoding context per direction.

:class:`HeaderBlocks` follows the header blocks of one direction of a
connection, frame by frame: a HEADERS or PUSH_PROMISE fragment opens a block,
CONTINUATION fragments extend it, and the frame with END_HEADERS closes it; the
whole block is then decoded with the direction's HPACK decoder, whose dynamic
table lives as long as the direction (RFC 7541 §2.2: one decoding context per
direction).  The frames themselves have been checked by the caller's
:class:`~h2wire.FrameDecoder` (sequence, sizes).

HPACK comes from the ``hpack`` package, the optional extra ``h2wire[cli]``;
without it every block ends as :class:`BlockFields` with no fields and the
reason (:data:`HPACK_MISSING`).  The package is imported by name at run time,
never statically, so that h2wire builds and type-checks without it.

What the decoder accepts, per RFC 7541:

* Dynamic table size updates (§6.3) up to the receiver's
  SETTINGS_HEADER_TABLE_SIZE.  The limit starts at the initial 4,096 octets
  (or ``header_table_size``); :meth:`HeaderBlocks.settings_sent` records each
  SETTINGS frame the receiver sent, and the limit changes when the sender's
  ACK of it passes :meth:`HeaderBlocks.settings_acknowledged` (RFC 9113
  §6.5.3), as for the frame size.
* At most ``max_header_list_size`` octets of decoded fields per block (each
  field counted as name + value + 32, RFC 7541 §4.1).  hpack stops decoding a
  block as soon as it passes that, so memory stays bounded whatever the block
  expands to.

Decoding is the command's largest cost per request (hpack is pure Python), and
much traffic repeats its header blocks octet for octet (a block made only of
references to the table, such as a client's requests for the same resource).
So a block that left the HPACK table as it found it is kept with its fields,
and the same octets decode to the same fields without hpack as long as the
table stays as it is; any block that changes the table, and any change of the
table size limit, forgets them all.  Only small blocks with few fields are
kept, a few dozen at most, so the memory this takes stays small.

A block that fails to decode breaks the HPACK state: its table updates are
lost, so every later block of the direction is undecodable.  The failing
block's :class:`BlockFields` carries the error (COMPRESSION_ERROR, RFC 9113
§4.3; ENHANCE_YOUR_CALM for a list past ``max_header_list_size``), the later
ones only the reason.  The same happens when the caller reports, with
:meth:`HeaderBlocks.lose`, a header block frame it could not decode as a frame.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Final, Protocol

from h2wire.codes import SETTINGS_HEADER_TABLE_SIZE, ErrorCode
from h2wire.errors import FrameError, Scope
from h2wire.frames import ContinuationFrame, Frame, HeadersFrame, PushPromiseFrame, SettingsFrame

#: RFC 7541 §4.2 / RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE's initial value.
DEFAULT_HEADER_TABLE_SIZE: Final = 4096
#: Decoded field octets allowed in one block before decoding stops.
DEFAULT_MAX_HEADER_LIST_SIZE: Final = 65536
#: Why a block has no fields when the extra is not installed.
HPACK_MISSING: Final = "the hpack package is not installed: pip install 'h2wire[cli]'"

# Control characters and DEL, shown as \xNN (as octets that are not UTF-8 are).
_UNPRINTABLE: Final = re.compile(r"[\x00-\x1f\x7f]")
# An object's repr with its address, which some hpack messages end with
# ("... from <memory at 0x7f...>"): it would make the reason differ every run.
_ADDRESS: Final = re.compile(r"( from)? <[^<>]* at 0x[0-9a-fA-F]+>")
# The blocks kept with their fields: how many, and how large (the block, and
# its fields' octets).
_KEPT_BLOCKS: Final = 32
_KEPT_BLOCK_SIZE: Final = 1024
_KEPT_FIELDS_SIZE: Final = 4096


class _HpackTable(Protocol):
    """The part of ``hpack``'s header table this module looks at."""

    dynamic_entries: Sequence[tuple[bytes, bytes]]
    maxsize: int


class _HpackDecoder(Protocol):
    """The part of ``hpack.Decoder`` this module uses."""

    max_header_list_size: int
    max_allowed_table_size: int
    header_table: _HpackTable

    def decode(self, data: bytes, raw: bool) -> Iterable[Sequence[bytes]]: ...


class _Hpack:
    """The hpack package's decoder factory and its exception classes."""

    def __init__(
        self,
        decoder: Callable[..., _HpackDecoder],
        error: type[Exception],
        oversized: type[Exception],
    ) -> None:
        self.decoder = decoder
        self.error = error
        self.oversized = oversized


def load_hpack() -> _Hpack | None:
    """The installed hpack package, or None when it is not installed."""
    try:
        module = importlib.import_module("hpack")
    except ImportError:
        return None
    return _Hpack(module.Decoder, module.HPACKError, module.OversizedHeaderListError)


def hpack_available() -> bool:
    return load_hpack() is not None


def field_text(octets: bytes) -> str:
    """A field name or value as one line of text: UTF-8, with other octets and
    control characters as ``\\xNN``."""
    text = octets.decode("utf-8", "backslashreplace")
    if text.isprintable():  # the common case, without a regular expression
        return text
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class BlockFields:
    """A complete header block: its fields, or why there are none.

    ``fields`` is None when the block was not decoded; ``reason`` then says why
    and ``error`` is set on the block whose decoding failed (not on the ones
    after it).
    """

    def __init__(
        self,
        stream_id: int,
        fields: list[tuple[str, str]] | None,
        reason: str = "",
        error: FrameError | None = None,
    ) -> None:
        self.stream_id = stream_id
        self.fields = fields
        self.reason = reason
        self.error = error


class HeaderBlocks:
    """The header blocks of one direction of a connection (see the module doc)."""

    def __init__(
        self,
        max_header_list_size: int = DEFAULT_MAX_HEADER_LIST_SIZE,
        header_table_size: int = DEFAULT_HEADER_TABLE_SIZE,
    ) -> None:
        self.max_header_list_size = max_header_list_size
        hpack = load_hpack()
        self._hpack = hpack
        self._decoder: _HpackDecoder | None = None
        if hpack is not None:
            decoder: _HpackDecoder = hpack.decoder(max_header_list_size=max_header_list_size)
            decoder.max_allowed_table_size = header_table_size
            self._decoder = decoder
        # Why the HPACK state is gone ("" while it is intact).
        self._lost = HPACK_MISSING if hpack is None else ""
        # The open block: its stream and fragments so far.
        self._stream_id = 0
        self._parts: list[bytes] = []
        # SETTINGS_HEADER_TABLE_SIZE of each SETTINGS frame the receiver sent and
        # the sender has not acknowledged yet, oldest first (-1: not in that frame).
        self._unacked: list[int] = []
        # Blocks that left the table as it is now, with their fields.
        self._kept: dict[bytes, list[tuple[str, str]]] = {}

    @property
    def decoding(self) -> bool:
        """False once blocks can no longer be decoded (or hpack is missing)."""
        return not self._lost

    def settings_sent(self, frame: SettingsFrame) -> None:
        """The receiver of this direction sent ``frame`` (not an ACK)."""
        value = -1
        for identifier, setting in frame.settings:
            if identifier == SETTINGS_HEADER_TABLE_SIZE:
                value = setting
        self._unacked.append(value)

    def settings_acknowledged(self) -> None:
        """The sender of this direction acknowledged the oldest SETTINGS it had
        not acknowledged yet: from now on its table size limit applies."""
        if not self._unacked:
            return
        value = self._unacked.pop(0)
        if value >= 0 and self._decoder is not None:
            self._decoder.max_allowed_table_size = value
            self._kept.clear()  # a smaller limit can make a kept block fail

    def lose(self, reason: str) -> None:
        """The HPACK state is lost (a header block frame could not be read)."""
        self._parts = []
        self._stream_id = 0
        if not self._lost:
            self._lost = reason

    def add(self, frame: Frame) -> BlockFields | None:
        """Take a HEADERS, PUSH_PROMISE or CONTINUATION frame; the block's
        fields when ``frame`` ends it, else None."""
        if isinstance(frame, (HeadersFrame, PushPromiseFrame)):
            self._stream_id = frame.stream_id
            self._parts = [frame.data]
        elif isinstance(frame, ContinuationFrame):
            self._parts.append(frame.data)
        else:
            return None
        if not frame.end_headers:
            return None
        block = b"".join(self._parts)
        self._parts = []
        return self._decode(self._stream_id, block)

    def _decode(self, stream_id: int, block: bytes) -> BlockFields:
        decoder = self._decoder
        hpack = self._hpack
        if self._lost or decoder is None or hpack is None:
            return BlockFields(stream_id, None, self._lost)
        kept = self._kept.get(block)
        if kept is not None:
            return BlockFields(stream_id, kept)
        table = decoder.header_table
        entries = table.dynamic_entries
        count, newest, size = len(entries), entries[0] if entries else None, table.maxsize
        try:
            pairs = decoder.decode(block, raw=True)
        except hpack.error as failure:
            if isinstance(failure, hpack.oversized):
                code = ErrorCode.ENHANCE_YOUR_CALM
                token = "max_header_list_size"
                reason = (
                    f"its fields exceed max_header_list_size ({self.max_header_list_size} "
                    "octets); decoding stopped"
                )
            else:
                code = ErrorCode.COMPRESSION_ERROR
                token = "hpack"
                reason = _ADDRESS.sub("", str(failure)) or type(failure).__name__
            message = f"header block of stream {stream_id} not decoded: {reason}"
            error = FrameError(
                code,
                message,
                scope=Scope.CONNECTION,
                stream_id=stream_id,
                field="header_block",
                token=token,
            )
            self._lost = f"the HPACK state was lost at the header block of stream {stream_id}"
            return BlockFields(stream_id, None, reason, error)
        fields = [(field_text(n), field_text(v)) for n, v in pairs]
        # The table is as it was if no entry was added (an addition makes a new
        # newest entry), none evicted and its size kept.
        entries = table.dynamic_entries
        if (
            len(entries) == count
            and table.maxsize == size
            and (entries[0] if entries else None) is newest
        ):
            if (
                len(block) <= _KEPT_BLOCK_SIZE
                and sum(len(n) + len(v) for n, v in fields) <= _KEPT_FIELDS_SIZE
            ):
                if len(self._kept) >= _KEPT_BLOCKS:
                    del self._kept[next(iter(self._kept))]  # the oldest
                self._kept[block] = fields
        else:
            self._kept.clear()
        return BlockFields(stream_id, fields)


__all__ = [
    "DEFAULT_HEADER_TABLE_SIZE",
    "DEFAULT_MAX_HEADER_LIST_SIZE",
    "HPACK_MISSING",
    "BlockFields",
    "HeaderBlocks",
    "field_text",
    "hpack_available",
    "load_hpack",
]
