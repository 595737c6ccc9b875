"""The example công văn re-creates 3018/UBND-XD6 of Quảng Ninh: text, positions and structure."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.shared import Pt

from correspondence import api
from tests.conftest import EXAMPLE_RECORD, ROOT, SEEDS

SEED = SEEDS / "cong-van-3018.txt"
GOLDEN = ROOT / "tests" / "golden"


def _words(text: str) -> list[str]:
    return re.sub(r"\*\*", "", text).split()


def seed_words() -> list[str]:
    text = SEED.read_text("utf-8")
    # The published text lost the last character of the closing mark "./.".
    text = text.replace("triển khai thực hiện./", "triển khai thực hiện./.")
    return _words(text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("out")
    paths = api.render(EXAMPLE_RECORD, 3018, None, out, ROOT)
    assert sorted(p.name for p in paths) == ["3018-UBND-XD6.docx", "3018-UBND-XD6.pdf"]
    return {p.suffix[1:]: p.read_bytes() for p in paths}


def _find(words: list[dict], text: str) -> dict:
    return next(w for w in words if w["text"] == text)


def _reading_order(pdf: pdfplumber.PDF) -> str:
    """Text as a person reads it: header columns left then right, body, Nơi nhận then signature."""
    parts = []
    for number, page in enumerate(pdf.pages):
        words = page.extract_words()
        top = 0.0
        bottom = page.height
        if number == 0:
            kinh_gui = _find(words, "Kính")["top"]
            quoc_hieu = _find(words, "CỘNG")["x0"]
            header = page.crop((0, 0, page.width, kinh_gui - 1))
            parts.append(header.crop((0, 0, quoc_hieu - 5, kinh_gui - 1)).extract_text())
            parts.append(header.crop((quoc_hieu - 5, 0, page.width, kinh_gui - 1)).extract_text())
            top = kinh_gui - 1
        else:
            top = 50  # below the page number in the top margin
        label = next((w for w in words if w["text"] == "Nơi"), None)
        if label is not None:
            bottom = label["top"] - 1
        parts.append(page.crop((0, top, page.width, bottom)).extract_text())
        if label is not None:
            split = _find(words, "TM.")["x0"] - 5
            parts.append(page.crop((0, bottom, split, page.height)).extract_text())
            parts.append(page.crop((split, bottom, page.width, page.height)).extract_text())
    return "\n".join(parts)


def test_pdf_text_matches_the_issued_document(rendered: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(rendered["pdf"])) as pdf:
        actual = _words(_reading_order(pdf))
    expected = seed_words()
    if actual != expected:
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / "3018-UBND-XD6.actual.txt").write_text("\n".join(actual), "utf-8")
        (GOLDEN / "3018-UBND-XD6.expected.txt").write_text("\n".join(expected), "utf-8")
    assert actual == expected


def test_pdf_positions_follow_nd30(rendered: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(rendered["pdf"])) as pdf:
        assert len(pdf.pages) == 2
        first, second = pdf.pages
        words = first.extract_words(extra_attrs=["size", "fontname"])
        agency = _find(words, "ỦY")
        quoc_hieu = _find(words, "CỘNG")
        assert quoc_hieu["x0"] > agency["x1"], "Quốc hiệu stands right of the agency block"
        assert abs(quoc_hieu["top"] - agency["top"]) < 2
        so = _find(words, "Số:")
        date = _find(words, "Quảng")
        assert abs(so["bottom"] - date["bottom"]) < 0.5, "Số and the date share a baseline"
        assert date["x0"] > so["x1"]
        assert "Bold" in agency["fontname"] and "Bold" in quoc_hieu["fontname"]
        assert "Italic" in date["fontname"]
        vv = _find(words, "V/v")
        assert vv["top"] > so["bottom"] and vv["x1"] < quoc_hieu["x0"], "V/v sits under the number"
        # Page numbers: none on page 1, a centred "2" in the top margin of page 2.
        assert not [w for w in words if w["top"] < 50]
        header = [w for w in second.extract_words() if w["top"] < 50]
        assert [w["text"] for w in header] == ["2"]
        centre = (header[0]["x0"] + header[0]["x1"]) / 2
        text_centre = (30 + (210 - 15)) / 2 * 72 / 25.4
        assert abs(centre - text_centre) < 3
        # Signature row: Nơi nhận on the left, the authority block on the right, on one level.
        words2 = second.extract_words(extra_attrs=["size", "fontname"])
        label = _find(words2, "Nơi")
        authority = _find(words2, "TM.")
        name = _find(words2, "Hậu")
        assert label["x1"] < authority["x0"]
        assert abs(label["top"] - authority["top"]) < 4
        assert name["top"] > authority["top"] + 60, "room for the signature and seal"
        assert round(label["size"]) == 12 and "BoldItalic" in label["fontname"].replace("-", "")  # either engine
        item = _find(words2, "Như")
        assert round(item["size"]) == 11
        # Body: 14 pt, justified (lines of one paragraph end at the right margin).
        body = _find(words, "Xét")
        assert round(body["size"]) == 14
        right_edge = (210 - 15) * 72 / 25.4
        item = next(w for w in words if w["text"] == "1." and w["top"] > body["top"])
        line_ends: dict[int, float] = {}
        for w in words:
            if body["top"] - 1 <= w["top"] < item["top"] - 1:
                line_ends[round(w["top"])] = max(line_ends.get(round(w["top"]), 0), w["x1"])
        ends = [line_ends[top] for top in sorted(line_ends)]
        assert len(ends) == 3
        assert all(abs(end - right_edge) < 1.5 for end in ends[:-1]), "full lines reach the right margin"
        assert ends[-1] < right_edge - 20, "the paragraph's last line is not stretched"


def test_pdf_embeds_the_bundled_font(rendered: dict[str, bytes]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            fonts.add(str(descriptor["/FontName"]))
    assert fonts and all("LiberationSerif" in f.replace("-", "") for f in fonts), fonts
    assert reader.metadata.title.startswith("Công văn số 3018/UBND-XD6")


def _paragraph_texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in document.paragraphs if p.text]


def test_docx_structure(rendered: dict[str, bytes]) -> None:
    document = open_docx(io.BytesIO(rendered["docx"]))
    header_table, signature_table = document.tables
    left, right = header_table.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH"]
    assert [p.text for p in right.paragraphs if p.text] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                           "Độc lập - Tự do - Hạnh phúc"]
    assert all(r.bold for p in left.paragraphs for r in p.runs if r.text)
    so_cell, date_cell = header_table.rows[1].cells
    assert so_cell.text == "Số: 3018/UBND-XD6"
    assert date_cell.text == "Quảng Ninh, ngày 07 tháng 5 năm 2019"
    assert date_cell.paragraphs[0].runs[0].italic
    assert header_table.rows[2].cells[0].text == "V/v rà soát, nâng cấp mức độ dịch vụ công trực tuyến"
    texts = _paragraph_texts(document)
    assert texts[:3] == ["Kính gửi:", "- Các Sở, Ban, ngành trong tỉnh;", "- UBND các huyện, thị xã, thành phố."]
    body = [p for p in document.paragraphs if p.text.startswith("Xét đề nghị")][0]
    assert body.alignment == 3  # justified
    assert body.paragraph_format.first_line_indent.mm == pytest.approx(10, abs=0.1)
    assert body.runs[0].font.size == Pt(14)
    deadline = [r for p in document.paragraphs for r in p.runs if "trước ngày 30/5/2019" in r.text][0]
    assert deadline.bold
    assert texts[-1].endswith("triển khai thực hiện./.")
    left, right = signature_table.rows[0].cells
    label = left.paragraphs[0].runs[0]
    assert label.text == "Nơi nhận:" and label.bold and label.italic and label.font.size == Pt(12)
    items = [p.text for p in left.paragraphs[1:]]
    assert items == ["- Như trên;", "- CT, các PCT UBND tỉnh (b/c);", "- V0-3, KSTT1-4, TH4;",
                     "- Cổng TTĐT tỉnh;", "- Lưu: VT, XD6.", "N.03-CV4.36"]
    assert all(r.font.size == Pt(11) for p in left.paragraphs[1:] for r in p.runs)
    assert [p.text for p in right.paragraphs] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đặng Huy Hậu"]
    assert all(r.bold for p in right.paragraphs for r in p.runs)


def test_docx_page_setup_fonts_and_page_numbers(rendered: dict[str, bytes]) -> None:
    import zipfile

    document = open_docx(io.BytesIO(rendered["docx"]))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    with zipfile.ZipFile(io.BytesIO(rendered["docx"])) as package:
        styles = package.read("word/styles.xml").decode()
        document_xml = package.read("word/document.xml").decode()
    fonts = re.search(r"<w:rPrDefault><w:rPr><w:rFonts ([^>]*)/>", styles).group(1)
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        assert f'w:{slot}="Times New Roman"' in fonts
    assert 'w:lang w:val="vi-VN"' in styles
    assert "Theme" not in fonts
    assert "<w:titlePg/>" in document_xml


def test_outputs_are_reproducible(rendered: dict[str, bytes], tmp_path: Path) -> None:
    again = api.render(EXAMPLE_RECORD, 3018, None, tmp_path, ROOT)
    assert {p.suffix[1:]: p.read_bytes() for p in again} == rendered


def test_docx_text_matches_the_issued_document(rendered: dict[str, bytes]) -> None:
    """DOCX and PDF show the same document: the DOCX text, read column by column, is the seed's too."""
    document = open_docx(io.BytesIO(rendered["docx"]))
    header, signature = document.tables
    parts: list[str] = []
    for table in (header,):
        for column in range(2):
            parts += [row.cells[column].text for row in table.rows]
    parts += [p.text for p in document.paragraphs]
    parts += [signature.rows[0].cells[0].text, signature.rows[0].cells[1].text]
    assert _words("\n".join(parts)) == seed_words()


