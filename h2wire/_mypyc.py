"""mypyc's class decorators, usable without mypy_extensions at run time.

mypyc reads ``mypyc_attr`` and ``trait`` at compile time; at run time the
compiled modules do not call them, and the interpreted build gets these no-op
stand-ins when mypy_extensions (a build dependency only) is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

try:
    from mypy_extensions import mypyc_attr, trait
except ImportError:  # pragma: no cover - mypy_extensions is absent at run time
    _C = TypeVar("_C")

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_C], _C]:
        return lambda cls: cls

    def trait(cls: _C) -> _C:
        return cls


__all__ = ["mypyc_attr", "trait"]
