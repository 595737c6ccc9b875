"""``correspondence lint``, further: sizes fixed by ``--sua``, the signer's authority held to Art. 13 where the agency
profile knows the signer, the capitals of place and agency names (PL II), a header set in text boxes, and the page
set-up rules cited by their mục and khoản of PL I."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Pt

from correspondence import api
from correspondence.cli import main
from correspondence.model import SIZE_RANGES, Sizes
from tests.lint.test_lint import _cli, _paragraph, _workspace

# ------------------------------------------------------------------ 1. --sua fixes sizes


def _resize(document: docx.document.Document, starts: str, size: float) -> None:
    for run in _paragraph(document, starts).runs:
        run.font.size = Pt(size)


@pytest.mark.parametrize(("starts", "component", "size", "key"), [
    ("CỘNG HÒA", "quoc_hieu", 10, "quoc_hieu"),
    ("Quảng Ninh, ngày", "dia_danh_ngay", 16, "dia_danh_ngay"),
    ("Xét đề nghị", "noi_dung", 12, "body"),
    ("- Như trên", "noi_nhan", 13, "noi_nhan_item"),
])
def test_sua_brings_a_size_outside_its_range_to_the_nearest_allowed(starts: str, component: str, size: float, key: str,
                                                                    cong_van: Path, tmp_path: Path) -> None:
    document = docx.Document(str(cong_van))
    _resize(document, starts, size)
    broken = tmp_path / "co-chu.docx"
    document.save(str(broken))
    assert [f.component for f in api.lint_docx(broken)] == [component]

    result = _cli(str(broken), "--sua")
    assert result.exit_code == 0, result.output
    fixed = tmp_path / "co-chu-sua.docx"
    assert api.lint_docx(fixed) == []
    low, high = SIZE_RANGES[key]
    wanted = min(max(size, low), high)
    sizes = {r.font.size.pt for r in _paragraph(docx.Document(str(fixed)), starts).runs if r.text.strip()}
    assert sizes == {wanted}


def test_sua_gives_a_size_set_nowhere_the_model_s_size(tmp_path: Path) -> None:
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.add_paragraph("Kính gửi: Sở Nội vụ.")  # no size in the run, its style or the defaults
    for style in list(document.styles.element.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sz")):
        style.getparent().remove(style)
    document.save(str(tmp_path / "khong-co.docx"))
    assert ("kinh_gui", "cỡ chữ (không đặt)") in {(f.component, f.found) for f in api.lint_docx(tmp_path / "khong-co.docx")}
    _, remaining = api.lint_fix(tmp_path / "khong-co.docx")
    assert "kinh_gui" not in {f.component for f in remaining}
    [paragraph] = docx.Document(str(tmp_path / "khong-co-sua.docx")).paragraphs
    assert paragraph.runs[0].font.size.pt == Sizes().kinh_gui


# ------------------------------------------------------------------ 2. the signer's authority (Art. 13)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A workspace with one agency profile (examples/registers/ubnd-quang-ninh.yaml), and the công văn it renders (TM.
    ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Đặng Huy Hậu)."""
    work = _workspace(tmp_path_factory.mktemp("van-phong"))
    (work / "registers" / "ubnd-ninh-thuan.yaml").unlink()
    [file] = api.render(work / "examples" / "cong-van-3018.yaml", 12, None, work / "output", work, formats=("docx",))
    return work, file


def _signature(file: Path, out: Path, lines: list[str]) -> Path:
    """The document with its signature block (the paragraphs from "TM." down to the name) replaced by ``lines``."""
    document = docx.Document(str(file))
    first = _paragraph(document, "TM.")
    cell = first._parent
    block = [p for p in cell.paragraphs if p.text.strip()]
    for paragraph, text in zip(block, lines + [""] * (len(block) - len(lines)), strict=True):
        for run in paragraph.runs[1:]:
            run.text = ""
        paragraph.runs[0].text = text
    document.save(str(out))
    return out


def test_the_rendered_signature_is_right_by_the_profile(office: tuple[Path, Path]) -> None:
    work, file = office
    assert api.lint_docx(file, work) == []
    assert api.lint_docx(file, work, "ubnd-quang-ninh") == []


