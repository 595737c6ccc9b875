"""The desk's door, through the whole application: sign-in and its refusals, the session, CSRF, other sites, the
reader's language, bounded requests and the headers of every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from correspondence import api
from tests.desk import AGENCY, PASSWORD
from tests.desk.conftest import csrf_of


def test_every_page_but_the_login_page_needs_a_sign_in(client: Any) -> None:
    """Every route of every room: a page asked for is the way to the login page, a form posted is refused."""
    import re

    from correspondence.desk.pages import ROUTES

    for route in ROUTES:
        if route.path == "/dang-nhap":
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            answer = client.request(method, path, follow_redirects=False)
            if method == "GET":
                assert answer.status_code == 303, (method, path)
                assert answer.headers["location"].startswith("/dang-nhap"), path
            else:
                assert answer.status_code == 401 and "Hãy đăng nhập" in answer.text, (method, path)
    login = client.get("/dang-nhap")
    assert login.status_code == 200
    assert 'type="password"' in login.text and "Đăng nhập" in login.text


def test_signing_in_shows_the_rooms_in_vietnamese(sign_in: Any) -> None:
    client = sign_in("vanthu")
    home = client.get("/").text
    for link in ("Văn bản mới", "Sổ văn bản đi", "Văn bản đến", "Hồ sơ", "Tìm kiếm"):
        assert link in home
    assert "vanthu" in home
    english = client.get("/?lang=en").text
    assert "Outgoing register" in english and "Sổ văn bản đi" not in english
    assert "Outgoing register" in client.get("/").text  # the language stays for the session


def test_the_header_names_the_role_in_words(sign_in: Any) -> None:
    import re

    for name, words, english in (("vanthu", "văn thư", "records clerk"), ("lanhdao", "lãnh đạo", "leader"),
                                 ("chuyenvien", "chuyên viên", "specialist")):
        client = sign_in(name)
        role = re.search(r'<span class="role">([^<]*)</span>', client.get("/").text)
        assert role and role[1] == words, (name, role)
        role = re.search(r'<span class="role">([^<]*)</span>', client.get("/?lang=en").text)
        assert role and english in role[1] and "-" not in role[1], (name, role)
        client.get("/?lang=vi")
    refused = client.post("/so-van-ban-di/1/huy", data={"csrf": csrf_of(client.get("/").text), "ly_do": "x"})
    assert refused.status_code == 403 and "(chuyên viên)" in refused.text and "chuyen-vien" not in refused.text


def test_a_wrong_password_is_refused_then_paused(client: Any) -> None:
    token = csrf_of(client.get("/dang-nhap").text)
    for _attempt in range(5):
        answer = client.post("/dang-nhap", data={"csrf": token, "ten": "vanthu", "mat_khau": "sai-roi-nhe",
                                                 "co_quan": AGENCY})
        assert answer.status_code == 401 and "Sai tên tài khoản hoặc mật khẩu" in answer.text
    paused = client.post("/dang-nhap", data={"csrf": token, "ten": "vanthu", "mat_khau": PASSWORD,
                                             "co_quan": AGENCY})
    assert paused.status_code == 429 and "đợi một phút" in paused.text
    assert client.get("/", follow_redirects=False).status_code == 303  # still not signed in


def test_a_login_without_the_forms_token_is_refused(client: Any) -> None:
    client.get("/dang-nhap")
    answer = client.post("/dang-nhap", data={"csrf": "gia-mao", "ten": "vanthu", "mat_khau": PASSWORD,
                                             "co_quan": AGENCY})
    assert answer.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_the_sessions_token_or_from_another_site_is_refused(sign_in: Any) -> None:
    client = sign_in("vanthu")
    token = csrf_of(client.get("/").text)
    assert client.post("/dang-xuat", data={"csrf": "khac"}, follow_redirects=False).status_code == 403
    other = client.post("/dang-xuat", data={"csrf": token}, headers={"origin": "http://ke-gian.example"},
                        follow_redirects=False)
    assert other.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in
    out = client.post("/dang-xuat", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_removed_account_loses_its_session(office: Path, sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    assert client.get("/", follow_redirects=False).status_code == 200
    api.user_remove(office, "chuyenvien", AGENCY)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_carry_security_headers_and_bodies_are_bounded(client: Any) -> None:
    page = client.get("/dang-nhap")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    huge = client.post("/dang-nhap", content=b"x" * (21 * 1024 * 1024),
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 413


def test_an_unknown_page_is_a_page_in_vietnamese(sign_in: Any) -> None:
    answer = sign_in("vanthu").get("/khong-co-trang-nay")
    assert answer.status_code == 404 and "Không có trang này" in answer.text
    assert "Traceback" not in answer.text


def test_many_names_tried_from_one_computer_pause_it_too(client: Any, monkeypatch: Any) -> None:
    """Trying name after name from one address (each wrong a few times only) pauses that address."""
    from correspondence.desk import web

    monkeypatch.setattr(web, "ADDRESS_TRIES", 8)  # the same rule, fewer (slow on purpose) password checks
    token = csrf_of(client.get("/dang-nhap").text)
    for attempt in range(8):
        answer = client.post("/dang-nhap", data={"csrf": token, "ten": f"ten-{attempt}", "mat_khau": "sai-roi-nhe",
                                                 "co_quan": AGENCY})
        assert answer.status_code == 401
    paused = client.post("/dang-nhap", data={"csrf": token, "ten": "vanthu", "mat_khau": PASSWORD, "co_quan": AGENCY})
    assert paused.status_code == 429


def test_what_is_remembered_of_wrong_passwords_stays_bounded(monkeypatch: Any) -> None:
    from correspondence.desk import web

    monkeypatch.setattr(web, "MAX_REMEMBERED", 200)  # the same rule on a smaller table
    desk = web.Desk(Path("."), None, [], "k", web.templates())
    for number in range(web.MAX_REMEMBERED * 2):
        web.login_failed(desk, f"10.0.{number // 250}.{number % 250}", f"ten-{number}")
    assert len(desk.failures) <= web.MAX_REMEMBERED
