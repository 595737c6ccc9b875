"""The register's chain of events vouches for every row, hồ sơ and closed year: corrections raced by two clerks,
rows edited in SQL, a chain recomputed without the agency key, and a full disk after a number was taken."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from correspondence.errors import RegisterConflict
from correspondence.issue import issue
from correspondence.issue import registry as service
from correspondence.register.store import Register, entries_t, normalise_url

D = dt.date(2019, 5, 7)
E = dt.date(2019, 5, 9)
AGENCY = "ubnd-quang-ninh"
CLERKS = 2


def _sql(url: str, *statements: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _rows(url: str) -> dict[str, object]:
    with Register(url) as register:
        return {e.so_ky_hieu: e for e in register.entries(AGENCY)}


def _messages(workspace: Path, url: str, repair: bool = True) -> list[str]:
    return [p.message for p in service.verify(workspace, register_url=url, repair=repair).problems]


# 1 ------------------------------------------------------------------------------------------------------------ race


def _correcting_clerk(workspace: str, url: str, record: str, barrier: mp.synchronize.Barrier, out: str) -> None:
    from correspondence.errors import CorrespondenceError
    from correspondence.i18n import set_language

    set_language("vi")
    barrier.wait()
    try:
        (done,) = issue([Path(record)], workspace, E, url, formats=("docx",), lai=True, thay_the="02/UBND-XD6")
        result = {"issued": done.entry.so_ky_hieu}
    except CorrespondenceError as error:
        result = {"refused": error.message}
    Path(out).write_text(json.dumps(result, ensure_ascii=False), "utf-8")


def test_two_clerks_replacing_one_document_at_once_make_one_correction(make_record: Callable[..., Path],
                                                                       workspace: Path, register_url: str) -> None:
    record = make_record("a.yaml")
    issue([record], workspace, D, register_url, formats=("docx",))
    issue([record], workspace, D, register_url, formats=("docx",), lai=True)
    fixes = [make_record(f"sua-{n}.yaml", trich_yeu=f"V/v sửa lần {n}") for n in range(CLERKS)]
    context = mp.get_context("spawn")
    barrier = context.Barrier(CLERKS)
    outs = [workspace / f"ket-qua-{n}.json" for n in range(CLERKS)]
    clerks = [context.Process(target=_correcting_clerk, args=(str(workspace), register_url, str(fix), barrier, str(out)))
              for fix, out in zip(fixes, outs, strict=True)]
    for clerk in clerks:
        clerk.start()
    for clerk in clerks:
        clerk.join(timeout=300)
        assert clerk.exitcode == 0
    results = [json.loads(out.read_text("utf-8")) for out in outs]
    issued = [r["issued"] for r in results if "issued" in r]
    refused = [r["refused"] for r in results if "refused" in r]
    assert len(issued) == 1, results
    assert refused == [f"02/UBND-XD6 đã được thay thế bằng {issued[0]}: không thể thay thế lần nữa"] or \
        refused == [f"02/UBND-XD6 đã bị hủy (Thay thế bằng {issued[0]}): không còn gì để thay thế"], refused
    rows = _rows(register_url)
    assert sorted(rows) == ["01/UBND-XD6", "02/UBND-XD6", issued[0]], "the refused clerk took no number"
    old = rows["02/UBND-XD6"]
    assert old.status == "voided" and old.ghi_chu == f"Thay thế bằng {issued[0]}"  # type: ignore[attr-defined]
    with Register(register_url) as register:
        voids = [e for e in register.events(AGENCY, ("voided",)) if e.entry_id == old.id]  # type: ignore[attr-defined]
    assert len(voids) == 1
    assert _messages(workspace, register_url) == []


def test_a_void_row_is_not_voided_again_nor_a_replaced_one_replaced(make_record: Callable[..., Path], workspace: Path,
                                                                     register_url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url, formats=("docx",))
    (new,) = issue([make_record("b.yaml", trich_yeu="V/v sửa")], workspace, E, register_url, formats=("docx",),
                   thay_the="01/UBND-XD6")
    with Register(register_url) as register:
        old = register.find(AGENCY, "01/UBND-XD6")[0]
        with pytest.raises(RegisterConflict) as caught:
            register.void(old.id, "Sai lần nữa")
        assert caught.value.message == "01/UBND-XD6 đã bị hủy trước đó: Thay thế bằng 02/UBND-XD6"
        with pytest.raises(RegisterConflict):
            register.void(old.id, "Thay thế bằng 09/UBND-XD6", replaced_by=new.entry.id + 7)
        with pytest.raises(RegisterConflict) as caught:
            register.allocate(AGENCY, "chung", E, "UBND-XD6", {"ten_loai_trich_yeu": "x", "nguoi_ky": "y",
                                                                "noi_nhan": "z", "don_vi_nhan_ban_luu": "VT",
                                                                "kind": "cong_van"}, replaces=old.id)
        assert caught.value.message == "01/UBND-XD6 đã bị hủy (Thay thế bằng 02/UBND-XD6): không còn gì để thay thế"
    assert sorted(_rows(register_url)) == ["01/UBND-XD6", "02/UBND-XD6"]


def test_verify_reports_a_row_voided_twice_and_replaced_twice(make_record: Callable[..., Path], workspace: Path,
                                                              register_url: str) -> None:
    """What the race used to leave (two corrections of 02, 02 voided twice) is reported, not called consistent."""
    issue([make_record("a.yaml")], workspace, D, register_url, formats=("docx",))
    issue([make_record("b.yaml", trich_yeu="V/v sửa")], workspace, E, register_url, formats=("docx",),
          thay_the="01/UBND-XD6")
    issue([make_record("c.yaml", trich_yeu="V/v sửa 2")], workspace, E, register_url, formats=("docx",))
    with Register(register_url) as register:
        old, _first, second = register.entries(AGENCY)
    with Register(register_url) as register, register._writer(), register.engine.begin() as conn:
        # what the race made, through the tool's own writes: 03 names 01 too, and 01 is voided a second time
        conn.execute(update(entries_t).where(entries_t.c.id == second.id).values(thay_the=old.id))
        register._append(conn, AGENCY, second.id, "completed", "vt", None, register._row(conn, second.id))
        conn.execute(update(entries_t).where(entries_t.c.id == old.id).values(
            ghi_chu="Thay thế bằng 02/UBND-XD6; Thay thế bằng 03/UBND-XD6", thay_the_boi=second.id))
        register._append(conn, AGENCY, old.id, "voided", "vt", "Thay thế bằng 03/UBND-XD6", register._row(conn, old.id))
    messages = _messages(workspace, register_url, repair=False)
    assert "01/UBND-XD6: bị hủy 2 lần" in messages
    assert "01/UBND-XD6: được thay thế bởi nhiều văn bản: 02/UBND-XD6, 03/UBND-XD6" in messages
