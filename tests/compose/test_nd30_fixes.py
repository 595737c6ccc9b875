"""ND 30 layout faults found by the audit of every kind, fixed: each test fails on the faulty output."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
    # the agency's midnight, as the same instant in UTC
    assert info["/CreationDate"][:19] == "D:20190506170000Z"
    assert info["/ModDate"] == info["/CreationDate"]


def test_an_urgency_mark_is_a_30_by_8_mm_box_in_both_renderers(tmp_path: Path) -> None:
    """PL I §III.2.b: HỎA TỐC in a 30 × 8 mm box (was 30.5 × 6.6 mm in the PDF, 31.2 × 6.4 mm in the DOCX)."""
    import docx
    import pdfplumber
    from docx.oxml.ns import qn

    pdf_path, docx_path = api.render(EXAMPLES / "cong-dien.yaml", 12, None, tmp_path, ROOT, ("pdf", "docx"))
    with pdfplumber.open(pdf_path) as pdf:
        # the outer edge: a stroked path's plus its line
        line = [r["linewidth"] if r["stroke"] and not r["fill"] else 0 for r in pdf.pages[0].rects]
        boxes = [((r["width"] + w) * 25.4 / 72, (r["height"] + w) * 25.4 / 72) for r, w in zip(pdf.pages[0].rects, line,
                                                                                             strict=True)
                 if 20 < r["width"] < 150 and r["height"] > 10]
    assert any(abs(w - 30) < 0.2 and abs(h - 8) < 0.2 for w, h in boxes), boxes

    word = docx.Document(str(docx_path))
    cell = next(c for t in word.tables for r in t.rows for c in r.cells if "HỎA TỐC" in c.text)
    paragraph = next(p for p in cell.paragraphs if p.text == "HỎA TỐC")
    ppr = paragraph._p.pPr
    top = ppr.find(qn("w:pBdr")).find(qn("w:top"))
    edge = int(top.get(qn("w:space"))) + int(top.get(qn("w:sz"))) / 8  # points outside the text on each side
    line = int(ppr.find(qn("w:spacing")).get(qn("w:line"))) / 20
    assert ppr.find(qn("w:spacing")).get(qn("w:lineRule")) == "exact"
    assert abs((line + 2 * edge) * 25.4 / 72 - 8) < 0.1
    fmt = paragraph.paragraph_format
    width = cell.width.mm - fmt.left_indent.mm - (fmt.right_indent.mm if fmt.right_indent else 0)
    assert abs(width + 2 * edge * 25.4 / 72 - 30) < 0.1


def test_the_urgency_box_opens_its_cell_in_the_docx_as_in_the_pdf(tmp_path: Path) -> None:
    """No empty paragraph above the box when there is no V/v line: the DOCX put one there, and its HỎA TỐC box
    stood 5.8 mm lower than the PDF's (measured through LibreOffice)."""
    import docx

    (docx_path,) = api.render(EXAMPLES / "cong-dien.yaml", 12, None, tmp_path, ROOT, ("docx",))
    word = docx.Document(str(docx_path))
    cell = next(c for t in word.tables for r in t.rows for c in r.cells if "HỎA TỐC" in c.text)
    assert [p.text for p in cell.paragraphs] == ["HỎA TỐC"]


def test_a_cong_dien_is_sent_and_signed_by_the_same_issuer(build: Callable[..., Any],
                                                            make_record: Callable[..., Path]) -> None:
    """Mẫu 1.6: the head sends (CHỦ TỊCH … điện:, signed KT. CHỦ TỊCH with no TM. line), or the collective does
    (ỦY BAN NHÂN DÂN … điện:, signed TM.); the "… điện:" line is centred."""
    record = {"loai": "cong_dien", "kinh_gui": ["Sở Xây dựng", "Sở Giao thông vận tải"]}
    by_head = build(make_record(**record, ky={"tham_quyen": "KT", "nguoi_ky": "dang_huy_hau"}))
    assert by_head.kinh_gui.label == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH điện:"
    assert by_head.kinh_gui.centred
    assert by_head.chu_ky.tham_quyen == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    by_collective = build(make_record(**record, ky={"tham_quyen": "TM", "nguoi_ky": "nguyen_van_thang"}))
    assert by_collective.kinh_gui.label == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH điện:"
    assert by_collective.chu_ky.tham_quyen == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")


