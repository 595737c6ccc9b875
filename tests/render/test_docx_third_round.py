"""The DOCX layout, third round (ND 30 exact): read on the WordprocessingML, as Word lays it out.

- a copy's block (Mẫu 3.1) and its full-width rule stay on the sheet where the copied document ends: they stand with
  the copied document's signature table in one row that never splits, its last paragraph kept with them;
- ô 13 (the agency's contacts) only on the document's first page, never on an annex's first page;
- the header's geometry is the model's (no empty row under the number; the marks above it as the PDF draws them);
- footnote numbers in the notes as the calls are printed; the copy block's lines as far apart as the header's.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from correspondence.render.docx import render_docx
from tests.conftest import EXAMPLES
from tests.render.test_docx_schema import schema_problems

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COPIES = ("sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml")


def _part(data: bytes, name: str = "word/document.xml") -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def _text(element: Any) -> str:
    return "".join(element.itertext())


def _has(paragraph: Any, prop: str) -> bool:
    return paragraph.find(f"{W}pPr/{W}{prop}") is not None


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, bytes]]:
    """The example copies issued as the digest issues them: the original 01/UBND-XD6 first, then each copy."""
    from correspondence import api
    from correspondence.i18n import set_language

    set_language("vi")
    work = tmp_path_factory.mktemp("copies")
    shutil.copytree(EXAMPLES, work / "examples")
    shutil.copytree(EXAMPLES / "registers", work / "registers")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        api.register_init(work, "ubnd-quang-ninh")
        api.issue([work / "examples" / "cong-van-3018.yaml"], work)
        out = {}
        for name in COPIES:
            files = api.issue([work / "examples" / name], work)[0].files
            out[name] = next(path for path in files if path.suffix == ".docx").read_bytes()
    yield out


# ---------------------------------------------------------------- 1. the copy block on the copied document's sheet


def _chain_breaks(data: bytes) -> tuple[int, list[str]]:
    """How many copy blocks the DOCX holds, and what would let them leave the sheet where the copied document ends:
    the copied document's signature table, the full-width rules and the blocks must stand in one row that never
    splits (a borderless table one cell wide), and every paragraph from the copied document's last body paragraph to
    that table keep with the next."""
    body = _part(data).find(f"{W}body")
    elements = [child for child in body if child.tag in (f"{W}p", f"{W}tbl")]
    outer_index = max(index for index, element in enumerate(elements) if element.tag == f"{W}tbl")
    outer = elements[outer_index]
    rows = outer.findall(f"{W}tr")
    cells = rows[0].findall(f"{W}tc") if rows else []
    broken = []
    if len(rows) != 1 or len(cells) != 1:
        return 0, [f"the last table is not one cell: {len(rows)} rows"]
    if rows[0].find(f"{W}trPr/{W}cantSplit") is None:
        broken.append("the one row may split")
    inside = [child for child in cells[0] if child.tag in (f"{W}p", f"{W}tbl")]
    rules = [index for index, element in enumerate(inside)
             if element.tag == f"{W}p" and element.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None
             and not _text(element)]
    blocks = [index for index, element in enumerate(inside) if element.tag == f"{W}tbl" and index - 1 in rules]
    if not inside or inside[0].tag != f"{W}tbl" or "Nơi nhận" not in _text(inside[0]):
        broken.append("the copied document's signature table does not open the row")
    last_body = max(index for index in range(outer_index) if elements[index].tag == f"{W}p" and _text(elements[index]))
    broken += [_text(elements[index])[:40] or f"paragraph {index}" for index in range(last_body, outer_index)
               if elements[index].tag != f"{W}p" or not _has(elements[index], "keepNext")]
    return len(blocks), broken


@pytest.mark.parametrize("name", COPIES)
def test_the_copy_blocks_are_chained_to_the_copied_document_s_end(copies: dict[str, bytes], name: str) -> None:
    """The copied document's signature table, the full-width rules and the copy blocks stand in one row that never
    splits, and the copied document's last paragraph keeps with it: a word processor moves the copied document's
    last lines with the blocks rather than leave the rule and a block alone at the head of a page (a sao lục's SAO
    LỤC block with the SAO Y block above it). LibreOffice lays it out so too
    (tests/render/test_docx_in_libreoffice.py)."""
    blocks, broken = _chain_breaks(copies[name])
    assert blocks == (2 if name == "sao-luc.yaml" else 1)
    assert broken == []


def test_a_copy_keeps_its_block_on_the_sheet_when_the_signature_may_break(
        make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    """The copy block's place is ND 30's (PL I Phần II §I.2.a), not a pagination preference: the copied document's
    end, the rule and the block keep together even when the agency lets a signature block break."""
    from dataclasses import replace

    from correspondence import api
    from correspondence import model as m
    from correspondence.outgoing import issue

    workspace = make_record().parent
    issue([make_record("goc.yaml")], workspace)
    copy_path = make_record("ban-sao.yaml", loai="sao_y", ban_goc="01/UBND-XD6", noi_dung=None, kinh_gui=None,
                            trich_yeu=None, noi_nhan=["Sở Tư pháp"], du_lieu=None, ngay="2019-06-01")
    document = api.compose(api.load(copy_path, workspace), 1, None)
    document = replace(document, pagination=m.Pagination(signature_whole=False))
    blocks, broken = _chain_breaks(render_docx(document))
    assert blocks == 1 and broken == []


# ---------------------------------------------------------------- 2. ô 13 on the document's first page only

CONTACTS = """lien_he:
  dia_chi: Trụ sở Liên cơ quan số 2, phường Hồng Hà, thành phố Hạ Long, tỉnh Quảng Ninh
  dien_thoai: (0203) 3835 555
