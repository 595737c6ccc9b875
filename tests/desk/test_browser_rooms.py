"""The rooms in a real browser (Debian's chromium): the register after an issue and a row of it, a number voided with
its reason, a received file uploaded, a hồ sơ, and search typed without diacritics; with the screenshots of the
docs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from correspondence import api
from tests.desk import AGENCY


def _issue(office: Path) -> Any:
    return api.issue([office / "examples" / "cong-van-3018.yaml"], office)[0].entry


def test_the_register_after_an_issue_and_a_number_voided_in_the_browser(office: Path, signed_in: Any,
                                                                        shot: Any) -> None:
    entry = _issue(office)
    page = signed_in("vanthu")
    page.get_by_role("link", name="Sổ văn bản đi").first.click()
    page.wait_for_load_state()
    assert entry.so_ky_hieu in page.locator("table.register").inner_text()
    shot(page, "so-van-ban-di")
    page.get_by_role("link", name=entry.so_ky_hieu).click()
    page.wait_for_load_state()
    assert "Đặng Huy Hậu" in page.locator("table.fields").inner_text()
    assert "cấp số" in page.locator("table.events").inner_text()
    shot(page, "van-ban")
    page.fill("input[name=ly_do]", "Ghi sai nơi nhận")
    page.get_by_role("button", name="Hủy số này").click()
    page.wait_for_load_state()
    assert "ĐÃ HỦY" in page.locator("h1").inner_text()
    assert "Ghi sai nơi nhận" in page.locator("table.fields").inner_text()
    assert page.get_by_role("button", name="Hủy số này").count() == 0
    events = page.locator("table.events").inner_text()
    assert "hủy" in events and "vanthu" in events
    row = api.register_show(office, entry.so_ky_hieu, AGENCY)
    assert row.status == "voided"


def test_a_received_file_is_uploaded_in_the_browser(office: Path, signed_in: Any, shot: Any,
                                                    tmp_path: Path) -> None:
    import pikepdf

    received = tmp_path / "cong-van-so-tai-chinh.pdf"
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    received.write_bytes(out.getvalue())
    page = signed_in("vanthu")
    page.goto(page.url.rstrip("/") + "/van-ban-den")
    page.set_input_files("input[name=tep]", str(received))
    page.fill("input[name=tac_gia]", "Sở Tài chính")
    page.fill("input[name=so_ky_hieu]", "123/STC-NS")
    page.fill("input[name=ngay_van_ban]", "02/05/2019")
    page.fill("input[name=trich_yeu]", "Công văn về dự toán ngân sách")
    page.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_load_state()
    assert "Số đến 1" in page.locator("h1").inner_text()
    assert "Sở Tài chính" in page.locator("table.fields").inner_text()
    (item,) = api.incoming_list(office, None, False, AGENCY)
    assert (office / item.files[0]["path"]).read_bytes() == received.read_bytes()
    page.get_by_role("link", name="Văn bản đến").first.click()
    page.wait_for_load_state()
    assert "Công văn về dự toán ngân sách" in page.locator("table.incoming").inner_text()
    shot(page, "van-ban-den")


def test_search_without_diacritics_and_a_ho_so_in_the_browser(office: Path, signed_in: Any, shot: Any) -> None:
    entry = _issue(office)
    api.ho_so_create(office, "01.VP", "Hồ sơ về dịch vụ công trực tuyến", "10", 2019, agency=AGENCY)
    api.ho_so_add(office, "01.VP", entry.so_ky_hieu, 2019, AGENCY)
    page = signed_in("chuyenvien")
    page.get_by_role("link", name="Tìm kiếm").first.click()
    page.wait_for_load_state()
    page.fill("input[name=q]", "dich vu cong truc tuyen")
    page.locator("form.search button").click()
    page.wait_for_load_state()
    hits = page.locator("ol.hits").inner_text()
    assert entry.so_ky_hieu in hits and "dịch vụ công trực tuyến" in hits
    shot(page, "tim-kiem")
    page.goto(page.url.split("/tim-kiem")[0] + "/ho-so?nam=2019")
    page.get_by_role("link", name="01.VP").click()
    page.wait_for_load_state()
    assert entry.so_ky_hieu in page.locator("table.muc-luc").inner_text()
    shot(page, "ho-so")
