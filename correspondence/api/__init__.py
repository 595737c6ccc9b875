"""Turn each command of the tool into one function call: check, draft, render, issue, merge, annex, the register.

The library's front door: the CLI calls these and prints what they return; nothing here prints. Each reads top to
bottom as load → validate → compose → (number) → render → write.

A name is loaded from its module when first asked for (``api.check``, ``from correspondence.api import issue``):
``checking`` holds what only validates and composes, ``commands`` all the rest. So ``correspondence check`` loads no
renderer and no book, and importing this package loads nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from correspondence.api.checking import *  # noqa: F403
    from correspondence.api.commands import *  # noqa: F403
    from correspondence.api.commands import pdf_font as pdf_font
    from correspondence.api.commands import period as period

CHECKING = frozenset({"check", "compose"})


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module("correspondence.api.checking" if name in CHECKING else "correspondence.api.commands")
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
