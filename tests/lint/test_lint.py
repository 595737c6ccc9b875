"""``correspondence lint``: a Word file held to ND 30's thể thức. Clean on every DOCX the project renders for the
examples; each defect of a corpus broken on purpose (one defect each, made from the project's own công văn) found
with its rule; a document laid out the way Word lays it out (a borderless two-column table, tab stops, styles) read
sensibly; a file that is not a DOCX refused."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus, UsageError
from correspondence.model import MARGINS, SIZE_RANGES, Page, Sizes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NEEDS_REGISTER = ("sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "quy-che-kem-quyet-dinh.yaml")
RECORDS = sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "loai").glob("*.yaml")])


def _workspace(folder: Path) -> Path:
    shutil.copytree(EXAMPLES, folder / "examples")
    shutil.copytree(EXAMPLES / "registers", folder / "registers")
    return folder


def _cli(*args: str) -> object:
    return CliRunner().invoke(main, ["--lang", "vi", "lint", *args], catch_exceptions=False)


def test_the_model_chooses_inside_the_ranges_the_lint_holds_documents_to() -> None:
    page, sizes = Page(), Sizes()
    for side, (low, high) in MARGINS.items():
        assert low <= getattr(page, side) <= high
    for name, (low, high) in SIZE_RANGES.items():
        assert low <= getattr(sizes, name) <= high


@pytest.mark.parametrize("record", [r for r in RECORDS if r.name not in NEEDS_REGISTER], ids=lambda r: r.stem)
def test_every_example_the_project_renders_is_clean(record: Path, tmp_path: Path) -> None:
    work = _workspace(tmp_path)
    files = api.render(work / record.relative_to(ROOT), 12, None, work / "output", work, formats=("docx",))
    assert files
    agency = yaml.safe_load(record.read_text("utf-8"))["co_quan"]
    for file in files:
        assert api.lint_docx(file) == [], file.name
        assert api.lint_docx(file, work, agency) == [], file.name  # the signer's authority by the profile too
        result = _cli(str(file))
        assert result.exit_code == 0, result.output
        assert "không có gì sai" in result.output


def test_copies_and_a_document_issued_with_another_are_clean(tmp_path: Path) -> None:
    """Issued as tests/digest.py issues them: the quyết định and the quy chế issued with it in one register; the
    công văn, its three copies, the plan and its annex in another."""
    work = _workspace(tmp_path / "quyet-dinh")
    api.register_init(work, "ubnd-quang-ninh")
    examples = work / "examples"
    files = [*api.issue([examples / "quyet-dinh.yaml"], work)[0].files]
    files += api.render(examples / "quy-che-kem-quyet-dinh.yaml", 1, None, work / "output" / "quy-che", work,
                        formats=("docx",))
    work = _workspace(tmp_path / "issue")
    api.register_init(work, "ubnd-quang-ninh")
    examples = work / "examples"
    for name in ("cong-van-3018.yaml", "sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "ke-hoach-4498.yaml"):
        issued = api.issue([examples / name], work)[0]
        files += issued.files
    files += api.annex(work, issued.entry.so_ky_hieu, examples / "ke-hoach-4498" / "danh-muc.csv",
                       examples / "ke-hoach-4498" / "bang.yaml", agency="ubnd-ninh-thuan")
    docx_files = [f for f in files if f.suffix == ".docx"]
    assert len(docx_files) >= 8
    for file in docx_files:
        assert api.lint_docx(file) == [], file.name


# ------------------------------------------------------------------ the broken corpus



def _paragraph(document: docx.document.Document, starts: str) -> docx.text.paragraph.Paragraph:
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text.startswith(starts):
                        return paragraph
    return next(p for p in document.paragraphs if p.text.startswith(starts))


def _set_text(paragraph: docx.text.paragraph.Paragraph, text: str) -> None:
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run.text = ""


def _margin(d: docx.document.Document) -> None:
    d.sections[0].left_margin = Mm(25)


def _arial(d: docx.document.Document) -> None:
    for run in _paragraph(d, "Xét đề nghị").runs:
        run.font.name = "Arial"


def _quoc_hieu(d: docx.document.Document) -> None:
    for run in _paragraph(d, "CỘNG HÒA").runs:
        run.bold = False


def _unpadded(d: docx.document.Document) -> None:
    _set_text(_paragraph(d, "Số:"), "Số: 3/UBND-VP")


def _upright_date(d: docx.document.Document) -> None:
    for run in _paragraph(d, "Quảng Ninh, ngày").runs:
        run.italic = False


def _semicolon(d: docx.document.Document) -> None:
    _set_text(_paragraph(d, "- Như trên"), "- Như trên")


def _small_body(d: docx.document.Document) -> None:
    for run in _paragraph(d, "Xét đề nghị").runs:
        run.font.size = Pt(12)


def _page_one(d: docx.document.Document) -> None:
    d.sections[0].different_first_page_header_footer = False


CORPUS: dict[str, tuple[Callable[[docx.document.Document], None], str, str, str]] = {
    # defect: (break it, the component found, what was found, the rule cited)
    "le-trai": (_margin, "le_trai", "25 mm", "PL I §I.3"),
    "arial": (_arial, "phong_chu", "Arial", "PL I §I.4"),
    "quoc-hieu-khong-dam": (_quoc_hieu, "quoc_hieu", "không in đậm", "PL I §II.1.a"),
    "so-khong-dem-0": (_unpadded, "so_ky_hieu", "3/UBND-VP", "Điều 15; PL I §II.3"),
    "ngay-khong-nghieng": (_upright_date, "dia_danh_ngay", "không in nghiêng", "PL I §II.4"),
    "noi-nhan-thieu-cham-phay": (_semicolon, "noi_nhan", "- Như trên", "PL I §II.9"),
    "noi-dung-co-12": (_small_body, "noi_dung", "cỡ chữ 12 pt", "PL I §II.6"),
    "so-trang-trang-1": (_page_one, "so_trang", "có số trang ở trang 1", "PL I §I.7"),
}


@pytest.mark.parametrize("defect", CORPUS)
def test_each_defect_is_found_alone_with_its_rule(defect: str, cong_van: Path, tmp_path: Path) -> None:
    breaking, component, found, rule = CORPUS[defect]
    document = docx.Document(str(cong_van))
    breaking(document)
    broken = tmp_path / f"{defect}.docx"
    document.save(str(broken))

    findings = api.lint_docx(broken)
    assert [(f.component, f.rule) for f in findings] == [(component, rule)]
    assert findings[0].found == found
    assert findings[0].required
    if component not in ("le_trai", "so_trang"):
        assert findings[0].paragraph is not None

    result = _cli(str(broken))
    assert result.exit_code == ExitStatus.FINDINGS == 8
    assert f"[{rule}]" in result.output and "1 chỗ sai" in result.output
    as_json = _cli(str(broken), "--json")
    assert as_json.exit_code == 8
    [record] = json.loads(as_json.output)
    assert record["component"] == component and record["rule"] == rule


def test_the_findings_are_told_in_vietnamese(cong_van: Path, tmp_path: Path) -> None:
    document = docx.Document(str(cong_van))
    _quoc_hieu(document)
    _unpadded(document)
    document.save(str(tmp_path / "hai-loi.docx"))
    result = _cli(str(tmp_path / "hai-loi.docx"))
    assert result.exit_code == 8
    assert ("hai-loi.docx (trang 1, đoạn 4): Quốc hiệu: thấy không in đậm; phải là in đậm [PL I §II.1.a]"
            in result.output)
    assert ("hai-loi.docx (trang 1, đoạn 7): số, ký hiệu: thấy 3/UBND-VP; phải là 03/UBND-VP [Điều 15; PL I §II.3]"
            in result.output)
    assert "2 chỗ sai" in result.output


# ------------------------------------------------------------------ a document laid out the way Word lays it out


def _word_document(header: str) -> docx.document.Document:
    """A công văn typed in Word: Times New Roman 14 in the Normal style, the header as a borderless two-column
    table (``header="table"``) or as tab stops (``"tabs"``), the Quốc hiệu bold through a paragraph style."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(20), Mm(30), \
        Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    heading = document.styles.add_style("QuocHieu", 1)
    heading.base_style = normal
    heading.font.bold = True
    heading.font.size = Pt(13)

    def put(paragraph: docx.text.paragraph.Paragraph, text: str, size: float, bold: bool = False,
            italic: bool = False) -> None:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold or None, italic or None

    if header == "table":
        table = document.add_table(rows=1, cols=2)  # python-docx's table has no borders, as Word's "Normal Table"
        left, right = table.rows[0].cells
        put(left.paragraphs[0], "ỦY BAN NHÂN DÂN", 13, bold=True)
        put(left.add_paragraph(), "Số: 05/UBND-VP", 13)
        put(left.add_paragraph(), "V/v báo cáo tình hình", 13)
        right.paragraphs[0].style = heading
        right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        put(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
        put(right.add_paragraph(), "Quảng Ninh, ngày 07 tháng 02 năm 2020", 14, italic=True)
    else:
        for left_text, right_text, size, bold, italic in (
                ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False),
                ("", "Độc lập – Tự do – Hạnh phúc", 14, False, False),
                ("Số: 05/UBND-VP", "Quảng Ninh, ngày 7 tháng 02 năm 2020", 13, False, False)):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(120), WD_TAB_ALIGNMENT.CENTER)
            put(paragraph, left_text, size, bold=bold)
            put(paragraph, "\t" + right_text, size, bold=bold, italic=italic)
    document.add_paragraph("Kính gửi: Sở Nội vụ.")
    document.add_paragraph("Ủy ban nhân dân tỉnh đề nghị Sở Nội vụ báo cáo tình hình thực hiện.")
    table = document.add_table(rows=1, cols=2)
    cell = table.rows[0].cells[0]
    put(cell.paragraphs[0], "Nơi nhận:", 12, bold=True, italic=True)
    for item in ("- Như trên;", "- Lưu: VT, VP."):
        put(cell.add_paragraph(), item, 11)
    put(table.rows[0].cells[1].paragraphs[0], "CHỦ TỊCH", 14, bold=True)
    return document


