"""Void, import, export, verify and migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from correspondence.errors import InvalidRecord, RegisterConflict, UsageError
from correspondence.model import BookLayout
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service
from correspondence.register import book, migrations
from correspondence.register.store import Register
from tests.conftest import older_register

D = dt.date(2019, 5, 7)
HEADER = "Số, ký hiệu văn bản,Ngày tháng văn bản,Tên loại và trích yếu nội dung văn bản,Người ký,Nơi nhận văn bản," \
         "\"Đơn vị, người nhận bản lưu\",Số lượng bản,Ngày chuyển,Ký nhận,Ghi chú\n"


def _csv(workspace: Path, rows: str, name: str = "so-cu.csv") -> Path:
    path = workspace / name
    path.write_text('"Số, ký hiệu văn bản"' + HEADER[len("Số, ký hiệu văn bản"):] + rows, "utf-8")
    return path


ROWS = ("01/UBND-VP,02/01/2019,Công văn V/v a,Nguyễn Văn Thắng,Các sở,\"VT, VP\",3,02/01/2019,,\n"
        "02/UBND-VP,03/01/2019,Công văn V/v b,Nguyễn Văn Thắng,Các sở,\"VT, VP\",,,,\n"
        "03/KH-UBND,04/01/2019,Kế hoạch c,Đặng Huy Hậu,Các huyện,VT,,,,bản gốc lưu tại VT\n")


def test_void_keeps_the_number_and_the_files(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    issue([make_record("a.yaml"), make_record("b.yaml")], workspace, D, register_url, lai=True)
    voided = service.void(workspace, "02/UBND-XD6", "Sai nội dung, không phát hành", register_url=register_url)
    assert voided.status == "voided" and voided.ghi_chu == "Sai nội dung, không phát hành"
    folder = workspace / "output" / "ubnd-quang-ninh" / "2019"
    assert (folder / "02-UBND-XD6.pdf").is_file()
    assert "ĐÃ HỦY" in (folder / "02-UBND-XD6.DA-HUY.txt").read_text("utf-8")
    nxt = issue([make_record("c.yaml")], workspace, D, register_url, lai=True)[0].entry
    assert nxt.number == 3, "a voided number is never reused"
    with pytest.raises(RegisterConflict) as caught:
        service.void(workspace, "02/UBND-XD6", "lần nữa", register_url=register_url)
    assert caught.value.message == "02/UBND-XD6 đã bị hủy trước đó: Sai nội dung, không phát hành"
    with pytest.raises(RegisterConflict) as caught:
        service.void(workspace, "99/UBND-XD6", "x", register_url=register_url)
    assert caught.value.message == "99/UBND-XD6 không có trong sổ của ubnd-quang-ninh"
    assert service.verify(workspace, register_url=register_url).problems == []


def test_import_then_issue_continues(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    count = service.import_file(workspace, _csv(workspace, ROWS), register_url=register_url)
    assert count == 3
    entries = service.list_entries(workspace, register_url=register_url)
    assert [(e.so_ky_hieu, e.kind, e.status, e.so_luong_ban) for e in entries] == [
        ("01/UBND-VP", "cong_van", "imported", 3), ("02/UBND-VP", "cong_van", "imported", None),
        ("03/KH-UBND", "ke_hoach", "imported", None)]
    done = issue([make_record()], workspace, D, register_url)
    assert done[0].entry.so_ky_hieu == "04/UBND-XD6"
    with pytest.raises(RegisterConflict):
        service.import_file(workspace, _csv(workspace, ROWS, "again.csv"), register_url=register_url)


def test_import_from_xlsx(workspace: Path, register_url: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(BookLayout().columns))
    sheet.append([f"({n})" for n in range(1, 11)])
    sheet.append(["01/UBND-VP", dt.datetime(2019, 1, 2), "Công văn V/v a", "A", "B", "VT", 2, None, None, None])
    sheet.append(["02/UBND-VP", "2019-01-03", "Công văn V/v b", "A", "B", "VT", None, None, None, "ghi chú"])
    path = workspace / "so.xlsx"
    workbook.save(path)
    assert service.import_file(workspace, path, register_url=register_url) == 2
    assert [e.ngay for e in service.list_entries(workspace, register_url=register_url)] == ["2019-01-02", "2019-01-03"]


def test_import_errors_are_located_and_nothing_is_imported(workspace: Path, register_url: str) -> None:
    rows = ("01/UBND-VP,02/01/2019,Công văn V/v a,A,B,VT,,,,\n"
            "xx,03/01/2019,Công văn V/v b,A,B,VT,,,,\n"
            "03/UBND-VP,31/02/2019,Công văn V/v c,A,B,VT,ba,,,\n"
            "01/UBND-VP,04/01/2019,,A,B,VT,,,,\n")
    with pytest.raises(InvalidRecord) as caught:
        service.import_file(workspace, _csv(workspace, rows), register_url=register_url)
    assert [str(p) for p in caught.value.problems] == [
        "so-cu.csv:3: so_ky_hieu: cần số, ký hiệu dạng 3018/UBND-XD6, nhận được 'xx'",
        "so-cu.csv:4: ngay: cần ngày dạng 07/05/2019 hoặc 2019-05-07, nhận được '31/02/2019'",
        "so-cu.csv:4: so_luong_ban: phải là số nguyên, nhận được 'ba'",
        "so-cu.csv:5: ten_loai_trich_yeu: không được để trống",
        "so-cu.csv:5: so_ky_hieu: số 1 xuất hiện hai lần (cả ở so-cu.csv:2)",
    ]
    assert service.list_entries(workspace, register_url=register_url) == []


def test_import_missing_column_and_empty_file(workspace: Path, register_url: str) -> None:
    path = workspace / "thieu.csv"
    path.write_text("Số, ký hiệu;Người ký\n01/UBND-VP;A\n", "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        service.import_file(workspace, path, register_url=register_url)
    assert [p.field for p in caught.value.problems] == ["ngay", "ten_loai_trich_yeu"]
    assert caught.value.problems[0].source == "thieu.csv:1"
    empty = workspace / "rong.csv"
    empty.write_text("", "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        service.import_file(workspace, empty, register_url=register_url)
    assert str(caught.value.problems[0]) == "rong.csv: tệp không có dòng nào"


def test_export_every_format(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    import pdfplumber
    from docx import Document
    from openpyxl import load_workbook

    issue([make_record("a.yaml"), make_record("b.yaml"), make_record("c.yaml")], workspace, D, register_url, lai=True)
    service.void(workspace, "02/UBND-XD6", "Sai nội dung", register_url=register_url)
    pdf_path = service.export(workspace, 2019, "pdf", register_url=register_url)
    assert pdf_path == workspace / "output" / "ubnd-quang-ninh" / "so-dang-ky-van-ban-di-2019.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        cover, table_page = pdf.pages[0], pdf.pages[1]
        lines = cover.extract_text().splitlines()
        assert lines == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm: 2019",
                         "Từ ngày 07/05/2019 đến ngày 07/05/2019", "Từ số 01 đến số 03", "Quyển số: 01"]
        assert cover.width < cover.height and table_page.width > table_page.height, "A4 landscape pages"
        table = table_page.extract_table()
        assert [" ".join(c.split()) for c in table[0]] == list(BookLayout().columns)
        assert table[1] == [f"({n})" for n in range(1, 11)]
        assert [row[0].replace("\n", "") for row in table[2:]] == ["01/UBND-XD6", "02/UBND-XD6", "03/UBND-XD6"]
        assert " ".join(table[3][9].split()) == "ĐÃ HỦY: Sai nội dung"
    xlsx = service.export(workspace, 2019, "xlsx", register_url=register_url)
    sheet = load_workbook(xlsx).worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(BookLayout().columns)
    assert [r[0] for r in rows[2:]] == ["01/UBND-XD6", "02/UBND-XD6", "03/UBND-XD6"]
    assert sheet.print_title_rows in ("1:2", "$1:$2") and sheet.page_setup.orientation == "landscape"
    docx = service.export(workspace, 2019, "docx", register_url=register_url)
    word = Document(docx)
    assert word.sections[1].orientation == 1
    table = word.tables[1]  # after the framed cover
    assert [c.text for c in table.rows[0].cells] == list(BookLayout().columns)
    assert "<w:tblHeader/>" in table.rows[0]._tr.xml and "<w:cantSplit/>" in table.rows[3]._tr.xml
    assert [r.cells[0].text for r in table.rows[2:]] == ["01/UBND-XD6", "02/UBND-XD6", "03/UBND-XD6"]
    csv_text = service.export(workspace, 2019, "csv", register_url=register_url).read_text("utf-8-sig")
    assert csv_text.splitlines()[0].startswith('"Số, ký hiệu văn bản",Ngày tháng văn bản,')
    assert len(csv_text.splitlines()) == 4
    with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as package:
        assert "word/document.xml" in package.namelist()


def test_export_of_an_empty_year(workspace: Path, register_url: str) -> None:
    with pytest.raises(RegisterConflict) as caught:
        service.export(workspace, 2018, "pdf", register_url=register_url)
    assert caught.value.message == "sổ của ubnd-quang-ninh chưa có số nào trong năm 2018 (sổ chung)"


def test_verify_finds_missing_and_altered_files_and_gaps(make_record: Callable[..., Path], workspace: Path,
                                                         register_url: str) -> None:
    done = issue([make_record("a.yaml"), make_record("b.yaml")], workspace, D, register_url, lai=True)
    report = service.verify(workspace, register_url=register_url)
    assert (report.checked, report.files, report.problems) == (2, 4, [])
    done[0].files[0].unlink()
    done[1].files[1].write_bytes(b"%PDF-1.7 altered")
    with Register(register_url) as register:
        register.import_entries("ubnd-quang-ninh", [{
            "year": 2019, "series": "chung", "number": 5, "so_ky_hieu": "05/UBND-XD6", "ngay": "2019-05-07",
            "ten_loai_trich_yeu": "x", "nguoi_ky": "y", "noi_nhan": "z", "don_vi_nhan_ban_luu": "VT", "kind": "cong_van"}])
    messages = sorted(str(p) for p in service.verify(workspace, register_url=register_url).problems)
    assert messages == [
        "ubnd-quang-ninh/2019/chung: sổ thiếu các số: 3, 4 (hãy hủy hoặc nhập bổ sung để số nào cũng có dòng trong sổ)",
        "ubnd-quang-ninh/2019/chung:1: 01/UBND-XD6: thiếu tệp: output/ubnd-quang-ninh/2019/01-UBND-XD6.docx",
        "ubnd-quang-ninh/2019/chung:2: 02/UBND-XD6: tệp đã bị sửa sau khi ban hành: "
        "output/ubnd-quang-ninh/2019/02-UBND-XD6.pdf (hãy khôi phục từ bản sao lưu)",
    ]


def test_a_number_taken_before_a_crash_gets_its_files(make_record: Callable[..., Path], workspace: Path,
                                                      register_url: str) -> None:
    """Simulate a crash between the committed number and the files: verify completes the row."""
    from tests.conftest import crash_after_numbering

    issue([make_record("a.yaml")], workspace, D, register_url)
    crash_after_numbering(lambda: issue([make_record("b.yaml")], workspace, D, register_url, lai=True))
    with Register(register_url) as register:
        (pending,) = register.pending("ubnd-quang-ninh")
        assert pending.so_ky_hieu == "02/UBND-XD6"
    assert not (workspace / "output" / "ubnd-quang-ninh" / "2019" / "02-UBND-XD6.pdf").exists()
    assert [str(p) for p in service.verify(workspace, register_url=register_url, repair=False).problems] == [
        "ubnd-quang-ninh/2019/chung:2: 02/UBND-XD6: chưa ghi xong tệp (chạy register verify không kèm --no-repair)"]
    report = service.verify(workspace, register_url=register_url)
    assert report.repaired == ["02/UBND-XD6"] and report.problems == []
    again = issue([make_record("b.yaml")], workspace, D, register_url, lai=True)[0]
    rebuilt = workspace / "output" / "ubnd-quang-ninh" / "2019" / "02-UBND-XD6.docx"
    assert rebuilt.is_file() and again.entry.number == 3


def test_words_indexed_before_version_11_are_still_found(workspace: Path, blank_url: str) -> None:
    """Version 11 keeps PostgreSQL's search vectors in a stored column: rows indexed before it are found after it."""
    from sqlalchemy import text

    with older_register(blank_url, 10) as conn:
        conn.execute(text(
            "INSERT INTO entries (agency, year, series, number, so_ky_hieu, ngay, ten_loai_trich_yeu, nguoi_ky, noi_nhan, "
            "don_vi_nhan_ban_luu, kind, status, issued_at, issued_by) VALUES ('ubnd-quang-ninh', 2019, 'chung', 1, "
            "'01/UBND-VP', '2019-03-01', 'Công văn cũ', 'A', 'B', 'VT', 'cong_van', 'imported', '2019-03-01', 'vt')"))
        entry_id = conn.execute(text("SELECT id FROM entries")).scalar_one()
        conn.execute(text("INSERT INTO tim_kiem_van_ban VALUES (:id, 'ubnd-quang-ninh', 'dich vu cong truc tuyen', "
                          "'Dịch vụ công trực tuyến')"), {"id": entry_id})
        if conn.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO tim_kiem_fts (rowid, tu_khoa) VALUES (:id, 'dich vu cong truc tuyen')"),
                         {"id": entry_id})
    with Register(blank_url) as register:
        assert register.schema_version() >= 11
        found = register.search("ubnd-quang-ninh", ["dich", "vu", "cong"])
        assert [entry.so_ky_hieu for entry, _words, _text in found] == ["01/UBND-VP"]
        assert register.search("ubnd-quang-ninh", ["xyzzy"]) == []


