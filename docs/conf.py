"""Sphinx configuration of h2wire's documentation (``make docs``).

The pages are Markdown (MyST) so that they read the same on GitHub; the API
reference is generated from the docstrings by autodoc, from the checkout's
sources (the pure-Python build).
"""

from __future__ import annotations

import builtins
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import h2wire  # noqa: E402

if Path(h2wire.__file__ or "").resolve().parent != ROOT / "h2wire":
    raise RuntimeError(f"documenting {h2wire.__file__}, not this checkout's h2wire")

project = "h2wire"
author = "the h2wire authors"
copyright = "the h2wire authors"
release = h2wire.__version__
version = release

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
root_doc = "index"

# Links between pages are relative links to the .md files (they work on GitHub
# too); heading anchors are GitHub's slugs, so `page.md#a-heading` works in both.
myst_heading_anchors = 3
myst_enable_extensions = ["deflist"]

# Every cross-reference must resolve (`make docs` runs with -W).
nitpicky = True
# The standard library's names: its inventory would have to be downloaded, and
# the build runs offline, so references to it stay plain text.
nitpick_ignore_regex = [
    ("py:class", r"(collections\.abc|typing|enum|types)\.\w+"),
    ("py:class", r"None|NoneType"),
    # SettingsFrame's key type variable (a mapping with int or IntEnum keys).
    ("py:class", r"h2wire\.frames\.settings\._Key"),
]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
autodoc_preserve_defaults = False

html_theme = "furo"
html_title = f"h2wire {release}"
html_copy_source = False


def public_name(target: str) -> str | None:
    """``h2wire.frames.data.DataFrame`` -> ``h2wire.DataFrame``: the name an
    object is documented under, when it is exported by ``h2wire`` or
    ``h2wire.frames`` but defined in a submodule (autodoc names the defining
    module in signatures and base classes)."""
    module, _, name = target.rpartition(".")
    if not module.startswith("h2wire."):
        return None
    if name in h2wire.__all__ and getattr(h2wire, name, None) is not None:
        return f"h2wire.{name}"
    return None


def resolve_public_name(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    if node.get("refdomain") != "py":
        return None
    target = public_name(node["reftarget"])
    if target is None:
        return None
    domain = env.domains["py"]
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], target, node, contnode
    )


class BuiltinsAsText(SphinxPostTransform):
    """Show references to builtin types (``bytes``, ``type``...) as plain text.

    Without the standard library's inventory they have no target, and a
    signature's lookup would otherwise match a documented member of the same
    name: ``type[Frame]`` would link ``type`` to the frames' ``type`` property.
    """

    default_priority = 5  # before the references are resolved (priority 10)

    def run(self, **kwargs: Any) -> None:
        for node in self.document.findall(pending_xref):
            target = node.get("reftarget", "")
            if node.get("refdomain") == "py" and isinstance(getattr(builtins, target, None), type):
                node.replace_self(node[0].deepcopy() if node.children else nodes.Text(target))


def setup(app: Sphinx) -> None:
    app.connect("missing-reference", resolve_public_name)
    app.add_post_transform(BuiltinsAsText)
