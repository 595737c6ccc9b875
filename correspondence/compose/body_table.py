"""Turn a table of the body into one fitted to the text width: column widths, the font size, each cell's alignment,
the rows kept with what follows.

A number, a percentage, a date or a code (a token without spaces holding a digit: ``83,0%``, ``41,02/80``,
``12/5/2025``, ``3018/UBND-XD6``) is never cut inside its cell: its column is at least as wide as its longest such
token. When the table cannot be that wide at ``Sizes.table``, it is set smaller, down to ``Sizes.table_min``; only
then may such a token break, and the clerk is told. The renderers draw the widths and size given here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from correspondence import model as m
from correspondence.errors import Problem
from correspondence.i18n import _
from correspondence.metrics import text_width
from correspondence.progress import notice

MIN_COLUMN = 12.0  # mm: the narrowest column of a table in the body
SIZE_STEP = 0.5  # pt: how much smaller a crowded table is set at each try
SLACK = 0.3  # mm: room left beside the widest token of a column (rounding, the engines' own measures)
_NUMBER = re.compile(r"^[-+−]?\d[\d.,/]*%?$")  # 1.234  83,0%  41,02/80  12/5/2025
_SERIAL = re.compile(r"^\d{1,3}\.?$")  # the STT column: 1, 2, 3 …


def placed(table: m.Table) -> Iterator[tuple[int, int, m.Cell]]:
    """Each cell with its row (over header and data) and its first grid column, the columns a ``rowspan`` from above
    covers skipped."""
    covered: dict[tuple[int, int], bool] = {}
    for r, row in enumerate((*table.header, *table.rows)):
        column = 0
        for cell in row.cells:
            while covered.get((r, column)):
                column += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered[(r + dr, column + dc)] = True
            yield r, column, cell
            column += cell.colspan


def fit(table: m.Table, width: float, sizes: m.Sizes, spacing: m.Spacing, where: str) -> m.Table:
    """``table`` across ``width`` mm: columns as marked, the others as wide as their text asks, none narrower than
    ``MIN_COLUMN`` nor than its longest number or code; set smaller when that cannot fit; numbers right-aligned
    (a column of serial numbers centred) where the markup did not say."""
    count = len(table.widths)
    columns = table.columns or tuple(m.Column() for _c in range(count))
    pad = (2 * spacing.cell_padding[1] + spacing.table_rule_weight) * 25.4 / 72 + SLACK
    cells = list(placed(table))
    size = sizes.table
    while True:
        widths = _widths(cells, columns, count, width, size, pad)
        if widths is not None or size - SIZE_STEP < sizes.table_min - 1e-9:
            break
        size -= SIZE_STEP
    if widths is None:  # even at the smallest size: the tokens' columns in proportion, and a token may break
        hard = _needs(cells, count, size, pad, _tokens)
        fixed = _fixed(columns, width)
        hard = [max(h, f or 0) for h, f in zip(hard, fixed, strict=True)]
        widths = [width * h / sum(hard) for h in hard]
        notice(str(Problem(where, "noi_dung", _(
            "a table of the body is too wide for the page even at {size} pt: a number or code in it is broken "
            "across lines").format(size=f"{size:g}"), _("give it fewer columns, or put it in an annex"))))
    return dataclasses.replace(table, widths=tuple(round(w, 1) for w in widths), size=None if size == sizes.table else size,
                               header=_aligned(table.header, table, columns, header=True),
                               rows=_aligned(table.rows, table, columns, header=False))


def _tokens(text: str) -> list[str]:
    return [t for t in text.split() if any(ch.isdigit() for ch in t)]


def _words(text: str) -> list[str]:
    return text.split()


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _needs(cells: list[tuple[int, int, m.Cell]], count: int, size: float, pad: float, pieces) -> list[float]:  # type: ignore[no-untyped-def]
    """Each column's width for its widest piece (token, word or line) at ``size``; a cell over several columns
    widens them evenly when they are too narrow together."""
    need = [MIN_COLUMN] * count
    spanning = []
    for _r, column, cell in cells:
        widest = max((text_width(p, size, bold=cell.bold) for p in pieces(cell.text)), default=0.0) + pad
        if cell.colspan == 1:
            need[column] = max(need[column], widest)
        else:
            spanning.append((column, cell.colspan, widest))
    for column, span, widest in spanning:
        short = widest - sum(need[column:column + span])
        if short > 0:
            for c in range(column, column + span):
                need[c] += short / span
    return need


def _fixed(columns: tuple[m.Column, ...], width: float) -> list[float | None]:
    return [None if c.width is None else c.width if c.unit == "mm" else width * c.width / 100 for c in columns]


def _widths(cells: list[tuple[int, int, m.Cell]], columns: tuple[m.Column, ...], count: int, width: float,
            size: float, pad: float) -> list[float] | None:
    """The columns' widths at ``size``, or None when the numbers and codes cannot all be whole."""
    hard = _needs(cells, count, size, pad, _tokens)
    soft = [max(h, s) for h, s in zip(hard, _needs(cells, count, size, pad, _words), strict=True)]
    natural = [max(s, n) for s, n in zip(soft, _needs(cells, count, size, pad, _lines), strict=True)]
    out: list[float] = [0.0] * count
    free = []
    budget = width
    for c, value in enumerate(_fixed(columns, width)):
        if value is None:
            free.append(c)
        else:  # as marked, but never narrower than its numbers
            out[c] = max(value, hard[c])
            budget -= out[c]
    if not free:
        return out if budget >= -0.05 else None
    levels = [[hard[c] for c in free], [soft[c] for c in free], [natural[c] for c in free]]
    if sum(levels[0]) > budget + 1e-9:
        return None
    if sum(levels[2]) <= budget:
        total = sum(levels[2])
        chosen = [budget * n / total for n in levels[2]]
    else:
        low, high = (levels[0], levels[1]) if sum(levels[1]) > budget else (levels[1], levels[2])
        share = (budget - sum(low)) / ((sum(high) - sum(low)) or 1)
        chosen = [lo + (hi - lo) * share for lo, hi in zip(low, high, strict=True)]
    for c, value in zip(free, chosen, strict=True):
        out[c] = value
    return out


