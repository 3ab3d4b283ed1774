"""SETTINGS (type 0x4, RFC 9113 §6.5): the sender's configuration, or with ACK
the acknowledgement of the peer's.

Payload: zero or more ``Identifier (16), Value (32)`` entries.  Entries are kept
in order, duplicates and unknown identifiers included (§6.5.3: "processed in
the order they appear"; §6.5.2: unknown identifiers are ignored, not errors),
so a received frame serializes back exactly.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import starmap
from typing import Final, TypeVar

from h2wire.codes import (
    SETTINGS,
    SETTINGS_ENABLE_CONNECT_PROTOCOL,
    SETTINGS_ENABLE_PUSH,
    SETTINGS_INITIAL_WINDOW_SIZE,
    SETTINGS_MAX_FRAME_SIZE,
    SETTINGS_NO_RFC7540_PRIORITIES,
    ErrorCode,
    setting_name,
)
from h2wire.errors import FrameError, frame_error
from h2wire.frames.base import (
    Frame,
    check_undefined_flags,
    connection_only_error,
    payload_too_long,
)
from h2wire.mode import COMPILED, wrong_argument_type, wrong_type
from h2wire.wire import (
    DEFAULT_MAX_FRAME_SIZE,
    FLAG_ACK,
    MAX_FRAME_SIZE_LIMIT,
    MAX_PAYLOAD,
    MAX_U16,
    MAX_U32,
    MAX_WINDOW_INCREMENT,
    header,
    read_u32,
    take_slice,
)

#: The flag SETTINGS defines (§6.5), by name; every other bit is unused.
SETTINGS_FLAGS: Final = (("ACK", FLAG_ACK),)
SETTINGS_DEFINED: Final = FLAG_ACK
SETTINGS_UNDEFINED: Final = 0xFF ^ SETTINGS_DEFINED

#: One entry, for the interpreted build: identifier, value.
SETTING_FIELDS: Final = struct.Struct(">HL")

#: Settings whose value is a boolean 0/1 (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1).
_BOOLEAN_SETTINGS: Final = (
    SETTINGS_ENABLE_PUSH,
    SETTINGS_ENABLE_CONNECT_PROTOCOL,
    SETTINGS_NO_RFC7540_PRIORITIES,
)

_Key = TypeVar("_Key", bound=int)


def _setting_error(code: ErrorCode, identifier: int, reason: str) -> FrameError:
    return frame_error(code, SETTINGS, f"settings[{setting_name(identifier)}]", reason)


def _check_setting(identifier: int, value: int, stream_id: int) -> None:
    """One entry's rules: 16-bit identifier, 32-bit value, and the value ranges
    the RFCs give (every violation a connection error)."""
    if not 0 <= identifier <= MAX_U16:
        raise frame_error(
            ErrorCode.PROTOCOL_ERROR,
            SETTINGS,
            "settings",
            f"identifier must be 16-bit (got {identifier})",
            stream_id,
        )
    if not 0 <= value <= MAX_U32:
        raise _setting_error(
            ErrorCode.PROTOCOL_ERROR, identifier, f"value must be 32-bit (got {value})"
        )
    if identifier == SETTINGS_INITIAL_WINDOW_SIZE:
        # "Values above the maximum flow-control window size of 2^31-1 MUST be
        # treated as a connection error (Section 5.4.1) of type FLOW_CONTROL_ERROR."
        if value > MAX_WINDOW_INCREMENT:
            raise _setting_error(
                ErrorCode.FLOW_CONTROL_ERROR, identifier, f"must be at most 2**31-1 (got {value})"
            )
    elif identifier == SETTINGS_MAX_FRAME_SIZE:
        # "The value advertised by an endpoint MUST be between this initial value
        # and the maximum allowed frame size (2^24-1 or 16,777,215 octets),
        # inclusive.  Values outside this range MUST be treated as a connection
        # error (Section 5.4.1) of type PROTOCOL_ERROR."
        if not DEFAULT_MAX_FRAME_SIZE <= value <= MAX_FRAME_SIZE_LIMIT:
            raise _setting_error(
                ErrorCode.PROTOCOL_ERROR, identifier, f"must be in 2**14..2**24-1 (got {value})"
            )
    elif value > 1 and identifier in _BOOLEAN_SETTINGS:
        # ENABLE_PUSH: "Any value other than 0 or 1 MUST be treated as a
        # connection error (Section 5.4.1) of type PROTOCOL_ERROR."  RFC 8441 §3
        # and RFC 9218 §2.1 say the same of theirs.
        raise _setting_error(ErrorCode.PROTOCOL_ERROR, identifier, f"must be 0 or 1 (got {value})")


#: The settings with a value rule of their own, and their allowed values: the
#: rules of _check_setting as data, for the interpreted fast path.  Kept apart
#: because reading this table in _check_setting costs the compiled build ~15% on
#: SETTINGS; tests/test_model.py checks both agree on every rule's edges.
SETTING_LIMITS: Final = {
    SETTINGS_ENABLE_PUSH: (0, 1),
    SETTINGS_INITIAL_WINDOW_SIZE: (0, MAX_WINDOW_INCREMENT),
    SETTINGS_MAX_FRAME_SIZE: (DEFAULT_MAX_FRAME_SIZE, MAX_FRAME_SIZE_LIMIT),
    SETTINGS_ENABLE_CONNECT_PROTOCOL: (0, 1),
    SETTINGS_NO_RFC7540_PRIORITIES: (0, 1),
}
#: Most entries one SETTINGS payload can hold (6 octets each, §4.1's 24-bit length).
MAX_SETTINGS_ENTRIES: Final = MAX_PAYLOAD // 6

# The interpreted fast path's bounds, indexed by identifier below FAST_IDS:
# SETTING_LIMITS as two tuples (a tuple index is cheaper than a dict lookup
# there), every bound capped at 2**30-1.  CPython 3.11 specializes comparisons
# of single-digit ints (below 2**30) only, so the fast path compares nothing
# larger; a value above the cap is not rejected, it takes the general path.
FAST_CAP: Final = 2**30 - 1
FAST_IDS: Final = max(SETTING_LIMITS) + 1
FAST_LOW: Final = tuple(SETTING_LIMITS.get(i, (0, MAX_U32))[0] for i in range(FAST_IDS))
FAST_HIGH: Final = tuple(
    min(SETTING_LIMITS.get(i, (0, MAX_U32))[1], FAST_CAP) for i in range(FAST_IDS)
)


def settings_entries(pairs: Iterable[object], stream_id: int) -> tuple[tuple[int, int], ...]:
    """Check every SETTINGS entry and return them as pairs of plain ints."""
    entries: list[tuple[int, int]] = []
    # Items stay objects here: typed as pairs, compiled code would unbox each
    # one and box it again for every check.
    entry: object
    for entry in pairs:
        if not isinstance(entry, tuple) or len(entry) != 2:
            raise TypeError(f"settings entries must be (identifier, value) pairs, got {entry!r}")
        identifier = entry[0]
        value = entry[1]
        if not isinstance(identifier, int):
            raise wrong_type("int", identifier)
        if not isinstance(value, int):
            raise wrong_type("int", value)
        # Only identifiers with a value rule (a literal tuple compiles to
        # comparisons), or values out of range, need the checker.
        if identifier in (
            SETTINGS_ENABLE_PUSH,
            SETTINGS_INITIAL_WINDOW_SIZE,
            SETTINGS_MAX_FRAME_SIZE,
            SETTINGS_ENABLE_CONNECT_PROTOCOL,
            SETTINGS_NO_RFC7540_PRIORITIES,
        ) or not (0 <= identifier <= MAX_U16 and 0 <= value <= MAX_U32):
            _check_setting(identifier, value, stream_id)
        # (The items' types are read from the pair itself: compiled,
        # ``identifier`` is an unboxed int by now, its type always int.)
        if type(entry[0]) is int and type(entry[1]) is int:
            entries.append(entry)  # already plain ints: keep the pair as it is
        else:
            # An IntEnum member or a bool becomes a plain int ("+ 0": int()
            # is a call when compiled).
            entries.append((identifier + 0, value + 0))
    if len(entries) > MAX_SETTINGS_ENTRIES:  # pragma: no cover - needs 2,796,203 entries
        raise payload_too_long(SETTINGS, 6 * len(entries), stream_id)
    return tuple(entries)


def setting_pairs(settings: Mapping[_Key, int] | Iterable[tuple[int, int]]) -> Iterable[object]:
    """The entries of a mapping (its items) or of an iterable of pairs, unchecked."""
    # Concrete types first: the Mapping ABC check alone costs more than a
    # whole small frame.
    if isinstance(settings, dict):
        return settings.items()
    if isinstance(settings, (list, tuple)):
        return settings
    if isinstance(settings, Mapping):
        return settings.items()
    return settings


@dataclass(frozen=True, init=False, repr=False)
class SettingsFrame(Frame):
    """SETTINGS (0x4, RFC 9113 §6.5).

    ``settings`` is the ordered tuple of (identifier, value) pairs exactly as
    sent: duplicates and unknown identifiers are kept.  :meth:`as_dict` applies
    them in order (last one wins), as a receiver must.
    """

    #: (identifier, value) pairs in wire order, duplicates and unknown identifiers kept.
    settings: tuple[tuple[int, int], ...]
    #: ACK: this frame acknowledges the peer's SETTINGS (and carries none).
    ack: bool
    #: Flag bits the type does not define, as received (0 for frames you build).
    undefined_flags: int

    def __init__(
        self,
        settings: Mapping[_Key, int] | Iterable[tuple[int, int]] = (),
        *,
        ack: bool = False,
        stream_id: int = 0,
        undefined_flags: int = 0,
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(ack, bool)
            and isinstance(stream_id, int)
            and isinstance(undefined_flags, int)
        ):
            raise wrong_argument_type(
                SettingsFrame.__init__, settings, ack, stream_id, undefined_flags
            )
        # "If an endpoint receives a SETTINGS frame whose Stream Identifier field
        # is anything other than 0x00, the endpoint MUST respond with a
        # connection error (Section 5.4.1) of type PROTOCOL_ERROR." (§6.5)
        if stream_id != 0:
            raise connection_only_error(SETTINGS, stream_id)
        entries: tuple[tuple[int, int], ...] | None
        if COMPILED:
            entries = settings_entries(setting_pairs(settings), stream_id)
        else:
            # Interpreted, the usual input (pairs of plain ints in a dict, or
            # in a list as parsing builds them) is accepted by a loop ~2x
            # cheaper than the general one: anything else, any value above
            # 2**30-1 and every error go to settings_entries, which has the
            # exact checks and words.  The loop is written twice, for a dict
            # (whose items are pairs) and for a list or tuple (whose entries
            # are checked): a helper shared by both costs ~50 ns a call, the
            # pair check ~15 ns an entry.  tests/test_model.py runs both
            # against settings_entries on every rule's edges.
            entries = None
            if type(settings) is dict:
                # Distinct identifiers: never more than MAX_SETTINGS_ENTRIES.
                entries = tuple(settings.items())
                for identifier, value in entries:
                    if type(identifier) is not int or type(value) is not int:
                        entries = None
                        break
                    if identifier < FAST_IDS:
                        if (
                            identifier < 0
                            or value < FAST_LOW[identifier]
                            or value > FAST_HIGH[identifier]
                        ):
                            entries = None
                            break
                    elif identifier > MAX_U16 or value < 0 or value > FAST_CAP:
                        entries = None
                        break
            elif (type(settings) is list or type(settings) is tuple) and len(
                settings
            ) <= MAX_SETTINGS_ENTRIES:
                entries = tuple(settings)
                try:
                    for entry in entries:
                        if type(entry) is not tuple:
                            entries = None
                            break
                        identifier, value = entry  # ValueError unless a pair
                        if type(identifier) is not int or type(value) is not int:
                            entries = None
                            break
                        if identifier < FAST_IDS:
                            if (
                                identifier < 0
                                or value < FAST_LOW[identifier]
                                or value > FAST_HIGH[identifier]
                            ):
                                entries = None
                                break
                        elif identifier > MAX_U16 or value < 0 or value > FAST_CAP:
                            entries = None
                            break
                except ValueError:
                    entries = None
            if entries is None:
                entries = settings_entries(setting_pairs(settings), stream_id)
        # ACK: "When this bit is set, the frame payload of the SETTINGS frame
        # MUST be empty."
        if ack and entries:
            raise frame_error(
                ErrorCode.FRAME_SIZE_ERROR,
                SETTINGS,
                "settings",
                "an ACK must carry no settings",
                stream_id,
            )
        if undefined_flags:
            check_undefined_flags(SETTINGS, undefined_flags, SETTINGS_DEFINED, stream_id)
        if COMPILED:  # mypyc turns these calls into native attribute stores
            object.__setattr__(self, "stream_id", stream_id)
            object.__setattr__(self, "settings", entries)
            object.__setattr__(self, "ack", ack)
            object.__setattr__(self, "undefined_flags", undefined_flags)
        else:  # interpreted, writing the instance dict is ~3x cheaper per field
            state = self.__dict__
            state["stream_id"] = stream_id
            state["settings"] = entries
            state["ack"] = ack
            state["undefined_flags"] = undefined_flags

    @classmethod
    def load(cls, flags: int, stream_id: int, buf: bytes, start: int, end: int) -> Frame:
        length = end - start
        # "The stream identifier for a SETTINGS frame MUST be zero (0x00)." (§6.5)
        if stream_id != 0:
            raise connection_only_error(SETTINGS, stream_id)
        # "Receipt of a SETTINGS frame with the ACK flag set and a length field
        # value other than 0 MUST be treated as a connection error (Section
        # 5.4.1) of type FRAME_SIZE_ERROR."
        if flags & FLAG_ACK and length != 0:
            raise frame_error(
                ErrorCode.FRAME_SIZE_ERROR,
                SETTINGS,
                "length",
                f"an ACK must have an empty payload (got {length} octets)",
            )
        # "A SETTINGS frame with a length other than a multiple of 6 octets MUST
        # be treated as a connection error (Section 5.4.1) of type
        # FRAME_SIZE_ERROR."
        if length % 6:
            raise frame_error(
                ErrorCode.FRAME_SIZE_ERROR,
                SETTINGS,
                "length",
                f"payload must be a multiple of 6 octets (got {length})",
            )
        entries: list[tuple[int, int]] = []
        if COMPILED:  # octet indexing is native; struct is a Python-level call
            for pos in range(start, end, 6):
                entries.append(((buf[pos] << 8) | buf[pos + 1], read_u32(buf, pos + 2)))
        elif length:  # interpreted, one C loop builds the pairs (~3x cheaper)
            entries.extend(SETTING_FIELDS.iter_unpack(take_slice(buf, start, end)))
        return SettingsFrame(
            entries, ack=bool(flags & FLAG_ACK), undefined_flags=flags & SETTINGS_UNDEFINED
        )

    @property
    def flags(self) -> int:
        if self.ack:
            return self.undefined_flags | FLAG_ACK
        return self.undefined_flags

    @property
    def length(self) -> int:
        return 6 * len(self.settings)

    def as_dict(self) -> dict[int, int]:
        """The settings applied in order: a later duplicate overrides an earlier one."""
        return dict(self.settings)

    def serialize(self) -> bytes:
        if self.ack and not self.undefined_flags:
            return HEADER_SETTINGS_ACK  # an ACK carries no settings
        settings = self.settings
        head = header(6 * len(settings), SETTINGS, self.flags, 0)
        if COMPILED:
            parts = [head]
            for identifier, value in settings:
                parts.append(((identifier << 32) | value).to_bytes(6, "big"))
            return b"".join(parts)
        # Interpreted, struct packs the entries in one C loop.
        return head + b"".join(starmap(SETTING_FIELDS.pack, settings))


#: The whole of a SETTINGS ACK: serializing one is no work at all.
HEADER_SETTINGS_ACK: Final = header(0, SETTINGS, FLAG_ACK, 0)

SettingsFrame.TYPE = SETTINGS
SettingsFrame.DEFINED_FLAGS = SETTINGS_DEFINED
SettingsFrame.FLAGS = SETTINGS_FLAGS

__all__ = ["SETTINGS_FLAGS", "SettingsFrame"]
