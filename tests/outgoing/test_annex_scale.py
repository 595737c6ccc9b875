"""An annex table at scale: a table longer than the slicing threshold is laid out by Typst a slice of rows at a time
and its pages joined into one PDF/A-3b, the same pages an unsliced layout gives (page count, page numbers, the
header rows at the top of each page, each row once); a table under the threshold is laid out whole, its bytes
unchanged (tests/test_examples_unchanged.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest

from correspondence import api
from correspondence.render import typst as typst_render
from tests.render.test_pdfa import structural_problems

SPEC = """cot:
- {ten: STT, kieu: stt, rong: 12}
- {ten: Tên thủ tục hành chính, khoa: ten, rong: 110}
- {ten: Mức độ 3, nhom: Mức độ DVCTT, khoa: m3, kieu: dau_x, rong: 18}
- {ten: Mức độ 4, nhom: Mức độ DVCTT, khoa: m4, kieu: dau_x, rong: 18}
- {ten: Số hồ sơ, khoa: so, kieu: so, rong: 22}
- {ten: Ghi chú, khoa: ghi_chu, rong: 60}
nhom_theo: muc
nhom: {"3": DỊCH VỤ CÔNG MỨC ĐỘ 3, "4": DỊCH VỤ CÔNG MỨC ĐỘ 4}
"""
ROWS = 150
NAME = re.compile(r"TT-\d{5}")
HEADER = ["STT", "Tên", "DVCTT", "Mức", "Mức", "Mức", "Ghi", "chú"]  # words of the two header rows


def _issued(make_record: Callable[..., Path], workspace: Path) -> Path:
    api.issue([make_record("cv.yaml")], workspace, formats=("docx",))
    (workspace / "bang.yaml").write_text(SPEC, "utf-8")
    lines = ["muc,ten,m3,m4,so,ghi_chu"] + [
        f"{3 if i % 3 else 4},Thủ tục TT-{i:05d} về cấp phép xây dựng,x,{'' if i % 2 else 'x'},{i * 7},"
        f"{'Đã kết nối' if i % 5 else ''}" for i in range(ROWS)]
    (workspace / "bang.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return workspace / "bang.csv"


def _annex(workspace: Path) -> Path:
    (pdf,) = api.annex(workspace, "01/UBND-XD6", workspace / "bang.csv", workspace / "bang.yaml", formats=("pdf",))
    return pdf


def _pages(path: Path) -> list[list[tuple[str, float, float]]]:
    """Each page's words with where they stand."""
    with pdfplumber.open(path) as pdf:
        return [[(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in page.extract_words()]
                for page in pdf.pages]


@pytest.mark.parametrize("slice_rows", [30, 8])
def test_a_table_past_the_threshold_is_laid_out_in_slices_giving_the_pages_of_a_whole_layout(
        make_record: Callable[..., Path], workspace: Path, monkeypatch: pytest.MonkeyPatch, slice_rows: int) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    _issued(make_record, workspace)
    whole = _annex(workspace)
    whole_pages = _pages(whole)
    with pikepdf.open(whole) as pdf:
        whole_files = sorted(pdf.attachments)
    whole_problems = structural_problems(whole)
    whole.unlink()

    slices: list[Any] = []
    compile_marked = typst_render._compile_marked

    def counted(*args: Any, **kwargs: Any) -> Any:
        slices.append(kwargs.get("marks"))
        return compile_marked(*args, **kwargs)

    monkeypatch.setattr(typst_render, "_compile_marked", counted)
    monkeypatch.setenv("CORRESPONDENCE_SLICE_ROWS", str(slice_rows))
    sliced = _annex(workspace)
    assert len(slices) >= ROWS // slice_rows // 2 and set(slices) == {"<annex-page>"}, "laid out in slices"

    pages = _pages(sliced)
    assert len(pages) == len(whole_pages) > 4
    assert pages == whole_pages, "each page as the whole layout lays it out"
    tops = [min(words, key=lambda w: (w[2], w[1])) for words in pages]
    assert [t[0] for t in tops[1:]] == [str(n) for n in range(2, len(pages) + 1)], "page numbers follow on"
    assert not tops[0][0].isdigit(), "the annex's first page unnumbered"
    for number, words in enumerate(pages, 1):
        first_row = min(top for text, _x, top in words if NAME.fullmatch(text))
        header = [text for text, _x, top in words if top < first_row and text in HEADER]
        assert sorted(header) == sorted(HEADER), f"page {number}: the two header rows above its first row"
    with pdfplumber.open(sliced) as pdf:
        names = Counter(NAME.findall("\n".join(page.extract_text() for page in pdf.pages)))
    assert names == Counter(f"TT-{i:05d}" for i in range(ROWS)), "every row once"

    assert structural_problems(sliced) == whole_problems == ["no associated files"], "a PDF/A-3b, as the whole one"
    with pikepdf.open(sliced) as pdf:
        assert sorted(pdf.attachments) == whole_files, "the associated files once, as the whole layout carries them"
        assert len(pdf.Root.get("/AF", [])) == len(whole_files)
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "B")
        assert meta.get("{http://ns.adobe.com/xap/1.0/t/pg/}NPages") == str(len(pages))


