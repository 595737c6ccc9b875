"""The example plan re-creates Kế hoạch 4498/KH-UBND of Ninh Thuận with its annex: text and structure."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx

from correspondence import api
from tests.conftest import EXAMPLES, ROOT, SEEDS

SEED = SEEDS / "ke-hoach-4498.txt"
RECORD = EXAMPLES / "ke-hoach-4498.yaml"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("plan")
    paths = api.render(RECORD, 4498, None, out, ROOT)
    return {p.suffix[1:]: p.read_bytes() for p in paths}


def _seed_parts() -> tuple[list[str], list[str]]:
    """The published text: the plan from its type name to ./., and the annex (the web page's trailer dropped)."""
    text = SEED.read_text("utf-8")
    body = text[text.index("KẾ HOẠCH"):text.index("| KT. CHỦ TỊCH |")]
    annex = text[text.index("PHỤ LỤC"):text.index("\n- 1 ")]
    # ND 30 PL I §III.1 writes the heading "Phụ lục" and the line "(Kèm theo … số …)".
    annex = annex.replace("PHỤ LỤC", "Phụ lục", 1).replace("(Ban hành kèm theo Kế hoạch số: ", "(Kèm theo Kế hoạch số ")
    return body.split(), [w for w in annex.split() if w != "|"]


def test_plan_text_matches_the_issued_plan(plan: dict[str, bytes]) -> None:
    expected_body, _annex = _seed_parts()
    with pdfplumber.open(io.BytesIO(plan["pdf"])) as pdf:
        text = []
        for number, page in enumerate(pdf.pages[:-1]):
            words = page.extract_words()
            top = next(w for w in words if w["text"] == "KẾ")["top"] - 1 if number == 0 else 50
            label = next((w for w in words if w["text"] == "Nơi"), None)
            bottom = label["top"] - 1 if label else page.height
            text.append(page.crop((0, top, page.width, bottom)).extract_text())
    assert " ".join(text).split() == expected_body


def test_plan_header_title_and_signature(plan: dict[str, bytes]) -> None:
    with pdfplumber.open(io.BytesIO(plan["pdf"])) as pdf:
        first = pdf.pages[0]
        text = first.extract_text()
        assert "Số: 4498/KH-UBND Ninh Thuận, ngày 30 tháng 10 năm 2019" in text
        assert "V/v" not in text
        words = first.extract_words(extra_attrs=["size", "fontname"])
        kind = next(w for w in words if w["text"] == "KẾ")
        centre = (kind["x0"] + next(w for w in words if w["text"] == "HOẠCH")["x1"]) / 2
        assert abs(centre - (30 + (210 - 15)) / 2 * 72 / 25.4) < 2, "the type name is centred on the page"
        assert "Bold" in kind["fontname"] and round(kind["size"]) == 14
        section = next(w for w in words if w["text"] == "I.")
        assert "Bold" in section["fontname"]
        rules = [r for r in first.rects if r["height"] < 1.5 and r["top"] > kind["bottom"]]
        assert len(rules) == 1, "a short rule under the trích yếu"
        signature_page = pdf.pages[-2]
        split = next(w for w in signature_page.extract_words() if w["text"] == "KT.")["x0"] - 5
        right = signature_page.crop((split, 0, signature_page.width, signature_page.height)).extract_text()
        # as the plan was issued: KT. CHỦ TỊCH with no TM. line (the record says tap_the: false)
        assert right.splitlines()[-3:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
        assert "TM." not in right


def test_annex_page_matches_the_published_annex(plan: dict[str, bytes]) -> None:
    _body, expected_annex = _seed_parts()
    with pdfplumber.open(io.BytesIO(plan["pdf"])) as pdf:
        annex = pdf.pages[-1]
        assert annex.width > annex.height, "the wide annex is on an A4 landscape page"
        assert not [w for w in annex.extract_words() if w["top"] < 45], "no page number on the annex's first page"
        table = annex.extract_table()
        heading = annex.crop((0, 0, annex.width, annex.find_tables()[0].bbox[1])).extract_text()
    cells = [" ".join((c or "").split()) for row in table for c in row if c]
    assert (heading.split() + " ".join(cells).split()) == expected_annex
    note = ("Ghi rõ TTHC này từ trước đến nay đã thực hiện theo phương thức dịch vụ công trực tuyến chưa? Nếu đã và đang "
            "thực hiện thì cung cấp văn bản pháp lý làm cơ sở thực hiện (Quyết định, văn bản chỉ đạo của UBND tỉnh...)")
    rows = [[" ".join((c or "").split()) for c in row] for row in table]
    assert rows[0] == ["STT", "Tên nhóm dịch vụ công trực tuyến được cơ quan, đơn vị lựa chọn", "Ghi chú"]
    assert [r[0] for r in rows[1:]] == ["I", "1", "2", "...", "II", "1", "2", "3", "4", "..."]
    assert rows[1][1:] == ["DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN MỨC ĐỘ 3", ""], "the group title spans the row"
    assert rows[2][2] == note


def test_plan_docx_structure(plan: dict[str, bytes]) -> None:
    document = open_docx(io.BytesIO(plan["docx"]))
    main, annex = document.sections
    assert main.orientation == 0 and annex.orientation == 1
    assert round(annex.page_width.mm) == 297 and round(annex.page_height.mm) == 210
    assert annex.different_first_page_header_footer
    assert '<w:pgNumType w:start="1"/>' in annex._sectPr.xml
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:2] == ["KẾ HOẠCH", "THỰC HIỆN CUNG CẤP ÍT NHẤT 30% SỐ DỊCH VỤ CÔNG TRỰC TUYẾN THUỘC THẨM QUYỀN Ở MỨC ĐỘ 4 "
                                     "TRÊN CỔNG DỊCH VỤ CÔNG TRỰC TUYẾN CỦA TỈNH"]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in texts and "III. TỔ CHỨC THỰC HIỆN" in texts
    assert texts[-3:] == ["Phụ lục", "DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN MỨC ĐỘ 3 VÀ MỨC ĐỘ 4",
                          "(Kèm theo Kế hoạch số 4498/KH-UBND ngày 30/10/2019 của Ủy ban nhân dân tỉnh)"]
    table = document.tables[-1]
    xml = table._tbl.xml
    assert xml.count("<w:tblHeader/>") == 1 and xml.count("<w:cantSplit/>") == len(table.rows)
    assert '<w:gridSpan w:val="2"/>' in table.rows[1]._tr.xml
    assert [c.text for c in table.rows[0].cells] == ["STT", "Tên nhóm dịch vụ công trực tuyến được cơ quan, đơn vị lựa chọn",
                                                     "Ghi chú"]
    with zipfile.ZipFile(io.BytesIO(plan["docx"])) as package:
        body = package.read("word/document.xml").decode()
    assert body.index(">Phụ lục<") > body.index("KT. CHỦ TỊCH"), "the annex follows the signature"


def test_plan_is_reproducible(plan: dict[str, bytes], tmp_path: Path) -> None:
    again = api.render(RECORD, 4498, None, tmp_path, ROOT)
    assert {p.suffix[1:]: p.read_bytes() for p in again} == plan