def test_an_older_register_upgrades_in_place(workspace: Path, blank_url: str) -> None:
    from sqlalchemy import text

    with older_register(blank_url, 1) as conn:
        conn.execute(text("INSERT INTO series VALUES ('ubnd-quang-ninh', 2019, 'chung', 7, '2019-03-01')"))
        conn.execute(text(
            "INSERT INTO entries (agency, year, series, number, so_ky_hieu, ngay, ten_loai_trich_yeu, nguoi_ky, noi_nhan, "
            "don_vi_nhan_ban_luu, kind, status, issued_at, issued_by) VALUES ('ubnd-quang-ninh', 2019, 'chung', 7, "
            "'07/UBND-VP', '2019-03-01', 'Công văn cũ', 'A', 'B', 'VT', 'cong_van', 'imported', '2019-03-01', 'vt')"))
    with Register(blank_url) as register:
        assert register.schema_version() == migrations.CURRENT
        (entry,) = register.entries("ubnd-quang-ninh")
        assert (entry.so_ky_hieu, entry.ten_loai_trich_yeu) == ("07/UBND-VP", "Công văn cũ")
        assert entry.don_vi == "VP", "migration 3 filled the drafting unit of the older row"
        nxt = register.allocate("ubnd-quang-ninh", "chung", D, "UBND-XD6", {
            "ten_loai_trich_yeu": "x", "nguoi_ky": "y", "noi_nhan": "z", "don_vi_nhan_ban_luu": "VT", "kind": "cong_van"})
        assert nxt.number == 8


