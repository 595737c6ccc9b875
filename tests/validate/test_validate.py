"""Bad input: every problem at once, located as file:line, localized, with a hint; nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from correspondence import api
from correspondence.errors import InvalidRecord
from correspondence.i18n import set_language


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidRecord) as caught:
        api.load(path)
    return [str(p) for p in caught.value.problems]


def test_missing_field(make_record: Callable[..., Path]) -> None:
    path = make_record(trich_yeu=None)
    assert problems_of(path) == [f"{path.name}:1: trich_yeu: thiếu trường bắt buộc (thêm dòng 'trich_yeu: …')"]


def test_unknown_key_with_suggestion(make_record: Callable[..., Path]) -> None:
    path = make_record(text="loai: cong_van\nco_quan: ubnd-quang-ninh\ndon_vi: XD6\ntrich_yeu: x\n"
                            "kinh_gui: Sở Nội vụ\nnoi_dung: Nội dung.\nky: {nguoi_ky: nguyen_van_thang}\n"
                            "noi_nhann: [Như trên]\n")
    assert problems_of(path) == [f"{path.name}:8: noi_nhann: khóa không hợp lệ 'noi_nhann' (có phải là 'noi_nhan'?)"]


def test_invalid_date_31_february(make_record: Callable[..., Path]) -> None:
    path = make_record(text=_minimal("ngay: 2019-02-31\n"))
    assert problems_of(path) == [
        f"{path.name}:8: ngay: cần ngày dạng dd/mm/yyyy, nhận được '2019-02-31' (ví dụ 07/05/2019)"]


def test_date_written_the_vietnamese_way_is_explained(make_record: Callable[..., Path]) -> None:
    path = make_record(text=_minimal("ngay: 31/02/2019\n"))
    assert problems_of(path) == [
        f"{path.name}:8: ngay: cần ngày dạng dd/mm/yyyy, nhận được '31/02/2019' (ví dụ 07/05/2019)"]


def test_unknown_signer_and_unit(make_record: Callable[..., Path]) -> None:
    path = make_record(text=_minimal("", unit="ABC", signer="ai"))
    assert problems_of(path) == [
        f"{path.name}:3: don_vi: không có đơn vị soạn thảo 'ABC' (đơn vị đã khai báo: HCC, KSTT, XD6)",
        f"{path.name}:7: ky.nguoi_ky: không có người ký 'ai' (người ký đã khai báo: chanh_van_phong, dang_huy_hau, "
        "nguyen_van_thang, pho_chanh_van_phong)",
    ]


def test_malformed_yaml(make_record: Callable[..., Path]) -> None:
    path = make_record(text="loai: cong_van\nkinh_gui: [Sở Nội vụ\nnoi_dung: x\n")
    assert problems_of(path) == [
        f"{path.name}:3: tệp không đúng cú pháp YAML/JSON: did not find expected ',' or ']' "
        "(kiểm tra thụt lề và dấu ngoặc kép ở dòng này)"]


def test_every_problem_at_once_in_line_order(make_record: Callable[..., Path]) -> None:
    path = make_record(text="loai: cong_van\nco_quan: ubnd-quang-ninh\ndon_vi: ABC\ntrich_yeu: x\nkinh_gui: []\n"
                            "noi_dungg: y\nky: {tham_quyen: XX, nguoi_ky: ai}\nngay: 2019-02-31\n")
    problems = problems_of(path)
    assert [p.split(": ")[0] + ": " + p.split(": ")[1] for p in problems] == [
        f"{path.name}:1: noi_dung", f"{path.name}:3: don_vi", f"{path.name}:5: kinh_gui",
        f"{path.name}:6: noi_dungg", f"{path.name}:7: ky.tham_quyen", f"{path.name}:7: ky.nguoi_ky",
        f"{path.name}:8: ngay"]
    assert f"{path.name}:7: ky.tham_quyen: phải là một trong: TM, KT, TL, TUQ, Q, khong" in problems


def test_english_messages(make_record: Callable[..., Path]) -> None:
    set_language("en")
    path = make_record(text=_minimal("ngay: 2019-02-31\n"))
    assert problems_of(path) == [
        f"{path.name}:8: ngay: expected a date dd/mm/yyyy, got '2019-02-31' (for example 07/05/2019)"]


def test_missing_agency_profile(make_record: Callable[..., Path]) -> None:
    path = make_record(co_quan="so-noi-vu")
    assert problems_of(path) == [
        f"{path.name}:2: co_quan: không có hồ sơ cơ quan 'so-noi-vu' (hãy lập cơ quan bằng lệnh 'correspondence init "
        "--ma so-noi-vu' (lệnh này ghi registers/so-noi-vu.yaml), hoặc chạy lệnh trong thư mục của cơ quan)"]


def test_problems_in_the_agency_profile_are_located_there(make_record: Callable[..., Path], workspace: Path) -> None:
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8").replace("viet_tat: UBND", "viet_tat: U B"), "utf-8")
    path = make_record()
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith("registers/ubnd-quang-ninh.yaml:6: viet_tat: phải là chữ viết tắt không dấu cách")


def test_body_with_an_undefined_name(make_record: Callable[..., Path]) -> None:
    path = make_record(text=_minimal("", body="|\n  Dòng một.\n\n  Hạn {{ han_chot }}.\n"))
    from correspondence.errors import InvalidRecord as Invalid

    with pytest.raises(Invalid) as caught:
        api.compose(api.load(path), None, None)
    assert [str(p) for p in caught.value.problems] == [
        f"{path.name}:9: noi_dung: tên 'han_chot' trong nội dung chưa được khai báo (khai báo nó trong 'du_lieu')"]


def test_duplicate_key(make_record: Callable[..., Path]) -> None:
    path = make_record(text=_minimal("trich_yeu: lần hai\n"))
    assert problems_of(path) == [f"{path.name}:8: trich_yeu: khóa này xuất hiện hai lần (chỉ giữ một)"]


def test_file_not_found(workspace: Path) -> None:
    assert problems_of(workspace / "khong-co.yaml") == ["khong-co.yaml: không tìm thấy tệp (kiểm tra lại đường dẫn)"]


def test_nfd_input_is_normalised(make_record: Callable[..., Path], build: Callable[..., object]) -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", _minimal(""))
    path = make_record(text=text)
    document = build(path)
    assert document.header.trich_yeu_vv == "V/v rà soát dịch vụ công"  # type: ignore[attr-defined]
    assert unicodedata.is_normalized("NFC", document.chu_ky.ho_ten)  # type: ignore[attr-defined]


def _minimal(extra: str, unit: str = "XD6", signer: str = "dang_huy_hau", body: str = "Nội dung.") -> str:
    return ("loai: cong_van\nco_quan: ubnd-quang-ninh\n"
            f"don_vi: {unit}\ntrich_yeu: rà soát dịch vụ công\nkinh_gui: Sở Nội vụ\n"
            f"noi_dung: {body}\nky: {{tham_quyen: KT, nguoi_ky: {signer}}}\n" + extra)


@pytest.mark.parametrize(("ky", "message"), [
    ("{tham_quyen: KT, nguoi_ky: nguyen_van_thang}",
     "ky.tham_quyen: KT. dành cho cấp phó ký thay người đứng đầu; người đứng đầu (Chủ tịch) ký không có KT. "
     "(dùng 'tham_quyen: TM' hoặc 'khong')"),
    ("{tham_quyen: TM, nguoi_ky: dang_huy_hau}",
     "ky.tham_quyen: cấp phó (Phó Chủ tịch) ký thay mặt tập thể phải có KT. (dùng 'tham_quyen: KT')"),
    ("{nguoi_ky: nguyen_van_thang, thay_mat: Ban chỉ đạo}",
     "ky.thay_mat: 'thay_mat' chỉ dùng với TM, KT, TL, TUQ hoặc Q (thêm 'tham_quyen' hoặc bỏ dòng này)"),
    ("{tham_quyen: TL, nguoi_ky: dang_huy_hau}",
     "ky.tham_quyen: TL. do người đứng đầu đơn vị ký; cấp phó của người đứng đầu (Phó Chủ tịch) ký KT. "
     "(Nghị định 30/2020/NĐ-CP, Điều 13) (dùng 'tham_quyen: KT' hoặc chọn người ký là người đứng đầu đơn vị)"),
    ("{tham_quyen: TUQ, nguoi_ky: dang_huy_hau}",
     "ky.tham_quyen: TUQ. do người đứng đầu đơn vị ký; cấp phó của người đứng đầu (Phó Chủ tịch) ký KT. "
     "(Nghị định 30/2020/NĐ-CP, Điều 13) (dùng 'tham_quyen: KT' hoặc chọn người ký là người đứng đầu đơn vị)"),
    ("{nguoi_ky: dang_huy_hau}",
     "ky.tham_quyen: cấp phó (Phó Chủ tịch) ký KT. thay người đứng đầu, không ký với danh nghĩa của mình "
     "(Nghị định 30/2020/NĐ-CP, Điều 13) (dùng 'tham_quyen: KT')"),
    ("{tham_quyen: TUQ, nguoi_ky: chanh_van_phong, kt: Chánh Văn phòng}",
     "ky.kt: chữ ký TUQ. không được ủy quyền lại (Nghị định 30/2020/NĐ-CP, Điều 13.3) "
     "(người đứng đầu đơn vị được ủy quyền ký, không có 'kt')"),
])
def test_signing_authority_must_fit_the_signer(make_record: Callable[..., Path], ky: str, message: str) -> None:
    path = make_record(text=_minimal("").replace("ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}", f"ky: {ky}"))
    (problem,) = problems_of(path)
    assert problem == f"{path.name}:7: {message}"
