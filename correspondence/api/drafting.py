"""Turn a record into files without the register: ``draft`` (DỰ THẢO, no number), ``render`` (an explicit number),
their pictures (``previews``) and the PDF face of this machine.

Apart from the other commands so that a draft loads validation, the composer and the one renderer it uses: no
register, no book, no database library.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from correspondence import storage
from correspondence.api.checking import compose
from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.render import FORMATS, check_pdf_engine, preview, render_document
from correspondence.render.fonts import pdf_face
from correspondence.validate import Loaded, load
from correspondence.workspace import find_root

__all__ = ["FORMATS", "Loaded", "draft", "load", "page_count", "pdf_font", "previews", "render", "render_document"]


def pdf_font() -> tuple[str, Path]:
    """The face this machine's PDFs embed and the file of its regular style: Times New Roman where installed, else
    the shipped Liberation Serif."""
    name, files = pdf_face()
    return name, files[(False, False)]


def _produce(path: Path | str, so: int | None, ngay: dt.date | None, out_dir: Path | str | None,
             workspace: Path | str | None, formats: tuple[str, ...]) -> list[Path]:
    storage.refuse_archived(out_dir, workspace)
    loaded = load(path, workspace if workspace is not None else find_root(Path(path)),
                  unfilled="warn" if so is None else "refuse")
    if "pdf" in formats:
        check_pdf_engine(loaded.workspace)  # a workspace naming another engine is refused before anything is made
    rendered = render_document(compose(loaded, so, ngay), formats, loaded.workspace)
    folder = Path(out_dir) if out_dir is not None else loaded.workspace / "output"
    return storage.write_atomic({folder / name: data for name, data in rendered.items()})


def draft(path: Path | str, out_dir: Path | str | None = None, workspace: Path | str | None = None,
          formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """DOCX and PDF marked DỰ THẢO, with a blank number and date; a place still marked '…' is a warning (a notice)."""
    return _produce(path, None, None, out_dir, workspace, formats)


def render(path: Path | str, so: int, ngay: dt.date | None = None, out_dir: Path | str | None = None,
           workspace: Path | str | None = None, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """A final document with an explicit number and date (re-creating one already issued)."""
    if so < 1:
        raise UsageError(_("the document number must be 1 or more"))
    return _produce(path, so, ngay, out_dir, workspace, formats)


def previews(pdfs: list[Path], folder: Path | None = None, pages: int = preview.PAGES) -> list[Path]:
    """PNG pictures of the first pages of each PDF (``<stem>.trang-1.png`` …), beside it or in ``folder``; written
    again each time (they are views, not documents)."""
    files: dict[Path, bytes] = {}
    for pdf in pdfs:
        for number, png in enumerate(preview.pages_png(pdf.read_bytes(), pages), 1):
            files[(folder or pdf.parent) / f"{pdf.stem}.trang-{number}.png"] = png
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    return storage.write_atomic(files)


def page_count(pdf: Path) -> int:
    """How many pages the PDF at ``pdf`` has (the pictures ``previews`` can make of it)."""
    return preview.page_count(Path(pdf).read_bytes())
