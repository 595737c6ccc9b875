"""The rooms of the desk through the whole application (Starlette's TestClient): the outgoing register (filters by
period, a row with its events, signatures and files, void, export), the incoming book (receive from an upload,
assign, done, overdue), hồ sơ, search, the remote signature's two steps, and what each role may not do; no row or
file of another agency is shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from correspondence import api
from tests.desk import AGENCY
from tests.desk.conftest import csrf_of

OTHER = "ubnd-ninh-thuan"


def _issue(office: Path) -> Any:
    return api.issue([office / "examples" / "cong-van-3018.yaml"], office)[0].entry


def test_the_register_lists_the_issued_row(office: Path, sign_in: Any) -> None:
    entry = _issue(office)
    client = sign_in("vanthu")
    page = client.get("/so-van-ban-di")
    assert page.status_code == 200, page.text
    assert entry.so_ky_hieu in page.text and f'href="/so-van-ban-di/{entry.id}"' in page.text
    row = client.get(f"/so-van-ban-di/{entry.id}")
    assert row.status_code == 200, row.text
    print(row.text)
