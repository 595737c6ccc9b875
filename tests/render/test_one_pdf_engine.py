"""Typst is the one PDF engine: WeasyPrint is no longer shipped.

A workspace that still names another engine (``pdf_engine:`` in registers/config.yaml, $CORRESPONDENCE_PDF_ENGINE) is
refused before any number is taken, saying where and what to do; ``typst`` there is accepted without a word. An
agency's HTML/CSS templates left in ``templates/`` are said to be unused, and the PDF is laid out by Typst.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner

from correspondence.cli import main
from tests.conftest import ROOT

REFUSED = "Lỗi: chỉ còn Typst dàn trang PDF: WeasyPrint không còn đi kèm công cụ\n"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["--lang", "vi", *args])


def written(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def entries(workspace: Path) -> list[str]:
    from correspondence import api

    return [row.so_ky_hieu for row in api.register_list(workspace, None, None)]


def test_weasyprint_in_the_config_is_refused_before_a_number_is_taken(make_record: Callable[..., Path],
                                                                       workspace: Path) -> None:
    from correspondence import api

    api.register_init(workspace, "ubnd-quang-ninh")
    config = workspace / "registers" / "config.yaml"
    config.write_text("# cấu hình của văn phòng\npdf_engine: weasyprint\n", "utf-8")
    record = make_record()
    result = run("issue", str(record), "--ngay", "07/05/2019")
    assert result.exit_code == 2, result.output
    assert result.stderr == REFUSED + (
        "  registers/config.yaml:2: pdf_engine: không có công cụ dàn trang PDF 'weasyprint' (xóa dòng này, hoặc "
        "ghi pdf_engine: typst)\n")
    assert written(workspace / "output") == []
    assert entries(workspace) == []

    config.write_text("# cấu hình của văn phòng\npdf_engine: typst\n", "utf-8")  # as the message says
    result = run("issue", str(record), "--ngay", "07/05/2019")
    assert result.exit_code == 0, result.output
    assert "typst" not in result.stderr.lower() and "weasyprint" not in result.stderr.lower()
    assert entries(workspace) == ["01/UBND-XD6"], "the refusal took no number"


def test_weasyprint_in_the_environment_is_refused_and_nothing_is_written(make_record: Callable[..., Path],
                                                                          workspace: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "weasyprint")
    result = run("draft", str(make_record()), "-o", "nhap")
    assert result.exit_code == 2, result.output
    assert result.stderr == REFUSED + (
        "  $CORRESPONDENCE_PDF_ENGINE: không có công cụ dàn trang PDF 'weasyprint' (bỏ biến "
        "CORRESPONDENCE_PDF_ENGINE, hoặc đặt nó là typst)\n")
    assert not (workspace / "nhap").exists()

    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    result = run("draft", str(make_record()), "-o", "nhap", "-f", "pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [path.name for path in (workspace / "nhap").iterdir()] == ["du-thao-cv.pdf"]


def test_a_docx_alone_does_not_ask_for_the_engine(make_record: Callable[..., Path], workspace: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "weasyprint")
    result = run("draft", str(make_record()), "-o", "nhap", "-f", "docx")
    assert result.exit_code == 0, result.output
    assert (workspace / "nhap" / "du-thao-cv.docx").is_file()


def test_a_received_pdf_to_stamp_is_refused_before_its_so_den(workspace: Path) -> None:
    from correspondence import api

    api.register_init(workspace, "ubnd-quang-ninh")
    received = workspace / "nhan"
    assert run("render", str(ROOT / "examples" / "cong-van-3018.yaml"), "--so", "12", "-o", str(received)).exit_code == 0
    config = workspace / "registers" / "config.yaml"
    config.write_text("pdf_engine: WeasyPrint\n", "utf-8")
    receive = ("incoming", "receive", str(received / "12-UBND-XD6.pdf"), "--tu", "Sở Tài chính", "--trich-yeu",
               "Công văn", "--ngay-den", "07/05/2019", "--dau")
    result = run(*receive)
    assert result.exit_code == 2, result.output
    assert result.stderr == REFUSED + (
        "  registers/config.yaml:1: pdf_engine: không có công cụ dàn trang PDF 'WeasyPrint' (xóa dòng này, hoặc "
        "ghi pdf_engine: typst)\n")
    assert written(workspace / "output") == []

    config.unlink()  # as the message says
    assert run(*receive).exit_code == 0
    assert [row.number for row in api.incoming_list(workspace, 2019)] == [1], "the refusal took no số đến"
    assert len(list((workspace / "output").rglob("*.den-1.pdf"))) == 1


def test_the_pdf_engine_option_is_gone(make_record: Callable[..., Path], workspace: Path) -> None:
    result = run("draft", str(make_record()), "--pdf-engine", "typst")
    assert result.exit_code == 2
    assert "--pdf-engine" in result.stderr
    assert not (workspace / "output").exists()


def test_html_templates_left_in_the_workspace_are_said_unused(make_record: Callable[..., Path], workspace: Path) -> None:
    """An office that made its own WeasyPrint layout gets its PDF from Typst, and is told where its layout goes now."""
    templates = workspace / "templates"
    templates.mkdir()
    (templates / "cong_van.html").write_text("<body><p>MẪU RIÊNG CỦA CƠ QUAN</p></body>", "utf-8")
    (templates / "document.css").write_text("body { color: red }", "utf-8")
    result = run("draft", str(make_record()), "-o", "nhap", "-f", "pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "templates/cong_van.html, templates/document.css: không còn dùng mẫu HTML/CSS (WeasyPrint không còn đi kèm "
        "công cụ), PDF do Typst dàn trang; bố cục PDF riêng của cơ quan đặt trong templates/van_ban.typ\n")
    with pdfplumber.open(io.BytesIO((workspace / "nhap" / "du-thao-cv.pdf").read_bytes())) as pdf:
        text = pdf.pages[0].extract_text()
    assert "MẪU RIÊNG" not in text and "ỦY BAN NHÂN DÂN" in text


def test_the_unused_templates_are_named_once_per_command_not_per_document(workspace: Path) -> None:
    """A merge lays out a PDF per row: the notice about HTML/CSS templates left in the workspace is said once."""
    import shutil

    from correspondence import api

    shutil.copytree(ROOT / "examples", workspace / "examples")
    api.register_init(workspace, "ubnd-quang-ninh")
    (workspace / "templates").mkdir()
    (workspace / "templates" / "van_ban.html").write_text("<p>cũ</p>", "utf-8")
    for jobs in ("1", "2"):  # laid out here, or by worker processes whose own notices reach no one
        result = run("merge", str(workspace / "examples" / "giay-moi.yaml"),
                     str(workspace / "examples" / "khach-moi.csv"), "-j", jobs, *(["--lai"] if jobs == "2" else []))
        assert result.exit_code == 0, result.output
        assert result.stderr.count("templates/van_ban.html: không còn dùng mẫu HTML/CSS") == 1, (jobs, result.stderr)
    assert len(entries(workspace)) == 4
