"""Every bad input gets a located Vietnamese message, never a traceback, never a number — and the inputs clerks really
have (one-column CSV, Excel's Windows code pages, title rows, hidden sheets, dd/mm/yyyy dates) are read."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import InvalidRecord, RegisterUnavailable, RenderFailed
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service
from correspondence.outgoing.merge import merge
from correspondence.register.store import Register
from tests.conftest import MERGE_RECORD

D = dt.date(2019, 5, 7)


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["--lang", "vi", *args])


def _cp1258(text: str) -> bytes:
    """Text as Excel saves it in Vietnam (Windows-1258: base letters with combining tone marks)."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, marks = unicodedata.normalize("NFD", char)[0], unicodedata.normalize("NFD", char)[1:]
        for index, mark in enumerate(marks):
            try:
                out += (unicodedata.normalize("NFC", base + mark).encode("cp1258")
                        + (marks[:index] + marks[index + 1:]).encode("cp1258"))
                break
            except UnicodeEncodeError:
                continue
    return out


# the shape of a record --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_record_that_is_not_a_mapping(workspace: Path, text: str) -> None:
    (workspace / "cv.yaml").write_text(text, "utf-8")
    result = cli("check", "cv.yaml")
    assert result.exit_code == 3
    assert "cv.yaml:1: tệp phải gồm các dòng 'khóa: giá trị'" in result.output


@pytest.mark.parametrize(("key", "value"), [("trich_yeu", "rà\x00soát"), ("trich_yeu", "rà\x1bsoát"),
                                            ("kinh_gui", "Sở\x01Tư pháp"), ("du_lieu", {"han_de_xuat": "x\x01"})])
def test_control_characters_are_refused_where_they_are(make_record: Callable[..., Path], workspace: Path, key: str,
                                                       value: Any) -> None:
    path = make_record(**{key: value})
    problems = api.check([path], workspace)
    assert problems and "ký tự điều khiển" in problems[0].message
    assert problems[0].field.startswith(key)
    assert problems[0].source.startswith("cv.yaml:")


def test_a_control_character_in_a_footnote_is_refused(make_record: Callable[..., Path], workspace: Path) -> None:
    path = make_record(noi_dung="Văn bản[^1].\n\n[^1]: Ghi \x01 chú\n")
    assert "ký tự điều khiển" in api.check([path], workspace)[0].message


@pytest.mark.parametrize(("body", "message"), [
    ("{% include 'x.html' %}", "không được dùng '{% include %}' trong nội dung"),
    ("{% import 'x.html' as x %}", "không được dùng '{% import %}' trong nội dung"),
    ("{% extends 'x.html' %}", "không được dùng '{% extends %}' trong nội dung"),
    ("{% for i in range(10**7) %}x{% endfor %}", "nội dung đòi quá nhiều"),
    ("{{ 'x' * 10**8 }}", "nội dung đòi quá nhiều"),
])
def test_template_tricks_in_a_body_are_refused_at_check(make_record: Callable[..., Path], workspace: Path, body: str,
                                                        message: str) -> None:
    problems = api.check([make_record(noi_dung=body)], workspace)
    assert problems and problems[0].message.startswith(message) and problems[0].field == "noi_dung"


def test_templates_check_reports_an_include_in_a_word_template(workspace: Path) -> None:
    import docx

    (workspace / "templates").mkdir()
    word = docx.Document()
    word.add_paragraph("{% include 'khac.docx' %}")
    word.save(str(workspace / "templates" / "cong_van.docx"))
    result = cli("templates", "check")
    assert result.exit_code == 3 and "không được dùng '{% include %}' trong mẫu Word" in result.output


def test_a_300_character_subject_drafts_and_issues(make_record: Callable[..., Path], workspace: Path) -> None:
    subject = ("về việc " + "rà soát, đánh giá, cập nhật và công bố dịch vụ công trực tuyến " * 6)[:300]
    path = make_record(trich_yeu=subject)
    assert api.check([path], workspace) == []
    assert len(api.draft(path, workspace / "out", workspace)) == 2
    assert issue([path], workspace, D)[0].entry.so_ky_hieu == "01/UBND-XD6"


# tables -----------------------------------------------------------------------------------------------------------


def _merge_record(workspace: Path) -> Path:
    (workspace / "moi.yaml").write_text(MERGE_RECORD, "utf-8")
    return workspace / "moi.yaml"


