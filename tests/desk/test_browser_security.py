"""The desk's refusals in a real browser (Debian's chromium): a form another site makes the clerk's browser post is
refused, and another agency's rows and files are not there, even typed into the address bar."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from correspondence import api
from tests.desk import AGENCY

OTHER = "ubnd-ninh-thuan"


@pytest.fixture
def hostile_site(desk_server: str) -> Iterator[str]:
    """Another site (another port of loopback) whose page posts a void form to the desk as soon as it loads."""
    page = (f'<html><body><form id="f" method="post" action="{desk_server}/so-van-ban-di/1/huy">'
            '<input name="ly_do" value="bị hủy từ trang khác"><input name="csrf" value="doan-mo">'
            '</form><script>document.getElementById("f").submit()</script></body></html>').encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


def test_a_form_posted_from_another_site_changes_nothing(office: Path, signed_in: Any, hostile_site: str) -> None:
    [issued] = api.issue([office / "examples" / "cong-van-3018.yaml"], office)
    page = signed_in("vanthu")  # the clerk is signed in, then opens the other site in the same browser
    with page.expect_navigation():
        page.goto(hostile_site)
    page.wait_for_load_state()
    assert "/so-van-ban-di/1/huy" in page.url  # the other site's form was posted to the desk
    body = page.locator("body").inner_text()
    assert "bị hủy từ trang khác" not in body
    assert "Đăng nhập" in body or "Bị từ chối" in body  # the session's cookie is not sent, or the token is wrong
    assert api.register_show(office, issued.entry.so_ky_hieu, AGENCY).status == "issued"


def test_another_agencys_rows_and_files_are_not_there(office: Path, signed_in: Any, desk_server: str) -> None:
    [ours] = api.issue([office / "examples" / "cong-van-3018.yaml"], office)
    theirs = _other_agencys_document(office)
    page = signed_in("vanthu")
    page.goto(f"{desk_server}/so-van-ban-di")
    listed = page.locator("main").inner_text()
    assert ours.entry.so_ky_hieu in listed and theirs.entry.so_ky_hieu not in listed
    pdf = next(path for path in theirs.files if path.suffix == ".pdf")
    for address in (f"/van-ban-moi/tai-ve/{pdf.relative_to(office / 'output' / OTHER).as_posix()}",
                    f"/van-ban-moi/tai-ve/../{OTHER}/{pdf.relative_to(office / 'output' / OTHER).as_posix()}"):
        answer = page.goto(desk_server + address)
        assert answer is not None and answer.status == 404, address
        assert "%PDF" not in page.content()


def _other_agencys_document(office: Path, register_url: str | None = None) -> Any:
    """A document of the office's other agency (its own number, files and words)."""
    if register_url is None:
        api.register_init(office, OTHER)
    text = (office / "examples" / "cong-van-3018.yaml").read_text("utf-8")
    text = text.replace(f"co_quan: {AGENCY}", f"co_quan: {OTHER}").replace("don_vi: XD6", "don_vi: VXNV")
    text = text.replace("nguoi_ky: dang_huy_hau", "nguoi_ky: pho_chu_tich")
    record = office / "ninh-thuan.yaml"
    record.write_text(text, "utf-8")
    return api.issue([record], office, register=register_url)[0]


def test_in_one_register_shared_by_two_agencies_the_other_agencys_rows_are_not_there(
        examples_workspace: Path) -> None:
    """Two agencies of one office in ONE register (a PostgreSQL register is shared so): a row of the other agency,
    asked for by its id, is no page and serves no file."""
    from starlette.testclient import TestClient

    from correspondence.desk.app import create_app
    from tests.desk import PASSWORD
    from tests.desk.conftest import csrf_of

    shared = f"sqlite:///{examples_workspace / 'registers' / 'chung.sqlite'}"
    api.register_init(examples_workspace, AGENCY, shared)
    api.user_add(examples_workspace, "vanthu", "van-thu", PASSWORD, AGENCY, shared)
    theirs = _other_agencys_document(examples_workspace, shared)
    [ours] = api.issue([examples_workspace / "examples" / "cong-van-3018.yaml"], examples_workspace,
                       register=shared)
    assert theirs.entry.id != ours.entry.id
    with TestClient(create_app(examples_workspace, shared), base_url="http://127.0.0.1:8000") as client:
        token = csrf_of(client.get("/dang-nhap").text)
        client.post("/dang-nhap", data={"csrf": token, "ten": "vanthu", "mat_khau": PASSWORD, "co_quan": AGENCY})
        mine = client.get(f"/so-van-ban-di/{ours.entry.id}")
        assert mine.status_code == 200
        token = csrf_of(mine.text)  # the session's token after signing in
        for address in (f"/so-van-ban-di/{theirs.entry.id}", f"/so-van-ban-di/{theirs.entry.id}/tep/0",
                        f"/so-van-ban-di/{theirs.entry.id}/tep/1"):
            answer = client.get(address)
            assert answer.status_code == 404 and not answer.content.startswith(b"%PDF"), address
        voided = client.post(f"/so-van-ban-di/{theirs.entry.id}/huy", data={"csrf": token, "ly_do": "thử"})
        assert voided.status_code == 404
        listing = client.get("/so-van-ban-di").text
        assert ours.entry.so_ky_hieu in listing and "VXNV" not in listing
    assert api.register_show(examples_workspace, theirs.entry.so_ky_hieu, OTHER, register_url=shared).status == \
        "issued"
