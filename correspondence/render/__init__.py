"""Turn the document model (or the register book) into file bytes: ``docx`` and ``typst`` (the PDF) are peers, never
importing each other; ``word_template`` lays out a DOCX through an agency's own Word template; ``book`` prints the
register and ``mark`` draws the ĐẾN mark; ``engine`` refuses a workspace that still names another PDF engine and
says that HTML/CSS templates are no longer used."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from correspondence import model as m
from correspondence.errors import CorrespondenceError, RenderFailed
from correspondence.i18n import _
from correspondence.progress import report
from correspondence.render.engine import check_pdf_engine, notice_html_templates
from correspondence.workspace import word_template as agency_word_template

__all__ = ["FORMATS", "check_pdf_engine", "drafts_at_once", "notice_html_templates", "render_document",
           "render_drafts"]

FORMATS = ("docx", "pdf")

# Each renderer is loaded the first time a document asks for it: a PDF alone does not load python-docx, and ``check``
# loads no renderer at all.
RENDERERS = {
    "docx": ("correspondence.render.docx", "render_docx"),
    "word_template": ("correspondence.render.word_template", "render"),
    "typst": ("correspondence.render.typst", "render_typst"),
    "typst_many": ("correspondence.render.typst", "render_typst_many"),
    "typst_renders_many": ("correspondence.render.typst", "renders_many"),
}


def renderer(name: str) -> Callable[..., bytes]:
    """The function that renders with ``name`` (a key of ``RENDERERS``), its module loaded on first use."""
    module, function = RENDERERS[name]
    found: Callable[..., bytes] = getattr(import_module(module), function)
    return found


def render_document(document: m.Document, formats: tuple[str, ...] = FORMATS,
                    workspace: Path | None = None) -> dict[str, bytes]:
    """Every file of the document by name: ``<stem>.<fmt>``, plus ``<annex stem>.<fmt>`` for annexes printed apart.

    A workspace ``templates/<kind>.docx`` (an agency's Word template) lays out the DOCX instead of the built-in one.
    """
    template = agency_word_template(workspace, document.kind)
    if "pdf" in formats:
        check_pdf_engine(workspace)
        notice_html_templates(workspace)

    def docx(index: int | None) -> bytes:
        if template is not None and index is None:
            return renderer("word_template")(document, template)
        return renderer("docx")(document, index)

    def pdf(index: int | None) -> bytes:
        return renderer("typst")(document, workspace, index)

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


def drafts_at_once(documents: list[m.Document], workspace: Path | None = None) -> bool:
    """Whether ``render_drafts`` can lay out these documents' PDFs together: with a template that knows how, no annex
    laid out in slices (else each is rendered on its own, ``render_document``)."""
    check_pdf_engine(workspace)
    return bool(renderer("typst_renders_many")(documents, workspace))


def render_drafts(documents: list[m.Document], title: str, workspace: Path | None = None) -> bytes:
    """One PDF of every PDF file of ``documents`` (each document, then its annexes printed apart), laid out at once,
    titled ``title``: the pages each file has on its own, to look at (a mail merge's preview). Ask
    ``drafts_at_once`` first."""
    check_pdf_engine(workspace)
    notice_html_templates(workspace)
    try:
        return renderer("typst_many")(documents, title, workspace)
    except CorrespondenceError:
        raise
    except Exception as error:  # a library refusing the content
        raise RenderFailed(_("{name} cannot be made: {error}").format(name=title, error=str(error)[:300])) from None
