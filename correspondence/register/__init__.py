"""Turn issue requests into numbers and rows, once each: series rules, the store (SQLite or PostgreSQL), its
migrations, the import of an existing register, and the queries that find a row."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from correspondence.register.store import Entry, Register

__all__ = ["Entry", "Register"]


def __getattr__(name: str) -> Any:
    """``Register`` and ``Entry`` loaded from ``store`` when first asked for: composing a document that needs no
    lookup (a draft, ``check``) does not load the database library."""
    if name in __all__:
        return getattr(import_module("correspondence.register.store"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
