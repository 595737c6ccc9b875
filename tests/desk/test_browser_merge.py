"""The mail merge in a real browser (Debian's chromium): the examples' giấy mời typed into the form, the examples'
guest list (examples/khach-moi.csv) uploaded, the mapping, recipients and page 1 previewed, then each guest's giấy
mời issued with its own number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from correspondence import api
from tests.desk import AGENCY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_upload_a_list_preview_and_issue_a_document_a_row(signed_in: Any, office: Path, shot: Any) -> None:
    record = yaml.safe_load((EXAMPLES / "giay-moi.yaml").read_text("utf-8"))
    page = signed_in("vanthu")
    page.get_by_role("link", name="Văn bản mới").first.click()
    page.select_option("#chon-loai", "giay_moi")
    page.get_by_role("button", name="Chọn").click()
    page.wait_for_load_state()
    page.select_option("select[name=don_vi]", record["don_vi"])
    page.fill("textarea[name=trich_yeu]", record["trich_yeu"])
    page.fill("textarea[name=noi_dung]", record["noi_dung"])
    page.select_option("select[name=nguoi_ky]", record["ky"]["nguoi_ky"])
    page.wait_for_function("() => [...document.querySelectorAll('select[name=tham_quyen] option')]"
                           ".some(o => o.value === 'KT')")
    page.select_option("select[name=tham_quyen]", record["ky"]["tham_quyen"])
    page.fill("textarea[name=noi_nhan]", "\n".join(record["noi_nhan"]))
    page.set_input_files("input[name=danh_sach]", str(EXAMPLES / "khach-moi.csv"))
    page.check("input[name=in_chung]")
    page.get_by_role("button", name="Xem trước").click()
    page.locator("#tron-thu-cot").wait_for(timeout=15_000)
    page.wait_for_function("() => { const i = document.querySelector('#anh-trang'); return i && i.complete && "
                           "i.naturalWidth > 500; }")
    mapping = page.locator("#tron-thu-cot").inner_text()
    assert "{{ ten }}" in mapping and "trường kinh_gui" in mapping
    recipients = page.locator("#tron-thu-nguoi-nhan").inner_text()
    assert "Ông Nguyễn Văn A" in recipients and "Bà Trần Thị B" in recipients
    assert api.register_list(office, AGENCY) == []
    shot(page, "tron-thu")
    page.get_by_role("button", name="Ban hành").click()
    page.locator("#tron-thu-so").wait_for(timeout=30_000)
    numbers = page.locator("#tron-thu-so .so-ky-hieu").all_inner_texts()
    rows = api.register_list(office, AGENCY)
    assert len(numbers) == 2 and sorted(numbers) == sorted(row.so_ky_hieu for row in rows)
    assert {row.issued_by for row in rows} == {"vanthu"}
    assert page.locator("#in-chung").count() == 1
    shot(page, "tron-thu-ban-hanh")
