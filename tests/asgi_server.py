"""hypercorn serving a small ASGI app over cleartext HTTP/2, for the tests that
probe real servers with ``h2wire send`` (tests/test_send_servers.py).

    python [-P] tests/asgi_server.py PORT [--install]

``--install`` calls ``h2wire.hyperframe.install()`` before hypercorn (and so
h2) is imported.  Every request gets 200 and ``ok``, and two header fields that
say which framing layer this process really uses: ``x-hyperframe``, the file
of the module ``hyperframe.frame`` names here, and ``x-h2-frames``, the file
of the module whose ``Frame`` class h2's frame buffer parses with.  The app
reads the request body first, so a request whose body never comes waits (as a
real application would) while the connection goes on.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

if "--install" in sys.argv:
    import h2wire.hyperframe

    h2wire.hyperframe.install()

import h2.frame_buffer
import hyperframe.frame
from hypercorn.asyncio import serve
from hypercorn.config import Config

Message = MutableMapping[str, Any]
FRAMING = [
    (b"x-hyperframe", str(hyperframe.frame.__file__).encode()),
    # (h2.frame_buffer imports Frame from hyperframe.frame without re-exporting it.)
    (b"x-h2-frames", str(sys.modules[vars(h2.frame_buffer)["Frame"].__module__].__file__).encode()),
]


async def app(
    scope: MutableMapping[str, Any],
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2"), *FRAMING]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def main() -> None:
    config = Config()
    config.bind = [f"127.0.0.1:{int(sys.argv[1])}"]
    config.accesslog = None
    config.errorlog = "-"
    print(f"serving on port {sys.argv[1]}", flush=True)
    asyncio.run(serve(app, config))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
