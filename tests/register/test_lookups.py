"""What every issue asks the register is found through an index, not by reading every row of the year: the rows
issued from a record's very content (asked once per record, so once per row of a mail merge) and the rows left
pending (asked once per issue). On a register of 20,000 rows a year the first took 57 ms a question: a 1,000-row
merge spent a minute asking it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect

from correspondence.register.store import Register

AGENCY = "ubnd-quang-ninh"


def _asked(register: Register, question: Any) -> list[tuple[str, Any]]:
    """The SQL statements ``question`` sends to the register's database, with their parameters."""
    sent: list[tuple[str, Any]] = []

    def spy(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(register.engine, "before_cursor_execute", spy)
    try:
        question()
    finally:
        event.remove(register.engine, "before_cursor_execute", spy)
    return [item for item in sent if "FROM entries" in item[0]]


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
