"""What every issue or receipt asks the register is found through an index, not by reading every row: the rows issued
from a record's very content (asked once per record, so once per row of a mail merge), the rows left pending (asked
once per issue), the received rows holding a file (asked once per receipt). On a register of 20,000 rows a year the
first took 57 ms a question: a 1,000-row merge spent a minute asking it; the last took 14 ms over 30,000 receipts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import event, inspect, text

from correspondence.register import migrations
from correspondence.register.store import Register
from tests.conftest import older_register

AGENCY = "ubnd-quang-ninh"
RECEIVED = {"tac_gia": "Sở Tài chính", "so_ky_hieu": "12/STC-NS", "ngay_van_ban": "2019-05-06", "trich_yeu": "V/v thử",
            "don_vi_nhan": None, "ghi_chu": None, "do_mat": None, "do_khan": None}


def _asked(register: Register, question: Any, table: str = "FROM entries") -> list[tuple[str, Any]]:
    """The SQL statements ``question`` sends to the register's database, with their parameters."""
    sent: list[tuple[str, Any]] = []

    def spy(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(register.engine, "before_cursor_execute", spy)
    try:
        question()
    finally:
        event.remove(register.engine, "before_cursor_execute", spy)
    return [item for item in sent if table in item[0]]


def test_a_record_s_content_and_the_pending_rows_are_looked_up_by_index(register_url: str) -> None:
    with Register(register_url) as register:
        indexes = {index["name"]: index["column_names"] for index in inspect(register.engine).get_indexes("entries")}
        assert indexes.get("ix_entries_content") == ["agency", "year", "content_hash"], indexes
        assert indexes.get("ix_entries_pending") == ["agency", "id"], indexes  # of the rows without files only
        if not register_url.startswith("sqlite"):
            return  # PostgreSQL's planner reads small tables whole whatever their indexes: the indexes are enough
        content = _asked(register, lambda: register.issued_content(AGENCY, 2019, "0" * 64))
        pending = _asked(register, lambda: register.pending(AGENCY))
        assert len(content) == len(pending) == 1
        with register.engine.connect() as conn:
            plans = [" ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", args))
                     for sql, args in (*content, *pending)]
        assert "USING INDEX ix_entries_content (agency=? AND year=? AND content_hash=?)" in plans[0], plans
        assert "USING INDEX ix_entries_pending (agency=?)" in plans[1], plans


def test_a_file_received_before_is_looked_up_by_index(register_url: str) -> None:
    """Receiving a file asks whether the very file was received before (by hand or in an exchange package): the
    received files' hashes are an index of their own, not a search through every received row's files."""
    with Register(register_url) as register:
        indexes = {index["name"]: index["column_names"] for index in inspect(register.engine).get_indexes("tep_den")}
        assert indexes.get("ix_tep_den_sha256") == ["agency", "sha256"], indexes
        first = register.receive(AGENCY, dt.date(2019, 5, 7), {**RECEIVED, "files_json": json.dumps(
            [{"path": "den/a.pdf", "sha256": "a" * 64}])})
        package = register.receive(AGENCY, dt.date(2019, 5, 8), {**RECEIVED, "files_json": json.dumps(
            [{"path": "den/goi.edxml", "sha256": "b" * 64}, {"path": "den/kem.pdf", "sha256": "c" * 64}])})
        assert [row.id for row in register.incoming_with_file(AGENCY, "a" * 64)] == [first.id]
        assert [row.id for row in register.incoming_with_file(AGENCY, "c" * 64)] == [package.id]  # an attachment
        assert register.incoming_with_file(AGENCY, "d" * 64) == []
        assert register.incoming_with_file("ubnd-ninh-thuan", "a" * 64) == []  # another agency's receipts apart
        register.incoming_void(first, "nhận nhầm")
        assert register.incoming_with_file(AGENCY, "a" * 64) == []  # a void số đến does not count
        if not register_url.startswith("sqlite"):
            return
        asked = _asked(register, lambda: register.incoming_with_file(AGENCY, "c" * 64), "tep_den")
        with register.engine.connect() as conn:
            plan = " ".join(str(row[-1]) for sql, args in asked
                            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", args))
        assert "USING INDEX ix_tep_den_sha256 (agency=? AND sha256=?)" in plan, plan
        assert "SEARCH van_ban_den USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan  # not the agency's every row


def test_the_files_received_before_the_index_are_found(blank_url: str) -> None:
    """A register from before the index is upgraded with its received files' hashes."""
    with older_register(blank_url, 15) as conn:
        for number, files in ((2, "{not json"), (3, '{"path": "x"}')):  # edited outside the tool: the register opens
            conn.execute(text(
                "INSERT INTO van_ban_den (agency, year, series, number, ngay_den, tac_gia, trich_yeu, status, "
                "files_json, received_at, received_by) VALUES (:agency, 2019, 'van_ban_den', :number, '2019-05-07', "
                "'Sở Tài chính', 'x', 'issued', :files, '2019-05-07', 'vt')"), {"agency": AGENCY, "number": number,
                                                                                "files": files})
        conn.execute(text(
            "INSERT INTO van_ban_den (agency, year, series, number, ngay_den, tac_gia, trich_yeu, status, files_json, "
            "received_at, received_by) VALUES (:agency, 2019, 'van_ban_den', 1, '2019-05-07', 'Sở Tài chính', 'x', "
            "'issued', :files, '2019-05-07', 'vt')"), {"agency": AGENCY, "files": json.dumps(
                [{"path": "den/a.pdf", "sha256": "a" * 64}])})
    with Register(blank_url) as register:
        assert [row.number for row in register.incoming_with_file(AGENCY, "a" * 64)] == [1]


def test_a_register_upgraded_by_a_newer_tool_is_not_written_by_this_one(register_url: str) -> None:
    """Clerks of one shared register upgrade their tools one by one: a tool older than the register's schema is
    refused before it writes anything (it would leave out what the newer schema keeps, as the received files'
    hashes), and told what to do."""
    from correspondence.errors import RegisterUnavailable

    newer = migrations.CURRENT + 1
    with Register(register_url) as register, register.engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, 'sau này', '2030')"),
                     {"v": newer})
    with pytest.raises(RegisterUnavailable) as refused:
        Register(register_url)
    assert str(newer) in refused.value.message and "correspondence" in refused.value.message
    assert "cập nhật" in " ".join(p.hint for p in refused.value.problems), refused.value.problems
