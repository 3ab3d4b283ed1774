"""hyperframe 6.1.0's frame classes, running on h2wire's codec.

The classes keep hyperframe's shape: mutable attributes, flags as a set of
names, ``parse_frame_header`` + ``parse_body`` to read and ``serialize`` to
write.  They hold no wire layout of their own: ``parse_body`` decodes with
:func:`h2wire.parse_payload` and copies the fields; ``serialize`` builds the
native frame (which validates) and serializes it.  So the layer is exactly as
strict as h2wire; see "Differences from hyperframe 6.1.0" in docs/hyperframe.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import ClassVar, Final, Protocol, cast

from h2wire import frames as native
from h2wire.codec import parse_payload
from h2wire.codes import (
    ALTSVC,
    CONTINUATION,
    DATA,
    GOAWAY,
    HEADERS,
    PING,
    PRIORITY,
    PUSH_PROMISE,
    RST_STREAM,
    SETTINGS,
    UNKNOWN_TYPE,
    WINDOW_UPDATE,
    ErrorCode,
)
from h2wire.errors import FrameError
from h2wire.hyperframe.exceptions import (
    HyperframeError,
    InvalidDataError,
    InvalidFrameError,
    InvalidPaddingError,
    UnknownFrameError,
)
from h2wire.hyperframe.flags import Flag, Flags
from h2wire.mode import COMPILED, mypyc_attr, trait, wrong_argument_type
from h2wire.wire import DEPENDENCY, HEADER_SIZE, MAX_STREAM_ID, header, read_header

#: The largest payload before SETTINGS_MAX_FRAME_SIZE is raised (RFC 9113 §4.2).
FRAME_MAX_LEN: Final = 2**14
#: The largest payload the length field allows.
FRAME_MAX_ALLOWED_LEN: Final = 2**24 - 1

_HAS_STREAM: Final = "has-stream"
_NO_STREAM: Final = "no-stream"
_EITHER: Final = "either"


#: The flags each frame type defines (shared by the class and its instances),
#: from the native classes' tables.
_NO_FLAGS: Final[list[Flag]] = []
_SETTINGS_FLAGS: Final = [Flag(*flag) for flag in native.SettingsFrame.FLAGS]
_PING_FLAGS: Final = [Flag(*flag) for flag in native.PingFrame.FLAGS]
_CONTINUATION_FLAGS: Final = [Flag(*flag) for flag in native.ContinuationFrame.FLAGS]
_DATA_FLAGS: Final = [Flag(*flag) for flag in native.DataFrame.FLAGS]
_HEADERS_FLAGS: Final = [Flag(*flag) for flag in native.HeadersFrame.FLAGS]
_PUSH_PROMISE_FLAGS: Final = [Flag(*flag) for flag in native.PushPromiseFrame.FLAGS]


class FlagSet(Protocol):
    """What ``frame.flags`` must offer: a mutable set of flag names.

    A :class:`Flags` by default; h2 assigns plain sets.  As a Protocol it is
    stored unchecked when compiled, so any object works at run time, as in
    hyperframe.
    """

    def add(self, value: str, /) -> None: ...
    def discard(self, value: str, /) -> None: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...


def _translate(err: FrameError) -> HyperframeError:
    """h2wire's error as the hyperframe exception h2 expects (see exceptions.py).

    The native error is attached as ``__cause__`` here rather than relying on
    ``raise ... from``, which mypyc-compiled code does not always record.
    """
    message = str(err)
    translated: HyperframeError
    if err.code == ErrorCode.FRAME_SIZE_ERROR:
        translated = InvalidFrameError(message)
    elif err.field == "padding":
        translated = InvalidPaddingError(message)
    else:
        translated = InvalidDataError(message)
    translated.__cause__ = err
    return translated


def _raw_data_repr(data: bytes | memoryview | None) -> str:
    # hyperframe shows the first 10 octets in hex; only those are converted.
    if not data:
        return "None"
    text = bytes(data[:10]).hex()
    if len(data) > 10:
        text += "..."
    return f"<hex:{text}>"


def _as_bytes(data: bytes | bytearray | memoryview) -> bytes:
    return data if isinstance(data, bytes) else bytes(data)


@mypyc_attr(allow_interpreted_subclasses=True)
class Frame:
    """Base class of the hyperframe-compatible frames."""

    #: The flags this frame type defines.
    defined_flags: ClassVar[list[Flag]] = []
    #: "has-stream", "no-stream" or "either": what ``stream_id`` must be.
    stream_association: ClassVar[str | None] = None
    #: The type code the class parses as (``type`` is per instance, as in hyperframe).
    _TYPE: ClassVar[int] = UNKNOWN_TYPE

    stream_id: int
    type: int | None
    flags: FlagSet
    body_len: int

    def __init__(self, stream_id: int, flags: Iterable[str] = ()) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
        ):
            raise wrong_argument_type(Frame.__init__, stream_id)
        self._setup(stream_id, flags, self._TYPE, self.defined_flags, self.stream_association)

    def _setup(
        self,
        stream_id: int,
        flags: Iterable[str],
        type_code: int,
        defined_flags: list[Flag],
        association: str | None,
    ) -> None:
        # The built-in classes call this with module constants: reading the
        # ClassVars through self is a generic attribute lookup when compiled.
        self.stream_id = stream_id
        self.type = None if type_code < 0 else type_code
        new_flags = Flags(defined_flags)
        self.flags = new_flags
        self.body_len = 0
        for flag in flags:
            new_flags.add(flag)
        if not stream_id and association == _HAS_STREAM:
            raise InvalidDataError(f"Stream ID must be non-zero for {type(self).__name__}")
        if stream_id and association == _NO_STREAM:
            raise InvalidDataError(
                f"Stream ID must be zero for {type(self).__name__} with stream_id={stream_id}"
            )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(stream_id={self.stream_id}, flags={self.flags!r}): "
            f"{self._body_repr()}"
        )

    def _body_repr(self) -> str:
        try:
            # Looked up by name so that a patched or overridden serialize_body is
            # honoured when compiled too (a direct call would bind statically).
            serialize_body = getattr(self, "serialize_body")  # noqa: B009
            return _raw_data_repr(serialize_body())
        except Exception as err:  # repr must never raise
            return f"<{type(err).__name__}>"

    @staticmethod
    def explain(data: memoryview) -> tuple[Frame, int]:
        """Parse one frame from ``data``, print it and return it with its length."""
        frame, length = Frame.parse_frame_header(data[:9])
        frame.parse_body(data[9 : 9 + length])
        print(frame)
        return frame, length

    @staticmethod
    def parse_frame_header(header: memoryview | bytes, strict: bool = False) -> tuple[Frame, int]:
        """Read a 9-octet header: return a frame of the right class and the body length.

        Types hyperframe has no class for give an :class:`ExtensionFrame`, or
        :class:`~h2wire.hyperframe.exceptions.UnknownFrameError` when ``strict``.
        """
        raw = _as_bytes(header)
        if len(raw) != HEADER_SIZE:
            raise InvalidFrameError(f"Invalid frame header: {len(raw)} octets, 9 needed")
        length, frame_type, flag_byte, stream_id = read_header(raw, 0)
        frame: Frame
        if frame_type == DATA:  # the most frequent types, built directly
            frame = DataFrame(stream_id)
        elif frame_type == HEADERS:
            frame = HeadersFrame(stream_id)
        elif frame_type == WINDOW_UPDATE:
            frame = WindowUpdateFrame(stream_id)
        else:
            cls = FRAMES.get(frame_type)
            if cls is None:
                if strict:
                    raise UnknownFrameError(frame_type, length)
                extension = ExtensionFrame(frame_type, stream_id)
                extension.flag_byte = flag_byte
                return extension, length
            frame = cls(stream_id)
        frame.parse_flags(flag_byte)
        return frame, length

    def parse_flags(self, flag_byte: int) -> FlagSet:
        """Add the defined flags whose bits are set in ``flag_byte``."""
        flags = self.flags
        for name, bit in self.defined_flags:
            if flag_byte & bit:
                flags.add(name)
        return flags

    def _flag_byte(self) -> int:
        byte = 0
        flags = self.flags
        for name, bit in self.defined_flags:
            if name in flags:
                byte |= bit
        return byte

    def _native(self) -> native.Frame:
        """The equivalent h2wire frame (validated by its constructor)."""
        raise NotImplementedError

    def _load(self, frame: native.Frame) -> None:
        """Copy the fields of a parsed h2wire frame into this object."""
        raise NotImplementedError

    def _build(self) -> native.Frame:
        try:
            return self._native()
        except FrameError as err:
            raise _translate(err) from err

    def serialize(self) -> bytes:
        """The frame's wire bytes; sets ``body_len``."""
        frame = self._build()
        self.body_len = frame.length
        raw = frame.serialize()
        frame_type = self.type
        if frame_type is not None and frame_type != raw[3]:
            # Someone re-typed the frame (h2's tests do): honour it, as hyperframe does.
            raw = raw[:3] + bytes((frame_type & 0xFF,)) + raw[4:]
        return raw

    def serialize_body(self) -> bytes:
        """The payload's wire bytes; sets ``body_len``."""
        raw = self._build().serialize()[9:]
        self.body_len = len(raw)
        return raw

    def parse_body(self, data: memoryview) -> None:
        """Decode the payload into this frame's attributes; sets ``body_len``."""
        if self._TYPE < 0:
            raise NotImplementedError(f"{type(self).__name__} has no payload layout")
        payload = _as_bytes(data)
        try:
            frame = parse_payload(self._TYPE, self._flag_byte(), self.stream_id, payload)
        except FrameError as err:
            raise _translate(err) from err
        self._load(frame)
        self.body_len = len(payload)