def test_a_word_table_header_with_styles_is_read_and_clean(tmp_path: Path) -> None:
    document = _word_document("table")
    document.save(str(tmp_path / "word.docx"))
    assert api.lint_docx(tmp_path / "word.docx") == []


def test_a_tab_stop_header_is_read_piece_by_piece(tmp_path: Path) -> None:
    document = _word_document("tabs")
    document.save(str(tmp_path / "tabs.docx"))
    findings = api.lint_docx(tmp_path / "tabs.docx")
    assert [(f.component, f.paragraph, f.found, f.required, f.rule) for f in findings] == [
        ("tieu_ngu", 2, "Độc lập – Tự do – Hạnh phúc", "Độc lập - Tự do - Hạnh phúc", "PL I §II.1.b"),
        ("tieu_ngu", 2, "không in đậm", "in đậm", "PL I §II.1.b"),
        ("dia_danh_ngay", 3, "Quảng Ninh, ngày 7 tháng 02 năm 2020", "Quảng Ninh, ngày 07 tháng 02 năm 2020",
         "PL I §II.4"),
        ("dia_danh_ngay", 3, "không in nghiêng", "in nghiêng", "PL I §II.4"),
    ]  # the Quốc hiệu and the Số, on the same lines as the agency, are right and found so


def test_a_noi_nhan_typed_with_line_breaks_is_read_line_by_line(tmp_path: Path) -> None:
    document = _word_document("table")
    cell = document.tables[-1].rows[0].cells[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    run = cell.add_paragraph().add_run("- Như trên")  # Shift+Enter between the recipients, the ";" forgotten
    run.font.size = Pt(11)
    run.add_break()
    run.add_text("- Sở Tài chính;")
    run.add_break()
    run.add_text("- Lưu: VT, VP.")
    document.save(str(tmp_path / "xuong-dong.docx"))
    findings = api.lint_docx(tmp_path / "xuong-dong.docx")
    assert [(f.component, f.found, f.required, f.rule) for f in findings] == [
        ("noi_nhan", "- Như trên", "kết thúc bằng dấu \";\"", "PL I §II.9")]


def _saved_by_word(path: Path, pages: int) -> None:
    """Rewrite ``path``'s docProps/app.xml as Microsoft Word saves it, with its page count."""
    import zipfile

    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           f'<Application>Microsoft Office Word</Application><Pages>{pages}</Pages></Properties>')
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["docProps/app.xml"] = app.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_a_long_word_document_without_page_numbers_is_found_out(tmp_path: Path) -> None:
    document = _word_document("table")
    file = tmp_path / "khong-so-trang.docx"
    document.save(str(file))
    _saved_by_word(file, 1)
    assert api.lint_docx(file) == []  # one page: no number needed
    _saved_by_word(file, 3)
    assert [(f.component, f.found, f.rule) for f in api.lint_docx(file)] == [
        ("so_trang", "3 trang, không trang nào có số trang", "PL I §I.7")]


