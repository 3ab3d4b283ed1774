"""The command's Watcher: one direction of a connection, with the offset of every
frame whatever the chunking, the frame size and HPACK table size limits its
receiver announced (from the ACK on), and input that ends inside a frame."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from test_cli import C31, CLIENT_STREAM
from test_decoder import split, valid_streams

import h2wire as h
from h2wire.cli import render
from h2wire.cli.watch import Event, Watcher, pair


def records(events: list[Event]) -> list[dict[str, object]]:
    return [record for event in events for record in render.event_records(event)]


def watch(chunks: list[bytes], client: bool = False) -> list[dict[str, object]]:
    watcher = Watcher(client)
    events = [event for chunk in chunks for event in watcher.feed(chunk)]
    return records(events + watcher.close())


def summary(events: list[Event]) -> list[tuple[object, ...]]:
    """(offset, type or error code, stream) of each record."""
    return [
        (r["offset"], r.get("type", r.get("error")), r.get("stream_id")) for r in records(events)
    ]


@given(st.lists(st.integers(0, len(CLIENT_STREAM)), max_size=12))
def test_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    whole = watch([CLIENT_STREAM], client=True)
    assert watch(split(CLIENT_STREAM, cuts), client=True) == whole


@given(valid_streams(), st.lists(st.integers(0, 3000), max_size=12))
def test_offsets_follow_the_wire(frames: list[h.Frame], cuts: list[int]) -> None:
    blob = b"".join(f.serialize() for f in frames)
    result = watch(split(blob, cuts))
    offsets = [r["offset"] for r in result if "type" in r]
    expected, at = [], 0
    for frame in frames:
        expected.append(at)
        at += len(frame.serialize())
    assert offsets == expected


def test_one_octet_at_a_time() -> None:
    assert watch([bytes([b]) for b in CLIENT_STREAM], client=True) == watch(
        [CLIENT_STREAM], client=True
    )


def test_frame_size_applies_from_the_acknowledgement_mid_chunk() -> None:
    to_server, to_client = Watcher(True), Watcher(False)
    pair(to_server, to_client)
    # The server announces 20,000 octets; the client's frames are checked
    # against 16,384 until its ACK, in the same chunk.
    assert summary(to_client.feed(h.SettingsFrame({5: 20000}).serialize())) == [(0, "SETTINGS", 0)]
    big = h.DataFrame(1, b"x" * 18000).serialize()
    chunk = (
        h.CLIENT_PREFACE + h.SettingsFrame().serialize() + big
        + h.SettingsFrame(ack=True).serialize() + big
        + h.DataFrame(1, b"x" * 20001).serialize()
    )  # fmt: skip
    events = to_server.feed(chunk)
    # 24 + 9 = 33; + 18,009 = 18,042 (ACK); + 9 = 18,051; + 18,009 = 36,060.
    assert summary(events) == [
        (0, None, None),  # the preface
        (24, "SETTINGS", 0),
        (33, "FRAME_SIZE_ERROR", 1),
        (18042, "SETTINGS", 0),
        (18051, "DATA", 1),
        (36060, "FRAME_SIZE_ERROR", 1),
    ]
    assert to_server.decoding  # stream errors: the direction is still decoded
    # The client's own SETTINGS, acknowledged by the server, set the other way.
    assert summary(to_client.feed(h.SettingsFrame(ack=True).serialize() + big)) == [
        (15, "SETTINGS", 0),
        (24, "FRAME_SIZE_ERROR", 1),  # the client announced nothing: 16,384 stays
    ]


def test_table_size_applies_from_the_acknowledgement() -> None:
    to_server, to_client = Watcher(True), Watcher(False)
    pair(to_server, to_client)
    to_client.feed(h.SettingsFrame({1: 8192}).serialize())
    update = b"\x3f\xe1\x3f"  # to 8,192
    start = h.CLIENT_PREFACE + h.SettingsFrame().serialize()
    before = records(
        to_server.feed(start + h.HeadersFrame(1, update + C31, end_headers=True).serialize())
    )
    assert before[-1]["headers_error"] is not None
    to_server, to_client = Watcher(True), Watcher(False)
    pair(to_server, to_client)
    to_client.feed(h.SettingsFrame({1: 8192}).serialize())
    after = records(
        to_server.feed(
            start
            + h.SettingsFrame(ack=True).serialize()
            + h.HeadersFrame(1, update + C31, end_headers=True).serialize()
        )
    )
    assert after[-1]["headers"] == [[":method", "GET"], [":scheme", "http"], [":path", "/"],
                                    [":authority", "www.example.com"]]  # fmt: skip


def test_stream_error_on_a_header_block_frame_loses_the_table() -> None:
    watcher = Watcher(False)
    bad = h.HeadersFrame(3, C31, end_headers=True, priority=h.StreamDependency(1, 0)).serialize()
    bad = bad[:9] + bytes.fromhex("00000003") + bad[13:]  # depends on itself: a stream error
    result = records(watcher.feed(bad + h.HeadersFrame(5, b"\x82", end_headers=True).serialize()))
    assert result[0]["offset"] == 0 and result[0]["scope"] == "stream"
    assert result[1]["headers_missing"] == "the HPACK state was lost with the frame at offset 0"


def test_decoding_goes_on_after_a_connection_error() -> None:
    watcher = Watcher(False)
    data_on_stream_0 = bytes.fromhex("000001000000000000 61")
    result = records(watcher.feed(data_on_stream_0 + h.PingFrame().serialize()))
    assert [(r["offset"], r.get("scope"), r.get("type")) for r in result] == [
        (0, "connection", None),
        (10, None, "PING"),
    ]
    assert result[0]["raw"] == render.raw_record(h.RawFrame(0, 0, 0, b"a"))
    assert "stopped" not in result[0]
    assert watcher.decoding
    assert watcher.close() == []
    assert not watcher.decoding


def test_wrong_preface_ends_the_watch() -> None:
    watcher = Watcher(True)
    result = records(watcher.feed(b"PRI * HTTP/1.1\r\n\r\n" + h.PingFrame().serialize()))
    assert [(r["offset"], r["token"], r.get("stopped")) for r in result] == [(11, "preface", True)]
    assert not watcher.decoding
    assert watcher.feed(h.PingFrame().serialize()) == []
    assert watcher.close() == []
    assert watcher.close() == []
    watcher.settings_sent(h.SettingsFrame())  # ignored once the decoder is gone


def test_preface_in_pieces() -> None:
    watcher = Watcher(True)
    assert watcher.feed(h.CLIENT_PREFACE[:23]) == []
    events = watcher.feed(h.CLIENT_PREFACE[23:] + h.SettingsFrame().serialize())
    assert [type(e).__name__ for e in events] == ["Preface", "Seen"]


def test_close_inside_a_frame_reports_what_is_missing() -> None:
    watcher = Watcher(False)
    data = h.PingFrame().serialize() + h.DataFrame(7, b"abcdef").serialize()
    watcher.feed(data[:20])
    watcher.feed(data[20:22])  # 5 of the DATA frame's 15 octets, its header cut
    (problem,) = records(watcher.close())
    assert problem == {
        "offset": 17, "error": "FRAME_SIZE_ERROR", "error_code": 6, "scope": "connection",
        "stream_id": 0, "field": "length", "token": "frame_truncated", "missing": 4,
        "message": "the input ended inside a frame header: 5 of its 9 octets arrived, 4 missing",
        "bytes_hex": data[17:22].hex(),
    }  # fmt: skip
    assert watcher.close() == []


def test_cut_header_shows_only_its_own_octets() -> None:
    watcher = Watcher(False)
    watcher.feed(h.PingFrame().serialize())
    assert watcher.close() == []  # ended between frames: nothing to report
    watcher = Watcher(False)
    watcher.feed(h.PingFrame().serialize() + b"\x00")
    (problem,) = records(watcher.close())
    assert problem["bytes_hex"] == "00" and problem["missing"] == 8


def test_ignored_frame_keeps_the_offsets() -> None:
    malformed_origin = bytes.fromhex("000003 0c 00 00000000 0005") + b"x"
    result = watch(
        [malformed_origin + h.PingFrame().serialize()[:4], h.PingFrame().serialize()[4:]]
    )
    assert result == [
        {"offset": 0, "ignored": True, "type": "ORIGIN", "type_code": 12, "stream_id": 0,
         "length": 3, "message": "ORIGIN frame, origins: Origin-Len 5 exceeds the 1 octets left",
         "raw": render.raw_record(h.RawFrame(12, 0, 0, bytes.fromhex("000578")))},
        render.frame_record(12, h.PingFrame()),
    ]  # fmt: skip
