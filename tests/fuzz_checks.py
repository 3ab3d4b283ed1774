"""The properties the fuzzers check, one function per target.  Used by fuzz/run.py
(atheris) and by tests/test_fuzz_regressions.py (every saved finding, both modes).

Each takes arbitrary bytes and raises AssertionError (or any foreign exception,
which is itself the bug) when a property breaks.
"""

from __future__ import annotations

import json

import h2wire as h
from h2wire.cli import records
from h2wire.cli.render import event_lines, event_records
from h2wire.cli.watch import Watcher
from h2wire.hyperframe import exceptions as hx
from h2wire.hyperframe import frame as hf


def clear_reserved_bits(raw: bytes) -> bytes:
    out = bytearray(raw)
    out[5] &= 0x7F
    frame_type, flags = raw[3], raw[4]
    if frame_type in (0x7, 0x8, 0x10):
        out[9] &= 0x7F
    elif frame_type == 0x5:
        out[10 if flags & 0x8 else 9] &= 0x7F
    return bytes(out)


def check_parse_frame(data: bytes) -> None:
    """Any bytes: a frame that re-serializes exactly and parses back equal, or a
    FrameError carrying an ErrorCode, a Scope and a field name."""
    max_frame_size = 16384 if not data or data[0] & 1 else 2**24 - 1
    raw = data[1:]
    try:
        frame, size = h.parse_frame(raw, max_frame_size=max_frame_size)
    except h.FrameError as err:
        assert isinstance(err.code, h.ErrorCode) and isinstance(err.scope, h.Scope)
        assert err.field and err.field in str(err)
        return
    wire = frame.serialize()
    assert wire == clear_reserved_bits(raw[:size])
    assert h.parse_frame(wire, max_frame_size=2**24 - 1) == (frame, size)
    repr(frame)


def decoder_events(decoder: h.FrameDecoder, chunks: list[bytes]) -> list[object]:
    """Feed ``chunks``: the frames, and each error as ("error", code, scope,
    stream_id, field), carrying on after stream errors.  After a connection
    error the decoder must raise that same error again."""
    out: list[object] = []
    for chunk in chunks:
        data = chunk
        while True:
            try:
                out.extend(decoder.feed(data))
                break
            except h.FrameError as err:
                out.extend(decoder.take_frames())
                out.append(("error", err.code, err.scope, err.stream_id, err.field))
                if err.scope is h.Scope.CONNECTION:
                    try:
                        decoder.feed(b"")
                    except h.FrameError as again:
                        assert again is err  # a dead decoder repeats its error
                    else:
                        raise AssertionError("a dead decoder accepted more input")
                    return out
                data = b""
    return out


def check_decoder(data: bytes) -> None:
    """Any bytes, cut into chunks as the first octets say: the same frames and
    errors as one feed, and the decoder never holds more than its limits."""
    if len(data) < 4:
        return
    cuts, flags, body = data[:3], data[3], data[4:]
    if flags & 2:
        body = h.CLIENT_PREFACE[: flags >> 3] + body

    def new_decoder() -> h.FrameDecoder:
        # A frozen clock: the guards' verdicts cannot depend on the chunking.
        return h.FrameDecoder(
            assemble_headers=bool(flags & 1), client_preface=bool(flags & 2), clock=lambda: 0.0
        )

    whole = decoder_events(new_decoder(), [body])
    pieces, pos = [], 0
    for cut in cuts:
        pieces.append(body[pos : pos + cut])
        pos += cut
    pieces.append(body[pos:])
    decoder = new_decoder()
    assert decoder_events(decoder, pieces) == whole
    assert decoder.buffered <= decoder.max_buffered_bytes + decoder.max_header_block_size
    # The end of the input: the same verdict, and the same offset, however the
    # stream was cut.
    assert closing_events(decoder) == closing_events(new_decoder(), body)


def closing_events(decoder: h.FrameDecoder, body: bytes | None = None) -> list[object]:
    """What ``close()`` says (after feeding ``body``, if given, and carrying on
    past its errors): the last frames, and the error it raises with the offset."""
    if body is not None:
        decoder_events(decoder, [body])
    out: list[object] = []
    try:
        out.extend(decoder.close())
    except h.FrameError as err:
        out.extend(decoder.take_frames())
        out.append(("error at close", err.code, err.scope, err.stream_id, err.field))
    out.append(decoder.offset)
    return out


def lenient_summary(items: list[h.Received]) -> list[object]:
    return [
        (i.offset, i.raw, i.frame, None if i.error is None else (i.error.code, str(i.error)))
        for i in items
    ]


def check_lenient(data: bytes) -> None:
    """Any bytes, read leniently in chunks: the same items as one read; every
    item a frame or an error; every whole frame shown raw is exactly the octets
    at its offset; buffering stays within the limit."""
    if len(data) < 4:
        return
    cuts, flags, body = data[:3], data[3], data[4:]
    preface = bool(flags & 2)
    if preface:
        body = h.CLIENT_PREFACE[: flags >> 3] + body

    def new_decoder() -> h.FrameDecoder:
        return h.FrameDecoder(lenient=True, client_preface=preface, max_buffered_bytes=4096)

    whole = new_decoder().receive(body, end=True)
    decoder = new_decoder()
    items, pos = [], 0
    for cut in cuts:
        items += decoder.receive(body[pos : pos + cut])
        assert decoder.buffered <= decoder.max_buffered_bytes
        pos += cut
    items += decoder.receive(body[pos:], end=True)
    assert lenient_summary(items) == lenient_summary(whole)
    for item in items:
        assert (item.frame is None) != (item.error is None)
        raw = item.raw
        if raw is not None and raw.length_field is None:
            wire = raw.serialize()
            assert body[item.offset : item.offset + len(wire)] == wire
            assert h.read_raw_frame(body, item.offset)[0] == raw


