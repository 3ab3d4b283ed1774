"""Every example of the hyperframe API specification, run after install().

The examples are the specification's (../shared/spec), imports included; each
test checks what the example prints.  The specification's parsing example writes
its byte literals with doubled backslashes (a rendering artefact: as written they
would be literal backslash characters); the intended bytes are used here.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator

import pytest

import h2wire.hyperframe

ALIASES = ("hyperframe", "hyperframe.frame", "hyperframe.flags", "hyperframe.exceptions")


@pytest.fixture
def installed() -> Iterator[None]:
    """install() for one test; the previous sys.modules entries are put back after."""
    saved = {name: sys.modules.get(name) for name in ALIASES}
    h2wire.hyperframe.install()
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def run(code: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<spec example>", "exec"), {})
    return out.getvalue().splitlines()


@pytest.mark.usefixtures("installed")
def test_settings_example() -> None:
    assert run("""
from hyperframe.frame import SettingsFrame
# Create SETTINGS frame with configuration
settings_frame = SettingsFrame(settings={
SettingsFrame.HEADER_TABLE_SIZE: 4096,
SettingsFrame.ENABLE_PUSH: 1,
SettingsFrame.MAX_CONCURRENT_STREAMS: 100,
SettingsFrame.INITIAL_WINDOW_SIZE: 65536,
SettingsFrame.MAX_FRAME_SIZE: 16384,
SettingsFrame.MAX_HEADER_LIST_SIZE: 8192
})
# Create SETTINGS ACK frame
settings_ack = SettingsFrame(flags=["ACK"])
print(f"Settings: {settings_frame.settings}")
print(f"ACK frame has no settings: {len(settings_ack.settings) == 0}")
# Access setting constants
print(f"Header table size setting ID: {SettingsFrame.HEADER_TABLE_SIZE}")
""") == [
        "Settings: {1: 4096, 2: 1, 3: 100, 4: 65536, 5: 16384, 6: 8192}",
        "ACK frame has no settings: True",
        "Header table size setting ID: 1",
    ]


@pytest.mark.usefixtures("installed")
def test_rst_stream_and_priority_example() -> None:
    assert run("""
from hyperframe.frame import RstStreamFrame, PriorityFrame
# Reset a stream due to error
rst_frame = RstStreamFrame(stream_id=1, error_code=8) # CANCEL error
# Set stream priority
priority_frame = PriorityFrame(
stream_id=3,
depends_on=1, # Depends on stream 1
stream_weight=16, # Weight of 16
exclusive=False # Non-exclusive dependency
)
print(f"RST_STREAM error code: {rst_frame.error_code}")
print(f"Priority: depends_on={priority_frame.depends_on}, weight={priority_frame.stream_weight}")
""") == ["RST_STREAM error code: 8", "Priority: depends_on=1, weight=16"]


@pytest.mark.usefixtures("installed")
def test_ping_and_goaway_example() -> None:
    lines = run("""
from hyperframe.frame import PingFrame, GoAwayFrame
import time
# Send PING to measure RTT
ping_data = int(time.time()).to_bytes(8, 'big') # Timestamp as opaque data
ping_frame = PingFrame(opaque_data=ping_data)
# Respond to PING
ping_ack = PingFrame(opaque_data=ping_data, flags=["ACK"])
# Graceful connection shutdown
goaway_frame = GoAwayFrame(
last_stream_id=5,
error_code=0, # NO_ERROR
additional_data=b"Server shutdown"
)
print(f"PING data: {ping_frame.opaque_data}")
print(f"GOAWAY last stream: {goaway_frame.last_stream_id}")
""")
    assert len(lines) == 2
    stamp = eval(lines[0].removeprefix("PING data: "))
    assert isinstance(stamp, bytes) and len(stamp) == 8
    assert lines[1] == "GOAWAY last stream: 5"


@pytest.mark.usefixtures("installed")
def test_window_update_example() -> None:
    assert run("""
