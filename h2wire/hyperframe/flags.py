"""hyperframe's ``Flag`` and ``Flags``: flag names as a validating mutable set."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from typing import NamedTuple


class Flag(NamedTuple):
    """A flag's name and its bit in the flags octet."""

    name: str
    bit: int


class Flags:
    """A set of flag names that only accepts the names it was built with.

    Behaves as a :class:`collections.abc.MutableSet` of ``str`` (it is registered
    as one): ``add`` raises ``ValueError`` for a name that is not defined.
    Compares equal to any set with the same names.
    """

    def __init__(self, defined_flags: Iterable[Flag]) -> None:
        # Frames pass their class's list, which is kept as is (no copy, no set
        # built per frame); add() scans it, and it has at most four entries.
        self._defined: list[Flag] | tuple[Flag, ...] = (
            defined_flags if isinstance(defined_flags, (list, tuple)) else tuple(defined_flags)
        )
        self._flags: set[str] = set()

    def __repr__(self) -> str:
        return repr(sorted(self._flags))

    def __contains__(self, x: object) -> bool:
        return x in self._flags

    def __iter__(self) -> Iterator[str]:
        return iter(self._flags)

    def __len__(self) -> int:
        return len(self._flags)

    def __bool__(self) -> bool:
        return bool(self._flags)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Flags):
            return self._flags == other._flags
        if isinstance(other, (set, frozenset)):
            return self._flags == other
        return NotImplemented

    def __hash__(self) -> int:  # mutable, so unhashable, like set
        raise TypeError(f"unhashable type: '{type(self).__name__}'")

    def add(self, value: str) -> None:
        """Add a defined flag; ``ValueError`` for any other name."""
        for flag in self._defined:
            if flag[0] == value:
                self._flags.add(value)
                return
        valid = {flag[0] for flag in self._defined}
        raise ValueError(f"Unexpected flag: {value}. Valid flags are: {valid}")

    def discard(self, value: str) -> None:
        self._flags.discard(value)

    def remove(self, value: str) -> None:
        if value not in self._flags:
            raise KeyError(value)
        self._flags.discard(value)

    def clear(self) -> None:
        self._flags.clear()

    def pop(self) -> str:
        return self._flags.pop()

    def isdisjoint(self, other: Iterable[object]) -> bool:
        return self._flags.isdisjoint(other)


MutableSet.register(Flags)
