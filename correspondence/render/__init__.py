"""Turn the document model (or the register book) into file bytes: ``docx`` and ``pdf`` are peers, never importing
each other; ``word_template`` lays out a DOCX through an agency's own Word template; ``book`` prints the register."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from correspondence import model as m
from correspondence.errors import CorrespondenceError, RenderFailed
from correspondence.i18n import _
from correspondence.progress import report
from correspondence.render import word_template
from correspondence.render.docx import render_docx
from correspondence.render.pdf import render_pdf
from correspondence.workspace import word_template as agency_word_template

FORMATS = ("docx", "pdf")


def render_document(document: m.Document, formats: tuple[str, ...] = FORMATS,
                    workspace: Path | None = None) -> dict[str, bytes]:
    """Every file of the document by name: ``<stem>.<fmt>``, plus ``<annex stem>.<fmt>`` for annexes printed apart.

    A workspace ``templates/<kind>.docx`` (an agency's Word template) lays out the DOCX instead of the built-in one.
    """
    template = agency_word_template(workspace, document.kind)

    def docx(index: int | None) -> bytes:
        if template is not None and index is None:
            return word_template.render(document, template)
        return render_docx(document, index)

    def pdf(index: int | None) -> bytes:
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