def test_rules_have_nd30_lengths(rendered: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(rendered["pdf"])) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        rules = sorted((r for r in page.rects if r["height"] < 1.5), key=lambda r: r["x0"])
        agency_rule, motto_rule = rules
        right = _find(words, "CỘNG")["x0"] - 5
        motto = [w for w in words if abs(w["top"] - _find(words, "Độc")["top"]) < 1 and w["x0"] > right]
        motto_width = motto[-1]["x1"] - motto[0]["x0"]
        assert abs(motto_rule["width"] - motto_width) < 1.5, "the rule is as long as the Tiêu ngữ"
        assert motto_rule["top"] > motto[0]["bottom"]
        agency = [w for w in words if abs(w["top"] - _find(words, "TỈNH")["top"]) < 1 and w["x1"] < right]
        agency_width = agency[-1]["x1"] - agency[0]["x0"]
        assert agency_width / 3 - 1 <= agency_rule["width"] <= agency_width / 2 + 1, "1/3 to 1/2 of the agency name"
        centre = (agency[0]["x0"] + agency[-1]["x1"]) / 2
        assert abs(agency_rule["x0"] + agency_rule["width"] / 2 - centre) < 1.5, "centred under the name"


def test_page_images_show_black_text_on_white(rendered: dict[str, bytes], tmp_path: Path) -> None:
    """Rasterise page 1: the Quốc hiệu block is ink on the right half, nothing is drawn in the margins."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(rendered["pdf"])
    image = pdf[0].render(scale=1).to_pil().convert("L")
    width, height = image.size
    pixels = image.load()

    def ink(x0: float, y0: float, x1: float, y1: float) -> int:
        return sum(1 for x in range(int(x0), int(x1)) for y in range(int(y0), int(y1)) if pixels[x, y] < 128)

    mm = width / 210
    assert ink(0, 0, 29 * mm, height) == 0, "nothing in the left margin"
    assert ink(196 * mm, 0, width, height) == 0, "nothing in the right margin"
    assert ink(0, 0, width, 19 * mm) == 0, "no page number and nothing else on top of page 1"
    assert ink(100 * mm, 20 * mm, 190 * mm, 32 * mm) > 300, "Quốc hiệu and Tiêu ngữ on the right"