def _aligned(rows: tuple[m.TableRow, ...], table: m.Table, columns: tuple[m.Column, ...],
             header: bool) -> tuple[m.TableRow, ...]:
    """Data cells of a column the markup left unaligned: a number right-aligned, a serial number centred."""
    if header:
        return rows
    start = len(table.header)
    cells = [(r - start, c, cell) for r, c, cell in placed(table) if r >= start]
    serial = {c for c in range(len(columns)) if columns[c].align is None
              and (texts := [cell.text.strip() for _r, col, cell in cells if col == c and cell.colspan == 1
                             and cell.text.strip()])
              and all(_SERIAL.match(t) for t in texts)}
    where = {(r, id(cell)): c for r, c, cell in cells}
    out = []
    for r, row in enumerate(rows):
        made = []
        for cell in row.cells:
            column = where[(r, id(cell))]
            text = cell.text.strip()
            if columns[column].align is None and cell.colspan == 1:
                if column in serial:
                    cell = dataclasses.replace(cell, align="center")
                elif _NUMBER.match(text):
                    cell = dataclasses.replace(cell, align="right")
            made.append(cell)
        out.append(dataclasses.replace(row, cells=tuple(made)))
    return tuple(out)


def keep_last(table: m.Table, rows: int) -> m.Table:
    """``table`` ending the body: its last ``rows`` rows (more when a merged cell reaches into them) stay on the page
    of ``./.`` and the signature."""
    count = len(table.rows)
    keep = min(rows, count)
    start = len(table.header)
    changed = True
    while changed:
        changed = False
        for r, _c, cell in placed(table):
            index = r - start
            if 0 <= index < count - keep and index + cell.rowspan > count - keep:
                keep = count - index
                changed = True
    return dataclasses.replace(table, keep_last=keep)
