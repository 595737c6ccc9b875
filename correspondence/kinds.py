"""Turn a kind code into what ND 30/2020 says about that kind: its name and ký hiệu abbreviation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of document and the layout ND 30 gives it (PL III)."""

    code: str
    ten: str
    viet_tat: str | None
    mau: str | None = None
    bo_cuc: str = "ten_loai"  # cong_van | ten_loai | quyet_dinh | bien_ban | cong_dien | giay | hai_ben
    nhan_quyet: str | None = None  # "QUYẾT ĐỊNH:" / "QUYẾT NGHỊ:" before the articles
    mo_dau_giua: bool = False  # the body's opening line centred ("… trân trọng giới thiệu:", Mẫu 1.8)
    xac_nhan: str | None = None  # the optional confirmation block's title under Nơi nhận (Mẫu 1.10)
    trich_yeu_tuy_chon: bool = False  # the trích yếu may be left out: the type name stands alone (Mẫu 1.7; thư công)
    vv: bool = True  # a công văn's trích yếu prints as "V/v …" under the number; a thư công has none (PL III)
    nhan_trong_noi_dung: bool = False  # its recipients are named in the body (the guests, where one is sent)


@dataclass(frozen=True)
class Copy:
    """A kind of copy (bản sao) and its abbreviation; all copies share one series."""

    code: str
    ten: str
    viet_tat: str


# Art. 7 and PL III §I of ND 30/2020 (type names and abbreviations).
CATALOGUE: tuple[Kind, ...] = (
    Kind("nghi_quyet", "Nghị quyết", "NQ", "1.1", "quyet_dinh", "QUYẾT NGHỊ:"),
    Kind("quyet_dinh", "Quyết định", "QĐ", "1.2", "quyet_dinh", "QUYẾT ĐỊNH:"),
    Kind("chi_thi", "Chỉ thị", "CT", "1.4"),
    Kind("quy_che", "Quy chế", "QC", "1.4"),
    Kind("quy_dinh", "Quy định", "QyĐ", "1.4"),
    Kind("thong_cao", "Thông cáo", "TC", "1.4"),
    Kind("thong_bao", "Thông báo", "TB", "1.4"),
    Kind("huong_dan", "Hướng dẫn", "HD", "1.4"),
    Kind("chuong_trinh", "Chương trình", "CTr", "1.4"),
    Kind("ke_hoach", "Kế hoạch", "KH", "1.4"),
    Kind("phuong_an", "Phương án", "PA", "1.4"),
    Kind("de_an", "Đề án", "ĐA", "1.4"),
    Kind("du_an", "Dự án", "DA", "1.4"),
    Kind("bao_cao", "Báo cáo", "BC", "1.4"),
    Kind("bien_ban", "Biên bản", "BB", "1.9", "bien_ban"),
    Kind("to_trinh", "Tờ trình", "TTr", "1.4"),
    Kind("hop_dong", "Hợp đồng", "HĐ", None, "hai_ben"),
    Kind("cong_van", "Công văn", None, "1.5", "cong_van"),
    Kind("cong_dien", "Công điện", "CĐ", "1.6", "cong_dien"),
    Kind("ban_ghi_nho", "Bản ghi nhớ", "BGN", None, "hai_ben"),
    Kind("ban_thoa_thuan", "Bản thỏa thuận", "BTT", None, "hai_ben"),
    Kind("giay_uy_quyen", "Giấy ủy quyền", "GUQ", "1.4"),
    Kind("giay_moi", "Giấy mời", "GM", "1.7", trich_yeu_tuy_chon=True, nhan_trong_noi_dung=True),
    Kind("giay_gioi_thieu", "Giấy giới thiệu", "GGT", "1.8", "giay", mo_dau_giua=True, nhan_trong_noi_dung=True),
    Kind("giay_nghi_phep", "Giấy nghỉ phép", "GNP", "1.10", "giay",
         xac_nhan="Xác nhận của cơ quan (tổ chức) hoặc chính quyền địa phương nơi nghỉ phép"),
    Kind("phieu_gui", "Phiếu gửi", "PG", "1.4"),
    Kind("phieu_chuyen", "Phiếu chuyển", "PC", "1.4"),
    Kind("phieu_bao", "Phiếu báo", "PB", "1.4"),
    Kind("thu_cong", "Thư công", None, None, "cong_van", trich_yeu_tuy_chon=True, vv=False),
)

# PL I Part II: the three kinds of copy, numbered in one series of their own.
COPIES: tuple[Copy, ...] = (
    Copy("sao_y", "Bản sao y", "SY"),
    Copy("sao_luc", "Bản sao lục", "SL"),
    Copy("trich_sao", "Bản trích sao", "TrS"),
)

# Copies made from a document in the register (PL I Part II; Mẫu 3.1): numbered, laid out as the copy block.
COPY_KINDS: tuple[Kind, ...] = tuple(Kind(c.code, c.ten, c.viet_tat, "3.1", "ban_sao") for c in COPIES)
HINH_THUC_SAO = {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}

BY_CODE = {kind.code: kind for kind in (*CATALOGUE, *COPY_KINDS)}


def ky_hieu(kind: str, co_quan: str, don_vi: str | None) -> str:
    """The ký hiệu: ``KH-UBND`` for a kind with an abbreviation, ``UBND-XD6`` for a công văn."""
    abbreviation = BY_CODE[kind].viet_tat
    if abbreviation is None:
        return f"{co_quan}-{don_vi}" if don_vi else co_quan
    return f"{abbreviation}-{co_quan}"
