"""Turn a received PDF into one with the ĐẾN mark on a blank space of its first page (``placing`` finds it), the mark
laid out by Typst."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence.errors import RenderFailed
from correspondence.i18n import _
from correspondence.render import typst
from correspondence.render.engine import check_pdf_engine, notice_html_templates
from correspondence.render.placing import Place, find_place


def stamp_den(pdf: bytes, dau: m.DauDen, workspace: Path | None = None) -> tuple[bytes, Place]:
    """``pdf`` with the ĐẾN mark drawn on a blank space of its first page (the page's own content untouched), and
    where it went. A page that pdfium cannot read for its blank space gets the mark at the model's ``top``/``right``."""
    import pikepdf
    import pypdfium2

    try:
        source = pikepdf.open(io.BytesIO(pdf))
        box = [float(v) for v in source.pages[0].mediabox]
    except pikepdf.PasswordError:
        raise RenderFailed(_("the PDF is protected by a password")) from None
    except (pikepdf.PdfError, IndexError, KeyError, ValueError, TypeError) as error:
        raise RenderFailed(_("the PDF could not be read: {what}").format(what=_pikepdf_reason(error))) from None
    page = (round((box[2] - box[0]) * 25.4 / 72, 2), round((box[3] - box[1]) * 25.4 / 72, 2))
    fallback = (page[0] - dau.right - dau.width, dau.top)
    try:
        place = find_place(pdf, (dau.width, dau.height), dau.clearance, dau.edge, fallback)
    except pypdfium2.PdfiumError:
        place = Place("khong_doc", round(fallback[0], 2), round(fallback[1], 2))
    dau = dataclasses.replace(dau, top=place.top, right=round(page[0] - place.left - dau.width, 2))
    check_pdf_engine(workspace)
    notice_html_templates(workspace)
    overlay = pikepdf.open(io.BytesIO(typst.den_overlay(dau, page, workspace)))
    try:  # a damaged page tree or stream of the received file can still fail here
        _overlay(source.pages[0], overlay.pages[0], pikepdf.Rectangle(*box))
        out = io.BytesIO()
        source.save(out, deterministic_id=True)
    except (pikepdf.PdfError, IndexError, KeyError, ValueError, TypeError) as error:
        raise RenderFailed(_("the PDF could not be read: {what}").format(what=_pikepdf_reason(error))) from None
    return out.getvalue(), place


def _overlay(page: Any, mark: Any, rect: Any) -> None:
    """pikepdf's ``add_overlay`` under a name of our own: pikepdf names the placed page at random, which would make
    the same received file stamp to other bytes each time."""
    import pikepdf

    formx = mark.as_form_xobject()
    taken = set(page.resources.get(pikepdf.Name.XObject, {}).keys())
    name = next(f"/DauDen{n}" for n in range(len(taken) + 1) if f"/DauDen{n}" not in taken)
    placed = page.add_resource(formx, pikepdf.Name.XObject, pikepdf.Name(name), replace_existing=False)
    cs = page.calc_form_xobject_placement(formx, placed, rect, allow_shrink=True, allow_expand=True)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n", prepend=False)
    page.contents_add(cs, prepend=False)
    page.contents_coalesce()


def _pikepdf_reason(error: Exception) -> str:
    """What pikepdf says is wrong, without the name of the in-memory stream it read (``stream <_io.BytesIO …>: ``)."""
    return re.sub(r"^stream <[^>]*>: ", "", str(error))