@trait
class Padding:
    """Frames that can be padded: ``pad_length`` octets of padding when PADDED is set."""

    pad_length: int
    flags: FlagSet

    def serialize_padding_data(self) -> bytes:
        if "PADDED" in self.flags:
            return bytes((self.pad_length,))
        return b""

    def parse_padding_data(self, data: memoryview) -> int:
        if "PADDED" not in self.flags:
            return 0
        if len(data) < 1:
            raise InvalidFrameError("Invalid Padding data")
        self.pad_length = data[0]
        return 1


@trait
class Priority:
    """Frames with RFC 7540 priority fields; ``stream_weight`` is the wire octet."""

    depends_on: int
    stream_weight: int
    exclusive: bool

    def serialize_priority_data(self) -> bytes:
        try:
            native.StreamDependency(self.depends_on, self.stream_weight, self.exclusive)
        except FrameError as err:
            raise _translate(err) from err
        dependency = self.depends_on | (0x80000000 if self.exclusive else 0)
        return DEPENDENCY.pack(dependency, self.stream_weight)

    def parse_priority_data(self, data: memoryview) -> int:
        raw = _as_bytes(data[:5])
        if len(raw) < 5:
            raise InvalidFrameError("Invalid Priority data")
        dependency, self.stream_weight = DEPENDENCY.unpack(raw)
        self.exclusive = bool(dependency >> 31)
        self.depends_on = dependency & MAX_STREAM_ID
        return 5


