"""Both renderers draw every feature of the model: footnotes, marks, drafts, escaping, Vietnamese text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from correspondence.render.docx import render_docx

FOOTNOTE_BODY = "Theo Quyết định số 09/2019/QĐ-UBND[^1], thực hiện **ngay**.\n\n[^1]: Ban hành ngày 13/02/2019."


def _docx_xml(document: Any, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(render_docx(document))) as package:
        return package.read(part).decode("utf-8")


def test_footnote_in_docx_is_a_word_footnote(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(noi_dung=FOOTNOTE_BODY))
    assert '<w:footnoteReference w:id="1"/>' in _docx_xml(document)
    notes = _docx_xml(document, "word/footnotes.xml")
    assert 'w:id="1"' in notes and "Ban hành ngày 13/02/2019." in notes and "<w:footnoteRef/>" in notes
    with zipfile.ZipFile(io.BytesIO(render_docx(document))) as package:
        assert "footnotes.xml" in package.read("word/_rels/document.xml.rels").decode()
        assert "footnotes+xml" in package.read("[Content_Types].xml").decode()


def test_footnote_in_pdf_sits_at_the_page_bottom(make_record: Callable[..., Path], pdf_of: Callable[..., Any]) -> None:
    with pdf_of(make_record(noi_dung=FOOTNOTE_BODY)) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["size"])
        note = next(w for w in words if w["text"] == "Ban")
        signature = next(w for w in words if w["text"] == "Hậu")
        call = next(w for w in words if w["text"].startswith("09/2019/QĐ-UBND"))
        assert note["top"] > signature["bottom"], "the note is below everything else on the page"
        assert note["top"] > page.height * 0.8
        assert round(note["size"]) == 11
        marker = words[words.index(call) + 1]
        assert marker["text"].startswith("1") and marker["size"] < 11 and marker["bottom"] < call["bottom"] - 2, "a superscript 1"


def test_marks_in_both_outputs(make_record: Callable[..., Path], build: Callable[..., Any],
                               pdf_of: Callable[..., Any]) -> None:
    path = make_record(do_khan="hoa_toc", do_mat="mat", luu_hanh="xem_xong_tra_lai")
    xml = _docx_xml(build(path))
    assert "HỎA TỐC" in xml and "MẬT" in xml
    assert "XEM XONG TRẢ LẠI" in _docx_xml(build(path), "word/header2.xml")  # page 1's header: in the top margin
    assert 'w:color w:val="FF0000"' in xml
    with pdf_of(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        urgent = next(w for w in words if w["text"] == "HỎA")
        vv = next(w for w in words if w["text"] == "V/v")
        quoc_hieu = next(w for w in words if w["text"] == "CỘNG")
        note = next(w for w in words if w["text"] == "XEM")
        assert urgent["top"] > vv["top"] and urgent["x1"] < quoc_hieu["x0"], "ô 10b: left column under V/v"
        assert note["bottom"] < quoc_hieu["top"] and note["x0"] > quoc_hieu["x0"] - 5, "ô 11: above the Quốc hiệu"
        boxes = [r for r in page.rects if r["x0"] <= urgent["x0"] and r["x1"] >= urgent["x1"]
                 and r["top"] <= urgent["top"] and r["bottom"] >= urgent["bottom"]]
        assert boxes, "the urgency mark is boxed"
        assert abs((boxes[0]["x1"] - boxes[0]["x0"]) * 25.4 / 72 - 30) < 1, "HỎA TỐC box is 30 mm wide"


def test_draft_in_both_outputs(make_record: Callable[..., Path], build: Callable[..., Any],
                               pdf_of: Callable[..., Any]) -> None:
    path = make_record()
    xml = _docx_xml(build(path, so=None))
    assert "DỰ THẢO" in xml
    with pdf_of(path, so=None) as pdf:
        text = pdf.pages[0].extract_text()
    assert "DỰ THẢO" in text
    assert "Số: /UBND-XD6" in " ".join(text.replace("\u00a0", " ").split())
    assert "Quảng Ninh, ngày … tháng … năm …" in text


@pytest.mark.parametrize("special", ["Sở Xây dựng & Giao thông", "Công ty <ABC>", "A > B & C < D"])
def test_special_characters_come_out_intact(make_record: Callable[..., Path], build: Callable[..., Any],
                                            pdf_of: Callable[..., Any], special: str) -> None:
    path = make_record(kinh_gui=special, noi_dung=f"Gửi {special} và {{{{ ten }}}}.", du_lieu={"ten": special})
    from docx import Document as open_docx

    word = open_docx(io.BytesIO(render_docx(build(path))))
    texts = [p.text for p in word.paragraphs]
    assert f"Kính gửi: {special}" in texts
    assert f"Gửi {special} và {special}./." in texts
    with pdf_of(path) as pdf:
        text = " ".join(pdf.pages[0].extract_text().split())
    assert f"Kính gửi: {special}" in text
    assert f"Gửi {special} và {special}./." in text


def test_agency_name_with_ampersand(make_record: Callable[..., Path], workspace: Path, build: Callable[..., Any],
                                    pdf_of: Callable[..., Any]) -> None:
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8").replace("- Tỉnh Quảng Ninh", "- Sở Xây dựng & <Đô thị>"), "utf-8")
    path = make_record()
    assert "SỞ XÂY DỰNG &amp; &lt;ĐÔ THỊ&gt;" in _docx_xml(build(path))
    with pdf_of(path) as pdf:
        assert "SỞ XÂY DỰNG & <ĐÔ THỊ>" in pdf.pages[0].extract_text()


vietnamese = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐƯƠ ",
                     min_size=3, max_size=30).map(lambda s: " ".join(s.split())).filter(lambda s: len(s) >= 3)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=vietnamese, nfd=st.booleans())
def test_vietnamese_text_survives_both_renderers(make_record: Callable[..., Path], build: Callable[..., Any],
                                                 pdf_of: Callable[..., Any], text: str, nfd: bool) -> None:
    import unicodedata

    source = unicodedata.normalize("NFD" if nfd else "NFC", text)
    path = make_record(noi_dung=f"Nội dung: {source}")
    expected = f"Nội dung: {unicodedata.normalize('NFC', text)}./."
    from docx import Document as open_docx

    word = open_docx(io.BytesIO(render_docx(build(path))))
    assert expected in [p.text for p in word.paragraphs]
    with pdf_of(path) as pdf:
        extracted = unicodedata.normalize("NFC", " ".join(pdf.pages[0].extract_text().split()))
    assert expected in extracted