def test_word_s_default_template_is_found_out(tmp_path: Path) -> None:
    document = docx.Document()  # its theme's Cambria, US Letter, 1-inch margins (1.25 inch left and right)
    document.add_paragraph("Kính gửi: Sở Nội vụ.")
    document.save(str(tmp_path / "mac-dinh.docx"))
    found = {(f.component, f.found) for f in api.lint_docx(tmp_path / "mac-dinh.docx")}
    assert ("kho_giay", "215.9 × 279.4 mm") in found
    assert ("phong_chu", "Cambria") in found
    assert ("le_phai", "31.8 mm") in found


def test_the_specialist_s_draft_in_the_examples_is_checked() -> None:
    findings = api.lint_docx(EXAMPLES / "du-thao.docx")
    assert {"kho_giay", "phong_chu"} <= {f.component for f in findings}


def test_a_file_that_is_not_a_docx_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ghi-chu.docx").write_text("không phải Word", "utf-8")
    with pytest.raises(UsageError):
        api.lint_docx(tmp_path / "ghi-chu.docx")
    result = CliRunner().invoke(main, ["--lang", "vi", "lint", str(tmp_path / "ghi-chu.docx")])
    assert result.exit_code == ExitStatus.USAGE
    assert "Traceback" not in result.output


@pytest.mark.parametrize("defect", ["le-trai", "arial", "so-khong-dem-0"])
def test_sua_writes_a_corrected_copy_and_leaves_the_original(defect: str, cong_van: Path, tmp_path: Path) -> None:
    """``lint --sua``: what can be fixed without judgement (margins, typeface, the Số line's zero) is fixed in a copy
    beside the file; the original keeps its bytes; a copy already there is never overwritten."""
    document = docx.Document(str(cong_van))
    CORPUS[defect][0](document)
    broken = tmp_path / f"{defect}.docx"
    document.save(str(broken))
    before = broken.read_bytes()
    result = _cli(str(broken), "--sua")
    assert result.exit_code == 0, result.output
    fixed = tmp_path / f"{defect}-sua.docx"
    assert f"bản đã sửa: {fixed}" in result.output
    assert api.lint_docx(fixed) == [] and broken.read_bytes() == before
    again = _cli(str(broken), "--sua")
    assert again.exit_code == 2 and "đã có" in again.output


