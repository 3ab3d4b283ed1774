"""hyperframe's exception hierarchy, for code written against hyperframe.

The layer raises these from h2wire's own :class:`~h2wire.FrameError` (available
as ``__cause__``, with its RFC error code and scope).  The mapping is:
FRAME_SIZE_ERROR -> :class:`InvalidFrameError`; a padding violation ->
:class:`InvalidPaddingError`; any other rule -> :class:`InvalidDataError`.
"""

from __future__ import annotations


class HyperframeError(Exception):
    """Base class of the hyperframe-compatible exceptions."""


class UnknownFrameError(HyperframeError):
    """``parse_frame_header(..., strict=True)`` met a type hyperframe has no class for."""

    def __init__(self, frame_type: int, length: int) -> None:
        super().__init__(frame_type, length)
        self.frame_type = frame_type
        self.length = length

    def __str__(self) -> str:
        return (
            f"UnknownFrameError: Unknown frame type 0x{self.frame_type:X} received, "
            f"length {self.length} bytes"
        )


class InvalidPaddingError(HyperframeError):
    """The pad length does not fit in the frame."""


class InvalidFrameError(HyperframeError):
    """The frame's layout is wrong: a size error (FRAME_SIZE_ERROR)."""


class InvalidDataError(HyperframeError):
    """A field's value breaks a rule of the protocol (PROTOCOL_ERROR and others)."""
