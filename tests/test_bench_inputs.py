"""The benchmark compares like with like: its inputs are checked here.

``make bench`` times each frame kind three ways (parse, serialize, construct) in
hyperframe 6.1.0 and in h2wire.  A ratio only means something if both sides
handle the same bytes, so these tests check that every sample round-trips in
each library and that each pair of construction statements builds exactly the
sample's wire bytes.  They check the inputs, never a timing.

The bench modules are loaded from their files: putting the checkout on sys.path
would import h2wire's .py files in the compiled run.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import hyperframe.frame as real_hyperframe
import pytest

import h2wire as h
import h2wire.hyperframe.frame as compat_hyperframe

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


workload = load("workload")
worker = load("worker")
SAMPLES: dict[str, bytes] = {name: frame.serialize() for name, frame in workload.SAMPLES}


def test_every_frame_class_has_a_sample() -> None:
    classes = {type(frame) for _, frame in workload.SAMPLES}
    assert set(h.FRAME_TYPES.values()) | {h.UnknownFrame} <= classes


def test_samples_and_construct_statements_match_one_to_one() -> None:
    assert len(SAMPLES) == len(workload.SAMPLES)  # no name used twice
    assert set(worker.CONSTRUCT) == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_native_sample_round_trips(name: str) -> None:
    raw = SAMPLES[name]
    frame, size = h.parse_frame(raw)
    assert size == len(raw)
    assert frame == dict(workload.SAMPLES)[name]
    assert frame.serialize() == raw


@pytest.mark.parametrize("module", [real_hyperframe, compat_hyperframe], ids=["real", "compat"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_hyperframe_sample_round_trips(name: str, module: ModuleType) -> None:
    raw = SAMPLES[name]
    frame, length = module.Frame.parse_frame_header(memoryview(raw[:9]))
    frame.parse_body(memoryview(raw[9:]))
    assert length == len(raw) - 9
    assert frame.serialize() == raw


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_construct_statements_build_the_sample(name: str) -> None:
    hyperframe_statement, native_statement = worker.CONSTRUCT[name]
    namespace: dict[str, Any] = {"h": h, **worker.PAYLOADS}
    assert eval(native_statement, namespace).serialize() == SAMPLES[name]
    built = eval(hyperframe_statement, {**namespace, "F": compat_hyperframe})
    assert built.serialize() == SAMPLES[name]
    real = eval(hyperframe_statement, {**namespace, "F": real_hyperframe})
    if isinstance(real, real_hyperframe.ExtensionFrame):
        # hyperframe 6.1.0 writes a constructed ExtensionFrame with a length of 0
        # (docs/hyperframe.md, "Differences from hyperframe 6.1.0", item 7): compare its fields.
        assert real.body_len == 0
        assert (real.type, real.flag_byte, real.stream_id, real.body) == (
            built.type,
            built.flag_byte,
            built.stream_id,
            built.body,
        )
    else:
        assert real.serialize() == SAMPLES[name]


def test_mixed_stream_parses_back_to_its_frames() -> None:
    frames = workload.browsing_session()
    blob = b"".join(frame.serialize() for frame in frames)
    assert worker.native_stream(h, blob, keep=True) == frames
    layer = worker.frame_buffer(compat_hyperframe, blob, keep=True)
    assert b"".join(frame.serialize() for frame in layer) == blob


def test_copy_floor_slices_exactly_the_payloads() -> None:
    frames = workload.browsing_session(target=300)
    blob = b"".join(frame.serialize() for frame in frames)
    payloads = [blob[where] for where in worker.payload_slices(blob)]
    assert payloads == [frame.serialize()[9:] for frame in frames]


@pytest.mark.parametrize(("case", "requests", "upload", "download"), worker.H2_WORKLOADS)
def test_h2_workloads_run_to_the_end(case: str, requests: int, upload: int, download: int) -> None:
    # A few requests of each shape through h2 (with whichever hyperframe this
    # process has): the flow-control bookkeeping lets every body through.
    assert worker.h2_end_to_end(3, upload, download) > 0


def test_bench_sendmsg_writes_every_buffer() -> None:
    frames = workload.browsing_session(target=300)
    buffers = h.serialize_vectored(frames, coalesce_below=64)
    expected = b"".join(buffers)
    writer, reader = socket.socketpair()
    received = bytearray()

    def read() -> None:
        while len(received) < len(expected) and (chunk := reader.recv(1 << 16)):
            received.extend(chunk)

    with writer, reader:
        reader.settimeout(30)
        thread = threading.Thread(target=read)
        thread.start()
        worker.sendmsg_all(writer, buffers)
        thread.join(30)
    assert received == expected == h.serialize_frames(frames)
