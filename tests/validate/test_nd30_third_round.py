"""ND 30/2020, third round: who may sign KT., TL. and TUQ. (Art. 13), khoản titles printed as written, a giấy mời
without a trích yếu, the recipients of a giấy mời or giấy giới thiệu in the register, the Nơi nhận column's width."""

from __future__ import annotations

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