def test_register_commands_from_the_command_line(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    run = CliRunner()
    base = ["--lang", "vi", "--register", register_url]
    result = run.invoke(main, [*base, "issue", str(make_record()), "--ngay", "2019-05-07"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Đã ban hành số 01/UBND-XD6 ngày 07/05/2019"
    listed = json.loads(run.invoke(main, [*base, "register", "list", "--json"]).output)
    assert [e["so_ky_hieu"] for e in listed] == ["01/UBND-XD6"]
    shown = run.invoke(main, [*base, "register", "show", "01/UBND-XD6"]).output
    assert "Số, ký hiệu: 01/UBND-XD6" in shown
    result = run.invoke(main, [*base, "issue", str(make_record()), "--ngay", "2019-05-06"])
    assert result.exit_code == 4
    result = run.invoke(main, [*base, "register", "verify"])
    assert result.exit_code == 0 and result.output == "Sổ nhất quán: đã kiểm tra 1 số, 2 tệp.\n"
    (workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").unlink()
    result = run.invoke(main, [*base, "register", "verify"])
    assert result.exit_code == 6
    assert "thiếu tệp: output/ubnd-quang-ninh/2019/01-UBND-XD6.pdf" in result.stderr
    result = run.invoke(main, [*base, "register", "export", "--nam", "2019", "--format", "csv"])
    assert result.output == "Đã ghi: output/ubnd-quang-ninh/so-dang-ky-van-ban-di-2019.csv\n"


def test_example_layout_profile_beside_the_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's own layout: the profile in examples/registers/, the register in the workspace."""
    import shutil

    from tests.conftest import EXAMPLES

    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    for folder in ("registers", "output"):  # the checkout's own workspace folders (a folder without them gets none)
        (tmp_path / folder).mkdir()
    done = issue([tmp_path / "examples" / "cong-van-3018.yaml"], tmp_path)
    assert done[0].entry.so_ky_hieu == "01/UBND-XD6" and done[0].entry.ngay == "2019-05-07"
    assert (tmp_path / "registers" / "ubnd-quang-ninh.sqlite").is_file()
    assert [e.so_ky_hieu for e in service.list_entries(tmp_path)] == ["01/UBND-XD6"]
    path = service.export(tmp_path, 2019, "csv")
    assert path.read_text("utf-8-sig").splitlines()[1].startswith("01/UBND-XD6,07/05/2019,")
    cover = book.build(service.list_entries(tmp_path), (), ("Ủy ban nhân dân", "Tỉnh Quảng Ninh"), 2019, "chung").cover
    assert (cover[1].text, cover[1].bold) == ("TỈNH QUẢNG NINH", True)


def test_where_the_register_lives(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from correspondence.workspace import register_url

    monkeypatch.delenv("CORRESPONDENCE_REGISTER", raising=False)
    default = register_url(workspace, "ubnd-quang-ninh")
    assert default == f"sqlite:///{(workspace / 'registers' / 'ubnd-quang-ninh.sqlite').resolve()}"
    (workspace / "registers" / "config.yaml").write_text("register: postgresql://vanthu@may-chu/congvan\n", "utf-8")
    assert register_url(workspace, "ubnd-quang-ninh") == "postgresql://vanthu@may-chu/congvan"
    monkeypatch.setenv("CORRESPONDENCE_REGISTER", "sqlite:///chung.sqlite")
    assert register_url(workspace, "ubnd-quang-ninh") == "sqlite:///chung.sqlite"
    assert register_url(workspace, "ubnd-quang-ninh", "postgresql://x/y") == "postgresql://x/y"


def test_lookup_messages(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    issue([make_record()], workspace, dt.date(2019, 12, 31), register_url, lai=True)
    issue([make_record()], workspace, dt.date(2020, 1, 2), register_url, lai=True)
    with pytest.raises(RegisterConflict) as caught:
        service.show(workspace, "01/UBND-XD6", register_url=register_url)
    assert caught.value.message == "01/UBND-XD6 có ở nhiều năm (2020, 2019): thêm --nam"
    assert service.show(workspace, "01/UBND-XD6", year=2019, register_url=register_url).ngay == "2019-12-31"
    with pytest.raises(RegisterConflict) as caught:
        service.show(workspace, "số một", register_url=register_url)
    assert caught.value.message == "'số một' không phải số, ký hiệu dạng 3018/UBND-XD6"
    with pytest.raises(RegisterConflict) as caught:
        service.void(workspace, "01/UBND-XD6", "  ", year=2019, register_url=register_url)
    assert caught.value.message == "hãy ghi lý do bằng --reason"
    (workspace / "registers" / "so-noi-vu.yaml").write_text("x: 1\n", "utf-8")
    from correspondence.errors import CorrespondenceError

    with pytest.raises(CorrespondenceError) as caught:
        service.list_entries(workspace, register_url=register_url)
    assert caught.value.message.startswith("hãy chọn cơ quan bằng --co-quan (có: so-noi-vu, ubnd-quang-ninh")


def test_list_filters_by_unit_kind_year_and_text(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    issue([make_record("a.yaml"), make_record("b.yaml", loai="ke_hoach", don_vi="KSTT", kinh_gui=None,
                                               trich_yeu="Triển khai dịch vụ công")], workspace, D, register_url)
    issue([make_record("c.yaml")], workspace, dt.date(2020, 1, 2), register_url, lai=True)

    def numbers(**filters: object) -> list[str]:
        return [e.so_ky_hieu for e in service.list_entries(workspace, register_url=register_url, **filters)]

    assert numbers(unit="KSTT") == ["02/KH-UBND"]
    assert numbers(unit="XD6") == ["01/UBND-XD6", "01/UBND-XD6"]
    assert numbers(kind="ke_hoach") == ["02/KH-UBND"]
    assert numbers(year=2020) == ["01/UBND-XD6"]
    assert numbers(text="triển khai") == ["02/KH-UBND"]


def test_the_register_by_month_quarter_or_span_of_days(make_record: Callable[..., Path], workspace: Path,
                                                       register_url: str) -> None:
    """register list/export --thang, --quy, --tu-ngay/--den-ngay: only the documents of those days; a clear
    "không có văn bản nào" when there is none, and no file written."""
    import csv

    from click.testing import CliRunner

    from correspondence import api
    from correspondence.cli import main

    for day in (dt.date(2019, 2, 10), dt.date(2019, 5, 7), dt.date(2019, 5, 20), dt.date(2019, 11, 3)):
        issue([make_record(f"{day}.yaml")], workspace, day, register_url, lai=True)
    may = api.period(2019, month=5)
    assert may == (dt.date(2019, 5, 1), dt.date(2019, 5, 31))
    assert [e.ngay for e in service.list_entries(workspace, register_url=register_url, period=may)] == [
        "2019-05-07", "2019-05-20"]
    second = api.period(2019, quarter=2)
    path = service.export(workspace, 2019, "csv", register_url=register_url, period=second)
    assert path.name == "so-dang-ky-van-ban-di-2019-20190401-20190630.csv"
    rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))[1:]
    assert [r[0] for r in rows] == ["02/UBND-XD6", "03/UBND-XD6"]
    runner = CliRunner()
    common = ["--register", register_url]
    result = runner.invoke(main, [*common, "register", "list", "--nam", "2019", "--tu-ngay", "01/11/2019",
                                  "--den-ngay", "30/11/2019"])
    assert result.exit_code == 0 and "04/UBND-XD6" in result.output and "01/UBND-XD6" not in result.output
    result = runner.invoke(main, [*common, "register", "list", "--nam", "2019", "--thang", "8"])
    assert result.exit_code == 0 and result.output.strip() == "không có văn bản nào từ ngày 01/08/2019 đến ngày 31/08/2019"
    before = sorted((workspace / "output").rglob("*"))
    result = runner.invoke(main, [*common, "register", "export", "--nam", "2019", "--quy", "3"])
    assert result.exit_code != 0 and "không có văn bản nào từ ngày 01/07/2019 đến ngày 30/09/2019" in result.output
    assert sorted((workspace / "output").rglob("*")) == before
    result = runner.invoke(main, [*common, "register", "list", "--thang", "5", "--quy", "2"])
    assert result.exit_code != 0 and "chỉ chọn một khoảng thời gian: --thang, --quy" in result.output
    result = runner.invoke(main, [*common, "register", "list", "--tu-ngay", "31/02/2019"])
    assert result.exit_code != 0 and "--tu-ngay: cần ngày dạng dd/mm/yyyy, nhận được '31/02/2019'" in result.output


def test_an_unknown_series_is_named_as_unknown_with_the_series_there_are(make_record: Callable[..., Path],
                                                                          workspace: Path, register_url: str) -> None:
    """A mistyped --so-rieng is not 'no number yet': the clerk is told the series does not exist, and which do."""
    issue([make_record("a.yaml")], workspace, D, register_url, lai=True)
    with pytest.raises(UsageError) as caught:
        service.export(workspace, 2019, "pdf", series="mât", register_url=register_url)
    assert caught.value.message == ("ubnd-quang-ninh không có sổ 'mât': các sổ là chung, mat, ban_sao "
                                    "(--so-rieng chọn một trong số đó)")
    assert not list((workspace / "output").rglob("so-dang-ky-*"))
    with pytest.raises(UsageError):
        service.import_file(workspace, workspace / "khong-can.csv", series="mât", register_url=register_url)
    with pytest.raises(RegisterConflict) as empty:  # a series that exists but has no number that year
        service.export(workspace, 2019, "pdf", series="mat", register_url=register_url)
    assert empty.value.message == "sổ của ubnd-quang-ninh chưa có số nào trong năm 2019 (sổ mat)"
