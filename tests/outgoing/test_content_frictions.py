"""Frictions a clerk meets in the content the tool writes or reads: the đính chính skeleton, annex tables, packages,
spreadsheet cells, blank cells of a merge table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import InvalidRecord
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service

D = dt.date(2019, 5, 7)
E = dt.date(2019, 5, 9)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--lang", "vi", *args])
    return result.exit_code, result.output


# ---------------------------------------------------------------------------- 1. the đính chính công văn


def _dinh_chinh(make_record: Callable[..., Path], workspace: Path, **changes: object) -> Path:
    issue([make_record("a.yaml", **changes)], workspace, D)
    code, output = _cli("dinh-chinh", "01/UBND-XD6")
    assert code == 0, output
    return workspace / "dinh-chinh-01-UBND-XD6.yaml"


def test_an_unfilled_dinh_chinh_is_refused_by_check_and_issue_and_located(make_record: Callable[..., Path],
                                                                         workspace: Path) -> None:
    written = _dinh_chinh(make_record, workspace)
    lines = written.read_text("utf-8").splitlines()
    placeholder_line = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("Tại …"))
    problems = api.check([written], workspace)
    where = f"{written.name}:{placeholder_line}"
    assert [(p.source, p.field) for p in problems] == [(where, "noi_dung")]
    assert "…" in problems[0].message
    code, output = _cli("check", written.name)
    assert code == 3 and f"{where}: noi_dung:" in output
    code, output = _cli("issue", written.name, "--ngay", "09/05/2019", "-f", "pdf")
    assert code == 3 and f"{where}: noi_dung:" in output
    assert [e.so_ky_hieu for e in service.list_entries(workspace)] == ["01/UBND-XD6"], "no number taken"
    code, output = _cli("draft", written.name, "-f", "pdf")
    assert code == 0, output
    assert f"{where}: noi_dung:" in output, "a draft is made, with a warning that says where"


def test_a_placeholder_in_a_short_field_is_located_and_an_ellipsis_in_a_word_is_not(
        make_record: Callable[..., Path], workspace: Path) -> None:
    record = make_record("b.yaml", trich_yeu="rà soát …", noi_dung="Các Sở, ngành… thực hiện; xem thêm...")
    problems = api.check([record], workspace)
    line = next(i for i, text in enumerate(record.read_text("utf-8").splitlines(), 1) if text.startswith("trich_yeu"))
    assert [(p.source, p.field) for p in problems] == [(f"b.yaml:{line}", "trich_yeu")]
    fine = make_record("c.yaml", noi_dung="Các Sở, ngành… thực hiện; xem thêm...")
    assert api.check([fine], workspace) == []


def test_dinh_chinh_addresses_the_recipients_without_their_purpose_and_lists_them_once(
        make_record: Callable[..., Path], workspace: Path) -> None:
    written = _dinh_chinh(make_record, workspace, kinh_gui="-")
    record = yaml.safe_load(written.read_text("utf-8"))
    assert record["kinh_gui"] == ["CT, các PCT UBND tỉnh", "V0-3, KSTT1-4, TH4", "Cổng TTĐT tỉnh"]
    assert record["noi_nhan"] == ["Như trên"], "Như trên already names each addressee"


def test_dinh_chinh_keeps_the_other_recipients_when_the_original_had_a_kinh_gui(
        make_record: Callable[..., Path], workspace: Path) -> None:
    written = _dinh_chinh(make_record, workspace)
    record = yaml.safe_load(written.read_text("utf-8"))
    assert record["kinh_gui"] == ["Các Sở, Ban, ngành trong tỉnh", "UBND các huyện, thị xã, thành phố"]
    assert record["noi_nhan"] == ["Như trên", "CT, các PCT UBND tỉnh (b/c)", "V0-3, KSTT1-4, TH4", "Cổng TTĐT tỉnh"]
    assert record["dinh_chinh"] == "01/UBND-XD6"


def test_issuing_a_dinh_chinh_notes_it_on_the_original_row(make_record: Callable[..., Path], workspace: Path,
                                                          register_url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url)
    path = workspace / "dc.yaml"
    api.dinh_chinh(workspace, "01/UBND-XD6", path, register_url=register_url)
    text = path.read_text("utf-8").replace("Tại … (trang …, dòng …) đã ghi: “…”; nay sửa lại là: “…”.",
                                           "Tại trang 1, dòng 5 đã ghi: “30/5/2019”; nay sửa lại là: “31/5/2019”.")
    path.write_text(text, "utf-8")
    (fixed,) = issue([path], workspace, E, register_url)
    assert fixed.entry.so_ky_hieu == "02/UBND-XD6" and fixed.failure is None
    original = service.show(workspace, "01/UBND-XD6", register_url=register_url)
    assert original.status == "issued" and original.ghi_chu == "Đính chính bằng 02/UBND-XD6"
    assert fixed.entry.ghi_chu == "Đính chính văn bản số 01/UBND-XD6 ngày 07/05/2019"
    report = service.verify(workspace, register_url=register_url)
    assert report.problems == [] and report.checked == 2
    exported = service.export(workspace, 2019, "csv", register_url=register_url)
    assert "Đính chính bằng 02/UBND-XD6" in exported.read_text("utf-8-sig")


def test_a_dinh_chinh_of_a_number_not_issued_takes_no_number(make_record: Callable[..., Path],
                                                             workspace: Path) -> None:
    issue([make_record("a.yaml")], workspace, D)
    record = make_record("dc.yaml", trich_yeu="đính chính", dinh_chinh="07/UBND-XD6")
    line = next(i for i, text in enumerate(record.read_text("utf-8").splitlines(), 1) if text.startswith("dinh_chinh"))
    with pytest.raises(InvalidRecord) as caught:
        issue([record], workspace, E)
    assert [str(p) for p in caught.value.problems] == [
        f"dc.yaml:{line}: dinh_chinh: 07/UBND-XD6 không có trong sổ của ubnd-quang-ninh"]
    assert [e.number for e in service.list_entries(workspace)] == [1]
    service.void(workspace, "01/UBND-XD6", "Sai")
    record = make_record("dc.yaml", trich_yeu="đính chính", dinh_chinh="01/UBND-XD6")
    with pytest.raises(InvalidRecord) as caught:
        issue([record], workspace, E)
    assert [p.field for p in caught.value.problems] == ["dinh_chinh"]
    assert "01/UBND-XD6" in caught.value.problems[0].message and "Sai" in caught.value.problems[0].message
    assert [e.number for e in service.list_entries(workspace)] == [1]


# ---------------------------------------------------------------------------- 4. spreadsheet cells from user text

FORMULAS = ('=HYPERLINK("http://x.example","bấm")', "+1+2", "-3+4", "@SUM(A1)")


def _xlsx_cells(path: Path) -> list[tuple[object, str]]:
    """Every non-empty cell of every sheet: (value, data type), and no formula in the file's XML."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    assert "<f>" not in xml and "<f " not in xml, "no cell is written as a formula"
    book = load_workbook(path)
    return [(cell.value, cell.data_type) for sheet in book for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def test_the_destruction_list_writes_a_formula_like_title_as_text(workspace: Path) -> None:
    import csv
    import io

    from correspondence.archive import hoso

    service.init(workspace, "ubnd-quang-ninh")
    for index, title in enumerate(FORMULAS, 1):
        hoso.create(workspace, f"0{index}.VP", title, "2", 2019)
        hoso.close(workspace, f"0{index}.VP")
    later = dt.date(dt.date.today().year + 3, 1, 2)
    path, count = hoso.destruction_list(workspace, workspace / "huy.xlsx", later)
    cells = _xlsx_cells(path)
    assert count == 4 and [(v, t) for v, t in cells if v in FORMULAS] == [(title, "s") for title in FORMULAS]
    path, _count = hoso.destruction_list(workspace, workspace / "huy.csv", later)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["'" + title for title in FORMULAS]
    code, output = _cli("ho-so", "due", "--xuat", "huy-2.xlsx")
    assert code == 0, output


def test_register_and_incoming_exports_write_formula_like_text_as_text(make_record: Callable[..., Path],
                                                                       workspace: Path) -> None:
    issue([make_record("a.yaml", kinh_gui=list(FORMULAS), noi_nhan=["Như trên"])], workspace, D)
    path = service.export(workspace, 2019, "xlsx")
    text_cells = [v for v, t in _xlsx_cells(path) if isinstance(v, str) and t == "s"]
    assert any(v.startswith('=HYPERLINK("http://x.example"') for v in text_cells)
    from correspondence import incoming

    scan = workspace / "den.pdf"
    scan.write_bytes((workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").read_bytes())
    incoming.receive(workspace, scan, "=cmd|' /C calc'!A0", "+12/UBND", "06/05/2019", "@trích yếu",
                     ngay_den=dt.date(2019, 5, 8))
    for fmt in ("xlsx", "csv"):
        path = incoming.export(workspace, 2019, fmt)
        if fmt == "xlsx":
            values = [v for v, t in _xlsx_cells(path) if t == "s"]
            assert "=cmd|' /C calc'!A0" in values and "@trích yếu" in values
        else:
            text = path.read_text("utf-8-sig")
            assert "'=cmd|' /C calc'!A0" in text and "'@trích yếu" in text and "'+12/UBND" in text


# ---------------------------------------------------------------------------- 5. blank cells of a merge table

MERGE_WITH_DEFAULTS = """loai: cong_van
co_quan: ubnd-quang-ninh
don_vi: XD6
trich_yeu: mời dự hội nghị
kinh_gui: Sở Nội vụ
du_lieu:
  chuc_vu: Giám đốc
noi_dung: |
  Ủy ban nhân dân tỉnh trân trọng kính mời {{ chuc_vu }} {{ ten }} tới dự hội nghị.
ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}
noi_nhan: [Như trên]
ngay: 2026-11-20
"""


def _merge_files(workspace: Path, table: str) -> tuple[Path, Path]:
    (workspace / "moi.yaml").write_text(MERGE_WITH_DEFAULTS, "utf-8")
    (workspace / "khach.csv").write_text(table, "utf-8")
    return Path("moi.yaml"), Path("khach.csv")  # as a clerk types them, in the workspace


def test_a_blank_cell_never_takes_the_records_value_silently(workspace: Path) -> None:
    from correspondence.outgoing.merge import merge, preview

    record, table = _merge_files(workspace, "Kính gửi,ten,Chức vụ\n"
                                            "Sở Tài chính,Ông A,Giám đốc\n"
                                            ",Bà B,Phó Giám đốc\n"
                                            "Sở Y tế,Ông C,\n")
    with pytest.raises(InvalidRecord) as caught:
        preview(record, table, workspace)
    assert [(p.source, p.field) for p in caught.value.problems] == [("khach.csv:3", "Kính gửi"),
                                                                    ("khach.csv:4", "Chức vụ")]
    first, second = caught.value.problems
    assert "Sở Nội vụ" in first.message and "Giám đốc" in second.message, "the value that would have been taken"
    assert "Kính gửi, ten, Chức vụ" in (first.hint or "")
    with pytest.raises(InvalidRecord):
        merge(record, table, workspace)
    assert not (workspace / "registers" / "ubnd-quang-ninh.sqlite").exists(), "nothing issued, no register made"
    assert not (workspace / "output").exists()


def test_a_blank_cell_of_an_optional_field_the_record_does_not_set_means_none(workspace: Path) -> None:
    from correspondence.outgoing.merge import preview

    record, table = _merge_files(workspace, "ten,Chức vụ,do_khan\nÔng A,Giám đốc,khan\nBà B,Phó Giám đốc,\n")
    shown = preview(record, table, workspace, workers=1)  # what a cell means, not the rendering processes
    assert [where for where, _who in shown.rows] == ["khach.csv:2", "khach.csv:3"]


# ---------------------------------------------------------------------------- 2. annex tables read like merge tables

SPEC = """tieu_de: Danh mục đơn vị
cot:
  - {ten: STT, kieu: stt, khoa: stt, rong: 15}
  - {ten: Tên đơn vị, khoa: ten, rong: 100}
  - {ten: Số hồ sơ, khoa: so_ho_so, kieu: so, rong: 30}
  - {ten: Ghi chú, rong: 60}
nhom_theo: muc_do
nhom:
  "3": MỨC ĐỘ 3
  "4": MỨC ĐỘ 4
"""


def _annex_files(make_record: Callable[..., Path], workspace: Path, table: str, spec: str = SPEC) -> tuple[Path, Path]:
    issue([make_record("a.yaml")], workspace, D)
    (workspace / "bang.yaml").write_text(spec, "utf-8")
    (workspace / "bang.csv").write_text(table, "utf-8")
    return Path("bang.csv"), Path("bang.yaml")


def test_an_annex_table_with_a_title_row_and_vietnamese_column_titles(make_record: Callable[..., Path],
                                                                     workspace: Path) -> None:
    import docx

    table, spec = _annex_files(make_record, workspace, "DANH SÁCH ĐƠN VỊ,,,\n"
                                                       "Mức độ,TÊN ĐƠN VỊ,Số hồ sơ,Ghi chú\n"
                                                       "3,Sở Tư pháp,1.250,đúng hạn\n"
                                                       "4,Sở Nội vụ,7,\n")
    written = api.annex(workspace, "01/UBND-XD6", table, spec, formats=("docx",))
    cells = [cell.text for t in docx.Document(str(written[0])).tables for row in t.rows for cell in row.cells]
    assert {"Sở Tư pháp", "1.250", "đúng hạn", "Sở Nội vụ", "MỨC ĐỘ 4"} <= set(cells)


def test_an_annex_table_missing_a_column_names_the_missing_and_the_unknown(make_record: Callable[..., Path],
                                                                          workspace: Path) -> None:
    table, spec = _annex_files(make_record, workspace, "Mức độ,Tên cơ quan,Số hồ sơ\n3,Sở Tư pháp,1\n")
    with pytest.raises(InvalidRecord) as caught:
        api.annex(workspace, "01/UBND-XD6", table, spec)
    (problem,) = caught.value.problems
    assert (problem.source, problem.field) == ("bang.csv:1", "ten")
    assert "Tên đơn vị" in problem.message
    assert "Mức độ, Tên cơ quan, Số hồ sơ" in (problem.hint or "") and "Tên cơ quan" in (problem.hint or "").split(
        ";")[-1], problem.hint
    assert not (workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6-phu-luc.pdf").exists()


@pytest.mark.parametrize("column", ["{ten: Tên đơn vị, cơ quan, khoa: ten}", "{ten: Tên đơn vị, can, khoa: ten}"])
def test_a_comma_in_a_flow_style_title_is_a_located_error(make_record: Callable[..., Path], workspace: Path,
                                                          column: str) -> None:
    spec_text = f"cot:\n  - {{ten: STT, kieu: stt}}\n  - {column}\n"
    table, spec = _annex_files(make_record, workspace, "ten\nSở Tư pháp\n", spec_text)
    with pytest.raises(InvalidRecord) as caught:
        api.annex(workspace, "01/UBND-XD6", table, spec)
    (problem,) = caught.value.problems
    cut = column.split(", ")[1]
    assert (problem.source, problem.field) == ("bang.yaml:3", "cot[2].ten")
    assert f'ten: "Tên đơn vị, {cut}"' in (problem.hint or ""), problem


# ---------------------------------------------------------------------------- 3. hand-over packages


def _package_metadata(out: Path) -> tuple[list[dict[str, object]], dict[str, object]]:
    import json

    files = sorted(p for p in out.rglob("*.json"))
    docs = [json.loads(p.read_text("utf-8")) for p in files if p.name.startswith("EAD_DOC_")]
    (ho_so,) = [json.loads(p.read_text("utf-8")) for p in files if p.name == "ho-so.json"]
    return docs, ho_so


def test_a_package_names_each_document_by_its_kind(make_record: Callable[..., Path], workspace: Path) -> None:
    from correspondence import incoming
    from correspondence.archive import hoso, package

    service.init(workspace, "ubnd-quang-ninh")
    hoso.create(workspace, "01.XD", "Hồ sơ rà soát", "10", 2019)
    issue([make_record("a.yaml", trich_yeu="công bố danh mục")], workspace, D, ho_so="01.XD")
    issue([make_record("q.yaml", loai="quyet_dinh", trich_yeu="Về việc công bố danh mục", kinh_gui=None)],
          workspace, D, ho_so="01.XD")
    scan = workspace / "den.pdf"
    scan.write_bytes((workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").read_bytes())
    incoming.receive(workspace, scan, "Sở Tư pháp", "15/QĐ-STP", "06/05/2019", "Giấy mời dự họp",
                     ngay_den=dt.date(2019, 5, 8))
    incoming.receive(workspace, scan, "Sở Nội vụ", "20/SNV-VP", "06/05/2019", "V/v góp ý",
                     ngay_den=dt.date(2019, 5, 8), nhan_lai=True)  # the same scan stands for a second letter
    hoso.add(workspace, "01.XD", None, den=1)
    hoso.add(workspace, "01.XD", None, den=2)
    hoso.close(workspace, "01.XD")
    out, _count, _documents = package.export(workspace, workspace / "goi", "01.XD")
    docs, _ho_so = _package_metadata(out)
    assert sorted(str(d["typeName"]) for d in docs) == ["Công văn", "Công văn", "Quyết định", "Quyết định"]


def test_a_package_without_the_agencys_code_and_of_an_open_ho_so_says_so(make_record: Callable[..., Path],
                                                                         workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    code, output = _cli("ho-so", "create", "01.XD", "--tieu-de", "Hồ sơ rà soát", "--thoi-han", "10", "--nam", "2019")
    assert code == 0, output
    issue([make_record("a.yaml")], workspace, D, ho_so="01.XD")
    code, output = _cli("ho-so", "export", "01.XD", "-o", "goi")
    assert code == 0, output
    assert "hồ sơ 01.XD (2019) chưa đóng" in output, output
    assert "ma_dinh_danh" in output and "CHUA-CO-MA" in output, output
    docs, ho_so = _package_metadata(workspace / "goi")
    assert str(ho_so["fileCode"]) == "CHUA-CO-MA.2019.01.XD" and str(docs[0]["docCode"]).startswith("CHUA-CO-MA.")
    assert ho_so["status"] == "mở"
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + "ma_dinh_danh: H49.64\n", "utf-8")
    assert _cli("ho-so", "close", "01.XD", "--nam", "2019")[0] == 0
    code, output = _cli("ho-so", "export", "01.XD", "-o", "goi-2")
    assert code == 0 and "chưa đóng" not in output and "CHUA-CO-MA" not in output, output
    _docs, ho_so = _package_metadata(workspace / "goi-2")
    assert ho_so["fileCode"] == "H49.64.2019.01.XD", "the profile as it is now gives the code"
