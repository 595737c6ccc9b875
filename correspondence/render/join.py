"""Turn several PDFs into one holding their pages in order (a batch to preview or print at once), with pikepdf."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from correspondence.errors import RenderFailed
from correspondence.i18n import _


def combine(pdfs: list[bytes], title: str) -> bytes:
    """One PDF holding the pages of ``pdfs`` in order (a batch to preview or print at once); the same inputs give
    the same bytes."""
    out = io.BytesIO()
    _join([io.BytesIO(data) for data in pdfs], title, out)
    return out.getvalue()


def combine_files(paths: list[Path], title: str, out: Path) -> None:
    """``combine`` of PDF files into the file ``out`` (the same bytes as ``combine`` of the files' bytes), one file
    open at a time: a preview of thousands of files is not refused for the files a process may hold open."""
    _join(paths, title, out)


def _join(sources: list[Any], title: str, target: Any) -> None:
    """Each source's pages copied into one PDF, the source closed at once: pikepdf copies the streams of the pages
    as it copies them (its ``setImmediateCopyFrom``), so that the source's parsed objects are not held meanwhile."""
    import pikepdf

    out = pikepdf.Pdf.new()
    try:
        for source in sources:
            with pikepdf.Pdf.open(source) as pdf:
                out.pages.extend(pdf.pages)
        out.docinfo["/Title"] = pikepdf.String(title)
        out.save(target, deterministic_id=True, linearize=False)
    except pikepdf.PdfError as error:
        raise RenderFailed(_("the PDFs could not be joined into one: {why}").format(why=error)) from None
    finally:
        out.close()

