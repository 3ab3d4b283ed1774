"""h2wire: exact, typed, immutable HTTP/2 frames.

Where things live:

* :mod:`h2wire.codes`  - code points: FrameType, SettingCode, ErrorCode and their Final ints
* :mod:`h2wire.errors` - FrameError (code, scope, stream, field), IncompleteFrameError
* :mod:`h2wire.wire`   - the frame header (read and write), flag bits, limits, the §4.2 size rule
* :mod:`h2wire.frames` - the frame model: one module per type family, each class with its
  fields, rules, load() and serialize(); the FRAME_TYPES registry
* :mod:`h2wire.codec`  - parse_frame / parse_payload: bytes to frames
* :mod:`h2wire.mode`   - COMPILED, and what keeps the compiled and pure builds alike
* :mod:`h2wire.decoder` - FrameDecoder: streaming, sans-I/O, with abuse limits
* :mod:`h2wire.encoder` - split_header_block, split_data(_vectored), serialize_frames,
  serialize_vectored
* :mod:`h2wire.hyperframe` - hyperframe 6.1.0's API on h2wire, and install()
"""

from __future__ import annotations

from h2wire.codec import parse_frame, parse_payload
from h2wire.codes import ErrorCode, FrameType, SettingCode
from h2wire.decoder import CLIENT_PREFACE, FrameDecoder
from h2wire.encoder import (
    COALESCE_BELOW,
    serialize_frames,
    serialize_vectored,
    split_data,
    split_data_vectored,
    split_header_block,
)
from h2wire.errors import FrameError, IncompleteFrameError, Scope
from h2wire.frames import (
    FRAME_TYPES,
    AltSvcFrame,
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    OriginFrame,
    PingFrame,
    PriorityFrame,
    PriorityUpdateFrame,
    PushPromiseFrame,
    RstStreamFrame,
    SettingsFrame,
    StreamDependency,
    UnknownFrame,
    WindowUpdateFrame,
    register_frame_type,
    unregister_frame_type,
)

__version__ = "0.1.0"

__all__ = [
    "CLIENT_PREFACE",
    "COALESCE_BELOW",
    "FRAME_TYPES",
    "AltSvcFrame",
    "ContinuationFrame",
    "DataFrame",
    "ErrorCode",
    "Frame",
    "FrameDecoder",
    "FrameError",
    "FrameType",
    "GoAwayFrame",
    "HeadersFrame",
    "IncompleteFrameError",
    "OriginFrame",
    "PingFrame",
    "PriorityFrame",
    "PriorityUpdateFrame",
    "PushPromiseFrame",
    "RstStreamFrame",
    "Scope",
    "SettingCode",
    "SettingsFrame",
    "StreamDependency",
    "UnknownFrame",
    "WindowUpdateFrame",
    "__version__",
    "parse_frame",
    "parse_payload",
    "register_frame_type",
    "serialize_frames",
    "serialize_vectored",
    "split_data",
    "split_data_vectored",
    "split_header_block",
    "unregister_frame_type",
]
