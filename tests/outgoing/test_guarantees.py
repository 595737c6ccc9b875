"""Issuing never loses, forks, blocks or overwrites a document: one test per failure seen in ordinary office use,
on SQLite and PostgreSQL where the register is involved."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from correspondence import storage as archive
from correspondence.errors import (
    AlreadyIssued,
    ArchiveFailed,
    InvalidRecord,
    RegisterConflict,
    RegisterUnavailable,
    RenderFailed,
)
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service
from correspondence.outgoing.merge import merge
from correspondence.register import store
from correspondence.register.store import Register, normalise_url
from correspondence.vietnamese import hom_nay
from tests.conftest import MERGE_RECORD, crash_after_numbering

D = dt.date(2019, 5, 7)
AGENCY = "ubnd-quang-ninh"


def _declare(workspace: Path, lines: str) -> None:
    profile = workspace / "registers" / f"{AGENCY}.yaml"
    profile.write_text(profile.read_text("utf-8") + lines, "utf-8")


def _numbers(url: str) -> list[str]:
    with Register(url) as register:
        return [e.so_ky_hieu for e in register.entries(AGENCY)]


def _merge_files(workspace: Path, header: str, rows: list[str]) -> tuple[Path, Path]:
    (workspace / "moi.yaml").write_text(MERGE_RECORD, "utf-8")
    (workspace / "khach.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")
    return workspace / "moi.yaml", workspace / "khach.csv"


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line.startswith(start))


def _sql(url: str, statement: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


# 1 ------------------------------------------------------------------------------------------------------------


def test_1_a_merge_row_that_fails_to_render_takes_no_number(workspace: Path, register_url: str) -> None:
    """Every row is rendered before any number is taken: a row the renderer refuses issues nothing (here the
    agency's Word template formats a column as a number, and the second row's is not one)."""
    import docx

    (workspace / "templates").mkdir()
    word = docx.Document()
    word.add_paragraph("{{ so_ky_hieu }} — {{ du_lieu.suat | so }} suất")
    word.save(str(workspace / "templates" / "cong_van.docx"))
    record, data = _merge_files(workspace, "kinh_gui,ten,suat", ["Bà A,bà A,2", "Ông B,ông B,hai"])
    with pytest.raises(RenderFailed):
        merge(record, data, workspace, register=register_url, workers=1)
    assert _numbers(register_url) == []
    assert list((workspace / "output").rglob("*.tmp")) == [], "nothing staged is left behind"
    report = service.verify(workspace, register_url=register_url)
    assert report.problems == []


def test_1_a_row_that_cannot_be_completed_is_marked_failed_and_issuing_goes_on(
        make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    """A pending row whose record no longer renders: verify and issue never crash on it; verify says what to do."""
    fields = {"ten_loai_trich_yeu": "x", "nguoi_ky": "y", "noi_nhan": "z", "don_vi_nhan_ban_luu": "VT",
              "kind": "cong_van", "record_json": json.dumps({"loai": "cong_van", "noi_dung": "\x01"}),
              "agency_json": json.dumps({"id": AGENCY, "profile": {}})}
    lease = store.LEASE
    store.LEASE = f"{store.HOST}:999999999:0"  # a clerk whose process died
    try:
        with Register(register_url) as register:
            register.allocate(AGENCY, "chung", D, "UBND-XD6", fields)
    finally:
        store.LEASE = lease
    report = service.verify(workspace, register_url=register_url)
    assert [p.message for p in report.problems][0].startswith("01/UBND-XD6: không tạo được tệp")
    assert "register void 01/UBND-XD6 --ly-do" in (report.problems[0].hint or "")
    done = issue([make_record()], workspace, D, register_url)
    assert done[0].entry.so_ky_hieu == "02/UBND-XD6" and done[0].files
    service.void(workspace, "01/UBND-XD6", "Không phát hành", register_url=register_url)
    assert service.verify(workspace, register_url=register_url).problems == []


# 2 ------------------------------------------------------------------------------------------------------------


def test_2_each_merge_row_takes_its_own_series_and_symbol(workspace: Path, register_url: str) -> None:
    _declare(workspace, "so_rieng:\n  kstt:\n    don_vi: [KSTT]\n")
    record, data = _merge_files(workspace, "kinh_gui,ten,don_vi,do_mat",
                                ["Bà A,bà A,XD6,", "Ông B,ông B,KSTT,", "Ông C,ông C,XD6,mat", "Bà D,bà D,KSTT,"])
    done = merge(record, data, workspace, register=register_url, workers=1, formats=("pdf",))
    assert [d.so_ky_hieu for d in done] == ["01/UBND-XD6", "01/UBND-KSTT", "01/UBND-XD6-M", "02/UBND-KSTT"]
    with Register(register_url) as register:
        assert [(e.series, e.so_ky_hieu) for e in sorted(register.entries(AGENCY), key=lambda e: e.id)] == [
            ("chung", "01/UBND-XD6"), ("kstt", "01/UBND-KSTT"), ("mat", "01/UBND-XD6-M"), ("kstt", "02/UBND-KSTT")]
    import pdfplumber

    for merged in done:
        with pdfplumber.open(merged.files[0]) as pdf:
            page = pdf.pages[0].extract_text()
        assert f"Số: {merged.so_ky_hieu}" in page, "what is printed is what the register holds"
        assert ("MẬT" in page) == merged.so_ky_hieu.endswith("-M")
    assert len({f for d in done for f in d.files}) == 4, "no file written twice"


# 3 ------------------------------------------------------------------------------------------------------------


def test_3_a_secret_document_has_its_own_series_symbol_and_file(make_record: Callable[..., Path], workspace: Path,
                                                                register_url: str) -> None:
    plain = issue([make_record("a.yaml")], workspace, D, register_url)[0]
    secret = issue([make_record("b.yaml", do_mat="mat")], workspace, D, register_url)[0]
    assert (plain.entry.series, plain.entry.so_ky_hieu) == ("chung", "01/UBND-XD6")
    assert (secret.entry.series, secret.entry.so_ky_hieu) == ("mat", "01/UBND-XD6-M")
    assert {f.name for f in secret.files}.isdisjoint({f.name for f in plain.files})
    assert all(f.is_file() for f in plain.files + secret.files)
    assert service.show(workspace, "01/UBND-XD6-M", register_url=register_url).series == "mat"
    assert service.void(workspace, "01/UBND-XD6-M", "Sai", register_url=register_url, series="mat").status == "voided"


def test_3_the_register_refuses_a_number_and_symbol_used_that_year(make_record: Callable[..., Path], workspace: Path,
                                                                   register_url: str) -> None:
    _declare(workspace, 'ky_hieu_mat: "{ky_hieu}"\n')  # a profile that does not tell secret documents apart
    issue([make_record("a.yaml")], workspace, D, register_url)
    with pytest.raises(RegisterConflict) as refused:
        issue([make_record("b.yaml", do_mat="mat")], workspace, D, register_url)
    assert refused.value.message.startswith("01/UBND-XD6 đã có trong năm 2019 (sổ chung)")
    assert _numbers(register_url) == ["01/UBND-XD6"], "the refused allocation took no number"
    with Register(register_url) as register:
        assert [(s.series, s.last_number) for s in register.series_states(AGENCY)] in (
            [("chung", 1)], [("chung", 1), ("mat", 0)])


# 4 ------------------------------------------------------------------------------------------------------------


def test_4_a_long_subject_issues_at_a_three_digit_number(make_record: Callable[..., Path], workspace: Path,
                                                         register_url: str) -> None:
    with Register(register_url) as register:
        register.import_entries(AGENCY, [{
            "series": "chung", "year": 2019, "number": n, "so_ky_hieu": f"{n:02d}/UBND-VP", "ngay": "2019-01-02",
            "ten_loai_trich_yeu": "Công văn cũ", "nguoi_ky": "A", "noi_nhan": "B", "don_vi_nhan_ban_luu": "VT",
            "kind": "cong_van"} for n in range(1, 100)])
    subject = ("về việc " + "rà soát, đánh giá, cập nhật và công bố dịch vụ công trực tuyến " * 5)[:248]
    done = issue([make_record(trich_yeu=subject)], workspace, D, register_url)
    assert done[0].entry.so_ky_hieu == "100/UBND-XD6" and len(done[0].files) == 2
    import zipfile

    core = zipfile.ZipFile(done[0].files[0]).read("docProps/core.xml").decode()
    title = core.split("<dc:title>")[1].split("</dc:title>")[0]
    assert len(title) <= 255 and title.endswith("…"), "the property is cut, never the document"


# 5 ------------------------------------------------------------------------------------------------------------


def test_5_an_emptied_register_is_refused(make_record: Callable[..., Path], workspace: Path) -> None:
    issue([make_record()], workspace, D)
    sqlite = workspace / "registers" / f"{AGENCY}.sqlite"
    sqlite.write_bytes(b"")
    with pytest.raises(RegisterUnavailable) as refused:
        issue([make_record("b.yaml")], workspace, D, lai=True)
    assert "rỗng" in refused.value.message and sqlite.stat().st_size == 0


def test_5_a_missing_register_with_issued_files_is_refused(make_record: Callable[..., Path], workspace: Path) -> None:
    first = issue([make_record()], workspace, D)[0]
    (workspace / "registers" / f"{AGENCY}.sqlite").unlink()
    with pytest.raises(RegisterUnavailable) as refused:
        issue([make_record("b.yaml")], workspace, D)
    assert "output/ubnd-quang-ninh" in refused.value.message
    assert not (workspace / "registers" / f"{AGENCY}.sqlite").exists()
    assert first.files[1].read_bytes()[:4] == b"%PDF", "the issued 01 is untouched"


def test_5_read_commands_and_explicit_urls_never_create_a_register(workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    typo = workspace / "typo" / "x.sqlite"
    result = CliRunner().invoke(main, ["--lang", "vi", "--register", f"sqlite:///{typo}", "register", "list",
                                       "--co-quan", AGENCY])
    assert result.exit_code == 4 and f"không có sổ đăng ký ở {typo}" in result.output
    assert not typo.exists() and not typo.parent.exists()
    for command in (["register", "list"], ["register", "verify"], ["register", "export", "--nam", "2019"]):
        result = CliRunner().invoke(main, ["--lang", "vi", *command])
        assert result.exit_code == 4, (command, result.output)
    assert list((workspace / "registers").glob("*.sqlite")) == []


def test_5_the_workspace_is_found_from_a_subfolder(make_record: Callable[..., Path], workspace: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from correspondence import api

    (workspace / "output").mkdir(exist_ok=True)
    issue([make_record()], workspace, D)
    sub = workspace / "ho-so" / "thang-5"
    sub.mkdir(parents=True)
    record = make_record("ho-so/thang-5/cv.yaml", trich_yeu="một việc khác")
    monkeypatch.chdir(sub)
    done = api.issue([record], None, D)
    assert done[0].entry.so_ky_hieu == "02/UBND-XD6", "the workspace's register, not a new one"
    assert not (sub / "registers").exists() and not (sub / "output").exists()
    assert [e.so_ky_hieu for e in api.register_list(None)] == ["01/UBND-XD6", "02/UBND-XD6"]


def test_5_register_init_creates_once(workspace: Path) -> None:
    from correspondence import api

    where = api.register_init(workspace, AGENCY)
    assert where.endswith("registers/ubnd-quang-ninh.sqlite")
    with pytest.raises(RegisterConflict):
        api.register_init(workspace, AGENCY)


# 6 ------------------------------------------------------------------------------------------------------------


def test_6_the_annex_of_an_interrupted_row_completes_it_first(make_record: Callable[..., Path], workspace: Path,
                                                              register_url: str) -> None:
    from correspondence import api

    crash_after_numbering(lambda: issue([make_record()], workspace, D, register_url))
    (workspace / "bang.csv").write_text("ten,ghi\nA,x\n", "utf-8")
    (workspace / "bang.yaml").write_text("cot:\n  - {ten: Tên, khoa: ten}\n", "utf-8")
    api.annex(workspace, "01/UBND-XD6", workspace / "bang.csv", workspace / "bang.yaml", register_url=register_url)
    entry = service.show(workspace, "01/UBND-XD6", register_url=register_url)
    assert sorted(Path(f["path"]).name for f in entry.files) == [
        "01-UBND-XD6-phu-luc.docx", "01-UBND-XD6-phu-luc.pdf", "01-UBND-XD6.docx", "01-UBND-XD6.pdf"]
    assert service.verify(workspace, register_url=register_url).problems == []


# 7 ------------------------------------------------------------------------------------------------------------


def test_7_a_date_after_today_or_an_impossible_year_is_refused(make_record: Callable[..., Path], workspace: Path,
                                                               register_url: str) -> None:
    tomorrow = hom_nay() + dt.timedelta(days=1)
    for day in (tomorrow, dt.date(2099, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1999, 12, 31)):
        with pytest.raises(InvalidRecord) as refused:
            issue([make_record()], workspace, day, register_url)
        assert refused.value.problems[0].field == "--ngay"
    with pytest.raises(InvalidRecord) as located:
        issue([make_record(ngay=tomorrow.isoformat())], workspace, None, register_url)
    problem = located.value.problems[0]
    assert (problem.source, problem.field) == (f"cv.yaml:{_line_of(workspace / 'cv.yaml', 'ngay:')}", "ngay")
    assert "sau ngày hôm nay" in problem.message
    assert _numbers(register_url) == []


def test_7_a_closed_year_takes_no_more_documents(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    issue([make_record()], workspace, D, register_url)
    service.close_year(workspace, 2019, register_url=register_url)
    with pytest.raises(RegisterConflict) as refused:
        issue([make_record("b.yaml", trich_yeu="việc khác")], workspace, dt.date(2019, 12, 30), register_url)
    assert "đã khóa sổ" in refused.value.message
    report = service.verify(workspace, register_url=register_url)
    assert report.closed == [f"{AGENCY} 2019"] and report.problems == []
    csv = service.export(workspace, 2019, "csv", register_url=register_url)
    assert csv.is_file()
    pdf = service.export(workspace, 2019, "pdf", register_url=register_url)
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        assert "Khóa sổ ngày" in opened.pages[0].extract_text()


def test_7_voiding_the_latest_number_releases_its_date(make_record: Callable[..., Path], workspace: Path,
                                                       register_url: str) -> None:
    issue([make_record()], workspace, dt.date(2019, 5, 7), register_url)
    issue([make_record("b.yaml", trich_yeu="gõ nhầm ngày")], workspace, dt.date(2019, 12, 13), register_url)
    with pytest.raises(RegisterConflict):
        issue([make_record("c.yaml", trich_yeu="việc hôm nay")], workspace, dt.date(2019, 5, 8), register_url)
    service.void(workspace, "02/UBND-XD6", "Gõ nhầm ngày", register_url=register_url)
    done = issue([make_record("c.yaml", trich_yeu="việc hôm nay")], workspace, dt.date(2019, 5, 8), register_url)
    assert done[0].entry.so_ky_hieu == "03/UBND-XD6"
    assert service.verify(workspace, register_url=register_url).problems == []


# 8 ------------------------------------------------------------------------------------------------------------


def test_8_a_row_another_live_clerk_is_writing_is_left_alone(make_record: Callable[..., Path], workspace: Path,
                                                             register_url: str) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        start = Path(f"/proc/{sleeper.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        crash_after_numbering(lambda: issue([make_record()], workspace, D, register_url),
                              f"{store.HOST}:{sleeper.pid}:{start}")
        began = time.perf_counter()
        other = issue([make_record("b.yaml", trich_yeu="việc khác")], workspace, D, register_url)[0]
        assert time.perf_counter() - began < 30
        assert other.entry.so_ky_hieu == "02/UBND-XD6"
        with Register(register_url) as register:
            assert [e.so_ky_hieu for e in register.pending(AGENCY)] == ["01/UBND-XD6"], "not re-rendered by another"
        report = service.verify(workspace, register_url=register_url)
        assert report.in_progress == ["01/UBND-XD6"] and report.repaired == []
    finally:
        sleeper.kill()
        sleeper.wait()
    report = service.verify(workspace, register_url=register_url)
    assert report.repaired == ["01/UBND-XD6"] and report.problems == []


# 9 ------------------------------------------------------------------------------------------------------------


def test_9_issued_files_honour_the_umask_and_are_never_given_to_other_users(make_record: Callable[..., Path],
                                                                            workspace: Path, register_url: str) -> None:
    old = os.umask(0o022)
    try:
        done = issue([make_record()], workspace, D, register_url)
    finally:
        os.umask(old)
    assert {oct(f.stat().st_mode & 0o777) for f in done[0].files} == {"0o640"}


# 10 -----------------------------------------------------------------------------------------------------------


def _issue_three(make_record: Callable[..., Path], workspace: Path, url: str) -> None:
    issue([make_record("a.yaml"), make_record("b.yaml", trich_yeu="hai"), make_record("c.yaml", trich_yeu="ba")],
          workspace, D, url)


@pytest.mark.parametrize("change", [
    "UPDATE entries SET ten_loai_trich_yeu = 'Công văn khác' WHERE number = 2",
    "UPDATE entries SET ngay = '2019-05-06' WHERE number = 2",
    "UPDATE entries SET nguoi_ky = 'Người khác' WHERE number = 2",
])
def test_10_a_row_edited_with_sql_is_found(make_record: Callable[..., Path], workspace: Path, register_url: str,
                                           change: str) -> None:
    _issue_three(make_record, workspace, register_url)
    _sql(register_url, change)
    messages = [p.message for p in service.verify(workspace, register_url=register_url).problems]
    assert "02/UBND-XD6: dòng này đã bị sửa ngoài công cụ sau sự kiện cuối" in messages


def test_10_a_pdf_swapped_with_its_hash_is_found(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    _issue_three(make_record, workspace, register_url)
    folder = workspace / "output" / AGENCY / "2019"
    forged = (folder / "03-UBND-XD6.pdf").read_bytes()
    (folder / "02-UBND-XD6.pdf").write_bytes(forged)
    entry = service.show(workspace, "02/UBND-XD6", register_url=register_url)
    files = [dict(f, sha256=archive.sha256(forged)) if f["path"].endswith(".pdf") else f for f in entry.files]
    _sql(register_url, f"UPDATE entries SET files_json = '{json.dumps(files)}' WHERE id = {entry.id}")
    messages = [p.message for p in service.verify(workspace, register_url=register_url).problems]
    assert "02/UBND-XD6: dòng này đã bị sửa ngoài công cụ sau sự kiện cuối" in messages


def test_10_a_deleted_last_row_and_a_lowered_counter_are_found(make_record: Callable[..., Path], workspace: Path,
                                                               register_url: str) -> None:
    _issue_three(make_record, workspace, register_url)
    _sql(register_url, "DELETE FROM entries WHERE number = 3")
    _sql(register_url, "UPDATE series SET last_number = 2")
    messages = [p.message for p in service.verify(workspace, register_url=register_url).problems]
    assert "dòng của số 03/UBND-XD6 đã bị xóa ngoài công cụ" in messages
    assert "không dòng nào của sổ đăng ký ứng với tệp này" in messages, "its files are orphans now"


def test_10_an_inserted_row_and_a_removed_event_are_found(make_record: Callable[..., Path], workspace: Path,
                                                          register_url: str) -> None:
    _issue_three(make_record, workspace, register_url)
    _sql(register_url, "INSERT INTO entries (agency, year, series, number, so_ky_hieu, ngay, ten_loai_trich_yeu, "
                       "nguoi_ky, noi_nhan, don_vi_nhan_ban_luu, kind, status, issued_at, issued_by) VALUES "
                       "('ubnd-quang-ninh', 2019, 'chung', 4, '04/UBND-XD6', '2019-05-07', 'x', 'y', 'z', 'VT', "
                       "'cong_van', 'issued', '2019-05-07', 'vt')")
    _sql(register_url, "DELETE FROM events WHERE id = 2")
    messages = [p.message for p in service.verify(workspace, register_url=register_url).problems]
    assert "04/UBND-XD6: dòng này được thêm ngoài công cụ" in messages
    assert any(m.startswith("chuỗi sự kiện bị đứt ở sự kiện 3") for m in messages)


def test_10_a_file_in_output_no_row_claims_is_reported(make_record: Callable[..., Path], workspace: Path,
                                                       register_url: str) -> None:
    issue([make_record()], workspace, D, register_url)
    (workspace / "output" / AGENCY / "2019" / "99-UBND-XD6.pdf").write_bytes(b"%PDF-1.7")
    problems = service.verify(workspace, register_url=register_url).problems
    assert [(p.source, p.message) for p in problems] == [
        ("output/ubnd-quang-ninh/2019/99-UBND-XD6.pdf", "không dòng nào của sổ đăng ký ứng với tệp này")]


def test_10_a_full_disk_takes_no_number_and_leaves_no_temporary_file(
        make_record: Callable[..., Path], workspace: Path, register_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archive.os, "fsync", full)
    with pytest.raises(ArchiveFailed) as refused:
        issue([make_record()], workspace, D, register_url)
    assert refused.value.message.endswith("đĩa đã đầy")
    assert _numbers(register_url) == []
    assert [p for p in (workspace / "output").rglob("*") if p.is_file()] == []


def test_10_a_published_file_is_never_replaced_by_other_bytes(tmp_path: Path) -> None:
    archive.store({"a.pdf": b"issued"}, tmp_path, tmp_path)
    with pytest.raises(ArchiveFailed):
        archive.store({"a.pdf": b"another"}, tmp_path, tmp_path)
    assert (tmp_path / "a.pdf").read_bytes() == b"issued" and list(tmp_path.glob(".*.tmp")) == []
    assert archive.store({"a.pdf": b"issued"}, tmp_path, tmp_path)[0]["path"] == "a.pdf", "the same bytes: nothing to do"


# 11 -----------------------------------------------------------------------------------------------------------


def test_11_the_same_record_issued_again_is_refused_without_lai(make_record: Callable[..., Path], workspace: Path,
                                                                register_url: str) -> None:
    record = make_record()
    issue([record], workspace, D, register_url)
    with pytest.raises(AlreadyIssued) as refused:
        issue([record], workspace, D, register_url)
    assert refused.value.message == "cv.yaml: bản ghi này đã được ban hành trong năm 2019, số 01/UBND-XD6"
    assert _numbers(register_url) == ["01/UBND-XD6"]
    assert issue([record], workspace, D, register_url, lai=True)[0].entry.so_ky_hieu == "02/UBND-XD6"


def test_11_the_command_line_asks_for_lai_in_batch_mode(make_record: Callable[..., Path], workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    make_record()
    first = CliRunner().invoke(main, ["--lang", "vi", "issue", "cv.yaml", "--ngay", "2019-05-07"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, ["--lang", "vi", "issue", "cv.yaml", "--ngay", "2019-05-07"])
    assert again.exit_code == 4 and "số 01/UBND-XD6 — thêm --lai để ban hành lại" in again.output
    forced = CliRunner().invoke(main, ["--lang", "vi", "issue", "cv.yaml", "--ngay", "2019-05-07", "--lai"])
    assert forced.exit_code == 0 and "02/UBND-XD6" in forced.output


def test_8_another_machine_s_row_on_a_shared_sqlite_file_is_recovered_after_a_day(workspace: Path) -> None:
    url = f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}"
    with Register(url, create=True) as register:
        assert not register.lease_released("another-host:123:456", store.now())
        assert register.lease_released("another-host:123:456", "2019-05-07T08:00:00+00:00")