def test_the_cong_dien_sender_line_is_centred_in_both_renderers(tmp_path: Path) -> None:
    import docx
    import pdfplumber

    pdf_path, docx_path = api.render(EXAMPLES / "cong-dien.yaml", 12, None, tmp_path, ROOT, ("pdf", "docx"))
    paragraph = next(p for p in docx.Document(str(docx_path)).paragraphs if p.text.endswith(" điện:"))
    assert paragraph.alignment == 1  # CENTER
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        line = next(ln for ln in page.extract_text_lines() if ln["text"].endswith(" điện:"))
        left, right = line["x0"] - 30 * 72 / 25.4, page.width - 15 * 72 / 25.4 - line["x1"]
        assert abs(left - right) < 2, (left, right)


def test_a_nghi_quyet_is_issued_and_signed_by_the_collective(build: Callable[..., Any],
                                                             make_record: Callable[..., Path]) -> None:
    document = build(make_record(loai="nghi_quyet", noi_dung="Điều 1. Thông qua.",
                                 ky={"tham_quyen": "KT", "nguoi_ky": "dang_huy_hau"}))
    assert document.chu_ky.tham_quyen == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert document.ban_hanh == ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",)


def test_a_deputy_signs_without_the_collective_line_when_the_record_says_so(build: Callable[..., Any],
                                                                            make_record: Callable[..., Path]) -> None:
    """A plan issued under the head's own authority prints KT. CHỦ TỊCH / PHÓ CHỦ TỊCH with no TM. line (the
    Ninh Thuận plan 4498/KH-UBND), though the profile names its collective."""
    document = build(make_record(loai="ke_hoach", ky={"tham_quyen": "KT", "nguoi_ky": "dang_huy_hau", "tap_the": False}))
    assert document.chu_ky.tham_quyen == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_a_nghi_quyet_signed_in_a_deputys_own_name_is_refused(make_record: Callable[..., Path]) -> None:
    from tests.validate.test_validate import problems_of

    path = make_record(loai="nghi_quyet", noi_dung="Điều 1. Thông qua.",
                       ky={"tham_quyen": "TL", "nguoi_ky": "chanh_van_phong"})
    problems = problems_of(path)
    assert any("nghị quyết do tập thể ban hành, ký TM. (Nghị định 30/2020/NĐ-CP, Điều 13)" in p for p in problems)


def test_a_trich_yeu_in_capitals_is_printed_with_a_warning(make_record: Callable[..., Path],
                                                           build: Callable[..., Any]) -> None:
    from correspondence.progress import noticing

    heard: list[str] = []
    path = make_record(loai="ke_hoach", trich_yeu="THỰC HIỆN CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN")
    with noticing(heard.append):
        document = build(path)
    assert document.tieu_de.trich_yeu == "THỰC HIỆN CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN"
    assert heard == [f"{path.name}:4: trich_yeu: cảnh báo: trích yếu viết hoa toàn bộ; Nghị định 30/2020/NĐ-CP viết "
                     "chữ thường (Phụ lục I, mục II.5.b) (chỉ viết hoa chữ cái đầu và tên riêng)"]
    heard.clear()
    with noticing(heard.append):
        build(make_record(loai="ke_hoach", trich_yeu="Thực hiện cung cấp dịch vụ công trực tuyến của UBND"))
    assert heard == []


