"""Turn the register book model into the printable sổ đăng ký văn bản đi (ND 30 PL IV): PDF, DOCX, XLSX, CSV.

A portrait cover, then landscape pages with the ten columns in order, the header row repeated on
every page; every size and width comes from the book's layout.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from correspondence import model as m
from correspondence.render.docx import AFTER_TBLBORDERS, AFTER_TBLCELLMAR, AFTER_TBLW, STREAM_ROWS
from correspondence.render.engine import check_pdf_engine, notice_html_templates
from correspondence.render.typst import render_book
from correspondence.render.wordpackage import new_word, save_word, table_placeholder
from correspondence.spreadsheet import csv_bytes, text_cell

_MM_PER_EXCEL_WIDTH = 2.2  # an Excel column width unit (one character) is about 2.2 mm


def to_csv(book: m.RegisterBook) -> bytes:
    return csv_bytes([book.layout.columns, *book.rows])


def to_xlsx(book: m.RegisterBook) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    layout, font = book.layout, book.typeface.family
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Bìa"
    for index, line in enumerate(book.cover, start=1):
        cell = text_cell(cover, index, 1, line.text)
        cell.font = Font(name=font, size=layout.title_size if line.title else layout.cover_size, bold=line.bold,
                         italic=line.italic)
    sheet = workbook.create_sheet("Sổ đăng ký")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (title, width) in enumerate(zip(layout.columns, layout.widths, strict=True), start=1):
        for row, text in ((1, title), (2, f"({column})")):
            cell = text_cell(sheet, row, column, text)
            cell.font = Font(name=font, size=layout.table_size, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
        sheet.column_dimensions[cell.column_letter].width = width / _MM_PER_EXCEL_WIDTH
    body_font, top = Font(name=font, size=layout.table_size), Alignment(vertical="top", wrap_text=True)
    for row_index, values in enumerate(book.rows, start=3):
        for column, value in enumerate(values, start=1):
            cell = text_cell(sheet, row_index, column, value)  # text, never a formula, whatever it begins with
            cell.font = body_font  # one style object for every cell (openpyxl files each new one: a long register's time)
            cell.alignment = top
            cell.border = box
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.creator = " ".join(book.co_quan)
    workbook.properties.title = f"{layout.title} {book.nam}"
    fixed = dt.datetime(book.nam, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(book: m.RegisterBook, template_dirs: list[Path], workspace: Path | None = None) -> bytes:
    """The printable book, laid out by Typst (``so_dang_ky.typ`` of ``template_dirs``)."""
    check_pdf_engine(workspace)
    notice_html_templates(workspace)
    return render_book(book, template_dirs)


def to_docx(book: m.RegisterBook) -> bytes:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    layout = book.layout
    word = new_word()

    def page_setup(section: Any, page: m.Page) -> None:
        if page.width > page.height:
            section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)

    page_setup(word.sections[0], layout.cover)
    _docx_cover(word, book)
    page_setup(word.add_section(WD_SECTION.NEW_PAGE), layout.table_page)
    columns = layout.columns
    streamed = len(book.rows) > STREAM_ROWS
    table = word.add_table(rows=2, cols=len(columns))
    table.style = word.styles["Table Grid"] if "Table Grid" in [s.name for s in word.styles] else None
    table.autofit = False
    _fixed_grid(table, layout.widths)
    top, side = (round(value * 20) for value in layout.cell_padding)  # the PDF's cell padding, in twips
    table._tbl.tblPr.insert_element_before(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="{top}" w:type="dxa"/><w:left w:w="{side}" w:type="dxa"/>'
        f'<w:bottom w:w="{top}" w:type="dxa"/><w:right w:w="{side}" w:type="dxa"/></w:tblCellMar>'), *AFTER_TBLCELLMAR)
    def shape(row: Any, index: int) -> None:
        """Row ``index`` (0, 1: the header rows) kept whole on a page, its cells' widths."""
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        if index < 2:
            tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
        for cell, width in zip(row.cells, layout.widths, strict=True):
            cell.width = Mm(width)

    def fill(row: Any, values: tuple[str, ...], head: bool) -> None:
        """The text ``values`` in ``row``, shaped already (``head``: a header row)."""
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            if head:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(value)
            run.font.size = Pt(layout.table_size)
            run.bold = head

    for index, (row, values) in enumerate(zip(table.rows, (columns, tuple(f"({n})" for n in range(1, len(columns) + 1))),
                                              strict=True)):
        shape(row, index)
        fill(row, values, True)
    tbl = table._tbl
    shaped = table.add_row()  # a data row's shape, without text: each row is made from it
    shape(shaped, 2)
    tbl.remove(shaped._tr)

    def made(values: tuple[str, ...]) -> str:
        """A data row's XML as python-docx makes it: a copy of the shaped row, filled."""
        from lxml import etree

        tbl.append(copy.deepcopy(shaped._tr))
        row = table.rows[-1]
        fill(row, values, False)
        tbl.remove(row._tr)  # written apart from the document: only the namespaces it uses declared on it
        return str(etree.tostring(row._tr, encoding="unicode"))

    data_row = _row_maker(made, len(columns))
    if table.style is None:
        borders = "".join(f'<w:{side} w:val="single" w:sz="{round(layout.rule_weight * 8)}" w:space="0" w:color="000000"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        table._tbl.tblPr.insert_element_before(parse_xml(f'<w:tblBorders {nsdecls("w")}>{borders}</w:tblBorders>'),
                                               *AFTER_TBLBORDERS)
    parts: dict[str, Callable[[], Iterable[str]]] = {}
    if streamed:  # the rows made one at a time as the file is saved, each written and dropped (``save_word``)
        mark = "correspondence-table-1"
        tbl.addprevious(parse_xml(table_placeholder(mark)))
        tbl.getparent().remove(tbl)

        def rows() -> Iterator[str]:
            from lxml import etree

            head = etree.tostring(tbl, encoding="unicode")
            yield head[:head.rindex("</w:tbl>")]
            for values in book.rows:
                yield data_row(values)
            yield "</w:tbl>"

        parts[mark] = rows
    else:
        for values in book.rows:
            tbl.append(parse_xml(data_row(values)))
    closing = word.add_paragraph()  # a section ends with a paragraph, or LibreOffice lays the table on the cover
    closing.paragraph_format.line_spacing = Pt(m.Spacing().hairline)
    closing.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    props = word.core_properties
    props.title = f"{layout.title} {book.nam}"
    props.author = " ".join(book.co_quan)
    props.created = props.modified = props.last_printed = dt.datetime(book.nam, 1, 1)
    props.revision = 1
    return save_word(word, parts)


