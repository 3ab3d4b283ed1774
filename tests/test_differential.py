"""Differential testing against the real hyperframe 6.1.0.

Seeded random frames of every type, and mutations of them, go through
hyperframe and through h2wire's hyperframe layer.  They must agree on
accept/reject, on the error class and on every parsed field, except where a
documented difference (docs/hyperframe.md, "Differences from hyperframe 6.1.0")
applies: `difference()` decides that from the bytes alone, by the RFC rule, and
each difference class must show up in the run.  The layer and the native codec must
agree with each other on every input of the types both know.
"""

from __future__ import annotations

import random
from collections import Counter

import hyperframe.exceptions as real_exceptions
import hyperframe.frame as real

import h2wire as h
from h2wire.hyperframe import exceptions as hx
from h2wire.hyperframe import frame as hf

FIELDS = ("stream_id", "type", "data", "pad_length", "depends_on", "stream_weight", "exclusive",
          "error_code", "settings", "promised_stream_id", "opaque_data", "last_stream_id",
          "additional_data", "window_increment", "origin", "field", "flag_byte", "body", "body_len")  # fmt: skip


def outcome(module: object, raw: bytes) -> tuple[str, object]:
    frame_module = module.frame  # type: ignore[attr-defined]
    try:
        frame, length = frame_module.Frame.parse_frame_header(memoryview(raw[:9]))
        frame.parse_body(memoryview(raw[9 : 9 + length]))
    except Exception as err:
        assert isinstance(err, (real_exceptions.HyperframeError, hx.HyperframeError)), repr(err)
        return "error", type(err).__name__
    fields = {name: getattr(frame, name) for name in FIELDS if hasattr(frame, name)}
    fields["flags"] = sorted(frame.flags) if not hasattr(frame, "flag_byte") else None
    fields["class"] = type(frame).__name__
    return "ok", fields


class _Real:
    frame = real


class _Layer:
    frame = hf


def difference(raw: bytes) -> str | None:
    """Which documented difference, if any, makes the two parsers disagree on ``raw``."""
    length = (raw[0] << 16) | (raw[1] << 8) | raw[2]
    kind, flags, sid = raw[3], raw[4], int.from_bytes(raw[5:9], "big") & 0x7FFFFFFF
    body = raw[9 : 9 + length]
    if kind in (0x1, 0x5) and flags & 0x8 and body:  # HEADERS / PUSH_PROMISE padded
        fixed = (5 if flags & 0x20 else 0) if kind == 0x1 else 4
        pad = body[0]
        ours = pad <= len(body) - 1 - fixed
        theirs = not pad or pad < len(body) - (1 if kind == 0x1 else 0)
        if ours != theirs or (kind == 0x1 and pad == len(body) - 1 - fixed):
            return "padding arithmetic"
        if kind == 0x5 and not ours:
            return "padding arithmetic"  # both reject, checked in another order
    if kind == 0x8 and len(body) == 4 and body[0] & 0x80:
        return "reserved bits"
    if kind == 0x7 and len(body) >= 8 and body[0] & 0x80:
        return "reserved bits"
    if kind == 0x5 and len(body) >= (5 if flags & 0x8 else 4):
        promised = body[1 if flags & 0x8 else 0]
        if promised & 0x80:
            return "reserved bits"
    if kind == 0x4 and flags & 0x1 and body:
        return "SETTINGS ACK error class"
    if kind == 0x4 and not sid and len(body) % 6 == 0:
        for i in range(0, len(body), 6):
            ident, value = (
                int.from_bytes(body[i : i + 2], "big"),
                int.from_bytes(body[i + 2 : i + 6], "big"),
            )
            if (
                (ident in (2, 8, 9) and value > 1)
                or (ident == 4 and value > 2**31 - 1)
                or (ident == 5 and not 2**14 <= value <= 2**24 - 1)
            ):
                return "SETTINGS values"
    if kind == 0x2 and len(body) == 5 and int.from_bytes(body[:4], "big") & 0x7FFFFFFF == sid:
        return "self-dependency"
    if kind == 0x1 and flags & 0x20:
        start = 1 if flags & 0x8 else 0
        if (
            len(body) >= start + 5
            and int.from_bytes(body[start : start + 4], "big") & 0x7FFFFFFF == sid
        ):
            return "self-dependency"
    return None


def body_len_quirk(raw: bytes, ours: tuple[str, object], theirs: tuple[str, object]) -> str | None:
    """hyperframe sets body_len one short after parsing a PADDED HEADERS frame."""
    if raw[3] != 0x1 or not raw[4] & 0x8 or ours[0] != "ok" or theirs[0] != "ok":
        return None
    a, b = dict(ours[1]), dict(theirs[1])  # type: ignore[call-overload]
    if a.pop("body_len") == b.pop("body_len") + 1 and a == b:
        return "body_len of padded HEADERS"
    return None