def test_a_one_column_csv_is_read(workspace: Path, register_url: str) -> None:
    (workspace / "khach.csv").write_text("ten\nông A\nbà B\n", "utf-8")
    done = merge(_merge_record(workspace), workspace / "khach.csv", workspace, register=register_url, workers=1,
                 formats=("docx",))
    assert [d.so_ky_hieu for d in done] == ["01/UBND-XD6", "02/UBND-XD6"]


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252-free", "utf-16", "utf-8-sig"])
def test_csv_in_the_encodings_excel_saves(workspace: Path, encoding: str) -> None:
    from correspondence.records import read_rows

    text = "ten,ghi_chu\nông Nguyễn Văn Ánh,Đà Nẵng\nbà Trần Thị Bé,Quảng Ninh\n"
    raw = _cp1258(text) if encoding == "cp1258" else (
        "ten,ghi_chu\nMr Müller,Zürich\n".encode("cp1252") if encoding == "cp1252-free" else text.encode(encoding))
    (workspace / "t.csv").write_bytes(raw)
    rows = read_rows("t.csv", workspace, lambda j: "")
    first = rows[0][1]
    assert first == ({"ten": "Mr Müller", "ghi_chu": "Zürich"} if encoding == "cp1252-free"
                     else {"ten": "ông Nguyễn Văn Ánh", "ghi_chu": "Đà Nẵng"})


def test_an_xlsx_that_is_not_a_workbook(workspace: Path) -> None:
    (workspace / "khach.xlsx").write_text("ten\nông A\n", "utf-8")
    result = cli("merge", "moi.yaml", "khach.xlsx") if _merge_record(workspace) else None
    assert result is not None and result.exit_code == 3
    assert "khach.xlsx: tệp không phải sổ tính Excel (.xlsx)" in result.output


def _workbook(path: Path, sheets: list[tuple[str, list[list[Any]], bool]], merged: str | None = None) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, hidden in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
        if merged:
            sheet.merge_cells(merged)
    workbook.save(path)


def test_a_blank_cell_the_record_uses_is_named(workspace: Path, register_url: str) -> None:
    _workbook(workspace / "khach.xlsx", [("Khách", [["kinh_gui", "ten"], ["Ông A", "ông A"], ["Bà B", None]], False)])
    with pytest.raises(InvalidRecord) as refused:
        merge(_merge_record(workspace), workspace / "khach.xlsx", workspace, register=register_url, workers=1)
    assert [str(p) for p in refused.value.problems] == [
        "khach.xlsx:3: ten: để trống, mà bản ghi dùng 'ten' (các cột có trong tệp: kinh_gui, ten)"]
    with Register(register_url) as register:
        assert register.entries("ubnd-quang-ninh") == []


def test_a_null_value_in_du_lieu_is_refused(make_record: Callable[..., Path], workspace: Path) -> None:
    path = make_record(du_lieu={"han_de_xuat": None, "han_tong_hop": "2019-06-10", "han_cap_nhat": "2019-06-15"})
    problem = api.check([path], workspace)[0]
    assert problem.field == "noi_dung" and "trống" in problem.message


def test_hidden_sheets_are_skipped_and_sheet_chooses(workspace: Path, register_url: str) -> None:
    _workbook(workspace / "khach.xlsx", [("An", [["kinh_gui", "ten"], ["Ông X", "ông X"]], True),
                                         ("Khách", [["kinh_gui", "ten"], ["Ông A", "ông A"]], False),
                                         ("Dự phòng", [["kinh_gui", "ten"], ["Bà B", "bà B"], ["Bà C", "bà C"]], False)])
    done = merge(_merge_record(workspace), workspace / "khach.xlsx", workspace, register=register_url, workers=1,
                 formats=("docx",))
    assert [d.row for d in done] == ["khach.xlsx:2"], "the first visible sheet, not the hidden one"
    chosen = merge(_merge_record(workspace), workspace / "khach.xlsx", workspace, register=register_url, workers=1,
                   formats=("docx",), sheet="Dự phòng", lai=True)
    assert len(chosen) == 2


def test_register_import_skips_a_hidden_sheet(workspace: Path, register_url: str) -> None:
    header = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản"]
    _workbook(workspace / "so.xlsx", [("Sổ", [header, ["01/UBND-VP", "02/01/2019", "Công văn a"]], False),
                                      ("Nháp", [header, ["99/UBND-VP", "03/01/2019", "Nháp"]], True)])
    assert service.import_file(workspace, workspace / "so.xlsx", register_url=register_url) == 1
    with Register(register_url) as register:
        assert [s.last_number for s in register.series_states("ubnd-quang-ninh")] == [1]


