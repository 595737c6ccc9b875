"""What happens after a number is taken: a failure then is said as a number taken (never "nothing was issued"),
and every link an issue makes (the note on the document a đính chính corrects) is made even after a crash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from correspondence import api, storage
from correspondence.cli import main
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service
from tests.conftest import crash_after_numbering

D = dt.date(2019, 5, 7)
E = dt.date(2019, 5, 9)


def test_an_unexpected_failure_after_the_number_says_the_number_is_taken(make_record: Callable[..., Path],
                                                                         workspace: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    record = make_record("a.yaml")

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a fault of the tool after the number")

    monkeypatch.setattr(storage, "publish", broken)
    result = CliRunner().invoke(main, ["--lang", "vi", "issue", str(record), "--ngay", "07/05/2019"])
    assert result.exit_code == 6, result.output
    assert "Lỗi nội bộ" not in result.output and "không ban hành gì" not in result.output
    assert "01/UBND-XD6" in result.output and "RuntimeError" in result.output
    assert "register verify" in result.output
    monkeypatch.undo()
    row = service.show(workspace, "01/UBND-XD6")
    assert row.pending and row.status == "issued", "numbered, its files still to be written"
    report = service.verify(workspace)
    assert report.problems == [] and (workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").is_file()
    assert not service.show(workspace, "01/UBND-XD6").pending


def test_a_dinh_chinh_completed_after_a_crash_still_notes_the_original(make_record: Callable[..., Path],
                                                                       workspace: Path, register_url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url)
    path = workspace / "dc.yaml"
    api.dinh_chinh(workspace, "01/UBND-XD6", path, register_url=register_url)
    path.write_text(path.read_text("utf-8").replace(
        "Tại … (trang …, dòng …) đã ghi: “…”; nay sửa lại là: “…”.",
        "Tại trang 1, dòng 5 đã ghi: “30/5/2019”; nay sửa lại là: “31/5/2019”."), "utf-8")
    crash_after_numbering(lambda: issue([path], workspace, E, register_url))
    assert service.show(workspace, "01/UBND-XD6", register_url=register_url).ghi_chu is None, "not noted yet"
    report = service.verify(workspace, register_url=register_url)  # completes what the crash left
    assert report.problems == []
    original = service.show(workspace, "01/UBND-XD6", register_url=register_url)
    assert original.ghi_chu == "Đính chính bằng 02/UBND-XD6"
    again = service.verify(workspace, register_url=register_url)
    assert again.problems == []
    assert service.show(workspace, "01/UBND-XD6", register_url=register_url).ghi_chu == "Đính chính bằng 02/UBND-XD6", \
        "noted once"
