"""Turn page 1 of a received PDF into the place of its ĐẾN mark: a blank space, never over its text or drawings.

ND 30 (PL IV) asks for the blank space under the number and the trích yếu, or under the date line; this module reads
page 1 with pdfium (already used for previews and the text of received files): the boxes of its characters (the
font's whole height, as a reader's selection shows them) and of its lines, shapes and pictures. It tries, in order:

1. under the left header block (the line beginning ``Số`` and the lines that follow it in the left column, the
   trích yếu of a công văn), as close under its middle as the page allows;
2. under the date line (``…, ngày … tháng … năm …``) at the top right, as close under its middle as it can;
3. the first blank rectangle in reading order (top to bottom, left to right) the mark and its clearance fit in;
4. failing all, where it covers the least of the page (told to the clerk), never failing the receipt.

All distances are millimetres from the page's top left corner (its media box, which the mark is laid over)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from correspondence.i18n import _

MM = 72 / 25.4
GAP = 2.0  # mm: characters of one line nearer than this make one box
GRID = 2.0  # mm: the steps at which, when no space is blank, every place is weighed
DATE = re.compile(r"ngày\W{0,3}[\d.…\s]{0,12}tháng\W{0,3}[\d.…\s]{0,12}năm", re.IGNORECASE)
NUMBER = re.compile(r"^\s*Số\s*[:.]", re.IGNORECASE)
RECIPIENTS = re.compile(r"^\s*Kính\s*gửi", re.IGNORECASE)

Box = tuple[float, float, float, float]  # left, top, right, bottom (mm from the page's top left)


@dataclass(frozen=True)
class Place:
    """Where the mark's top left corner stands (mm from the page's top left), and how it was chosen: ``so`` under
    the number and trích yếu, ``ngay`` under the date line, ``trong`` a blank space found on the page, ``de`` over
    the page's content (no blank space was big enough; ``covered`` mm² of it lie under the mark), ``khong_doc`` the
    model's own place (pdfium could not read the page)."""

    kind: str
    left: float
    top: float
    covered: float = 0.0

    def said(self) -> str:
        """Where the mark went, in words for the clerk."""
        if self.kind == "so":
            return _("page 1, under the number and subject")
        if self.kind == "ngay":
            return _("page 1, top right, under the date")
        if self.kind == "khong_doc":
            return _("page 1, top right (the page could not be read to find a blank space)")
        spot = {"left": round(self.left), "top": round(self.top)}
        if self.kind == "trong":
            return _("page 1, in the blank space {left} mm from the left edge and {top} mm from the top").format(**spot)
        return _("page 1, {left} mm from the left edge and {top} mm from the top").format(**spot)


