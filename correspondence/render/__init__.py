"""Turn the document model (or the register book) into file bytes: ``docx``, ``pdf`` (WeasyPrint) and ``typst`` are
peers, never importing each other; ``word_template`` lays out a DOCX through an agency's own Word template; ``book``
prints the register. The PDF engine is WeasyPrint unless ``--pdf-engine``, the environment or the workspace's
``registers/config.yaml`` names Typst."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from correspondence import model as m
from correspondence.errors import CorrespondenceError, RenderFailed, UsageError
from correspondence.i18n import _
from correspondence.progress import report
from correspondence.render import word_template
from correspondence.render.docx import render_docx
from correspondence.render.pdf import render_pdf
from correspondence.render.typst import render_typst
from correspondence.workspace import ENV_PDF_ENGINE, configured_pdf_engine
from correspondence.workspace import word_template as agency_word_template

FORMATS = ("docx", "pdf")
PDF_ENGINES = ("weasyprint", "typst")
DEFAULT_PDF_ENGINE = "weasyprint"  # the approved output (tests/golden) is WeasyPrint's


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


def pdf_engine(workspace: Path | None = None) -> str:
    """The engine that lays out PDFs: the one asked for (``--pdf-engine``, held in $CORRESPONDENCE_PDF_ENGINE), else
    ``pdf_engine:`` in registers/config.yaml, else WeasyPrint. An unknown name is refused (before any number is
    taken: callers ask this first)."""
    name = configured_pdf_engine(workspace) or DEFAULT_PDF_ENGINE
    if name not in PDF_ENGINES:
        raise UsageError(_("unknown PDF engine '{name}': use one of {choices}").format(
            name=name, choices=", ".join(PDF_ENGINES)))
    return name


def render_document(document: m.Document, formats: tuple[str, ...] = FORMATS,
                    workspace: Path | None = None) -> dict[str, bytes]:
    """Every file of the document by name: ``<stem>.<fmt>``, plus ``<annex stem>.<fmt>`` for annexes printed apart.

    A workspace ``templates/<kind>.docx`` (an agency's Word template) lays out the DOCX instead of the built-in one.
    """
    template = agency_word_template(workspace, document.kind)
    engine = pdf_engine(workspace) if "pdf" in formats else DEFAULT_PDF_ENGINE

    def docx(index: int | None) -> bytes:
        if template is not None and index is None:
            return word_template.render(document, template)
        return render_docx(document, index)

    def pdf(index: int | None) -> bytes:
        if engine == "typst":
            return render_typst(document, workspace, index)
        return render_pdf(document, workspace, index)

    renderers: dict[str, Callable[[int | None], bytes]] = {}
    for fmt in formats:
        if fmt == "docx":
            renderers[fmt] = docx
        elif fmt == "pdf":
            renderers[fmt] = pdf
        else:
            raise RenderFailed(_("unknown output format '{fmt}'").format(fmt=fmt))
    jobs: list[tuple[str, Callable[[int | None], bytes], int | None]] = []
    for fmt, render in renderers.items():
        if document.kind == "phu_luc":  # an annex on its own
            jobs.append((f"{document.file_stem}.{fmt}", render, 0))
            continue
        jobs.append((f"{document.file_stem}.{fmt}", render, None))
        jobs += [(f"{annex.file_stem}.{fmt}", render, index) for index, annex in enumerate(document.phu_luc)
                 if annex.separate]
    out: dict[str, bytes] = {}
    for done, (name, render, index) in enumerate(jobs, start=1):
        try:
            out[name] = render(index)
        except CorrespondenceError:
            raise
        except Exception as error:  # a library refusing the content: the document cannot be made
            raise RenderFailed(_("{name} cannot be made: {error}").format(name=name, error=str(error)[:300])) from None
        report(done, len(jobs), name)
    return out
