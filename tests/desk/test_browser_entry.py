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


def test_the_guide_shows_every_page_the_browser_tests_picture() -> None:
    """docs/ban-lam-viec.md shows each screenshot the browser tests take (``shot(page, NAME)``), and each picture it
    shows is in docs/img/ (drawn again with DESK_SCREENSHOTS=docs/img)."""
    import re

    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "ban-lam-viec.md").read_text("utf-8")
    shown = set(re.findall(r"\]\(img/([\w-]+)\.png\)", guide))
    taken = {name for path in (ROOT / "tests" / "desk").glob("test_browser_*.py")
             for name in re.findall(r'shot\(page, "([\w-]+)"\)', path.read_text("utf-8"))}
    assert taken and taken == shown
    assert all((ROOT / "docs" / "img" / f"{name}.png").is_file() for name in shown)
