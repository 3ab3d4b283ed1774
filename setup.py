"""Build script: compiles the h2wire modules with mypyc.

Set H2WIRE_PURE=1 for a pure-Python build (the universal wheel, or platforms
without a C compiler).  MYPYC_OPT_LEVEL (default 3) sets the C optimisation level.
"""

from __future__ import annotations

import os

from setuptools import setup

#: Every module of the package is compiled, the hyperframe layer included (its
#: mixins are mypyc traits, Flags implements the set protocol itself because a
#: compiled class cannot subclass collections.abc.MutableSet); the conftest guard
#: checks that each one loads as an extension module.  Not h2wire/__main__.py:
#: `python -m` needs a module's code object, which an extension module lacks
#: (it is a two-line shim around h2wire.cli.main).
COMPILED_MODULES = [
    "h2wire/__init__.py",
    "h2wire/mode.py",
    "h2wire/codes.py",
    "h2wire/errors.py",
    "h2wire/wire.py",
    "h2wire/frames/__init__.py",
    "h2wire/frames/base.py",
    "h2wire/frames/data.py",
    "h2wire/frames/headers.py",
    "h2wire/frames/settings.py",
    "h2wire/frames/control.py",
    "h2wire/frames/extensions.py",
    "h2wire/frames/registry.py",
    "h2wire/codec.py",
    "h2wire/decoder.py",
    "h2wire/encoder.py",
    "h2wire/cli/__init__.py",
    "h2wire/cli/render.py",
    "h2wire/cli/decode.py",
    "h2wire/cli/encode.py",
    "h2wire/cli/proxy.py",
    "h2wire/cli/headers.py",
    "h2wire/cli/watch.py",
    "h2wire/cli/tls.py",
    "h2wire/hyperframe/__init__.py",
    "h2wire/hyperframe/exceptions.py",
    "h2wire/hyperframe/flags.py",
    "h2wire/hyperframe/frame.py",
]

if os.environ.get("H2WIRE_PURE", "") not in ("", "0"):
    ext_modules = []
else:
    from mypyc.build import mypycify

    ext_modules = mypycify(COMPILED_MODULES, opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"))

setup(ext_modules=ext_modules)
