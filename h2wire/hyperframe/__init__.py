"""hyperframe 6.1.0's API on h2wire: ``h2wire.hyperframe.frame``, ``.flags``, ``.exceptions``.

Call :func:`install` before anything imports hyperframe (h2, hypercorn, httpx…)
and those imports get these modules instead::

    import h2wire.hyperframe
    h2wire.hyperframe.install()
    import h2.connection   # now frames are parsed and serialized by h2wire
"""

from __future__ import annotations

import sys

from h2wire.hyperframe import exceptions, flags, frame

#: The hyperframe release whose API this package provides.
__version__ = "6.1.0"

_ALIASES = {
    "hyperframe": "h2wire.hyperframe",
    "hyperframe.frame": "h2wire.hyperframe.frame",
    "hyperframe.flags": "h2wire.hyperframe.flags",
    "hyperframe.exceptions": "h2wire.hyperframe.exceptions",
}


def install() -> None:
    """Make ``import hyperframe`` (and its submodules) give h2wire's modules.

    Idempotent.  Modules that imported the real hyperframe before the call keep
    it, so call this first (a ``conftest.py`` or the program's entry point).
    Like PyMySQL's ``install_as_MySQLdb()``.
    """
    for alias, target in _ALIASES.items():
        sys.modules[alias] = sys.modules[target]


def installed() -> bool:
    """True when ``hyperframe`` currently resolves to this package."""
    return sys.modules.get("hyperframe") is sys.modules[__name__]


__all__ = ["__version__", "exceptions", "flags", "frame", "install", "installed"]
