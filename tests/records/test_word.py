"""A specialist's Word file becomes the body markup: text, emphasis, headings, lists, footnotes, simple tables;
merged tables and images refused."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from correspondence.errors import InvalidRecord
from correspondence.i18n import set_language
from correspondence.records.word import body_from_docx
from correspondence.templating import body_environment
from correspondence.validate.markup import parse_body

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# One list definition in the numbering part: decimal "1." then "1.1." (two levels), and one bullet list ("•", "o").
NUMBERING = f"""
<w:abstractNum {W} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum {W} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>
</w:abstractNum>
<w:abstractNum {W} w:abstractNumId="92">
  <w:lvl w:ilvl="0"><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
</w:abstractNum>
<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>
<w:num {W} w:numId="91"><w:abstractNumId w:val="91"/></w:num>
<w:num {W} w:numId="92"><w:abstractNumId w:val="92"/></w:num>
"""

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes {W}>
  <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
  <w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Theo </w:t></w:r>
    <w:r><w:rPr><w:i/></w:rPr><w:t>Quyết định số 12/QĐ-UBND</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p></w:footnote>
</w:footnotes>""".encode()


def _numbering(document: Any) -> None:
    element = document.part.numbering_part.element
    for xml in _elements(NUMBERING):
        node = parse_xml(xml)
        if node.tag.endswith("abstractNum"):  # abstractNum elements come before every num
            element.insert(0, node)
        else:
            element.append(node)


def _elements(xml: str) -> list[str]:
    parts, current = [], ""
    for line in xml.strip().splitlines():
        current += line + "\n"
        if line.startswith(("</w:abstractNum>", "<w:num ")):
            parts.append(current)
            current = ""
    return parts


def _numbered(document: Any, text: str, num_id: int, level: int = 0) -> Any:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def _add_footnotes(document: Any) -> None:
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, FOOTNOTES, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _png() -> bytes:
    """A 1×1 white PNG, enough for python-docx to place a picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def _checked(markup: str) -> tuple[Any, Any]:
    """The markup as the tool reads it: through the body's Jinja environment, then the parser, with no problem."""
    text = body_environment().from_string(markup).render()
    blocks, notes, problems = parse_body(text)
    assert problems == [], problems
    return blocks, notes


def _text(paragraph: Any) -> str:
    return "".join(getattr(r, "text", "") for r in paragraph.runs)


@pytest.fixture
def full(tmp_path: Path) -> Path:
    document = docx.Document()
    _numbering(document)
    _add_footnotes(document)
    document.add_heading("Mục đích, yêu cầu", level=1)
    intro = document.add_paragraph("Sở Nội vụ đề nghị ")
    intro.add_run("các cơ quan").bold = True
    intro.add_run(" ")
    intro.add_run("khẩn trương").italic = True
    tail = intro.add_run("thực hiện")
    tail.bold = tail.italic = True
    intro.add_run(":")
    _numbered(document, "Rà soát hồ sơ", 90)
    _numbered(document, "Hồ sơ giấy", 90, 1)
    _numbered(document, "Hồ sơ điện tử", 90, 1)
    _numbered(document, "Báo cáo kết quả", 90)
    _numbered(document, "văn bản gửi Sở", 91)
    _numbered(document, "bản điện tử", 91, 1)
    document.add_paragraph("")  # empty: dropped
    centred = document.add_paragraph("DANH SÁCH KÈM THEO")
    centred.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("a) Điểm gõ tay")
    document.add_paragraph("# không phải mục, giá 5*3 [^x] \\ {{ ten }} {% if %}")
    note = document.add_paragraph("Hạn nộp ngày 05/12/2026")
    note._p.append(parse_xml(f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                             f'<w:footnoteReference w:id="1"/></w:r>'))
    note.add_run(".")
    broken = document.add_paragraph("Dòng một")
    broken.add_run().add_break()
    broken.add_run("dòng hai.")
    path = tmp_path / "chuyen-vien.docx"
    document.save(str(path))
    return path