def test_an_agencys_own_template_that_knows_no_slices_lays_the_table_out_whole(
        make_record: Callable[..., Path], workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workspace ``templates/van_ban.typ`` made before slices (no page labelled ``<annex-page>``) would print the
    heading on each slice and number each from 1: the table is laid out in one compile instead."""
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    _issued(make_record, workspace)
    shipped = Path(typst_render.__file__).resolve().parents[2] / "templates" / "van_ban.typ"
    (workspace / "templates").mkdir()
    (workspace / "templates" / "van_ban.typ").write_text(
        "\n".join(line for line in shipped.read_text("utf-8").splitlines() if "<annex-page>" not in line), "utf-8")
    marked: list[Any] = []
    compile_marked = typst_render._compile_marked

    def counted(*args: Any, **kwargs: Any) -> Any:
        marked.append(kwargs.get("marks"))
        return compile_marked(*args, **kwargs)

    monkeypatch.setattr(typst_render, "_compile_marked", counted)
    monkeypatch.setenv("CORRESPONDENCE_SLICE_ROWS", "30")
    pages = _pages(_annex(workspace))
    assert marked == [None], "one compile"
    tops = [min(words, key=lambda w: (w[2], w[1]))[0] for words in pages]
    assert len(pages) > 4 and tops[1:] == [str(n) for n in range(2, len(pages) + 1)]


def test_a_whole_number_is_written_as_babel_writes_it_without_its_cost() -> None:
    """A long table formats a number a row: a whole number takes the quick way, to the same text."""
    from babel.numbers import format_decimal

    from correspondence import vietnamese as vn

    for value in [0, 7, 999, 1000, 12345, 999_999, 1_000_000, 10**12 + 7, *range(0, 200_000, 997)]:
        assert vn.so(value) == format_decimal(value, locale="vi"), value
    assert vn.so(-1234) == "-1.234" and vn.so(1234.5) == "1.234,5"


def test_a_long_table_s_rows_are_written_into_the_docx_as_it_is_saved(make_record: Callable[..., Path],
                                                                      workspace: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of more than ``STREAM_ROWS`` rows is not built into the DOCX's tree (a 50,000-row annex took 1.4 GB):
    its rows are written into word/document.xml as the file is saved. The document is the same XML either way."""
    import io
    import zipfile

    from lxml import etree

    from correspondence.render import docx as docx_render

    table = _issued(make_record, workspace)
    with table.open("a", encoding="utf-8") as rows:  # a cell reading like the placeholder's mark changes nothing
        rows.write('3,Thủ tục TT-99999,x,,1,<w:tblCaption w:val="correspondence-table-1"/>\n')

    def document_xml() -> bytes:
        (written,) = api.annex(workspace, "01/UBND-XD6", workspace / "bang.csv", workspace / "bang.yaml",
                               formats=("docx",))
        data = written.read_bytes()
        written.unlink()
        return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")

    built = document_xml()
    monkeypatch.setattr(docx_render, "STREAM_ROWS", 20)
    streamed = document_xml()
    assert streamed != built and b"<w:tblCaption" not in streamed  # written the other way, no placeholder left

    def canonical(xml: bytes) -> bytes:
        return etree.tostring(etree.fromstring(xml), method="c14n")

    assert canonical(streamed) == canonical(built)
    words = etree.fromstring(streamed).xpath(
        "//w:tbl//w:t/text()", namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"})
    assert len([w for w in words if NAME.search(w)]) == ROWS + 1 and len(set(words) & {"Số hồ sơ", "Ghi chú"}) == 2
    assert '<w:tblCaption w:val="correspondence-table-1"/>' in words


def test_text_reading_like_a_placeholder_is_never_taken_for_one() -> None:
    """What a clerk types is never taken for the mark of a table written as the file is saved: the text before the
    placeholder reads like its mark, and stays as typed; the table takes the placeholder's place only."""
    import io
    import zipfile

    from docx import Document
    from docx.oxml import parse_xml

    from correspondence.render.wordpackage import new_word, save_word, table_placeholder

    word = new_word()
    typed = 'w:val="correspondence-table-1"/> <w:tblCaption w:val="correspondence-table-1"/>'
    word.add_paragraph(typed)
    word.element.body.insert(len(word.element.body) - 1, parse_xml(table_placeholder("correspondence-table-1")))
    word.add_paragraph("sau bảng")
    table = ('<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:tblGrid><w:gridCol '
             'w:w="100"/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>ô</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    saved = save_word(word, {"correspondence-table-1": lambda: iter([table])})
    xml = zipfile.ZipFile(io.BytesIO(saved)).read("word/document.xml").decode("utf-8")
    reopened = Document(io.BytesIO(saved))
    assert [p.text for p in reopened.paragraphs] == [typed, "sau bảng"]
    assert [t.cell(0, 0).text for t in reopened.tables] == ["ô"]
    assert "tblCaption" not in xml.replace("&lt;w:tblCaption", "")


def test_a_long_register_is_laid_out_in_slices_giving_the_pages_of_a_whole_layout(
        make_record: Callable[..., Path], workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A register of a large office's year is laid out a slice of rows at a time (20,000 rows took 3.5 GB whole): the
    same pages as the whole layout (the cover once, the header rows on every page, every row once, page numbers
    following on), rows of different heights meeting the slices' ends."""
    import dataclasses

    from correspondence.outgoing import issue
    from correspondence.register import book as register_book
    from correspondence.workspace import template_dirs

    api.register_init(workspace, "ubnd-quang-ninh")
    issue([make_record("a.yaml")], workspace)
    (entry,) = api.register_list(workspace)
    long = "về việc " + " ".join(["thực hiện cải cách hành chính"] * 6)
    entries = [dataclasses.replace(entry, number=n, so_ky_hieu=f"{n:02d}/UBND-XD6",
                                   ten_loai_trich_yeu=long if n % 3 == 0 else entry.ten_loai_trich_yeu)
               for n in range(1, 61)]
    book = register_book.build(entries, ("UBND TỈNH QUẢNG NINH",), ("VĂN PHÒNG",), 2019, "di")
    whole = typst_render.render_book(book, template_dirs(workspace))
    slices: list[int] = []
    compile_marked = typst_render._compile_marked
    monkeypatch.setattr(typst_render, "_compile_marked", lambda *args, **kwargs: (
        slices.append(len(args[1]["book"]["rows"])), compile_marked(*args, **kwargs))[1])
    monkeypatch.setenv("CORRESPONDENCE_SLICE_ROWS", "12")
    sliced = typst_render.render_book(book, template_dirs(workspace))
    assert len(slices) > 4
    pages, whole_pages = _pages_of(sliced), _pages_of(whole)
    assert len(pages) == len(whole_pages) > 4
    assert pages == whole_pages, "each page as the whole layout lays it out"
    numbers = [re.findall(r"\d\d/UBND-XD6", " ".join(text for text, _x, _y in page)) for page in pages]
    assert [n for page in numbers for n in page] == [f"{n:02d}/UBND-XD6" for n in range(1, 61)]


def _pages_of(data: bytes) -> list[list[tuple[str, float, float]]]:
    import io

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in page.extract_words()]
                for page in pdf.pages]


def test_a_long_register_s_docx_is_written_row_by_row(make_record: Callable[..., Path], workspace: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A register of more than ``STREAM_ROWS`` rows is not held as python-docx's tree: each row is made, written into
    the file and dropped as it is saved. The document is the same XML either way."""
    import dataclasses
    import io
    import zipfile

    from lxml import etree

    from correspondence.outgoing import issue
    from correspondence.register import book as register_book
    from correspondence.render import book as render_book

    api.register_init(workspace, "ubnd-quang-ninh")
    issue([make_record("a.yaml")], workspace)
    (entry,) = api.register_list(workspace)
    entries = [dataclasses.replace(entry, number=n, so_ky_hieu=f"{n:02d}/UBND-XD6", ghi_chu="  lề  " if n == 3 else None)
               for n in range(1, 31)]
    book = register_book.build(entries, ("UBND TỈNH QUẢNG NINH",), ("VĂN PHÒNG",), 2019, "di")

    def document_xml() -> bytes:
        return zipfile.ZipFile(io.BytesIO(render_book.to_docx(book))).read("word/document.xml")

    built = document_xml()
    monkeypatch.setattr(render_book, "STREAM_ROWS", 5)
    streamed = document_xml()
    assert streamed != built and b"<w:tblCaption" not in streamed

    def canonical(xml: bytes) -> bytes:
        return etree.tostring(etree.fromstring(xml), method="c14n")

    assert canonical(streamed) == canonical(built)
    assert len(re.findall(rb"\d\d/UBND-XD6", streamed)) == 30


@pytest.mark.parametrize("streamed", [False, True])
def test_a_register_s_docx_rows_are_what_python_docx_makes_of_any_value(make_record: Callable[..., Path], workspace: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        streamed: bool) -> None:
    """A register's rows are made from one row python-docx filled with marks, each value put in place of its mark:
    the file is byte for byte what python-docx makes of every row, whatever the values (escaped characters, a tab, a
    line break, space kept at an end, an empty cell, a character outside the BMP, the mark's own character)."""
    import dataclasses
    import io
    import zipfile

    from correspondence.outgoing import issue
    from correspondence.register import book as register_book
    from correspondence.render import book as render_book

    api.register_init(workspace, "ubnd-quang-ninh")
    issue([make_record("a.yaml")], workspace)
    (entry,) = api.register_list(workspace)
    odd = ["A & B <C> \"d\" 'e'", "tab\there", "line\nbreak", "  spaced ", "\u00a0nbsp", "", "𝔸 outside", "\ue000 mark",
           "Ủy ban nhân dân"]
    entries = [dataclasses.replace(entry, number=n, so_ky_hieu=f"{n:02d}/UBND-XD6", ten_loai_trich_yeu=odd[n % len(odd)],
                                   ghi_chu=odd[(n + 3) % len(odd)] or None) for n in range(1, 19)]
    book = register_book.build(entries, ("UBND TỈNH QUẢNG NINH",), ("VĂN PHÒNG",), 2019, "di")
    if streamed:
        monkeypatch.setattr(render_book, "STREAM_ROWS", 5)

    def document_xml() -> bytes:
        return zipfile.ZipFile(io.BytesIO(render_book.to_docx(book))).read("word/document.xml")

    fast = document_xml()
    monkeypatch.setattr(render_book, "_row_maker", lambda made, _count: made)  # every row filled by python-docx
    assert fast == document_xml()
    assert b"A &amp; B &lt;C&gt;" in fast and b"<w:tab/>" in fast and b'xml:space="preserve"' in fast
