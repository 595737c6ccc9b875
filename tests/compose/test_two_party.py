"""Two-party documents (hợp đồng, bản ghi nhớ, bản thỏa thuận; a biên bản bàn giao) and the thư công: the parties'
names kept whole in their columns, in the PDF and in DOCX."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence.render.docx import render_docx
from correspondence.render.typst import render_typst

LONG_NAME = "Tôn Nữ Hoàng Phương Thảo Nguyên Khánh"  # wider than half the text width at the name's size
PARTY = "Công ty Trách nhiệm hữu hạn Một thành viên Dịch vụ Nguyễn Hoàng Phương"

HOP_DONG = f"""\
loai: hop_dong
co_quan: ubnd-quang-ninh
don_vi: KSTT
trich_yeu: Về cung cấp dịch vụ công trực tuyến năm 2020
noi_dung: |
  Điều 1. Bên B cung cấp, vận hành Cổng dịch vụ công trực tuyến của tỉnh năm 2020.
ky:
  tham_quyen: KT
  nguoi_ky: dang_huy_hau
ben_kia:
  ten: {PARTY}
  chuc_vu: Giám đốc
  ho_ten: {LONG_NAME}
ngay: 2020-04-01
"""


def _lines(pdf_bytes: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [" ".join(line.replace("\xa0", " ").split()) for page in pdf.pages
                for line in (page.extract_text() or "").splitlines()]


def _docx_cells(docx_bytes: bytes) -> list[list[str]]:
    import docx

    document = docx.Document(io.BytesIO(docx_bytes))
    return [[p.text for p in cell.paragraphs] for table in document.tables for row in table.rows for cell in row.cells]


def test_two_party_signers_names_are_never_broken(workspace: Path, build: Callable[..., Any]) -> None:
    """Each signer's full name on one line, the other party's long name broken only between words outside the
    person's name it holds, the columns as wide as the model makes them (the long name's column the wider)."""
    record = workspace / "hd.yaml"
    record.write_text(HOP_DONG, "utf-8")
    doc = build(record, 12)
    lines = _lines(render_typst(doc, workspace))
    assert any(line.endswith(LONG_NAME) for line in lines), lines[-8:]
    assert any(line.startswith("Đặng Huy Hậu") for line in lines), lines[-8:]
    party = [line for line in lines if "PHƯƠNG" in line or "HOÀNG" in line]
    assert any("NGUYỄN HOÀNG PHƯƠNG" in line for line in party), party
    left = doc.chu_ky.left_width
    assert left is not None and left < doc.page.text_width / 2, "bên B's longer name gets the wider column"
    cells = _docx_cells(render_docx(doc))
    right = next(cell for cell in cells if any(LONG_NAME.split()[0] in p for p in cell))
    name = right[-1]
    assert name.replace("\xa0", " ") == LONG_NAME and " " not in name, "a name of non-breaking spaces in DOCX"
    assert any("NGUYỄN\xa0HOÀNG\xa0PHƯƠNG" in p for p in right), right


THU_CONG = """\
loai: thu_cong
co_quan: ubnd-quang-ninh
don_vi: KSTT
kinh_gui: Bộ Thông tin và Truyền thông
noi_dung: |
  Ủy ban nhân dân tỉnh trân trọng cảm ơn sự hỗ trợ của Bộ Thông tin và Truyền thông.
ky:
  tham_quyen: KT
  nguoi_ky: dang_huy_hau
noi_nhan:
  - Như trên
