"""A merge numbers and completes its rows a batch at a time, in one transaction of the register each (one commit, one
sync to disk, not two per row): every row still has its own events, chained in order, and ``register verify`` finds
nothing; a batch that cannot be recorded takes nothing, and a row changed outside the tool meanwhile is refused alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text

from correspondence import api
from correspondence.errors import RegisterConflict
from correspondence.outgoing import transaction
from correspondence.outgoing.merge import merge
from correspondence.register.store import Register
from tests.conftest import MERGE_RECORD

D = dt.date(2019, 5, 7)


def _files(workspace: Path, count: int) -> tuple[Path, Path]:
    (workspace / "moi.yaml").write_text(MERGE_RECORD, "utf-8")
    (workspace / "khach.csv").write_text("ten\n" + "".join(f"ông {i}\n" for i in range(count)), "utf-8")
    return workspace / "moi.yaml", workspace / "khach.csv"


def test_a_merge_commits_the_register_a_batch_at_a_time(workspace: Path, register_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    record, data = _files(workspace, 12)
    commits: list[object] = []

    def counted(conn: object) -> None:
        commits.append(conn)

    event.listen(Engine, "commit", counted)
    try:
        done = merge(record, data, workspace, D, register=register_url, formats=("pdf",), workers=1)
    finally:
        event.remove(Engine, "commit", counted)
    assert [d.so_ky_hieu for d in done] == [f"{n:02d}/UBND-XD6" for n in range(1, 13)]
    assert all(not d.failure and not d.pending and d.files for d in done)
    # opening, recovering, the checks and the lease take a few; numbering and completing 12 rows, two (24 before)
    assert len(commits) < 12, f"{len(commits)} commits for 12 rows"
    with Register(register_url) as book:
        entries = book.entries("ubnd-quang-ninh")
        assert all(e.files and not e.pending for e in entries)
        actions = [(e.entry_id, e.action) for e in book.events("ubnd-quang-ninh") if e.entry_id]
    ids = [e.id for e in sorted(entries, key=lambda e: e.number)]
    assert actions == [(i, "issued") for i in ids] + [(i, "completed") for i in ids]
    report = api.register_verify(workspace, "ubnd-quang-ninh", register_url)
    assert report.problems == [] and report.checked == 12


def test_a_batch_refused_at_numbering_takes_no_number(workspace: Path, register_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The eighth row's number cannot be taken (a year closed meanwhile, after the checks): the whole batch is
    undone — no number taken, no file written, the register as before."""
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    record, data = _files(workspace, 10)
    taken = transaction._take
    seen: list[str] = []

    def take(book: Register, unit: transaction.Unit, fields: dict[str, object]) -> object:
        seen.append(unit.where)
        if len(seen) == 8:
            raise RegisterConflict("the year 2019 is closed")
        return taken(book, unit, fields)

    monkeypatch.setattr(transaction, "_take", take)
    with pytest.raises(RegisterConflict):
        merge(record, data, workspace, D, register=register_url, formats=("pdf",), workers=1)
    with Register(register_url) as book:
        assert book.entries("ubnd-quang-ninh") == []
        assert [e for e in book.events("ubnd-quang-ninh") if e.entry_id] == []
    assert not (workspace / "output").exists() or [p for p in (workspace / "output").rglob("*") if p.is_file()] == []


def test_a_row_changed_outside_the_tool_before_its_completion_is_refused_alone(
        workspace: Path, register_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 3 is changed in the database (outside the tool) between its number and its completion: the batch cannot
    record it, so the rows are completed one by one — every other row is completed, row 3 is refused as a row changed
    outside the tool, and ``register verify`` names it."""
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    record, data = _files(workspace, 5)
    published = transaction._publish_files

    def publish(book: Register, unit: transaction.Unit, root: Path, formats: tuple[str, ...]) -> object:
        files = published(book, unit, root, formats)
        assert unit.entry is not None
        if unit.entry.number == 3:
            engine = create_engine(register_url)
            with engine.begin() as conn:
                conn.execute(text("UPDATE entries SET ten_loai_trich_yeu = 'sửa ngoài' WHERE id = :i"), {"i": unit.entry.id})
            engine.dispose()
        return files

    monkeypatch.setattr(transaction, "_publish_files", publish)
    with pytest.raises(RegisterConflict, match="03/UBND-XD6"):
        merge(record, data, workspace, D, register=register_url, formats=("pdf",), workers=1)
    with Register(register_url) as book:
        rows = {e.number: e for e in book.entries("ubnd-quang-ninh")}
    assert sorted(rows) == [1, 2, 3, 4, 5]
    assert [n for n, e in rows.items() if e.pending] == [3]