class DataFrame(Frame, Padding):
    """DATA: ``data``, ``pad_length``; flags END_STREAM, PADDED."""

    defined_flags: ClassVar[list[Flag]] = _DATA_FLAGS
    stream_association: ClassVar[str | None] = _HAS_STREAM
    _TYPE: ClassVar[int] = DATA

    data: bytes | memoryview

    def __init__(
        self,
        stream_id: int,
        data: bytes = b"",
        *,
        pad_length: int = 0,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int) and isinstance(data, bytes) and isinstance(pad_length, int)
        ):
            raise wrong_argument_type(DataFrame.__init__, stream_id, data, pad_length)
        self._setup(stream_id, flags, DATA, _DATA_FLAGS, _HAS_STREAM)
        self.pad_length = pad_length
        self.data = data

    def _body_repr(self) -> str:
        # hyperframe shows the serialized body: pad length octet first when PADDED.
        data = self.data
        if "PADDED" not in self.flags:
            return _raw_data_repr(data)
        total = 1 + len(data) + self.pad_length
        head = bytes((self.pad_length & 0xFF,)) + bytes(data[:9])
        head += bytes(min(10 - len(head), self.pad_length))
        return f"<hex:{head.hex()}{'...' if total > 10 else ''}>"

    @property
    def flow_controlled_length(self) -> int:
        """The payload octets flow control counts, padding included."""
        padding = self.pad_length + 1 if "PADDED" in self.flags else 0
        return len(self.data) + padding

    def _native(self) -> native.Frame:
        data = self.data
        if not isinstance(data, bytes):
            data = self.data = bytes(data)
        flags = self.flags
        return native.DataFrame(
            self.stream_id,
            data,
            end_stream="END_STREAM" in flags,
            padding=bytes(self.pad_length) if "PADDED" in flags else None,
        )

    def _load(self, frame: native.Frame) -> None:
        parsed = cast(native.DataFrame, frame)
        self.data = parsed.data
        padding = parsed.padding
        self.pad_length = 0 if padding is None else len(padding)


