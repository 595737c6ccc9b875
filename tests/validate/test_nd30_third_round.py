"""ND 30/2020, third round: who may sign KT., TL. and TUQ. (Art. 13), khoản titles printed as written, a giấy mời
without a trích yếu, the recipients of a giấy mời or giấy giới thiệu in the register, the Nơi nhận column's width."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence import api
from correspondence.errors import InvalidRecord


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidRecord) as caught:
        api.load(path)
    return [str(p) for p in caught.value.problems]


def _cong_van(ky: str) -> str:
    return ("loai: cong_van\nco_quan: ubnd-quang-ninh\ndon_vi: XD6\ntrich_yeu: rà soát dịch vụ công\n"
            f"kinh_gui: Sở Nội vụ\nnoi_dung: Nội dung.\nky: {ky}\n")


# ---------------------------------------------------------------- 1. Art. 13: who signs KT., TL., TUQ.


@pytest.mark.parametrize(("ky", "message"), [
    ("{tham_quyen: KT, nguoi_ky: chanh_van_phong}",
     "ky.tham_quyen: KT. CHỦ TỊCH do cấp phó của Chủ tịch ký thay; Chánh Văn phòng không phải cấp phó của Chủ tịch "
     "(Nghị định 30/2020/NĐ-CP, Điều 13 khoản 1, 2) (người đứng đầu đơn vị được giao ký dùng 'tham_quyen: TL'; "
     "cấp phó của họ thêm 'kt')"),
    ("{tham_quyen: KT, nguoi_ky: pho_chanh_van_phong}",
     "ky.tham_quyen: KT. CHỦ TỊCH do cấp phó của Chủ tịch ký thay; Phó Chánh Văn phòng không phải cấp phó của Chủ tịch "
     "(Nghị định 30/2020/NĐ-CP, Điều 13 khoản 1, 2) (người đứng đầu đơn vị được giao ký dùng 'tham_quyen: TL'; "
     "cấp phó của họ thêm 'kt')"),
    ("{tham_quyen: TL, nguoi_ky: pho_chanh_van_phong}",
     "ky.tham_quyen: cấp phó (Phó Chánh Văn phòng) ký thừa lệnh phải ký KT. người đứng đầu đơn vị: "
     "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG (Nghị định 30/2020/NĐ-CP, Điều 13 khoản 4) "
     "(thêm 'kt: Chánh Văn phòng')"),
    ("{tham_quyen: TUQ, nguoi_ky: pho_chanh_van_phong}",
     "ky.tham_quyen: TUQ. do chính người đứng đầu đơn vị được ủy quyền ký, không giao lại cho cấp phó "
     "(Phó Chánh Văn phòng) (Nghị định 30/2020/NĐ-CP, Điều 13 khoản 3) "
     "(chọn người ký là người đứng đầu đơn vị được ủy quyền)"),
    ("{tham_quyen: TL, nguoi_ky: chanh_van_phong, kt: Chánh Văn phòng}",
     "ky.kt: dòng KT. CHÁNH VĂN PHÒNG do cấp phó của Chánh Văn phòng ký; Chánh Văn phòng không phải cấp phó đó "
     "(Nghị định 30/2020/NĐ-CP, Điều 13 khoản 4) (người đứng đầu đơn vị ký TL. không có 'kt')"),
])
def test_art_13_refuses_a_signer_without_that_authority(make_record: Callable[..., Path], ky: str,
                                                        message: str) -> None:
    path = make_record(text=_cong_van(ky))
    assert problems_of(path) == [f"{path.name}:7: {message}"]


@pytest.mark.parametrize(("ky", "lines"), [
    ("{tham_quyen: KT, nguoi_ky: dang_huy_hau}", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("{tham_quyen: TL, nguoi_ky: chanh_van_phong}", ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    ("{tham_quyen: TUQ, nguoi_ky: chanh_van_phong}", ("TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    ("{tham_quyen: TL, nguoi_ky: pho_chanh_van_phong, kt: Chánh Văn phòng}",
     ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")),
])
def test_art_13_accepts_the_signers_it_allows(make_record: Callable[..., Path], build: Callable[..., Any], ky: str,
                                              lines: tuple[str, ...]) -> None:
    document = build(make_record(text=_cong_van(ky)))
    assert document.chu_ky.tham_quyen == lines  # type: ignore[union-attr]


def test_art_13_knows_a_deputy_minister(make_record: Callable[..., Path], build: Callable[..., Any],
                                       workspace: Path) -> None:
    """A Thứ trưởng is the Bộ trưởng's deputy: KT. BỘ TRƯỞNG / THỨ TRƯỞNG is right."""
    profile = workspace / "registers" / "bo.yaml"
    profile.write_text("ten_co_quan: [Bộ Nội vụ]\nviet_tat: BNV\ndia_danh: Hà Nội\nthu_truong: Bộ trưởng\n"
                       "don_vi: {vp: {ten: Văn phòng, viet_tat: VP}}\n"
                       "nguoi_ky: {tt: {ho_ten: Nguyễn Văn B, chuc_vu: Thứ trưởng}}\n", "utf-8")
    text = _cong_van("{tham_quyen: KT, nguoi_ky: tt}").replace("ubnd-quang-ninh", "bo").replace("XD6", "VP")
    document = build(make_record(text=text))
    assert document.chu_ky.tham_quyen == ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")  # type: ignore[union-attr]


