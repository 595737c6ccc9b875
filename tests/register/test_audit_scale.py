"""The audit of a register (``register verify``) reads its rows without holding them: each row's content is hashed
as it is read, and only what the audit reports is kept of it. A register of years holds hundreds of thousands of
rows, each with the record it was issued from (its annex tables too): held whole, they took gigabytes."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from correspondence.outgoing import registry
from correspondence.register import events
from correspondence.register.store import Register

AGENCY = "ubnd-quang-ninh"
FIELDS = {"ten_loai_trich_yeu": "Công văn V/v thử", "nguoi_ky": "Đặng Huy Hậu", "noi_nhan": "Như trên",
          "don_vi_nhan_ban_luu": "VT, XD6", "kind": "cong_van"}
ROWS, RECORD = 200, 50_000  # 200 rows keeping a record of 50,000 characters each: 10 MB of records


def _filled(register_url: str, record: int = RECORD) -> list[int]:
    """ROWS rows issued and written, each keeping a record of ``record`` characters: their ids."""
    with Register(register_url) as register:
        ids = []
        with register.batch(series=[(AGENCY, 2019, "chung")]):
            for number in range(ROWS):
                ids.append(register.allocate(AGENCY, "chung", dt.date(2019, 5, 7), "UBND-XD6", {
                    **FIELDS, "record_json": f'{{"bang": "{number:04d}{"x" * record}"}}', "agency_json": "{}"}).id)
        with register.batch(rows=ids):
            for entry_id in ids:
                register.complete(entry_id, [])
    return ids


def _peak(action: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        return action(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_audit_holds_no_more_than_a_few_rows_at_a_time(register_url: str) -> None:
    _filled(register_url)
    with Register(register_url) as register:
        tracemalloc.start()
        try:
            problems = register.audit(AGENCY)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert problems == []
    # the rows are read ROWS_AT_ONCE at a time: held all at once, the audit's peak was above the 10 MB of records
    assert events.ROWS_AT_ONCE * RECORD < 4_000_000 and peak < 6_000_000, peak


def test_the_audit_holds_no_more_than_a_few_events_at_a_time(register_url: str) -> None:
    """Of each row's events the audit keeps its last one's hash: 200 rows voided with a reason of 20,000 characters
    (each void's event holds it), and 200 reads of the register logged with as long a text, take no more memory than
    the events read at a time."""
    ids = _filled(register_url, record=10)
    with Register(register_url) as register:
        for entry_id in ids:
            register.void(entry_id, f"{entry_id} " + "lý do " * 3_333)
            register.record_access(AGENCY, f"search {entry_id} " + "từ khóa " * 2_500)
        problems, peak = _peak(lambda: register.audit(AGENCY))
    assert problems == []
    assert peak < 3_000_000, peak  # held, the 200 voids' reasons were above 4 MB, and the reads' texts as much


def test_register_verify_reads_no_row_s_record(workspace: Path, register_url: str) -> None:
    """Verify checks every row's number, date, status and files: it reads them without the records they keep."""
    _filled(register_url)
    report, peak = _peak(lambda: registry.verify(workspace, AGENCY, register_url, repair=False))
    assert report.problems == [] and report.checked == ROWS
    assert peak < 8_000_000, peak  # with each row's record, above 20 MB (the listing and the audit's)
