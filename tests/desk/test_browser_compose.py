"""The room "Văn bản mới" in a real browser (Debian's chromium): the form, the signer's thẩm quyền refreshed, the
preview picture, issuing and the PDF downloaded, a chuyên viên without the button, script shown as text, and two
clerks issuing at once given different numbers."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from correspondence import api
from tests.desk import AGENCY
from tests.desk.browser import Served, sign_in_page

BODY = "Ủy ban nhân dân tỉnh có ý kiến như sau:\n\n1. Các Sở, ngành rà soát dịch vụ công trực tuyến."


def _fill(page: Any, trich_yeu: str) -> None:
    page.fill("textarea[name=trich_yeu]", trich_yeu)
    page.fill("textarea[name=kinh_gui]", "Các Sở, Ban, ngành trong tỉnh\nUBND các huyện, thị xã, thành phố")
    page.fill("textarea[name=noi_dung]", BODY)
    page.fill("textarea[name=noi_nhan]", "Như trên\nCT, các PCT UBND tỉnh (b/c)")


def _options(page: Any, name: str) -> list[str]:
    return list(page.eval_on_selector_all(f"select[name={name}] option", "els => els.map(e => e.value)"))


def test_form_preview_issue_and_the_pdf(signed_in: Any, office: Path, shot: Any) -> None:
    import pdfplumber

    page = signed_in("vanthu")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("link", name="Văn bản mới").first.click()
    page.wait_for_load_state()
    assert _options(page, "tham_quyen") == ["KT", "Q"]
    page.select_option("select[name=nguoi_ky]", "nguyen_van_thang")  # htmx asks for the head's thẩm quyền
    page.wait_for_function("() => [...document.querySelectorAll('select[name=tham_quyen] option')]"
                           ".some(o => o.value === 'TM')")
    assert "KT" not in _options(page, "tham_quyen")
    page.select_option("select[name=nguoi_ky]", "dang_huy_hau")
    page.wait_for_function("() => [...document.querySelectorAll('select[name=tham_quyen] option')]"
                           ".some(o => o.value === 'KT')")
    _fill(page, "rà soát, nâng cấp mức độ dịch vụ công trực tuyến")
    shot(page, "van-ban-moi")
    page.get_by_role("button", name="Xem trước").click()
    picture = page.locator("#xem-truoc img#anh-trang")
    picture.wait_for(timeout=10_000)
    page.wait_for_function("() => { const i = document.querySelector('#anh-trang'); return i && i.complete && "
                           "i.naturalWidth > 500; }")
    shot(page, "xem-truoc")
    page.get_by_role("button", name="Ban hành").click()
    page.wait_for_load_state()
    number = page.locator("#so-ky-hieu").inner_text()
    assert re.fullmatch(r"\d+/UBND-XD6", number)
    assert dialogs == []
    shot(page, "ban-hanh")
    rows = api.register_list(office, AGENCY)
    assert [row.so_ky_hieu for row in rows] == [number] and rows[0].issued_by == "vanthu"
    with page.expect_download() as waiting:
        page.locator("a[href$='.pdf']").first.click()
    with pdfplumber.open(io.BytesIO(Path(waiting.value.path()).read_bytes())) as document:
        text = " ".join(" ".join((p.extract_text() or "") for p in document.pages).split())
    assert number in text and "rà soát, nâng cấp mức độ dịch vụ công trực tuyến" in text


def test_script_typed_into_a_field_runs_nowhere(signed_in: Any, office: Path) -> None:
    """Script typed into the trích yếu is text on the form, in the preview and after issuing: no dialog ever opens."""
    page = signed_in("vanthu")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page.url.rstrip("/") + "/van-ban-moi")
    _fill(page, 'rà soát dịch vụ công <script>alert("x")</script><img src=x onerror=alert(1)>')
    page.get_by_role("button", name="Xem trước").click()
    page.locator("#xem-truoc img#anh-trang").wait_for(timeout=10_000)
    page.get_by_role("button", name="Ban hành").click()
    page.wait_for_load_state()
    assert '<script>alert("x")</script>' in page.locator("main").inner_text()  # shown as text, never run
    assert page.locator("main img[src=x]").count() == 0
    assert dialogs == []


def test_a_problem_is_shown_in_the_browser_at_its_field(signed_in: Any, office: Path) -> None:
    page = signed_in("chuyenvien")
    page.goto(page.url.rstrip("/") + "/van-ban-moi")
    assert page.get_by_role("button", name="Ban hành").count() == 0  # a chuyên viên drafts, never issues
    token = page.locator("input[name=csrf]").first.input_value()
    forged = page.request.post(page.url.split("/van-ban-moi")[0] + "/van-ban-moi/ban-hanh",
                               form={"csrf": token, "loai": "cong_van", "trich_yeu": "tự ban hành"})
    assert forged.status == 403  # and the request itself, sent with the session, is refused
    assert api.register_list(office, AGENCY) == []
    _fill(page, "")
    page.get_by_role("button", name="Xem trước").click()
    page.locator("#loi-trich_yeu p").wait_for(timeout=10_000)
    assert "thiếu trường bắt buộc" in page.locator("#loi-trich_yeu").inner_text()
    assert page.locator("#anh-trang").count() == 0
    refused = page.request.post(page.url.split("/van-ban-moi")[0] + "/van-ban-moi/ban-hanh",
                                form={"csrf": page.input_value("input[name=csrf]"), "loai": "cong_van"},
                                headers={"origin": page.url.split("/van-ban-moi")[0]})
    assert refused.status == 403
    assert api.register_list(office, AGENCY) == []


def test_two_clerks_issuing_at_once_get_different_numbers(browser: Any, signed_in: Any, office: Path) -> None:
    second = Served(office)  # a second desk on the same register: two servers, two browsers
    try:
        pages = [signed_in("vanthu"), sign_in_page(browser, second.url, "vanthu")]
        for index, page in enumerate(pages):
            page.goto(page.url.rstrip("/") + "/van-ban-moi")
            _fill(page, f"rà soát dịch vụ công, lần {index + 1}")
        for page in pages:  # both requests go out before either answer is read
            page.get_by_role("button", name="Ban hành").click(no_wait_after=True)
        numbers = []
        for page in pages:
            page.locator("#so-ky-hieu").wait_for(timeout=30_000)
            numbers.append(page.locator("#so-ky-hieu").inner_text())
        pages[1].context.close()
    finally:
        second.stop()
    assert len(set(numbers)) == 2, numbers
    assert sorted(row.so_ky_hieu for row in api.register_list(office, AGENCY)) == sorted(numbers)
