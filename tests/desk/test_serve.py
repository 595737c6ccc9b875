"""``correspondence serve`` for real: the command starts the desk in its own process, on SQLite for one clerk; the same
desk signs in on a PostgreSQL register for an office of many clerks."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from correspondence import api
from tests.desk import AGENCY, PASSWORD
from tests.desk.conftest import csrf_of


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_opens_the_desk_of_the_office_folder(office: Path) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "correspondence", "serve", "--port", str(port)], cwd=office,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "CORRESPONDENCE_LANG": "vi"})
    try:
        deadline = time.monotonic() + 30
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        while True:
            try:
                login = browser.open(f"http://127.0.0.1:{port}/dang-nhap", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the desk did not start"
                time.sleep(0.1)
        text = login.read().decode("utf-8")
        assert login.status == 200 and "Đăng nhập" in text
        form = urllib.parse.urlencode({"csrf": csrf_of(text), "ten": "vanthu", "mat_khau": PASSWORD,
                                       "co_quan": AGENCY}).encode()
        home = browser.open(f"http://127.0.0.1:{port}/dang-nhap", data=form, timeout=10)  # follows the redirect
        assert home.status == 200 and "Sổ văn bản đi" in home.read().decode("utf-8")
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=20)
    assert "http://127.0.0.1:" in out  # it said where the desk is
    assert "Traceback" not in out


def test_the_desk_of_an_office_on_a_postgresql_register(examples_workspace: Path, postgres: Any) -> None:
    """Sign in, issue from the form, see the row in the register page: the register a PostgreSQL database."""
    from starlette.testclient import TestClient

    from correspondence.desk.app import create_app
    from tests.desk.test_compose import EXAMPLE

    url = postgres.fresh_database("desk_office")
    api.register_init(examples_workspace, AGENCY, url)
    api.user_add(examples_workspace, "vanthu", "van-thu", PASSWORD, AGENCY, url)
    with TestClient(create_app(examples_workspace, url), base_url="http://127.0.0.1:8000") as client:
        token = csrf_of(client.get("/dang-nhap").text)
        home = client.post("/dang-nhap", data={"csrf": token, "ten": "vanthu", "mat_khau": PASSWORD,
                                               "co_quan": AGENCY})
        assert home.status_code == 200 and "vanthu" in home.text
        form = {"csrf": csrf_of(client.get("/van-ban-moi").text), **EXAMPLE}
        issued = client.post("/van-ban-moi/ban-hanh", data=form)
        assert issued.status_code == 200, issued.text[:2000]
        number = re.search(r'<strong id="so-ky-hieu">([^<]+)</strong>', issued.text)
        assert number is not None
        assert number[1] in client.get("/so-van-ban-di").text
    [row] = api.register_list(examples_workspace, AGENCY, url)
    assert row.so_ky_hieu == number[1] and row.issued_by == "vanthu"
    assert api.register_list(examples_workspace, AGENCY) == []  # the office's SQLite register untouched
    assert re.search(r"\$argon2", api.user_list(examples_workspace, AGENCY, url)[0].mat_khau)


def test_serve_in_a_folder_that_is_no_office_says_so(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    result = CliRunner().invoke(main, ["-C", str(tmp_path), "serve", "--port", str(_free_port())])
    assert result.exit_code == 4, result.output
    assert "correspondence init" in result.output
    assert not (tmp_path / "registers").exists()  # nothing made behind the clerk's back


def test_the_desks_key_is_made_once_shared_with_the_clerks_group_and_checked(office: Path) -> None:
    """The key signing the sessions: made on the first start with the mode of the tool's files (the group of a shared
    folder reads it, so every clerk's desk starts; other users cannot), the same at the next start; a damaged one is
    refused, saying which file."""
    import stat

    from correspondence.errors import RegisterUnavailable

    key_file = office / "registers" / ".desk-secret"
    key_file.unlink(missing_ok=True)
    before = os.umask(0o002)
    try:
        first = api.session_key(office)
    finally:
        os.umask(before)
    assert stat.filemode(key_file.stat().st_mode) == "-rw-rw----"
    assert api.session_key(office) == first and len(first) >= 32
    key_file.write_text("ngan")
    try:
        api.session_key(office)
    except RegisterUnavailable as error:
        assert ".desk-secret" in error.message
    else:
        raise AssertionError("a damaged key was taken")


def test_behind_an_https_server_the_sign_in_cookie_is_never_sent_over_plain_http(office: Path) -> None:
    """``serve --https-only``: the desk is reached through the office's HTTPS server, so its session cookie is marked
    Secure (a browser then never sends it over plain HTTP); without it the cookie is not (the desk on plain HTTP in the
    office's network would lose every sign-in)."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "correspondence", "serve", "--https-only", "--port", str(port)],
                              cwd=office, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "CORRESPONDENCE_LANG": "vi"})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                login = urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the desk did not start"
                time.sleep(0.1)
        cookie = login.headers["set-cookie"]
        assert cookie.startswith("correspondence_desk=") and "; secure" in cookie.lower(), cookie
    finally:
        server.terminate()
        server.communicate(timeout=20)
    from starlette.testclient import TestClient

    from correspondence.desk.app import create_app

    with TestClient(create_app(office), base_url="http://127.0.0.1:8000") as client:
        cookie = client.get("/dang-nhap").headers["set-cookie"]
        assert cookie.startswith("correspondence_desk=") and "secure" not in cookie.lower(), cookie