# ---------------------------------------------------------------- 2. a khoản ending ':' printed as written

KHOAN_BODY = ("1. Rà soát sổ đăng ký văn bản đi, gồm:\n\na) Số văn bản.\n\n**2.** Chủ trì:\n\nSở Nội vụ.\n\n"
              "3. **Mục đích**\n\nNội dung.")


def _pdf_words(document: Any, workspace: Path) -> list[dict[str, Any]]:
    """The PDF's words with their font."""
    import io

    import pdfplumber

    from correspondence.render.typst import render_typst

    with pdfplumber.open(io.BytesIO(render_typst(document, workspace))) as pdf:
        return [w for page in pdf.pages for w in page.extract_words(extra_attrs=["fontname"])]


def _bold(words: list[dict[str, Any]], text: str) -> bool:
    return "Bold" in next(w for w in words if w["text"] == text)["fontname"]


def test_a_khoan_ending_with_a_colon_is_regular_unless_marked(make_record: Callable[..., Path],
                                                              build: Callable[..., Any], workspace: Path) -> None:
    """ND 30's samples print "1. Rà soát …, gồm:" in regular type: only what the writer marks ** is bold (the whole
    title, or the number alone)."""
    import io
    import re
    import zipfile

    from correspondence.model import Paragraph, Run
    from correspondence.render.docx import render_docx

    document = build(make_record(noi_dung=KHOAN_BODY))
    items = [b for b in document.body if isinstance(b, Paragraph) and b.role == "item"]
    assert [(b.marker, b.bold_marker, [r.bold for r in b.runs if isinstance(r, Run)]) for b in items] == [
        ("1.", False, [False]), ("2.", True, [False]), ("3.", True, [True])]
    xml = zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/document.xml").decode()
    paragraph = next(p for p in re.findall(r"<w:p[ >].*?</w:p>", xml) if "Rà soát sổ đăng ký" in p)
    assert "<w:b/>" not in paragraph and '<w:b w:val="1"/>' not in paragraph
    chu_tri = next(p for p in re.findall(r"<w:p[ >].*?</w:p>", xml) if "Chủ trì" in p)
    runs = re.findall(r"<w:r>.*?</w:r>|<w:r .*?</w:r>", chu_tri)
    assert any("<w:b/>" in r and ">2. <" in r for r in runs) and not any("<w:b/>" in r and "Chủ trì" in r for r in runs)
    words = _pdf_words(document, workspace)
    assert not any(_bold(words, w) for w in ("1.", "Rà", "soát", "gồm:"))
    assert _bold(words, "2.") and not _bold(words, "Chủ") and not _bold(words, "trì:")
    assert _bold(words, "3.") and _bold(words, "Mục")


