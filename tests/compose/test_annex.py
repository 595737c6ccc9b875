"""Annex tables: every table-spec feature, located errors for bad data, long tables, separate files, the annex command."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from docx import Document as open_docx

from correspondence import api
from correspondence.errors import InvalidRecord

SPEC = {
    "cot": [
        {"ten": "TT", "kieu": "stt", "rong": 12},
        {"ten": "Đơn vị", "khoa": "don_vi", "rong": 60},
        {"ten": "Mức độ 3", "nhom": "Mức độ DVCTT", "khoa": "m3", "kieu": "dau_x", "rong": 20},
        {"ten": "Mức độ 4", "nhom": "Mức độ DVCTT", "khoa": "m4", "kieu": "dau_x", "rong": 20},
        {"ten": "Số hồ sơ", "khoa": "so_ho_so", "kieu": "so", "rong": 25, "tong": True},
        {"ten": "Hạn", "khoa": "han", "kieu": "ngay", "rong": 25},
        {"ten": "Ghi chú", "khoa": "ghi_chu", "rong": 40},
    ],
    "nhom_theo": "cap",
    "nhom": {"tinh": "CẤP TỈNH", "huyen": "CẤP HUYỆN"},
    "sap_xep": ["don_vi"],
}
ROWS = [
    {"cap": "huyen", "don_vi": "UBND huyện B", "m3": "x", "m4": "", "so_ho_so": 1200, "han": "2019-12-31", "ghi_chu": ""},
    {"cap": "tinh", "don_vi": "Sở Tư pháp", "m3": "", "m4": "X", "so_ho_so": "1.234.567", "han": "2019-11-30",
     "ghi_chu": "đã kết nối"},
    {"cap": "huyen", "don_vi": "UBND huyện A", "m3": "x", "m4": "x", "so_ho_so": 3, "han": "2019-12-15", "ghi_chu": ""},
    {"cap": "tinh", "don_vi": "Sở Nội vụ", "m3": True, "m4": "", "so_ho_so": 5.5, "han": "30/11/2019", "ghi_chu": ""},
]


def _record(make_record: Callable[..., Path], rows: Any = None, spec: Any = None, **annex: Any) -> Path:
    entry = {"tieu_de": "Danh mục đơn vị", "bang": SPEC if spec is None else spec, "du_lieu": ROWS if rows is None else rows}
    entry.update(annex)
    return make_record(phu_luc=[entry])


def _table(document: Any, index: int = 0) -> Any:
    return document.phu_luc[index].table


def test_groups_order_numbering_marks_numbers_dates_totals(make_record: Callable[..., Path], build: Any) -> None:
    table = _table(build(_record(make_record)))
    texts = [[c.text for c in row.cells] for row in table.rows]
    assert texts == [
        ["I", "CẤP TỈNH"],
        ["1", "Sở Nội vụ", "X", "", "5,5", "30/11/2019", ""],
        ["2", "Sở Tư pháp", "", "X", "1.234.567", "30/11/2019", "đã kết nối"],
        ["II", "CẤP HUYỆN"],
        ["1", "UBND huyện A", "X", "X", "3", "15/12/2019", ""],
        ["2", "UBND huyện B", "X", "", "1.200", "31/12/2019", ""],
        ["Tổng cộng", "1.235.775,5", "", ""],
    ]
    assert table.rows[0].cells[1].colspan == 6 and table.rows[0].kind == "group"
    assert table.rows[-1].cells[0].colspan == 4 and table.rows[-1].kind == "total"
    assert [c.align for c in table.rows[1].cells] == ["center", "left", "center", "center", "right", "center", "left"]


def test_two_level_header(make_record: Callable[..., Path], build: Any, docx_of: Any, pdf_of: Any) -> None:
    path = _record(make_record)
    table = _table(build(path))
    top, bottom = table.header
    assert [(c.text, c.colspan, c.rowspan) for c in top.cells] == [
        ("TT", 1, 2), ("Đơn vị", 1, 2), ("Mức độ DVCTT", 2, 1), ("Số hồ sơ", 1, 2), ("Hạn", 1, 2), ("Ghi chú", 1, 2)]
    assert [c.text for c in bottom.cells] == ["Mức độ 3", "Mức độ 4"]
    word = docx_of(path).tables[-1]
    first, second = word.rows[0]._tr.xml, word.rows[1]._tr.xml
    assert '<w:gridSpan w:val="2"/>' in first and first.count('<w:vMerge w:val="restart"/>') == 5
    assert second.count("<w:vMerge/>") == 5 and second.count("<w:tblHeader/>") == 1
    with pdf_of(path) as pdf:
        page = pdf.pages[-1]
        group = next(w for w in page.extract_words() if w["text"] == "DVCTT")
        level3 = next(w for w in page.extract_words() if w["text"] == "3" and w["top"] > group["bottom"])
        assert level3["top"] > group["bottom"], "sub-column titles under the group title"
        cells = page.find_tables()[0].rows[0].cells
        spanning = [c for c in cells if c is not None]
        widths = sorted(round(c[2] - c[0]) for c in spanning)
        assert len(spanning) == 6 and max(widths) > 2 * min(widths)


def test_wide_tables_turn_landscape_and_narrow_ones_stay_portrait(make_record: Callable[..., Path], build: Any) -> None:
    assert build(_record(make_record)).phu_luc[0].landscape
    narrow = {"cot": [{"ten": "TT", "kieu": "stt", "rong": 15}, {"ten": "Tên", "khoa": "ten", "rong": 100}]}
    document = build(_record(make_record, rows=[{"ten": "a"}, {"ten": "b"}], spec=narrow))
    assert not document.phu_luc[0].landscape
    assert sum(document.phu_luc[0].table.widths) == pytest.approx(165, abs=0.1)
    assert [[c.text for c in r.cells] for r in document.phu_luc[0].table.rows] == [["1", "a"], ["2", "b"]]


def test_data_from_csv_xlsx_and_yaml_files(make_record: Callable[..., Path], workspace: Path, build: Any) -> None:
    from openpyxl import Workbook

    keys = ["cap", "don_vi", "m3", "m4", "so_ho_so", "han", "ghi_chu"]
    (workspace / "rows.csv").write_text(",".join(keys) + "\ntinh,Sở A,x,,10,2019-11-30,\n", "utf-8")
    workbook = Workbook()
    workbook.active.append(keys)
    workbook.active.append(["huyen", "Huyện B", None, "x", 7, dt.datetime(2019, 12, 1), "ghi"])
    workbook.save(workspace / "rows.xlsx")
    (workspace / "rows.yaml").write_text(yaml.safe_dump(ROWS[:1], allow_unicode=True), "utf-8")
    (workspace / "spec.yaml").write_text(yaml.safe_dump(SPEC, allow_unicode=True), "utf-8")
    for name, expected in (("rows.csv", ["1", "Sở A", "X", "", "10", "30/11/2019", ""]),
                           ("rows.xlsx", ["1", "Huyện B", "", "X", "7", "01/12/2019", "ghi"]),
                           ("rows.yaml", ["1", "UBND huyện B", "X", "", "1.200", "31/12/2019", ""])):
        document = build(_record(make_record, rows=name, spec="spec.yaml"))
        assert [c.text for c in document.phu_luc[0].table.rows[1].cells] == expected, name


def _problems(path: Path) -> list[str]:
    with pytest.raises(InvalidRecord) as caught:
        api.compose(api.load(path), None, None)
    return [str(p) for p in caught.value.problems]


def test_bad_table_input_is_located(make_record: Callable[..., Path], workspace: Path) -> None:
    (workspace / "thieu-cot.csv").write_text("cap,don_vi,m3,m4,han,ghi_chu\ntinh,A,,,2019-11-30,\n", "utf-8")
    assert _problems(_record(make_record, rows="thieu-cot.csv")) == [
        "thieu-cot.csv:1: so_ho_so: dữ liệu không có cột 'Số hồ sơ' (so_ho_so) "
        "(các cột có trong tệp: cap, don_vi, m3, m4, han, ghi_chu)"]
    (workspace / "sai.csv").write_text("cap,don_vi,m3,m4,so_ho_so,han,ghi_chu\n"
                                       "tinh,A,,,mười,2019-11-30,\nxa,B,,,1,2019-11-30,\ntinh,C,,,2,31/02/2019,\n", "utf-8")
    assert _problems(_record(make_record, rows="sai.csv")) == [
        "sai.csv:2: so_ho_so: phải là một số, nhận được 'mười'",
        "sai.csv:3: cap: nhóm 'xa' chưa có tiêu đề trong mô tả bảng (thêm vào mục 'nhom')",
        "sai.csv:4: han: phải là một ngày dạng 30/10/2019, nhận được '31/02/2019'",
    ]
    (workspace / "rong.csv").write_text("cap,don_vi\n", "utf-8")
    assert _problems(_record(make_record, rows="rong.csv")) == ["rong.csv: tệp không có dòng nào"]
    assert _problems(_record(make_record, rows="khong-co.csv")) == ["khong-co.csv: không tìm thấy tệp (kiểm tra lại đường dẫn)"]


def test_bad_inline_rows_point_at_the_record(make_record: Callable[..., Path]) -> None:
    path = _record(make_record, rows=[{**ROWS[0], "so_ho_so": "nhiều"}])
    (problem,) = _problems(path)
    lines = path.read_text("utf-8").splitlines()
    start = next(n for n, text in enumerate(lines, 1) if "du_lieu:" in text)
    row = next(n for n, text in enumerate(lines[start:], start + 1) if text.strip().startswith("- cap:"))
    assert problem.startswith(f"cv.yaml:{row}: "), "located at the row in the record"
    assert problem.endswith("so_ho_so: phải là một số, nhận được 'nhiều'")


def test_long_table_repeats_its_header_and_numbers_its_pages(make_record: Callable[..., Path], pdf_of: Any,
                                                            docx_of: Any) -> None:
    rows = [{"cap": "tinh" if i < 150 else "huyen", "don_vi": f"Đơn vị số {i}", "m3": "x", "m4": "", "so_ho_so": i,
             "han": "2019-12-31", "ghi_chu": ""} for i in range(300)]
    path = _record(make_record, rows=rows)
    with pdf_of(path) as pdf:
        annex_pages = [p for p in pdf.pages if p.width > p.height]
        assert len(annex_pages) >= 3
        for page in annex_pages:
            assert "Mức độ DVCTT" in page.extract_text(), "the header row repeats on every annex page"
        numbers = [[w["text"] for w in p.extract_words() if w["top"] < 45] for p in annex_pages]
        assert numbers[0] == [] and numbers[1] == ["2"] and numbers[2] == ["3"], "the annex numbers its pages from 1"
        stt = [w["text"] for p in annex_pages for w in p.extract_words()
               if w["x1"] < 30 * 72 / 25.4 + 12 * 72 / 25.4 * 1.2 and w["text"].isdigit() and w["top"] > 45]
        assert stt.count("150") == 2 and "151" not in stt and stt.count("1") == 2, "numbering restarts in each group"
    table = docx_of(path).tables[-1]
    assert all("<w:cantSplit/>" in row._tr.xml for row in table.rows)


def test_annex_in_a_separate_file(make_record: Callable[..., Path], workspace: Path, build: Any) -> None:
    paths = api.render(_record(make_record, tep_rieng=True), 5, dt.date(2019, 5, 7), workspace / "out", workspace)
    assert sorted(p.name for p in paths) == ["05-UBND-XD6-phu-luc.docx", "05-UBND-XD6-phu-luc.pdf",
                                             "05-UBND-XD6.docx", "05-UBND-XD6.pdf"]
    with pdfplumber.open(workspace / "out" / "05-UBND-XD6.pdf") as pdf:
        assert "Phụ lục" not in pdf.pages[-1].extract_text()
    with pdfplumber.open(workspace / "out" / "05-UBND-XD6-phu-luc.pdf") as pdf:
        text = pdf.pages[0].extract_text()
        # Mẫu 2.2: an electronic annex in a file of its own leaves the number and date to the signature
        assert text.startswith("Phụ lục\nDANH MỤC ĐƠN VỊ\n(Kèm theo Công văn số …/… ngày … tháng … năm … của Ủy ban nhân")
        assert not [w for w in pdf.pages[0].extract_words() if w["top"] < 45]
    word = open_docx(workspace / "out" / "05-UBND-XD6-phu-luc.docx")
    assert [p.text for p in word.paragraphs if p.text][0] == "Phụ lục"
    assert word.sections[0].orientation == 1


def test_draft_leaves_the_kem_theo_blanks(make_record: Callable[..., Path], build: Any) -> None:
    document = build(_record(make_record), so=None)
    assert document.phu_luc[0].kem_theo == ("(Kèm theo Công văn số …/… ngày … tháng … năm … của "
                                            "Ủy ban nhân dân tỉnh Quảng Ninh)")


def test_several_annexes_are_numbered_in_roman(make_record: Callable[..., Path], build: Any) -> None:
    entry = {"tieu_de": "Một", "bang": SPEC, "du_lieu": ROWS}
    document = build(make_record(phu_luc=[entry, {**entry, "tieu_de": "Hai"}]))
    assert [(a.heading, a.title) for a in document.phu_luc] == [("Phụ lục I", "MỘT"), ("Phụ lục II", "HAI")]


def test_annex_command(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main
    from correspondence.register.store import Register

    (workspace / "spec.yaml").write_text(yaml.safe_dump({**SPEC, "tieu_de": "Danh mục bổ sung"}, allow_unicode=True), "utf-8")
    (workspace / "rows.json").write_text(json.dumps(ROWS, ensure_ascii=False), "utf-8")
    run = CliRunner()
    base = ["--lang", "vi", "--register", register_url]
    missing = run.invoke(main, [*base, "annex", "4498/KH-UBND", "rows.json", "--spec", "spec.yaml"])
    assert missing.exit_code == 4
    assert missing.stderr == "Lỗi: 4498/KH-UBND không có trong sổ của ubnd-quang-ninh\n"
    assert run.invoke(main, [*base, "issue", str(make_record()), "--ngay", "2019-05-07"]).exit_code == 0
    result = run.invoke(main, [*base, "annex", "01/UBND-XD6", "rows.json", "--spec", "spec.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Đã ghi: output/ubnd-quang-ninh/2019/01-UBND-XD6-phu-luc.docx",
                                          "Đã ghi: output/ubnd-quang-ninh/2019/01-UBND-XD6-phu-luc.pdf"]
    with pdfplumber.open(workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6-phu-luc.pdf") as pdf:
        assert "(Kèm theo Công văn số 01/UBND-XD6 ngày 07/5/2019 của Ủy ban nhân dân tỉnh Quảng Ninh)" in \
            pdf.pages[0].extract_text()
    with Register(register_url) as register:
        (entry,) = register.entries("ubnd-quang-ninh")
    assert len(entry.files) == 4
    assert run.invoke(main, [*base, "register", "verify"]).exit_code == 0


def test_issued_plan_rerenders_from_the_register_alone(make_record: Callable[..., Path], workspace: Path,
                                                       register_url: str) -> None:
    from correspondence.outgoing import issue
    from correspondence.outgoing import registry as service

    (workspace / "rows.csv").write_text("cap,don_vi,m3,m4,so_ho_so,han,ghi_chu\ntinh,Sở A,x,,10,2019-11-30,\n", "utf-8")
    done = issue([_record(make_record, rows="rows.csv")], workspace, dt.date(2019, 5, 7), register_url)
    pdf = done[0].files[1]
    original = pdf.read_bytes()
    (workspace / "rows.csv").unlink()
    pdf.unlink()
    from correspondence.register.store import Register

    with Register(register_url) as register:
        register.complete(done[0].entry.id, None)  # type: ignore[arg-type]  # as if the files were never recorded
    report = service.verify(workspace, register_url=register_url)
    assert report.repaired == ["01/UBND-XD6"] and report.problems == []
    assert pdf.read_bytes() == original
    assert io.BytesIO(original).getvalue()[:4] == b"%PDF"


def test_cells_keep_line_breaks_and_wrap_long_tokens(make_record: Callable[..., Path], build: Any) -> None:
    """A line break inside a cell is kept (PDF and DOCX); a URL or e-mail longer than its column wraps inside it."""
    import zipfile

    from correspondence.render import render_document

    spec = {"cot": [{"ten": "TT", "kieu": "stt", "rong": 12}, {"ten": "Đơn vị", "khoa": "don_vi", "rong": 40},
                    {"ten": "Liên hệ", "khoa": "lien_he", "rong": 30}]}
    rows = [{"don_vi": "Sở Tư pháp\n(Phòng Hành chính tư pháp)",
             "lien_he": "https://dichvucong.quangninh.gov.vn/dvc/thu-tuc/chi-tiet?ma=1.001234"}]
    document = build(_record(make_record, rows=rows, spec=spec))
    files = render_document(document, ("pdf", "docx"))
    pdf_bytes, docx_bytes = (next(v for k, v in files.items() if k.endswith(ext)) for ext in (".pdf", ".docx"))
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[-1]
        table = page.find_tables()[0]
        right = table.bbox[2]
        cells = page.extract_table()
        words = page.extract_words()
    assert cells[1][1] == "Sở Tư pháp\n(Phòng Hành chính tư pháp)"
    assert all(w["x1"] <= right + 0.5 for w in words if w["top"] > table.bbox[1]), "nothing runs over the border"
    assert "https://dichvucong" in cells[1][2].replace("\n", "")
    xml = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml").decode()
    assert 'Sở Tư pháp</w:t><w:br/><w:t xml:space="preserve">(Phòng Hành chính tư pháp)' in xml


def test_an_annex_may_be_headed_by_its_tables_name(make_record: Callable[..., Path], build: Any) -> None:
    """Agencies print "DANH MỤC" (the table's own name) with a subtitle in normal case instead of "Phụ lục"."""
    document = build(_record(make_record, ten_bang="Danh mục",
                             tieu_de="Thủ tục hành chính thực hiện dịch vụ công trực tuyến mức độ 4"))
    annex = document.phu_luc[0]
    assert (annex.heading, annex.title) == ("DANH MỤC", "Thủ tục hành chính thực hiện dịch vụ công trực tuyến mức độ 4")
    from correspondence.render import render_document

    pdf = next(v for k, v in render_document(document, ("pdf",)).items() if k.endswith(".pdf"))
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        text = opened.pages[-1].extract_text()
    assert text.startswith("DANH MỤC\nThủ tục hành chính thực hiện dịch vụ công trực tuyến mức độ 4\n(Kèm theo Công văn")


def test_annex_command_makes_the_electronic_annex_of_form_2_2(make_record: Callable[..., Path], workspace: Path,
                                                              register_url: str) -> None:
    """``annex --dien-tu``: an electronic annex in a file of its own (Mẫu 2.2) leaves the number and date blank in
    its 'Kèm theo' line: the agency's signature on the file carries them."""
    from click.testing import CliRunner

    from correspondence.cli import main

    (workspace / "spec.yaml").write_text(yaml.safe_dump({**SPEC, "tieu_de": "Danh mục bổ sung"}, allow_unicode=True), "utf-8")
    (workspace / "rows.json").write_text(json.dumps(ROWS, ensure_ascii=False), "utf-8")
    run = CliRunner()
    base = ["--lang", "vi", "--register", register_url]
    assert run.invoke(main, [*base, "issue", str(make_record()), "--ngay", "2019-05-07"]).exit_code == 0
    result = run.invoke(main, [*base, "annex", "01/UBND-XD6", "rows.json", "--spec", "spec.yaml", "--dien-tu",
                               "-f", "pdf"])
    assert result.exit_code == 0, result.output
    with pdfplumber.open(workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6-phu-luc.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "(Kèm theo Công văn số …/… ngày … tháng … năm … của Ủy ban nhân dân tỉnh Quảng Ninh)" in text
    assert "01/UBND-XD6" not in text and "07/5/2019" not in text
