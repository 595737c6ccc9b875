"""Turn the shape of agency profiles and records, declared once here, into validation and their JSON Schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from correspondence.kinds import BY_CODE
from correspondence.model import LINE_SPACING, PARAGRAPH_SPACING
from correspondence.vietnamese import doc_ngay

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Abbrev = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-zĐđ0-9.&]+$")]


# The Nơi nhận column's width an agency may choose (mm): its lines stay readable, the signature block keeps room.
NOI_NHAN_WIDTH = (60.0, 100.0)

# The real size of a seal (mm, its width): the seals of ND 99/2016 and TT 14/2023/TT-BCA lie between these.
SEAL_MM = (20.0, 60.0)

# Words naming a kind of place or unit: lower case inside a name in running text (PL II).
PLACE_WORDS = {"tỉnh", "huyện", "quận", "thị", "thành", "xã", "phường", "sở", "phòng", "ban", "cục", "vụ"}


GIAN_DONG = ("Khoảng cách giữa các dòng của nội dung và căn cứ, tính bằng pt, từ 16,1 (dòng đơn) đến 24,1 "
             "(1,5 dòng) theo Nghị định 30/2020/NĐ-CP; mặc định 17. Văn bản đã ban hành thường dùng 17–19,3")
GIAN_DOAN = ("Khoảng cách trước mỗi đoạn của nội dung và căn cứ, tính bằng pt, từ 6 (tối thiểu theo Nghị định "
             "30/2020/NĐ-CP) đến 12; mặc định 6")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ---------------------------------------------------------------- agency profile


class DonVi(_Strict):
    """A drafting unit of the agency (phòng, ban …) and its abbreviation used in the ký hiệu."""

    ten: Text = Field(description="Tên đơn vị, ví dụ: Phòng Xây dựng")
    viet_tat: Abbrev = Field(description="Chữ viết tắt dùng trong ký hiệu và dòng Lưu, ví dụ: XD6")


class NguoiKy(_Strict):
    """A person who may sign for the agency."""

    ho_ten: Text = Field(description="Họ và tên, viết hoa chữ cái đầu, không kèm học hàm, học vị")
    chuc_vu: Text = Field(description="Chức vụ chính thức, ví dụ: PHÓ CHỦ TỊCH")
    chu_ky: Text | None = Field(None, description=(
        "Hình ảnh chữ ký của người ký dùng khi ký số (ô 7c): tệp PNG nền trong suốt, màu xanh, đường dẫn tính từ "
        "thư mục của hồ sơ cơ quan, ví dụ: chu-ky/dang-huy-hau.png"))


class LienHe(_Strict):
    """Contacts printed at the foot of page 1 (ô 13)."""

    dia_chi: Text | None = None
    dien_thoai: Text | None = None
    fax: Text | None = None
    email: Text | None = None
    website: Text | None = None


class SoRieng(_Strict):
    """A separate number series and which documents it takes (first matching series wins)."""

    loai: list[Text] = Field(default_factory=list, description="Các loại văn bản của sổ này (trống: mọi loại)")
    don_vi: list[Abbrev] = Field(default_factory=list, description="Các đơn vị soạn thảo của sổ này (trống: mọi đơn vị)")
    do_mat: bool | None = Field(None, description="true: chỉ văn bản mật; false: chỉ văn bản thường")
    nam_trong_ky_hieu: bool = Field(False, description="Ghi năm trong số, ký hiệu (văn bản QPPL): 09/2019/QĐ-UBND")
    ten_so: Text | None = Field(None, description=(
        "Tên sổ in trên bìa sổ đăng ký, ví dụ: Sổ đăng ký quyết định quy phạm pháp luật (trống: SỔ ĐĂNG KÝ VĂN BẢN ĐI "
        "và tên sổ trong ngoặc)"))


class DongLuu(_Strict):
    """How the agency prints the Lưu line and ô 12 under it: today's forms unless it says otherwise."""

    so_ban: Literal["ngoac", "ngoac_b"] = Field("ngoac", description=(
        "Số bản lưu: ngoac in (2), ngoac_b in (2b) (b: bản)"))
    nguoi_soan: Literal["chu_nho", "chu_thuong"] = Field("chu_nho", description=(
        "Chữ viết tắt tên người soạn thảo sau đơn vị: chu_nho in XD6(pvt), chữ nhỏ dưới dòng, liền sau đơn vị; "
        "chu_thuong in XD6 (pvt), cỡ chữ của dòng, cách một khoảng"))
    so_ban_phat_hanh: Literal["ngoac", "khong_ngoac"] = Field("ngoac", description=(
        "Số bản phát hành ở ô 12, sau ký hiệu người soạn thảo: ngoac in PL.(300); khong_ngoac in PL.300 (cách một "
        "khoảng khi ký hiệu không kết thúc bằng dấu chấm)"))