def test_a_paragraph_never_opens_with_one_word_on_its_first_line(tmp_path: Path, build: Callable[..., Any],
                                                                  make_record: Callable[..., Path]) -> None:
    """A token kept whole (2020./., 343/TTPVHCC-TT&GQTT) used to push all but the first word of its paragraph to the
    next line ("Nội" alone under the indent, in 6 of the examples); it still never breaks at its slash or hyphen."""
    import pdfplumber

    from correspondence.render import render_document

    def lines_of(pdf_bytes: bytes) -> list[str]:
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
            return [ln["text"] for ln in pdf.pages[0].extract_text_lines()]

    for example, opening in (("thong-bao", "Nội"), ("thu-cong", "Ủy"), ("phieu-gui", "Nội")):
        (path,) = api.render(EXAMPLES / "loai" / f"{example}.yaml", 12, None, tmp_path, ROOT, ("pdf",))
        lines = lines_of(path.read_bytes())
        first = next(line for line in lines if line.startswith(opening + " "))
        assert len(first.split()) > 5, (example, first)

    text = ("Nội dung thông báo của Ủy ban nhân dân tỉnh về dịch vụ công trực tuyến năm 2020, theo Công văn số "
            "343/TTPVHCC-TT&GQTT ngày 12/5/2019 của Trung tâm Phục vụ hành chính công tỉnh và Kế hoạch số "
            "4498/KH-UBND ngày 30/10/2019 của Ủy ban nhân dân tỉnh Ninh Thuận về dịch vụ công.")
    files = render_document(build(make_record(loai="thong_bao", noi_dung=text)), ("pdf",))
    lines = lines_of(next(iter(files.values())))
    first = next(index for index, line in enumerate(lines) if line.startswith("Nội"))
    words = " ".join(lines[first:first + 5]).split()
    assert not any("\u2060" in word for word in words)
    for token in ("343/TTPVHCC-TT&GQTT", "12/5/2019", "4498/KH-UBND", "30/10/2019"):
        assert token in words, (token, lines[first:first + 5])


def test_the_circulation_note_stands_in_the_top_margin(build: Callable[..., Any],
                                                       make_record: Callable[..., Path]) -> None:
    """PL I §IV: ô 11 above ô 1 in the top margin, ô 1 level with ô 2 (it used to push the Quốc hiệu 8.6 mm down)."""
    import pdfplumber

    from correspondence.render import render_document

    files = render_document(build(make_record(luu_hanh="xem_xong_tra_lai")), ("pdf", "docx"))
    pdf_bytes, docx_bytes = (next(v for k, v in files.items() if k.endswith(ext)) for ext in (".pdf", ".docx"))
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        box = next(r for r in page.rects if r["height"] > 20 and r["width"] > 50)
        assert box["bottom"] <= 20 * 72 / 25.4 and box["top"] >= 10 * 72 / 25.4, box
        assert abs((box["x0"] + box["x1"]) / 2 - (30 + 62 + (195 - 30 - 62) / 2) * 72 / 25.4) < 2
        quoc_hieu = next(w for w in words if w["text"] == "CỘNG")
        agency = next(w for w in words if w["text"] == "ỦY")
        assert abs(quoc_hieu["top"] - agency["top"]) < 1.5, (quoc_hieu["top"], agency["top"])
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        headers = [package.read(n).decode() for n in package.namelist() if n.startswith("word/header")]
        body = package.read("word/document.xml").decode()
    assert "XEM XONG TRẢ LẠI" not in body
    (first,) = [h for h in headers if "XEM XONG TRẢ LẠI" in h]
    assert "PAGE" not in first  # the first page's own header: no page number on page 1


CONTACTS = """lien_he:
  dia_chi: Trụ sở Liên cơ quan số 2, phường Hồng Hà, thành phố Hạ Long, tỉnh Quảng Ninh
  dien_thoai: (0203) 3835 555
  fax: 0203 3835 556
  email: vpubnd@quangninh.gov.vn
  website: www.quangninh.gov.vn
"""


def test_the_contacts_stay_inside_the_text_area_and_never_break_a_number(workspace: Path, build: Callable[..., Any],
                                                                         make_record: Callable[..., Path]) -> None:
    """Ô 13 used to end 6 mm from the page edge and split a fax number across lines."""
    import pdfplumber

    from correspondence.render import render_document

    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + CONTACTS, "utf-8")
    text = "\n\n".join(["Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành rà soát, cập nhật các thủ tục hành chính "
                        "thuộc phạm vi quản lý và công khai trên cổng dịch vụ công của tỉnh."] * 12)
    files = render_document(build(make_record(noi_dung=text)), ("pdf", "docx"))
    pdf_bytes, docx_bytes = (next(v for k, v in files.items() if k.endswith(ext)) for ext in (".pdf", ".docx"))
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        lines = page.extract_text_lines()
        rule = max(r["top"] for r in page.rects if r["width"] > 150 * 72 / 25.4)
    contacts = [ln for ln in lines if ln["top"] > rule]
    assert len(contacts) == 3
    assert page.height - contacts[-1]["bottom"] >= 20 * 72 / 25.4 - 1  # inside the 20 mm bottom margin's line
    assert all(ln["bottom"] < rule for ln in lines if ln not in contacts)
    joined = [ln["text"] for ln in contacts]
    assert any("(0203) 3835 555" in ln for ln in joined) and any("0203 3835 556" in ln for ln in joined), joined

    import docx

    section = docx.Document(io.BytesIO(docx_bytes)).sections[0]
    assert round(section.footer_distance.mm) == 20
    assert "3835\u00a0555" in section.first_page_footer.paragraphs[0].text


