"""Each kind's example shows the layout facts that set it apart (ND 30 PL III), in PDF and DOCX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document as open_docx

from correspondence import api
from correspondence.kinds import CATALOGUE
from tests.conftest import EXAMPLES, ROOT


def _render(name: str, tmp_path: Path) -> tuple[Any, Any]:
    paths = api.render(EXAMPLES / f"{name}.yaml", 12, None, tmp_path, ROOT)
    pdf = next(p for p in paths if p.suffix == ".pdf")
    docx = next(p for p in paths if p.suffix == ".docx")
    return pdfplumber.open(pdf), open_docx(docx)


def _word(words: list[dict], text: str) -> dict:
    return next(w for w in words if w["text"] == text)


def test_quyet_dinh(tmp_path: Path) -> None:
    pdf, word = _render("quyet-dinh", tmp_path)
    with pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["fontname", "size"])
        text = page.extract_text()
    lines = text.splitlines()
    assert "QUYẾT ĐỊNH" in lines and "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in lines and "QUYẾT ĐỊNH:" in lines
    assert lines.index("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH") < lines.index("QUYẾT ĐỊNH:")
    bases = [w for w in words if w["text"] in ("Căn", "Theo")]
    assert len(bases) == 3 and all("Italic" in w["fontname"] for w in bases), "legal bases in italics, one per line"
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[texts.index("QUYẾT ĐỊNH:") - 3].endswith("năm 2015;")
    assert texts[texts.index("QUYẾT ĐỊNH:") - 1] == "Theo đề nghị của Giám đốc Trung tâm Phục vụ hành chính công tỉnh."
    article = next(p for p in word.paragraphs if p.text.startswith("Điều 1."))
    assert article.runs[0].bold and article.runs[0].text == "Điều 1. " and not article.runs[1].bold
    label = _word(words, "Điều")
    assert "Bold" in label["fontname"]
    signature = [c.text for c in word.tables[-1].rows[0].cells]
    assert signature[0].startswith("Nơi nhận:\n- Như Điều 3;")
    assert signature[1].startswith("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"), "the head issues: KT. without TM."


def test_bien_ban(tmp_path: Path) -> None:
    pdf, word = _render("bien-ban", tmp_path)
    with pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        text = page.extract_text()
    assert "ngày" not in " ".join(w["text"] for w in words if w["top"] < 110), "no place–date line in the header"
    assert "Số: 12/BB-UBND" in text
    assert "Cuộc họp kết thúc vào 11 giờ 30, ngày 15 tháng 5 năm 2019./." in text
    thu_ky, chu_toa = _word(words, "THƯ"), _word(words, "TỌA")
    assert abs(thu_ky["top"] - chu_toa["top"]) < 1 and thu_ky["x1"] < chu_toa["x0"], "two signature columns"
    assert _word(words, "Trang")["top"] > thu_ky["top"] + 50 and _word(words, "Hậu")["top"] > chu_toa["top"] + 50
    label = _word(words, "Nơi")
    assert label["top"] > _word(words, "Trang")["top"], "Nơi nhận below the signatures"
    assert "- Lưu: VT, Hồ sơ." in text
    first, second = word.tables[-2:]
    assert [c.text.split("\n")[0] for c in first.rows[0].cells] == ["THƯ KÝ", "CHỦ TỌA"]
    assert second.rows[0].cells[0].text.startswith("Nơi nhận:")


def test_cong_dien(tmp_path: Path) -> None:
    pdf, word = _render("cong-dien", tmp_path)
    with pdf:
        text = pdf.pages[0].extract_text()
    assert "CÔNG ĐIỆN\nVề việc tập trung ứng phó với cơn bão số 3" in text
    assert ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH điện:\n- Giám đốc các Sở, Thủ trưởng các Ban, ngành;\n"
            "- Chủ tịch UBND các huyện, thị xã, thành phố.") in text
    assert "HỎA TỐC" in text
    assert "Kính gửi" not in text


def test_giay_gioi_thieu_has_no_subject_line(tmp_path: Path) -> None:
    pdf, word = _render("giay-gioi-thieu", tmp_path)
    with pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        title = _word(words, "GIẤY")
        following = sorted({round(w["top"]) for w in words if w["top"] > title["bottom"]})[0]
        first_line = [w["text"] for w in words if round(w["top"]) == following]
        rule = [r for r in page.rects if r["height"] < 1.5 and r["top"] > title["bottom"]]
    assert first_line[:3] == ["Ủy", "ban", "nhân"], "the body follows the type name directly"
    assert rule and rule[0]["top"] < following
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[0] == "GIẤY GIỚI THIỆU" and texts[1].startswith("Ủy ban nhân dân tỉnh Quảng Ninh trân trọng giới thiệu")


def test_giay_moi(tmp_path: Path) -> None:
    pdf, _word_doc = _render("giay-moi", tmp_path)
    with pdf:
        text = pdf.pages[0].extract_text()
    assert "GIẤY MỜI\nDự Hội nghị tổng kết công tác cải cách hành chính năm 2019" in text
    for line in ("trân trọng kính mời: Giám đốc các Sở", "Tới dự: Hội nghị", "Thời gian: 08 giờ 00", "Địa điểm: Hội trường"):
        assert line in text


@pytest.mark.parametrize("kind", [k.code for k in CATALOGUE])
def test_every_kind_can_be_drafted_and_numbered(kind: str, make_record: Any, build: Any) -> None:
    from correspondence.kinds import BY_CODE

    extra: dict[str, Any] = {"loai": kind}
    if BY_CODE[kind].bo_cuc == "bien_ban":
        extra["thu_ky"] = {"ho_ten": "Phạm Thu Trang"}
    if BY_CODE[kind].bo_cuc == "hai_ben":
        extra["ben_kia"] = {"ten": "Sở Tư pháp", "chuc_vu": "Giám đốc", "ho_ten": "Nguyễn Văn B"}
    document = build(make_record(f"{kind}.yaml", **extra), so=5)
    abbreviation = BY_CODE[kind].viet_tat
    expected = f"Số: 05/{abbreviation}-UBND" if abbreviation else "Số: 05/UBND-XD6"
    assert document.header.so_ky_hieu == expected
    draft = build(make_record(f"{kind}.yaml", **extra), so=None)
    assert draft.draft and [s.text for s in draft.header.stamps_top_left] == ["DỰ THẢO"]


def test_document_issued_with_a_quyet_dinh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from correspondence.errors import InvalidRecord, RegisterConflict
    from correspondence.outgoing import issue

    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    (tmp_path / "registers").mkdir()  # a workspace: the register may be made here on the first issue
    (tmp_path / "output").mkdir()
    record = tmp_path / "examples" / "quy-che-kem-quyet-dinh.yaml"
    draft = api.compose(api.load(record, tmp_path), None, None)
    assert draft.tieu_de.kem_theo == "(Kèm theo Quyết định số …/… ngày … tháng … năm … của Chủ tịch Ủy ban nhân dân " \
                                     "tỉnh Quảng Ninh)"
    with pytest.raises(InvalidRecord) as caught:
        api.render(record, 1, None, tmp_path / "out", tmp_path)
    assert str(caught.value.problems[0]).startswith("examples/quy-che-kem-quyet-dinh.yaml:8: kem_theo: 01/QĐ-UBND không có")
    issue([tmp_path / "examples" / "quyet-dinh.yaml"], tmp_path)
    paths = api.render(record, 1, None, tmp_path / "out", tmp_path)
    assert sorted(p.name for p in paths) == ["01-QĐ-UBND-quy-che.docx", "01-QĐ-UBND-quy-che.pdf"]
    with pdfplumber.open(next(p for p in paths if p.suffix == ".pdf")) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Số:" not in text and "ngày 20 tháng 5 năm 2019" not in text, "no number and no date line of its own"
    flat = " ".join(text.split())
    assert ("QUY CHẾ Quản lý, vận hành, khai thác Cổng dịch vụ công của tỉnh (Kèm theo Quyết định số 01/QĐ-UBND ngày "
            "20/5/2019 của Chủ tịch Ủy ban nhân dân tỉnh Quảng Ninh)") in flat
    assert "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh" in text
    assert "Nơi nhận" not in text and "PHÓ CHỦ TỊCH" not in text
    with pytest.raises(RegisterConflict) as refused:
        issue([record], tmp_path)
    assert "không có số riêng" in refused.value.message


@pytest.mark.parametrize("kind", ["sao_y", "trich_sao"])
def test_copies(kind: str, make_record: Any, workspace: Path) -> None:
    from correspondence.outgoing import issue

    original = issue([make_record("goc.yaml")], workspace)[0].entry
    assert original.so_ky_hieu == "01/UBND-XD6"
    changes: dict[str, Any] = {"loai": kind, "ban_goc": "01/UBND-XD6", "noi_dung": None, "kinh_gui": None, "trich_yeu": None,
                               "noi_nhan": ["Sở Tư pháp"], "du_lieu": None, "ngay": "2019-06-01"}
    if kind == "trich_sao":
        changes["noi_dung"] = "1. Thủ trưởng các Sở, Ban, ngành rà soát thủ tục hành chính."
    copy_path = make_record("ban-sao.yaml", **changes)
    done = issue([copy_path], workspace)[0]
    abbreviation = {"sao_y": "SY", "trich_sao": "TrS"}[kind]
    assert (done.entry.series, done.entry.so_ky_hieu) == ("ban_sao", f"01/{abbreviation}-UBND"), "copies number apart"
    with pdfplumber.open(done.files[1]) as pdf:
        pages = pdf.pages
        text = "\n".join(p.extract_text() for p in pages)
        last = pages[-1]
        words = last.extract_words()
        form = _word(words, {"sao_y": "SAO", "trich_sao": "TRÍCH"}[kind])
        rules = [r for r in (*last.rects, *last.lines) if r["width"] > 400 * 0.98 and abs(r["x0"] - 85) < 1]
    assert "Số: 01/UBND-XD6" in text, "the copied document comes first"
    assert rules and rules[-1]["top"] < form["top"], "the copy block sits under a full-width rule"
    assert f"Số: 01/{abbreviation}-UBND" in text and "Quảng Ninh, ngày 01 tháng 6 năm 2019" in text
    assert "- Sở Tư pháp;" in text
    if kind == "trich_sao":
        assert "Thủ trưởng các Sở, Ban, ngành rà soát thủ tục hành chính./." in text
        assert "Xét đề nghị" not in text, "a trích sao keeps only the extract"
    else:
        assert "Xét đề nghị của Trung tâm Phục vụ Hành chính công tỉnh" in text


EXAMPLE_OF = {kind.code: EXAMPLES / "loai" / f"{kind.code.replace('_', '-')}.yaml" for kind in CATALOGUE}
EXAMPLE_OF.update({"cong_van": EXAMPLES / "cong-van-3018.yaml", "ke_hoach": EXAMPLES / "ke-hoach-4498.yaml",
                   "quyet_dinh": EXAMPLES / "quyet-dinh.yaml", "bien_ban": EXAMPLES / "bien-ban.yaml",
                   "cong_dien": EXAMPLES / "cong-dien.yaml", "giay_moi": EXAMPLES / "giay-moi.yaml",
                   "giay_gioi_thieu": EXAMPLES / "giay-gioi-thieu.yaml"})


@pytest.mark.parametrize("kind", [k.code for k in CATALOGUE])
def test_one_example_per_kind(kind: str, tmp_path: Path) -> None:
    from correspondence.kinds import BY_CODE

    info = BY_CODE[kind]
    paths = api.render(EXAMPLE_OF[kind], 5, None, tmp_path, ROOT, ("pdf",))
    with pdfplumber.open(paths[0]) as pdf:
        text = pdf.pages[0].extract_text()
        words = pdf.pages[0].extract_words(extra_attrs=["fontname", "size"])
    expected = f"Số: 05/{info.viet_tat}-UBND" if info.viet_tat else "Số: 05/UBND-"
    assert expected in text
    if info.bo_cuc == "cong_van":
        assert ("V/v " in text) == info.vv, "a công văn's V/v line; a thư công has none (PL III)"
    else:
        first = info.ten.upper().split()[0]
        title = next(w for w in words if w["text"] == first and w["top"] > 100)
        assert "Bold" in title["fontname"] and round(title["size"]) == 14, "the type name in bold capitals"
        assert info.ten.upper() in text
