"""The library without a shell: JSON records, template overrides, failed renders write nothing, language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence import api
from correspondence.errors import InvalidRecord, RenderFailed
from correspondence.i18n import language_from_environment
from tests.conftest import example_data


def test_json_records_are_located_too(workspace: Path) -> None:
    data = example_data()
    data["ky"] = {"tham_quyen": "KT", "nguoi_ky": "ai"}
    path = workspace / "cv.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        api.load(path)
    (problem,) = caught.value.problems
    line = next(n for n, text in enumerate(path.read_text("utf-8").splitlines(), 1) if '"nguoi_ky"' in text)
    assert problem.source == f"cv.json:{line}"
    data["ky"]["nguoi_ky"] = "dang_huy_hau"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), "utf-8")
    assert api.check([path]) == []


def test_sandboxed_body(make_record: Callable[..., Path]) -> None:
    path = make_record(noi_dung="{{ ''.__class__.__mro__ }}")
    with pytest.raises(InvalidRecord) as caught:
        api.compose(api.load(path), None, None)
    assert "noi_dung: lỗi mẫu:" in str(caught.value.problems[0])
    assert "unsafe" in str(caught.value.problems[0])


def test_workspace_template_overrides_the_built_in(make_record: Callable[..., Path], workspace: Path) -> None:
    import pdfplumber

    from correspondence.i18n import data_dir

    templates = workspace / "templates"
    templates.mkdir()
    built_in = (data_dir("templates") / "van_ban.typ").read_text("utf-8")
    (templates / "van_ban.typ").write_text(built_in + "\n#place(top + left)[MẪU RIÊNG CỦA CƠ QUAN]\n", "utf-8")
    paths = api.render(make_record(), 7, None, None, workspace, ("pdf",))
    with pdfplumber.open(paths[0]) as pdf:
        assert "MẪU RIÊNG CỦA CƠ QUAN" in pdf.pages[-1].extract_text()


def test_html_templates_kept_in_the_workspace_are_said_not_to_be_used(
        make_record: Callable[..., Path], workspace: Path) -> None:
    import pdfplumber

    from correspondence.progress import noticing

    (workspace / "templates").mkdir()
    (workspace / "templates" / "cong_van.html").write_text("<p>MẪU RIÊNG CỦA CƠ QUAN</p>", "utf-8")
    said: list[str] = []
    with noticing(said.append):
        paths = api.render(make_record(), 7, None, None, workspace, ("pdf",))
    assert said == ["templates/cong_van.html: không còn dùng mẫu HTML/CSS (WeasyPrint không còn đi kèm công cụ), PDF "
                    "do Typst dàn trang; bố cục PDF riêng của cơ quan đặt trong templates/van_ban.typ"]
    with pdfplumber.open(paths[0]) as pdf:
        assert "MẪU RIÊNG" not in pdf.pages[0].extract_text()


def test_a_failing_template_writes_nothing(make_record: Callable[..., Path], workspace: Path) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "van_ban.typ").write_text("#json(bytes(sys.inputs.data)).khong_co_truong", "utf-8")
    with pytest.raises(RenderFailed) as caught:
        api.render(make_record(), 7, None, None, workspace)
    assert "khong_co_truong" in caught.value.message
    assert not (workspace / "output").exists()


@pytest.mark.parametrize(("env", "language"), [
    ({}, "vi"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "vi_VN.UTF-8"}, "vi"), ({"LANG": "C.UTF-8"}, "vi"),
    ({"LANG": "fr_FR.UTF-8"}, "vi"), ({"CORRESPONDENCE_LANG": "en", "LANG": "vi_VN"}, "en"),
    ({"LANGUAGE": "en:vi"}, "en"),
])
def test_language_from_environment(env: dict[str, str], language: str) -> None:
    assert language_from_environment(env) == language


def test_footer_on_the_first_page_only(make_record: Callable[..., Path], workspace: Path,
                                       pdf_of: Callable[..., Any], docx_of: Callable[..., Any]) -> None:
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + "lien_he:\n  dia_chi: Phường Hồng Hà, TP Hạ Long\n"
                       "  website: quangninh.gov.vn\n", "utf-8")
    path = make_record()
    with pdf_of(path) as pdf:
        first, second = pdf.pages
        mm = 72 / 25.4
        footer = [w for w in first.extract_words() if w["top"] > first.height - 35 * mm]
        assert " ".join(w["text"] for w in footer) == "Địa chỉ: Phường Hồng Hà, TP Hạ Long Website: quangninh.gov.vn"
        assert all(w["bottom"] <= first.height - 20 * mm for w in footer), "inside the text area (PL I: ô 13)"
        assert not [w for w in second.extract_words() if w["top"] > second.height - 20 * mm]
        rule = [ln for ln in first.rects + first.lines if ln["top"] > first.height - 35 * mm and ln["width"] > 400]
        assert rule, "a full-width rule above the contacts"
    word = docx_of(path)
    section = word.sections[0]
    assert [p.text for p in section.first_page_footer.paragraphs] == [
        "Địa chỉ: Phường Hồng Hà, TP Hạ Long", "Website: quangninh.gov.vn"]
    assert not "".join(p.text for p in section.footer.paragraphs)


def test_single_recipient_inline_in_both_outputs(make_record: Callable[..., Path], pdf_of: Callable[..., Any],
                                                 docx_of: Callable[..., Any]) -> None:
    path = make_record(kinh_gui="Bộ Nội vụ")
    assert "Kính gửi: Bộ Nội vụ" in [p.text for p in docx_of(path).paragraphs]
    with pdf_of(path) as pdf:
        words = pdf.pages[0].extract_words()
        label = next(w for w in words if w["text"] == "Kính")
        name = next(w for w in words if w["text"] == "Nội")
        assert abs(label["top"] - name["top"]) < 1
        centre = (label["x0"] + next(w for w in words if w["text"] == "vụ" and w["top"] == name["top"])["x1"]) / 2
        assert abs(centre - (30 + (210 - 15)) / 2 * 72 / 25.4) < 3


def test_renders_report_progress_file_by_file(make_record: Callable[..., Path], workspace: Path) -> None:
    from correspondence.progress import reporting

    seen: list[tuple[int, int, str]] = []
    with reporting(lambda done, total, name: seen.append((done, total, name))):
        api.render(make_record(), 7, None, workspace / "out", workspace)
    assert seen == [(1, 2, "07-UBND-XD6.docx"), (2, 2, "07-UBND-XD6.pdf")]