def _footnoted(workspace: Path, build: Callable[..., Any], make_record: Callable[..., Path],
               style: str | None) -> dict[str, bytes]:
    from correspondence.render import render_document

    if style:
        profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
        profile.write_text(profile.read_text("utf-8") + f"chu_thich: {style}\n", "utf-8")
    body = ("Thực hiện Nghị định số 30/2020/NĐ-CP[^nd], Ủy ban nhân dân tỉnh đề nghị các đơn vị rà soát.\n\n"
            "[^nd]: Nghị định về công tác văn thư.")
    files = render_document(build(make_record(noi_dung=body)), ("pdf", "docx"))
    return {name.rsplit(".", 1)[1]: data for name, data in files.items()}


def test_pdf_footnotes_have_a_separator_and_a_call_the_size_of_words(workspace: Path, build: Callable[..., Any],
                                                                      make_record: Callable[..., Path]) -> None:
    """They had no separator and a 7 pt call (65 % of the 11 pt note, not of the 14 pt text), unlike the DOCX."""
    import pdfplumber

    files = _footnoted(workspace, build, make_record, None)
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        page = pdf.pages[0]
        note = next(ln for ln in page.extract_text_lines() if ln["text"].endswith("công tác văn thư."))
        separator = [e for e in page.edges if e["orientation"] == "h" and abs(e["width"] * 25.4 / 72 - 50.8) < 1
                     and 0 < note["top"] - e["top"] < 20]
        chars = page.chars
        call = next(c for before, c in zip(chars, chars[1:], strict=False) if before["text"] == "P" and c["text"] == "1")
    assert separator, "a short rule above the footnotes"
    assert 8.5 < call["size"] < 10, call["size"]


def test_the_footnote_call_may_be_printed_in_brackets(workspace: Path, build: Callable[..., Any],
                                                      make_record: Callable[..., Path]) -> None:
    import pdfplumber

    files = _footnoted(workspace, build, make_record, "ngoac")
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        text = pdf.pages[0].extract_text()
    assert "30/2020/NĐ-CP(1)," in text and "(1) Nghị định về công tác văn thư." in text
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as package:
        notes = package.read("word/footnotes.xml").decode()
        body = package.read("word/document.xml").decode()
    assert "superscript" not in notes and '<w:t xml:space="preserve">(</w:t>' in notes
    call = body[body.index("<w:footnoteReference") - 300:body.index("<w:footnoteReference") + 200]
    assert "superscript" not in call and ">(</w:t>" in call and ">)</w:t>" in body


COPY = {"noi_dung": None, "kinh_gui": None, "trich_yeu": None, "noi_nhan": ["Sở Tư pháp"], "du_lieu": None,
        "ky": {"tham_quyen": "TL", "nguoi_ky": "chanh_van_phong"}}


def test_an_extract_keeps_the_numbers_of_its_original(make_record: Callable[..., Path], workspace: Path) -> None:
    """A trích sao reproduces the extracted text exactly: "2." stays "2." (it was printed "1.")."""
    import pdfplumber

    from correspondence.outgoing import issue

    issue([make_record("goc.yaml")], workspace)
    extract = "2. Sở Thông tin và Truyền thông hướng dẫn, kiểm tra.\n\nb) Thẩm định danh mục.\n\n3. Trung tâm cập nhật."
    done = issue([make_record("trich.yaml", **{**COPY, "noi_dung": extract}, loai="trich_sao", ban_goc="01/UBND-XD6",
                              ngay="2019-06-01")], workspace)[0]
    with pdfplumber.open(done.files[1]) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text().splitlines()]
    assert [line.split()[0] for line in lines if line.split()[0] in ("1.", "2.", "3.", "a)", "b)")] == ["2.", "b)", "3."]


