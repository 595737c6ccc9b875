"""The desk in a real browser: Debian's chromium driven by Playwright for Python, against the desk served by uvicorn
on a free loopback port.

- ``chromium``: the browser's executable. When it is missing and the tests run as root, it is installed with apt-get
  (Playwright's own browser download is not reachable); otherwise the browser tests are skipped, saying why.
- ``desk_server``: the office's desk (``tests.desk.conftest.office``) served by uvicorn in a thread; its address.
- ``browser``: one headless chromium for the test module.
- ``signed_in(name)``: a new browser context (its own cookies), signed in through the login page; its page.
- ``shot(page, name)``: a screenshot of the page. Written to ``docs/img/<name>.png`` when ``DESK_SCREENSHOTS`` names
  that folder (``DESK_SCREENSHOTS=docs/img pytest tests/desk``), else into the test's temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.apt import installed
from tests.desk import AGENCY, PASSWORD

CHROMIUM_PLACES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Without these, chromium reaches for Google's hosts at start, and the closed network refuses it, many times over.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-default-apps", "--disable-extensions", "--lang=vi-VN"]


def _found() -> str | None:
    return next((place for place in CHROMIUM_PLACES if os.access(place, os.X_OK)), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The chromium executable, installed with apt-get when missing (as root; another worker installing it at the
    same time is waited for)."""
    found, why = installed(["chromium"], _found)
    if found is None:
        pytest.skip(why)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A desk served by uvicorn in a thread of this process, on a free loopback port."""

    def __init__(self, office: Path, register_url: str | None = None) -> None:
        import uvicorn

        from correspondence.desk.app import create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(office, register_url), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the desk did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def desk_server(office: Path) -> Iterator[str]:
    """The office's desk, served on loopback: its address."""
    served = Served(office)
    yield served.url
    served.stop()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    """One headless Debian chromium for the module, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def sign_in_page(browser: Any, url: str, name: str, password: str = PASSWORD) -> Any:
    """A new context (its own cookies) signed in as ``name`` through the login page; its page, on the home page."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{url}/dang-nhap")
    if page.locator("select[name=co_quan]").count():
        page.select_option("select[name=co_quan]", AGENCY)
    page.fill("input[name=ten]", name)
    page.fill("input[name=mat_khau]", password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def signed_in(browser: Any, desk_server: str) -> Iterator[Callable[[str], Any]]:
    """``signed_in("vanthu")``: a page signed in as that account (each call its own context), closed after."""
    contexts: list[Any] = []

    def open_as(name: str) -> Any:
        page = sign_in_page(browser, desk_server, name)
        contexts.append(page.context)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def shot(tmp_path: Path) -> Callable[[Any, str], Path]:
    """Save a screenshot of a page as ``<name>.png``: in ``$DESK_SCREENSHOTS`` (docs/img) when set, else in the
    test's temporary folder. Its path."""
    from tests.conftest import ROOT

    wanted = os.environ.get("DESK_SCREENSHOTS")
    folder = (ROOT / wanted) if wanted else tmp_path

    def take(page: Any, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path

    return take
