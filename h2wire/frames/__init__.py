"""The frame model: one frozen dataclass per HTTP/2 frame type.

Each class validates its fields in ``__init__`` (every rule that needs no
connection state), so any frame object that exists is valid and
``serialize()`` cannot fail.  Each class also loads itself from payload octets
(the classmethod ``load``) through that same constructor, so a rule broken on
the wire and the same rule broken by a caller raise the same
:class:`~h2wire.FrameError`.

A frame type's whole wire format (flag names and masks, fields, rules, load,
serialize) is in one module:

* :mod:`h2wire.frames.data` - DATA
* :mod:`h2wire.frames.headers` - HEADERS, PUSH_PROMISE, CONTINUATION, StreamDependency
* :mod:`h2wire.frames.settings` - SETTINGS
* :mod:`h2wire.frames.control` - PRIORITY, RST_STREAM, PING, GOAWAY, WINDOW_UPDATE
* :mod:`h2wire.frames.extensions` - ALTSVC, ORIGIN, PRIORITY_UPDATE, UnknownFrame
* :mod:`h2wire.frames.base` - the Frame base class and the rules several types share
* :mod:`h2wire.frames.registry` - FRAME_TYPES, register_frame_type()
* :mod:`h2wire.frames.raw` - RawFrame: any header and payload, valid or not (not a Frame)
"""

from __future__ import annotations

from h2wire.frames.base import Frame
from h2wire.frames.control import (
    GoAwayFrame,
    PingFrame,
    PriorityFrame,
    RstStreamFrame,
    WindowUpdateFrame,
)
from h2wire.frames.data import DataFrame
from h2wire.frames.extensions import AltSvcFrame, OriginFrame, PriorityUpdateFrame, UnknownFrame
from h2wire.frames.headers import (
    ContinuationFrame,
    HeadersFrame,
    PushPromiseFrame,
    StreamDependency,
)
from h2wire.frames.raw import RawFrame
from h2wire.frames.registry import FRAME_TYPES, register_frame_type, unregister_frame_type
from h2wire.frames.settings import SettingsFrame

__all__ = [
    "FRAME_TYPES",
    "AltSvcFrame",
    "ContinuationFrame",
    "DataFrame",
    "Frame",
    "GoAwayFrame",
    "HeadersFrame",
    "OriginFrame",
    "PingFrame",
    "PriorityFrame",
    "PriorityUpdateFrame",
    "PushPromiseFrame",
    "RawFrame",
    "RstStreamFrame",
    "SettingsFrame",
    "StreamDependency",
    "UnknownFrame",
    "WindowUpdateFrame",
    "register_frame_type",
    "unregister_frame_type",
]
