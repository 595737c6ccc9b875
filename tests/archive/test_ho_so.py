"""Hồ sơ: opened one by one or from the year's danh mục, documents filed in order (at issue or after), closed, their
mục lục printed, retention that ends listed; on SQLite and PostgreSQL; every change an event of the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence.archive import hoso
from correspondence.cli import main
from correspondence.errors import InvalidRecord, RegisterConflict
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service

D = dt.date(2019, 5, 7)


def test_a_ho_so_from_opening_to_closing(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    made = hoso.create(workspace, "01.XD", "Hồ sơ rà soát dịch vụ công trực tuyến năm 2019", "10", 2019,
                       register_url=register_url)
    assert (made.ky_hieu, made.nam, made.thoi_han, made.status) == ("01.XD", 2019, "10", "mo")
    issue([make_record("a.yaml")], workspace, D, register_url, ho_so="01.XD")
    issue([make_record("b.yaml", trich_yeu="V/v khác")], workspace, D, register_url)
    hoso.add(workspace, "01.XD", "02/UBND-XD6", register_url=register_url)
    contents = hoso.show(workspace, "01.XD", register_url=register_url)
    assert [(d.thu_tu, d.entry.so_ky_hieu, d.trang) for d in contents.documents] == [
        (1, "01/UBND-XD6", "1-2"), (2, "02/UBND-XD6", "3-4")]
    assert contents.trang == 4
    with pytest.raises(RegisterConflict) as caught:
        hoso.add(workspace, "01.XD", "02/UBND-XD6", register_url=register_url)
    assert caught.value.message == "02/UBND-XD6 đã có trong hồ sơ 01.XD (văn bản thứ 2)"
    hoso.close(workspace, "01.XD", register_url=register_url)
    with pytest.raises(RegisterConflict) as caught:
        issue([make_record("c.yaml", trich_yeu="V/v nữa")], workspace, D, register_url, ho_so="01.XD")
    assert caught.value.message == "hồ sơ 01.XD đã đóng: không nhận thêm văn bản"
    assert [e.number for e in service.list_entries(workspace, register_url=register_url)] == [1, 2], "nothing taken"
    with pytest.raises(RegisterConflict):
        issue([make_record("c.yaml", trich_yeu="V/v nữa")], workspace, D, register_url, ho_so="09.KHONG")
    report = service.verify(workspace, register_url=register_url)
    assert report.problems == []
    assert [h.ky_hieu for h in hoso.list_all(workspace, register_url=register_url)] == ["01.XD"]


def test_the_danh_muc_is_imported_whole_or_not_at_all(workspace: Path, register_url: str) -> None:
    (workspace / "danh-muc.csv").write_text(
        "Số và ký hiệu hồ sơ,Tên đề mục và tiêu đề hồ sơ,Thời hạn bảo quản,Người lập hồ sơ,Ghi chú\n"
        ",I. VĂN PHÒNG,,,\n"
        "01.VP,Hồ sơ hội nghị tổng kết năm,Vĩnh viễn,Nguyễn Văn A,\n"
        "02.VP,Tập công văn đi,20 năm,Trần Thị B,\n", "utf-8")
    (workspace / "sai.csv").write_text(
        "Số và ký hiệu hồ sơ,Tiêu đề hồ sơ,Thời hạn bảo quản\n01.VP,Hồ sơ A,mãi mãi\n01.VP,Hồ sơ B,10\n02 VP,,5\n", "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        hoso.import_file(workspace, workspace / "sai.csv", 2026, register_url=register_url)
    assert [(p.source, p.field) for p in caught.value.problems] == [
        ("sai.csv:2", "thoi_han"), ("sai.csv:3", "ky_hieu"), ("sai.csv:4", "ky_hieu"), ("sai.csv:4", "tieu_de")]
    assert hoso.list_all(workspace, register_url=register_url) == []
    made = hoso.import_file(workspace, workspace / "danh-muc.csv", 2026, register_url=register_url)
    assert [(h.ky_hieu, h.thoi_han, h.nguoi_lap) for h in made] == [("01.VP", "vinh-vien", "Nguyễn Văn A"),
                                                                    ("02.VP", "20", "Trần Thị B")]
    with pytest.raises(RegisterConflict):
        hoso.import_file(workspace, workspace / "danh-muc.csv", 2026, register_url=register_url)


def test_due_lists_closed_ho_so_whose_retention_ended(workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    hoso.create(workspace, "01.VP", "Tập lưu ngắn hạn", "2", 2019)
    hoso.create(workspace, "02.VP", "Hồ sơ vĩnh viễn", "vinh-vien", 2019)
    hoso.create(workspace, "03.VP", "Hồ sơ chưa đóng", "2", 2019)
    for symbol in ("01.VP", "02.VP"):
        hoso.close(workspace, symbol)
    closed_year = dt.date.today().year
    assert hoso.due(workspace, dt.date(closed_year + 2, 12, 31)) == []
    found = hoso.due(workspace, dt.date(closed_year + 3, 1, 1))
    assert [(h.ky_hieu, last) for h, last in found] == [("01.VP", closed_year + 2)]
    assert len(hoso.list_all(workspace)) == 3, "nothing is deleted"


def test_ho_so_from_the_command_line(make_record: Callable[..., Path], workspace: Path) -> None:
    runner = CliRunner()
    make_record("a.yaml")
    assert runner.invoke(main, ["--lang", "vi", "register", "init"]).exit_code == 0
    created = runner.invoke(main, ["--lang", "vi", "ho-so", "create", "01.XD", "--tieu-de", "Hồ sơ rà soát",
                                   "--thoi-han", "10", "--nam", "2019"])
    assert created.output == "đã mở hồ sơ: 01.XD (2019) Hồ sơ rà soát\n"
    issued = runner.invoke(main, ["--lang", "vi", "issue", "a.yaml", "--ngay", "07/05/2019", "-f", "pdf",
                                  "--ho-so", "01.XD"])
    assert issued.exit_code == 0, issued.output
    assert "đã xếp vào hồ sơ 01.XD" in issued.output
    shown = runner.invoke(main, ["--lang", "vi", "ho-so", "show", "01.XD"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("MỤC LỤC VĂN BẢN — hồ sơ 01.XD, năm 2019: Hồ sơ rà soát\n"
                                   "Thời hạn lưu trữ: 10 năm; đang mở\n")
    assert "01/UBND-XD6" in shown.output and shown.output.endswith("1 văn bản, 2 trang\n")
    bad = runner.invoke(main, ["--lang", "vi", "ho-so", "create", "01 XD", "--tieu-de", "x", "--thoi-han", "mãi"])
    assert bad.exit_code == 3 and "ky_hieu" in bad.output and "thoi_han" in bad.output


def test_the_destruction_list_and_the_decision_delete_nothing(make_record: Callable[..., Path], workspace: Path) -> None:
    import csv
    import io

    service.init(workspace, "ubnd-quang-ninh")
    hoso.create(workspace, "01.VP", "Tập lưu ngắn hạn", "2", 2019)
    issue([make_record("a.yaml")], workspace, D, ho_so="01.VP")
    with pytest.raises(RegisterConflict):
        hoso.record_destruction(workspace, "01.VP", "15/QĐ-UBND ngày 01/3/2030")  # still open
    hoso.close(workspace, "01.VP")
    later = dt.date(dt.date.today().year + 3, 1, 2)
    path, count = hoso.destruction_list(workspace, workspace / "huy.csv", later)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert count == 1 and rows[0] == list(hoso.DESTRUCTION_COLUMNS)
    assert rows[1][:6] == ["1", "01.VP", "Tập lưu ngắn hạn", "2019–2019", "1", "2 năm"]
    decided = hoso.record_destruction(workspace, "01.VP", "15/QĐ-UBND ngày 01/3/2030")
    assert decided.status == "huy"
    assert (workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").is_file(), "nothing deleted"
    assert service.verify(workspace).problems == []
    events = service.log(workspace, everything=True)
    assert [e.action for e in events][-1] == "ho-so-destruction" and "15/QĐ-UBND" in events[-1].detail


def test_reads_are_in_the_access_log(make_record: Callable[..., Path], workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    issue([make_record("a.yaml")], workspace, D)
    assert service.log(workspace) == []
    service.show(workspace, "01/UBND-XD6")
    service.export(workspace, 2019, "csv")
    runner = CliRunner()
    runner.invoke(main, ["--lang", "vi", "search", "rà", "soát"])
    result = runner.invoke(main, ["--lang", "vi", "register", "log"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split("  ")[2:] for line in lines] == [
        ["read", "register show 01/UBND-XD6 (2019)"], ["read", "register export 2019 chung csv"],
        ["read", "search ra soat → 1"]]
    assert service.verify(workspace).problems == [], "reads are events of the chain"
