"""Raw frames: any header, any payload, valid or not.

A :class:`RawFrame` is what a tester puts on the wire on purpose and what a
lenient reader hands back: a type octet, a flags octet, a stream id with its
reserved bit, a payload, and optionally a Length field that disagrees with the
payload (for truncation and over-read tests).  It checks only that each field
fits its place in the 9-octet header, so ``serialize()`` writes exactly what
it holds.

It is deliberately not a :class:`~h2wire.Frame`: code typed for valid frames
cannot be handed a raw one by mistake.  :meth:`h2wire.Frame.to_raw` gives any valid
frame's raw form; :meth:`h2wire.RawFrame.to_frame` parses a raw frame into the valid
frame it spells, or raises the :class:`~h2wire.FrameError` RFC 9113 prescribes.
``dataclasses.replace`` changes one field: ``replace(headers.to_raw(),
stream_id=0)`` is a HEADERS frame on stream 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from h2wire.codes import ErrorCode
from h2wire.errors import FrameError
from h2wire.mode import COMPILED, wrong_argument_type
from h2wire.wire import MAX_PAYLOAD, MAX_STREAM_ID, RESERVED_BIT, header

if TYPE_CHECKING:
    from h2wire.frames.base import Frame


def _raw_error(field: str, reason: str) -> FrameError:
    # A raw frame has no type to name, and what its fields break is the header
    # layout (RFC 9113 §4.1), not a rule of a frame type.
    return FrameError(
        ErrorCode.PROTOCOL_ERROR if field != "length_field" else ErrorCode.FRAME_SIZE_ERROR,
        f"raw frame, {field}: {reason}",
        field=field,
    )


@dataclass(frozen=True, init=False)
class RawFrame:
    """A frame header and payload exactly as given (RFC 9113 §4.1 layout only).

    ``length_field`` is the Length the header carries when it should differ
    from ``len(payload)``; None (the default) writes the payload's length.
    ``reserved_bit`` sets the header's reserved bit, which receivers must
    ignore (§4.1).
    """

    frame_type: int
    flags: int
    stream_id: int
    payload: bytes
    reserved_bit: bool
    length_field: int | None

    def __init__(
        self,
        frame_type: int,
        flags: int = 0,
        stream_id: int = 0,
        payload: bytes = b"",
        *,
        reserved_bit: bool = False,
        length_field: int | None = None,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(frame_type, int)
            and isinstance(flags, int)
            and isinstance(stream_id, int)
            and isinstance(payload, bytes)
            and isinstance(reserved_bit, bool)
            and (length_field is None or isinstance(length_field, int))
        ):
            raise wrong_argument_type(
                RawFrame.__init__, frame_type, flags, stream_id, payload, reserved_bit, length_field
            )
        if not 0 <= frame_type <= 0xFF:
            raise _raw_error("frame_type", f"must be an octet (got {frame_type})")
        if not 0 <= flags <= 0xFF:
            raise _raw_error("flags", f"must be an octet (got {flags})")
        if not 0 <= stream_id <= MAX_STREAM_ID:
            raise _raw_error("stream_id", f"must be in 0..2**31-1 (got {stream_id})")
        if length_field is None:
            if len(payload) > MAX_PAYLOAD:
                raise _raw_error(
                    "length_field",
                    f"a payload of {len(payload)} octets needs a length_field (Length is 24-bit)",
                )
        elif not 0 <= length_field <= MAX_PAYLOAD:
            raise _raw_error("length_field", f"must be in 0..2**24-1 (got {length_field})")
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "frame_type", frame_type)
            object.__setattr__(self, "flags", flags)
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "payload", payload)
            object.__setattr__(self, "reserved_bit", reserved_bit)
            object.__setattr__(self, "length_field", length_field)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["frame_type"] = frame_type
            state["flags"] = flags
            state["stream_id"] = stream_id
            state["payload"] = payload
            state["reserved_bit"] = reserved_bit
            state["length_field"] = length_field

    @property
    def type(self) -> int:
        """The frame type code (as :attr:`Frame.type <h2wire.Frame.type>`)."""
        return self.frame_type

    @property
    def length(self) -> int:
        """What the header's Length field says."""
        length_field = self.length_field
        return len(self.payload) if length_field is None else length_field

    def serialize(self) -> bytes:
        """The header and payload, exactly as held (a ``length_field`` that differs
        from the payload's length is written as it is)."""
        stream = self.stream_id | RESERVED_BIT if self.reserved_bit else self.stream_id
        return header(self.length, self.frame_type, self.flags, stream) + self.payload

    def __reduce__(self) -> tuple[object, ...]:
        # Compiled, a frozen dataclass pickles only through an explicit reduce.
        return (
            _rebuild,
            (
                self.frame_type,
                self.flags,
                self.stream_id,
                self.payload,
                self.reserved_bit,
                self.length_field,
            ),
        )

    def to_frame(self, max_frame_size: int = MAX_PAYLOAD) -> Frame:
        """The valid frame these octets spell, parsed as a receiver would.

        Raises the :class:`~h2wire.FrameError` RFC 9113 prescribes when they
        break a rule; an :class:`~h2wire.IncompleteFrameError` when the Length
        field announces more than the payload holds.  A Length shorter than the
        payload makes the frame its first ``length`` octets (a receiver would
        read the rest as the next frame).  ``max_frame_size`` is the receiver's
        SETTINGS_MAX_FRAME_SIZE (by default any size the Length field allows).
        """
        from h2wire.codec import parse_frame  # the codec imports this module

        return parse_frame(self.serialize(), max_frame_size=max_frame_size)[0]


def _rebuild(
    frame_type: int,
    flags: int,
    stream_id: int,
    payload: bytes,
    reserved_bit: bool,
    length_field: int | None,
) -> RawFrame:
    return RawFrame(
        frame_type, flags, stream_id, payload, reserved_bit=reserved_bit, length_field=length_field
    )


__all__ = ["RawFrame"]