def test_sua_fixes_words_default_template_but_what_needs_the_eye(tmp_path: Path) -> None:
    document = docx.Document()  # US Letter, Cambria, 1-inch margins
    document.add_paragraph("Kính gửi: Sở Nội vụ.")
    document.save(str(tmp_path / "mac-dinh.docx"))
    out = tmp_path / "ban-sua.docx"
    written, remaining = api.lint_fix(tmp_path / "mac-dinh.docx", out)
    assert written == out
    assert not {f.component for f in remaining} & {"kho_giay", "phong_chu", "le_tren", "le_duoi", "le_trai", "le_phai"}


def test_a_docx_that_expands_past_its_bounds_is_refused_unread(tmp_path: Path) -> None:
    """A Word file from outside is untrusted: one whose parts expand far past what a document holds (a zip bomb) is
    refused before python-docx unpacks it, by lint and by the body reader of a record (noi_dung_tu) alike."""
    import zipfile

    from correspondence.errors import InvalidRecord
    from correspondence.records.word import body_from_docx

    bomb = tmp_path / "bom.docx"
    document = docx.Document()
    document.save(str(bomb))
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/media/rong.bin", b"\0" * (300 * 1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    result = _cli(str(bomb))
    assert result.exit_code == 2 and "bom.docx" in result.output and "MB" in result.output, result.output
    with pytest.raises(InvalidRecord) as caught:
        body_from_docx(bomb, "bom.docx")
    assert "MB" in caught.value.problems[0].message
