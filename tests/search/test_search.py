"""Full-text search: every word required, case and diacritics ignored (đ as d, NFD typed text too), ranked, the
matching line shown; the same results on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence.archive import hoso
from correspondence.cli import main
from correspondence.errors import UsageError
from correspondence.outgoing import issue
from correspondence.search import search

BODIES = {
    "a.yaml": ("triển khai dịch vụ công ở Đà Nẵng",
               "Ủy ban nhân dân tỉnh đề nghị **Sở Thông tin** triển khai dịch vụ công trực tuyến toàn trình.\n\n"
               "| Đơn vị | Số thủ tục |\n|---|---|\n| Sở Tư pháp | 12 |"),
    "b.yaml": ("họp giao ban", "Mời dự họp giao ban tuần về chuyển đổi số. ĐÀ NẴNG là tỉnh bạn."),
    "c.yaml": ("dịch vụ công", "Dịch vụ công, dịch vụ công và DỊCH VỤ CÔNG: ba lần trong một đoạn."),
}


def _corpus(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    for day, (name, (subject, body)) in enumerate(BODIES.items(), start=5):
        issue([make_record(name, trich_yeu=subject, noi_dung=body)], workspace, dt.date(2019, 5, day), register_url)


def _found(workspace: Path, text: str, register_url: str, **filters: object) -> list[str]:
    return [h.entry.so_ky_hieu for h in search(workspace, text, register_url=register_url, **filters)]  # type: ignore[arg-type]


def test_search_on_both_engines(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    _corpus(make_record, workspace, register_url)
    assert _found(workspace, "dịch vụ công", register_url) == ["03/UBND-XD6", "01/UBND-XD6"], "ranked by occurrences"
    assert _found(workspace, "DICH VU CONG", register_url) == ["03/UBND-XD6", "01/UBND-XD6"]
    nfd = unicodedata.normalize("NFD", "đà nẵng")
    assert _found(workspace, nfd, register_url) == ["02/UBND-XD6", "01/UBND-XD6"], "newest first among equals"
    assert _found(workspace, "da nang", register_url) == _found(workspace, "Đà Nẵng", register_url)
    assert _found(workspace, "sở tư pháp 12", register_url) == ["01/UBND-XD6"], "a table of the body is searched"
    assert _found(workspace, "đặng huy hậu giao ban", register_url) == ["02/UBND-XD6"], "the signer too"
    assert _found(workspace, "dịch vụ công", register_url, period=(dt.date(2019, 5, 6), dt.date(2019, 5, 31))) == [
        "03/UBND-XD6"]
    assert _found(workspace, "không có từ này", register_url) == []
    hits = search(workspace, "chuyen doi so", register_url=register_url)
    assert hits[0].line == "Mời dự họp giao ban tuần về chuyển đổi số. ĐÀ NẴNG là tỉnh bạn./."
    with pytest.raises(UsageError):
        search(workspace, " ... ", register_url=register_url)


def test_search_within_a_ho_so_and_from_the_command_line(make_record: Callable[..., Path], workspace: Path,
                                                         register_url: str) -> None:
    _corpus(make_record, workspace, register_url)
    hoso.create(workspace, "01.XD", "Hồ sơ dịch vụ công", "10", 2019, register_url=register_url)
    hoso.add(workspace, "01.XD", "01/UBND-XD6", register_url=register_url)
    assert _found(workspace, "dịch vụ công", register_url, ho_so="01.XD") == ["01/UBND-XD6"]
    if register_url.startswith("sqlite"):
        result = CliRunner().invoke(main, ["--lang", "vi", "search", "tuần", "chuyển", "đổi"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[1] == "    … Mời dự họp giao ban tuần về chuyển đổi số. ĐÀ NẴNG là tỉnh bạn./."
        none = CliRunner().invoke(main, ["--lang", "vi", "search", "xyzzy"])
        assert none.output == "không có văn bản nào chứa các từ này\n"
