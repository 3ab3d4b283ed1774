"""The exceptions h2wire raises for invalid frames.

Every framing rule violation, whether found while parsing bytes or while
constructing a frame object, raises :class:`FrameError`.  It carries the RFC 9113
error code to send, the scope of the error (what the peer must do about it), the
stream it concerns and the name of the offending field.  :func:`frame_error`
writes every such message the same way: ``"<FRAME> frame, <field>: <reason>"``.
"""

from __future__ import annotations

import re
from enum import Enum

from h2wire.codes import ErrorCode, frame_label


class Scope(Enum):
    """How an endpoint must treat a framing error (RFC 9113 §5.4)."""

    #: Connection error: send GOAWAY with the code and close the connection.
    CONNECTION = "connection"
    #: Stream error: send RST_STREAM with the code on ``stream_id``.
    STREAM = "stream"
    #: The frame is malformed but the extension's RFC says to ignore such a
    #: frame (e.g. a truncated ORIGIN frame, RFC 8336): discard it, no error.
    FRAME = "frame"


class FrameError(Exception):
    """A frame violates a framing rule.

    The message names the frame and the field (see :func:`~h2wire.errors.frame_error`); the
    attributes say what to do about it.
    """

    #: The :class:`~h2wire.ErrorCode` the RFC prescribes.
    code: ErrorCode
    #: The :class:`Scope` of the error: what the endpoint must do.
    scope: Scope
    #: The stream the frame was on (0 for connection-level frames).
    stream_id: int
    #: The name of the field (or ``"length"``, ``"type"``) at fault.
    field: str
    #: A stable, lower-case name of the rule broken, for metrics:
    #: ``"frame_size"``, ``"data_stream_id"``, ``"ping_flood"`` (like Go's
    #: ``countError`` tokens).  Messages may be reworded; tokens are not.
    token: str

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        scope: Scope = Scope.CONNECTION,
        stream_id: int = 0,
        field: str = "",
        token: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.scope = scope
        self.stream_id = stream_id
        self.field = field
        self.token = token or _token(field or "frame")

    @property
    def is_connection_error(self) -> bool:
        """True when the whole connection must be closed (GOAWAY)."""
        return self.scope is Scope.CONNECTION

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_error,
            (
                self.__class__,
                self.code,
                str(self),
                self.scope,
                self.stream_id,
                self.field,
                self.token,
            ),
        )


class IncompleteFrameError(FrameError):
    """The input ends before the frame does.

    ``needed`` is the number of bytes, counted from the offset passed to
    :func:`~h2wire.parse_frame`, that the next frame occupies when known
    (9 while the header itself is incomplete).  A streaming caller waits until it
    has that many bytes and calls again; at the real end of a stream it is a
    FRAME_SIZE_ERROR like any truncated frame.
    """

    needed: int

    def __init__(self, needed: int, available: int) -> None:
        super().__init__(
            ErrorCode.FRAME_SIZE_ERROR,
            f"incomplete frame, length: {needed} bytes needed, {available} available",
            field="length",
            token="incomplete_frame",
        )
        self.needed = needed

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_incomplete, (self.needed, 0))


def frame_error(
    code: ErrorCode,
    frame_type: int,
    field: str,
    reason: str,
    stream_id: int = 0,
    scope: Scope = Scope.CONNECTION,
    token: str = "",
) -> FrameError:
    """The error for ``field`` of a frame of ``frame_type`` breaking a rule:
    ``"DATA frame, stream_id: must be non-zero"``, token ``"data_stream_id"``
    unless the rule has a name of its own.

    Callers ``raise`` what this returns, which keeps mypy's flow analysis and
    the tracebacks pointing at the check itself.
    """
    label = frame_label(frame_type)
    message = f"{label} frame, {field}: {reason}"
    if not token:
        kind = _token(label)
        name = _token(field)
        token = name if name.startswith(kind + "_") else f"{kind}_{name}"
    return FrameError(code, message, scope=scope, stream_id=stream_id, field=field, token=token)


def _token(text: str) -> str:
    """``"settings[MAX_FRAME_SIZE]"`` -> ``"settings_max_frame_size"``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _rebuild_error(
    cls: type[FrameError],
    code: ErrorCode,
    message: str,
    scope: Scope,
    stream_id: int,
    field: str,
    token: str,
) -> FrameError:
    return cls(code, message, scope=scope, stream_id=stream_id, field=field, token=token)


def _rebuild_incomplete(needed: int, available: int) -> IncompleteFrameError:
    return IncompleteFrameError(needed, available)


__all__ = ["FrameError", "IncompleteFrameError", "Scope", "frame_error"]