# Stands for a cell's text in the row a register's rows are made from: a character no register holds (Unicode's private
# use area), numbered by its column.
_MARK = "\ue000"
_UNWRITTEN = re.compile("[^\x20-\ud7ff\ue001-\ufffd\U00010000-\U0010ffff]")  # not XML text, or the mark


def _row_maker(made: Callable[[tuple[str, ...]], str], count: int) -> Callable[[tuple[str, ...]], str]:
    """A register row's XML, the same as ``made`` (python-docx) makes it, some forty times faster: filling each row
    with python-docx was nearly all of a long register's DOCX (20,000 rows, half a minute). ``made`` fills one row
    once, each cell's text a numbered mark; each row is then that XML with its values in place of the marks. A value
    python-docx writes some other way (a tab or a line break, space at either end kept, a character not written as
    itself) has its row made by ``made``."""
    marked = made(tuple(f"{_MARK}{index}{_MARK}" for index in range(count)))
    pieces = re.split(f"{_MARK}[0-9]+{_MARK}", marked)
    ok = (len(pieces) == count + 1 and all(piece.endswith("<w:t>") for piece in pieces[:-1])
          and all(piece.startswith("</w:t>") for piece in pieces[1:]))
    if not ok:  # not the shape this expects: every row by python-docx
        return made
    # around each value: what comes before its <w:t>, and after its </w:t>
    between = [pieces[0][:-len("<w:t>")], *(piece[len("</w:t>"):-len("<w:t>")] for piece in pieces[1:-1]),
               pieces[-1][len("</w:t>"):]]

    def row(values: tuple[str, ...]) -> str:
        if len(values) != count or any(value is not None and not (
                isinstance(value, str) and value == value.strip() and not _UNWRITTEN.search(value)) for value in values):
            return made(values)
        out = [between[0]]
        for value, after in zip(values, between[1:], strict=True):
            if value:
                out.append(f"<w:t>{escape(value)}</w:t>")
            out.append(after)
        return "".join(out)

    return row


def _fixed_grid(table: Any, widths: tuple[float, ...]) -> None:
    """Column widths every word processor reads: the grid (LibreOffice), the cells (Word), a fixed layout."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm

    tbl = table._tbl
    for column, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    tbl_pr = tbl.tblPr
    for name in ("w:tblW", "w:tblLayout"):
        for old in tbl_pr.findall(qn(name)):
            tbl_pr.remove(old)
    tbl_pr.insert_element_before(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{int(Mm(sum(widths)).twips)}" w:type="dxa"/>'),
                                 *AFTER_TBLW)
    tbl_pr.insert_element_before(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'), "w:tblCellMar",
                                 *AFTER_TBLCELLMAR)


def _docx_cover(word: Any, book: m.RegisterBook) -> None:
    """The framed cover (PL IV §I.1): a one-column table the frame's size, Quyển số in a row of its own at the foot."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    layout = book.layout
    width, height = layout.cover_frame
    table = word.add_table(rows=2, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_grid(table, (width,))
    edge = round(layout.cover_frame_weight * 8)
    borders = "".join(f'<w:{side} w:val="single" w:sz="{edge}" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right"))
    table._tbl.tblPr.insert_element_before(parse_xml(f'<w:tblBorders {nsdecls("w")}>{borders}</w:tblBorders>'),
                                           *AFTER_TBLBORDERS)
    body, foot = table.rows
    for row in table.rows:
        row.cells[0].width = Mm(width)
    body.height, body.height_rule = Mm(height - layout.cover_foot), WD_ROW_HEIGHT_RULE.EXACTLY
    foot.height, foot.height_rule = Mm(layout.cover_foot), WD_ROW_HEIGHT_RULE.EXACTLY
    first = True
    for line in book.cover:
        cell = foot.cells[0] if line.foot else body.cells[0]
        paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text and (line.foot or first) else cell.add_paragraph()
        if first and not line.foot:
            paragraph.paragraph_format.space_before = Mm(layout.cover_top)
            first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if line.title:
            paragraph.paragraph_format.space_before = Mm(layout.title_before)
            paragraph.paragraph_format.space_after = Mm(layout.title_after)
        run = paragraph.add_run(line.text)
        run.font.size = Pt(layout.title_size if line.title else layout.cover_size)
        run.bold, run.italic = line.bold or None, line.italic or None


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "docx": to_docx}