"""
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _first_page_parts(data: bytes, kind: str) -> list[str]:
    """The text of the header or footer (``kind``) each section prints on its first page, as Word resolves it: a
    section's own first-page part, else the one of the section before it (ECMA-376 §17.10.5), else none."""
    document = _part(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        target = {rel.get("Id"): rel.get("Target") for rel in rels}
        texts, current = [], ""
        for sect in document.iter(f"{W}sectPr"):
            assert sect.find(f"{W}titlePg") is not None, "every section has a first page of its own"
            own = [ref for ref in sect.findall(f"{W}{kind}Reference") if ref.get(f"{W}type") == "first"]
            if own:
                current = _text(etree.fromstring(package.read("word/" + target[own[0].get(f"{R}id")])))
            texts.append(current)
    return texts


def test_the_contacts_are_printed_on_the_document_s_first_page_only(
        workspace: Path, make_record: Callable[..., Path], build: Callable[..., Any], tmp_path: Path) -> None:
    """Ô 13 is the first page's (PL I §IV); each annex section used to inherit the first-page footer and print the
    contacts again on its own first page. The circulation note (ô 11) in page 1's header likewise."""
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + CONTACTS, "utf-8")
    table = {"cot": [{"ten": "Tên", "khoa": "ten"}, {"ten": "Ghi chú", "khoa": "ghi_chu"}]}
    annexes = [{"tieu_de": f"Bảng {i}", "bang": table, "du_lieu": [{"ten": "A", "ghi_chu": "B"}]} for i in (1, 2)]
    data = render_docx(build(make_record(phu_luc=annexes, luu_hanh="xem_xong_tra_lai")))
    footers = _first_page_parts(data, "footer")
    assert len(footers) == 3 and "Hồng Hà" in footers[0]
    assert footers[1:] == ["", ""]
    headers = _first_page_parts(data, "header")
    assert "XEM XONG TRẢ LẠI" in headers[0] and headers[1:] == ["", ""]
    (tmp_path / "phu-luc.docx").write_bytes(data)
    assert schema_problems(tmp_path / "phu-luc.docx") == []


# ---------------------------------------------------------------- 4. footnote numbers; the copy block's lines

