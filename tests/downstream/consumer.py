"""A downstream user's code: must type-check under mypy --strict against h2wire."""

from __future__ import annotations

import h2wire
from h2wire import DataFrame, ErrorCode, Frame, FrameError, Scope, parse_frame


def stream_ids(raw: bytes) -> list[int]:
    ids: list[int] = []
    offset = 0
    while offset < len(raw):
        frame: Frame
        frame, size = parse_frame(raw, offset)
        ids.append(frame.stream_id)
        offset += size
    return ids


def body(frame: Frame) -> bytes:
    if isinstance(frame, DataFrame):
        data: bytes = frame.data
        end: bool = frame.end_stream
        return data if end else b""
    return b""


def classify(err: FrameError) -> tuple[ErrorCode, bool]:
    return err.code, err.scope is Scope.CONNECTION


def build() -> bytes:
    settings = h2wire.SettingsFrame({h2wire.SettingCode.MAX_FRAME_SIZE: 2**20})
    return settings.serialize() + h2wire.WindowUpdateFrame(0, 1).serialize()
