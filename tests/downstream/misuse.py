"""Code that mypy --strict must reject: proves the package's types are really seen."""

from __future__ import annotations

from h2wire import DataFrame

frame = DataFrame(1, "not bytes")
count: str = frame.stream_id