class HeadersFrame(Frame, Padding, Priority):
    """HEADERS: ``data`` (field block fragment), padding and priority fields."""

    defined_flags: ClassVar[list[Flag]] = _HEADERS_FLAGS
    stream_association: ClassVar[str | None] = _HAS_STREAM
    _TYPE: ClassVar[int] = HEADERS

    data: bytes

    def __init__(
        self,
        stream_id: int,
        data: bytes = b"",
        *,
        pad_length: int = 0,
        depends_on: int = 0,
        stream_weight: int = 0,
        exclusive: bool = False,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(data, bytes)
            and isinstance(pad_length, int)
            and isinstance(depends_on, int)
            and isinstance(stream_weight, int)
            and isinstance(exclusive, bool)
        ):
            raise wrong_argument_type(
                HeadersFrame.__init__,
                stream_id,
                data,
                pad_length,
                depends_on,
                stream_weight,
                exclusive,
            )
        self._setup(stream_id, flags, HEADERS, _HEADERS_FLAGS, _HAS_STREAM)
        self.pad_length = pad_length
        self.depends_on = depends_on
        self.stream_weight = stream_weight
        self.exclusive = exclusive
        self.data = data

    def _body_repr(self) -> str:
        return (
            f"exclusive={self.exclusive}, depends_on={self.depends_on}, "
            f"stream_weight={self.stream_weight}, data={_raw_data_repr(self.data)}"
        )

    def _native(self) -> native.Frame:
        flags = self.flags
        priority = None
        if "PRIORITY" in flags:
            priority = native.StreamDependency(self.depends_on, self.stream_weight, self.exclusive)
        return native.HeadersFrame(
            self.stream_id,
            _as_bytes(self.data),
            end_stream="END_STREAM" in flags,
            end_headers="END_HEADERS" in flags,
            priority=priority,
            padding=bytes(self.pad_length) if "PADDED" in flags else None,
        )

    def _load(self, frame: native.Frame) -> None:
        parsed = cast(native.HeadersFrame, frame)
        self.data = parsed.data
        padding = parsed.padding
        self.pad_length = 0 if padding is None else len(padding)
        priority = parsed.priority
        if priority is not None:
            self.depends_on = priority.depends_on
            self.stream_weight = priority.weight
            self.exclusive = priority.exclusive