def find_place(pdf: bytes, size: tuple[float, float], clearance: float, edge: float,
               fallback: tuple[float, float]) -> Place:
    """Where a mark of ``size`` (width, height) goes on page 1 of ``pdf``: ``clearance`` mm of blank around it,
    ``edge`` mm at least from the edges of the page. ``fallback`` (left, top) is tried first among places that
    cover content when nothing on the page tells where the blank space is (a page that is one picture)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        x0, y0, x1, y1 = page.get_mediabox()
        c0, d0, c1, d1 = page.get_cropbox()
        width, height = (x1 - x0) / MM, (y1 - y0) / MM
        area = ((max(x0, c0) - x0) / MM + edge, (y1 - min(y1, d1)) / MM + edge,
                (min(x1, c1) - x0) / MM - edge, (y1 - max(y0, d0)) / MM - edge)  # what the viewer shows, less the edge
        lines = _text_lines(page, x0, y1)
        obstacles = [box for box, _text in lines] + _drawings(page, x0, y1, width, height)
    finally:
        document.close()
    return _choose(lines, obstacles, area, size, clearance, fallback)


def page_lines(pdf: bytes, index: int = -1) -> tuple[list[tuple[Box, str]], tuple[float, float]]:
    """The lines of text of a page of ``pdf`` (the last by default) as boxes (mm from its top left) with their text,
    and the page's size (mm): where a signature's picture goes is found from them (the signer's title and name)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[index if index >= 0 else len(document) + index]
        x0, y0, x1, y1 = page.get_mediabox()
        return _text_lines(page, x0, y1), ((x1 - x0) / MM, (y1 - y0) / MM)
    finally:
        document.close()


def _choose(lines: list[tuple[Box, str]], obstacles: list[Box], area: Box, size: tuple[float, float],
            clearance: float, fallback: tuple[float, float]) -> Place:
    w, h = size
    left, top, right, bottom = area
    middle = (left + right) / 2
    wanted = []  # (kind, top, the middle the mark should be nearest, the range of its left edge)
    block = _number_block(lines, middle)
    if block is not None:
        wanted.append(("so", block[3] + clearance, (block[0] + block[2]) / 2, (left, middle - w / 2)))
    date = next((box for box, text in lines if DATE.search(text) and box[1] < (top + bottom) / 2
                 and (box[0] + box[2]) / 2 > middle), None)
    if date is not None:
        wanted.append(("ngay", date[3] + clearance, (date[0] + date[2]) / 2, (middle - w / 2, right - w)))
    for kind, y, centre, (low, high) in wanted:
        if y + h > bottom:
            continue
        spans = _free(obstacles, y, size, clearance, (max(low, left), min(high, right - w)))
        if spans:
            x = min((min(max(centre - w / 2, a), b) for a, b in spans), key=lambda x: (abs(x + w / 2 - centre), x))
            return Place(kind, round(x, 2), round(y, 2))
    tops = sorted({top} | {b[3] + clearance for b in obstacles if top < b[3] + clearance and b[3] + clearance + h <= bottom})
    for y in tops:
        spans = _free(obstacles, y, size, clearance, (left, right - w))
        if spans:
            return Place("trong", round(spans[0][0], 2), round(y, 2))
    return _least(obstacles, wanted, area, size, fallback)


def _free(obstacles: list[Box], y: float, size: tuple[float, float], clearance: float,
          within: tuple[float, float]) -> list[tuple[float, float]]:
    """The ranges of the left edge at which a mark whose top is at ``y`` keeps ``clearance`` from every obstacle."""
    w, h = size
    low, high = within
    if high < low:
        return []
    blocked = sorted((b[0] - clearance - w, b[2] + clearance) for b in obstacles
                     if b[1] - clearance < y + h and b[3] + clearance > y)
    spans, start = [], low
    for a, b in blocked:
        if b <= start:
            continue
        if a >= start:
            if a > high:
                break
            spans.append((start, a))  # an open gap: the mark touching the obstacle's clearance still keeps it
        start = max(start, b)
    if start <= high:
        spans.append((start, high))
    return [(a, min(b, high)) for a, b in spans if a <= min(b, high)]


def _least(obstacles: list[Box], wanted: list[tuple[str, float, float, tuple[float, float]]], area: Box,
           size: tuple[float, float], fallback: tuple[float, float]) -> Place:
    """Where the mark covers the least of the page: the places ND 30 prefers first, then the model's own, then every
    place at a step of ``GRID`` mm in reading order (the first of equals kept)."""
    w, h = size
    left, top, right, bottom = area
    high_x, high_y = max(left, right - w), max(top, bottom - h)
    places = [(min(max(centre - w / 2, left), high_x), min(max(y, top), high_y)) for _k, y, centre, _r in wanted]
    places.append((min(max(fallback[0], left), high_x), min(max(fallback[1], top), high_y)))
    steps_x = int((high_x - left) // GRID) + 1
    steps_y = int((high_y - top) // GRID) + 1
    places += [(left + i * GRID, top + j * GRID) for j in range(steps_y) for i in range(steps_x)]
    best, least = places[0], None
    for x, y in places:
        covered = sum(max(0.0, min(x + w, b[2]) - max(x, b[0])) * max(0.0, min(y + h, b[3]) - max(y, b[1]))
                      for b in obstacles)
        if least is None or covered < least - 1e-9:
            best, least = (x, y), covered
    return Place("de", round(best[0], 2), round(best[1], 2), round(least or 0.0, 2))


def _number_block(lines: list[tuple[Box, str]], middle: float) -> Box | None:
    """The box of the left header block: the line beginning ``Số:`` in the top half of the left column and the
    lines of that column under it set as one block (the trích yếu of a công văn), up to ``Kính gửi``."""
    start = next((i for i, (box, text) in enumerate(lines) if NUMBER.match(text) and (box[0] + box[2]) / 2 < middle),
                 None)
    if start is None:
        return None
    block = lines[start][0]
    column = sorted(((box, text) for box, text in lines if box[1] >= block[3] - 0.5 and box[2] <= middle + 5
                     and box[0] < middle), key=lambda line: (line[0][1], line[0][0]))
    height = block[3] - block[1]
    for box, text in column:
        if box[1] - block[3] > min(height, box[3] - box[1]) * 0.75 or RECIPIENTS.match(text):
            break  # a wider gap than between the lines of one block, or the recipients of a công văn
        if box[2] > block[0] and box[0] < block[2] + 10:  # under the block, not another column
            block = (min(block[0], box[0]), block[1], max(block[2], box[2]), max(block[3], box[3]))
    return block


def _text_lines(page: object, x0: float, y1: float) -> list[tuple[Box, str]]:
    """The page's characters merged into boxes a line of words at a time, with their text, in the page's order."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        lines: list[tuple[Box, str]] = []
        box: list[float] | None = None
        text = ""
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index) or 32)
            if char.isspace():
                if box is not None:
                    text += " "
                continue
            low_x, low_y, high_x, high_y = textpage.get_charbox(index, loose=True)
            if high_x <= low_x or high_y <= low_y:
                continue
            mine = [(low_x - x0) / MM, (y1 - high_y) / MM, (high_x - x0) / MM, (y1 - low_y) / MM]
            if box is not None:
                overlap = min(box[3], mine[3]) - max(box[1], mine[1])
                if (overlap > 0.5 * min(box[3] - box[1], mine[3] - mine[1]) and mine[0] <= box[2] + GAP
                        and mine[2] >= box[0] - GAP):
                    box = [min(box[0], mine[0]), min(box[1], mine[1]), max(box[2], mine[2]), max(box[3], mine[3])]
                    text += char
                    continue
                lines.append(((box[0], box[1], box[2], box[3]), text.strip()))
            box, text = mine, char
        if box is not None:
            lines.append(((box[0], box[1], box[2], box[3]), text.strip()))
        return lines
    finally:
        textpage.close()


def _drawings(page: object, x0: float, y1: float, width: float, height: float) -> list[Box]:
    """The boxes of the page's lines, shapes and pictures (inside forms too); a fill only that covers most of the
    page is its background, not an obstacle; a frame around the page stands by its four sides."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    kinds = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_SHADING,
             pdfium_c.FPDF_PAGEOBJ_FORM)
    boxes: list[Box] = []
    matrices = [pypdfium2.PdfMatrix()]  # from the space of the objects at each depth to the page's
    for obj in page.get_objects(filter=list(kinds)):  # type: ignore[attr-defined]
        del matrices[obj.level + 1:]
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            matrices.append(obj.get_matrix().multiply(matrices[obj.level]))
            continue
        try:
            bounds = obj.get_bounds()
        except pypdfium2.PdfiumError:
            continue
        if obj.level:
            bounds = matrices[obj.level].on_rect(*bounds)
        low_x, low_y, high_x, high_y = bounds
        box = ((low_x - x0) / MM, (y1 - high_y) / MM, (high_x - x0) / MM, (y1 - low_y) / MM)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            fill, stroke = ctypes.c_int(0), ctypes.c_int(0)
            if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
                continue
            if not fill.value and not stroke.value:
                continue  # a clipping path draws nothing
            if (box[2] - box[0]) * (box[3] - box[1]) > 0.8 * width * height:
                if stroke.value:
                    side = 1.0
                    boxes += [(box[0], box[1], box[2], box[1] + side), (box[0], box[3] - side, box[2], box[3]),
                              (box[0], box[1], box[0] + side, box[3]), (box[2] - side, box[1], box[2], box[3])]
                continue
        boxes.append(box)
    return boxes