def test_a_word_file_becomes_markup_that_parses(full: Path) -> None:
    markup = body_from_docx(full, "chuyen-vien.docx")
    assert markup == (
        "# Mục đích, yêu cầu\n\n"
        "Sở Nội vụ đề nghị **các cơ quan** *khẩn trương**thực hiện***:\n\n"
        "1. Rà soát hồ sơ\n\n"
        "1.1. Hồ sơ giấy\n\n"
        "1.1. Hồ sơ điện tử\n\n"
        "1. Báo cáo kết quả\n\n"
        "- văn bản gửi Sở\n\n"
        "+ bản điện tử\n\n"
        "-> DANH SÁCH KÈM THEO <-\n\n"
        "a) Điểm gõ tay\n\n"
        "\\# không phải mục, giá 5\\*3 \\[^x] \\\\ {{ '{{' }} ten }} {{ '{%' }} if %}\n\n"
        "Hạn nộp ngày 05/12/2026[^1].\n\n"
        "Dòng một dòng hai.\n\n"
        "[^1]: Theo *Quyết định số 12/QĐ-UBND*.\n")
    blocks, notes = _checked(markup)
    assert [(b.role, b.marker, b.level) for b in blocks] == [
        ("section", "I.", 1), ("paragraph", "", 0), ("item", "1.", 0), ("item", "1.1.", 1), ("item", "1.2.", 1),
        ("item", "2.", 0), ("dash", "-", 0), ("plus", "+", 1), ("paragraph", "", 0), ("point", "a)", 0),
        ("paragraph", "", 0), ("paragraph", "", 0), ("paragraph", "", 0)]
    intro = blocks[1].runs
    assert [(r.text, r.bold, r.italic) for r in intro] == [
        ("Sở Nội vụ đề nghị ", False, False), ("các cơ quan", True, False), (" ", False, False),
        ("khẩn trương", False, True), ("thực hiện", True, True), (":", False, False)]
    assert blocks[8].align == "center" and _text(blocks[8]) == "DANH SÁCH KÈM THEO"
    assert _text(blocks[10]) == "# không phải mục, giá 5*3 [^x] \\ {{ ten }} {% if %}", "typed characters print as typed"
    assert [(n.number, "".join(r.text for r in n.runs)) for n in notes] == [(1, "Theo Quyết định số 12/QĐ-UBND.")]
    assert [r.italic for r in notes[0].runs] == [False, True, False]


def test_the_same_file_gives_the_same_text(full: Path) -> None:
    assert body_from_docx(full, "a.docx") == body_from_docx(full, "a.docx")


def test_title_headings_and_roman_numbering(tmp_path: Path) -> None:
    document = docx.Document()
    _numbering(document)
    document.add_heading("Quy chế làm việc", level=0)  # the Title style
    document.add_heading("Chương I", level=2)
    document.add_heading("Nguyên tắc", level=3)
    _numbered(document, "Tổ chức thực hiện", 92)
    document.add_paragraph("Điều 1. Phạm vi")
    path = tmp_path / "a.docx"
    document.save(str(path))
    markup = body_from_docx(path, "a.docx")
    assert markup == "## Quy chế làm việc\n\n## Chương I\n\n### Nguyên tắc\n\n# Tổ chức thực hiện\n\nĐiều 1. Phạm vi\n"
    blocks, _notes = _checked(markup)
    assert [(b.role, b.level) for b in blocks] == [("heading", 2), ("heading", 2), ("heading", 3), ("section", 1),
                                                   ("article", 0)]


def test_tracked_changes_are_taken_as_accepted(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Giữ ")
    paragraph._p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="A"><w:r><w:t>thêm</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del {W} w:id="2" w:author="A"><w:r><w:delText> bỏ</w:delText></w:r></w:del>'))
    path = tmp_path / "a.docx"
    document.save(str(path))
    assert body_from_docx(path, "a.docx") == "Giữ thêm\n"


def test_a_merged_table_and_an_image_are_located_problems(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Danh sách đơn vị như sau:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1))
    document.add_paragraph("Sơ đồ:")
    document.add_picture(BytesIO(_png()))
    path = tmp_path / "bang.docx"
    document.save(str(path))
    set_language("en")
    with pytest.raises(InvalidRecord) as raised:
        body_from_docx(path, "bang.docx")
    assert [(p.source, p.field, p.message) for p in raised.value.problems] == [
        ("bang.docx: paragraph 2", "noi_dung_tu", "table 1 (after 'Danh sách đơn vị như sau:'): merged cells or a "
                                                  "table inside a table cannot be carried into the body; split them, "
                                                  "or put the table in an annex (phu_luc)"),
        ("bang.docx: paragraph 4", "noi_dung_tu", "an image or drawing cannot be carried into the body; put it in "
                                                  "an annex (phu_luc)")]