class PriorityFrame(Frame, Priority):
    """PRIORITY: ``depends_on``, ``stream_weight`` (wire octet), ``exclusive``."""

    defined_flags: ClassVar[list[Flag]] = _NO_FLAGS
    stream_association: ClassVar[str | None] = _HAS_STREAM
    _TYPE: ClassVar[int] = PRIORITY

    def __init__(
        self,
        stream_id: int,
        depends_on: int = 0,
        stream_weight: int = 0,
        exclusive: bool = False,
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(depends_on, int)
            and isinstance(stream_weight, int)
            and isinstance(exclusive, bool)
        ):
            raise wrong_argument_type(
                PriorityFrame.__init__, stream_id, depends_on, stream_weight, exclusive
            )
        self._setup(stream_id, flags, PRIORITY, _NO_FLAGS, _HAS_STREAM)
        self.depends_on = depends_on
        self.stream_weight = stream_weight
        self.exclusive = exclusive

    def _body_repr(self) -> str:
        return (
            f"exclusive={self.exclusive}, depends_on={self.depends_on}, "
            f"stream_weight={self.stream_weight}"
        )

    def _native(self) -> native.Frame:
        return native.PriorityFrame(
            self.stream_id, self.depends_on, self.stream_weight, self.exclusive
        )

    def _load(self, frame: native.Frame) -> None:
        parsed = cast(native.PriorityFrame, frame)
        self.depends_on = parsed.depends_on
        self.stream_weight = parsed.weight
        self.exclusive = parsed.exclusive


class RstStreamFrame(Frame):
    """RST_STREAM: ``error_code``."""

    defined_flags: ClassVar[list[Flag]] = _NO_FLAGS
    stream_association: ClassVar[str | None] = _HAS_STREAM
    _TYPE: ClassVar[int] = RST_STREAM

    def __init__(self, stream_id: int, error_code: int = 0, *, flags: Iterable[str] = ()) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int) and isinstance(error_code, int)
        ):
            raise wrong_argument_type(RstStreamFrame.__init__, stream_id, error_code)
        self._setup(stream_id, flags, RST_STREAM, _NO_FLAGS, _HAS_STREAM)
        self.error_code = error_code

    def _body_repr(self) -> str:
        return f"error_code={self.error_code}"

    def _native(self) -> native.Frame:
        return native.RstStreamFrame(self.stream_id, self.error_code)

    def _load(self, frame: native.Frame) -> None:
        self.error_code = cast(native.RstStreamFrame, frame).error_code


class SettingsFrame(Frame):
    """SETTINGS: ``settings`` dict (identifier -> value); flag ACK."""

    defined_flags: ClassVar[list[Flag]] = _SETTINGS_FLAGS
    stream_association: ClassVar[str | None] = _NO_STREAM
    _TYPE: ClassVar[int] = SETTINGS

    HEADER_TABLE_SIZE: ClassVar[int] = 0x01
    ENABLE_PUSH: ClassVar[int] = 0x02
    MAX_CONCURRENT_STREAMS: ClassVar[int] = 0x03
    INITIAL_WINDOW_SIZE: ClassVar[int] = 0x04
    MAX_FRAME_SIZE: ClassVar[int] = 0x05
    MAX_HEADER_LIST_SIZE: ClassVar[int] = 0x06
    ENABLE_CONNECT_PROTOCOL: ClassVar[int] = 0x08

    # Any mutable mapping: h2 assigns its own Settings object.
    settings: MutableMapping[int, int]

    def __init__(
        self,
        stream_id: int = 0,
        settings: MutableMapping[int, int] | None = None,
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
        ):
            raise wrong_argument_type(SettingsFrame.__init__, stream_id)
        flags = tuple(flags)
        self._setup(stream_id, flags, SETTINGS, _SETTINGS_FLAGS, _NO_STREAM)
        if settings and "ACK" in flags:
            raise InvalidDataError("Settings must be empty if ACK flag is set.")
        self.settings = settings or {}

    def _body_repr(self) -> str:
        return f"settings={self.settings}"

    def _native(self) -> native.Frame:
        return native.SettingsFrame(self.settings, ack="ACK" in self.flags)

    def _load(self, frame: native.Frame) -> None:
        settings = self.settings
        for identifier, value in cast(native.SettingsFrame, frame).settings:
            settings[identifier] = value


