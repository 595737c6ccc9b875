"""Turn the choice of PDF engine (for documents, the register book, the ĐẾN mark) into its name: the one ``--pdf-engine``, the
environment or the workspace's ``registers/config.yaml`` names, else the default."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.workspace import ENV_PDF_ENGINE, configured_pdf_engine

PDF_ENGINES = ("weasyprint", "typst")
DEFAULT_PDF_ENGINE = "typst"  # the same bytes whatever else is installed; WeasyPrint on request


@contextmanager
def using_pdf_engine(name: str | None) -> Iterator[None]:
    """Within the block, PDFs are laid out by ``name`` (None: as the workspace says). The choice is kept in the
    environment, so the worker processes that render a large batch make the same one."""
    if name is None:
        yield
        return
    before = os.environ.get(ENV_PDF_ENGINE)
    os.environ[ENV_PDF_ENGINE] = name
    try:
        yield
    finally:
        if before is None:
            del os.environ[ENV_PDF_ENGINE]
        else:
            os.environ[ENV_PDF_ENGINE] = before


def html_templates(workspace: Path | None) -> list[Path]:
    """The agency's own WeasyPrint templates in the workspace (``templates/*.html``, ``document.css``)."""
    folder = workspace / "templates" if workspace is not None else None
    if folder is None or not folder.is_dir():
        return []
    return sorted([*folder.glob("*.html"), *folder.glob("*.css")])


def pdf_engine(workspace: Path | None = None) -> str:
    """The engine that lays out PDFs: the one asked for (``--pdf-engine``, held in $CORRESPONDENCE_PDF_ENGINE), else
    ``pdf_engine:`` in registers/config.yaml, else Typst — unless the agency keeps its own HTML/CSS templates in
    ``templates/``: those are WeasyPrint's, so an office that made them keeps its layout without asking. An unknown
    name is refused (before any number is taken: callers ask this first)."""
    asked = configured_pdf_engine(workspace)
    name = asked or ("weasyprint" if html_templates(workspace) else DEFAULT_PDF_ENGINE)
    if name not in PDF_ENGINES:
        raise UsageError(_("unknown PDF engine '{name}': use one of {choices}").format(
            name=name, choices=", ".join(PDF_ENGINES)))
    return name


