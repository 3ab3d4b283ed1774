"""The JSON lines of encode and send (h2wire/cli/records.py): whatever a line
holds, it gives an action or one RecordError that names the line; never
another exception (the bad cases one by one are in tests/test_send.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from h2wire.cli import records

# Every key a record or its parts may hold, and some no record knows.
KEYS = [
    *records.KINDS, "type_code", "offset", "type", "flags", "flags_octet", "stream_id",
    "length", "error", "ignored", "stopped", "missing", "comment", "direction", "end_stream",
    "end_headers", "priority", "padding", "frame_type", "payload", "reserved_bit",
    "length_field", "repeat", "settings", "opaque_data", "data", "depends_on", "weight",
    "exclusive", "ack", "origins", "last_stream_id", "error_code", "window_increment",
    "undefined_flags", "nonsense",
]  # fmt: skip
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([0, 1, 4, 6, 9, 16384, 2**24, 2**31])
    | st.floats(allow_nan=True)
    | st.sampled_from(["", "00", "78", "zz", "settings", "close", "->", "<-", "0000000000000000"])
    | st.text(max_size=6)
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=12,
)
RECORDS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5)


@given(RECORDS, st.integers(1, 10**6))
def test_any_record_gives_an_action_or_a_record_error(
    record: dict[str, object], number: int
) -> None:
    line = json.dumps(record)
    try:
        action = records.parse_record(line, number)
    except records.RecordError as error:
        assert str(error).startswith(f"line {number}: ") and error.number == number
        return
    if isinstance(action, records.SendRaw):
        action.raw.serialize()
    elif isinstance(action, records.SendFrame):
        action.frame.serialize()
    elif isinstance(action, records.SendHeaders):
        action.frames(b"\x82", 16384)


@given(st.text(max_size=40))
def test_any_text_gives_an_action_or_a_record_error(text: str) -> None:
    try:
        records.read_records(text.splitlines())
    except records.RecordError as error:
        assert str(error).startswith(f"line {error.number}: ")


def test_json_errors_at_characters_beyond_ascii() -> None:
    """The character is named from the line (PyPy's json message garbles it)."""
    cases = {
        "\ufffd" * 40: "line 1: not JSON: unexpected '\ufffd': line 1 column 1 (char 0)",
        '{"wait": é}': "line 1: not JSON: unexpected 'é': line 1 column 10 (char 9)",
    }
    for line, message in cases.items():
        with pytest.raises(records.RecordError) as error:
            records.parse_record(line, 1)
        assert str(error.value) == message
    # Elsewhere json's own words, which differ between interpreters ("Expecting
    # value" on CPython, "Unexpected ' '" on PyPy), and its position.
    with pytest.raises(records.RecordError) as error:
        records.parse_record("[1,", 1)
    assert str(error.value).startswith("line 1: not JSON: ")
    assert str(error.value).endswith(": line 1 column 4 (char 3)")


def test_deeply_nested_json() -> None:
    line = "[" * 100_000 + "]" * 100_000
    try:
        records.parse_record(line, 1)
    except records.RecordError as error:
        assert str(error) == "line 1: not JSON this command reads: nested too deeply"
    else:  # json may one day read it: then it is not an object, still an error
        raise AssertionError("a list is not a record")


def test_numbers_too_large() -> None:
    for line in (
        '{"raw": {"frame_type": 0, "payload": "", "repeat": 100000000000000000000}}',
        '{"type_code": 6, "fields": {"stream_id": 100000000000000000000}}',
    ):
        try:
            records.parse_record(line, 2)
        except records.RecordError as error:
            assert str(error).startswith("line 2: ")
        else:
            raise AssertionError(line)


def test_a_wait_too_large_for_a_float() -> None:
    """(An integer of 400 digits: float() of it overflows, and says so as the line's error.)"""
    with pytest.raises(records.RecordError) as raised:
        records.parse_record('{"wait": 1' + "0" * 400 + "}", 3)
    assert str(raised.value) == "line 3: a number is far too large for its field"