ngay: 2020-04-01
"""


@pytest.mark.parametrize("subject", [None, "cảm ơn Bộ Thông tin và Truyền thông"])
def test_a_thu_cong_has_no_vv_line(subject: str | None, workspace: Path, build: Callable[..., Any]) -> None:
    """ND 30 PL III: a thư công has no trích yếu: no "V/v" under its number in the PDF nor in DOCX, none
    required; the register's column (3) names the kind, then the record's subject if it gives one."""
    record = workspace / "tc.yaml"
    record.write_text(THU_CONG + (f"trich_yeu: {subject}\n" if subject else ""), "utf-8")
    doc = build(record, 12)  # none required
    assert doc.header.trich_yeu_vv is None
    text = " ".join(_lines(render_typst(doc, workspace)))
    assert "V/v" not in text and "cảm ơn Bộ" not in text
    assert "Kính gửi: Bộ Thông tin và Truyền thông" in text
    cells = _docx_cells(render_docx(doc))
    assert not any("V/v" in p for cell in cells for p in cell), cells
    expected = "Thư công" + (f" {subject}" if subject else "")
    assert doc.registration.ten_loai_trich_yeu == expected
    assert doc.metadata.subject == (subject or "Thư công") and "V/v" not in doc.metadata.title


def test_a_handover_bien_ban_is_signed_by_both_sides(workspace: Path, build: Callable[..., Any]) -> None:
    """A biên bản bàn giao (examples/bien-ban-ban-giao.yaml): ĐẠI DIỆN BÊN GIAO on the left and ĐẠI DIỆN BÊN NHẬN on
    the right, each side's name, authority and signer side by side, the names on one level; no thư ký, no chủ tọa."""
    import pdfplumber

    from tests.conftest import EXAMPLES

    doc = build(EXAMPLES / "bien-ban-ban-giao.yaml", 12)
    with pdfplumber.open(io.BytesIO(render_typst(doc, workspace))) as pdf:
        page = pdf.pages[-1]
        words = page.extract_words()
        text = " ".join((page.extract_text() or "").replace("\xa0", " ").split())
    assert "CHỦ TỌA" not in text and "THƯ KÝ" not in text
    giao = next(w for w in words if w["text"] == "GIAO")
    nhan = next(w for w in words if w["text"] == "NHẬN" and abs(w["top"] - giao["top"]) < 1)
    middle = 30 * 72 / 25.4 + doc.chu_ky.left_width * 72 / 25.4  # the columns' border, left margin 30 mm
    assert giao["x1"] < middle < nhan["x0"], "bên giao on the left, bên nhận on the right, on one level"
    hau = next(w for w in words if w["text"] == "Hậu")
    thanh = next(w for w in words if w["text"] == "Thành")
    assert abs(hau["top"] - thanh["top"]) < 1 and hau["x1"] < middle < thanh["x0"], "both names on one level"
    assert "ĐẠI DIỆN BÊN GIAO ĐẠI DIỆN BÊN NHẬN" in text and "KT. CHỦ TỊCH GIÁM ĐỐC" in text
    assert "Đặng Huy Hậu Nguyễn Văn Thành" in text
    cells = _docx_cells(render_docx(doc))
    left = next(cell for cell in cells if cell and cell[0] == "ĐẠI DIỆN BÊN GIAO")
    right = cells[cells.index(left) + 1]
    assert right[0] == "ĐẠI DIỆN BÊN NHẬN", right
    assert left[-1] == "Đặng\xa0Huy\xa0Hậu" and right[-1] == "Nguyễn\xa0Văn\xa0Thành"
    assert any("TRUNG TÂM" in p for p in right) and any("ỦY BAN" in p for p in left)
    assert len(left) == len(right), "the names on one level in DOCX too"


def test_a_handover_is_signed_by_two_sides_or_a_thu_ky_not_both(make_record: Callable[..., Path]) -> None:
    """Located errors: a biên bản with both ben_kia and thu_ky; 'giao'/'nhan' on a hợp đồng; ben_kia on a công văn;
    a biên bản bàn giao needs no thu_ky."""
    from tests.validate.test_validate import problems_of

    def at(path: Path, line: str) -> str:  # where a line is in the record written
        return f"{path.name}:{path.read_text('utf-8').splitlines().index(line) + 1}"

    side = {"ten": "Sở Tư pháp", "chuc_vu": "Giám đốc", "ho_ten": "Nguyễn Văn B", "ben": "nhan"}
    both = make_record(loai="bien_ban", kinh_gui=None, ben_kia=side, thu_ky={"ho_ten": "Phạm Thu Trang"})
    assert problems_of(both) == [f"{at(both, '  ho_ten: Phạm Thu Trang')}: thu_ky: biên bản do hai bên ký không có cột thư ký "
                                 "(bỏ 'thu_ky'; nếu là biên bản cuộc họp thì bỏ 'ben_kia')"]
    contract = make_record(loai="hop_dong", kinh_gui=None, ben_kia=side)
    assert problems_of(contract) == [f"{at(contract, '  ben: nhan')}: ben_kia.ben: 'giao' và 'nhan' là hai bên của biên bản "
                                     "bàn giao (ghi A hoặc B)"]
    letter = make_record(ben_kia=side)
    assert problems_of(letter) == [f"{at(letter, '  ten: Sở Tư pháp')}: ben_kia: công văn không có bên kia ký cạnh cơ quan (bỏ "
                                   "'ben_kia': chỉ hợp đồng, bản ghi nhớ, bản thỏa thuận hoặc biên bản bàn giao mới "
                                   "có bên kia)"]


def test_a_handover_names_the_other_side_once_in_the_register(build: Callable[..., Any]) -> None:
    """The other side listed in Nơi nhận too is one recipient and one copy, not two."""
    from tests.conftest import EXAMPLES

    registration = build(EXAMPLES / "bien-ban-ban-giao.yaml", 12).registration
    assert registration.noi_nhan == "Trung tâm Phục vụ hành chính công tỉnh"
    assert registration.so_luong_ban == 3  # the other side's, and VT and Hồ sơ