FOOTNOTE_BODY = "Theo Quyết định số 09/2019/QĐ-UBND[^1], thực hiện ngay.\n\n[^1]: Ban hành ngày 13/02/2019."
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign")


def test_a_footnote_s_number_is_printed_as_its_call(make_record: Callable[..., Path], build: Callable[..., Any],
                                                     tmp_path: Path) -> None:
    """The number before a note is a superscript, as the call in the text (model.Footnote, footnote_call): its run
    properties in the schema's order, or Word and LibreOffice drop the raising and print it full size."""
    data = render_docx(build(make_record(noi_dung=FOOTNOTE_BODY)))
    call = next(r for r in _part(data).iter(f"{W}r") if r.find(f"{W}footnoteReference") is not None)
    mark = next(r for r in _part(data, "word/footnotes.xml").iter(f"{W}r") if r.find(f"{W}footnoteRef") is not None)
    for run in (call, mark):
        assert run.find(f"{W}rPr/{W}vertAlign").get(f"{W}val") == "superscript"
        names = [child.tag.replace(W, "") for child in run.find(f"{W}rPr")]
        assert names == sorted(names, key=RPR_ORDER.index), names
    (tmp_path / "chu-thich.docx").write_bytes(data)
    assert schema_problems(tmp_path / "chu-thich.docx") == []


@pytest.mark.parametrize("name", COPIES)
def test_the_copying_agency_s_lines_stand_as_far_apart_as_the_model_says(copies: dict[str, bytes],
                                                                        name: str) -> None:
    """The copying agency's name lines (ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH) stood 7.4 mm apart (each with the space
    under the rule above it) where the PDF sets them header_line (15 pt) apart: the space opens the block only."""
    from correspondence import model as m

    sp = m.Spacing()
    block = [t for t in _part(copies[name]).iter(f"{W}tbl") if "SAO" in _text(t) or "TRÍCH" in _text(t)][-1]
    cell = block.find(f"{W}tr/{W}tc")
    lines = [p for p in cell.findall(f"{W}p") if _text(p)]
    spacing = [p.find(f"{W}pPr/{W}spacing") for p in lines]
    assert len(lines) == 2
    assert spacing[0].get(f"{W}before") == str(round(sp.copy_after_rule * 20))
    for item in spacing:
        assert (item.get(f"{W}line"), item.get(f"{W}lineRule")) == (str(round(sp.header_line * 20)), "exact")
    assert int(spacing[1].get(f"{W}before", "0")) == 0


# ---------------------------------------------------------------- 3. the header's geometry is the model's

PT = 25.4 / 72  # mm in a point


def _height(paragraph: Any) -> float:
    """Points a paragraph of exact line height takes (its spacing, its line, its borders' gaps and weights)."""
    spacing = paragraph.find(f"{W}pPr/{W}spacing")
    assert spacing is not None and spacing.get(f"{W}lineRule") == "exact", _text(paragraph) or "an empty line"
    height = sum(int(spacing.get(f"{W}{name}", "0")) for name in ("before", "line", "after")) / 20
    for side in (*paragraph.findall(f"{W}pPr/{W}pBdr/{W}top"), *paragraph.findall(f"{W}pPr/{W}pBdr/{W}bottom")):
        height += int(side.get(f"{W}space")) + int(side.get(f"{W}sz")) / 8
    return height


