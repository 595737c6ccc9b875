"""The life of a received document after its số đến (ND 30 Art. 23–24): assigned to a unit with a deadline (again:
kept as history), done, listed when overdue, printed in the book of PL IV, each step an event the audit checks; on
SQLite and PostgreSQL; and a register of schema version 12 upgraded in place."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import create_engine, inspect, text

from correspondence import incoming
from correspondence.cli import main
from correspondence.outgoing import registry as service
from correspondence.register import migrations
from correspondence.register.store import Register, normalise_url
from correspondence.vietnamese import hom_nay
from tests.conftest import older_register

D = dt.date(2019, 5, 7)


def _received(workspace: Path, register_url: str) -> Path:
    """Two documents received on 07/05/2019: số đến 1 and 2."""
    sent = workspace / "cong-van.txt"
    sent.write_text("Công văn V/v dự toán ngân sách", "utf-8")
    incoming.receive(workspace, sent, "Sở Tài chính", "123/STC-NS", "20/04/2019", "Công văn V/v dự toán ngân sách",
                     ngay_den=D, register_url=register_url)
    other = workspace / "thong-bao.txt"
    other.write_text("Thông báo lịch họp", "utf-8")
    incoming.receive(workspace, other, "Sở Nội vụ", None, None, "Thông báo lịch họp", ngay_den=D,
                     register_url=register_url)
    return sent


def _run(register_url: str, *args: str) -> object:
    return CliRunner().invoke(main, ["--lang", "vi", "--register", register_url, "incoming", *args])


def test_assign_again_done_and_overdue(workspace: Path, register_url: str) -> None:
    _received(workspace, register_url)
    result = _run(register_url, "assign", "1", "--nam", "2019", "--don-vi", "KSTT", "--han", "20/05/2019")
    assert result.exit_code == 0, result.output
    assert "đã quá" in result.stderr and "20/05/2019" in result.stderr, "a deadline already past: a warning"
    assert "số đến 1" in result.stdout and "Phòng Kiểm soát thủ tục hành chính" in result.stdout
    result = _run(register_url, "assign", "1", "--nam", "2019", "--don-vi", "xd6", "--nguoi", "Nguyễn Văn A",
                  "--han", "31/05/2019")
    assert result.exit_code == 0, result.output
    far = (hom_nay() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    result = _run(register_url, "assign", "2", "--nam", "2019", "--don-vi", "XD6", "--han", far)
    assert result.exit_code == 0 and result.stderr == "", "a deadline to come: no warning"

    listed = _run(register_url, "list", "--qua-han", "--json")
    assert listed.exit_code == 0, listed.output
    late = json.loads(listed.stdout)
    assert [(r["number"], r["assigned"]["don_vi"], r["assigned"]["nguoi"], r["assigned"]["han"]) for r in late] == [
        (1, "Phòng Xây dựng 6", "Nguyễn Văn A", "2019-05-31")], "the latest assignment's deadline counts"
    assert late[0]["days_overdue"] == (hom_nay() - dt.date(2019, 5, 31)).days
    shown = _run(register_url, "list", "--qua-han")
    assert "31/05/2019" in shown.stdout and "Thông báo" not in shown.stdout
    before = _run(register_url, "list", "--qua-han", "--ngay", "25/05/2019", "--json")
    assert json.loads(before.stdout) == [], "on 25/05/2019 the deadline 31/05/2019 was not past yet"

    result = _run(register_url, "done", "1", "--nam", "2019", "--ghi-chu", "Đã trả lời bằng Công văn 45/UBND-XD6")
    assert result.exit_code == 0, result.output
    assert json.loads(_run(register_url, "list", "--qua-han", "--json").stdout) == []
    assert "Không có văn bản nào quá hạn" in _run(register_url, "list", "--qua-han").stdout
    again = _run(register_url, "done", "1", "--nam", "2019")
    assert again.exit_code != 0 and "đã giải quyết" in again.output

    shown = _run(register_url, "show", "1", "--nam", "2019")
    assert shown.exit_code == 0, shown.output
    steps = [line for line in shown.stdout.splitlines() if line.startswith(("Giao ngày", "Giải quyết xong"))]
    today = hom_nay().strftime("%d/%m/%Y")
    assert steps == [f"Giao ngày {today}: Phòng Kiểm soát thủ tục hành chính, hạn 20/05/2019",
                     f"Giao ngày {today}: Phòng Xây dựng 6 – Nguyễn Văn A, hạn 31/05/2019",
                     f"Giải quyết xong ngày {today}: Đã trả lời bằng Công văn 45/UBND-XD6"]
    assert service.verify(workspace, register_url=register_url).problems == []


def test_an_unknown_unit_or_bad_deadline_is_refused_with_nothing_written(workspace: Path, register_url: str) -> None:
    _received(workspace, register_url)
    with Register(register_url) as register:
        before = len(register.events("ubnd-quang-ninh"))
    result = _run(register_url, "assign", "1", "--nam", "2019", "--don-vi", "Phòng Kế toán", "--han", "20/05/2019")
    assert result.exit_code != 0
    assert "--don-vi" in result.output and "Phòng Kế toán" in result.output and "ubnd-quang-ninh.yaml" in result.output
    assert "XD6" in result.output and "Traceback" not in result.output
    result = _run(register_url, "assign", "1", "--nam", "2019", "--don-vi", "XD6", "--han", "31/02/2019")
    assert result.exit_code != 0 and "--han" in result.output
    result = _run(register_url, "assign", "9", "--nam", "2019", "--don-vi", "XD6", "--han", "20/05/2019")
    assert result.exit_code != 0 and "9" in result.output
    with Register(register_url) as register:
        assert len(register.events("ubnd-quang-ninh")) == before, "nothing recorded, not even a read"
        assert register.incoming_handling("ubnd-quang-ninh") == []


def test_a_void_number_is_not_assigned(workspace: Path, register_url: str) -> None:
    _received(workspace, register_url)
    incoming.void(workspace, 2, "Nhận trùng", 2019, register_url=register_url)
    result = _run(register_url, "assign", "2", "--nam", "2019", "--don-vi", "XD6", "--han", "20/05/2019")
    assert result.exit_code != 0 and "hủy" in result.output


def test_the_audit_finds_a_step_changed_added_or_deleted(workspace: Path, register_url: str) -> None:
    _received(workspace, register_url)
    incoming.assign(workspace, 1, "XD6", "31/05/2019", nam=2019, register_url=register_url)
    incoming.assign(workspace, 2, "KSTT", "31/05/2019", nam=2019, register_url=register_url)
    assert service.verify(workspace, register_url=register_url).problems == []
    engine = create_engine(normalise_url(register_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE xu_ly_den SET han = '2030-12-31' WHERE den_id = (SELECT id FROM van_ban_den "
                          "WHERE number = 1)"))
    problems = service.verify(workspace, register_url=register_url).problems
    assert [p.message for p in problems] == ["số đến 1: việc giao hoặc kết quả giải quyết đã bị sửa ngoài công cụ"]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO xu_ly_den (agency, den_id, action, don_vi, han, ngay, at, by) SELECT agency, id, "
                          "'den-done', NULL, NULL, '2019-05-08', '2019-05-08', 'x' FROM van_ban_den WHERE number = 2"))
        conn.execute(text("DELETE FROM xu_ly_den WHERE den_id = (SELECT id FROM van_ban_den WHERE number = 1)"))
    engine.dispose()
    messages = [p.message for p in service.verify(workspace, register_url=register_url).problems]
    assert "số đến 2: việc giao hoặc kết quả giải quyết đã được thêm ngoài công cụ" in messages
    assert "một việc giao hoặc kết quả giải quyết văn bản đến đã bị xóa ngoài công cụ" in messages


def test_the_book_prints_the_assignment_and_the_outcome(workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    _received(workspace, None)  # type: ignore[arg-type]
    incoming.assign(workspace, 1, "KSTT", "15/05/2019", nam=2019)
    incoming.assign(workspace, 1, "XD6", "31/05/2019", "Nguyễn Văn A", nam=2019)
    incoming.done(workspace, 1, "Đã trả lời", nam=2019)
    today = hom_nay().strftime("%d/%m/%Y")
    sheet = load_workbook(incoming.export(workspace, 2019, "xlsx"))["Sổ đăng ký"]
    first, second = ([cell.value or "" for cell in row] for row in sheet.iter_rows(min_row=3, max_row=4))
    assert first[6:8] == ["Phòng Xây dựng 6 – Nguyễn Văn A", today]
    assert first[9] == f"Hạn giải quyết: 31/05/2019; Đã giải quyết ngày {today}: Đã trả lời"
    assert second[6:10] == ["", "", "", ""], "a document not assigned: nothing invented"
    with pdfplumber.open(incoming.export(workspace, 2019, "pdf")) as pdf:
        (table,) = pdf.pages[1].extract_tables()
    printed = next([" ".join((cell or "").split()) for cell in row] for row in table if "Sở Tài chính" in (row[2] or ""))
    assert printed[6:8] == ["Phòng Xây dựng 6 – Nguyễn Văn A", today]
    assert printed[9] == f"Hạn giải quyết: 31/05/2019; Đã giải quyết ngày {today}: Đã trả lời"


def test_a_register_of_version_12_upgrades_and_takes_assignments(workspace: Path, blank_url: str) -> None:
    with older_register(blank_url, 12) as conn:
        assert "xu_ly_den" not in inspect(conn).get_table_names()
    with Register(blank_url) as register:
        assert register.schema_version() == migrations.CURRENT >= 13
    _received(workspace, blank_url)
    _item, step = incoming.assign(workspace, 1, "XD6", "31/05/2019", nam=2019, register_url=blank_url)
    assert (step.don_vi, step.han) == ("Phòng Xây dựng 6", "2019-05-31")
    assert service.verify(workspace, register_url=blank_url).problems == []


@pytest.mark.parametrize("when", ["01/01/2019"])
def test_overdue_as_of_a_day_in_the_future_is_refused(workspace: Path, register_url: str, when: str) -> None:
    _received(workspace, register_url)
    future = (hom_nay() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    result = _run(register_url, "list", "--qua-han", "--ngay", future)
    assert result.exit_code != 0 and future in result.output
    assert json.loads(_run(register_url, "list", "--qua-han", "--ngay", when, "--json").stdout) == []
