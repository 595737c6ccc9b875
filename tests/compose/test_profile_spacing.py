"""The agency's own spacing and Lưu line, within ND 30: line and paragraph spacing of the body from the profile or the
record (PL I: at least a single line, at most 1.5 lines; at least 6 pt between paragraphs), and how the Lưu line
prints the copy count, the drafter's initials and the issue count (ô 12)."""

from __future__ import annotations

import io
import re
import statistics
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from correspondence import api
from correspondence.errors import InvalidRecord
from correspondence.render.docx import render_docx
from correspondence.render.typst import render_typst

PROFILE = Path("registers") / "ubnd-quang-ninh.yaml"
PT_PER_MM = 72 / 25.4
BODY_LEFT = 30 * PT_PER_MM
INDENT = 10 * PT_PER_MM
PARAGRAPH = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương khẩn trương rà soát, cập nhật các thủ tục "
             "hành chính thuộc phạm vi quản lý, bảo đảm đúng quy định và công khai trên cổng dịch vụ công của tỉnh.")


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidRecord) as caught:
        api.load(path)
    return [str(p) for p in caught.value.problems]


def _profile(workspace: Path, text: str) -> int:
    """Add ``text`` to the example profile; the line it starts on."""
    profile = workspace / PROFILE
    before = profile.read_text("utf-8")
    profile.write_text(before + text, "utf-8")
    return before.count("\n") + 1


def _report(make_record: Callable[..., Path], paragraphs: int = 110, **changes: Any) -> Path:
    """A báo cáo of ``paragraphs`` paragraphs (110: about ten pages)."""
    return make_record(loai="bao_cao", kinh_gui=None, noi_dung="\n\n".join([PARAGRAPH] * paragraphs), **changes)


def _docx_xml(document: Any) -> str:
    return zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/document.xml").decode()


def _body_spacing(xml: str) -> set[str]:
    """The ``w:spacing`` of every DOCX paragraph holding the body's text."""
    paragraphs = [p for p in re.findall(r"<w:p>.*?</w:p>|<w:p .*?</w:p>", xml) if "Ủy ban nhân dân tỉnh yêu cầu" in p]
    assert paragraphs
    return {re.search(r"<w:spacing [^>]*/>", p).group() for p in paragraphs}  # type: ignore[union-attr]


def _pitches(pdf: bytes) -> tuple[int, list[float], list[float]]:
    """The page count, the distances between the lines inside a body paragraph, and between a paragraph's last line
    and the first (indented) line of the next, in points."""
    inside, between = [], []
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        for page in opened.pages:
            lines = [ln for ln in page.extract_text_lines()
                     if ln["chars"] and abs(ln["chars"][0]["size"] - 14) < 0.1
                     and "Bold" not in ln["chars"][0]["fontname"]]
            for above, below in zip(lines, lines[1:], strict=False):
                if abs(above["x0"] - BODY_LEFT) > 1 and abs(above["x0"] - BODY_LEFT - INDENT) > 1:
                    continue
                pitch = below["top"] - above["top"]
                if abs(below["x0"] - BODY_LEFT) < 1:
                    inside.append(pitch)
                elif abs(below["x0"] - BODY_LEFT - INDENT) < 1 and abs(above["x0"] - BODY_LEFT) < 1:
                    between.append(pitch)
        return len(opened.pages), inside, between


# ---------------------------------------------------------------- 1. line and paragraph spacing


def test_the_spacing_defaults_stay_17_and_6_pt(make_record: Callable[..., Path], build: Callable[..., Any]) -> None:
    document = build(make_record())
    assert (document.spacing.body_line, document.spacing.paragraph_before) == (17.0, 6.0)
    assert _body_spacing(_docx_xml(document)) == {'<w:spacing w:before="120" w:after="0" w:lineRule="exact" '
                                                  'w:line="340"/>'}