class CoQuan(_Strict):
    """Agency profile: ``registers/<agency>.yaml``, one per issuing agency."""

    ten_co_quan_chu_quan: list[Text] = Field(default_factory=list, description="Dòng tên cơ quan chủ quản trực tiếp (có thể trống)")
    ten_co_quan: list[Text] = Field(min_length=1, description="Tên cơ quan ban hành, mỗi phần tử một dòng")
    viet_tat: Abbrev = Field(description="Chữ viết tắt tên cơ quan trong ký hiệu, ví dụ: UBND")
    ma_dinh_danh: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9.]{1,13}$")] | None = Field(
        None, description="Mã định danh điện tử của cơ quan (tối đa 13 ký tự, ví dụ H49.64): ghi vào siêu dữ liệu lưu trữ")
    ma_dinh_danh_qd20: Annotated[str, StringConstraints(
        strip_whitespace=True, max_length=35, pattern=r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")] | None = Field(None, description=(
            "Mã định danh điện tử theo QĐ 20/2020/QĐ-TTg (tối đa 35 ký tự: các nhóm chữ A–Z và số 0–9 ngăn bởi dấu "
            "chấm); ma_dinh_danh là mã QCVN 102 (13 ký tự, ví dụ 000.00.00.H49) dùng khi gửi, nhận văn bản liên thông"))
    dia_danh: Text = Field(description="Địa danh ghi ở dòng ngày tháng, ví dụ: Quảng Ninh")
    ten_goi: Text | None = Field(None, description="Tên cơ quan dùng trong câu văn, ví dụ: Ủy ban nhân dân tỉnh")
    tap_the: Text | None = Field(None, description="Tên tập thể dùng sau TM., ví dụ: ỦY BAN NHÂN DÂN")
    thu_truong: Text = Field(description="Chức danh người đứng đầu dùng sau KT., TL., TUQ., Q., ví dụ: CHỦ TỊCH")
    tham_quyen_ban_hanh: Text | None = Field(None, description=(
        "Dòng thẩm quyền ban hành của quyết định, công điện (mặc định: chức danh người đứng đầu + tên cơ quan)"))
    don_vi: dict[str, DonVi] = Field(default_factory=dict, description="Các đơn vị soạn thảo, khóa là mã tự đặt")
    nguoi_ky: dict[str, NguoiKy] = Field(default_factory=dict, description="Những người ký, khóa là mã tự đặt")
    lien_he: LienHe | None = Field(None, description="Thông tin liên hệ in ở chân trang đầu (ô 13)")
    luu_mac_dinh: list[Abbrev] = Field(default_factory=lambda: ["VT"], description="Nơi lưu mặc định, trước đơn vị soạn thảo")
    so_ban_luu: int | None = Field(None, ge=1, description="Số bản lưu mặc định")
    rong_noi_nhan: float | None = Field(None, ge=NOI_NHAN_WIDTH[0], le=NOI_NHAN_WIDTH[1], description=(
        "Độ rộng cột Nơi nhận, mm (60–100; mặc định 74): văn bản của các bộ, ngành trung ương thường khoảng 87–90; "
        "khối chữ ký căn giữa phần còn lại"))
    dong_luu: DongLuu = Field(default_factory=lambda: DongLuu(
        so_ban="ngoac", nguoi_soan="chu_nho", so_ban_phat_hanh="ngoac"), description=(
        "Cách in dòng Lưu và ô 12: so_ban, nguoi_soan, so_ban_phat_hanh (mặc định: (2), XD6(pvt) chữ nhỏ, PL.(300))"))
    gian_dong: float | None = Field(None, ge=LINE_SPACING[0], le=LINE_SPACING[1], description=GIAN_DONG)
    gian_doan: float | None = Field(None, ge=PARAGRAPH_SPACING[0], le=PARAGRAPH_SPACING[1], description=GIAN_DOAN)
    chu_thich: Literal["so_mu", "ngoac"] = Field("so_mu", description=(
        "Cách in số chú thích trong văn bản: so_mu (số nhỏ trên dòng: ¹) hoặc ngoac (số trong ngoặc đơn: (1))"))
    ky_hieu_mat: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^/\s]*\{ky_hieu\}[^/\s]*$")] = Field(
        "{ky_hieu}-M", description=(
            "Ký hiệu của văn bản mật, để số và ký hiệu không trùng với văn bản thường cùng năm (văn bản mật có dãy số "
            "riêng, ND 30 Điều 15.2); {ky_hieu} là ký hiệu thường, ví dụ {ky_hieu}-M cho 01/UBND-XD6-M"))
    con_dau: Text | None = Field(None, description=(
        "Hình ảnh con dấu của cơ quan dùng khi ký số của cơ quan (ô 8): tệp PNG nền trong suốt, màu đỏ, đường dẫn tính "
        "từ thư mục của hồ sơ cơ quan, ví dụ: con-dau.png"))
    con_dau_mm: float | None = Field(None, ge=SEAL_MM[0], le=SEAL_MM[1], description=(
        "Đường kính thực tế của con dấu, mm (20–60), để hình ảnh con dấu in đúng kích thước thật; bỏ trống thì lấy "
        "từ độ phân giải (DPI) ghi trong tệp PNG"))
    so_rieng: dict[str, SoRieng] = Field(default_factory=dict, description=(
        "Các sổ (dãy số) riêng; văn bản không thuộc sổ riêng nào lấy số ở sổ chung; văn bản mật luôn có dãy số riêng"))

    @property
    def ten_trong_cau(self) -> str:
        """The agency's name inside a sentence: ``ten_goi``, else its name lines with a place word in lower case
        after the first line (PL II: "Ủy ban nhân dân tỉnh Quảng Ninh")."""
        if self.ten_goi:
            return self.ten_goi
        lines = list(self.ten_co_quan)
        for index in range(1, len(lines)):
            word = lines[index].split(" ", 1)[0]
            if word.lower() in PLACE_WORDS:
                lines[index] = word.lower() + lines[index][len(word):]
        return " ".join(lines)

    def don_vi_viet_tat(self, code: str) -> str | None:
        """The abbreviation of a drafting unit named by its key or its abbreviation (None: no such unit)."""
        if code in self.don_vi:
            return self.don_vi[code].viet_tat
        for unit in self.don_vi.values():
            if unit.viet_tat == code:
                return unit.viet_tat
        return None