def _docx_tops(data: bytes, marks: tuple[str, ...]) -> dict[str, float]:
    """Millimetres from the text area's top to the top of the line holding each of ``marks`` (its first word), summed
    from the XML: paragraphs one under another, a table row as high as its highest cell."""
    body = _part(data).find(f"{W}body")
    tops: dict[str, float] = {}
    y = 0.0

    def mark(paragraph: Any, at: float) -> None:
        text = _text(paragraph)
        spacing = paragraph.find(f"{W}pPr/{W}spacing")
        before = int(spacing.get(f"{W}before", "0")) / 20 if spacing is not None else 0
        border = paragraph.find(f"{W}pPr/{W}pBdr/{W}top")
        if border is not None:
            before += int(border.get(f"{W}space")) + int(border.get(f"{W}sz")) / 8
        for word in marks:
            if text.startswith(word) and word not in tops:
                tops[word] = (at + before) * PT

    for element in body:
        if len(tops) == len(marks):
            break
        if element.tag == f"{W}p":
            mark(element, y)
            y += _height(element)
        elif element.tag == f"{W}tbl":
            for row in element.findall(f"{W}tr"):
                highest = 0.0
                for cell in row.findall(f"{W}tc"):
                    at = y
                    for paragraph in cell.findall(f"{W}p"):
                        mark(paragraph, at)
                        at += _height(paragraph)
                    highest = max(highest, at - y)
                y += highest
    return tops


def _typst_tops(document: Any, marks: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Millimetres from the text area's top to the top of the line box of each word of ``marks`` (size, line height
    in points) in the Typst PDF: the baseline measured, less where the template sets it in its line."""
    import pdfplumber

    from correspondence.render.typst import _face, render_typst

    face = _face()
    ascender, descender = face["ascender"], face["descender"]
    with pdfplumber.open(io.BytesIO(render_typst(document))) as pdf:
        words = pdf.pages[0].extract_words()
    out = {}
    for word, (size, line) in marks.items():
        found = next(w for w in words if w["text"] == word)
        baseline = found["bottom"] - descender * size  # pdfminer's box: the font size tall, from its descent
        inside = (line - (ascender + descender) * size) / 2 + ascender * size
        out[word] = (baseline - inside) * PT - document.page.top
    return out


@pytest.mark.parametrize("draft", [False, True], ids=["issued", "draft"])
def test_the_header_and_type_name_stand_where_the_pdf_puts_them(make_record: Callable[..., Path],
                                                                build: Callable[..., Any], draft: bool) -> None:
    """The type name of a quyết định stood 5.2–10.6 mm lower in the DOCX than in the PDF (an empty third row under
    the number, auto line heights), and a draft's header 4.8 mm lower: the DOCX's lines, summed from its XML, stand
    within 1 mm of the Typst PDF's."""
    from correspondence import api

    path = EXAMPLES / "quyet-dinh.yaml"
    document = build(path) if not draft else api.compose(api.load(path, path.parent.parent), None, None)
    assert document.header.trich_yeu_vv is None and document.tieu_de is not None
    assert bool(document.header.stamps_top_left) == draft
    sp, s = document.spacing, document.sizes
    first = document.header.co_quan_chu_quan[0].split()[0] if document.header.co_quan_chu_quan else \
        document.header.co_quan[0].split()[0]
    title = document.tieu_de.ten_loai.split()[0]
    docx = _docx_tops(render_docx(document), (first, title))
    pdf = _typst_tops(document, {first: (s.co_quan, sp.header_line), title: (s.ten_loai, sp.title_line)})
    assert docx == pytest.approx(pdf, abs=1.0)


def test_the_kinh_gui_lines_stand_a_body_line_apart_as_in_the_pdf(build: Any, make_record: Any) -> None:
    """Kính gửi is laid a body line a line, as the PDF lays it (and as the line spacing an agency sets says),
    not at Word's single spacing."""
    document = build(make_record(kinh_gui=["Sở Nội vụ", "Sở Tài chính"]))
    paragraphs = list(_part(render_docx(document)).iter(f"{W}p"))
    wanted = round(document.spacing.body_line * 20)
    for text in ("Kính gửi:", "- Sở Nội vụ;", "- Sở Tài chính."):
        paragraph = next(p for p in paragraphs if _text(p) == text)
        spacing = paragraph.find(f"{W}pPr/{W}spacing")
        assert spacing is not None and spacing.get(f"{W}line") == str(wanted), text
        assert spacing.get(f"{W}lineRule") == "exact", text
