"""A real browser through the TLS proxy: Debian's Chromium, headless, loads a page
and its three subresources from nghttpd (TLS, ALPN h2) through h2wire proxy.

The page's script fetches every file and writes its size and SHA-256 into the
page; the test reads the page (``--dump-dom``) and compares with the files it
served.  The script and the stylesheet also carry Subresource Integrity
digests, so the browser itself refuses them if they arrive altered.  The
proxy's JSON log must show the browser's :method and :path for each file and
the server's :status for each response.

`make test` installs chromium (`make interop-peers`); without it this test
fails, it does not skip.  It skips on PyPy, saying why (docs/cli.md, TLS).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_interop import Setup, need, serve

STYLE = b"body { color: rgb(1, 2, 3); }\n"
SCRIPT = b"""\
"use strict";
function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}
(async () => {
  const lines = [];
  for (const name of ["index.html", "style.css", "app.js", "data.bin"]) {
    const response = await fetch(name, { cache: "force-cache" });
    const body = await response.arrayBuffer();
    const digest = await crypto.subtle.digest("SHA-256", body);
    lines.push(`${name} ${response.status} ${body.byteLength} ${hex(digest)}`);
  }
  lines.push(`color ${getComputedStyle(document.body).color}`);
  document.getElementById("report").textContent = lines.join("\\n");
})();
"""


def integrity(content: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode()


def page() -> bytes:
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>h2wire</title>\n'
        f'<link rel="stylesheet" href="style.css" integrity="{integrity(STYLE)}">\n'
        '</head><body><h1>h2wire through a browser</h1><pre id="report"></pre>\n'
        f'<script src="app.js" integrity="{integrity(SCRIPT)}"></script>\n'
        "</body></html>\n"
    ).encode()


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_bytes(page())
    (root / "style.css").write_bytes(STYLE)
    (root / "app.js").write_bytes(SCRIPT)
    (root / "data.bin").write_bytes(random.Random(15).randbytes(300_000))
    tls = tmp_path_factory.mktemp("tls")
    # The upstream unverified (--insecure), as a browser user would debug a server.
    yield from serve(root, ["--json", "--upstream-tls", "--insecure"], tls)


def chromium_dom(url: str, profile: Path) -> str:
    chromium = need("chromium")
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--ignore-certificate-errors",
         "--virtual-time-budget=20000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(
    sys.implementation.name == "pypy",
    reason="PyPy 7.3.19's ssl: when Chromium closes its spare TLS connection to the proxy, "
    "the page's connection fails at the same instant with that one's "
    "APPLICATION_DATA_AFTER_CLOSE_NOTIFY (4 page loads in 10; docs/cli.md)",
)
def test_chromium_through_the_tls_proxy(site: Setup, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    dom = chromium_dom(site.url("index.html"), profile)
    report = re.search(r'<pre id="report">(.*?)</pre>', dom, flags=re.S)
    assert report is not None, dom
    lines = html.unescape(report[1]).splitlines()
    expected = []
    for name in ("index.html", "style.css", "app.js", "data.bin"):
        content = (site.root / name).read_bytes()
        expected.append(f"{name} 200 {len(content)} {hashlib.sha256(content).hexdigest()}")
    assert lines == [*expected, "color rgb(1, 2, 3)"]

    text = site.stop()
    records = [json.loads(line) for line in text.splitlines()]
    assert not [r for r in records if "error" in r or "headers_error" in r]
    requests: dict[tuple[int, int], dict[str, str]] = {}
    responses: dict[tuple[int, int], dict[str, str]] = {}
    for record in records:
        if record.get("type") == "HEADERS" or "headers" in record:
            fields = dict(record["headers"])
            key = (record["connection"], record["stream_id"])
            (requests if record["direction"] == "->" else responses)[key] = fields
    assert requests and requests.keys() == responses.keys()
    by_path = {fields[":path"]: key for key, fields in requests.items()}
    for name in ("index.html", "style.css", "app.js", "data.bin"):
        key = by_path[f"/{name}"]  # each file was requested
        assert requests[key][":method"] == "GET"
        assert requests[key][":scheme"] == "https"
        assert responses[key][":status"] == "200"
        assert responses[key]["content-length"] == str((site.root / name).stat().st_size)
    assert "Chrome" in requests[by_path["/index.html"]]["user-agent"]
    assert {fields[":status"] for fields in responses.values()} <= {"200", "404"}
