"""Build script: compiles the h2wire modules with mypyc.

Set H2WIRE_PURE=1 for a pure-Python build (the universal wheel, or platforms
without a C compiler).  MYPYC_OPT_LEVEL (default 3) sets the C optimisation level.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import setup

#: Modules left interpreted, by module name; each covers its submodules too, so that
#: "h2wire.cli" is every module of the command, whether h2wire/cli.py or a future
#: h2wire/cli/ package.  tests/conftest.py holds the same rule, and its guard checks
#: that exactly these modules load from .py files in the compiled build.
#: - h2wire.__main__: `python -m` needs a module's code object, which an extension
#:   module lacks (it is a two-line shim around h2wire.cli.main).
#: - h2wire.cli, the command: asyncio and argparse glue around the compiled library.
#:   Measured with the library compiled either way, on a 300,000-frame 80 MB capture,
#:   CPython 3.11 / 3.13, the command interpreted vs compiled: `h2wire decode`
#:   1.8 / 1.1 s vs 1.2 / 0.8 s (--json 3.7 / 2.6 vs 3.0 / 2.2 s); the proxy relaying
#:   it while logging every frame 2.5 / 1.7 vs 2.0 / 1.4 s (--json 4.9 / 3.7 vs
#:   4.4 / 3.1 s); a fully interpreted build decodes it in 2.9 s on 3.11.  That
#:   1.1-1.5x does not pay for compiled coroutines: mypyc's generated code calls the
#:   three-argument generator throw(), which CPython deprecates since 3.12 (3.13
#:   warns on every cancellation through them) and may remove.
NOT_COMPILED = ("h2wire.__main__", "h2wire.cli")


def module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_compiled(name: str) -> bool:
    return not any(name == m or name.startswith(m + ".") for m in NOT_COMPILED)


#: Every other module of the package, the hyperframe layer included (its mixins are
#: mypyc traits, Flags implements the set protocol itself because a compiled class
#: cannot subclass collections.abc.MutableSet).
COMPILED_MODULES = sorted(
    path.as_posix() for path in Path("h2wire").rglob("*.py") if is_compiled(module_name(path))
)

if os.environ.get("H2WIRE_PURE", "") not in ("", "0"):
    ext_modules = []
else:
    from mypyc.build import mypycify

    ext_modules = mypycify(COMPILED_MODULES, opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"))

setup(ext_modules=ext_modules)