#: Frames the guards count, and some they do not, for check_guards.
GUARD_ALPHABET: list[bytes] = [
    h.PingFrame().serialize(),
    h.PingFrame(ack=True).serialize(),
    h.SettingsFrame([(1, 1), (1, 2)]).serialize(),
    h.SettingsFrame(ack=True).serialize(),
    h.RstStreamFrame(1, 8).serialize(),
    h.PriorityFrame(3, 1).serialize(),
    h.PriorityUpdateFrame(1, b"u=1").serialize(),
    h.DataFrame(1).serialize(),
    h.DataFrame(1, b"x").serialize(),
    h.HeadersFrame(1, b"").serialize(),
    h.HeadersFrame(3, b"\x82", end_headers=True).serialize(),
    h.ContinuationFrame(1, b"").serialize(),
    h.ContinuationFrame(1, b"", end_headers=True).serialize(),
    bytes.fromhex("000004080000000001 00000000"),  # stream error: a glitch
    bytes.fromhex("000001ee0000000000 00"),  # unknown type: a glitch
    bytes.fromhex("0000010c0000000000 00"),  # malformed ORIGIN: dropped, a glitch
]


def check_guards(data: bytes) -> None:
    """Random frame sequences on a random clock, against small guards: only
    FrameError, a dead decoder repeats its error, and nothing piles up."""
    if not data:
        return
    now = [100.0]
    guards = h.Guards(
        ping=h.RateLimit(3, 2),
        settings=h.RateLimit(2, 1),
        reset=h.RateLimit(3, 1),
        priority=h.RateLimit(4, 3),
        empty=h.RateLimit(3, 1),
        glitch=h.RateLimit(5, 2),
        reject_duplicate_settings=bool(data[0] & 1),
    )
    tokens: list[str] = []
    decoder = h.FrameDecoder(
        guards=guards, clock=lambda: now[0], on_error=tokens.append, lenient=bool(data[0] & 2)
    )
    for byte in data[1:]:
        frame = GUARD_ALPHABET[byte % len(GUARD_ALPHABET)]
        now[0] += ((byte >> 4) - 4) / 4  # steps of -1 s to +2.75 s
        try:
            repeat = 1 if decoder.failure is not None or byte & 8 else 1 + (byte & 7)
            chunk = frame * repeat
            if data[0] & 2:
                for item in decoder.receive(chunk):
                    assert (item.frame is None) != (item.error is None)
            else:
                decoder.feed(chunk)
        except h.FrameError as error:
            if error.scope is h.Scope.CONNECTION:
                assert decoder.failure is error
        assert decoder.buffered <= decoder.max_buffered_bytes
    stats = decoder.stats()
    assert stats.errors == len(tokens)
    assert sum(stats.frames.values()) >= sum(stats.guard_events.values()) - stats.errors


def check_hyperframe(data: bytes) -> None:
    """The hyperframe layer: any bytes give a frame or one of hyperframe's
    exceptions, and agree with the native codec on accept/reject."""
    if len(data) < 9:
        return
    try:
        frame, length = hf.Frame.parse_frame_header(memoryview(data[:9]))
        frame.parse_body(memoryview(data[9 : 9 + length]))
    except hx.HyperframeError:
        layer_ok = False
    else:
        layer_ok = True
        repr(frame)
        frame.serialize()
    try:
        h.parse_frame(
            data[: 9 + ((data[0] << 16) | (data[1] << 8) | data[2])], max_frame_size=2**24 - 1
        )
    except h.FrameError:
        native_ok = False
    else:
        native_ok = True
    if native_ok:
        assert layer_ok  # what h2wire accepts, its hyperframe layer accepts


def watch_records(watcher: Watcher, chunks: list[bytes]) -> list[str]:
    """Everything the command prints for ``chunks``, text and JSON."""
    events = [event for chunk in chunks for event in watcher.feed(chunk)]
    events += watcher.close()
    lines = [line for event in events for line in event_lines(event, colour=False)]
    records = [json.dumps(r) for event in events for r in event_records(event)]
    return lines + records


def check_watch(data: bytes) -> None:
    """The command's view of one direction (the Watcher, header fields and
    rendering): any bytes, cut as the first octets say, print the same as one
    chunk, and nothing but the command's own lines comes out."""
    if len(data) < 4:
        return
    cuts, flags, body = data[:3], data[3], data[4:]
    client = bool(flags & 1)
    if client:
        body = h.CLIENT_PREFACE[: flags >> 3] + body
    whole = watch_records(Watcher(client), [body])
    pieces, pos = [], 0
    for cut in cuts:
        pieces.append(body[pos : pos + cut])
        pos += cut
    pieces.append(body[pos:])
    assert watch_records(Watcher(client), pieces) == whole


def check_records(data: bytes) -> None:
    """The JSON lines of encode and send: any text gives actions, or one
    RecordError naming its line; what the actions hold serializes."""
    text = data.decode("utf-8", "replace")
    try:
        actions = records.read_records(text.splitlines())
    except records.RecordError as error:
        assert str(error).startswith(f"line {error.number}: ")
        return
    for _, action in actions:
        if isinstance(action, records.SendRaw):
            action.raw.serialize()
        elif isinstance(action, records.SendFrame):
            action.frame.serialize()
        elif isinstance(action, records.SendHeaders):
            action.frames(b"\x82", 16384)
