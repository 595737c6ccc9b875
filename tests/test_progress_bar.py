"""The progress bar: on a terminal only, and only for work that lasts (BAR_AFTER seconds)."""

from __future__ import annotations

import io
import sys
import time

import pytest

from correspondence.cli import printing as cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_task_shows_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr(cli, "BAR_AFTER", 0.05)
    with cli.busy("đang xuất sổ") as update:
        update(3, 10)
        time.sleep(0.4)
    shown = screen.getvalue()
    assert "đang xuất sổ" in shown and "3/10" in shown


def test_a_short_task_or_no_terminal_shows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with cli.busy("nhanh") as update:
        update(1, 1)
    assert "nhanh" not in screen.getvalue()
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    monkeypatch.setattr(cli, "BAR_AFTER", 0.0)
    with cli.busy("không phải terminal") as update:
        update(1, 2)
        time.sleep(0.2)
    assert plain.getvalue() == ""