class PushPromiseFrame(Frame, Padding):
    """PUSH_PROMISE: ``promised_stream_id``, ``data``, ``pad_length``."""

    defined_flags: ClassVar[list[Flag]] = _PUSH_PROMISE_FLAGS
    stream_association: ClassVar[str | None] = _HAS_STREAM
    _TYPE: ClassVar[int] = PUSH_PROMISE

    data: bytes

    def __init__(
        self,
        stream_id: int,
        promised_stream_id: int = 0,
        data: bytes = b"",
        *,
        pad_length: int = 0,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(promised_stream_id, int)
            and isinstance(data, bytes)
            and isinstance(pad_length, int)
        ):
            raise wrong_argument_type(
                PushPromiseFrame.__init__, stream_id, promised_stream_id, data, pad_length
            )
        self._setup(stream_id, flags, PUSH_PROMISE, _PUSH_PROMISE_FLAGS, _HAS_STREAM)
        self.pad_length = pad_length
        self.promised_stream_id = promised_stream_id
        self.data = data

    def _body_repr(self) -> str:
        return f"promised_stream_id={self.promised_stream_id}, data={_raw_data_repr(self.data)}"

    def _native(self) -> native.Frame:
        flags = self.flags
        return native.PushPromiseFrame(
            self.stream_id,
            self.promised_stream_id,
            _as_bytes(self.data),
            end_headers="END_HEADERS" in flags,
            padding=bytes(self.pad_length) if "PADDED" in flags else None,
        )

    def _load(self, frame: native.Frame) -> None:
        parsed = cast(native.PushPromiseFrame, frame)
        self.promised_stream_id = parsed.promised_stream_id
        self.data = parsed.data
        padding = parsed.padding
        self.pad_length = 0 if padding is None else len(padding)


class PingFrame(Frame):
    """PING: ``opaque_data`` (at most 8 octets; zero-filled to 8 when sent); flag ACK."""

    defined_flags: ClassVar[list[Flag]] = _PING_FLAGS
    stream_association: ClassVar[str | None] = _NO_STREAM
    _TYPE: ClassVar[int] = PING

    opaque_data: bytes

    def __init__(
        self, stream_id: int = 0, opaque_data: bytes = b"", *, flags: Iterable[str] = ()
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int) and isinstance(opaque_data, bytes)
        ):
            raise wrong_argument_type(PingFrame.__init__, stream_id, opaque_data)
        self._setup(stream_id, flags, PING, _PING_FLAGS, _NO_STREAM)
        if len(opaque_data) > 8:
            raise InvalidFrameError(
                f"PING frame may not have more than 8 bytes of data, got {len(opaque_data)}"
            )
        self.opaque_data = opaque_data

    def _body_repr(self) -> str:
        return f"opaque_data={self.opaque_data!r}"

    def _native(self) -> native.Frame:
        data = self.opaque_data
        if len(data) > 8:
            raise InvalidFrameError(
                f"PING frame may not have more than 8 bytes of data, got {len(data)}"
            )
        return native.PingFrame(_as_bytes(data) + bytes(8 - len(data)), ack="ACK" in self.flags)

    def _load(self, frame: native.Frame) -> None:
        self.opaque_data = cast(native.PingFrame, frame).opaque_data


class GoAwayFrame(Frame):
    """GOAWAY: ``last_stream_id``, ``error_code``, ``additional_data``."""

    defined_flags: ClassVar[list[Flag]] = _NO_FLAGS
    stream_association: ClassVar[str | None] = _NO_STREAM
    _TYPE: ClassVar[int] = GOAWAY

    additional_data: bytes

    def __init__(
        self,
        stream_id: int = 0,
        last_stream_id: int = 0,
        error_code: int = 0,
        additional_data: bytes = b"",
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and isinstance(last_stream_id, int)
            and isinstance(error_code, int)
            and isinstance(additional_data, bytes)
        ):
            raise wrong_argument_type(
                GoAwayFrame.__init__, stream_id, last_stream_id, error_code, additional_data
            )
        self._setup(stream_id, flags, GOAWAY, _NO_FLAGS, _NO_STREAM)
        self.last_stream_id = last_stream_id
        self.error_code = error_code
        self.additional_data = additional_data

    def _body_repr(self) -> str:
        return (
            f"last_stream_id={self.last_stream_id}, error_code={self.error_code}, "
            f"additional_data={self.additional_data!r}"
        )

    def _native(self) -> native.Frame:
        return native.GoAwayFrame(
            self.last_stream_id, self.error_code, _as_bytes(self.additional_data)
        )

    def _load(self, frame: native.Frame) -> None:
        parsed = cast(native.GoAwayFrame, frame)
        self.last_stream_id = parsed.last_stream_id
        self.error_code = parsed.error_code
        self.additional_data = parsed.debug_data


