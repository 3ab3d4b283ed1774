"""The http2jp frame test vectors (tests/vectors/http2-frame-test-case, MIT)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import h2wire as h

ROOT = Path(__file__).parent / "vectors" / "http2-frame-test-case"
CASES = sorted(ROOT.glob("*/*.json"))


def test_vectors_are_present() -> None:
    assert len(CASES) == 34


def check_fields(frame: h.Frame, payload: dict[str, object]) -> None:
    """Compare a parsed frame with the vector's ``frame_payload`` fields."""
    for key, value in payload.items():
        text = value.encode() if isinstance(value, str) else value
        if key in ("header_block_fragment", "data"):
            assert getattr(frame, "data") == text  # noqa: B009
        elif key == "padding_length":
            padding = getattr(frame, "padding", None)
            assert (None if padding is None else len(padding)) == value
        elif key == "padding":
            assert getattr(frame, "padding", None) == text
        elif key in ("stream_dependency", "weight", "exclusive"):
            attr = "depends_on" if key == "stream_dependency" else key
            source = frame.priority if isinstance(frame, h.HeadersFrame) else frame
            got = None if source is None else getattr(source, attr)
            if key == "weight" and got is not None:
                got += 1  # the vectors give the effective weight
            assert got == value, key
        elif key == "settings":
            assert [list(s) for s in getattr(frame, "settings")] == value  # noqa: B009
        elif key == "additional_debug_data":
            assert getattr(frame, "debug_data") == text  # noqa: B009
        elif key == "promised_stream_id":
            assert getattr(frame, "promised_stream_id") == value  # noqa: B009
        elif key == "window_size_increment":
            assert getattr(frame, "window_increment") == value  # noqa: B009
        else:
            assert getattr(frame, key) == text, key


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_vector(path: Path) -> None:
    case = json.loads(path.read_text())
    wire = bytes.fromhex(case["wire"])
    if case["error"] is not None:
        with pytest.raises(h.FrameError) as info:
            h.parse_frame(wire)
        assert not isinstance(info.value, h.IncompleteFrameError)
        assert info.value.code in case["error"]
        return
    frame, size = h.parse_frame(wire)
    expected = case["frame"]
    assert size == len(wire) == 9 + expected["length"]
    assert (frame.type, frame.flags, frame.stream_id) == (
        expected["type"],
        expected["flags"],
        expected["stream_identifier"],
    )
    check_fields(frame, expected["frame_payload"])
    assert frame.serialize() == wire
