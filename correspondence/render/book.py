"""Turn a year of register rows into the printable sổ đăng ký văn bản đi (ND 30 PL IV): PDF, DOCX, XLSX, CSV.

Cover page (agency, year, from/to dates and numbers, quyển số), then A4 landscape pages with the
ten columns in order, the header row repeated on every page, one row per number (voided included).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from correspondence.register.store import IMPORTED, VOIDED, Entry
from correspondence.render.docx import new_word, save_word
from correspondence.render.pdf import write_pdf
from correspondence.templating import html_environment

TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
COLUMNS = ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
           "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú")
WIDTHS_MM = (24, 20, 62, 26, 40, 24, 13, 18, 18, 22)  # 267 mm: A4 landscape less 15 mm margins


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


@dataclass(frozen=True)
class Book:
    co_quan_chu_quan: tuple[str, ...]
    co_quan: tuple[str, ...]
    nam: int
    so: str
    quyen_so: str
    rows: tuple[tuple[str, ...], ...]
    tu_ngay: str
    den_ngay: str
    tu_so: str
    den_so: str


def build(entries: list[Entry], co_quan_chu_quan: tuple[str, ...], co_quan: tuple[str, ...], nam: int, so: str,
          quyen_so: int = 1) -> Book:
    rows = []
    for entry in sorted(entries, key=lambda e: e.number):
        note = entry.ghi_chu or ""
        if entry.status == VOIDED:
            note = f"ĐÃ HỦY: {note}"
        elif entry.status == IMPORTED and not note:
            note = ""
        rows.append((entry.so_ky_hieu, _date(entry.ngay), entry.ten_loai_trich_yeu, entry.nguoi_ky, entry.noi_nhan,
                     entry.don_vi_nhan_ban_luu, "" if entry.so_luong_ban is None else str(entry.so_luong_ban),
                     _date(entry.ngay_chuyen), entry.ky_nhan or "", note))
    ordered = sorted(entries, key=lambda e: e.number)
    return Book(tuple(line.upper() for line in co_quan_chu_quan), tuple(line.upper() for line in co_quan), nam, so,
                f"{quyen_so:02d}", tuple(rows),
                _date(ordered[0].ngay) if ordered else "", _date(ordered[-1].ngay) if ordered else "",
                ordered[0].so_ky_hieu.split("/")[0] if ordered else "", ordered[-1].so_ky_hieu.split("/")[0] if ordered else "")


def cover_lines(book: Book) -> list[tuple[str, bool]]:
    """The cover page, line by line (text, bold)."""
    return ([(line, False) for line in book.co_quan_chu_quan] + [(line, True) for line in book.co_quan]
            + [("", False), (TITLE, True), ("", False), (f"Năm: {book.nam}", False),
               (f"Từ ngày {book.tu_ngay} đến ngày {book.den_ngay}", False),
               (f"Từ số {book.tu_so} đến số {book.den_so}", False), (f"Quyển số: {book.quyen_so}", False)])


def to_csv(book: Book) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(book.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(book: Book) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    cover = workbook.active
    cover.title = "Bìa"
    for index, (text, bold) in enumerate(cover_lines(book), start=1):
        cell = cover.cell(row=index, column=1, value=text)
        cell.font = Font(name="Times New Roman", size=14, bold=bold)
    sheet = workbook.create_sheet("Sổ đăng ký")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (title, width) in enumerate(zip(COLUMNS, WIDTHS_MM, strict=True), start=1):
        for row, text in ((1, title), (2, f"({column})")):
            cell = sheet.cell(row=row, column=column, value=text)
            cell.font = Font(name="Times New Roman", size=11, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
        sheet.column_dimensions[cell.column_letter].width = width / 2.2
    for row_index, values in enumerate(book.rows, start=3):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column, value=value)
            cell.font = Font(name="Times New Roman", size=11)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = box
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.creator = " ".join(book.co_quan)
    workbook.properties.title = f"{TITLE} {book.nam}"
    import datetime as dt

    fixed = dt.datetime(book.nam, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(book: Book, template_dirs: list[Path]) -> bytes:
    env = html_environment(tuple(template_dirs))
    html = env.get_template("so_dang_ky.html").render(book=book, columns=COLUMNS, widths=WIDTHS_MM,
                                                       cover=cover_lines(book))
    return write_pdf(html, tuple(template_dirs), f"so-dang-ky-{book.nam}-{book.so}")


def to_docx(book: Book) -> bytes:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    word = new_word()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for text, bold in cover_lines(book):
        paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(24 if text == TITLE else 14)
        run.bold = bold
    landscape = word.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Mm(297), Mm(210)
    landscape.top_margin = landscape.bottom_margin = Mm(15)
    landscape.left_margin = landscape.right_margin = Mm(15)
    table = word.add_table(rows=2 + len(book.rows), cols=len(COLUMNS))
    table.style = word.styles["Table Grid"] if "Table Grid" in [s.name for s in word.styles] else None
    table.autofit = False
    for index, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        if index < 2:
            tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
        values = COLUMNS if index == 0 else tuple(f"({n})" for n in range(1, 11)) if index == 1 else book.rows[index - 2]
        for cell, value, width in zip(row.cells, values, WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            if index < 2:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(value)
            run.font.size = Pt(11)
            run.bold = index < 2
    if table.style is None:
        borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        table._tbl.tblPr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>{borders}</w:tblBorders>'))
    import datetime as dt

    props = word.core_properties
    props.title = f"{TITLE} {book.nam}"
    props.author = " ".join(book.co_quan)
    props.created = props.modified = props.last_printed = dt.datetime(book.nam, 1, 1)
    props.revision = 1
    return save_word(word)


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "docx": to_docx}
