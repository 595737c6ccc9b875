"""The desk's door in a real browser (Debian's chromium): a clerk signs in and sees the rooms; a wrong password is
refused on the page itself."""

from __future__ import annotations

from typing import Any

from tests.desk.browser import sign_in_page


def test_a_clerk_signs_in_and_sees_the_rooms(signed_in: Any, shot: Any) -> None:
    page = signed_in("vanthu")
    assert page.url.endswith("/")
    nav = page.locator("header nav").inner_text()
    for link in ("Văn bản mới", "Sổ văn bản đi", "Văn bản đến", "Hồ sơ", "Tìm kiếm"):
        assert link in nav
    shot(page, "trang-chu")


def test_a_wrong_password_is_refused_in_the_browser(browser: Any, desk_server: str, shot: Any) -> None:
    page = sign_in_page(browser, desk_server, "vanthu", "khong-dung-dau")
    assert "/dang-nhap" in page.url
    assert "Sai tên tài khoản hoặc mật khẩu" in page.locator("[role=alert]").inner_text()
    assert page.locator("input[type=password]").count() == 1
    shot(page, "dang-nhap")
    page.context.close()
