"""The h2wire command: decode / encode round trips, errors, help."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from test_decoder import valid_streams

import h2wire as h
from h2wire import cli
from h2wire.codes import frame_type_name

EXAMPLES = Path(__file__).parent.parent / "examples"
CAPTURES = sorted(EXAMPLES.glob("*.bin"))


def run_command(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The real command line: `python -m h2wire`, in the build this run tests."""
    flags = ["-P"] if sys.flags.safe_path else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "h2wire", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )


def decode_json(data: bytes) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.decode(data, out, as_json=True, max_frame_size=2**24 - 1, colour=False)
    return status, out.getvalue()


def encode_lines(lines: str) -> tuple[int, bytes]:
    out = io.BytesIO()
    return cli.encode(io.StringIO(lines), out), out.getvalue()


def test_captures_are_shipped() -> None:
    assert [p.name for p in CAPTURES] == ["curl-h2c-client.bin", "curl-h2c-server.bin"]


@pytest.mark.parametrize("path", CAPTURES, ids=[p.name for p in CAPTURES])
def test_capture_round_trip(path: Path) -> None:
    data = path.read_bytes()
    status, lines = decode_json(data)
    assert status == 0
    assert encode_lines(lines) == (0, data)
    records = [json.loads(line) for line in lines.splitlines()]
    assert bool(records[0].get("preface")) == path.name.endswith("client.bin")
    types = {r["type"] for r in records if "type" in r}
    assert {"SETTINGS", "HEADERS"} <= types
    assert ("DATA" in types) == path.name.endswith("server.bin")


@given(valid_streams())
def test_random_streams_round_trip(frames: list[h.Frame]) -> None:
    data = h.CLIENT_PREFACE + b"".join(f.serialize() for f in frames)
    status, lines = decode_json(data)
    assert status == 0
    assert encode_lines(lines) == (0, data)


def test_decode_text_columns() -> None:
    out = io.StringIO()
    data = (
        h.SettingsFrame({3: 100}).serialize()
        + h.DataFrame(1, b"hello", end_stream=True).serialize()
    )
    assert cli.decode(data, out, as_json=False, max_frame_size=16384, colour=False) == 0
    first, second = out.getvalue().splitlines()
    assert first.split() == ["0", "SETTINGS", "-", "0", "MAX_CONCURRENT_STREAMS=100"]
    assert second.split() == ["15", "DATA", "END_STREAM", "1", "len=5", "'hello'"]
    coloured = io.StringIO()
    cli.decode(data, coloured, as_json=False, max_frame_size=16384, colour=True)
    assert "\x1b[" in coloured.getvalue()


@pytest.mark.parametrize(
    "frame",
    [
        h.HeadersFrame(3, b"x", priority=h.StreamDependency(1, 15, True), padding=b"\0"),
        h.PriorityFrame(3, 1, 7, True), h.RstStreamFrame(1, 8), h.PushPromiseFrame(1, 2, b"ab"),
        h.PingFrame(b"abcdefgh"), h.GoAwayFrame(3, 2, b"bye"), h.ContinuationFrame(1, b"c"),
        h.AltSvcFrame(0, b"o", b"f"), h.OriginFrame([b"https://a"]), h.PriorityUpdateFrame(1, b"u=1"),
        h.UnknownFrame(0xEE, 1, b"\x00\x01", undefined_flags=0x81), h.DataFrame(1, b"\x00", padding=b""),
        h.WindowUpdateFrame(0, 5),
    ],
)  # fmt: skip
def test_every_type_prints_and_round_trips(frame: h.Frame) -> None:
    out = io.StringIO()
    assert (
        cli.decode(frame.serialize(), out, as_json=False, max_frame_size=16384, colour=False) == 0
    )
    assert frame_type_name(frame.type) in out.getvalue()
    status, lines = decode_json(frame.serialize())
    assert status == 0
    assert encode_lines(lines) == (0, frame.serialize())


