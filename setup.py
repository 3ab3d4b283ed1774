"""Build script: compiles the h2wire modules with mypyc.

Set H2WIRE_PURE=1 for a pure-Python build (the universal wheel, or platforms
without a C compiler).  MYPYC_OPT_LEVEL (default 3) sets the C optimisation level.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

from setuptools import setup

#: What the compiled build leaves interpreted, and why, is stated once, in
#: h2wire/mode.py (NOT_COMPILED); that file is run on its own here, without
#: importing the package being built.
compiled_module = runpy.run_path("h2wire/mode.py")["compiled_module"]


def module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: Every other module of the package, the hyperframe layer included (its mixins are
#: mypyc traits, Flags implements the set protocol itself because a compiled class
#: cannot subclass collections.abc.MutableSet).
COMPILED_MODULES = sorted(
    path.as_posix() for path in Path("h2wire").rglob("*.py") if compiled_module(module_name(path))
)

if os.environ.get("H2WIRE_PURE", "") not in ("", "0"):
    ext_modules = []
else:
    from mypyc.build import mypycify

    ext_modules = mypycify(COMPILED_MODULES, opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"))

setup(ext_modules=ext_modules)
