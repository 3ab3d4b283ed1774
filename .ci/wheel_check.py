"""Install one wheel into a clean venv of this interpreter and run the examples on it.

    python .ci/wheel_check.py WHEEL

Run with the interpreter the wheel is for (``make test-matrix`` does, for every wheel
in dist/).  In a new venv outside the checkout, with nothing but the wheel installed
(``--no-index``: h2wire has no dependencies), it checks that:

- the build loads as the wheel says: a ``cpXY`` wheel's library modules are
  extension modules, the pure wheel's modules are all ``.py`` files;
- every ```python block of README.md runs, and a ``wire = ...  # b'...'`` comment
  shows what the code produced (as tests/test_readme.py checks in the suite);
- the installed ``h2wire`` command decodes examples/curl-h2c-client.bin and
  examples/curl-h2c-server.bin: exit status 0 and the expected first lines.

Any failure exits non-zero with what went wrong.  Standard library only.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The first lines of `h2wire decode` on each example capture (trailing spaces stripped).
EXPECTED = {
    "curl-h2c-client.bin": [
        "        0  PREFACE         client connection preface",
        "       24  SETTINGS        -                                      0  "
        "MAX_CONCURRENT_STREAMS=100 INITIAL_WINDOW_SIZE=33554432 ENABLE_PUSH=0",
        "       51  WINDOW_UPDATE   -                                      0  +33488897",
        "       64  HEADERS         END_STREAM|END_HEADERS                 1  block=38",
    ],
    "curl-h2c-server.bin": [
        "        0  SETTINGS        -                                      0  "
        "MAX_CONCURRENT_STREAMS=100",
        "       15  SETTINGS        ACK                                    0",
        "       24  HEADERS         END_HEADERS                            1  block=98",
    ],
}

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

    for capture, first_lines in EXPECTED.items():
        output = run(
            [str(venv / "bin" / "h2wire"), "decode", str(ROOT / "examples" / capture)], work
        )
        lines = [line.rstrip() for line in output.splitlines()]
        if lines[: len(first_lines)] != first_lines:
            raise CheckFailed(
                f"h2wire decode {capture}: expected first lines\n"
                + "\n".join(first_lines)
                + "\ngot\n"
                + "\n".join(lines[: len(first_lines)])
            )
        print(f"h2wire decode {capture}: exit 0, {len(lines)} lines, first lines as expected")


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
