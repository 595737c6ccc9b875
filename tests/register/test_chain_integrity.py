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
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service
from correspondence.register.store import Register, entries_t, normalise_url
from tests.processes import clerk_processes, clerk_starts

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

    clerk_starts(workspace)
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
    context = clerk_processes()
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


# 2 ------------------------------------------------------------------------------------------------ forged rows


def _forge(url: str, number: int, subject: str) -> None:
    """What an attacker with SQL does: a new content for a real number, its files cleared so that repair makes them."""
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        stored = conn.execute(text("SELECT record_json FROM entries WHERE number = :n"), {"n": number}).scalar_one()
        record = json.loads(stored)
        record["trich_yeu"] = subject
        conn.execute(text("UPDATE entries SET record_json = :r, ten_loai_trich_yeu = :s, files_json = NULL "
                          "WHERE number = :n"), {"r": json.dumps(record, ensure_ascii=False), "s": subject, "n": number})
    engine.dispose()


def test_a_row_forged_in_sql_is_reported_and_never_rendered(make_record: Callable[..., Path], workspace: Path,
                                                             register_url: str) -> None:
    issue([make_record("a.yaml"), make_record("b.yaml", trich_yeu="hai")], workspace, D, register_url,
          formats=("docx",))
    folder = workspace / "output" / AGENCY / "2019"
    (folder / "02-UBND-XD6.docx").unlink()
    _forge(register_url, 2, "V/v cấp đất cho ông X")
    report = service.verify(workspace, register_url=register_url)
    assert report.repaired == []
    assert "02/UBND-XD6: dòng này đã bị sửa ngoài công cụ sau sự kiện cuối" in [p.message for p in report.problems]
    assert not (folder / "02-UBND-XD6.docx").exists(), "no document is made from a row the chain does not vouch for"
    issue([make_record("c.yaml", trich_yeu="ba")], workspace, D, register_url, formats=("docx",))
    assert not (folder / "02-UBND-XD6.docx").exists(), "nor by the next issue's recovery"
    with Register(register_url) as register:
        actions = [e.action for e in register.events(AGENCY) if e.entry_id == register.find(AGENCY, "02/UBND-XD6")[0].id]
    assert actions == ["issued", "completed"], "nothing was recorded over the forged row"
    assert "02/UBND-XD6: dòng này đã bị sửa ngoài công cụ sau sự kiện cuối" in _messages(workspace, register_url)


