"""Two-party documents (hợp đồng, bản ghi nhớ, bản thỏa thuận; a biên bản bàn giao) and the thư công: the parties'
names kept whole in their columns, on every PDF engine and in DOCX."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence.render.docx import render_docx
from correspondence.render.pdf import render_pdf
from correspondence.render.typst import render_typst

ENGINES = {"typst": render_typst, "weasyprint": render_pdf}  # both PDF engines are shipped

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


@pytest.mark.parametrize("engine", ENGINES)
def test_two_party_signers_names_are_never_broken(engine: str, workspace: Path, build: Callable[..., Any]) -> None:
    """Each signer's full name on one line, the other party's long name broken only between words outside the
    person's name it holds, the columns as wide as the model makes them (the long name's column the wider)."""
    record = workspace / "hd.yaml"
    record.write_text(HOP_DONG, "utf-8")
    doc = build(record, 12)
    lines = _lines(ENGINES[engine](doc, workspace))
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
    """ND 30 PL III: a thư công has no trích yếu: no "V/v" under its number on either PDF engine nor in DOCX, none
    required; the register's column (3) names the kind, then the record's subject if it gives one."""
    record = workspace / "tc.yaml"
    record.write_text(THU_CONG + (f"trich_yeu: {subject}\n" if subject else ""), "utf-8")
    doc = build(record, 12)  # none required
    assert doc.header.trich_yeu_vv is None
    for engine, render in ENGINES.items():
        text = " ".join(_lines(render(doc, workspace)))
        assert "V/v" not in text and "cảm ơn Bộ" not in text, engine
        assert "Kính gửi: Bộ Thông tin và Truyền thông" in text, engine
    cells = _docx_cells(render_docx(doc))
    assert not any("V/v" in p for cell in cells for p in cell), cells
    expected = "Thư công" + (f" {subject}" if subject else "")
    assert doc.registration.ten_loai_trich_yeu == expected
    assert doc.metadata.subject == (subject or "Thư công") and "V/v" not in doc.metadata.title
