"""What ships: extension modules next to their .py sources, and py.typed."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from conftest import compiled_by_setup, loaded_mode

import h2wire

MODULES = {
    "__init__",
    "mode",
    "codec",
    "codes",
    "decoder",
    "guards",
    "encoder",
    "errors",
    "wire",
    "frames/__init__",
    "frames/base",
    "frames/data",
    "frames/headers",
    "frames/settings",
    "frames/control",
    "frames/extensions",
    "frames/registry",
    "frames/raw",
    "cli/__init__",
    "cli/render",
    "cli/decode",
    "cli/encode",
    "cli/proxy",
    "cli/headers",
    "cli/watch",
    "cli/tls",
}


def test_py_typed_and_sources_beside_the_loaded_package() -> None:
    package = Path(h2wire.__file__ or "").parent
    assert (package / "py.typed").is_file()
    sources = {str(p.relative_to(package).with_suffix("")) for p in package.rglob("*.py")}
    assert sources >= MODULES


def test_installed_distribution_contents() -> None:
    if loaded_mode() != "compiled":
        # Interpreted runs use the checkout; the wheel is checked in the compiled run.
        assert not list(Path(h2wire.__file__ or "").parent.rglob("*.so"))
        return
    files = {str(f) for f in metadata.files("h2wire") or []}
    assert "h2wire/py.typed" in files
    for name in MODULES:
        assert f"h2wire/{name}.py" in files
        has_so = any(f.startswith(f"h2wire/{name}.cpython-") and f.endswith(".so") for f in files)
        module = ".".join(["h2wire", *name.split("/")]).removesuffix(".__init__")
        assert has_so == compiled_by_setup(module), name
    assert not compiled_by_setup("h2wire.cli")  # the command ships as .py only (setup.py)
    # No runtime dependency; the command's extra brings hpack for header fields.
    assert metadata.requires("h2wire") == ['hpack<5,>=4.0; extra == "cli"']
    assert metadata.metadata("h2wire").get_all("Provides-Extra") == ["cli"]
    assert "h2wire/__main__.py" in files
    assert any(
        e.name == "h2wire" and e.value == "h2wire.cli:main"
        for e in metadata.entry_points(group="console_scripts")
    )
