"""Turn body markup (a small Markdown dialect) into numbered paragraphs, runs and footnotes.

Lines (one line each for headings): ``# Title`` a section ``I. TITLE`` (Roman, renumbered, upper
case); ``## Title`` a centred heading (Phần, Chương); ``### Title`` a bold heading in the flow;
``Điều 1. Title`` an article (renumbered); ``1.`` khoản (renumbered in order; ``**1.**`` with its number bold),
``1.1.`` and ``1.1.1.`` its parts (renumbered under it); ``a)`` điểm (re-lettered a, b, c, d, đ … after each
khoản); ``- `` and ``+ `` dash lines;
``-> text <-`` a centred paragraph; ``| a | b |`` lines a table (a ``|---|---|`` line makes the rows above it the
header, and marks each column's alignment and width; a ``<`` cell joins the cell on its left, a ``^`` cell the one
above); anything else is a paragraph; a blank line ends a paragraph. Inline:
``**bold**``, ``*italic*``, ``***both***``, footnote calls ``[^id]`` with ``[^id]: text`` on a line of its own;
a backslash makes the next character literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from correspondence.i18n import _
from correspondence.model import Block, Cell, Column, Footnote, Inline, Paragraph, Run, Table, TableRow, plain_text
from correspondence.vietnamese import chu_cai, so_la_ma

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_ARTICLE = re.compile(r"^Điều\s+\d+\.\s*(.*)$")
_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")
_BOLD_NUMBER = re.compile(r"^\*\*(\d+(?:\.\d+){0,2}\.)\*\*(\s+.*)$")  # **1.** Chủ trì: the number alone in bold
_SUBITEM = re.compile(r"^(\d+(?:\.\d+){1,2})\.\s+(.*)$")  # 2.1. and 2.1.1.: a khoản's own numbered parts
_CENTRED = re.compile(r"^->\s*(.*?)\s*<-$")  # -> a centred paragraph <-
_ROMAN = re.compile(r"^([IVXLC]+)\.\s+(.*)$")
_POINT = re.compile(r"^([a-zđ])\)\s+(.*)$")
_DASH = re.compile(r"^-\s+(.*)$")
_PLUS = re.compile(r"^\+\s+(.*)$")
_NOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$")
_NOTE_CALL = re.compile(r"\[\^([^\[\]\s]+)\]")  # a name stops at '[': each start scans to the next one (linear)
_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|(\s*:?(?:-+:?\s*|--+:?[^|]*)\|)+$")  # |---|:-:|, a width after two dashes: |--- 30mm|
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_INLINE_MARK = re.compile(r"\\|\*+|\[")  # where inline markup may start: an escape, emphasis, a footnote call


@dataclass(frozen=True)
class MarkupProblem:
    line: int  # 1-based, inside the body text
    message: str


@dataclass
class _Pending:
    role: str
    marker: str
    text: list[str]
    line: int
    level: int = 0
    bold_marker: bool = False


def parse_body(text: str, renumber: bool = True) -> tuple[tuple[Block, ...], tuple[Footnote, ...],
                                                         list[MarkupProblem]]:
    """Parse the body; return paragraphs, footnotes (numbered in call order) and problems.

    ``renumber=False`` keeps every number as typed (an extract reproduces its original: "2." stays "2.", and a
    section typed ``# III. Title`` keeps III.).
    """
    problems: list[MarkupProblem] = []
    definitions: dict[str, tuple[str, int]] = {}
    pending: list[_Pending] = []
    current: _Pending | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        note = _NOTE_DEF.match(line)
        if note:
            if note.group(1) in definitions:
                problems.append(MarkupProblem(number, _("footnote [^{id}] is defined twice").format(id=note.group(1))))
            definitions[note.group(1)] = (note.group(2), number)
            current = None
            continue
        if not line:
            current = None
            continue
        if _TABLE_ROW.match(line):
            if current is None or current.role != "table":
                current = _Pending("table", "", [], number)
                pending.append(current)
            current.text.append(line)
            continue
        if current is not None and current.role == "table":
            current = None
        start = _block_start(line, number)
        if start is None:
            if current is None:
                current = _Pending("paragraph", "", [], number)
                pending.append(current)
            current.text.append(line)
        else:
            pending.append(start)
            # A heading is one line; the next line starts a paragraph.
            current = None if start.role in ("section", "heading", "article") or start.marker == "->" else start

    notes: dict[str, int] = {}
    footnotes: list[Footnote] = []
    blocks: list[Block] = []
    item = point = section = article = 0
    parts = [0, 0]  # the numbers of 2.1. and 2.1.1. under the current khoản
    for block in pending:
        if block.role == "table":
            table = _table(block, problems)
            if table is not None:
                blocks.append(table)
            continue
        if block.role == "section":
            section += 1
            item = point = 0
            marker = f"{so_la_ma(section)}."
            roman = _ROMAN.match(block.text[0])
            if roman:  # "# I. Title": the number typed is kept in an extract, else the tool's own is used
                block.text[0] = roman.group(2)
                if not renumber:
                    marker = f"{roman.group(1)}."
        elif block.role == "article":
            article += 1
            item = point = 0
            marker = f"Điều {article}." if renumber else block.marker
        elif block.role == "heading":
            item = point = 0
            marker = ""
        elif block.role == "item" and block.level == 0:
            item += 1
            point = 0
            parts = [0, 0]
            marker = f"{item}." if renumber else block.marker
        elif block.role == "item":
            depth = block.level
            parts[depth - 1] += 1
            parts[depth:] = [0] * (2 - depth)
            point = 0
            numbers = [item, *parts[:depth]]
            marker = ".".join(map(str, numbers)) + "." if renumber and item else block.marker
        elif block.role == "point":
            marker = f"{chu_cai(point)})" if renumber else block.marker
            point += 1
        else:
            marker = block.marker
        runs = _inline(" ".join(block.text), block.line, problems, definitions, notes, footnotes)
        if block.role in ("section", "heading", "article"):
            # ND 30: section titles "I. TITLE" bold upper case; part and chapter titles (##) bold and centred;
            # "Điều 1." bold (a title after it: **Title**); other headings bold in the text flow.
            upper = block.role == "section"
            bold = block.role != "article"  # "Điều 1." is bold; what follows it is the article's text
            runs = tuple(Run(r.text.upper() if upper else r.text, bold or r.bold, r.italic, r.subscript)
                         if isinstance(r, Run) else r for r in runs)
            centred = block.role == "heading" and block.level == 2
            blocks.append(Paragraph(runs, block.role, marker, block.level,  # type: ignore[arg-type]
                                    "center" if centred else "justify", not centred, bold_marker=True,
                                    keep_with_next=block.role != "article"))
            continue
        if block.role == "item" and (_is_title(runs) or _opens(runs) or block.bold_marker):
            # A khoản is printed as written (ND 30's samples: "1. Rà soát …, gồm:" in regular type): one whose text
            # the writer made bold ("1. **Mục đích**") has its number bold too, and "**1.** Chủ trì:" the number
            # alone. A short one opening what follows (a title, or ending ':') never ends a page alone.
            blocks.append(Paragraph(runs, "item", marker, block.level, bold_marker=block.bold_marker or _is_title(runs),
                                    keep_with_next=_is_title(runs) or _opens(runs)))
            continue
        if block.marker == "->":
            blocks.append(Paragraph(runs, "paragraph", "", 0, "center", False))
            continue
        blocks.append(Paragraph(runs=runs, role=block.role, marker=marker, level=block.level))  # type: ignore[arg-type]
    for key, (_text, defined_at) in definitions.items():
        if key not in notes:
            problems.append(MarkupProblem(defined_at, _("footnote [^{id}] is never referred to").format(id=key)))
    return tuple(blocks), tuple(footnotes), problems


def _table(block: _Pending, problems: list[MarkupProblem]) -> Table | None:
    """A table from its ``| … |`` lines: every row as many cells as the first. A rule line (``|---|---|``) makes the
    rows above it header rows (bold, centred, repeated on every page); its cells mark each column's alignment
    (``:--`` left, ``:-:`` centred, ``--:`` right) and width (``--- 30mm``, ``--- 25%``). A cell holding only ``<``
    joins the cell on its left, only ``^`` the cell above it (``\\<``, ``\\^``: the sign itself). Widths are relative
    here (the longest text of each column); the composer fits them to the text width."""
    lines = list(block.text)
    numbers = [block.line + offset for offset in range(len(lines))]
    rule = next((i for i, line in enumerate(lines) if i > 0 and _TABLE_RULE.match(line)), None)
    columns: list[Column] = []
    if rule is not None:
        columns = _columns(lines[rule], numbers[rule], problems)
        del lines[rule], numbers[rule]
    raw: list[list[str]] = [[cell.strip() for cell in _CELL_SPLIT.split(line[1:-1])] for line in lines]
    count = len(raw[0])
    bad = False
    for row, line in zip(raw, numbers, strict=True):
        if len(row) != count:
            problems.append(MarkupProblem(line, _("this table row has {found} cells, the first has {count}").format(
                found=len(row), count=count)))
            bad = True
        if any(_NOTE_CALL.search(cell) for cell in row):
            problems.append(MarkupProblem(line, _("a footnote cannot be called inside a table cell")))
            bad = True
    if columns and len(columns) != count:
        problems.append(MarkupProblem(block.line + (rule or 0), _(
            "this table row has {found} cells, the first has {count}").format(found=len(columns), count=count)))
        bad = True
    if bad:
        return None
    header = rule or 0
    spans = _spans(raw, numbers, header, problems)
    if spans is None:
        return None
    made: list[TableRow] = []
    for index, row in enumerate(raw):
        is_header = index < header
        cells = []
        for column, text in enumerate(row):
            if (index, column) not in spans:
                continue
            colspan, rowspan = spans[(index, column)]
            runs = _inline(text, numbers[index], problems, {}, {}, [])
            words = [r for r in runs if isinstance(r, Run) and r.text.strip()]
            align = "center" if is_header else (columns[column].align if columns else None) or "left"
            cells.append(Cell(plain_text(runs).replace("\\|", "|"), colspan, rowspan, align=align,
                              bold=is_header or (bool(words) and all(r.bold for r in words))))
        made.append(TableRow(tuple(cells), "header" if is_header else "data"))
    weights = tuple(float(max(4, *(len(text) for row in raw for c, text in enumerate(row) if c == column)))
                    for column in range(count))
    return Table(weights, tuple(made[:header]), tuple(made[header:]),
                 columns=tuple(columns) if columns else tuple(Column() for _c in range(count)))


_RULE_CELL = re.compile(r"^(:?)-+(:?)(?:\s*(\d+(?:[.,]\d+)?)\s*(mm|%))?$")


def _columns(line: str, number: int, problems: list[MarkupProblem]) -> list[Column]:
    """Each column's alignment and width from the rule line's cells."""
    out: list[Column] = []
    for text in (cell.strip() for cell in line[1:-1].split("|")):
        match = _RULE_CELL.match(text)
        if match is None:
            problems.append(MarkupProblem(number, _(
                "'{cell}' is not a column mark: write ---, :--, :-: or --:, then a width such as 30mm or 25%").format(
                cell=text)))
            out.append(Column())
            continue
        left, right, width, unit = match.groups()
        align = {(":", ":"): "center", (":", ""): "left", ("", ":"): "right"}.get((left, right))
        out.append(Column(float(width.replace(",", ".")) if width else None, unit or "mm", align))  # type: ignore[arg-type]
    return out


def _spans(raw: list[list[str]], numbers: list[int], header: int,
           problems: list[MarkupProblem]) -> dict[tuple[int, int], tuple[int, int]] | None:
    """The cells that are printed, each with its (colspan, rowspan): a ``<`` joins the cell on its left, a ``^`` the
    cell above; every joined group must be a rectangle within the header or within the data."""
    anchor: dict[tuple[int, int], tuple[int, int]] = {}
    found = len(problems)
    for r, row in enumerate(raw):
        for c, text in enumerate(row):
            if text == "<":
                if c == 0:
                    problems.append(MarkupProblem(numbers[r], _(
                        "'<' joins a cell to the one on its left: the first column has none")))
                    continue
                anchor[(r, c)] = anchor.get((r, c - 1), (r, c - 1))
            elif text == "^":
                if r == 0:
                    problems.append(MarkupProblem(numbers[r], _(
                        "'^' joins a cell to the one above it: the first row has none")))
                    continue
                if r == header and header:
                    problems.append(MarkupProblem(numbers[r], _(
                        "'^' joins a cell to the one above it: a data row cannot join a header row")))
                    continue
                anchor[(r, c)] = anchor.get((r - 1, c), (r - 1, c))
            else:
                anchor[(r, c)] = (r, c)
    if len(problems) > found:
        return None
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for place, start in anchor.items():
        groups.setdefault(start, []).append(place)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for start, places in sorted(groups.items()):
        rows = {r for r, _c in places}
        cols = {c for _r, c in places}
        if len(places) != len(rows) * len(cols) or min(rows) != start[0] or min(cols) != start[1]:
            problems.append(MarkupProblem(numbers[start[0]], _(
                "the cells joined to '{cell}' do not make a rectangle: join whole rows and columns").format(
                cell=raw[start[0]][start[1]])))
            continue
        spans[start] = (len(cols), len(rows))
    return spans if len(problems) == found else None


def _short(runs: tuple[Inline, ...]) -> str | None:
    """The text of a khoản short enough to be a title (at most 15 words, no footnote), else None."""
    text = plain_text(runs).strip()
    if not text or len(text.split()) > 15 or any(isinstance(r, Footnote) for r in runs):
        return None
    return text


def _is_title(runs: tuple[Inline, ...]) -> bool:
    """A khoản that is only a short title the writer made bold ("1. **Mục đích**")."""
    return _short(runs) is not None and all(r.bold for r in runs if isinstance(r, Run) and r.text.strip())


def _opens(runs: tuple[Inline, ...]) -> bool:
    """A short khoản ending with ':' (its content follows in the next paragraphs): printed as written."""
    text = _short(runs)
    return text is not None and text.endswith(":")


def _block_start(line: str, number: int) -> _Pending | None:
    if line.startswith("\\"):
        return None
    match = _HEADING.match(line)
    if match:
        level = len(match.group(1))
        return _Pending("section" if level == 1 else "heading", "", [match.group(2)], number, level=level)
    match = _ARTICLE.match(line)
    if match:
        return _Pending("article", line[:match.start(1)].strip(), [match.group(1)], number)
    bold = _BOLD_NUMBER.match(line)
    if bold:  # "**1.** Chủ trì:": read as "1. Chủ trì:" with its number in bold
        start = _block_start(f"{bold.group(1)}{bold.group(2)}", number)
        if start is not None and start.role == "item":
            start.bold_marker = True
            return start
    match = _ITEM.match(line)
    if match:
        return _Pending("item", f"{match.group(1)}.", [match.group(2)], number)
    match = _SUBITEM.match(line)
    if match:
        return _Pending("item", f"{match.group(1)}.", [match.group(2)], number, level=match.group(1).count("."))
    match = _POINT.match(line)
    if match:
        return _Pending("point", f"{match.group(1)})", [match.group(2)], number)
    match = _CENTRED.match(line)
    if match:
        return _Pending("paragraph", "->", [match.group(1)], number)
    match = _DASH.match(line)
    if match:
        return _Pending("dash", "-", [match.group(1)], number)
    match = _PLUS.match(line)
    if match:
        return _Pending("plus", "+", [match.group(1)], number, level=1)
    return None


def _inline(text: str, line: int, problems: list[MarkupProblem], definitions: dict[str, tuple[str, int]],
            notes: dict[str, int], footnotes: list[Footnote], in_note: bool = False) -> tuple[Inline, ...]:
    runs: list[Inline] = []
    buffer: list[str] = []
    bold = italic = False

    def flush() -> None:
        if buffer:
            runs.append(Run("".join(buffer), bold=bold, italic=italic))
            buffer.clear()

    i, end = 0, len(text)
    while i < end:
        found = _INLINE_MARK.search(text, i)  # the text up to the next '\\', '*' or '[' is plain
        if found is None:
            buffer.append(text[i:])
            break
        if found.start() > i:
            buffer.append(text[i:found.start()])
        i = found.start()
        char = text[i]
        if char == "\\" and i + 1 < end:
            buffer.append(text[i + 1])
            i += 2
            continue
        if char == "*":
            stars = min(len(found[0]), 3)
            flush()
            if stars >= 2:
                bold = not bold
            if stars in (1, 3):
                italic = not italic
            i += stars
            continue
        if char == "[" and not in_note:
            call = _NOTE_CALL.match(text, i)
            if call:
                flush()
                key = call.group(1)
                if key not in definitions:
                    problems.append(MarkupProblem(line, _("footnote [^{id}] has no text: add a line '[^{id}]: …'").format(id=key)))
                else:
                    if key not in notes:
                        notes[key] = len(notes) + 1
                        note_text, note_line = definitions[key]
                        note_runs = _inline(note_text, note_line, problems, definitions, notes, footnotes, in_note=True)
                        footnotes.append(Footnote(notes[key], tuple(r for r in note_runs if isinstance(r, Run))))
                    runs.append(next(f for f in footnotes if f.number == notes[key]))
                i = call.end()
                continue
        buffer.append(char)
        i += 1
    flush()
    if bold or italic:
        problems.append(MarkupProblem(line, _("'*' or '**' opened but not closed in this paragraph")))
    return tuple(runs)