def test_a_sao_luc_is_made_from_a_sao_y_and_keeps_its_block(make_record: Callable[..., Path], workspace: Path) -> None:
    """ND 30 Art. 25: the sao lục reproduces the sao y (the original and the SAO Y block), then its own block."""
    import pdfplumber

    from correspondence.errors import InvalidRecord
    from correspondence.outgoing import issue
    from correspondence.register.store import Register
    from correspondence.workspace import register_url

    issue([make_record("goc.yaml")], workspace)
    issue([make_record("sy.yaml", **COPY, loai="sao_y", ban_goc="01/UBND-XD6", ngay="2019-06-01")], workspace)
    with pytest.raises(InvalidRecord) as refused:  # a sao lục of the original
        issue([make_record("sl1.yaml", **COPY, loai="sao_luc", ban_goc="01/UBND-XD6", ngay="2019-06-02")], workspace)
    assert [str(p) for p in refused.value.problems] == [
        "sl1.yaml:15: ban_goc: bản sao lục được thực hiện từ bản sao y (Nghị định 30/2020/NĐ-CP, Điều 25) "
        "(ghi số, ký hiệu của bản sao y)"]
    with pytest.raises(InvalidRecord) as refused:  # a sao y of a copy
        issue([make_record("sy2.yaml", **COPY, loai="sao_y", ban_goc="01/SY-UBND", ngay="2019-06-02")], workspace)
    assert "bản sao y được thực hiện từ bản gốc hoặc bản chính, không từ bản sao" in str(refused.value.problems[0])
    with Register(register_url(workspace, "ubnd-quang-ninh")) as register:
        assert sorted(e.so_ky_hieu for e in register.entries(year=2019)) == ["01/SY-UBND", "01/UBND-XD6"], "none taken"
    done = issue([make_record("sl.yaml", **COPY, loai="sao_luc", ban_goc="01/SY-UBND", ngay="2019-06-03")],
                 workspace)[0]
    assert done.entry.so_ky_hieu == "02/SL-UBND"
    with pdfplumber.open(done.files[1]) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert text.index("Số: 01/UBND-XD6") < text.index("SAO Y") < text.index("Số: 01/SY-UBND") < text.index("SAO LỤC")
    assert "Số: 02/SL-UBND" in text and "Quảng Ninh, ngày 03 tháng 6 năm 2019" in text


def test_the_copy_block_follows_the_document_on_its_sheet(make_record: Callable[..., Path], workspace: Path) -> None:
    """Mẫu 3.1: a rule under the copying agency's name; Số level with the date; the block with its full-width rule
    on the sheet where the copied document ends (DOCX: the rule kept with the block, the rows never split)."""
    import docx
    import pdfplumber

    from correspondence.outgoing import issue

    issue([make_record("goc.yaml")], workspace)
    done = issue([make_record("sy.yaml", **COPY, loai="sao_y", ban_goc="01/UBND-XD6", ngay="2019-06-01")],
                 workspace)[0]
    docx_path, pdf_path = done.files
    with pdfplumber.open(pdf_path) as pdf:
        last = pdf.pages[-1]
        words = last.extract_words()
        number = next(w for w in words if w["text"] == "01/SY-UBND")
        date = next(w for w in words if w["text"] == "Quảng" and w["top"] > number["top"] - 20)
        agency = [w for w in words if w["text"] == "NINH"][-1]
        rules = [r for r in (*last.rects, *last.lines) if r["height"] < 1.5 and agency["bottom"] < r["top"] < number["top"]]
        signed = [w for w in words if w["text"] == "Hậu"]  # the copied document's signer
    assert abs(number["bottom"] - date["bottom"]) < 1.5, "Số level with the date"
    assert rules, "a rule under the copying agency's name"
    assert signed, "the block shares the sheet where the copied document ends"
    word = docx.Document(str(docx_path))
    (sheet,) = word.tables[-1].rows  # the copied document's signature, the rule and the block: one row, never split
    assert sheet._tr.trPr is not None and sheet._tr.trPr.xml.count("cantSplit")
    block = sheet.cells[0].tables[-1]
    assert all(row._tr.trPr is not None and row._tr.trPr.xml.count("cantSplit") for row in block.rows)
    rule = block._tbl.getprevious()
    assert rule.xpath("./w:pPr/w:keepNext") and rule.xpath("./w:pPr/w:pBdr/w:bottom")


