"""The tests of hyperframe 6.1.0's and h2 4.4.1's own suites that fail on h2wire,
each because it pins a hyperframe behaviour listed in "Differences from
hyperframe 6.1.0" (docs/hyperframe.md).  tests/test_external_suites.py checks that every one of them
fails, and fails with the error given here; every other test must pass.
"""

from __future__ import annotations

from typing import NamedTuple


class Expected(NamedTuple):
    difference: str  # the "Differences" item (docs/hyperframe.md)
    error: str  # text that must appear in the test's failure report


ACK_CLASS = Expected(
    "SETTINGS ACK with a payload is a FRAME_SIZE_ERROR (InvalidFrameError)",
    "InvalidFrameError: SETTINGS frame, length: an ACK must have an empty payload",
)

HYPERFRAME: dict[str, Expected] = {
    "tests/test_frames.py::TestSettingsFrame::test_settings_frame_serializes_properly": Expected(
        "Invalid frames are never serialized (SETTINGS ACK carrying settings)",
        "InvalidFrameError: SETTINGS frame, settings: an ACK must carry no settings",
    ),
    "tests/test_frames.py::TestSettingsFrame::test_settings_frame_ack_and_settings": ACK_CLASS,
    "tests/test_frames.py::TestSettingsFrame::test_short_settings_frame_errors": ACK_CLASS,
    "tests/test_frames.py::TestPushPromiseFrame::test_push_promise_frame_invalid": Expected(
        "Invalid frames are never serialized (promised stream id 0)",
        "InvalidDataError: PUSH_PROMISE frame, promised_stream_id: must be a non-zero even",
    ),
}


def _settings(value: str) -> Expected:
    return Expected("Invalid frames are never serialized (SETTINGS values)", value)


H2: dict[str, Expected] = {
    # h2's tests build hostile frames with hyperframe to feed to a connection;
    # h2wire will not serialize a frame that breaks RFC 9113.
    **{
        f"tests/test_flow_control_window.py::TestFlowControl::test_reject_bad_remote_increments[{i}]": Expected(
            "Invalid frames are never serialized (WINDOW_UPDATE increment 0)",
            "InvalidDataError: WINDOW_UPDATE frame, window_increment: must be in 1..2**31-1 (got 0)",
        )
        for i in (0, 1)
    },
    **{
        f"tests/test_invalid_frame_sequences.py::TestInvalidFrameSequences::test_clients_reject_odd_stream_pushes[request_headers{i}]": Expected(
            "Invalid frames are never serialized (odd promised stream id)",
            "InvalidDataError: PUSH_PROMISE frame, promised_stream_id: must be a non-zero even 31-bit id (got 3)",
        )
        for i in (0, 1)
    },
    "tests/test_invalid_frame_sequences.py::TestInvalidFrameSequences::test_reject_invalid_settings_values[settings0]": _settings(
        "settings[ENABLE_PUSH]: must be 0 or 1 (got 5)"
    ),
    "tests/test_invalid_frame_sequences.py::TestInvalidFrameSequences::test_reject_invalid_settings_values[settings1]": _settings(
        "settings[INITIAL_WINDOW_SIZE]: must be at most 2**31-1 (got 2147483648)"
    ),
    "tests/test_invalid_frame_sequences.py::TestInvalidFrameSequences::test_reject_invalid_settings_values[settings2]": _settings(
        "settings[MAX_FRAME_SIZE]: must be in 2**14..2**24-1 (got 5)"
    ),
    "tests/test_invalid_frame_sequences.py::TestInvalidFrameSequences::test_reject_invalid_settings_values[settings3]": _settings(
        "settings[MAX_FRAME_SIZE]: must be in 2**14..2**24-1 (got 16777216)"
    ),
    **{
        f"tests/test_priority.py::TestPriority::test_streams_may_not_depend_on_themselves[request_headers{i}]": Expected(
            "Invalid frames are never serialized (self-dependent PRIORITY)",
            "InvalidDataError: PRIORITY frame, depends_on: a stream cannot depend on itself",
        )
        for i in (0, 1)
    },
    "tests/test_basic_logic.py::TestBasicClient::test_changing_max_frame_size": Expected(
        "A payload over 2**24-1 octets is refused, not wrapped (hypothesis draws frame_size=2**24-1)",
        "InvalidFrameError: DATA frame, length: payload of 16777216 octets exceeds 2**24-1",
    ),
}

#: Tests each suite must run (the baselines with the real hyperframe 6.1.0).
TOTALS = {"hyperframe": 142, "h2": 1662}