# ---------------------------------------------------------------- records


class ThuKy(_Strict):
    """The second signer of a biên bản, on the left."""

    ho_ten: Text
    chuc_danh: Text = Field("Thư ký", description="Chức danh in trên chữ ký (mặc định: THƯ KÝ)")


class BenKia(_Strict):
    """The other party of a hợp đồng, bản ghi nhớ, bản thỏa thuận or a biên bản (bàn giao), who signs beside the
    agency."""

    ten: Text = Field(description="Tên cơ quan, tổ chức bên kia, ví dụ: Sở Thông tin và Truyền thông")
    chuc_vu: Text = Field(description="Chức vụ người ký bên kia, ví dụ: Giám đốc")
    ho_ten: Text = Field(description="Họ và tên người ký bên kia")
    ben: Literal["A", "B", "giao", "nhan"] = Field("B", description=(
        "Bên kia là bên A hay bên B (bên A ký bên trái); biên bản bàn giao: giao hoặc nhan (bên giao ký bên trái)"))


class NoiNhanMuc(_Strict):
    """A Nơi nhận entry with sub-items (printed ``+ CVP, PCVPNC;``)."""

    ten: Text
    gom: list[Text] = Field(default_factory=list, description="Các mục con, in sau dấu +")


class ChuKy(_Strict):
    """Who signs and in what capacity."""

    tham_quyen: Literal["TM", "KT", "TL", "TUQ", "Q", "khong"] = Field(
        "khong", description="Thẩm quyền ký: TM, KT, TL, TUQ, Q hoặc khong (người đứng đầu ký trực tiếp)")
    nguoi_ky: Text = Field(description="Mã người ký trong hồ sơ cơ quan")
    thay_mat: Text | None = Field(None, description="Tên tập thể hoặc chức danh sau TM./KT./TL./TUQ./Q. nếu khác mặc định")
    kt: Text | None = Field(None, description=(
        "TL. do cấp phó của người đứng đầu đơn vị ký: chức danh sau KT., ví dụ Chánh Văn phòng (Điều 13.4)"))
    tap_the: bool | None = Field(None, description=(
        "In dòng TM. tập thể trên KT. hay không (mặc định: có nếu hồ sơ cơ quan có tap_the, trừ quyết định và công "
        "điện của người đứng đầu; nghị quyết luôn có)"))