def test_a_deputy_signing_without_kt_is_found_by_the_profile(office: tuple[Path, Path], tmp_path: Path) -> None:
    work, file = office
    broken = _signature(file, tmp_path / "thieu-kt.docx", ["PHÓ CHỦ TỊCH", "Đặng Huy Hậu"])
    assert api.lint_docx(broken) == []  # no profile: the signer is not known
    [finding] = api.lint_docx(broken, work)  # the workspace's only profile
    assert (finding.component, finding.rule) == ("tham_quyen", "Điều 13")
    assert finding.found == "PHÓ CHỦ TỊCH / Đặng Huy Hậu"
    assert "Phó Chủ tịch" in finding.required and "KT." in finding.required
    result = CliRunner().invoke(main, ["--lang", "vi", "-C", str(work), "lint", str(broken), "--co-quan",
                                       "ubnd-quang-ninh"], catch_exceptions=False)
    assert result.exit_code == 8
    assert ("thẩm quyền ký: thấy PHÓ CHỦ TỊCH / Đặng Huy Hậu; phải là cấp phó (Phó Chủ tịch) ký KT. thay người đứng "
            "đầu") in result.output and "[Điều 13]" in result.output
    two = _workspace(tmp_path / "hai-co-quan")  # two profiles: the agency is named, else the signer is not checked
    assert api.lint_docx(broken, two) == []
    assert [f.component for f in api.lint_docx(broken, two, "ubnd-quang-ninh")] == ["tham_quyen"]