# ---------------------------------------------------------------- 3. a giấy mời without a trích yếu


def _giay_moi(workspace: Path, name: str = "gm.yaml", **changes: Any) -> Path:
    import yaml

    from tests.conftest import EXAMPLES

    data = yaml.safe_load((EXAMPLES / "giay-moi.yaml").read_text("utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = workspace / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _issue(workspace: Path, *paths: Path) -> list[Any]:
    import datetime as dt

    from correspondence.outgoing import issue

    api.register_init(workspace, "ubnd-quang-ninh")
    return issue(list(paths), workspace, dt.date(2019, 12, 10), lai=True)


def _book_rows(workspace: Path) -> list[list[str]]:
    import csv

    from correspondence.outgoing.registry import export

    path = export(workspace, 2019, "csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_a_giay_moi_may_have_no_trich_yeu(workspace: Path, build: Callable[..., Any]) -> None:
    """Published invitations often have none (Mẫu 1.7): the type name alone, no empty line under it; the register's
    column (3) then names the kind."""
    import io
    import zipfile

    from correspondence.render.docx import render_docx

    path = _giay_moi(workspace, trich_yeu=None)
    document = build(path)
    assert document.tieu_de.ten_loai == "GIẤY MỜI" and document.tieu_de.trich_yeu == ""
    assert document.metadata.subject == "Giấy mời"
    xml = zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/document.xml").decode()
    texts = [t for t in (re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p[ >].*?</w:p>", xml)) if t.strip()]
    assert texts[texts.index("GIẤY MỜI") + 1].startswith("Ủy ban nhân dân tỉnh Quảng Ninh trân trọng kính mời")
    text = [w["text"] for w in _pdf_words(document, workspace)]
    at = text.index("MỜI", text.index("GIẤY"))
    assert text[at + 1:at + 4] == ["Ủy", "ban", "nhân"]
    (done,) = _issue(workspace, path)
    assert done.entry.ten_loai_trich_yeu == "Giấy mời"
    assert _book_rows(workspace)[-1][2] == "Giấy mời"


def test_a_cong_van_still_needs_its_trich_yeu(make_record: Callable[..., Path]) -> None:
    path = make_record(trich_yeu=None)
    assert problems_of(path) == [f"{path.name}:1: trich_yeu: thiếu trường bắt buộc (thêm dòng 'trich_yeu: …')"]


# ---------------------------------------------------------------- 4. the recipients of a giấy mời, giấy giới thiệu


def test_gui_den_names_the_recipients_of_an_invitation_in_the_register(workspace: Path, build: Callable[..., Any],
                                                                       make_record: Callable[..., Path]) -> None:
    """A giấy mời names its guests in the body, a giấy giới thiệu where it sends someone: 'gui_den' carries them to
    the register's column (5), its exports and the archival metadata, and prints nothing new on the document."""
    import io
    import zipfile

    from correspondence.render.docx import render_docx

    invitation = _giay_moi(workspace, gui_den=["Sở Nội vụ", "Sở Tài chính;"])
    letter = workspace / "ggt.yaml"
    from tests.conftest import EXAMPLES

    letter.write_text((EXAMPLES / "giay-gioi-thieu.yaml").read_text("utf-8")
                      + "gui_den: Bộ Thông tin và Truyền thông\n", "utf-8")
    document = build(invitation)
    xml = zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/document.xml").decode()
    assert "Sở Nội vụ" not in xml and "Sở Tài chính" not in xml and "Kính gửi" not in xml
    assert document.kinh_gui is None
    words = [w["text"] for w in _pdf_words(document, workspace)]
    assert "Kính" not in words and "Tài" not in words
    assert document.registration.noi_nhan == "Sở Nội vụ; Sở Tài chính"
    assert [item["OrganName"] for item in document.archival.fields["To"]] == ["Sở Nội vụ", "Sở Tài chính"]
    first, second = _issue(workspace, invitation, letter)
    assert first.entry.noi_nhan == "Sở Nội vụ; Sở Tài chính"
    assert (first.entry.so_luong_ban, first.entry.don_vi_nhan_ban_luu) == (4, "VT, HCC"), "a copy for each guest, two kept"
    assert second.entry.noi_nhan == "Bộ Thông tin và Truyền thông"
    rows = _book_rows(workspace)
    assert [row[4] for row in rows[-2:]] == ["Sở Nội vụ; Sở Tài chính", "Bộ Thông tin và Truyền thông"]


def test_gui_den_is_only_for_kinds_naming_their_recipients_in_the_body(make_record: Callable[..., Path]) -> None:
    path = make_record(text=_cong_van("{tham_quyen: KT, nguoi_ky: dang_huy_hau}") + "gui_den: Sở Nội vụ\n")
    assert problems_of(path) == [
        f"{path.name}:8: gui_den: 'gui_den' chỉ dùng cho giấy mời, giấy giới thiệu (nơi nhận ghi trong nội dung) "
        "(ghi nơi nhận ở 'kinh_gui' hoặc 'noi_nhan')"]


# ---------------------------------------------------------------- 5. the Nơi nhận column's width from the profile

MM = 72 / 25.4


def _with_width(workspace: Path, width: str) -> None:
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + f"rong_noi_nhan: {width}\n", "utf-8")


def _title_centre(words: list[dict[str, Any]]) -> float:
    """The middle of the signer's title line (PHÓ CHỦ TỊCH), in points."""
    at = next(i for i, w in enumerate(words) if w["text"] == "PHÓ" and words[i + 1]["text"] == "CHỦ"
              and words[i + 2]["text"] == "TỊCH")
    return (words[at]["x0"] + words[at + 2]["x1"]) / 2


def _grid(document: Any) -> list[float]:
    """The column widths (mm) of the DOCX table holding Nơi nhận and the signature."""
    import io
    import zipfile

    from correspondence.render.docx import render_docx

    xml = zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/document.xml").decode()
    table = next(t for t in re.findall(r"<w:tbl>.*?</w:tbl>", xml) if "Nơi nhận" in t)
    return [round(int(w) * 25.4 / 1440, 1) for w in re.findall(r'<w:gridCol w:w="(\d+)"', table)]


def test_the_noi_nhan_column_follows_the_agency_profile(make_record: Callable[..., Path], build: Callable[..., Any],
                                                       workspace: Path) -> None:
    """Central agencies print Nơi nhận about 87–90 mm wide: 'rong_noi_nhan' in the profile; 74 mm when unset. The
    DOCX's columns and both PDF engines follow it (the signature block centred in what is left)."""
    path = make_record()
    default = build(path)
    assert default.spacing.noi_nhan_width == 74.0
    assert _grid(default)[0] == pytest.approx(74.0, abs=0.1)
    _with_width(workspace, "88")
    wide = build(path)
    assert wide.spacing.noi_nhan_width == 88.0
    assert _grid(wide)[0] == pytest.approx(88.0, abs=0.1)
    before, after = _pdf_words(default, workspace), _pdf_words(wide, workspace)
    moved = _title_centre(after) - _title_centre(before)
    assert moved == pytest.approx(7 * MM, abs=1.0), "half of 14 mm to the right"
    label = next(w for w in after if w["text"] == "Nơi")
    assert label["x0"] == pytest.approx(30 * MM, abs=1.0)


@pytest.mark.parametrize("width", ["40", "130", "rộng"])
def test_a_noi_nhan_width_out_of_range_is_refused_where_it_is(make_record: Callable[..., Path], workspace: Path,
                                                              width: str) -> None:
    path = make_record()
    _with_width(workspace, width)
    lines = (workspace / "registers" / "ubnd-quang-ninh.yaml").read_text("utf-8").count("\n")
    assert problems_of(path) == [
        f"registers/ubnd-quang-ninh.yaml:{lines}: rong_noi_nhan: phải là độ rộng tính bằng mm, từ 60 đến 100, "
        f"nhận được '{width}' (văn bản của các bộ, ngành trung ương thường rộng khoảng 88 mm; không ghi thì 74 mm)"]