def test_the_profile_sets_the_spacing_and_the_record_wins(workspace: Path, make_record: Callable[..., Path],
                                                          build: Callable[..., Any]) -> None:
    _profile(workspace, "gian_dong: 18\ngian_doan: 8\n")
    from_profile = build(make_record())
    assert (from_profile.spacing.body_line, from_profile.spacing.paragraph_before) == (18.0, 8.0)
    own = build(make_record(gian_dong=19.3))
    assert (own.spacing.body_line, own.spacing.paragraph_before) == (19.3, 8.0)
    own = build(make_record(gian_doan=6))
    assert (own.spacing.body_line, own.spacing.paragraph_before) == (18.0, 6.0)
    assert _body_spacing(_docx_xml(from_profile)) == {'<w:spacing w:before="160" w:after="0" w:lineRule="exact" '
                                                      'w:line="360"/>'}


def test_the_docx_follows_the_line_spacing_of_the_legal_bases(make_record: Callable[..., Path],
                                                                build: Callable[..., Any]) -> None:
    document = build(make_record(loai="quyet_dinh", kinh_gui=None, gian_dong=19, gian_doan=7,
                                 can_cu=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"]))
    xml = _docx_xml(document)
    basis = next(p for p in re.findall(r"<w:p>.*?</w:p>", xml) if "Căn cứ Luật" in p)
    assert '<w:spacing w:before="140" w:after="0" w:lineRule="exact" w:line="380"/>' in basis


def test_a_longer_line_spacing_lengthens_the_report_in_the_pdf(workspace: Path, make_record: Callable[..., Path],
                                                                build: Callable[..., Any]) -> None:
    """A ten-page report at 17 pt takes more pages at 19 pt; its lines stand the set distance apart, its paragraphs
    that plus the set paragraph spacing."""
    render = render_typst
    pages_17, inside, between = _pitches(render(build(_report(make_record))))
    assert pages_17 >= 9
    assert statistics.median(inside) == pytest.approx(17.0, abs=0.2)
    assert statistics.median(between) == pytest.approx(17.0 + 6.0, abs=0.2)
    _profile(workspace, "gian_dong: 19\ngian_doan: 8\n")
    pages_19, inside, between = _pitches(render(build(_report(make_record))))
    assert pages_19 > pages_17
    assert inside and all(p == pytest.approx(19.0, abs=0.2) for p in inside), sorted(set(inside))
    assert between and all(p == pytest.approx(19.0 + 8.0, abs=0.2) for p in between), sorted(set(between))


@pytest.mark.parametrize(("text", "message"), [
    ("gian_dong: 30\n", "gian_dong: phải là khoảng cách giữa các dòng tính bằng pt, từ 16,1 (dòng đơn) đến 24,1 "
                        "(1,5 dòng), nhận được '30' (Nghị định 30/2020/NĐ-CP, Phụ lục I; không ghi thì 17)"),
    ("gian_dong: 12\n", "gian_dong: phải là khoảng cách giữa các dòng tính bằng pt, từ 16,1 (dòng đơn) đến 24,1 "
                        "(1,5 dòng), nhận được '12' (Nghị định 30/2020/NĐ-CP, Phụ lục I; không ghi thì 17)"),
    ("gian_dong: rộng\n", "gian_dong: phải là khoảng cách giữa các dòng tính bằng pt, từ 16,1 (dòng đơn) đến 24,1 "
                          "(1,5 dòng), nhận được 'rộng' (Nghị định 30/2020/NĐ-CP, Phụ lục I; không ghi thì 17)"),
    ("gian_doan: 4\n", "gian_doan: phải là khoảng cách giữa các đoạn tính bằng pt, từ 6 đến 12, nhận được '4' "
                       "(Nghị định 30/2020/NĐ-CP, Phụ lục I: tối thiểu 6 pt; không ghi thì 6)"),
])
def test_a_spacing_outside_nd_30_is_refused_where_it_is(workspace: Path, make_record: Callable[..., Path], text: str,
                                                        message: str) -> None:
    line = _profile(workspace, text)
    path = make_record()
    assert problems_of(path) == [f"registers/ubnd-quang-ninh.yaml:{line}: {message}"]
    (workspace / PROFILE).write_text((workspace / PROFILE).read_text("utf-8").replace(text, ""), "utf-8")
    key, value = text.strip().split(": ")
    path.write_text(path.read_text("utf-8") + text, "utf-8")
    lines = path.read_text("utf-8").count("\n")
    assert problems_of(path) == [f"{path.name}:{lines}: {message}"]
    assert key in message and value in message


def test_a_copy_keeps_the_spacing_of_the_document_it_copies(make_record: Callable[..., Path]) -> None:
    """A sao y prints the copied document as issued: a spacing of its own would be silently ignored, so it is refused."""
    from tests.conftest import EXAMPLES

    text = (EXAMPLES / "sao-y.yaml").read_text("utf-8") + "gian_dong: 18\n"
    path = make_record(name="sy.yaml", text=text)
    line = text.count("\n")
    assert f"{path.name}:{line}: gian_dong: bản sao giữ khoảng cách dòng và đoạn của văn bản được sao (xóa dòng này; " \
           "ghi ở bản ghi của văn bản được sao)" in problems_of(path)


# ---------------------------------------------------------------- 2. the Lưu line as the agency prints it

LUU = {"noi_luu": ["VT", "XD6"], "so_ban": 2}


def _luu_record(make_record: Callable[..., Path]) -> Path:
    return make_record(luu=LUU, nguoi_soan="Vân", ky_hieu_soan_thao="CCHC.", so_ban_phat_hanh=25)


def _pdf_text(document: Any) -> str:
    with pdfplumber.open(io.BytesIO(render_typst(document))) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def _luu_runs(document: Any) -> list[tuple[str, bool]]:
    return [(run.text, run.subscript) for run in document.noi_nhan.lines[-1].runs]


def test_the_luu_line_stays_as_today_without_the_profile_saying(make_record: Callable[..., Path],
                                                                build: Callable[..., Any]) -> None:
    document = build(_luu_record(make_record))
    assert _luu_runs(document) == [("- Lưu: ", False), ("VT", False), (", XD6", False), ("(Vân)", True),
                                   (" (2).", False)]
    assert document.noi_nhan.o12 == "CCHC.(25)"
    assert document.registration.don_vi_nhan_ban_luu == "VT, XD6(Vân) (2)"


def test_the_luu_line_follows_the_agency_profile(workspace: Path, make_record: Callable[..., Path],
                                                 build: Callable[..., Any]) -> None:
    """Agencies print "(2b)", the drafter's initials at full size after a space ("CCHC&VTLT (Vân)") and the issue count
    bare after the typist's code: the profile's 'dong_luu' says so; the DOCX and the PDF print what the model
    says."""
    _profile(workspace, "dong_luu:\n  so_ban: ngoac_b\n  nguoi_soan: chu_thuong\n  so_ban_phat_hanh: khong_ngoac\n")
    document = build(_luu_record(make_record))
    assert _luu_runs(document) == [("- Lưu: ", False), ("VT", False), (", XD6", False), (" (Vân)", False),
                                   (" (2b).", False)]
    assert document.noi_nhan.o12 == "CCHC.25"
    assert document.registration.don_vi_nhan_ban_luu == "VT, XD6 (Vân) (2b)"
    xml = _docx_xml(document)
    luu = next(p for p in re.findall(r"<w:p>.*?</w:p>", xml) if "Lưu: " in p)
    assert "w:vertAlign" not in luu
    assert "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", luu)) == "- Lưu: VT, XD6 (Vân) (2b)."
    assert re.search(r"<w:t[^>]*>CCHC\.25</w:t>", xml)
    text = _pdf_text(document)
    assert "- Lưu: VT, XD6 (Vân) (2b)." in text
    assert "CCHC.25" in text and "(25)" not in text


def test_a_bare_issue_count_is_set_apart_from_a_code_ending_in_a_digit(workspace: Path,
                                                                        make_record: Callable[..., Path],
                                                                        build: Callable[..., Any]) -> None:
    _profile(workspace, "dong_luu:\n  so_ban_phat_hanh: khong_ngoac\n")
    document = build(make_record(ky_hieu_soan_thao="N.03-CV4.36", so_ban_phat_hanh=25))
    assert document.noi_nhan.o12 == "N.03-CV4.36 25"


def test_a_luu_form_the_profile_does_not_know_is_refused_where_it_is(workspace: Path,
                                                                     make_record: Callable[..., Path]) -> None:
    line = _profile(workspace, "dong_luu:\n  so_ban: b\n")
    assert problems_of(make_record()) == [
        f"registers/ubnd-quang-ninh.yaml:{line + 1}: dong_luu.so_ban: phải là một trong: ngoac, ngoac_b"]
