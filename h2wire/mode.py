"""The two builds of h2wire, and what keeps them behaving as one.

h2wire ships twice from the same sources: compiled by mypyc (``make build``,
every module but the command's is a C extension) and as plain Python (the pure
wheel, PyPy, a checkout on ``sys.path``).  :data:`COMPILED` says which one is
running.  Code that must differ between them branches on it in exactly two
ways, and nowhere else:

* ``if not COMPILED and not (isinstance(a, int) and ...):`` at the top of a
  constructor: one condition that does, interpreted, the argument type checks
  mypyc makes by itself when compiled.  On failure,
  :func:`wrong_argument_type` builds the very ``TypeError`` mypyc would raise,
  from the function's annotations, so the message is written nowhere.
* ``if COMPILED:`` / ``else:`` around a hot path whose fastest form differs:
  native integer and octet operations compiled, ``struct`` calls and
  instance-``__dict__`` stores interpreted.  Coverage skips the ``if
  COMPILED:`` blocks (see ``[tool.coverage]``); the compiled test run
  executes them, and tests compare the two forms' results.

Rules for maintainers (each one measured on this code, mypy/mypyc 2.4.1):

* In a compiled ``@dataclass`` every class-body assignment becomes a field, a
  ``ClassVar`` included.  Class constants live on a plain base class and are
  assigned after the class statement (``DataFrame.TYPE = DATA``).
* Frames are ``@dataclass(frozen=True, init=False)`` with a hand-written
  ``__init__``.  Compiled, ``object.__setattr__(self, "name", value)`` is a
  native store (~10x cheaper than the generated frozen ``__init__``);
  interpreted it costs ~80 ns a field, so the interpreted branch writes
  ``self.__dict__`` (~25 ns; a single ``__dict__.update`` measured 16% slower).
  Keep both lists of a constructor identical; ``tests/test_model.py`` checks
  every field in both builds.
* A parameter annotated ``bytes`` raises ``TypeError`` compiled for a
  bytearray or memoryview: convert at the public boundary, and test it.
* ``int`` values are native integers compiled: keep hot arithmetic below 2**62
  (beyond it every operation boxes), and prefer ``Final`` int constants to
  ``IntFlag``/``IntEnum`` arithmetic (~800 ns an operation).  mypyc folds
  ``Final`` constants across modules, so a per-type mask costs nothing.
* Octet indexing, slicing, ``+``, ``len`` and ``int.to_bytes`` on ``bytes`` are
  native; ``struct``, ``memoryview`` and ``int.from_bytes`` are Python-level
  calls compiled, but are the cheapest forms interpreted.
* A call to a function, or to a classmethod through its class
  (``DataFrame.load(...)``), is a direct C call when both are compiled; a call
  through a variable (a dict of loaders, ``cls.load``) is a boxed Python call,
  20-58% slower per frame.  Dispatch on hot paths with ``if`` chains.
* Raising is ~3x dearer compiled (1.2-1.6 us): exceptions are for errors only.
* A name bound by two ``except ... as name`` clauses gets one compiled type
  (the first clause's): binding an exception of the other class raises
  TypeError at run time.  Give each clause its own name.
* A Protocol method's ``= ...`` default is evaluated when compiled, and raises.
* ``mock.patch`` of a module attribute, and reassigning a ``Final``, are
  invisible to compiled code.  Compiled instances have no ``__dict__``.
* Interpreted subclasses of a compiled class need
  ``@mypyc_attr(allow_interpreted_subclasses=True)`` on the whole hierarchy
  (extension frame types subclass :class:`h2wire.Frame`).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Final, TypeVar

try:
    from mypy_extensions import mypyc_attr, trait
except ImportError:  # pragma: no cover - mypy_extensions is absent at run time
    _C = TypeVar("_C")

    # mypyc reads these decorators at compile time; at run time the compiled
    # modules do not call them, and the interpreted build needs no-op stand-ins
    # (mypy_extensions is a build dependency, not a runtime one).
    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_C], _C]:
        return lambda cls: cls

    def trait(cls: _C) -> _C:
        return cls


def _probe() -> None:
    """Compiled by mypyc this is a builtin function, not a Python function."""


#: True in the mypyc-compiled build, False in the pure-Python one.
COMPILED: Final = not isinstance(_probe, types.FunctionType)

#: The modules the compiled build leaves interpreted, each with its submodules.
#: ``setup.py`` compiles every other module of the package, the mode guard of
#: the test suite checks that exactly these load from ``.py`` files, and the
#: wheel check of ``make test-matrix`` does the same for every wheel.
#:
#: * ``h2wire.__main__``: ``python -m`` needs a module's code object, which an
#:   extension module lacks (it is a two-line shim around ``h2wire.cli.main``).
#: * ``h2wire.cli``, the command: asyncio and argparse glue around the compiled
#:   library.  Measured with the library compiled either way, on a
#:   300,000-frame 80 MB capture, CPython 3.11 / 3.13, the command interpreted
#:   against compiled: ``h2wire decode`` 1.8 / 1.1 s against 1.2 / 0.8 s
#:   (``--json`` 3.7 / 2.6 against 3.0 / 2.2 s); the proxy relaying it while
#:   logging every frame 2.5 / 1.7 against 2.0 / 1.4 s.  That 1.1-1.5x does not
#:   pay for compiled coroutines: mypyc's generated code calls the
#:   three-argument generator ``throw()``, which CPython deprecates since 3.12
#:   (3.13 warns on every cancellation through them) and may remove.
NOT_COMPILED: Final = ("h2wire.__main__", "h2wire.cli")


def compiled_module(name: str) -> bool:
    """Whether the compiled build compiles the h2wire module ``name``."""
    return not any(name == m or name.startswith(m + ".") for m in NOT_COMPILED)


#: The names mypyc's messages use for the builtin types an annotation can name.
_BUILTIN_TYPES: Final[dict[str, type]] = {"int": int, "bool": bool, "bytes": bytes, "str": str}


def _expected(annotation: str, namespace: dict[str, object]) -> tuple[str, tuple[type, ...]] | None:
    """mypyc's words for an annotation, and the types it admits (None: unchecked).

    ``"bytes | None"`` gives ``("bytes or None", (bytes, NoneType))``; a class
    is named with its module, as mypyc names it; a generic (``Iterable[...]``)
    or ``object`` is not checked, by mypyc nor here.
    """
    words: list[str] = []
    admitted: list[type] = []
    for part in annotation.split("|"):
        name = part.strip()
        if name == "None":
            words.append("None")
            admitted.append(type(None))
            continue
        builtin = _BUILTIN_TYPES.get(name)
        cls = builtin if builtin is not None else namespace.get(name)
        if not isinstance(cls, type) or cls is object:
            return None
        words.append(name if builtin is not None else f"{cls.__module__}.{cls.__qualname__}")
        admitted.append(cls)
    return " or ".join(words), tuple(admitted)


def wrong_argument_type(function: Callable[..., object], *values: object) -> TypeError:
    """The ``TypeError`` mypyc raises for the first argument of the wrong type.

    ``values`` are the arguments in the order of ``function``'s parameters
    (``self`` left out).  Only the interpreted build calls this, on its error
    path, so the annotations are read only when a call has already failed.
    """
    annotations = {k: v for k, v in function.__annotations__.items() if k != "return"}
    module = sys.modules[function.__module__]
    namespace = dict(vars(module))
    for annotation, value in zip(annotations.values(), values, strict=False):
        expected = _expected(str(annotation), namespace)
        if expected is not None and not isinstance(value, expected[1]):
            got = "None" if value is None else type(value).__name__
            return TypeError(f"{expected[0]} object expected; got {got}")
    raise AssertionError(f"{function.__qualname__}: no argument of the wrong type")


def wrong_type(expected: str, value: object) -> TypeError:
    """A ``TypeError`` in mypyc's words, for checks no annotation states
    (elements of an iterable, arguments typed ``object``)."""
    got = "None" if value is None else type(value).__name__
    return TypeError(f"{expected} object expected; got {got}")


__all__ = [
    "COMPILED",
    "NOT_COMPILED",
    "compiled_module",
    "mypyc_attr",
    "trait",
    "wrong_argument_type",
    "wrong_type",
]