def test_the_command_line_says_the_forged_row_and_exits_non_zero(make_record: Callable[..., Path], workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    issue([make_record("a.yaml")], workspace, D, formats=("docx",))
    (workspace / "output" / AGENCY / "2019" / "01-UBND-XD6.docx").unlink()
    _forge(f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}", 1, "V/v cấp đất cho ông X")
    result = CliRunner().invoke(main, ["--lang", "vi", "register", "verify"])
    assert result.exit_code != 0, result.output
    assert "01/UBND-XD6: dòng này đã bị sửa ngoài công cụ sau sự kiện cuối" in result.output
    assert "đã hoàn tất sau khi bị ngắt" not in result.output
    assert not (workspace / "output" / AGENCY / "2019" / "01-UBND-XD6.docx").exists()


# 3 ----------------------------------------------------------------------------------- hồ sơ and closed years


def _ho_so_with_a_document(make_record: Callable[..., Path], workspace: Path, url: str) -> None:
    from correspondence.archive import hoso

    hoso.create(workspace, "01.VP", "Hồ sơ hội nghị", "10", 2019, register_url=url)
    hoso.create(workspace, "02.VP", "Hồ sơ khác", "5", 2019, register_url=url)
    issue([make_record("a.yaml")], workspace, D, url, formats=("docx",), ho_so="01.VP")
    issue([make_record("b.yaml", trich_yeu="hai")], workspace, D, url, formats=("docx",))


@pytest.mark.parametrize(("change", "message"), [
    ("UPDATE ho_so SET tieu_de = 'Hồ sơ khác hẳn' WHERE ky_hieu = '01.VP'",
     "hồ sơ 01.VP (2019): dòng này đã bị sửa ngoài công cụ"),
    ("UPDATE ho_so SET thoi_han = '1' WHERE ky_hieu = '01.VP'", "hồ sơ 01.VP (2019): dòng này đã bị sửa ngoài công cụ"),
    ("UPDATE ho_so SET status = 'huy' WHERE ky_hieu = '02.VP'", "hồ sơ 02.VP (2019): dòng này đã bị sửa ngoài công cụ"),
    ("DELETE FROM ho_so WHERE ky_hieu = '02.VP'", "hồ sơ 02.VP (2019) đã bị xóa ngoài công cụ"),
    ("INSERT INTO ho_so (agency, nam, ky_hieu, tieu_de, thoi_han, status, mo_luc) VALUES "
     "('ubnd-quang-ninh', 2019, '03.VP', 'Thêm lén', '5', 'mo', '2019-05-07')",
     "hồ sơ 03.VP (2019): dòng này được thêm ngoài công cụ"),
    ("DELETE FROM ho_so_van_ban", "hồ sơ 01.VP (2019): danh sách văn bản trong hồ sơ đã bị sửa ngoài công cụ"),
    ("INSERT INTO ho_so_van_ban (ho_so_id, entry_id, thu_tu, them_luc) SELECT h.id, e.id, 5, '2019-05-07' "
     "FROM ho_so h, entries e WHERE h.ky_hieu = '02.VP' AND e.number = 2",
     "hồ sơ 02.VP (2019): danh sách văn bản trong hồ sơ đã bị sửa ngoài công cụ"),
    ("UPDATE ho_so_van_ban SET thu_tu = 7", "hồ sơ 01.VP (2019): danh sách văn bản trong hồ sơ đã bị sửa ngoài công cụ"),
    ("INSERT INTO closed_years (agency, year, at, by) VALUES ('ubnd-quang-ninh', 2018, '2019-01-01', 'x')",
     "năm 2018 được ghi là đã khóa ngoài công cụ"),
])
def test_hồ_sơ_their_documents_and_closed_years_edited_in_sql_are_found(
        make_record: Callable[..., Path], workspace: Path, register_url: str, change: str, message: str) -> None:
    _ho_so_with_a_document(make_record, workspace, register_url)
    assert _messages(workspace, register_url) == []
    _sql(register_url, change)
    assert message in _messages(workspace, register_url)


def test_deleting_the_closed_year_lock_does_not_reopen_the_year(make_record: Callable[..., Path], workspace: Path,
                                                                register_url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url, formats=("docx",))
    service.close_year(workspace, 2019, register_url=register_url)
    _sql(register_url, "DELETE FROM closed_years")
    with pytest.raises(RegisterConflict) as refused:
        issue([make_record("b.yaml", trich_yeu="hai")], workspace, D, register_url, formats=("docx",))
    assert "năm 2019 đã khóa sổ" in refused.value.message
    with Register(register_url) as register:
        assert list(register.closed_years(AGENCY)) == [2019]
        with pytest.raises(RegisterConflict):
            register.allocate(AGENCY, "chung", D, "UBND-XD6", {"ten_loai_trich_yeu": "x", "nguoi_ky": "y",
                                                               "noi_nhan": "z", "don_vi_nhan_ban_luu": "VT",
                                                               "kind": "cong_van"})
    assert sorted(_rows(register_url)) == ["01/UBND-XD6"]
    assert "năm 2019 đã khóa trong chuỗi sự kiện nhưng dòng khóa năm đã bị xóa ngoài công cụ" in \
        _messages(workspace, register_url)


# 4 ---------------------------------------------------------------------------------------------- the agency key


def _recompute_chain(url: str) -> None:
    """What someone with SQL but without the key does after editing a row: every hash made again, as the tool makes
    them without a key, so that an unkeyed chain is whole again."""
    from correspondence.register.chain import event_hash, row_hash

    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        rows = {r.id: r for r in conn.execute(text("SELECT * FROM entries"))}
        events = list(conn.execute(text("SELECT * FROM events ORDER BY id")))
        last = {e.entry_id: e.id for e in events if e.entry_id}
        previous = ""
        for item in events:
            hashed = item.row_hash or ""
            if item.entry_id and last[item.entry_id] == item.id:
                hashed = row_hash(rows[item.entry_id])
            digest = event_hash(previous, item.entry_id, item.agency, item.action, item.at, item.by, item.detail, hashed)
            conn.execute(text("UPDATE events SET prev_hash = :p, row_hash = :r, hash = :h WHERE id = :id"),
                         {"p": previous, "r": hashed, "h": digest, "id": item.id})
            previous = digest
        conn.execute(text("UPDATE chains SET last_hash = :h"), {"h": previous})
    engine.dispose()


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The agency key, kept outside the register (and outside the workspace)."""
    folder = tmp_path.parent / f"{tmp_path.name}-khoa"
    folder.mkdir()
    path = folder / "khoa-so.txt"
    path.write_text("a3f0c9e1d2b4a6f8091725364758697a8b9cadbecfd0e1f2\n", "utf-8")
    monkeypatch.setenv("CORRESPONDENCE_KHOA_SO", str(path))
    return path


def test_without_a_key_a_recomputed_chain_passes_as_before(make_record: Callable[..., Path], workspace: Path,
                                                           register_url: str) -> None:
    """The limit the key removes: without one, whoever edits the SQL and recomputes every hash is not seen."""
    _issue_two(make_record, workspace, register_url)
    _sql(register_url, "UPDATE entries SET nguoi_ky = 'Người khác' WHERE number = 2")
    _recompute_chain(register_url)
    assert _messages(workspace, register_url) == []


def _issue_two(make_record: Callable[..., Path], workspace: Path, url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, url, formats=("docx",))
    issue([make_record("b.yaml", trich_yeu="hai")], workspace, D, url, formats=("docx",))


def test_with_the_key_a_recomputed_chain_is_found(make_record: Callable[..., Path], workspace: Path, register_url: str,
                                                  key_file: Path) -> None:
    _issue_two(make_record, workspace, register_url)
    assert _messages(workspace, register_url) == []
    with Register(register_url) as register:
        actions = [e.action for e in register.events(AGENCY)]
    assert actions[0] == "seal", "the chain is sealed with the key at its first event"
    _sql(register_url, "UPDATE entries SET nguoi_ky = 'Người khác' WHERE number = 2")
    _recompute_chain(register_url)
    messages = _messages(workspace, register_url)
    assert any(m.startswith("chuỗi sự kiện bị đứt ở sự kiện") for m in messages), messages


def test_register_init_with_the_key_seals_the_new_chain_at_once(workspace: Path, key_file: Path) -> None:
    """No unsealed window: a register made with the key set is sealed before its first document."""
    service.init(workspace)
    url = f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}"
    with Register(url) as register:
        assert [e.action for e in register.events(AGENCY)] == ["seal"]
    assert _messages(workspace, url, repair=False) == []


def test_an_older_chain_is_sealed_from_the_key_on_and_still_verifies(
        make_record: Callable[..., Path], workspace: Path, register_url: str, monkeypatch: pytest.MonkeyPatch,
        key_file: Path) -> None:
    monkeypatch.delenv("CORRESPONDENCE_KHOA_SO")
    _issue_two(make_record, workspace, register_url)  # events hashed without a key
    monkeypatch.setenv("CORRESPONDENCE_KHOA_SO", str(key_file))
    assert _messages(workspace, register_url) == ["chuỗi sự kiện chưa được niêm bằng khóa của cơ quan"]
    issue([make_record("c.yaml", trich_yeu="ba")], workspace, D, register_url, formats=("docx",))
    with Register(register_url) as register:
        actions = [e.action for e in register.events(AGENCY)]
    assert actions[-3:] == ["seal", "issued", "completed"], "keyed from the seal on, the older events as they were"
    assert _messages(workspace, register_url) == []
    # the sealed part cannot be recomputed without the key
    _sql(register_url, "UPDATE entries SET nguoi_ky = 'Người khác' WHERE number = 3")
    _recompute_chain(register_url)
    assert any(m.startswith("chuỗi sự kiện bị đứt ở sự kiện") for m in _messages(workspace, register_url))


def test_a_sealed_register_needs_its_key(make_record: Callable[..., Path], workspace: Path, register_url: str,
                                         monkeypatch: pytest.MonkeyPatch, key_file: Path) -> None:
    _issue_two(make_record, workspace, register_url)
    monkeypatch.delenv("CORRESPONDENCE_KHOA_SO")
    assert _messages(workspace, register_url) == [
        "chuỗi sự kiện được niêm bằng khóa của cơ quan: cần khóa đó để kiểm tra"]
    with pytest.raises(RegisterConflict) as refused:
        issue([make_record("c.yaml", trich_yeu="ba")], workspace, D, register_url, formats=("docx",))
    assert "CORRESPONDENCE_KHOA_SO" in str(refused.value.problems)
    other = key_file.with_name("khoa-khac.txt")
    other.write_text("0" * 48, "utf-8")
    monkeypatch.setenv("CORRESPONDENCE_KHOA_SO", str(other))
    assert "chuỗi sự kiện được niêm bằng một khóa khác" in _messages(workspace, register_url)
    with pytest.raises(RegisterConflict):
        issue([make_record("c.yaml", trich_yeu="ba")], workspace, D, register_url, formats=("docx",))
    assert sorted(_rows(register_url)) == ["01/UBND-XD6", "02/UBND-XD6"]
    monkeypatch.setenv("CORRESPONDENCE_KHOA_SO", str(key_file.with_name("khong-co.txt")))
    with pytest.raises(Exception) as missing:
        service.verify(workspace, register_url=register_url)
    assert "khong-co.txt" in str(missing.value)


# 5 ------------------------------------------------------------------------------------- a full disk after the number


def test_a_disk_full_after_the_number_says_it_was_taken_and_how_to_complete_it(
        make_record: Callable[..., Path], workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Staged files are synced before the number; giving them their names can still fail (a full disk takes the
    directory entry): the clerk is told the number was taken and that register verify completes it."""
    import errno

    from click.testing import CliRunner

    from correspondence import storage as archive
    from correspondence.cli import main

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    make_record()
    with monkeypatch.context() as disk:
        disk.setattr(archive.os, "link", full)
        disk.setattr(archive.os, "replace", full)
        result = CliRunner().invoke(main, ["--lang", "vi", "issue", "cv.yaml", "--ngay", "2019-05-07", "--format", "docx"])
    assert result.exit_code == 6, result.output
    assert "Không có gì được ban hành" not in result.output and "Lỗi nội bộ" not in result.output
    assert "01/UBND-XD6" in result.output and "đĩa đã đầy" in result.output
    assert "đã lấy số nhưng chưa ghi được tệp" in result.output
    assert "correspondence register verify" in result.output
    folder = workspace / "output" / AGENCY / "2019"
    assert [p.name for p in folder.iterdir()] == [], "no file, no temporary file"
    url = f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}"
    (entry,) = _rows(url).values()
    assert entry.pending and entry.lease is None  # type: ignore[attr-defined]
    verified = CliRunner().invoke(main, ["--lang", "vi", "register", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "đã hoàn tất sau khi bị ngắt: 01/UBND-XD6" in verified.output
    assert (folder / "01-UBND-XD6.docx").is_file()
