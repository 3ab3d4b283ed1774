"""Which class builds frames of which type code: the built-in types, and the
extension types an application registers.

The codec names the built-in types in its dispatch; for any other code it asks
:data:`~h2wire.FRAME_TYPES` (the same table, read-only), and builds an
:class:`~h2wire.UnknownFrame` when no class is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from h2wire.frames.base import REGISTRY, Frame
from h2wire.frames.control import (
    GoAwayFrame,
    PingFrame,
    PriorityFrame,
    RstStreamFrame,
    WindowUpdateFrame,
)
from h2wire.frames.data import DataFrame
from h2wire.frames.extensions import AltSvcFrame, OriginFrame, PriorityUpdateFrame
from h2wire.frames.headers import ContinuationFrame, HeadersFrame, PushPromiseFrame
from h2wire.frames.settings import SettingsFrame

#: The classes h2wire defines, in type-code order; they cannot be unregistered.
BUILTIN_TYPES: Final[tuple[type[Frame], ...]] = (
    DataFrame,
    HeadersFrame,
    PriorityFrame,
    RstStreamFrame,
    SettingsFrame,
    PushPromiseFrame,
    PingFrame,
    GoAwayFrame,
    WindowUpdateFrame,
    ContinuationFrame,
    AltSvcFrame,
    OriginFrame,
    PriorityUpdateFrame,
)
REGISTRY.update({cls.TYPE: cls for cls in BUILTIN_TYPES})

#: Read-only mapping of frame type code to frame class: the built-in types and
#: any registered with :func:`register_frame_type`.
FRAME_TYPES: Final[Mapping[int, type[Frame]]] = MappingProxyType(REGISTRY)


def register_frame_type(cls: type[Frame]) -> type[Frame]:
    """Register ``cls`` as the class for frames of type ``cls.TYPE``.

    ``cls`` must subclass :class:`~h2wire.Frame`, set ``TYPE`` to an unclaimed
    type code (0..255) after its class statement, and implement the classmethod
    ``load(flags, stream_id, buf, start, end)`` (its payload is
    ``buf[start:end]``), ``serialize``, ``flags`` and ``length``.  From then on
    :func:`~h2wire.parse_frame` and :class:`~h2wire.FrameDecoder` build such
    frames with ``cls.load`` instead of :class:`~h2wire.UnknownFrame`.  Usable
    as a class decorator; returns ``cls``.
    """
    if not isinstance(cls, type) or not issubclass(cls, Frame):
        raise TypeError(f"{cls!r} is not a Frame subclass")
    code = getattr(cls, "TYPE", None)
    if not isinstance(code, int) or not 0 <= code <= 0xFF:
        raise ValueError(f"{cls.__name__}.TYPE must be a frame type code 0..255, got {code!r}")
    current = REGISTRY.get(code)
    if current is not None and current is not cls:
        raise ValueError(f"frame type {code:#04x} is already registered to {current.__name__}")
    REGISTRY[code] = cls
    return cls


def unregister_frame_type(code: int) -> None:
    """Remove a class added by :func:`register_frame_type` (built-in types stay)."""
    current = REGISTRY.get(code)
    if current is None:
        return
    if current in BUILTIN_TYPES:
        raise ValueError(f"frame type {code:#04x} is built in and cannot be unregistered")
    del REGISTRY[code]


__all__ = ["BUILTIN_TYPES", "FRAME_TYPES", "register_frame_type", "unregister_frame_type"]
