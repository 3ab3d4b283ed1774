"""Install one wheel into a clean venv of this interpreter and run the examples on it.

    python .ci/wheel_check.py WHEEL

Run with the interpreter the wheel is for (``make test-matrix`` does, for every wheel
in dist/).  In a new venv outside the checkout, with nothing but the wheel installed
(``--no-index``: h2wire has no dependencies), it checks that:

- the build loads as the wheel says: a ``cpXY`` wheel's library modules are
  extension modules, the pure wheel's modules are all ``.py`` files;
- every ```python block of README.md runs, and a ``wire = ...  # b'...'`` comment
  shows what the code produced (as tests/test_docs.py checks in the suite);
- with the ``cli`` extra's hpack added (the version requirements-dev.txt pins, from
  the package index), the installed ``h2wire`` command prints exactly what the
  ``$ h2wire decode examples/...`` commands of docs/quickstart.md show (the same
  blocks tests/test_docs.py runs in the suite): the expectation lives in one place.

Any failure exits non-zero with what went wrong.  Standard library only.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The documentation page whose ``$ h2wire decode`` console blocks the installed command
#: must reproduce.
QUICKSTART = ROOT / "docs" / "quickstart.md"
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", flags=re.M | re.S)


def decode_examples() -> list[tuple[list[str], list[str]]]:
    """(arguments, output lines) of each ``$ h2wire decode`` command of QUICKSTART."""
    found = []
    for block in CONSOLE_BLOCK.findall(QUICKSTART.read_text(encoding="utf-8")):
        for command in re.split(r"^\$ ", block, flags=re.M)[1:]:
            first, _, output = command.partition("\n")
            arguments = shlex.split(first)
            if arguments[:2] == ["h2wire", "decode"]:
                found.append((arguments[1:], output.splitlines()))
    if not found:
        raise CheckFailed(f"{QUICKSTART.name} has no $ h2wire decode example")
    return found


def pinned_hpack() -> str:
    """The hpack requirement of requirements-dev.txt (``hpack==X.Y.Z``)."""
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        if line.startswith("hpack=="):
            return line.split("#")[0].strip()
    raise CheckFailed("requirements-dev.txt pins no hpack")


#: Run by the venv's interpreter: where each h2wire module loads from.
PROBE = """
import importlib, pkgutil, sys
import h2wire
from h2wire.mode import compiled_module
names = ["h2wire"] + [m.name for m in pkgutil.walk_packages(h2wire.__path__, "h2wire.")]
names = [n for n in names if n != "h2wire.__main__"]
for name in sorted(names):
    print(name, int(compiled_module(name)), importlib.import_module(name).__file__)
"""

#: Run by the venv's interpreter on README.md: each ```python block in a fresh namespace.
README_RUNNER = r"""
import contextlib, io, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
assert blocks, "README.md has no python blocks"
for index, block in enumerate(blocks):
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, f"README block {index}", "exec"), namespace)
    for expected in re.findall(r"^wire = .*# (b'.*')$", block, flags=re.M):
        assert repr(namespace["wire"]) == expected, (index, namespace["wire"], expected)
print(f"{len(blocks)} README blocks ran")
"""


class CheckFailed(Exception):
    pass


def run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CheckFailed(
            f"{' '.join(command)} exited {result.returncode}\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def check(wheel: Path, work: Path) -> None:
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work)
    python = venv / "bin" / "python"
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        work,
    )
    print(f"installed {wheel.name} into a clean venv of {sys.executable}")

    # -P and cwd outside the checkout: only the installed package can be imported.
    # name -> (compiled by the build's rule, h2wire.mode.NOT_COMPILED; file loaded)
    output = run([str(python), "-P", "-c", PROBE], work)
    rows = [line.split(" ", 2) for line in output.split("\n") if line]
    files = {name: path for name, _, path in rows}
    library = {name for name, compiled, _ in rows if compiled == "1"}
    if not all("site-packages" in path for path in files.values()):
        raise CheckFailed(f"h2wire did not load from the venv: {files}")
    compiled_wheel = not wheel.name.endswith("-none-any.whl")
    extensions = {name for name, path in files.items() if not path.endswith(".py")}
    if compiled_wheel:
        if extensions != library:
            raise CheckFailed(
                f"compiled wheel: extension modules {sorted(extensions)}, "
                f"expected {sorted(library)}"
            )
    elif extensions:
        raise CheckFailed(f"pure wheel loaded extension modules: {sorted(extensions)}")
    print(f"{len(files)} modules, {len(extensions)} of them extension modules")

    print(run([str(python), "-P", "-c", README_RUNNER, str(ROOT / "README.md")], work).strip())

    # The command as `pip install 'h2wire[cli]'` gives it: hpack from the index.
    run([str(python), "-m", "pip", "install", "--quiet", pinned_hpack()], work)
    for arguments, expected in decode_examples():
        output = run([str(venv / "bin" / "h2wire"), *arguments], ROOT)
        got = [line.rstrip() for line in output.splitlines()]
        if got != [line.rstrip() for line in expected]:
            raise CheckFailed(
                f"h2wire {' '.join(arguments)}: expected (from {QUICKSTART.name})\n"
                + "\n".join(expected)
                + "\ngot\n"
                + "\n".join(got)
            )
        print(f"h2wire {' '.join(arguments)}: exit 0, {len(got)} lines as {QUICKSTART.name} shows")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheel = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="h2wire-wheel-check-") as work:
        try:
            check(wheel, Path(work))
        except CheckFailed as failure:
            print(
                f"WHEEL CHECK FAILED for {wheel.name} on {sys.executable}:\n{failure}",
                file=sys.stderr,
            )
            return 1
    print(f"wheel check passed: {wheel.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
