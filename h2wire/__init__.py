"""h2wire: exact, typed, immutable HTTP/2 frames.

Where things live:

* :mod:`h2wire.codes`  - code points: FrameType, SettingCode, ErrorCode and their Final ints
* :mod:`h2wire.errors` - FrameError (code, scope, stream, field), IncompleteFrameError
* ``h2wire.wire``     - the frame header (read and write), flag bits, limits, the §4.2 size rule
* :mod:`h2wire.frames` - the frame model: one module per type family, each class with its
  fields, rules, load() and serialize(); the FRAME_TYPES registry
* ``h2wire.codec``    - parse_frame / parse_payload: bytes to frames; read_raw_frame
* :mod:`h2wire.mode`   - COMPILED, and what keeps the compiled and pure builds alike
* :mod:`h2wire.decoder` - FrameDecoder: streaming, sans-I/O, with limits; lenient mode
* :mod:`h2wire.guards` - Guards, RateLimit: the rate guards against HTTP/2 floods
* :mod:`h2wire.encoder` - split_header_block, split_data(_vectored), serialize_frames,
  serialize_vectored
* :mod:`h2wire.hyperframe` - hyperframe 6.1.0's API on h2wire, and install()
"""

from __future__ import annotations

from h2wire.codec import parse_frame, parse_payload, read_raw_frame
from h2wire.codes import ErrorCode, FrameType, SettingCode
from h2wire.decoder import CLIENT_PREFACE, DecoderStats, FrameDecoder, Received
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
    RawFrame,
    RstStreamFrame,
    SettingsFrame,
    StreamDependency,
    UnknownFrame,
    WindowUpdateFrame,
    register_frame_type,
    unregister_frame_type,
)
from h2wire.guards import Guards, RateLimit

__version__ = "0.1.0"

__all__ = [
    "CLIENT_PREFACE",
    "COALESCE_BELOW",
    "FRAME_TYPES",
    "AltSvcFrame",
    "ContinuationFrame",
    "DataFrame",
    "DecoderStats",
    "ErrorCode",
    "Frame",
    "FrameDecoder",
    "FrameError",
    "FrameType",
    "GoAwayFrame",
    "Guards",
    "HeadersFrame",
    "IncompleteFrameError",
    "OriginFrame",
    "PingFrame",
    "PriorityFrame",
    "PriorityUpdateFrame",
    "PushPromiseFrame",
    "RateLimit",
    "RawFrame",
    "Received",
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
    "read_raw_frame",
    "register_frame_type",
    "serialize_frames",
    "serialize_vectored",
    "split_data",
    "split_data_vectored",
    "split_header_block",
    "unregister_frame_type",
]