class WindowUpdateFrame(Frame):
    """WINDOW_UPDATE: ``window_increment`` (1..2**31-1).

    The default of 0 constructs (h2 assigns the increment afterwards); an
    explicit value out of range raises :class:`~h2wire.hyperframe.exceptions.InvalidDataError`.
    """

    defined_flags: ClassVar[list[Flag]] = _NO_FLAGS
    stream_association: ClassVar[str | None] = _EITHER
    _TYPE: ClassVar[int] = WINDOW_UPDATE

    def __init__(
        self,
        stream_id: int,
        window_increment: int | None = None,
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
            and (window_increment is None or isinstance(window_increment, int))
        ):
            raise wrong_argument_type(WindowUpdateFrame.__init__, stream_id, window_increment)
        self._setup(stream_id, flags, WINDOW_UPDATE, _NO_FLAGS, _EITHER)
        if window_increment is None:
            self.window_increment = 0
        elif not 1 <= window_increment <= MAX_STREAM_ID:
            raise InvalidDataError(
                f"WINDOW_UPDATE increment must be between 1 to 2^31-1, got {window_increment}"
            )
        else:
            self.window_increment = window_increment

    def _body_repr(self) -> str:
        return f"window_increment={self.window_increment}"

    def _native(self) -> native.Frame:
        return native.WindowUpdateFrame(self.stream_id, self.window_increment)

    def _load(self, frame: native.Frame) -> None:
        self.window_increment = cast(native.WindowUpdateFrame, frame).window_increment


class ContinuationFrame(Frame):
    """CONTINUATION: ``data``; flag END_HEADERS."""

    defined_flags: ClassVar[list[Flag]] = _CONTINUATION_FLAGS
    stream_association: ClassVar[str | None] = _HAS_STREAM
    _TYPE: ClassVar[int] = CONTINUATION

    data: bytes

    def __init__(self, stream_id: int, data: bytes = b"", *, flags: Iterable[str] = ()) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int) and isinstance(data, bytes)
        ):
            raise wrong_argument_type(ContinuationFrame.__init__, stream_id, data)
        self._setup(stream_id, flags, CONTINUATION, _CONTINUATION_FLAGS, _HAS_STREAM)
        self.data = data

    def _body_repr(self) -> str:
        return f"data={_raw_data_repr(self.data)}"

    def _native(self) -> native.Frame:
        return native.ContinuationFrame(
            self.stream_id, _as_bytes(self.data), end_headers="END_HEADERS" in self.flags
        )

    def _load(self, frame: native.Frame) -> None:
        self.data = cast(native.ContinuationFrame, frame).data