def samples(rng: random.Random) -> list[h.Frame]:
    sid = rng.choice([1, 3, 5, 2**31 - 1])
    blob = rng.randbytes(rng.randint(0, 40))
    pad = rng.choice([None, b"", bytes(rng.randint(1, 20))])
    prio = rng.choice(
        [
            None,
            h.StreamDependency(
                rng.choice([0, 7, (sid + 2) % 2**31]), rng.randint(0, 255), rng.random() < 0.5
            ),
        ]
    )
    settings = [
        (
            rng.choice([1, 2, 3, 4, 5, 6, 8, 9, 0x99, 0xABCD]),
            rng.choice([0, 1, 100, 16384, 2**31 - 1]),
        )
        for _ in range(rng.randint(0, 4))
    ]
    settings = [
        (i, v)
        for i, v in settings
        if not ((i in (2, 8, 9) and v > 1) or (i == 5 and not 16384 <= v < 2**24))
    ]
    return [
        h.DataFrame(sid, blob, end_stream=rng.random() < 0.5, padding=pad),
        h.HeadersFrame(
            sid,
            blob,
            end_stream=rng.random() < 0.5,
            end_headers=rng.random() < 0.5,
            priority=prio,
            padding=pad,
        ),
        h.PriorityFrame(sid, rng.choice([0, 7]), rng.randint(0, 255), rng.random() < 0.5),
        h.RstStreamFrame(sid, rng.choice([0, 8, 0xDEAD])),
        h.SettingsFrame(settings) if settings or rng.random() < 0.5 else h.SettingsFrame(ack=True),
        h.PushPromiseFrame(
            sid,
            rng.choice([2, 4, 2**31 - 1 - 1]),
            blob,
            end_headers=rng.random() < 0.5,
            padding=pad,
        ),
        h.PingFrame(rng.randbytes(8), ack=rng.random() < 0.5),
        h.GoAwayFrame(rng.randint(0, 2**31 - 1), rng.choice([0, 1, 0xDEAD]), blob),
        h.WindowUpdateFrame(rng.choice([0, sid]), rng.randint(1, 2**31 - 1)),
        h.ContinuationFrame(sid, blob, end_headers=rng.random() < 0.5),
        h.AltSvcFrame(rng.choice([0, sid]), blob[:10], blob[10:]),
        h.UnknownFrame(
            rng.choice([0xB, 0xEE, 0xFF]), sid, blob, undefined_flags=rng.randint(0, 255)
        ),
    ]


def self_dependent(frame: h.PriorityFrame | h.HeadersFrame) -> bytes:
    """The frame's bytes with its dependency rewritten to its own stream id."""
    sid = frame.stream_id.to_bytes(4, "big")
    if isinstance(frame, h.PriorityFrame):
        return bytes.fromhex("000005020000000000")[:5] + sid + sid + b"\x0f"
    return bytes.fromhex("000005012000000000")[:5] + sid + sid + b"\x0f"


def mutate(rng: random.Random, raw: bytes) -> bytes:
    out = bytearray(raw)
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        if choice < 0.5 and out:
            out[rng.randrange(len(out))] = rng.randint(0, 255)
        elif choice < 0.7:
            out[4] = rng.randint(0, 255)  # flags
        elif choice < 0.85 and len(out) > 9:
            del out[rng.randrange(9, len(out)) :]  # truncated payload, length kept
        else:
            out.extend(rng.randbytes(rng.randint(1, 6)))
    length = len(out) - 9
    if rng.random() < 0.7 and length >= 0:
        out[0:3] = length.to_bytes(3, "big")  # keep the length field consistent
    return bytes(out[: 9 + int.from_bytes(out[0:3], "big")])


def test_differential_against_hyperframe() -> None:
    rng = random.Random(20261124)
    seen: Counter[str] = Counter()
    inputs = 0
    for _ in range(2500):
        for frame in samples(rng):
            raw = frame.serialize()
            candidates = [raw, mutate(rng, raw), mutate(rng, raw)]
            if isinstance(frame, (h.PriorityFrame, h.HeadersFrame)) and rng.random() < 0.1:
                candidates.append(self_dependent(frame))  # constructors refuse these
            for candidate in candidates:
                if len(candidate) < 9 or len(candidate) - 9 != int.from_bytes(candidate[:3], "big"):
                    continue
                inputs += 1
                ours, theirs = outcome(_Layer, candidate), outcome(_Real, candidate)
                if ours != theirs:
                    why = difference(candidate) or body_len_quirk(candidate, ours, theirs)
                    assert why is not None, (candidate.hex(), ours, theirs)
                    seen[why] += 1
                check_layer_matches_native(candidate, ours)
    assert inputs > 50_000
    assert set(seen) == {
        "padding arithmetic", "reserved bits", "SETTINGS ACK error class", "SETTINGS values",
        "self-dependency", "body_len of padded HEADERS",
    }, seen  # fmt: skip


def check_layer_matches_native(raw: bytes, layer: tuple[str, object]) -> None:
    """The layer and the native codec accept and reject the same inputs (for the
    types hyperframe knows; others are ExtensionFrames to the layer)."""
    if raw[3] > 0xA:
        return
    try:
        h.parse_frame(raw, max_frame_size=2**24 - 1)
        native_ok = True
    except h.FrameError:
        native_ok = False
    assert native_ok == (layer[0] == "ok"), (raw.hex(), layer)