@pytest.mark.parametrize(("lines", "words"), [
    (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "CHỦ TỊCH", "Nguyễn Văn Thắng"], "KT."),  # the head signs without KT.
    (["TL. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG", "Trần Thị Lan"], "KT. CHÁNH VĂN PHÒNG"),  # Art. 13.4
    (["KT. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Nguyễn Văn Hùng"], "Chánh Văn phòng"),  # no deputy of the Chủ tịch
])
def test_other_authorities_are_held_to_art_13(lines: list[str], words: str, office: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    work, file = office
    broken = _signature(file, tmp_path / "tham-quyen.docx", lines)
    [finding] = api.lint_docx(broken, work)
    assert (finding.component, finding.rule) == ("tham_quyen", "Điều 13") and words in finding.required


def test_a_right_authority_and_an_unknown_signer_are_clean(office: tuple[Path, Path], tmp_path: Path) -> None:
    work, file = office
    for lines in (["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Trần Thị Lan"],
                  ["CHỦ TỊCH", "Nguyễn Văn Thắng"], ["PHÓ CHỦ TỊCH", "Lê Văn Khác"]):
        assert api.lint_docx(_signature(file, tmp_path / "dung.docx", lines), work) == [], lines
        (tmp_path / "dung.docx").unlink()


def test_an_agency_named_without_a_profile_is_refused(office: tuple[Path, Path]) -> None:
    work, file = office
    result = CliRunner().invoke(main, ["--lang", "vi", "-C", str(work), "lint", str(file), "--co-quan", "khong-co"])
    assert result.exit_code != 0 and "khong-co" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ 3. capitals of place names (PL II)


@pytest.mark.parametrize(("place", "wanted"), [
    ("quảng Ninh", "Quảng Ninh"),
    ("Quảng ninh", "Quảng Ninh"),
    ("Thành phố hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("thị xã Quảng Yên", "Thị xã Quảng Yên"),
])
def test_a_place_name_not_in_capitals_in_the_date_line_is_found(place: str, wanted: str, cong_van: Path,
                                                                tmp_path: Path) -> None:
    document = docx.Document(str(cong_van))
    paragraph = _paragraph(document, "Quảng Ninh, ngày")
    text = paragraph.text.replace("Quảng Ninh", place)
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(str(tmp_path / "dia-danh.docx"))
    findings = api.lint_docx(tmp_path / "dia-danh.docx")
    assert [(f.component, f.found, f.required, f.rule) for f in findings] == [
        ("dia_danh_ngay", place, wanted, "PL II")]


@pytest.mark.parametrize("place", ["Thành phố Hồ Chí Minh", "Quận 1", "Thị trấn Cái Rồng", "Hà Nội", "Phan Rang-Tháp Chàm"])
def test_place_names_in_capitals_are_clean(place: str, cong_van: Path, tmp_path: Path) -> None:
    document = docx.Document(str(cong_van))
    paragraph = _paragraph(document, "Quảng Ninh, ngày")
    paragraph.runs[0].text = paragraph.text.replace("Quảng Ninh", place)
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(str(tmp_path / "dia-danh.docx"))
    assert api.lint_docx(tmp_path / "dia-danh.docx") == []


# ------------------------------------------------------------------ 4. a header in text boxes


NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def _text_box(paragraphs: list[tuple[str, float, bool, bool]]) -> str:
    """A run holding a text box as Word writes it: a DrawingML shape (wps:txbx) with a VML fallback (v:textbox), the
    same paragraphs in both."""
    content = "".join(
        f'<w:p><w:r><w:rPr>{"<w:b/>" if bold else ""}{"<w:i/>" if italic else ""}<w:sz w:val="{round(size * 2)}"/>'
        f'</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text, size, bold, italic in paragraphs)
    box = f"<w:txbxContent>{content}</w:txbxContent>"
    return (f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
            'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="3600000" cy="900000"/><wp:wrapNone/><wp:docPr id="1" name="Text Box 1"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
            '</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape style="width:283pt;height:71pt">'
            f'<v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def _header_in_a_text_box(tieu_ngu_bold: bool) -> docx.document.Document:
    from lxml import etree

    from tests.lint.test_lint import _word_document

    document = _word_document("table")
    right = document.tables[0].rows[0].cells[1]
    for paragraph in right.paragraphs[1:]:
        paragraph._element.getparent().remove(paragraph._element)
    anchor = right.paragraphs[0]
    for run in anchor.runs:
        run._element.getparent().remove(run._element)
    anchor.style = document.styles["Normal"]
    anchor._p.append(etree.fromstring(_text_box([
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False),
        ("Độc lập - Tự do - Hạnh phúc", 14, tieu_ngu_bold, False),
        ("Quảng Ninh, ngày 07 tháng 02 năm 2020", 14, False, True)])))
    return document


def test_a_header_in_a_text_box_is_read(tmp_path: Path) -> None:
    from correspondence.lint.reading import read

    _header_in_a_text_box(True).save(str(tmp_path / "hop.docx"))
    texts = [line.text for line in read(tmp_path / "hop.docx").lines]
    assert len([t for t in texts if "CỘNG HÒA" in t]) == 1  # the DrawingML shape read, its VML copy not, nor the
    assert texts.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1  # anchoring run
    assert texts.count("Độc lập - Tự do - Hạnh phúc") == 1
    assert api.lint_docx(tmp_path / "hop.docx") == []


def test_a_departure_in_a_text_box_is_found_with_its_paragraph(tmp_path: Path) -> None:
    _header_in_a_text_box(False).save(str(tmp_path / "hop.docx"))
    findings = api.lint_docx(tmp_path / "hop.docx")
    assert [(f.component, f.found, f.rule) for f in findings] == [("tieu_ngu", "không in đậm", "PL I §II.1.b")]
    assert findings[0].paragraph is not None and findings[0].paragraph > 4
    _, remaining = api.lint_fix(tmp_path / "hop.docx")  # the copy is read and written the same way
    assert [f.component for f in remaining] == ["tieu_ngu"]


# ------------------------------------------------------------------ 5. capitals of agency names, citations, days (PL II)

BODY = "Xét đề nghị"


def _sentence(cong_van: Path, out: Path, starts: str, text: str) -> Path:
    """The công văn with the paragraph beginning ``starts`` (its first body paragraph, or a Nơi nhận line) made
    ``text``, its formatting kept."""
    from tests.lint.test_lint import _set_text

    document = docx.Document(str(cong_van))
    _set_text(_paragraph(document, starts), text)
    document.save(str(out))
    return out


@pytest.mark.parametrize(("starts", "text", "component", "found", "required", "rule"), [
    (BODY, "Xét đề nghị của Uỷ Ban Nhân Dân huyện Vân Đồn, Chủ tịch có ý kiến như sau:", "noi_dung",
     "Uỷ Ban Nhân Dân", "Ủy ban nhân dân", "PL II §IV.1"),
    (BODY, "Xét đề nghị của Toà Án Nhân Dân huyện Vân Đồn, Chủ tịch có ý kiến như sau:", "noi_dung",
     "Toà Án Nhân Dân", "Tòa án nhân dân", "PL II §IV.1"),
    (BODY, "Xét đề nghị của Ủy Ban nhân dân huyện Vân Đồn, Chủ tịch có ý kiến như sau:", "noi_dung",
     "Ủy Ban nhân dân", "Ủy ban nhân dân", "PL II §IV.1"),
    (BODY, "Xét đề nghị của Ủy ban Nhân dân huyện Vân Đồn, Chủ tịch có ý kiến như sau:", "noi_dung",
     "Ủy ban Nhân dân", "Ủy ban nhân dân", "PL II §IV.1"),
    (BODY, "Xét Nghị quyết của Hội đồng Nhân dân tỉnh, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "Hội đồng Nhân dân", "Hội đồng nhân dân", "PL II §IV.1"),
    (BODY, "Xét đề nghị của Sở tài chính, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "Sở tài chính", "Sở Tài chính", "PL II §IV.1"),
    (BODY, "Thực hiện Công văn của Bộ nội vụ, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "Bộ nội vụ", "Bộ Nội vụ", "PL II §IV.1"),
    (BODY, "Thực hiện Công văn của Bộ tài nguyên và môi trường, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "Bộ tài nguyên và môi trường", "Bộ Tài nguyên và Môi trường", "PL II §IV.1"),
    (BODY, "Căn cứ Khoản 2 Điều 5 Nghị định số 30/2020/NĐ-CP, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "Khoản 2 Điều 5", "khoản 2 Điều 5", "PL II §V"),
    (BODY, "Căn cứ điểm a Khoản 2 điều 103 của Bộ luật Hình sự, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "điểm a Khoản 2 điều 103", "điểm a khoản 2 Điều 103", "PL II §V"),
    (BODY, "Thực hiện quy định tại điều 5 của Quy chế, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "điều 5", "Điều 5", "PL II §V"),
    (BODY, "Ủy ban nhân dân tỉnh họp vào Thứ Hai hằng tuần và có ý kiến như sau:", "noi_dung",
     "Thứ Hai", "thứ Hai", "PL II §V.8.c"),
    (BODY, "Từ đầu Tháng Năm, Ủy ban nhân dân tỉnh có ý kiến như sau:", "noi_dung",
     "Tháng Năm", "tháng Năm", "PL II §V.8.c"),
    ("- Cổng TTĐT", "- Sở tài chính;", "noi_nhan", "Sở tài chính", "Sở Tài chính", "PL II §IV.1"),
    ("- Cổng TTĐT", "- Ủy Ban Nhân Dân huyện Vân Đồn;", "noi_nhan", "Ủy Ban Nhân Dân", "Ủy ban nhân dân",
     "PL II §IV.1"),
])
def test_capitals_departing_from_pl_ii_are_found(starts: str, text: str, component: str, found: str, required: str,
                                                 rule: str, cong_van: Path, tmp_path: Path) -> None:
    broken = _sentence(cong_van, tmp_path / "viet-hoa.docx", starts, text)
    findings = api.lint_docx(broken)
    assert [(f.component, f.found, f.required, f.rule) for f in findings] == [(component, found, required, rule)]
    from correspondence.lint.reading import read

    assert findings[0].paragraph == next(line.paragraph for line in read(broken).lines if line.text == text)


@pytest.mark.parametrize("text", [
    "Xét đề nghị của Ủy ban nhân dân huyện Vân Đồn và Hội đồng nhân dân tỉnh Sơn La, Chủ tịch có ý kiến như sau:",
    "Thực hiện Công văn của Bộ Tài nguyên và Môi trường, Bộ Nội vụ, Bộ Công Thương và Văn phòng Chủ tịch nước, "
    "Sở Tài chính, Sở Giao thông vận tải, Cục Thuế tỉnh, các sở, ban, ngành có ý kiến như sau:",
    "Căn cứ điểm a khoản 2 Điều 103 Mục 5 Chương XII Phần I của Bộ luật Hình sự và Điều 5 của Quy chế:",
    "Khoản 2 Điều 5 quy định thời hạn; điều chỉnh danh mục 2 phần I, một phần 2 kinh phí, khoản 500 triệu đồng:",
    "Ủy ban nhân dân tỉnh họp vào thứ Hai hằng tuần, từ đầu tháng Năm, tại kỳ họp thứ hai, trên cơ sở tài chính:",
    "TỔ CHỨC ỦY BAN NHÂN DÂN VÀ SỞ TÀI CHÍNH",  # a title in capitals
])
def test_capitals_as_pl_ii_writes_them_are_clean(text: str, cong_van: Path, tmp_path: Path) -> None:
    assert api.lint_docx(_sentence(cong_van, tmp_path / "dung.docx", BODY, text)) == []


def test_sua_leaves_capitals_to_the_eye(cong_van: Path, tmp_path: Path) -> None:
    broken = _sentence(cong_van, tmp_path / "viet-hoa.docx", BODY,
                       "Xét đề nghị của Sở tài chính, Ủy ban nhân dân tỉnh có ý kiến như sau:")
    result = _cli(str(broken), "--sua")
    assert result.exit_code == 8, result.output
    assert "nội dung: thấy Sở tài chính; phải là Sở Tài chính [PL II §IV.1]" in result.output
    fixed = docx.Document(str(tmp_path / "viet-hoa-sua.docx"))
    assert _paragraph(fixed, BODY).text.startswith("Xét đề nghị của Sở tài chính,")  # the words stay as written
    assert [f.found for f in api.lint_docx(tmp_path / "viet-hoa-sua.docx")] == ["Sở tài chính"]


# ------------------------------------------------------------------ 6. the page of each departure


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _pages_document() -> docx.document.Document:
    """A body in Times New Roman 13 pt whose paragraphs starting "Sai" are set in 12 pt (each one finding)."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    return document


def _wrong(document: docx.document.Document, text: str) -> docx.text.paragraph.Paragraph:
    paragraph = document.add_paragraph()
    paragraph.add_run(text).font.size = Pt(12)
    return paragraph


def _body_pages(path: Path) -> list[tuple[str, int | None]]:
    return [(f.found, f.page) for f in api.lint_docx(path) if f.component == "noi_dung"]


def test_explicit_page_breaks_give_the_page_of_a_body_departure(tmp_path: Path) -> None:
    document = _pages_document()
    document.add_paragraph("Đoạn đầu trang một.")
    _wrong(document, "Sai trang một.")
    document.add_page_break()
    _wrong(document, "Sai trang hai.")
    document.add_paragraph("Đoạn trang hai.").paragraph_format.keep_with_next = True
    last = _wrong(document, "Sai trang ba.")
    last.paragraph_format.page_break_before = True
    table = document.add_table(rows=1, cols=2)  # a page break in both cells of a row: one new page, not two
    for cell in table.rows[0].cells:
        cell.paragraphs[0].add_run("Ô bảng").add_break(docx.enum.text.WD_BREAK.PAGE)
        cell.paragraphs[0].add_run("tiếp")
    document.add_section(docx.enum.section.WD_SECTION.NEW_PAGE)
    _wrong(document, "Sai trang năm.")
    document.add_section(docx.enum.section.WD_SECTION.CONTINUOUS)
    _wrong(document, "Vẫn sai trang năm.")
    document.save(str(tmp_path / "ngat-trang.docx"))

    from correspondence.lint.reading import read

    pages = {line.text: line.page for line in read(tmp_path / "ngat-trang.docx").lines}
    assert (pages["Ô bảng"], pages["tiếp"]) == (3, 4)
    findings = {f.page for f in api.lint_docx(tmp_path / "ngat-trang.docx") if f.component == "noi_dung"}
    assert findings == {1, 2, 3, 5}

    result = _cli(str(tmp_path / "ngat-trang.docx"))
    assert result.exit_code == 8
    assert "ngat-trang.docx (trang 2, đoạn 4): nội dung: thấy cỡ chữ 12 pt" in result.output
    result = _cli(str(tmp_path / "ngat-trang.docx"), "--json")
    import json

    found = [(f["component"], f["page"], f["paragraph"]) for f in json.loads(result.output)]
    assert {("noi_dung", 3, 6), ("noi_dung", 5, 10), ("noi_dung", 5, 12)} <= set(found)


def _saved_by(path: Path, application: str) -> None:
    """Rewrite the file's docProps/app.xml as the program ``application`` saves it."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["docProps/app.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/extended-properties"><Pages>4</Pages><Application>{application}</Application>'
        '</Properties>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def _rendered(run: docx.text.run.Run, at_start: bool = True) -> None:
    """A ``w:lastRenderedPageBreak`` where Word writes it: before the run's text (or after it)."""
    from lxml import etree

    mark = etree.SubElement(run._r, f"{W_NS}lastRenderedPageBreak")
    if at_start:
        run._r.remove(mark)
        run._r.insert(1 if run._r.find(f"{W_NS}rPr") is not None else 0, mark)


def _laid_out_by_word() -> docx.document.Document:
    """Pages Word broke by itself: the second body paragraph starts page 2; a table row split over pages 2 and 3 (a
    mark in each cell); the paragraph after the table on page 3; one paragraph running from page 3 to page 4."""
    document = _pages_document()
    _wrong(document, "Sai trang một.")
    second = _wrong(document, "Sai trang hai.")
    _rendered(second.runs[0])
    table = document.add_table(rows=1, cols=2)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].add_run("Đầu ô")
        _rendered(cell.add_paragraph().add_run("Cuối ô"))
    _wrong(document, "Sai trang ba.")
    long = _wrong(document, "Sai trang ba")
    _rendered(long.add_run(" sang trang bốn"), at_start=True)
    long.runs[1].font.size = Pt(12)
    _wrong(document, "Sai trang bốn.")
    return document


def test_the_pages_word_laid_out_give_the_page(tmp_path: Path) -> None:
    _laid_out_by_word().save(str(tmp_path / "word.docx"))
    _saved_by(tmp_path / "word.docx", "Microsoft Office Word")
    assert _body_pages(tmp_path / "word.docx") == [
        ("cỡ chữ 12 pt", 1), ("cỡ chữ 12 pt", 2), ("cỡ chữ 12 pt", 3), ("cỡ chữ 12 pt", 3), ("cỡ chữ 12 pt", 4)]
    from correspondence.lint.reading import read

    pages = {line.text: line.page for line in read(tmp_path / "word.docx").lines}
    assert (pages["Đầu ô"], pages["Cuối ô"]) == (2, 3)
    result = _cli(str(tmp_path / "word.docx"))
    assert "word.docx (trang 4, đoạn 9): nội dung: thấy cỡ chữ 12 pt" in result.output


def test_page_marks_in_a_file_word_did_not_save_are_not_believed(tmp_path: Path) -> None:
    document = _laid_out_by_word()
    document.save(str(tmp_path / "khac.docx"))
    _saved_by(tmp_path / "khac.docx", "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/1")
    assert {page for _, page in _body_pages(tmp_path / "khac.docx")} == {None}
    document.save(str(tmp_path / "python-docx.docx"))  # python-docx's own app.xml
    assert {page for _, page in _body_pages(tmp_path / "python-docx.docx")} == {None}
    result = _cli(str(tmp_path / "khac.docx"))
    assert "khac.docx (đoạn 2): nội dung" in result.output and "trang" not in result.output.split("\n")[1]

    _wrong(document, "Sau ngắt trang.").runs[0].add_break(docx.enum.text.WD_BREAK.PAGE)
    _wrong(document, "Trang hai.")
    document.save(str(tmp_path / "khac.docx"))
    _saved_by(tmp_path / "khac.docx", "LibreOffice")
    assert [p for _, p in _body_pages(tmp_path / "khac.docx")] == [1, 1, 1, 1, 1, 1, 2]  # only the explicit break
