"""ND 30 layout faults found by the audit of every kind, fixed: each test fails on the faulty output."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from correspondence import api
from correspondence.render.docx import render_docx
from tests.conftest import EXAMPLES, ROOT


def test_the_last_article_of_a_quyet_dinh_keeps_its_bold_label(tmp_path: Path) -> None:
    """compose closes the body with ./. — and used to rebuild the last paragraph without its bold "Điều N."."""
    import docx

    paths = api.render(EXAMPLES / "quyet-dinh.yaml", 12, None, tmp_path, ROOT, ("docx",))
    word = docx.Document(str(paths[0]))
    articles = [p for p in word.paragraphs if p.text.startswith("Điều ")]
    assert len(articles) == 3
    assert all(p.runs[0].bold and p.runs[0].text.startswith("Điều ") for p in articles)
    assert articles[-1].text.endswith("./.")


def test_a_document_with_two_annexes_has_one_page_numbering_per_section(build: Callable[..., Any],
                                                                         make_record: Callable[..., Path],
                                                                         workspace: Path) -> None:
    table = {"cot": [{"ten": "Tên", "khoa": "ten"}]}
    annexes = [{"tieu_de": f"Bảng {i}", "bang": table, "du_lieu": [{"ten": "A"}]} for i in (1, 2)]
    document = build(make_record(phu_luc=annexes))
    xml = zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/document.xml").decode()
    sections = xml.split("<w:sectPr")[1:]
    assert len(sections) == 3
    assert [section.count("<w:pgNumType") for section in sections] == [0, 1, 1]


def test_the_kem_theo_line_names_the_parent_by_its_kind_date_and_issuer(build: Callable[..., Any],
                                                                         make_record: Callable[..., Path]) -> None:
    table = {"cot": [{"ten": "Tên", "khoa": "ten"}]}
    document = build(make_record(phu_luc=[{"tieu_de": "Danh mục", "bang": table, "du_lieu": [{"ten": "A"}]}]),
                     so=3018, ngay=dt.date(2019, 5, 7))
    assert document.phu_luc[0].kem_theo == (
        "(Kèm theo Công văn số 3018/UBND-XD6 ngày 07/5/2019 của Ủy ban nhân dân tỉnh Quảng Ninh)")


def test_rules_leave_a_clear_gap_under_the_text(tmp_path: Path) -> None:
    """The rules under the agency name, the Tiêu ngữ and the trích yếu lie at least 1.2 mm below the text line they
    underline, as Word draws them; they no longer touch descenders and diacritics like underlines."""
    import pdfplumber

    paths = api.render(EXAMPLES / "ke-hoach-4498.yaml", 12, None, tmp_path, ROOT, ("pdf",))
    with pdfplumber.open(paths[0]) as pdf:
        page = pdf.pages[0]
        rules = [r for r in page.rects if r["height"] < 1 and r["width"] > 20 and r["top"] < 260]
        lines = sorted({round(c["bottom"], 1) for c in page.chars})
        assert len(rules) == 3
        for rule in rules:
            above = max(bottom for bottom in lines if bottom < rule["top"])
            assert rule["top"] - above >= 1.2 * 72 / 25.4, (rule["top"], above)


def test_a_landscape_annex_keeps_a_20_mm_bottom_margin(tmp_path: Path) -> None:
    import docx

    paths = api.render(EXAMPLES / "ke-hoach-4498.yaml", 12, None, tmp_path, ROOT, ("docx",))
    landscape = [s for s in docx.Document(str(paths[0])).sections if s.page_width > s.page_height]
    assert landscape and all(round(s.bottom_margin.mm) == 20 and round(s.top_margin.mm) == 20 for s in landscape)


def test_the_pdf_carries_its_creation_and_modification_dates(tmp_path: Path) -> None:
    import pypdf

    paths = api.render(EXAMPLES / "cong-van-3018.yaml", 3018, None, tmp_path, ROOT, ("pdf",))
    info = pypdf.PdfReader(str(paths[0])).metadata
    assert info["/CreationDate"].startswith("D:20190507000000+07") and info["/ModDate"] == info["/CreationDate"]