class AltSvcFrame(Frame):
    """ALTSVC (RFC 7838): ``origin`` and ``field`` (the Alt-Svc field value)."""

    defined_flags: ClassVar[list[Flag]] = _NO_FLAGS
    stream_association: ClassVar[str | None] = _EITHER
    _TYPE: ClassVar[int] = ALTSVC

    origin: bytes
    field: bytes

    def __init__(
        self,
        stream_id: int,
        origin: object = b"",
        field: object = b"",
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(stream_id, int)
        ):
            raise wrong_argument_type(AltSvcFrame.__init__, stream_id)
        # origin and field are typed object so that compiled code reaches these
        # checks and raises InvalidDataError for str, as hyperframe does.
        self._setup(stream_id, flags, ALTSVC, _NO_FLAGS, _EITHER)
        if not isinstance(origin, bytes):
            raise InvalidDataError("AltSvc origin must be a bytestring.")
        if not isinstance(field, bytes):
            raise InvalidDataError("AltSvc field must be a bytestring.")
        self.origin = origin
        self.field = field

    def _body_repr(self) -> str:
        return f"origin={self.origin!r}, field={self.field!r}"

    def _native(self) -> native.Frame:
        return native.AltSvcFrame(self.stream_id, self.origin, self.field)

    def _load(self, frame: native.Frame) -> None:
        parsed = cast(native.AltSvcFrame, frame)
        self.origin = parsed.origin
        self.field = parsed.field_value


class ExtensionFrame(Frame):
    """A frame of a type hyperframe has no class for: ``type``, ``flag_byte``, ``body``."""

    stream_association: ClassVar[str | None] = _EITHER

    flag_byte: int
    body: bytes

    def __init__(
        self,
        type: int,
        stream_id: int,
        flag_byte: int = 0x0,
        body: bytes = b"",
        *,
        flags: Iterable[str] = (),
    ) -> None:
        if not COMPILED and not (  # compiled, mypyc makes these checks itself
            isinstance(type, int)
            and isinstance(stream_id, int)
            and isinstance(flag_byte, int)
            and isinstance(body, bytes)
        ):
            raise wrong_argument_type(ExtensionFrame.__init__, type, stream_id, flag_byte, body)
        super().__init__(stream_id, flags)
        self.type = type
        self.flag_byte = flag_byte
        self.body = body

    def _body_repr(self) -> str:
        return f"type={self.type}, flag_byte={self.flag_byte}, body={_raw_data_repr(self.body)}"

    def parse_flags(self, flag_byte: int) -> FlagSet:
        """Extension frames keep the whole flags octet in ``flag_byte``."""
        self.flag_byte = flag_byte
        return self.flags

    def parse_body(self, data: memoryview) -> None:
        self.body = _as_bytes(data)
        self.body_len = len(self.body)

    def _wire(self) -> tuple[bytes, bytes]:
        body = _as_bytes(self.body)
        frame_type = self.type
        if frame_type is None or not 0 <= frame_type <= 0xFF:
            raise InvalidDataError(f"ExtensionFrame type must be 0..255, got {frame_type}")
        if not 0 <= self.flag_byte <= 0xFF:
            raise InvalidDataError(f"ExtensionFrame flag_byte must be 0..255, got {self.flag_byte}")
        if not 0 <= self.stream_id <= MAX_STREAM_ID:
            raise InvalidDataError(f"Stream ID must be 0..2^31-1, got {self.stream_id}")
        n = len(body)
        if n > FRAME_MAX_ALLOWED_LEN:
            raise InvalidFrameError(f"ExtensionFrame body of {n} octets exceeds 2^24-1")
        return header(n, frame_type, self.flag_byte, self.stream_id), body

    def serialize(self) -> bytes:
        header, body = self._wire()
        self.body_len = len(body)
        return header + body

    def serialize_body(self) -> bytes:
        body = self._wire()[1]
        self.body_len = len(body)
        return body


#: Frame type code -> class, for the types hyperframe 6.1.0 knows.
FRAMES: Final[dict[int, type[Frame]]] = {
    cls._TYPE: cls
    for cls in (
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
    )
}

__all__ = [
    "FRAMES",
    "FRAME_MAX_ALLOWED_LEN",
    "FRAME_MAX_LEN",
    "AltSvcFrame",
    "ContinuationFrame",
    "DataFrame",
    "ExtensionFrame",
    "Flag",
    "Flags",
    "Frame",
    "GoAwayFrame",
    "HeadersFrame",
    "Padding",
    "PingFrame",
    "Priority",
    "PriorityFrame",
    "PushPromiseFrame",
    "RstStreamFrame",
    "SettingsFrame",
    "WindowUpdateFrame",
]