def test_body_markup_says_what_real_documents_print(build: Callable[..., Any], make_record: Callable[..., Path]) -> None:
    """Parts of a khoản (2.1., 2.1.1.) renumbered under it, a centred paragraph, a khoản title in bold without a colon,
    in both renderers."""
    import docx
    import pdfplumber

    from correspondence.render import render_document

    text = ("1. **Yêu cầu chung**\n\nNội dung yêu cầu chung.\n\n2. Nhiệm vụ cụ thể:\n\n2.1. Rà soát thủ tục.\n\n"
            "2.1. Công khai kết quả.\n\n2.1.1. Trên cổng dịch vụ công.\n\n-> DANH SÁCH KÈM THEO <-")
    document = build(make_record(loai="ke_hoach", noi_dung=text))
    assert [(b.marker, b.bold_marker, b.keep_with_next) for b in document.body[:4]] == [
        ("1.", True, True), ("", False, False), ("2.", False, True), ("2.1.", False, False)]
    assert [b.marker for b in document.body[4:6]] == ["2.2.", "2.2.1."]
    assert document.body[-1].align == "center" and not document.body[-1].indent
    files = render_document(document, ("pdf", "docx"))
    pdf_bytes, docx_bytes = (next(v for k, v in files.items() if k.endswith(ext)) for ext in (".pdf", ".docx"))
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        line = next(ln for ln in page.extract_text_lines() if ln["text"].startswith("DANH SÁCH"))
        words = page.extract_words(extra_attrs=["fontname"])
    assert abs((line["x0"] + line["x1"]) / 2 - (30 + 195) / 2 * 72 / 25.4) < 2
    assert "Bold" in next(w for w in words if w["text"] == "Yêu")["fontname"]
    paragraphs = docx.Document(io.BytesIO(docx_bytes)).paragraphs
    assert next(p for p in paragraphs if p.text.startswith("DANH SÁCH")).alignment == 1
    assert [p.text.split()[0] for p in paragraphs if p.text[:1].isdigit()] == ["1.", "2.", "2.1.", "2.2.", "2.2.1."]


def test_line_breaks_sub_items_and_initials_as_real_documents_print_them(
        build: Callable[..., Any], make_record: Callable[..., Path]) -> None:
    """A line break typed in the trích yếu and in a Nơi nhận item is kept (PDF and DOCX); "Bản điện tử" takes
    sub-items like Nơi nhận; the drafter's initials may carry diacritics (XD6(Q.Cường)); file properties and the
    register's column (5) read each on one line, without "Như trên"."""
    import docx
    import pdfplumber

    from correspondence.render import render_document

    document = build(make_record(
        trich_yeu="rà soát, nâng cấp mức độ\ndịch vụ công trực tuyến",
        noi_nhan=["Như trên", "Sở Tài chính (để phối hợp\nthực hiện)"],
        ban_dien_tu=[{"ten": "Văn phòng UBND tỉnh", "gom": ["CVP, các PCVP", "Cổng TTĐT tỉnh"]}],
        nguoi_soan="Q.Cường"))
    assert document.header.trich_yeu_vv == "V/v rà soát, nâng cấp mức độ\ndịch vụ công trực tuyến"
    assert "\n" not in document.metadata.title and document.metadata.subject.endswith("mức độ dịch vụ công trực tuyến")
    assert document.registration.noi_nhan == ("Các Sở, Ban, ngành trong tỉnh; UBND các huyện, thị xã, thành phố; "
                                              "Sở Tài chính (để phối hợp thực hiện)")
    lines = ["".join(r.text for r in line.runs) for line in document.noi_nhan.dien_tu_lines]
    assert lines == ["- Văn phòng UBND tỉnh:", "+ CVP, các PCVP;", "+ Cổng TTĐT tỉnh."]
    assert [line.level for line in document.noi_nhan.dien_tu_lines] == [0, 1, 1]
    luu = "".join(r.text for r in document.noi_nhan.lines[-1].runs)
    assert luu == "- Lưu: VT, XD6(Q.Cường)."
    files = render_document(document, ("pdf", "docx"))
    pdf_bytes, docx_bytes = (next(v for k, v in files.items() if k.endswith(ext)) for ext in (".pdf", ".docx"))
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        text = pdf.pages[0].extract_text()
        last = pdf.pages[-1]
        left = last.crop((0, 0, (30 + 74) * 72 / 25.4, last.height)).extract_text()
    assert "V/v rà soát, nâng cấp mức độ\ndịch vụ công trực tuyến" in text
    assert "- Sở Tài chính (để phối hợp\nthực hiện);" in left
    xml = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml").decode()
    vv = xml[xml.index("V/v rà soát"):xml.index("dịch vụ công trực tuyến</w:t>")]
    assert "<w:br/>" in vv
    assert any(p.text == "+ Cổng TTĐT tỉnh." for t in docx.Document(io.BytesIO(docx_bytes)).tables
               for c in t._cells for p in c.paragraphs)


