"""Tables inside the body: header rows, merged cells, column widths and alignment as the clerk marks them; a number,
a percentage, a date or a code never cut inside its cell; a table ending the body keeps its last rows with ./. and
the signature. Measured on the PDF (pdfplumber) and on the DOCX XML."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from correspondence import model as m
from correspondence.i18n import set_language
from correspondence.metrics import text_width
from correspondence.progress import noticing
from correspondence.render.docx import render_docx
from correspondence.render.typst import render_typst
from correspondence.validate.markup import parse_body

PT = 72 / 25.4

# Two header rows: "Kết quả" over three columns, STT / Đơn vị / Ghi chú over both header rows.
TABLE = """Kết quả giải quyết hồ sơ như sau:

| STT | Đơn vị | Kết quả | < | < | Ghi chú |
| ^ | ^ | Số hồ sơ | Đúng hạn | Tỷ lệ | ^ |
| --- | --- 45mm | --- | --- | --- | --- |
| 1 | Sở Xây dựng | 41,02/80 | 1.234 | 83,0% | Văn bản 3018/UBND-XD6 ngày 12/5/2025 |
| 2 | Sở Tài nguyên và Môi trường | 7/80 | 12 | 100% | |
| 3 | Ủy ban nhân dân thành phố Hạ Long | 123,45/800 | 56.789 | 9,5% | Chậm |
"""

NUMBERS = ("41,02/80", "1.234", "83,0%", "7/80", "100%", "123,45/800", "56.789", "9,5%", "3018/UBND-XD6",
           "12/5/2025")


def _table(document: m.Document) -> m.Table:
    return next(b for b in document.body if isinstance(b, m.Table))


# ------------------------------------------------------------------ markup


def test_header_rows_spans_widths_and_alignment_are_read() -> None:
    blocks, _notes, problems = parse_body("| A | < | B |\n| C | D | ^ |\n|:-:| --: 30mm | --- 20% |\n| 1 | 2 | 3 |\n"
                                          "| x | ^ | \\< |\n")
    assert problems == []
    table = blocks[0]
    assert isinstance(table, m.Table)
    assert [[(c.text, c.colspan, c.rowspan) for c in row.cells] for row in table.header] == [
        [("A", 2, 1), ("B", 1, 2)], [("C", 1, 1), ("D", 1, 1)]]
    assert all(row.kind == "header" for row in table.header)
    assert [[(c.text, c.colspan, c.rowspan) for c in row.cells] for row in table.rows] == [
        [("1", 1, 1), ("2", 1, 2), ("3", 1, 1)], [("x", 1, 1), ("<", 1, 1)]]
    assert [(c.align, c.width, c.unit) for c in table.columns] == [("center", None, "mm"), ("right", 30.0, "mm"),
                                                                   (None, 20.0, "%")]


def test_bad_merges_are_located() -> None:
    set_language("en")
    _b, _n, problems = parse_body("Đoạn.\n\n| < | ^ |\n|---|---|\n| c | ^ |\n")
    assert [(p.line, p.message) for p in problems] == [
        (3, "'<' joins a cell to the one on its left: the first column has none"),
        (3, "'^' joins a cell to the one above it: the first row has none"),
        (5, "'^' joins a cell to the one above it: a data row cannot join a header row")]
    _b, _n, problems = parse_body("| a | b |\n| c | < |\n| ^ | d |\n")
    assert [(p.line, p.message) for p in problems] == [
        (2, "the cells joined to 'c' do not make a rectangle: join whole rows and columns")]
    _b, _n, problems = parse_body("| a | b |\n|:-- 9x |---|\n")
    assert [p.line for p in problems] == [2] and "9x" in problems[0].message


# ------------------------------------------------------------------ compose: widths, size, alignment


def test_a_number_or_code_is_never_narrower_than_its_column(build: Callable[..., Any],
                                                            make_record: Callable[..., Path]) -> None:
    document = build(make_record(noi_dung=TABLE))
    table = _table(document)
    assert sum(table.widths) == pytest.approx(document.page.text_width, abs=0.2)
    assert table.widths[1] == 45.0  # as the clerk asked
    size = table.size or document.sizes.table
    pad = (2 * document.spacing.cell_padding[1] + document.spacing.table_rule_weight) / PT
    for row in table.rows:
        column = 0
        for cell in row.cells:
            for token in cell.text.split():
                if any(ch.isdigit() for ch in token):
                    room = sum(table.widths[column:column + cell.colspan]) - pad
                    assert text_width(token, size, bold=cell.bold) <= room, (token, room)
            column += cell.colspan
    aligns = [[c.align for c in row.cells] for row in table.rows]
    assert aligns[0] == ["center", "left", "right", "right", "right", "left"]  # STT centred, numbers right


def test_a_crowded_table_is_set_smaller_then_cut_with_a_notice(build: Callable[..., Any],
                                                               make_record: Callable[..., Path]) -> None:
    set_language("en")
    row = "| " + " | ".join(["12.345.678"] * 8) + " |"
    heard: list[str] = []
    with noticing(heard.append):
        table = _table(build(make_record(noi_dung=f"Bảng:\n\n{row}\n{row}\n")))
    assert table.size is not None and m.Sizes().table_min <= table.size < m.Sizes().table
    assert heard == []
    row = "| " + " | ".join(["1.234.567.890,12"] * 12) + " |"
    with noticing(heard.append):
        table = _table(build(make_record(noi_dung=f"Bảng:\n\n{row}\n")))
    assert table.size == m.Sizes().table_min
    assert len(heard) == 1 and "noi_dung" in heard[0] and "broken" in heard[0]


# ------------------------------------------------------------------ PDF


def _pdf(document: m.Document) -> Any:
    return pdfplumber.open(io.BytesIO(render_typst(document)))


def test_pdf_numbers_whole_right_aligned_and_spans_drawn(build: Callable[..., Any],
                                                         make_record: Callable[..., Path]) -> None:
    document = build(make_record(noi_dung=TABLE))
    table = _table(document)
    with _pdf(document) as pdf:
        page = pdf.pages[0]
        words = [w["text"] for w in page.extract_words()]
        for token in NUMBERS:
            assert token in words, (token, [w for w in words if w[:1].isdigit()])
        by_text = {w["text"]: w for w in page.extract_words()}
        right = {by_text[t]["x1"] for t in ("41,02/80", "7/80", "123,45/800")}
        assert max(right) - min(right) < 0.6  # right-aligned in their column
        left = {by_text[t]["x0"] for t in ("41,02/80", "7/80", "123,45/800")}
        assert max(left) - min(left) > 5
        grid = page.find_tables()[0]
        cells = grid.cells
        x0 = min(c[0] for c in cells)
        edges = [x0 + sum(table.widths[:i]) * PT for i in range(len(table.widths) + 1)]

        def cell_of(word: dict[str, Any]) -> tuple[float, ...]:
            return min((c for c in cells if c[0] <= word["x0"] and word["x1"] <= c[2] and c[1] <= word["top"]
                        and word["bottom"] <= c[3]), key=lambda c: (c[2] - c[0]) * (c[3] - c[1]))

        ket_qua = cell_of(by_text["quả"])
        assert ket_qua[0] == pytest.approx(edges[2], abs=1) and ket_qua[2] == pytest.approx(edges[5], abs=1)
        stt = cell_of(by_text["STT"])
        so_ho_so = cell_of(by_text["Số"])
        assert stt[3] == pytest.approx(so_ho_so[3], abs=1) and stt[1] == pytest.approx(ket_qua[1], abs=1)
        assert stt[2] - stt[0] == pytest.approx(table.widths[0] * PT, abs=1)


def _rows_then(count: int) -> str:
    rows = "\n".join(f"| {i} | Đơn vị số {i} | {i * 7},5% |" for i in range(1, count + 1))
    return ("Danh sách:\n\n| STT | Đơn vị | Tỷ lệ |\n|---|---|---|\n" + rows + "\n")


def test_pdf_a_closing_table_keeps_its_last_rows_with_the_signature(build: Callable[..., Any],
                                                                    make_record: Callable[..., Path]) -> None:
    moved = 0
    for count in range(14, 24):
        with _pdf(build(make_record(noi_dung=_rows_then(count)))) as pdf:
            pages = [page.extract_text_lines() for page in pdf.pages]
        where = next(i for i, lines in enumerate(pages) if any(ln["text"] == "./." for ln in lines))
        lines = [ln["text"] for ln in pages[where]]
        assert any(t.startswith("Nơi nhận") for t in lines), count
        rows = [t for t in lines[:lines.index("./.")] if re.match(r"^\d+ Đơn vị số", t)]
        assert len(rows) >= 2, (count, lines[:6])
        assert rows[-1].startswith(f"{count} "), count
        if where > 0:
            moved += 1
            first = next(t for t in lines if not t.isdigit())  # under the page number
            assert first.startswith("STT"), (count, lines[:3])  # the header repeated over the rows carried
    assert moved, "some lengths put ./. on page 2"


# ------------------------------------------------------------------ DOCX


def _xml(document: m.Document) -> str:
    with zipfile.ZipFile(io.BytesIO(render_docx(document))) as package:
        return package.read("word/document.xml").decode()


def test_docx_grid_spans_merges_header_rows_and_alignment(build: Callable[..., Any],
                                                          make_record: Callable[..., Path]) -> None:
    document = build(make_record(noi_dung=TABLE))
    table = _table(document)
    xml = _xml(document)
    body = xml[xml.index("<w:tbl>", xml.index("Kết quả giải quyết")):]
    body = body[:body.index("</w:tbl>")]
    grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', body)]
    assert grid == [round(w * 56.6929) for w in table.widths]
    rows = body.split("<w:tr>")[1:]
    assert all("<w:tblHeader/>" in r for r in rows[:2]) and not any("<w:tblHeader/>" in r for r in rows[2:])
    assert '<w:gridSpan w:val="3"/>' in rows[0]
    assert rows[0].count('<w:vMerge w:val="restart"/>') == 3
    assert rows[1].count("<w:vMerge/>") == 3
    first = rows[2]
    cell = first[first.index("41,02/80") - 400:first.index("41,02/80")]
    assert '<w:jc w:val="right"/>' in cell
    size = round((table.size or document.sizes.table) * 2)
    assert f'<w:sz w:val="{size}"/>' in first


def test_docx_a_closing_table_keeps_its_last_rows_with_the_signature(build: Callable[..., Any],
                                                                     make_record: Callable[..., Path]) -> None:
    xml = _xml(build(make_record(noi_dung=_rows_then(5))))
    body = xml[xml.index("<w:tbl>", xml.index("Danh sách")):]
    rows = body[:body.index("</w:tbl>")].split("<w:tr>")[1:]
    assert ["<w:keepNext/>" in r for r in rows] == [False] * 4 + [True] * 2
    after = body[body.index("</w:tbl>"):]
    closing = after[:after.index("./.")]
    assert "<w:keepNext/>" in closing[closing.rindex("<w:p>"):]
    # a table in the middle of the body keeps nothing with what follows
    xml = _xml(build(make_record(noi_dung=_rows_then(5) + "\nĐoạn sau bảng.")))
    body = xml[xml.index("<w:tbl>", xml.index("Danh sách")):]
    assert "<w:keepNext/>" not in body[:body.index("</w:tbl>")]


def test_pdf_a_word_wider_than_its_column_beside_a_merged_cell_breaks_inside_it(
        build: Callable[..., Any], make_record: Callable[..., Path]) -> None:
    """A cell that a merged cell of the row above pushes into a narrow column is measured against that column: a word
    wider than it breaks across lines inside its cell, as anywhere else (the renderer places each cell in its columns
    as Typst does, and marks only the cells that need measuring)."""
    word = "Mãhồsơrấtdàikhôngcáchnào"
    document = build(make_record(noi_dung=f"Bảng:\n\n| Nhóm | Mã | Ghi chú |\n| --- | --- | --- |\n"
                                          f"| Nhóm một | A | x |\n| ^ | {word} | y |\n"))
    table = _table(document)
    assert [len(row.cells) for row in table.rows] == [3, 2] and table.rows[0].cells[0].rowspan == 2
    narrow = dataclasses.replace(table, widths=(120.0, 15.0, round(sum(table.widths) - 135.0, 1)))
    document = dataclasses.replace(document, body=tuple(narrow if block is table else block for block in document.body))
    assert text_width(word, document.sizes.table) > 20  # wider than its column, narrower than the first one
    with _pdf(document) as pdf:
        page = pdf.pages[0]
        grid = page.find_tables()[0]
        x0 = min(c[0] for c in grid.cells)
        left, right = x0 + 120 * PT, x0 + 135 * PT
        first = next(c for c in page.chars if c["text"] == "A" and c["top"] > grid.bbox[1])  # the row above
        row = [c for c in page.chars if c["top"] > first["bottom"] and c["bottom"] < grid.bbox[3]
               and c["x0"] > left - 1 and c["text"].strip()]
        beyond = [c["text"] for c in row if c["x1"] > right + 0.5]
        assert beyond == ["y"], "the word leaves its cell"  # only the next column's own text lies past it
        assert len({round(c["top"]) for c in row if c["x1"] <= right + 0.5}) >= 2  # broken across lines
