"""Header fields in the h2wire command: HPACK per direction (the ``hpack`` package),
blocks across CONTINUATION, table size updates, failures, the header list bound,
and the command without the extra installed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from test_cli import C31, C32, C33
from tracing import needs_tracemalloc, traced_peak

import h2wire as h
from h2wire import cli
from h2wire.cli import headers as hb

# RFC 7541 C.4.1: the first request of C.3 with Huffman-coded strings.
C41 = bytes.fromhex("828684418cf1e3c2e5f23a6ba0ab90f4ff")
FIELDS_C31 = [(":method", "GET"), (":scheme", "http"), (":path", "/"),
              (":authority", "www.example.com")]  # fmt: skip


def decode(data: bytes, as_json: bool = False, **options: int) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = cli.decode(data, out, as_json=as_json, max_frame_size=16384, colour=False, **options)
    return status, out.getvalue().splitlines()


def headers(stream_id: int, block: bytes) -> bytes:
    return h.HeadersFrame(stream_id, block, end_headers=True).serialize()


def fields_of(blocks: hb.HeaderBlocks, block: bytes) -> list[tuple[str, str]]:
    """The fields of a one-frame block, which must decode."""
    result = blocks.add(h.HeadersFrame(1, block, end_headers=True))
    assert result is not None and result.fields is not None, result and result.reason
    return result.fields


def test_blocks_share_one_dynamic_table() -> None:
    blocks = hb.HeaderBlocks()
    assert fields_of(blocks, C31) == FIELDS_C31
    assert fields_of(blocks, C32) == [*FIELDS_C31, ("cache-control", "no-cache")]
    assert fields_of(blocks, C33)[-1] == ("custom-key", "custom-value")


def test_huffman_coded_strings() -> None:
    assert fields_of(hb.HeaderBlocks(), C41) == FIELDS_C31


def test_block_across_continuations() -> None:
    blocks = hb.HeaderBlocks()
    assert blocks.add(h.HeadersFrame(1, C31[:3])) is None
    assert blocks.add(h.ContinuationFrame(1, C31[3:9])) is None
    assert blocks.add(h.ContinuationFrame(1, b"")) is None
    done = blocks.add(h.ContinuationFrame(1, C31[9:], end_headers=True))
    assert done is not None and done.stream_id == 1 and done.fields == FIELDS_C31
    # PUSH_PROMISE blocks share the table of their direction.
    promise = blocks.add(h.PushPromiseFrame(1, 2, C32, end_headers=True))
    assert promise is not None and promise.fields == [*FIELDS_C31, ("cache-control", "no-cache")]
    assert blocks.add(h.PingFrame()) is None


def test_table_size_update_is_honoured() -> None:
    # A size update to 0 empties the table: the entry the block adds does not
    # stay, so the next block's reference to it (index 62) fails.
    status, lines = decode(headers(1, b"\x20" + C31) + headers(3, bytes.fromhex("82be")))
    assert status == 1
    assert lines[5:] == [
        "        30  HEADERS                  3        2  0x04 END_HEADERS" + " " * 34 + "block=2",
        "        30  error at byte 30: COMPRESSION_ERROR(0x09) (connection error) header block "
        "of stream 3 not decoded: Invalid table index 62",
    ]
    # Without it, the same reference is the entry the first block added.
    status, lines = decode(headers(1, C31) + headers(3, bytes.fromhex("82be")))
    assert status == 0 and lines[-1] == "            :authority: www.example.com"


def test_table_size_update_checked_against_the_receiver_setting() -> None:
    to_8192 = b"\x3f\xe1\x3f"  # a dynamic table size update to 8192 (RFC 7541 §6.3)
    status, lines = decode(headers(1, to_8192 + C31))
    assert status == 1
    assert lines[-1] == (
        "         0  error at byte 0: COMPRESSION_ERROR(0x09) (connection error) header block "
        "of stream 1 not decoded: Encoder exceeded max allowable table size"
    )
    status, lines = decode(headers(1, to_8192 + C31), header_table_size=8192)
    assert status == 0 and lines[1:] == [f"            {n}: {v}" for n, v in FIELDS_C31]


def test_receiver_settings_apply_from_the_acknowledgement() -> None:
    blocks = hb.HeaderBlocks()
    blocks.settings_sent(h.SettingsFrame([(1, 8192), (1, 16384)]))  # the last one counts
    blocks.settings_sent(h.SettingsFrame([(4, 1)]))  # no table size: unchanged
    blocks.settings_sent(h.SettingsFrame([(1, 0)]))
    to_16384 = b"\x3f\xe1\x7f"
    # Not acknowledged yet: 4096 applies.
    refused = blocks.add(h.HeadersFrame(1, to_16384 + C31, end_headers=True))
    assert refused is not None and refused.error is not None
    blocks = hb.HeaderBlocks()
    blocks.settings_sent(h.SettingsFrame([(1, 8192), (1, 16384)]))
    blocks.settings_sent(h.SettingsFrame([(4, 1)]))
    blocks.settings_sent(h.SettingsFrame([(1, 0)]))
    blocks.settings_acknowledged()
    assert fields_of(blocks, to_16384 + C31) == FIELDS_C31
    blocks.settings_acknowledged()  # (4, 1): the limit stays 16384
    assert fields_of(blocks, to_16384 + C31) == FIELDS_C31
    blocks.settings_acknowledged()  # 0: the encoder must now shrink the table
    result = blocks.add(h.HeadersFrame(1, C31, end_headers=True))
    assert result is not None and result.error is not None
    assert str(result.error).endswith("Encoder did not shrink table size to within the max")
    blocks.settings_acknowledged()  # an ACK with nothing pending changes nothing
    assert not blocks.decoding


def counting(blocks: hb.HeaderBlocks) -> list[bytes]:
    """The blocks hpack decodes from now on (the others came from the kept ones)."""
    decoded: list[bytes] = []
    decoder = blocks._decoder
    assert decoder is not None
    decode = decoder.decode

    def counted(data: bytes, raw: bool) -> Iterable[Sequence[bytes]]:
        decoded.append(data)
        return decode(data, raw=raw)

    decoder.decode = counted  # type: ignore[method-assign]
    return decoded


def test_a_block_that_leaves_the_table_is_decoded_once() -> None:
    blocks = hb.HeaderBlocks()
    decoded = counting(blocks)
    assert fields_of(blocks, C31) == FIELDS_C31  # adds :authority at index 62
    again = bytes.fromhex("828684be")  # GET http / and index 62
    assert fields_of(blocks, again) == FIELDS_C31
    assert fields_of(blocks, again) == FIELDS_C31
    assert decoded == [C31, again]  # the second time, without hpack
    # A block that adds an entry forgets the kept ones: index 62 is now its entry.
    assert fields_of(blocks, C32)[-1] == ("cache-control", "no-cache")
    assert fields_of(blocks, again)[-1] == ("cache-control", "no-cache")
    assert decoded == [C31, again, C32, again]
    # So does a change of the table size limit (it can make a kept block fail).
    blocks.settings_sent(h.SettingsFrame([(1, 8192)]))
    blocks.settings_acknowledged()
    assert fields_of(blocks, again)[-1] == ("cache-control", "no-cache")
    assert decoded[-1] == again and len(decoded) == 5


def test_only_a_few_small_blocks_are_kept() -> None:
    blocks = hb.HeaderBlocks()
    decoded = counting(blocks)
    large = b"\x82" * 1100  # 1,100 references to :method GET
    for _ in range(2):
        assert len(fields_of(blocks, large)) == 1100
    assert decoded == [large, large]
    # 33 small ones: the first is no longer kept, the last one is.
    small = [b"\x82" * n for n in range(1, 34)]
    for block in small:
        fields_of(blocks, block)
    decoded.clear()
    fields_of(blocks, small[0])
    fields_of(blocks, small[-1])
    assert decoded == [small[0]]


def test_failure_then_later_blocks_undecodable() -> None:
    data = headers(1, C31) + headers(3, b"\xff") + headers(5, b"\x82")
    status, lines = decode(data)
    assert status == 1
    assert lines[5:] == [
        "        29  HEADERS                  3        1  0x04 END_HEADERS" + " " * 34 + "block=1",
        "        29  error at byte 29: COMPRESSION_ERROR(0x09) (connection error) header block "
        "of stream 3 not decoded: Unable to decode HPACK integer representation",
        "        39  HEADERS                  5        1  0x04 END_HEADERS" + " " * 34 + "block=1",
        "            (header fields not decoded: the HPACK state was lost at the header block "
        "of stream 3)",
    ]
    status, lines = decode(data, as_json=True)
    records = [json.loads(line) for line in lines]
    assert [r["headers"] for r in records] == [[list(f) for f in FIELDS_C31], None, None]
    assert records[1]["headers_missing"] == ("Unable to decode HPACK integer representation")
    assert records[1]["headers_error"] == {
        "offset": 29, "error": "COMPRESSION_ERROR", "error_code": 9, "scope": "connection",
        "stream_id": 3, "field": "header_block", "token": "hpack",
        "message": "header block of stream 3 not decoded: Unable to decode HPACK integer "
                   "representation",
    }  # fmt: skip
    assert records[2]["headers_missing"] == (
        "the HPACK state was lost at the header block of stream 3"
    )
    assert "headers_error" not in records[2]


def test_lost_state_from_the_caller() -> None:
    blocks = hb.HeaderBlocks()
    assert blocks.add(h.HeadersFrame(1, C31[:3])) is None
    blocks.lose("a frame was unreadable")
    blocks.lose("a second reason is not kept")
    result = blocks.add(h.HeadersFrame(3, b"\x82", end_headers=True))
    assert result is not None and result.fields is None and result.error is None
    assert result.reason == "a frame was unreadable"


def bomb(references: int) -> bytes:
    """A block that adds one 4,000-octet field to the table, then refers to it
    ``references`` times: a few octets that expand to references x 4,033."""
    # Literal with incremental indexing, new name "x", value of 4,000 octets
    # (7-bit prefix integer: 127, then 3,873 = 0x21 + 30 * 128).
    literal = b"\x40\x01x" + b"\x7f\xa1\x1e" + b"v" * 4000
    return literal + b"\xbe" * references


def test_bomb_stops_at_max_header_list_size() -> None:
    block = bomb(60_000)
    data = h.HeadersFrame(1, block[:16000]).serialize()
    for start in range(16000, len(block), 16000):
        end = start + 16000
        data += h.ContinuationFrame(1, block[start:end], end_headers=end >= len(block)).serialize()
    data += headers(3, b"\x82")
    status, lines = decode(data)
    assert status == 1
    # 4,006 + 60,000 octets: HEADERS of 16,000 then CONTINUATIONs of 16,000, 16,000,
    # 16,000 and 6, 16,009 octets apart; the 17th field passes 65,536 (17 x 4,033).
    assert lines[4:] == [
        "     64036  CONTINUATION             1        6  0x04 END_HEADERS" + " " * 34 + "block=6",
        "     64036  error at byte 64036: ENHANCE_YOUR_CALM(0x0b) (connection error) header "
        "block of stream 1 not decoded: its fields exceed max_header_list_size (65536 octets); "
        "decoding stopped",
        "     64051  HEADERS                  3        1  0x04 END_HEADERS" + " " * 34 + "block=1",
        "            (header fields not decoded: the HPACK state was lost at the header block "
        "of stream 1)",
    ]
    # The bound is an option: 16 references (4,033 octets each, + the field
    # itself) fit in 100,000.
    status, lines = decode(headers(1, bomb(16)), max_header_list_size=100_000)
    assert status == 0 and len(lines) == 1 + 17


@needs_tracemalloc
@pytest.mark.parametrize(("limit", "bounded"), [(65536, True), (2**31, False)])
def test_bomb_memory_is_bounded(limit: int, bounded: bool) -> None:
    """With the bound, decoding an 8 KB bomb holds 17 fields; without it, 2,001
    fields of 4,000 octets (the check of the test itself)."""
    blocks = hb.HeaderBlocks(max_header_list_size=limit)
    frame = h.HeadersFrame(1, bomb(2_000), end_headers=True)
    result, peak = traced_peak(lambda: blocks.add(frame))
    assert result is not None
    if bounded:
        assert result.error is not None and result.error.code is h.ErrorCode.ENHANCE_YOUR_CALM
        assert result.error.token == "max_header_list_size"
        assert peak < 1_000_000
    else:
        assert result.fields is not None and len(result.fields) == 2_001
        assert peak > 4_000_000


def test_field_text() -> None:
    assert hb.field_text(b"caf\xc3\xa9") == "café"
    assert hb.field_text(b"a\r\nb\x7f\x00") == "a\\x0d\\x0ab\\x7f\\x00"
    assert hb.field_text(b"\xff\xfe") == "\\xff\\xfe"


@pytest.fixture
def without_hpack(monkeypatch: pytest.MonkeyPatch) -> None:
    # An import of a module mapped to None raises ImportError.
    monkeypatch.setitem(sys.modules, "hpack", None)


@pytest.mark.usefixtures("without_hpack")
def test_without_the_extra(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert not hb.hpack_available()
    data = headers(1, C31) + headers(3, C32)
    capture = tmp_path / "stream.bin"
    capture.write_bytes(data)
    assert cli.main(["decode", str(capture)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "         0  HEADERS                  1       20  0x04 END_HEADERS" + " " * 34 + "block=20",
        "        29  HEADERS                  3       14  0x04 END_HEADERS" + " " * 34 + "block=14",
    ]
    assert err == (
        "h2wire decode: header fields not shown: the hpack package is not installed: "
        "pip install 'h2wire[cli]'\n"
    )
    status, lines = decode(data, as_json=True)
    assert status == 0
    for line in lines:
        record = json.loads(line)
        assert record["headers"] is None
        assert record["headers_missing"] == hb.HPACK_MISSING


def test_without_the_extra_command_line(tmp_path: Path) -> None:
    """The installed command, in a process where hpack cannot be imported."""
    capture = tmp_path / "stream.bin"
    capture.write_bytes(headers(1, C31))
    flags = ["-P"] if sys.flags.safe_path else []
    code = (
        "import sys; sys.modules['hpack'] = None; from h2wire.cli import main; "
        f"raise SystemExit(main(['decode', {str(capture)!r}]))"
    )
    result = subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "         0  HEADERS                  1       20  0x04 END_HEADERS" + " " * 34 + "block=20"
    ]
    assert "pip install 'h2wire[cli]'" in result.stderr
