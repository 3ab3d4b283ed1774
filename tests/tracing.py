"""Peak memory of one call, for the tests that bound memory: CPython's
tracemalloc, which PyPy lacks (those tests skip there, saying so)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import pytest

try:
    import tracemalloc
except ImportError:  # PyPy
    TRACEMALLOC = False
else:
    TRACEMALLOC = True

T = TypeVar("T")

needs_tracemalloc = pytest.mark.skipif(
    not TRACEMALLOC,
    reason=f"memory is measured with tracemalloc, which {sys.implementation.name} lacks",
)


def traced_peak(call: Callable[[], T]) -> tuple[T, int]:
    """What ``call()`` returns, and the peak of memory allocated while it ran."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
