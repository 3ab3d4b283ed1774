"""One benchmark process: times every case for one variant and prints JSON.

    python worker.py VARIANT INPUT_DIR

VARIANT is ``hyperframe`` (the real hyperframe 6.1.0), ``compat``
(h2wire.hyperframe, same code as the hyperframe variant), ``native`` (h2wire's
own API), or ``h2`` / ``h2-install`` (h2 4.4.1 end to end, without / with
h2wire.hyperframe.install()).  Which h2wire build loads (compiled or
interpreted) is decided by the caller's sys.path; the worker reports it.
Inputs come from INPUT_DIR (written by run.py): samples.json and mixed.bin.

Writing cases send into a socket pair whose other end ``cat`` drains (pinned
to another core where there are two): see :class:`Drain`.
"""

from __future__ import annotations

import gc
import json
import operator
import os
import socket
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

try:
    import tracemalloc
except ImportError:  # PyPy: no memory cases (tests/test_bench_inputs.py still loads this)
    TRACEMALLOC = False
else:
    TRACEMALLOC = True

TARGET_SECONDS = 0.02  # per timed repetition


def per_op(stmt: str, namespace: dict[str, Any], repeat: int = 3) -> float:
    """Best of ``repeat`` timings of ``stmt``, in seconds per execution."""
    timer = timeit.Timer(stmt, globals=namespace)
    number, elapsed = 1, 0.0
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= TARGET_SECONDS:
            break
        number *= 2 if elapsed > TARGET_SECONDS / 4 else 8
    return min([elapsed, *timer.repeat(repeat - 1, number)]) / number


class Drain:
    """A socket pair whose reading end ``cat`` empties into /dev/null: a real
    consumer for the writing cases, in another process (and on another core
    where there are two, this process staying on the first)."""

    def __init__(self) -> None:
        self.writer, reader = socket.socketpair()
        self.writer.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        command = ["cat"]
        self.cores = sorted(os.sched_getaffinity(0))
        if len(self.cores) >= 2:
            os.sched_setaffinity(0, {self.cores[0]})
            command = ["taskset", "-c", str(self.cores[1]), "cat"]
        self.cat = subprocess.Popen(command, stdin=reader.fileno(), stdout=subprocess.DEVNULL)
        reader.close()

    def close(self) -> None:
        self.writer.close()
        self.cat.wait(30)
        os.sched_setaffinity(0, self.cores)


def sendmsg_all(sock: socket.socket, buffers: Sequence[bytes | memoryview]) -> None:
    """Write every buffer with ``sendmsg``, at most IOV_MAX a call, resuming
    after a partial write (the vectored writers' consumer)."""
    pending = list(buffers)
    limit = os.sysconf("SC_IOV_MAX")
    first = 0
    while first < len(pending):
        sent = sock.sendmsg(pending[first : first + limit])
        while sent and sent >= len(pending[first]):
            sent -= len(pending[first])
            first += 1
        if sent:
            pending[first] = memoryview(pending[first])[sent:]


