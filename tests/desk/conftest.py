"""The desk's fixtures: an office with its register and one account of each role, and a client signed in as one of
them (Starlette's TestClient: real requests through the whole application, without a browser)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.desk import ACCOUNTS, AGENCY, PASSWORD


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found[1]


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The argon2 hash of the tests' password, made once (each hash costs a tenth of a second on purpose)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(PASSWORD)


@pytest.fixture
def office(examples_workspace: Path, password_hash: str) -> Path:
    """The examples' office (two agencies) with the register of ubnd-quang-ninh and an account of each role (added
    to the register as ``user add`` adds them, their events chained; the hash made once for the session —
    tests/desk/test_accounts.py goes through ``user add`` itself)."""
    from correspondence.register.store import Register

    with Register(f"sqlite:///{examples_workspace / 'registers' / f'{AGENCY}.sqlite'}") as register:
        for name, role in ACCOUNTS.items():
            register.user_add(AGENCY, name, role, password_hash)
    return examples_workspace


@pytest.fixture
def client(office: Path) -> Any:
    """A client of the office's desk, not signed in."""
    from starlette.testclient import TestClient

    from correspondence.desk.app import create_app

    with TestClient(create_app(office), base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture
def sign_in(client: Any) -> Callable[[str], Any]:
    """Sign the client in as one of the accounts; the client, its session on."""

    def run(name: str, password: str = PASSWORD) -> Any:
        token = csrf_of(client.get("/dang-nhap").text)
        answer = client.post("/dang-nhap", data={"csrf": token, "ten": name, "mat_khau": password, "co_quan": AGENCY})
        assert answer.status_code == 200 and answer.url.path == "/", answer.text[:500]
        return client

    return run


from tests.desk.browser import browser, chromium, desk_server, shot, signed_in  # noqa: E402, F401
