"""``python -m h2wire``: the h2wire command (see h2wire.cli).

Not compiled: runpy runs a module as __main__ from its code object, which an
extension module does not have.  All the work is in h2wire.cli.
"""

from h2wire.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