def test_a_simple_table_becomes_a_table_of_the_body(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Kết quả như sau:")
    table = document.add_table(rows=3, cols=3)
    for i, row in enumerate([["STT", "Đơn vị", "Số thủ tục"], ["1", "Sở Tư pháp", "12"], ["2", "Sở A|B", "7"]]):
        for j, value in enumerate(row):
            table.cell(i, j).paragraphs[0].add_run(value).bold = i == 0
    document.add_paragraph("Đề nghị các đơn vị thực hiện.")
    path = tmp_path / "bang.docx"
    document.save(str(path))
    text = body_from_docx(path, "bang.docx")
    assert text == ("Kết quả như sau:\n\n| STT | Đơn vị | Số thủ tục |\n|---|---|---|\n| 1 | Sở Tư pháp | 12 |\n"
                    "| 2 | Sở A\\|B | 7 |\n\nĐề nghị các đơn vị thực hiện.\n")
    blocks, _notes, problems = parse_body(text)
    assert problems == [] and [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    table_model = blocks[1]
    assert [c.text for c in table_model.header[0].cells] == ["STT", "Đơn vị", "Số thủ tục"]  # type: ignore[union-attr]
    assert [[c.text for c in r.cells] for r in table_model.rows] == [  # type: ignore[union-attr]
        ["1", "Sở Tư pháp", "12"], ["2", "Sở A|B", "7"]]


def test_a_text_box_and_a_page_field_are_refused(tmp_path: Path) -> None:
    document = docx.Document()
    boxed = document.add_paragraph("Trước ")
    boxed._p.append(parse_xml(
        f'<w:r {W} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        f'<w:p><w:r><w:t>trong hộp</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    page = document.add_paragraph("Trang ")
    for xml in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>3</w:t>", '<w:fldChar w:fldCharType="end"/>'):
        page._p.append(parse_xml(f"<w:r {W}>{xml}</w:r>"))
    dated = document.add_paragraph("Ngày ")
    dated._p.append(parse_xml(f'<w:fldSimple {W} w:instr=" DATE \\@ &quot;dd/MM/yyyy&quot; "><w:r><w:t>01/12/2026</w:t>'
                              f'</w:r></w:fldSimple>'))
    path = tmp_path / "a.docx"
    document.save(str(path))
    set_language("en")
    with pytest.raises(InvalidRecord) as raised:
        body_from_docx(path, "a.docx")
    assert [(p.source, p.message) for p in raised.value.problems] == [
        ("a.docx: paragraph 1", "a text box cannot be carried into the body; move its text into a paragraph"),
        ("a.docx: paragraph 2", "a field (PAGE) cannot be carried into the body; type its text instead"),
        ("a.docx: paragraph 3", "a field (DATE) cannot be carried into the body; type its text instead")]


def test_a_hyperlink_field_keeps_its_text(tmp_path: Path) -> None:
    document = docx.Document()
    link = document.add_paragraph("Xem\t")  # a tab is a space
    for xml in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> HYPERLINK "https://x.vn" </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>cổng thông tin</w:t>", '<w:fldChar w:fldCharType="end"/>'):
        link._p.append(parse_xml(f"<w:r {W}>{xml}</w:r>"))
    path = tmp_path / "a.docx"
    document.save(str(path))
    assert body_from_docx(path, "a.docx") == "Xem cổng thông tin\n"


@pytest.mark.parametrize("name, content", [("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),
                                           ("rong.docx", b""), ("so-lieu.xlsx", None)])
def test_a_file_that_is_not_a_docx_is_one_problem(tmp_path: Path, name: str, content: bytes | None) -> None:
    path = tmp_path / name
    if content is None:
        from openpyxl import Workbook

        Workbook().save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(InvalidRecord) as raised:
        body_from_docx(path, name)
    assert [(p.source, p.field) for p in raised.value.problems] == [(name, "noi_dung_tu")]
    assert ".docx" in raised.value.problems[0].message + (raised.value.problems[0].hint or "")


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidRecord) as raised:
        body_from_docx(tmp_path / "khong-co.docx", "khong-co.docx")
    assert [(p.source, p.field) for p in raised.value.problems] == [("khong-co.docx", "noi_dung_tu")]


def test_list_styles_and_a_vietnamese_heading_style(tmp_path: Path) -> None:
    document = docx.Document()  # Word's own list styles carry their numbering in the style, not the paragraph
    document.add_paragraph("Khoản theo kiểu", style="List Number")
    document.add_paragraph("gạch đầu dòng", style="List Bullet")
    document.add_paragraph("dấu cộng", style="List Bullet 2")
    document.add_paragraph("Mục theo kiểu riêng", style=document.styles.add_style("Tiêu đề 1", 1))
    path = tmp_path / "a.docx"
    document.save(str(path))
    markup = body_from_docx(path, "a.docx")
    assert markup == "1. Khoản theo kiểu\n\n- gạch đầu dòng\n\n+ dấu cộng\n\n# Mục theo kiểu riêng\n"
    blocks, _notes = _checked(markup)
    assert [b.role for b in blocks] == ["item", "dash", "plus", "section"]


def test_a_file_without_text_is_one_problem(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    path = tmp_path / "trong.docx"
    document.save(str(path))
    set_language("en")
    with pytest.raises(InvalidRecord) as raised:
        body_from_docx(path, "trong.docx")
    assert [str(p) for p in raised.value.problems] == ["trong.docx: noi_dung_tu: the Word file holds no text"]
