"""hypercorn serving the bench-real workloads over cleartext HTTP/2.

    python -P server.py PORT [--install]

``--install`` calls ``h2wire.hyperframe.install()`` before hypercorn (and so h2)
is imported: the same server with h2wire doing its framing.  Routes:
``GET /small`` (13 octets), ``GET /64k`` (65,536 octets), ``POST /upload``
(reads the body, answers 13 octets).  h2load speaks HTTP/2 with prior
knowledge, which hypercorn accepts on a cleartext socket.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

if "--install" in sys.argv:
    import h2wire.hyperframe

    h2wire.hyperframe.install()

from hypercorn.asyncio import serve
from hypercorn.config import Config

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
SMALL = b"Hello, world!"
LARGE = bytes(65536)


async def app(
    scope: Scope,
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
    while True:  # the request body, read to its end
        message = await receive()
        if not message.get("more_body"):
            break
    body = LARGE if scope["path"] == "/64k" else SMALL
    headers = [(b"content-type", b"application/octet-stream"),
               (b"content-length", str(len(body)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    config = Config()
    config.bind = [f"127.0.0.1:{int(sys.argv[1])}"]
    config.accesslog = None
    config.errorlog = "-"
    # The default (1,000 requests a connection) closes h2load's connections
    # mid-run and it loses the requests in flight.
    config.keep_alive_max_requests = 10**9
    asyncio.run(serve(app, config))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
