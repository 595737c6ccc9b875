"""``correspondence lint``, further: sizes fixed by ``--sua``, the signer's authority held to Art. 13 where the agency
profile knows the signer, the capitals of place and agency names (PL II), a header set in text boxes, and the page
set-up rules cited by their mục and khoản of PL I."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from correspondence import api
from correspondence.model import SIZE_RANGES, Sizes
from tests.lint.test_lint import _cli, _paragraph, _workspace


@pytest.fixture(scope="module")
def cong_van(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = _workspace(tmp_path_factory.mktemp("cong-van"))
    [file] = api.render(work / "examples" / "cong-van-3018.yaml", 12, None, work / "output", work, formats=("docx",))
    assert api.lint_docx(file) == []
    return file


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
