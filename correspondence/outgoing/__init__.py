"""Turn records into issued documents and keep the sổ đăng ký văn bản đi: the one place that checks, numbers, renders,
writes, completes and recovers.

``documents`` composes with the register's help (the quyết định a document is issued with, the original of a copy);
``transaction`` issues (``staging`` renders and stages in the worker processes); ``merge`` issues a table of rows;
``annex`` adds the annex of an issued document; ``corrections`` writes the đính chính of one; ``registry`` answers
the register commands (list, show, void, import, export, close a year, verify, the access log).

``issue`` and its kin are loaded from ``transaction`` when first asked for: composing a document (``check``) goes
through ``documents`` and must not load the renderers that issuing needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from correspondence.outgoing.transaction import Issued, complete, issue, recover

__all__ = ["Issued", "complete", "issue", "recover"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("correspondence.outgoing.transaction"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
