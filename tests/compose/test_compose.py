"""ND 30 rules held by the document model: thẩm quyền, Kính gửi, Nơi nhận, marks, draft, ./."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence.model import plain_text


@pytest.mark.parametrize(("ky", "lines"), [
    ({"tham_quyen": "KT", "nguoi_ky": "dang_huy_hau"}, ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ({"tham_quyen": "TM", "nguoi_ky": "nguyen_van_thang"}, ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ({"tham_quyen": "khong", "nguoi_ky": "nguyen_van_thang"}, ("CHỦ TỊCH",)),
    ({"tham_quyen": "Q", "nguoi_ky": "dang_huy_hau"}, ("Q. CHỦ TỊCH",)),
    ({"tham_quyen": "TL", "nguoi_ky": "chanh_van_phong", "thay_mat": "Chủ tịch"}, ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    ({"tham_quyen": "TUQ", "nguoi_ky": "chanh_van_phong"}, ("TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    ({"tham_quyen": "KT", "nguoi_ky": "dang_huy_hau", "tap_the": False}, ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ({"tham_quyen": "TM", "nguoi_ky": "nguyen_van_thang", "thay_mat": "Ban chỉ đạo"}, ("TM. BAN CHỈ ĐẠO", "CHỦ TỊCH")),
])
def test_tham_quyen_forms(make_record: Callable[..., Path], build: Callable[..., Any], ky: dict,
                          lines: tuple[str, ...]) -> None:
    document = build(make_record(ky=ky))
    assert document.chu_ky.tham_quyen == lines


def test_kt_in_a_head_led_agency_has_no_tm(make_record: Callable[..., Path], build: Callable[..., Any],
                                           workspace: Path) -> None:
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8").replace("tap_the: Ủy ban nhân dân", ""), "utf-8")
    document = build(make_record(ky={"tham_quyen": "KT", "nguoi_ky": "dang_huy_hau"}))
    assert document.chu_ky.tham_quyen == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_one_recipient_is_inline(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(kinh_gui="Bộ Nội vụ;"))
    assert document.kinh_gui.inline
    assert document.kinh_gui.recipients == ("Bộ Nội vụ",)


def test_many_recipients_are_a_punctuated_dash_list(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(kinh_gui=["Bộ Nội vụ", "Bộ Tài chính;", "Văn phòng Chính phủ."]))
    k = document.kinh_gui
    assert not k.inline
    assert k.recipients == ("- Bộ Nội vụ;", "- Bộ Tài chính;", "- Văn phòng Chính phủ.")
    assert k.items_indent > k.indent


def _lines(document: Any) -> list[str]:
    return ["".join(r.text for r in line.runs) for line in document.noi_nhan.lines]


def test_noi_nhan_punctuation_and_luu_line(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(noi_nhan=["Như trên", "Sở Tư pháp;", {"ten": "VP UBND tỉnh", "gom": ["CVP, PCVPNC", "CV NC"]}],
                                 luu={"so_ban": 2}, nguoi_soan="pvt", don_vi="HCC",
                                 ban_dien_tu=["Sở Tài chính", "Sở Nội vụ"], ky_hieu_soan_thao="PL.",
                                 so_ban_phat_hanh=300))
    assert _lines(document) == ["- Như trên;", "- Sở Tư pháp;", "- VP UBND tỉnh:", "+ CVP, PCVPNC;", "+ CV NC;",
                                "- Lưu: VT, HCC(pvt) (2)."]
    luu = document.noi_nhan.lines[-1].runs
    assert [r.text for r in luu if r.subscript] == ["(pvt)"]
    assert document.noi_nhan.lines[3].level == 1
    assert document.noi_nhan.dien_tu_label == "Bản điện tử:"
    assert ["".join(r.text for r in line.runs) for line in document.noi_nhan.dien_tu_lines] == [
        "- Sở Tài chính;", "- Sở Nội vụ."]
    assert document.noi_nhan.o12 == "PL.(300)"


def test_luu_defaults_to_vt_and_the_drafting_unit(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(luu=None))
    assert _lines(document)[-1] == "- Lưu: VT, XD6."


def test_urgency_secrecy_and_circulation_marks(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(do_khan="hoa_toc", do_mat="mat", luu_hanh="noi_bo"))
    h = document.header
    assert [(s.text, s.width, s.color) for s in h.stamps_left] == [("MẬT", 20.0, "FF0000"), ("HỎA TỐC", 30.0, "FF0000")]
    assert [s.text for s in h.stamps_right] == ["LƯU HÀNH NỘI BỘ"]
    assert build(make_record(do_khan="thuong_khan")).header.stamps_left[0].width == 40.0
    assert build(make_record(do_khan="khan")).header.stamps_left[0].text == "KHẨN"


def test_draft_has_blank_number_and_date(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(), so=None)
    assert document.draft
    assert document.header.so_ky_hieu == "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/UBND-XD6"
    assert document.header.dia_danh_ngay == "Quảng Ninh, ngày … tháng … năm …"
    assert [s.text for s in document.header.stamps_top_left] == ["DỰ THẢO"]
    assert document.file_stem == "du-thao-cv"


def test_number_padding_and_file_stem(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    import datetime as dt

    document = build(make_record(), so=5, ngay=dt.date(2020, 1, 5))
    assert document.header.so_ky_hieu == "Số: 05/UBND-XD6"
    assert document.header.dia_danh_ngay == "Quảng Ninh, ngày 05 tháng 01 năm 2020"
    assert document.file_stem == "05-UBND-XD6"


def test_closing_mark_is_added_once(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    assert plain_text(build(make_record(noi_dung="Đề nghị thực hiện.")).body[-1].runs) == "Đề nghị thực hiện./."
    assert plain_text(build(make_record(noi_dung="Đề nghị thực hiện")).body[-1].runs) == "Đề nghị thực hiện./."
    assert plain_text(build(make_record(noi_dung="Đề nghị thực hiện./.")).body[-1].runs) == "Đề nghị thực hiện./."


def test_footer_contacts_only_when_the_agency_has_them(make_record: Callable[..., Path], build: Callable[..., Any],
                                                       workspace: Path) -> None:
    assert build(make_record()).footer is None
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + "lien_he:\n  dia_chi: Phường Hồng Hà, TP Hạ Long\n"
                       "  dien_thoai: 0203 3835 678\n  email: vpubnd@quangninh.gov.vn\n", "utf-8")
    assert build(make_record()).footer.lines == (
        "Địa chỉ: Phường Hồng Hà, TP Hạ Long; ĐT: 0203\u00a03835\u00a0678", "E-mail: vpubnd@quangninh.gov.vn")
    assert build(make_record(chan_trang=False)).footer is None


def test_data_values_cannot_inject_markup(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(noi_dung="Gửi {{ ten }}.\n\n{{ dong }}",
                                 du_lieu={"ten": "*A* & <B>", "dong": "1. không phải khoản"}))
    assert plain_text(document.body[0].runs) == "Gửi *A* & <B>."
    assert not any(r.italic for r in document.body[0].runs)
    assert document.body[1].role == "paragraph"
    assert plain_text(document.body[1].runs) == "1. không phải khoản./."


def test_filters_in_the_body(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    body = ("{{ ngay | ngay }}; {{ ngay | ngay_ngan }}; {{ tien | so }}; {{ ty_le | phan_tram }}; "
            "{{ tien | tien_bang_chu }}; {{ 14 | la_ma }}; {{ 5 | so_van_ban }}")
    document = build(make_record(noi_dung=body, du_lieu={"ngay": "2019-05-30", "tien": 1500000, "ty_le": 0.207}))
    assert plain_text(document.body[0].runs) == (
        "ngày 30 tháng 5 năm 2019; 30/5/2019; 1.500.000; 20,7%; Một triệu năm trăm nghìn đồng; XIV; 05./.")


def test_closing_mark_replaces_a_trailing_semicolon(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    assert plain_text(build(make_record(noi_dung="- mục cuối;")).body[-1].runs) == "mục cuối./."


def test_filter_given_text_is_a_located_problem(make_record: Callable[..., Path]) -> None:
    from correspondence import api
    from correspondence.errors import InvalidRecord

    path = make_record(noi_dung="Kinh phí {{ tien | so }}.", du_lieu={"tien": "mười"})
    with pytest.raises(InvalidRecord) as caught:
        api.load(path)
    (problem,) = caught.value.problems
    assert problem.field == "noi_dung"
    assert problem.message == "bộ lọc 'so' cần một số, nhận được 'mười'"


def test_body_problems_come_with_the_other_problems(make_record: Callable[..., Path]) -> None:
    from correspondence import api
    from correspondence.errors import InvalidRecord

    path = make_record(noi_dung="Hạn {{ khong_co }}.", trich_yeu=None)
    with pytest.raises(InvalidRecord) as caught:
        api.load(path)
    assert sorted(p.field for p in caught.value.problems) == ["noi_dung", "trich_yeu"]


def test_chu_cai_counts_from_one(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    assert plain_text(build(make_record(noi_dung="{{ 1 | chu_cai }} {{ 5 | chu_cai }}")).body[0].runs) == "a đ./."


def test_tl_with_kt_of_the_unit_head(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record(ky={"tham_quyen": "TL", "nguoi_ky": "pho_chanh_van_phong", "kt": "Chánh Văn phòng"}))
    assert document.chu_ky.tham_quyen == ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")
