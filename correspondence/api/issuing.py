"""Turn the issuing commands into function calls: issue, a mail merge (its preview, its one file to print) and an
annex of a document in the register — the outgoing book alone, so that issuing loads no other book (received
documents, search, archive, signing)."""

from __future__ import annotations

from pathlib import Path

from correspondence.api.drafting import FORMATS
from correspondence.outgoing import annex as annexes
from correspondence.outgoing import merge as merging
from correspondence.outgoing import transaction
from correspondence.workspace import find_root

__all__ = ["annex", "issue", "merge", "merge_preview", "merge_print"]

issue = transaction.issue
merge = merging.merge
merge_preview = merging.preview
merge_print = merging.print_file


def annex(workspace: Path | None, so_ky_hieu: str, table: Path, spec: Path, title: str | None = None,
          agency: str | None = None, year: int | None = None, register_url: str | None = None,
          formats: tuple[str, ...] = FORMATS, series: str | None = None, dien_tu: bool = False) -> list[Path]:
    """The annex of a document already in the register (``4498/KH-UBND``), from a table and its spec; ``dien_tu``:
    the electronic annex of Mẫu 2.2, its number and date left blank for the signature."""
    return annexes.annex(workspace or find_root(), so_ky_hieu, table, spec, title, agency, year, register_url, formats,
                         series, dien_tu)
