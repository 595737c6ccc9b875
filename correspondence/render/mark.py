"""Turn a received PDF into one with the ĐẾN mark over the top right of its first page, with the PDF engine chosen."""

from __future__ import annotations

import io
import re
from pathlib import Path

from correspondence import model as m
from correspondence.errors import RenderFailed
from correspondence.i18n import _
from correspondence.render import pdf as weasyprint
from correspondence.render import typst
from correspondence.render.engine import pdf_engine


def stamp_den(pdf: bytes, dau: m.DauDen, workspace: Path | None = None) -> bytes:
    """``pdf`` with the ĐẾN mark drawn over the top right of its first page (the page's own content untouched)."""
    import pikepdf

    try:
        source = pikepdf.open(io.BytesIO(pdf))
        box = [float(v) for v in source.pages[0].mediabox]
    except pikepdf.PasswordError:
        raise RenderFailed(_("the PDF is protected by a password")) from None
    except (pikepdf.PdfError, IndexError, KeyError, ValueError, TypeError) as error:
        raise RenderFailed(_("the PDF could not be read: {what}").format(what=_pikepdf_reason(error))) from None
    page = (round((box[2] - box[0]) * 25.4 / 72, 2), round((box[3] - box[1]) * 25.4 / 72, 2))
    draw = typst.den_overlay if pdf_engine(workspace) == "typst" else weasyprint.den_overlay
    overlay = pikepdf.open(io.BytesIO(draw(dau, page, workspace)))
    try:  # a damaged page tree or stream of the received file can still fail here
        source.pages[0].add_overlay(overlay.pages[0], pikepdf.Rectangle(*box))
        out = io.BytesIO()
        source.save(out, deterministic_id=True)
    except (pikepdf.PdfError, IndexError, KeyError, ValueError, TypeError) as error:
        raise RenderFailed(_("the PDF could not be read: {what}").format(what=_pikepdf_reason(error))) from None
    return out.getvalue()


def _pikepdf_reason(error: Exception) -> str:
    """What pikepdf says is wrong, without the name of the in-memory stream it read (``stream <_io.BytesIO …>: ``)."""
    return re.sub(r"^stream <[^>]*>: ", "", str(error))
