"""Turn the last page of an issued PDF into the boxes of its signatures' pictures (points, the page's bottom left):

- the signer's (ô 7c): centred between the signer's title (the nearest line above the name, in the name's column)
  and the name (ND 30 PL I, II.7.d: "đặt canh giữa chức vụ của người ký và họ tên người ký"), as tall as the space
  between them allows, at most as wide as ``MAX_WIDTH``;
- the agency's seal (ô 8): at its real size, over about the left third of the signer's picture (II.8.a), centred on
  it vertically.

The lines are read with pdfium (``render.placing.page_lines``): the layout of the PDF as issued, whichever engine
made it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.records.tables import fold
from correspondence.render.placing import MM, page_lines

TOP_RIGHT = (15.0, 8.0)  # mm: the text block's right edge from the page's right edge when no text is found; its top
TOP_GAP = 2.0  # mm kept blank between the text block and the first line of the page under it
MARGIN = 1.0  # mm kept blank above and below the signer's picture
MAX_WIDTH = 70.0  # mm: the signature column is about this wide
COLUMN = 25.0  # mm: a title line whose middle is this far from the name's is another column (Nơi nhận)

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in points from the page's bottom left (pyHanko's boxes)


@dataclass(frozen=True)
class Gap:
    """The space between the signer's title and name on the last page (mm from its top left), and the page height."""

    middle: float  # the name's horizontal middle
    top: float  # the title's bottom
    bottom: float  # the name's top
    page_height: float


def signer_gap(pdf: bytes, name: str) -> Gap:
    """Where the signer's title and name are on the last page; refused when the name is not found there."""
    lines, (_width, height) = page_lines(pdf, -1)
    wanted = fold(name)
    named = [box for box, text in lines if fold(text) == wanted]
    if not named:
        raise UsageError(_("the signer's name '{name}' is not on the last page of the PDF: the place of the signature "
                           "cannot be found").format(name=name))
    left, top, right, _bottom = named[-1]
    middle = (left + right) / 2
    above = [box for box, _text in lines
             if box[3] <= top + 0.1 and abs((box[0] + box[2]) / 2 - middle) < COLUMN]
    title_bottom = max((box[3] for box in above), default=top - 30.0)
    return Gap(middle, title_bottom, top, height)


def signer_box(gap: Gap, aspect: float) -> Box:
    """The signer's picture (``aspect``: its width over its height) centred in ``gap``, as large as it fits."""
    height = max(gap.bottom - gap.top - 2 * MARGIN, 5.0)
    width = height * aspect
    if width > MAX_WIDTH:
        width, height = MAX_WIDTH, MAX_WIDTH / aspect
    centre_y = (gap.top + gap.bottom) / 2
    return _points(gap.middle - width / 2, centre_y - height / 2, width, height, gap.page_height)


def seal_box(signer: Box, width_mm: float, aspect: float) -> Box:
    """The seal at its real width, its right edge a third of the way into the signer's picture, centred on it."""
    x1, y1, x2, y2 = signer
    width, height = width_mm * MM, width_mm * MM / aspect
    right = x1 + (x2 - x1) / 3
    middle = (y1 + y2) / 2
    return (right - width, middle - height / 2, right, middle + height / 2)


def _points(left: float, top: float, width: float, height: float, page_height: float) -> Box:
    """A box given in mm from the page's top left, in points from its bottom left."""
    return (left * MM, (page_height - top - height) * MM, (left + width) * MM, (page_height - top) * MM)


def top_right_box(pdf: bytes, stamp: bytes) -> Box:
    """The box of an agency signature's text (``stamp``: a one-page PDF its size) at the top right of page 1 (ND 30
    PL I: "góc trên, bên phải, trang đầu"; ô 14 of a copy): its right edge at the right edge of the page's text,
    in the top margin, above the page's first line, never off the page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(stamp)) as drawn:
        x1, y1, x2, y2 = (float(v) for v in drawn.pages[0].MediaBox)
    width, height = abs(x2 - x1) / MM, abs(y2 - y1) / MM
    lines, (page_width, page_height) = page_lines(pdf, 0)
    right_edge, top = page_width - TOP_RIGHT[0], TOP_RIGHT[1]
    if lines:
        right_edge = min(max(box[2] for box, _text in lines), page_width - 5.0)
        first = min(box[1] for box, _text in lines)
        top = max(3.0, min(TOP_RIGHT[1], first - TOP_GAP - height))
    left = max(right_edge - width, 0.0)
    return _points(left, top, width, height, page_height)