def per_call(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# Construction statements: (hyperframe API, native API), with `d`, `d16k`, `hb`
# the payloads.  Each pair builds the same frame.
CONSTRUCT: dict[str, tuple[str, str]] = {
    "DATA 100 B": ("F.DataFrame(1, d)", "h.DataFrame(1, d)"),
    "DATA 16 KiB": (
        "F.DataFrame(1, d16k, flags=('END_STREAM',))",
        "h.DataFrame(1, d16k, end_stream=True)",
    ),
    "DATA padded": (
        "F.DataFrame(1, d1k, pad_length=20, flags=('PADDED',))",
        "h.DataFrame(1, d1k, padding=pad20)",
    ),
    "HEADERS": (
        "F.HeadersFrame(1, hb, flags=('END_HEADERS',))",
        "h.HeadersFrame(1, hb, end_headers=True)",
    ),
    "HEADERS+priority": (
        "F.HeadersFrame(3, hb, depends_on=1, stream_weight=15, exclusive=True, flags=('END_HEADERS', 'PRIORITY'))",
        "h.HeadersFrame(3, hb, end_headers=True, priority=h.StreamDependency(1, 15, True))",
    ),
    "PRIORITY": ("F.PriorityFrame(3, 1, 15)", "h.PriorityFrame(3, 1, 15)"),
    "RST_STREAM": ("F.RstStreamFrame(1, 8)", "h.RstStreamFrame(1, 8)"),
    "SETTINGS": (
        "F.SettingsFrame(0, {1: 4096, 3: 100, 4: 65535, 5: 16384, 6: 8192})",
        "h.SettingsFrame({1: 4096, 3: 100, 4: 65535, 5: 16384, 6: 8192})",
    ),
    "SETTINGS ACK": ("F.SettingsFrame(0, flags=('ACK',))", "h.SettingsFrame(ack=True)"),
    "PUSH_PROMISE": (
        "F.PushPromiseFrame(1, 2, pb, flags=('END_HEADERS',))",
        "h.PushPromiseFrame(1, 2, pb, end_headers=True)",
    ),
    "PING": ("F.PingFrame(0, ping)", "h.PingFrame(ping)"),
    "GOAWAY": (
        "F.GoAwayFrame(0, 31, 0, b'shutting down')",
        "h.GoAwayFrame(31, 0, b'shutting down')",
    ),
    "WINDOW_UPDATE": ("F.WindowUpdateFrame(1, 65535)", "h.WindowUpdateFrame(1, 65535)"),
    "CONTINUATION": (
        "F.ContinuationFrame(1, cb, flags=('END_HEADERS',))",
        "h.ContinuationFrame(1, cb, end_headers=True)",
    ),
    "ALTSVC": (
        "F.AltSvcFrame(0, b'https://example.com', b'h3=\":443\"; ma=86400')",
        "h.AltSvcFrame(0, b'https://example.com', b'h3=\":443\"; ma=86400')",
    ),
    "ORIGIN": (
        "F.ExtensionFrame(0xC, 0, body=origins)",
        "h.OriginFrame([b'https://example.com', b'https://cdn.example.com'])",
    ),
    "PRIORITY_UPDATE": (
        "F.ExtensionFrame(0x10, 0, body=b'\\x00\\x00\\x00\\x05u=1, i')",
        "h.PriorityUpdateFrame(5, b'u=1, i')",
    ),
    "unknown type": (
        "F.ExtensionFrame(0xFA, 1, 3, x32)",
        "h.UnknownFrame(0xFA, 1, x32, undefined_flags=3)",
    ),
}

PAYLOADS = {
    "d": bytes(100), "d16k": bytes(16384), "d1k": bytes(1000), "pad20": bytes(20),
    "hb": bytes(120), "pb": bytes(80), "cb": bytes(200), "ping": b"\x01" * 8,
    "x32": bytes(32), "origins": b"\x00\x13https://example.com\x00\x17https://cdn.example.com",
}  # fmt: skip


def buffer_only(blob: bytes) -> None:
    """frame_buffer's own work (bytearray, slices, memoryviews, del) without parsing."""
    data = bytearray(blob)
    while len(data) >= 9:
        header = memoryview(data[:9])
        length = (header[0] << 16) | (header[1] << 8) | header[2]
        memoryview(data[9 : 9 + length])
        del data[: 9 + length]


def frame_buffer(F: ModuleType, blob: bytes, keep: bool = False, rep: bool = False) -> list[Any]:
    """Parse ``blob`` the way h2's FrameBuffer does (bytearray, memoryview slices)."""
    parse_header = F.Frame.parse_frame_header
    data = bytearray(blob)
    frames = []
    while len(data) >= 9:
        frame, length = parse_header(memoryview(data[:9]))
        frame.parse_body(memoryview(data[9 : 9 + length]))
        del data[: 9 + length]
        if rep:
            repr(frame)  # h2 builds repr(frame) for its debug log on every frame
        if keep:
            frames.append(frame)
    return frames


def native_stream(h: ModuleType, blob: bytes, keep: bool = False) -> list[Any]:
    parse = h.parse_frame
    offset, end = 0, len(blob)
    frames = []
    while offset < end:
        frame, size = parse(blob, offset)
        offset += size
        if keep:
            frames.append(frame)
    return frames


def payload_slices(blob: bytes) -> list[slice]:
    """Where every frame's payload is in ``blob``."""
    slices = []
    offset = 0
    while offset < len(blob):
        length = int.from_bytes(blob[offset : offset + 3], "big")
        slices.append(slice(offset + 9, offset + 9 + length))
        offset += 9 + length
    return slices


def decoder_chunks(h: ModuleType, blob: bytes, guards: bool = True) -> int:
    # The abuse guards are on by default; off, the figure shows what they cost.
    decoder = h.FrameDecoder() if guards else h.FrameDecoder(guards=None)
    count = 0
    for start in range(0, len(blob), 65536):
        count += len(decoder.feed(blob[start : start + 65536]))
    return count


def need_tracemalloc() -> None:
    if not TRACEMALLOC:
        raise RuntimeError(
            f"the memory cases need tracemalloc, which {sys.implementation.name} lacks"
        )


def memory_per_frame(parse_many: Callable[[], list[Any]]) -> float:
    need_tracemalloc()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    frames = parse_many()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(frames)


def peak_memory(parse_all: Callable[[], list[Any]]) -> int:
    need_tracemalloc()
    gc.collect()
    tracemalloc.start()
    frames = parse_all()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del frames
    return peak


def frame_api_cases(variant: str, samples: dict[str, bytes], blob: bytes) -> dict[str, float]:
    results: dict[str, float] = {}
    if variant == "native":
        import h2wire as h

        ns: dict[str, Any] = {"h": h, **PAYLOADS}
        for name, raw in samples.items():
            ns["raw"] = raw
            ns["frame"] = h.parse_frame(raw)[0]
            results[f"parse/{name}"] = per_op("parse(raw)", {**ns, "parse": h.parse_frame})
            results[f"serialize/{name}"] = per_op("frame.serialize()", ns)
            results[f"construct/{name}"] = per_op(CONSTRUCT[name][1], ns)
        frames = native_stream(h, blob, keep=True)
        results["mixed/parse"] = per_call(lambda: native_stream(h, blob))
        results["mixed/decoder, one feed"] = per_call(lambda: h.FrameDecoder().feed(blob))
        results["mixed/decoder, 64 KiB chunks"] = per_call(lambda: decoder_chunks(h, blob))
        results["mixed/decoder, 64 KiB chunks, guards off"] = per_call(
            lambda: decoder_chunks(h, blob, guards=False)
        )
        results["mixed/serialize"] = per_call(lambda: [f.serialize() for f in frames])
        # What parsing cannot go below: each payload sliced out of the input (a
        # copy) into a tuple, by one C call, the frame boundaries known in advance.
        slice_all = operator.itemgetter(*payload_slices(blob))
        results["mixed/copy floor"] = per_call(lambda: slice_all(blob))
        results["mixed/serialize, vectored"] = per_call(lambda: h.serialize_vectored(frames))
        results["mixed/serialize + b''.join"] = per_call(
            lambda: b"".join(h.serialize_vectored(frames))
        )
        drain = Drain()
        try:
            results["mixed/serialize + send"] = per_call(
                lambda: sendmsg_all(drain.writer, h.serialize_vectored(frames))
            )
        finally:
            drain.close()
        one = samples["HEADERS"]
        results["memory/HEADERS bytes per frame"] = memory_per_frame(
            lambda: [h.parse_frame(one)[0] for _ in range(10000)]
        )
        one = samples["WINDOW_UPDATE"]
        results["memory/WINDOW_UPDATE bytes per frame"] = memory_per_frame(
            lambda: [h.parse_frame(one)[0] for _ in range(10000)]
        )
        results["memory/mixed peak bytes"] = peak_memory(lambda: native_stream(h, blob, keep=True))
        return results

    if variant == "compat":
        import h2wire.hyperframe.frame as F
    else:
        import hyperframe.frame as F  # type: ignore[no-redef]
    ns = {"F": F, **PAYLOADS}
    for name, raw in samples.items():
        frame, _length = F.Frame.parse_frame_header(memoryview(raw[:9]))
        frame.parse_body(memoryview(raw[9:]))
        ns.update(header=memoryview(raw[:9]), body=memoryview(raw[9:]), frame=frame)
        results[f"parse/{name}"] = per_op(
            "f, n = F.Frame.parse_frame_header(header); f.parse_body(body)", ns
        )
        results[f"serialize/{name}"] = per_op("frame.serialize()", ns)
        results[f"construct/{name}"] = per_op(CONSTRUCT[name][0], ns)
    frames = frame_buffer(F, blob, keep=True)
    results["mixed/parse"] = per_call(lambda: frame_buffer(F, blob))
    results["mixed/buffer only"] = per_call(lambda: buffer_only(blob))
    results["mixed/parse+repr"] = per_call(lambda: frame_buffer(F, blob, rep=True))
    results["mixed/serialize"] = per_call(lambda: [f.serialize() for f in frames])
    # h2 joins what it serializes and hands the bytes to its transport.
    results["mixed/serialize + b''.join"] = per_call(
        lambda: b"".join([f.serialize() for f in frames])
    )
    drain = Drain()
    try:
        results["mixed/serialize + send"] = per_call(
            lambda: drain.writer.sendall(b"".join([f.serialize() for f in frames]))
        )
    finally:
        drain.close()

    def many(raw: bytes) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            out = []
            for _ in range(10000):
                frame, _n = F.Frame.parse_frame_header(memoryview(raw[:9]))
                frame.parse_body(memoryview(raw[9:]))
                out.append(frame)
            return out

        return run

    results["memory/HEADERS bytes per frame"] = memory_per_frame(many(samples["HEADERS"]))
    results["memory/WINDOW_UPDATE bytes per frame"] = memory_per_frame(
        many(samples["WINDOW_UPDATE"])
    )
    results["memory/mixed peak bytes"] = peak_memory(lambda: frame_buffer(F, blob, keep=True))
    return results


#: The h2 workloads: (case, requests, request body, response body).
H2_WORKLOADS = [
    ("h2/small bodies", 2000, 1024, 4096),
    ("h2/16 KiB requests, 64 KiB responses", 500, 16384, 65536),
]


def h2_end_to_end(requests: int, upload_size: int, download_size: int) -> float:
    """A client and a server H2Connection in memory: ``requests`` POSTs of
    ``upload_size`` octets, each answered with ``download_size`` octets.  Both
    sides open their windows wide at the start (a 64 KiB body does not fit
    the default 65,535-octet window) and acknowledge what they receive."""
    from h2.config import H2Configuration
    from h2.connection import H2Connection
    from h2.events import DataReceived, StreamEnded
    from h2.settings import SettingCodes

    client = H2Connection(H2Configuration(client_side=True))
    server = H2Connection(H2Configuration(client_side=False))
    client.initiate_connection()
    server.initiate_connection()
    for side in (client, server):
        side.update_settings({SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
        side.increment_flow_control_window(1 << 24)
    for _ in range(2):
        server.receive_data(client.data_to_send())
        client.receive_data(server.data_to_send())
    request = [(":method", "POST"), (":path", "/upload"), (":scheme", "https"),
               (":authority", "example.com"), ("content-type", "application/json")]  # fmt: skip
    response = [
        (":status", "200"),
        ("content-type", "text/html"),
        ("content-length", str(download_size)),
    ]
    upload, download = bytes(upload_size), bytes(download_size)
    completed = 0
    start = time.perf_counter()
    for _ in range(requests):
        sid = client.get_next_available_stream_id()
        client.send_headers(sid, request)
        client.send_data(sid, upload, end_stream=True)
        for event in server.receive_data(client.data_to_send()):
            if isinstance(event, DataReceived):
                server.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, StreamEnded):
                server.send_headers(event.stream_id, response)
                # h2 takes at most one frame's worth per send_data call.
                for pos in range(0, download_size, 16384):
                    last = pos + 16384 >= download_size
                    server.send_data(event.stream_id, download[pos : pos + 16384], end_stream=last)
        for event in client.receive_data(server.data_to_send()):
            if isinstance(event, DataReceived):
                client.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, StreamEnded):
                completed += 1
        server.receive_data(client.data_to_send())
    elapsed = time.perf_counter() - start
    if completed != requests:
        raise SystemExit(f"{completed} of {requests} responses arrived")
    return elapsed


def main() -> None:
    variant, inputs = sys.argv[1], Path(sys.argv[2])
    if variant == "h2-install":
        import h2wire.hyperframe

        h2wire.hyperframe.install()
    if variant.startswith("h2"):
        results = {case: h2_end_to_end(*workload) for case, *workload in H2_WORKLOADS}
    else:
        samples = {
            k: bytes.fromhex(v)
            for k, v in json.loads((inputs / "samples.json").read_text()).items()
        }
        results = frame_api_cases(variant, samples, (inputs / "mixed.bin").read_bytes())
    loaded = ""
    if "h2wire" in sys.modules:
        loaded = (
            "compiled" if (sys.modules["h2wire"].__file__ or "").endswith(".so") else "interpreted"
        )
    print(json.dumps({"variant": variant, "h2wire": loaded, "results": results}))


if __name__ == "__main__":
    main()