def test_malformed_frame_reports_offset_code_and_reason() -> None:
    data = h.PingFrame().serialize() + bytes.fromhex("000004080000000001 00000000")
    out = io.StringIO()
    assert cli.decode(data, out, as_json=False, max_frame_size=16384, colour=False) == 1
    line = out.getvalue().splitlines()[-1]
    assert "error at byte 17" in line and "PROTOCOL_ERROR" in line and "window_increment" in line
    status, lines = decode_json(data)
    record = json.loads(lines.splitlines()[-1])
    assert status == 1 and record["offset"] == 17 and record["error"] == "PROTOCOL_ERROR"
    assert record["scope"] == "stream" and record["field"] == "window_increment"
    assert encode_lines(lines)[0] == 1  # encode stops at the error record
    status, lines = decode_json(h.PingFrame().serialize()[:-1])
    assert status == 1 and "truncated frame" in lines


def test_encode_rejects_bad_records() -> None:
    bad = json.dumps({"type_code": 6, "fields": {"opaque_data": "00"}})
    assert encode_lines(bad + "\n") == (1, b"")
    assert encode_lines("\n") == (0, b"")


def test_command_line() -> None:
    wire = h.CLIENT_PREFACE + h.SettingsFrame().serialize()
    result = run_command("decode", "--hex", stdin=wire.hex(" ").encode())
    assert result.returncode == 0 and b"PREFACE" in result.stdout and b"SETTINGS" in result.stdout
    result = run_command("decode", "--json", str(CAPTURES[0]))
    assert result.returncode == 0
    assert run_command("encode", stdin=result.stdout).stdout == CAPTURES[0].read_bytes()
    assert run_command("decode", stdin=b"\x00\x00\x01").returncode == 1
    missing = run_command("decode", "/nonexistent/file")
    assert missing.returncode == 2 and b"No such file" in missing.stderr
    assert run_command("decode", "--hex", stdin=b"zz").returncode == 2
    for command in ("decode", "encode", "proxy"):
        help_text = run_command(command, "--help")
        assert (
            help_text.returncode == 0 and b"usage: h2wire " + command.encode() in help_text.stdout
        )
    assert run_command("proxy", "--listen", "nonsense", "--upstream", "x:1").returncode == 2


def test_main_in_process(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    capture = str(CAPTURES[1])
    assert cli.main(["decode", capture]) == 0
    assert b"DATA" in capsysbinary.readouterr().out
    lines = tmp_path / "frames.jsonl"
    assert cli.main(["decode", "--json", capture]) == 0
    lines.write_bytes(capsysbinary.readouterr().out)
    assert cli.main(["encode", str(lines)]) == 0
    assert capsysbinary.readouterr().out == CAPTURES[1].read_bytes()
    assert cli.main(["decode", "/nonexistent"]) == 2


class Custom(h.Frame):
    def __init__(self) -> None:
        object.__setattr__(self, "stream_id", 7)


def test_details_of_a_frame_class_it_does_not_know() -> None:
    assert cli.details(Custom()) == "Custom(stream_id=7)"


def test_frame_record_needs_type_and_fields() -> None:
    with pytest.raises(ValueError, match="type_code and fields"):
        cli.frame_from_record({"type_code": "x", "fields": {}})


def test_stdin_input_and_preface_line(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    wire = h.CLIENT_PREFACE + h.PingFrame().serialize()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(wire.hex().encode())))
    assert cli.main(["decode", "--hex"]) == 0
    out = capsysbinary.readouterr().out
    assert b"PREFACE" in out and b"PING" in out
    lines = json.dumps({"offset": 0, "preface": True}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    assert cli.main(["encode"]) == 0
    assert capsysbinary.readouterr().out == h.CLIENT_PREFACE


def test_closed_output_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "decode", broken)
    assert cli.main(["decode", str(CAPTURES[0])]) == 0


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["h2wire", "decode", str(CAPTURES[0])])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("h2wire", run_name="__main__")
    assert info.value.code == 0
    assert "PREFACE" in capsys.readouterr().out


def test_importing_main_runs_nothing() -> None:
    import importlib

    module = importlib.import_module("h2wire.__main__")
    assert module.main is cli.main