class Luu(_Strict):
    """The ``Lưu`` line closing Nơi nhận."""

    noi_luu: list[Abbrev] | None = Field(None, description="Nơi lưu; mặc định: VT và đơn vị soạn thảo")
    so_ban: int | None = Field(None, ge=1, description="Số bản lưu, in trong ngoặc: (2)")


# ---------------------------------------------------------------- annex tables


class Cot(_Strict):
    """One column of an annex table."""

    ten: Text = Field(description="Tiêu đề cột")
    khoa: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = Field(
        None, description="Tên cột trong tệp dữ liệu (không cần cho cột STT)")
    kieu: Literal["chu", "so", "stt", "dau_x", "ngay"] = Field(
        "chu", description="chu: chữ; so: số; stt: số thứ tự tự động; dau_x: đánh dấu X; ngay: ngày")
    rong: float = Field(30, gt=0, description="Độ rộng tương đối (mm trên trang nằm ngang)")
    can: Literal["trai", "giua", "phai"] | None = Field(None, description="Căn lề: trai, giua, phai")
    nhom: Text | None = Field(None, description="Tiêu đề nhóm chung của các cột liền nhau (tiêu đề hai tầng)")
    tong: bool = Field(False, description="Cộng tổng cột số này ở dòng cuối")


class Bang(_Strict):
    """How a table is built from rows of data: columns, grouping, order, totals."""

    tieu_de: Text | None = Field(None, description="Tên phụ lục, khi bảng được in riêng bằng lệnh annex")
    cot: list[Cot] = Field(min_length=1, description="Các cột theo thứ tự")
    nhom_theo: Text | None = Field(None, description="Cột dữ liệu dùng để chia nhóm (I, II …)")
    nhom: dict[str, Text] = Field(default_factory=dict, description="Tiêu đề của từng nhóm, theo thứ tự in")
    sap_xep: list[Text] = Field(default_factory=list, description="Sắp xếp các dòng trong nhóm theo các cột này")
    huong: Literal["tu_dong", "doc", "ngang"] = Field(
        "tu_dong", description="Hướng trang: tu_dong (ngang khi bảng rộng), doc, ngang")