from hyperframe.frame import WindowUpdateFrame
# Increase connection-level flow control window
connection_update = WindowUpdateFrame(
stream_id=0, # Connection level
window_increment=32768 # Increment by 32KB
)
# Increase stream-level flow control window
stream_update = WindowUpdateFrame(
stream_id=1, # Specific stream
window_increment=16384 # Increment by 16KB
)
print(f"Connection window increment: {connection_update.window_increment}")
print(f"Stream window increment: {stream_update.window_increment}")
""") == ["Connection window increment: 32768", "Stream window increment: 16384"]


@pytest.mark.usefixtures("installed")
def test_parsing_example() -> None:
    assert run("""
from hyperframe.frame import Frame
# Parse SETTINGS frame
settings_bytes = (
b'\\x00\\x00\\x0C\\x04\\x00\\x00\\x00\\x00\\x00' # Header: 12 bytes, SETTINGS, no flags
b'\\x00\\x01\\x00\\x00\\x10\\x00' # HEADER_TABLE_SIZE = 4096
b'\\x00\\x02\\x00\\x00\\x00\\x01' # ENABLE_PUSH = 1
)
frame, length = Frame.parse_frame_header(settings_bytes[:9])
frame.parse_body(memoryview(settings_bytes[9:9 + length]))
print(f"Settings frame: {frame.settings}")
# Parse WINDOW_UPDATE frame
window_bytes = b'\\x00\\x00\\x04\\x08\\x00\\x00\\x00\\x00\\x01\\x00\\x00\\x40\\x00'
frame, length = Frame.parse_frame_header(window_bytes[:9])
frame.parse_body(memoryview(window_bytes[9:9 + length]))
print(f"Window update: stream={frame.stream_id}, increment={frame.window_increment}")
""") == ["Settings frame: {1: 4096, 2: 1}", "Window update: stream=1, increment=16384"]


@pytest.mark.usefixtures("installed")
def test_error_handling_example() -> None:
    lines = run("""
from hyperframe.frame import WindowUpdateFrame, SettingsFrame
from hyperframe.exceptions import InvalidDataError, InvalidFrameError
# Invalid window increment
try:
    WindowUpdateFrame(stream_id=1, window_increment=0) # Must be >= 1
except InvalidDataError as e:
    print(f"Window update error: {e}")
# Invalid SETTINGS ACK with data
try:
    SettingsFrame(settings={1: 4096}, flags=["ACK"]) # ACK must have empty settings
except InvalidDataError as e:
    print(f"Settings error: {e}")
# Invalid PING data length
try:
    from hyperframe.frame import PingFrame
    PingFrame(opaque_data=b"too much data for ping frame") # > 8 bytes
except InvalidFrameError as e:
    print(f"Ping error: {e}")
""")
    assert [line.split(":")[0] for line in lines] == [
        "Window update error",
        "Settings error",
        "Ping error",
    ]
    assert "1 to 2^31-1" in lines[0]
    assert "ACK" in lines[1]
    assert "8 bytes" in lines[2]


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    "code",
    [
        "SettingsFrame(1)",
        "RstStreamFrame(stream_id=0)",
        "PriorityFrame(stream_id=0)",
        "PingFrame(stream_id=1)",
        "GoAwayFrame(stream_id=1)",
        "WindowUpdateFrame(stream_id=1, window_increment=2**31)",
    ],
)
def test_documented_constructor_errors(code: str) -> None:
    with pytest.raises(h2wire.hyperframe.exceptions.InvalidDataError):
        run(f"from hyperframe.frame import *\n{code}")


@pytest.mark.usefixtures("installed")
def test_install_is_real_and_idempotent() -> None:
    import hyperframe
    import hyperframe.frame

    h2wire.hyperframe.install()
    assert hyperframe is h2wire.hyperframe
    assert hyperframe.frame is h2wire.hyperframe.frame
    assert sys.modules["hyperframe.flags"] is h2wire.hyperframe.flags
    assert sys.modules["hyperframe.exceptions"] is h2wire.hyperframe.exceptions
    assert h2wire.hyperframe.installed()
    assert hyperframe.__version__ == "6.1.0"
    assert (hyperframe.frame.__file__ or "").startswith(
        (h2wire.hyperframe.__file__ or "").rsplit("/", 1)[0]
    )


def test_not_installed_outside_the_fixture() -> None:
    assert not h2wire.hyperframe.installed()