def test_a_title_row_above_the_header_and_vietnamese_titles(workspace: Path, register_url: str) -> None:
    _workbook(workspace / "khach.xlsx", [("Khách", [["DANH SÁCH KHÁCH MỜI", None], ["Kính gửi", "Họ và tên"],
                                                    ["Ông A", "ông A"], ["Bà B", "bà B"]], False)], merged="A1:B1")
    done = merge(_merge_record(workspace), workspace / "khach.xlsx", workspace, register=register_url, workers=1,
                 formats=("docx",))
    assert [d.row for d in done] == ["khach.xlsx:3", "khach.xlsx:4"], "the title row is not a document"
    xml = zipfile.ZipFile(done[0].files[0]).read("word/document.xml").decode()
    assert "Kính gửi: Ông A<" in xml and "kính mời ông A tới" in xml


def test_a_table_the_record_does_not_use_is_refused(workspace: Path, register_url: str) -> None:
    (workspace / "khach.csv").write_text("ma,so_dien_thoai\n1,0912\n2,0913\n", "utf-8")
    with pytest.raises(InvalidRecord) as refused:
        merge(_merge_record(workspace), workspace / "khach.csv", workspace, register=register_url, workers=1)
    assert [str(p) for p in refused.value.problems] == [
        "khach.csv: bản ghi không dùng cột nào của bảng này (bản ghi dùng: ten) "
        "(các cột có trong tệp: ma, so_dien_thoai)"]


# exports ----------------------------------------------------------------------------------------------------------