class PhuLuc(_Strict):
    """An annex: its title, its table (spec and data) and where it is printed."""

    tieu_de: Text = Field(description="Tên phụ lục (in hoa), hoặc dòng dưới ten_bang (in như đã viết)")
    ten_bang: Text | None = Field(None, description=(
        "Tên bảng in đậm, chữ hoa, thay cho dòng \"Phụ lục\" (ví dụ DANH MỤC); tieu_de in dưới nó, chữ thường"))
    bang: Bang | Text = Field(description="Mô tả bảng, hoặc đường dẫn tệp YAML mô tả bảng")
    du_lieu: Text | list[dict[str, Any]] = Field(description="Tệp dữ liệu .csv/.xlsx/.yaml, hoặc các dòng ngay tại đây")
    tep_rieng: bool = Field(False, description="In phụ lục thành tệp riêng thay vì cuối văn bản")
    ghi_chu: Text | None = Field(None, description="Đoạn ghi chú dưới bảng")


# ---------------------------------------------------------------- records


class VanBan(_Strict):
    """An administrative document: a công văn (Mẫu 1.5) or a document with a type name (Mẫu 1.4)."""

    loai: Text = Field(description="Loại văn bản: cong_van, ke_hoach, bao_cao, thong_bao … (correspondence kinds)")
    co_quan: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")] = Field(
        description="Mã hồ sơ cơ quan ban hành: tên tệp registers/<mã>.yaml (chữ, số, '-', '_'; không là đường dẫn)")
    don_vi: Text = Field(description="Mã hoặc chữ viết tắt của đơn vị soạn thảo, ví dụ: XD6")
    trich_yeu: Text | None = Field(None, description=(
        "Trích yếu nội dung (công văn: in sau V/v, bắt đầu bằng chữ thường); không dùng cho giấy giới thiệu, "
        "giấy nghỉ phép; có thể bỏ ở giấy mời (chỉ in tên loại); thư công không in trích yếu (tùy chọn, chỉ ghi "
        "vào sổ)"))
    can_cu: list[Text] = Field(default_factory=list, description=(
        "Căn cứ ban hành, mỗi căn cứ một dòng in nghiêng (quyết định, nghị quyết …); dấu ; và . tự thêm"))
    thu_ky: ThuKy | None = Field(None, description=(
        "Thư ký (biên bản): ký bên trái, chủ tọa ký bên phải; biên bản bàn giao dùng ben_kia thay cho thu_ky"))
    ben_kia: BenKia | None = Field(None, description=(
        "Bên kia của hợp đồng, bản ghi nhớ, bản thỏa thuận: hai bên ký cạnh nhau, không có Nơi nhận; của biên bản "
        "bàn giao (thay cho thu_ky): bên giao và bên nhận ký cạnh nhau"))
    kem_theo: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d+(/\d{4})?/[^/\s]+$")] | None = Field(
        None, description=("Số, ký hiệu của quyết định ban hành kèm văn bản này (quy chế, quy định …), ví dụ 15/QĐ-UBND: "
                           "văn bản không có số, ngày riêng"))
    ket_thuc: dt.datetime | None = Field(None, description=(
        "Giờ kết thúc cuộc họp (biên bản), YYYY-MM-DD HH:MM: in câu 'Cuộc họp kết thúc vào … giờ …'"))
    kinh_gui: Text | list[Text] | None = Field(
        None, description="Nơi nhận ở mục Kính gửi (bắt buộc với công văn; tờ trình, báo cáo gửi cấp trên)")
    gui_den: Text | list[Text] | None = Field(None, description=(
        "Giấy mời, giấy giới thiệu: cơ quan, người được mời hoặc nơi được cử đến (đã viết trong nội dung); không in "
        "thêm trên văn bản, ghi vào cột Nơi nhận văn bản của sổ đăng ký và siêu dữ liệu"))
    noi_dung: Text | None = Field(None, description=(
        "Nội dung (Markdown rút gọn, có thể dùng biểu thức Jinja trên du_lieu); bản trích sao: phần được trích"))
    noi_dung_tu: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = Field(None, description=(
        "Lấy nội dung từ tệp Word (.docx) của chuyên viên, đặt cạnh bản ghi, ví dụ du-thao.docx: đoạn văn, chữ đậm/"
        "nghiêng, danh sách đánh số, gạch đầu dòng, chú thích; thay cho noi_dung"))
    ban_goc: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d+(/\d{4})?/[^/\s]+$")] | None = Field(
        None, description="Bản sao (sao_y, sao_luc, trich_sao): số, ký hiệu của văn bản được sao trong sổ, ví dụ 3018/UBND-XD6")
    dinh_chinh: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d+(/\d{4})?/[^/\s]+$")] | None = Field(
        None, description=("Công văn đính chính: số, ký hiệu của văn bản được đính chính trong sổ, ví dụ 12/UBND-XD6; "
                           "khi ban hành, dòng sổ của văn bản đó ghi 'Đính chính bằng …'"))
    du_lieu: dict[str, Any] = Field(default_factory=dict, description="Dữ liệu dùng trong nội dung")
    ky: ChuKy | None = Field(None, description="Chữ ký (không có ở văn bản ban hành kèm quyết định)")
    noi_nhan: list[Text | NoiNhanMuc] = Field(default_factory=list, description="Nơi nhận (trừ dòng Lưu)")
    ban_dien_tu: list[Text | NoiNhanMuc] = Field(default_factory=list, description=(
        "Nơi nhận bản điện tử, in sau Nơi nhận (mục con như ở noi_nhan)"))
    luu: Luu = Field(default_factory=lambda: Luu(noi_luu=None, so_ban=None), description="Dòng Lưu")
    nguoi_soan: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[\p{L}.]+$")] | None = Field(
        None, description="Chữ viết tắt tên người soạn thảo, in sau đơn vị trong dòng Lưu: HCC(pvt), XD6(Q.Cường)")
    ky_hieu_soan_thao: Text | None = Field(None, description="Ký hiệu người đánh máy/soạn thảo (ô 12)")
    so_ban_phat_hanh: int | None = Field(None, ge=1, description="Số lượng bản phát hành (ô 12)")
    do_khan: Literal["hoa_toc", "thuong_khan", "khan"] | None = Field(None, description="Độ khẩn")
    do_mat: Literal["mat", "toi_mat", "tuyet_mat"] | None = Field(None, description="Độ mật")
    luu_hanh: Literal["noi_bo", "xem_xong_tra_lai"] | None = Field(None, description="Chỉ dẫn phạm vi lưu hành (ô 11)")
    chan_trang: bool = Field(True, description="In thông tin liên hệ ở chân trang đầu (nếu hồ sơ cơ quan có)")
    gian_dong: float | None = Field(None, ge=LINE_SPACING[0], le=LINE_SPACING[1], description=(
        GIAN_DONG + "; ghi ở đây thì thay cho gian_dong của hồ sơ cơ quan"))
    gian_doan: float | None = Field(None, ge=PARAGRAPH_SPACING[0], le=PARAGRAPH_SPACING[1], description=(
        GIAN_DOAN + "; ghi ở đây thì thay cho gian_doan của hồ sơ cơ quan"))
    xac_nhan: bool = Field(False, description=(
        "Giấy nghỉ phép: in khối \"Xác nhận của cơ quan (tổ chức) hoặc chính quyền địa phương nơi nghỉ phép\" "
        "dưới Nơi nhận (Mẫu 1.10)"))
    ngay: dt.date | None = Field(None, description="Ngày ban hành dd/mm/yyyy hoặc YYYY-MM-DD (tùy chọn)")
    phu_luc: list[PhuLuc] = Field(default_factory=list, description="Các phụ lục (bảng) kèm theo")

    @field_validator("ngay", mode="before")
    @classmethod
    def _ngay_vietnamese(cls, value: Any) -> Any:
        """20/12/2019 and 2/5/2019 as well as 2019-12-20."""
        if isinstance(value, str) and "/" in value:
            try:
                return doc_ngay(value)
            except ValueError:
                return value
        return value

    @field_validator("kinh_gui", "gui_den")
    @classmethod
    def _kinh_gui_not_empty(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and not value:
            raise ValueError("empty")
        return value


def record_kinds() -> tuple[str, ...]:
    """The kinds a record may have: every administrative kind of ND 30 (Art. 7)."""
    return tuple(BY_CODE)
