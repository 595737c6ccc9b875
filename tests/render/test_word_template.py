"""An agency's own Word template (docxtpl): filled from the composed document; unknown names are reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from correspondence import api
from correspondence.cli import main
from correspondence.errors import RenderFailed


def _template(path: Path, extra: str = "") -> Path:
    word = Document()
    for line in ("{{ co_quan[0] }} — {{ co_quan[1] }}", "Số: {{ so_ky_hieu }}", "{{ dia_danh_ngay }}", "{{ vv }}",
                 "Kính gửi: {{ kinh_gui | join(' ') }}", "{%p for doan in noi_dung %}", "{{ doan }}", "{%p endfor %}",
                 "{{ tham_quyen | join(' / ') }}", "{{ ho_ten }}", "Hạn: {{ du_lieu.han_de_xuat | ngay }}", extra):
        if line:
            word.add_paragraph(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    word.save(path)
    return path


def test_word_made_template_is_filled(make_record: Callable[..., Path], workspace: Path) -> None:
    _template(workspace / "templates" / "cong_van.docx")
    path = make_record(kinh_gui="Sở Xây dựng & Giao thông <tỉnh>")
    files = api.render(path, 3018, None, workspace / "out", workspace, ("docx",))
    texts = [p.text for p in Document(files[0]).paragraphs if p.text]
    assert texts[:5] == ["ỦY BAN NHÂN DÂN — TỈNH QUẢNG NINH", "Số: 3018/UBND-XD6", "Quảng Ninh, ngày 07 tháng 5 năm 2019",
                         "V/v rà soát, nâng cấp mức độ dịch vụ công trực tuyến",
                         "Kính gửi: Sở Xây dựng & Giao thông <tỉnh>"]
    assert texts[5].startswith("Xét đề nghị của Trung tâm Phục vụ Hành chính công tỉnh")
    assert "1. Thủ trưởng các Sở, Ban, ngành" in texts[6]
    assert texts[-3:] == ["TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Đặng Huy Hậu", "Hạn: ngày 30 tháng 5 năm 2019"]
    again = api.render(path, 3018, None, workspace / "out2", workspace, ("docx",))
    assert again[0].read_bytes() == files[0].read_bytes(), "reproducible bytes through the agency template too"


def test_unknown_name_is_a_located_error_not_a_blank(make_record: Callable[..., Path], workspace: Path) -> None:
    _template(workspace / "templates" / "cong_van.docx", "{{ so_cong_van }}")
    with pytest.raises(RenderFailed) as caught:
        api.render(make_record(), 1, None, workspace / "out", workspace, ("docx",))
    assert caught.value.message.startswith("cong_van.docx")
    assert "so_cong_van" in caught.value.message
    assert not (workspace / "out").exists()


def test_templates_check(workspace: Path) -> None:
    _template(workspace / "templates" / "cong_van.docx", "{{ so_cong_van }}")
    _template(workspace / "templates" / "giay_xac_nhan.docx")
    result = CliRunner().invoke(main, ["--lang", "vi", "templates", "check"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == "Lỗi: có 2 lỗi"
    assert lines[1].startswith("  templates/cong_van.docx: so_cong_van: tên này không có trong văn bản loại cong_van")
    assert lines[2] == "  templates/giay_xac_nhan.docx: không có loại 'giay_xac_nhan': đặt tên tệp theo loại, ví dụ cong_van.docx"
    (workspace / "templates" / "giay_xac_nhan.docx").unlink()
    _template(workspace / "templates" / "cong_van.docx")
    result = CliRunner().invoke(main, ["--lang", "vi", "templates", "check"])
    assert result.exit_code == 0 and result.output == "Đã kiểm tra 1 mẫu Word, không có lỗi.\n"