def test_giay_gioi_thieu_centres_its_opening_and_giay_nghi_phep_may_be_confirmed(tmp_path: Path,
                                                                                  make_record: Callable[..., Path]
                                                                                  ) -> None:
    """Mẫu 1.8: "… trân trọng giới thiệu:" centred; Mẫu 1.10: the optional block "Xác nhận của cơ quan (tổ chức) hoặc
    chính quyền địa phương nơi nghỉ phép" under Nơi nhận, in both renderers; another kind asking for it is refused."""
    import docx
    import pdfplumber

    from tests.validate.test_validate import problems_of

    pdf_path, docx_path = api.render(EXAMPLES / "giay-gioi-thieu.yaml", 12, None, tmp_path, ROOT, ("pdf", "docx"))
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        line = next(ln for ln in page.extract_text_lines() if ln["text"].endswith("trân trọng giới thiệu:"))
    assert abs((line["x0"] + line["x1"]) / 2 - (30 + 195) / 2 * 72 / 25.4) < 2
    opening = next(p for p in docx.Document(str(docx_path)).paragraphs if p.text.endswith("giới thiệu:"))
    assert opening.alignment == 1 and not opening.paragraph_format.first_line_indent

    pdf_path, docx_path = api.render(EXAMPLES / "loai" / "giay-nghi-phep.yaml", 12, None, tmp_path, ROOT,
                                     ("pdf", "docx"))
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["fontname"])
        noi_nhan = next(w for w in words if w["text"] == "Nơi")
        confirm = next(w for w in words if w["text"] == "Xác")
    assert confirm["top"] > noi_nhan["top"] and confirm["x1"] < 105 * 72 / 25.4 and "Italic" in confirm["fontname"]
    cells = [c.text for t in docx.Document(str(docx_path)).tables for c in t._cells]
    assert any(text.startswith("Xác nhận của cơ quan (tổ chức) hoặc chính quyền địa phương nơi nghỉ phép")
               for text in cells)
    path = make_record(xac_nhan=True)
    assert problems_of(path) == [f"{path.name}:105: xac_nhan: công văn không có khối xác nhận (chỉ giấy nghỉ phép có, "
                                 "Mẫu 1.10) (bỏ dòng này)"]