def test_exports_never_carry_live_formulas(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    from openpyxl import load_workbook

    issue([make_record(trich_yeu='=HYPERLINK("http://x.example","bấm")')], workspace, D, register_url)
    xlsx = service.export(workspace, 2019, "xlsx", register_url=register_url)
    cell = load_workbook(xlsx)["Sổ đăng ký"]["C3"]
    assert cell.data_type == "s" and cell.value.startswith("Công văn V/v =HYPERLINK")
    (workspace / "so.xlsx").unlink(missing_ok=True)
    issue([make_record("b.yaml", trich_yeu="x", kinh_gui="=1+2", noi_nhan=["@SUM(A1)"])], workspace, D, register_url)
    csv_text = service.export(workspace, 2019, "csv", register_url=register_url).read_text("utf-8-sig")
    assert "'=1+2" in csv_text and ",=" not in csv_text


# search -----------------------------------------------------------------------------------------------------------


def test_search_ignores_case_and_diacritics(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    issue([make_record(trich_yeu="hội nghị tại Đà Nẵng"), make_record("b.yaml", trich_yeu="hội nghị tại Huế")],
          workspace, D, register_url)
    for query in ["Đà Nẵng", "ĐÀ NẴNG", "da nang", "Da Nang", unicodedata.normalize("NFD", "Đà Nẵng")]:
        found = service.list_entries(workspace, register_url=register_url, text=query)
        assert [e.so_ky_hieu for e in found] == ["01/UBND-XD6"], ascii(query)


# registers and options ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"not a database at all" * 50, b"SQLite format 3\x00" + b"\x00" * 20])
def test_a_corrupted_or_truncated_register(workspace: Path, content: bytes) -> None:
    (workspace / "registers" / "ubnd-quang-ninh.sqlite").write_bytes(content)
    result = cli("register", "list")
    assert result.exit_code == 4 and result.output.startswith("Lỗi: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("url", "hint"), [("foo://x", "sqlite:///"), ("mysql://u@h/d", "sqlite:///")])
def test_unknown_register_urls(workspace: Path, url: str, hint: str) -> None:
    result = cli("--register", url, "register", "list", "--co-quan", "ubnd-quang-ninh")
    assert result.exit_code == 4 and hint in result.output


def test_postgresql_without_its_driver_says_how_to_install_it(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("psycopg"):
            raise ModuleNotFoundError("No module named 'psycopg'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(RegisterUnavailable) as refused:
        Register("postgresql://u@127.0.0.1:1/x")
    assert "pip install 'correspondence[postgresql]'" in str(refused.value.problems[0])


def test_absurd_options_and_unwritable_folders(make_record: Callable[..., Path], workspace: Path) -> None:
    assert cli("register", "list", "--nam", "99999999999999999999").exit_code == 2
    result = cli("render", str(make_record()), "--so", "1", "-o", "/proc/x")
    assert result.exit_code == 6 and result.output.startswith("Lỗi: không ghi được")


def test_a_back_dated_merge_is_explained(workspace: Path, register_url: str) -> None:
    (workspace / "khach.csv").write_text("ten\nông A\n", "utf-8")
    merge(_merge_record(workspace), workspace / "khach.csv", workspace, register=register_url, workers=1,
          formats=("docx",), ngay=dt.date(2019, 5, 8))
    result = cli("--register", register_url, "merge", "moi.yaml", "khach.csv", "--ngay", "07/05/2019", "--lai")
    assert result.exit_code == 4
    assert "ngày 07/05/2019 sớm hơn văn bản cuối cùng của sổ (08/05/2019, số 1)" in result.output


def test_co_quan_is_a_profile_name_never_a_path(make_record: Callable[..., Path], workspace: Path) -> None:
    (workspace.parent / "secret.yaml").write_text("bi_mat: 1\n", "utf-8")
    for name in ("../secret", "/etc/passwd", "registers/../../secret"):
        problems = api.check([make_record(co_quan=name)], workspace)
        assert [p.field for p in problems] == ["co_quan"], name
        assert "bi_mat" not in str(problems)


def test_dates_typed_the_vietnamese_way(make_record: Callable[..., Path], workspace: Path) -> None:
    path = make_record(ngay="20/5/2019")
    assert api.check([path], workspace) == []
    result = cli("issue", str(path))
    assert result.exit_code == 0 and "ngày 20/05/2019" in result.output
    other = make_record("b.yaml", trich_yeu="việc khác")
    assert cli("issue", str(other), "--ngay", "21/05/2019").exit_code == 0
    listing = cli("register", "list")
    assert "21/05/2019" in listing.output and "2019-05-21" not in listing.output


def test_click_speaks_the_clerk_s_language() -> None:
    assert "[bắt buộc]" in cli("register", "void", "--help").output
    english = CliRunner().invoke(main, ["--lang", "en", "register", "void", "--help"])
    assert "[required]" in english.output


def test_register_show_prints_the_register_s_own_words(make_record: Callable[..., Path], workspace: Path) -> None:
    issue([make_record()], workspace, D)
    shown = cli("register", "show", "01/UBND-XD6").output
    assert "Tên loại và trích yếu: Công văn V/v" in shown and "Ngày: 07/05/2019" in shown
    assert "ten_loai_trich_yeu" not in shown


def test_an_unexpected_failure_is_an_internal_error_with_a_log(make_record: Callable[..., Path], workspace: Path,
                                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from correspondence.outgoing import transaction

    (tmp_path / "temp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))  # the log goes there, not into the machine's

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(transaction, "_check", broken)
    result = cli("issue", str(make_record()), "--ngay", "07/05/2019")
    assert result.exit_code == 70
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Lỗi nội bộ: ZeroDivisionError.") and "Traceback" not in result.output
    log = Path(last.rsplit(" ", 1)[1])
    assert log.parent == tmp_path / "temp" and "ZeroDivisionError: a bug" in log.read_text("utf-8")
    assert list((workspace / "registers").iterdir()) == [workspace / "registers" / "ubnd-quang-ninh.yaml"], \
        "no number taken, and the register this first issue made is not left behind"
    assert "đã tạo sổ" not in result.output


def test_every_docx_part_is_well_formed_xml(tmp_path: Path) -> None:
    from lxml import etree

    from tests.conftest import EXAMPLES, ROOT

    for record in sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "loai").glob("*.yaml")]):
        if record.name in ("sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "quy-che-kem-quyet-dinh.yaml"):
            continue
        for path in api.render(record, 12, None, tmp_path / record.stem, ROOT, ("docx",)):
            with zipfile.ZipFile(path) as package:
                for name in package.namelist():
                    if name.endswith((".xml", ".rels")):
                        etree.fromstring(package.read(name))  # raises on any malformed part


def test_render_failures_of_a_library_are_messages(monkeypatch: pytest.MonkeyPatch, build: Callable[..., Any],
                                                   make_record: Callable[..., Path]) -> None:
    from correspondence import render
    from correspondence.render import docx

    monkeypatch.setattr(docx, "render_docx", lambda *_a: (_ for _ in ()).throw(ValueError("bad")))
    with pytest.raises(RenderFailed) as failed:
        render.render_document(build(make_record()), ("docx",))
    assert failed.value.message == "không tạo được 3018-UBND-XD6.docx: bad"
