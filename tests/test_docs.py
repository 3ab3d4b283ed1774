"""The examples of the README and of the documentation (docs/*.md) run as
written, in both builds.

- Every ```python block is executed.  A comment showing bytes after
  ``wire = ...`` must be what the code produced.
- Every ```pycon block is a doctest: its output is checked.
- Every ```console block runs its ``$ h2wire ...`` commands (from the
  checkout's root, in this process) and must show exactly their output.

Relative links to Markdown files, with their ``#anchors``, must resolve, as
they do on GitHub, and the documentation's index lists every page.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import h2wire
from h2wire.cli import main

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", flags=re.M | re.S)


def blocks(language: str) -> list[tuple[str, str]]:
    """(where, code) of every block in ``language``: where is ``page:line``."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in BLOCK.finditer(text):
            if match.group(1) == language:
                line = text.count("\n", 0, match.start()) + 2  # the block's first line
                found.append((f"{page.relative_to(ROOT)}:{line}", match.group(2)))
    return found


PYTHON = blocks("python")
PYCON = blocks("pycon")
CONSOLE = blocks("console")


@contextlib.contextmanager
def isolated() -> Iterator[None]:
    """Undo what an example does to the process: modules it imports or aliases
    (``h2wire.hyperframe.install()``) and frame types it registers."""
    saved = dict(sys.modules)
    registered = set(h2wire.FRAME_TYPES)
    try:
        yield
    finally:
        for name in set(sys.modules) - set(saved):
            del sys.modules[name]
        sys.modules.update(saved)
        for code in set(h2wire.FRAME_TYPES) - registered:
            h2wire.unregister_frame_type(code)


def test_every_page_has_examples() -> None:
    with_examples = {where.split(":")[0] for where, _ in PYTHON + PYCON + CONSOLE}
    # The index, the API reference and the benchmark page show no code of their own.
    # The server-testing page's examples need a server: its outputs are `text`
    # blocks, checked by tests/test_send_servers.py against a run with nghttpd.
    expected = {str(p.relative_to(ROOT)) for p in PAGES} - {
        "docs/index.md",
        "docs/api.md",
        "docs/performance.md",
        "docs/development.md",
        "docs/testing.md",
    }
    assert expected <= with_examples


@pytest.mark.parametrize(("where", "code"), PYTHON, ids=[w for w, _ in PYTHON])
def test_python_block(where: str, code: str) -> None:
    namespace: dict[str, object] = {"__name__": "__main__"}  # as a script runs
    with isolated(), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, where, "exec"), namespace)
    # A comment showing bytes after `wire = ...` must be what the code produced.
    for expected in re.findall(r"^wire = .*# (b'.*')$", code, flags=re.M):
        assert repr(namespace["wire"]) == expected


@pytest.mark.parametrize(("where", "code"), PYCON, ids=[w for w, _ in PYCON])
def test_pycon_block(where: str, code: str) -> None:
    page, line = where.split(":")
    test = doctest.DocTestParser().get_doctest(code, {}, where, page, int(line) - 1)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with isolated():
        result = runner.run(test, out=report.write)
    assert result.attempted and not result.failed, report.getvalue()


@pytest.mark.parametrize(("where", "code"), CONSOLE, ids=[w for w, _ in CONSOLE])
def test_console_block(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    commands = re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", code, flags=re.M)
    assert commands
    for command, shown in commands:
        argv = shlex.split(command)
        assert argv[0] == "h2wire", f"{where}: only h2wire commands are run"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(argv[1:])
        assert status == 0
        printed = [line.rstrip() for line in out.getvalue().splitlines()]
        assert printed == [line.rstrip() for line in shown.splitlines()]


def slug(heading: str) -> str:
    """The anchor GitHub (and MyST, with myst_heading_anchors) gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


LINKS = [
    (page, target, anchor)
    for page in PAGES
    for target, anchor in re.findall(r"\]\(([^):#\s]+\.md)(?:#([^)\s]+))?\)", page.read_text())
]


@pytest.mark.parametrize(
    ("page", "target", "anchor"),
    LINKS,
    ids=[f"{p.relative_to(ROOT)}->{t}#{a}" for p, t, a in LINKS],
)
def test_relative_link(page: Path, target: str, anchor: str) -> None:
    linked = page.parent / target
    assert linked.is_file()
    if anchor:
        headings = re.findall(r"^#+ (.*)$", BLOCK.sub("", linked.read_text()), flags=re.M)
        assert anchor in {slug(h) for h in headings}


def test_readme_links_into_the_docs() -> None:
    linked = {target for page, target, _ in LINKS if page.name == "README.md"}
    assert {f"docs/{p.name}" for p in DOCS.glob("*.md")} <= linked | {"docs/api.md"}


def test_index_lists_every_page() -> None:
    index = (DOCS / "index.md").read_text()
    listed = re.findall(r"^- \[.*?\]\((\w+)\.md\)", index, flags=re.M)
    toctrees = re.findall(r"^```\{toctree\}\n(.*?)^```", index, flags=re.M | re.S)
    in_toctrees = [
        line
        for tree in toctrees
        for line in tree.splitlines()
        if line.strip() and not line.startswith(":")
    ]
    pages = sorted(p.stem for p in DOCS.glob("*.md") if p.stem != "index")
    assert listed == in_toctrees
    assert sorted(listed) == pages


def test_bench_table_markers() -> None:
    """`make bench` rewrites the table between these markers."""
    performance = (DOCS / "performance.md").read_text()
    assert performance.count("<!-- bench:start -->\n") == 1
    assert performance.count("<!-- bench:end -->") == 1
    assert performance.index("<!-- bench:start -->") < performance.index("<!-- bench:end -->")