def test_the_register_book_columns_and_covers_as_pl_iv_prints_them(make_record: Callable[..., Path],
                                                                   workspace: Path) -> None:
    """(3) names a copy's document and never repeats the type name; (5) without "Như trên"; (7) derived: one per
    recipient plus the kept copies; (1) never splits at its hyphen; each series prints its own framed cover, its
    period lines in italic and Quyển số in bold at the foot."""
    import pdfplumber

    from correspondence import api
    from correspondence.outgoing import issue

    issue([make_record("goc.yaml")], workspace)
    issue([make_record("ggt.yaml", loai="giay_gioi_thieu", trich_yeu=None, kinh_gui=None, ngay="2019-05-08",
                       noi_nhan=["Như trên"], noi_dung="Ủy ban nhân dân tỉnh trân trọng giới thiệu:\n\nÔng A.")],
          workspace)
    issue([make_record("sy.yaml", **COPY, loai="sao_y", ban_goc="01/UBND-XD6", ngay="2019-06-01")], workspace)
    import csv

    rows = list(csv.reader(api.register_export(workspace, 2019, "csv", "ubnd-quang-ninh")
                           .read_text("utf-8-sig").splitlines()))[1:]
    assert rows[1][2] == "Giấy giới thiệu"
    assert rows[0][6] == "7" and rows[1][6] == "2"  # 2 Kính gửi + 3 Nơi nhận + VT, XD6 kept; a giấy: VT, HCC kept
    copies = api.register_export(workspace, 2019, "csv", "ubnd-quang-ninh", series="ban_sao").read_text("utf-8-sig")
    assert copies.splitlines()[1].startswith('01/SY-UBND,01/06/2019,"Bản sao y Công văn số 01/UBND-XD6 ngày 07/5/2019 '
                                             'V/v rà soát')
    path = api.register_export(workspace, 2019, "pdf", "ubnd-quang-ninh", series="ban_sao")
    with pdfplumber.open(path) as pdf:
        cover = pdf.pages[0]
        words = cover.extract_words(extra_attrs=["fontname"])
        frame = [r for r in cover.rects if r["width"] > 100 * 72 / 25.4]
        cells = pdf.pages[1].extract_table()
    text = " ".join(w["text"] for w in words)
    assert "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN" in text and "SỔ ĐĂNG KÝ VĂN BẢN ĐI" not in text
    assert frame, "a framed cover"
    assert "Italic" in next(w for w in words if w["text"] == "Năm:")["fontname"]
    quyen = next(w for w in words if w["text"] == "Quyển")
    assert "Bold" in quyen["fontname"] and quyen["top"] > max(w["top"] for w in words if w["text"] == "Từ") + 100
    assert cells[2][0] == "01/SY-UBND"
    import docx
    from docx.oxml.ns import qn

    word = docx.Document(str(api.register_export(workspace, 2019, "docx", "ubnd-quang-ninh")))
    cover, register = word.tables
    assert [s.orientation for s in word.sections] == [0, 1], "a portrait cover, then landscape pages"
    grid = [int(c.get(qn("w:w"))) for c in register._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) / 56.7 - 267) < 1 and grid[2] > grid[0], "the grid LibreOffice reads: 267 mm, not 10 equal"
    assert register._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in cover.rows[0].cells[0].text and cover.rows[1].cells[0].text == "Quyển số: 01"


def test_two_party_documents_are_signed_side_by_side_without_noi_nhan(tmp_path: Path,
                                                                      make_record: Callable[..., Path]) -> None:
    """Hợp đồng, bản ghi nhớ, bản thỏa thuận are not Mẫu 1.4 documents: both parties sign side by side (bên A on the
    left), their names on one level, and there is no Nơi nhận; the other party is required."""
    import docx
    import pdfplumber

    from tests.validate.test_validate import problems_of

    pdf_path, docx_path = api.render(EXAMPLES / "loai" / "hop-dong.yaml", 12, None, tmp_path, ROOT, ("pdf", "docx"))
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[-1]
        words = page.extract_words()
        text = page.extract_text()
    a = next(w for w in words if w["text"] == "A" and w["top"] > 300)
    b = next(w for w in words if w["text"] == "B" and abs(w["top"] - a["top"]) < 1)
    assert a["x0"] < 105 * 72 / 25.4 < b["x0"], "bên A on the left, bên B on the right"
    ours, theirs = next(w for w in words if w["text"] == "Hậu"), [w for w in words if w["text"] == "B"][-1]
    assert abs(ours["top"] - theirs["top"]) < 1, "both names on one level"
    assert "Nơi nhận" not in text and "TM." not in text and "ĐẠI DIỆN BÊN A" in text and "SỞ THÔNG TIN" in text
    assert "Nơi nhận" not in "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs) + "".join(
        c.text for t in docx.Document(str(docx_path)).tables for c in t._cells)
    path = make_record(loai="hop_dong", kinh_gui=None)
    assert f"{path.name}:1: ben_kia: thiếu trường bắt buộc (thêm dòng 'ben_kia: …')" in problems_of(path)
