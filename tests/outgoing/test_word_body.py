"""A record whose body comes from the specialist's Word file (``noi_dung_tu``), and ``new --tu`` writing one."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import InvalidRecord
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service


def _draft(path: Path, table: bool = False) -> Path:
    document = docx.Document()
    document.add_paragraph("Ủy ban nhân dân tỉnh có ý kiến như sau:")
    item = document.add_paragraph("1. Các sở ")
    item.add_run("khẩn trương").bold = True
    item.add_run(" rà soát, báo cáo trước ngày 15/12/2026.")
    document.add_paragraph("2. Giao Sở Nội vụ tổng hợp.")
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).merge(grid.cell(0, 1))
    document.save(str(path))
    return path


def test_new_from_word_then_issue(workspace: Path) -> None:
    _draft(workspace / "du-thao.docx")
    (workspace / "2026").mkdir()
    result = CliRunner().invoke(main, ["--lang", "vi", "new", "cong-van", "--tu", "du-thao.docx", "-o", "2026/cv.yaml"])
    assert result.exit_code == 0, result.output
    record = workspace / "2026" / "cv.yaml"
    data = yaml.safe_load(record.read_text("utf-8"))
    assert data["noi_dung_tu"] == "../du-thao.docx" and "noi_dung" not in data
    assert api.check([record], workspace) == []
    (done,) = issue([record], workspace)
    xml = zipfile.ZipFile(done.files[0]).read("word/document.xml").decode("utf-8")
    assert "Ủy ban nhân dân tỉnh có ý kiến như sau:" in xml
    assert "<w:b/><w:sz w:val=\"28\"/></w:rPr><w:t>khẩn trương</w:t>" in xml
    import pypdf

    text = pypdf.PdfReader(done.files[1]).pages[0].extract_text()
    assert "1. Các sở khẩn trương rà soát, báo cáo trước ngày 15/12/2026." in text
    assert "2. Giao Sở Nội vụ tổng hợp./." in text
    stored = json.loads(service.show(workspace, done.entry.so_ky_hieu).record_json or "{}")
    assert "noi_dung_tu" not in stored and "**khẩn trương**" in stored["noi_dung"], "the register keeps the body itself"


def test_what_word_cannot_carry_is_refused_where_it_is(workspace: Path, make_record: object) -> None:
    _draft(workspace / "du-thao.docx", table=True)
    result = CliRunner().invoke(main, ["--lang", "vi", "new", "cong-van", "--tu", "du-thao.docx", "-o", "cv.yaml"])
    assert result.exit_code != 0 and not (workspace / "cv.yaml").exists()
    assert "du-thao.docx: đoạn 4: noi_dung_tu: bảng 1 (sau '2. Giao Sở Nội vụ tổng hợp.'): không thể đưa ô gộp" in result.output
    record = make_record("cv.yaml", noi_dung=None, noi_dung_tu="du-thao.docx")  # type: ignore[operator]
    with pytest.raises(InvalidRecord) as caught:
        issue([record], workspace)
    assert [p.source for p in caught.value.problems] == ["du-thao.docx: đoạn 4"]
    assert not (workspace / "registers" / "ubnd-quang-ninh.sqlite").exists()
    both = make_record("hai.yaml", noi_dung_tu="du-thao.docx")  # type: ignore[operator]
    problems = api.check([both], workspace)
    assert [(p.field, p.message) for p in problems] == [
        ("noi_dung_tu", "chỉ ghi nội dung một lần: hoặc noi_dung hoặc noi_dung_tu")]
    missing = make_record("thieu.yaml", noi_dung=None, noi_dung_tu="khong-co.docx")  # type: ignore[operator]
    assert [p.field for p in api.check([missing], workspace)] == ["noi_dung_tu"]


def test_a_simple_table_of_the_draft_prints_in_both_files(workspace: Path, make_record: object) -> None:
    document = docx.Document()
    document.add_paragraph("Kết quả rà soát như sau:")
    grid = document.add_table(rows=3, cols=3)
    for i, row in enumerate([["STT", "Đơn vị", "Số thủ tục"], ["1", "Sở Tư pháp", "12"], ["2", "Sở Y tế", "7"]]):
        for j, value in enumerate(row):
            grid.cell(i, j).paragraphs[0].add_run(value).bold = i == 0
    document.save(str(workspace / "bang.docx"))
    record = make_record("cv.yaml", noi_dung=None, noi_dung_tu="bang.docx")  # type: ignore[operator]
    (done,) = issue([record], workspace)
    xml = zipfile.ZipFile(done.files[0]).read("word/document.xml").decode("utf-8")
    body = xml[xml.index("Kết quả rà soát"):xml.index("./.")]
    assert body.count("<w:tr>") == 3 and "<w:tblHeader/>" in body and ">Sở Y tế<" in body
    import pdfplumber

    with pdfplumber.open(done.files[1]) as pdf:
        page = pdf.pages[0]
        tables = page.extract_tables()
        assert tables == [[["STT", "Đơn vị", "Số thủ tục"], ["1", "Sở Tư pháp", "12"], ["2", "Sở Y tế", "7"]]]
        found = page.find_tables()[0].bbox
        width_mm = (found[2] - found[0]) * 25.4 / 72
        assert abs(width_mm - 165) < 1.5, "across the text width (210 - 30 - 15 mm)"
        assert "./." in page.extract_text().split("Sở Y tế")[1], "the body still ends with ./."
