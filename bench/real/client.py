"""httpx downloading one URL again and again over cleartext HTTP/2.

    python -P client.py URL COUNT [--install]

Prints JSON: seconds for COUNT sequential downloads on one connection (after
one warm-up download), and the octets of one body.  ``--install`` calls
``h2wire.hyperframe.install()`` before httpx (and so h2) is imported.
"""

from __future__ import annotations

import json
import sys
import time

if "--install" in sys.argv:
    import h2wire.hyperframe

    h2wire.hyperframe.install()

import httpx


def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    # http1=False with http2=True: HTTP/2 with prior knowledge on http:// URLs.
    with httpx.Client(http1=False, http2=True, timeout=60) as client:
        size = len(client.get(url).content)
        start = time.perf_counter()
        for _ in range(count):
            response = client.get(url)
            if response.status_code != 200 or len(response.content) != size:
                raise SystemExit(f"bad response: {response.status_code}, {len(response.content)}")
        elapsed = time.perf_counter() - start
    loaded = sys.modules["hyperframe"].__name__
    print(json.dumps({"seconds": elapsed, "size": size, "hyperframe": loaded}))


if __name__ == "__main__":
    main()
