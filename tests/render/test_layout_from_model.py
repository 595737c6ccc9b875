"""Every size, space, rule weight and the font come from the document model: the renderers hold none."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber

from correspondence.render.docx import render_docx
from correspondence.render.typst import render_typst
from tests.conftest import ROOT


def test_no_spacing_literal_in_the_renderers_or_templates() -> None:
    docx = (ROOT / "correspondence" / "render" / "docx.py").read_text("utf-8")
    assert re.findall(r"\b(?:before|after|line)=\d", docx) == []
    assert "Times New Roman" not in docx
    for path in sorted(p for p in (ROOT / "templates").glob("*.*") if p.suffix != ".typ"):  # Typst's: below
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", path.read_text("utf-8"))
        assert re.findall(r"\b\d+(?:\.\d+)?(?:pt|mm)\b", text) == [], path.name
        assert "Liberation Serif" not in text and "Times New Roman" not in text, path.name


def test_no_layout_number_in_the_typst_renderer_or_template() -> None:
    """The Typst template multiplies the model's numbers by their unit; it writes no length, size or factor."""
    code = (ROOT / "correspondence" / "render" / "typst.py").read_text("utf-8")
    assert "Times New Roman" not in code and "Liberation Serif" not in code
    assert re.findall(r"\b\d+(?:\.\d+)?(?:pt|mm)\b", code) == []
    for path in sorted((ROOT / "templates").glob("*.typ")):
        text = re.sub(r"//.*", "", path.read_text("utf-8"))  # comments
        text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)  # strings
        units = re.findall(r"#?let \(pt, mm, em\) = \(1pt, 1mm, 1em\)", text)  # at the top, or in the layout function
        assert len(units) == 1, "the units are named once"
        text = text.replace(units[0], "")
        lengths = [n for n in re.findall(r"\b\d+(?:\.\d+)?(?:pt|mm|cm|in|em|%)", text) if n not in ("0pt", "0%", "100%")]
        assert lengths == [], path.name
        numbers = {float(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.%])", text)}
        assert numbers <= {0, 1, 2}, (path.name, numbers)  # indexes, halving: never a size or a space
        assert "Liberation Serif" not in text and "Times New Roman" not in text, path.name


def _vv_top(pdf_bytes: bytes) -> float:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return next(float(w["top"]) for w in pdf.pages[0].extract_words() if w["text"] == "V/v")


def test_both_renderers_read_the_spacing(build: Callable[..., Any], make_record: Callable[..., Path],
                                         workspace: Path) -> None:
    document = build(make_record())
    wider = dataclasses.replace(document, spacing=dataclasses.replace(document.spacing, vv_before=16.0))
    xml = zipfile.ZipFile(io.BytesIO(render_docx(wider))).read("word/document.xml").decode()
    assert '<w:spacing w:before="320"' in xml, "16 pt above V/v in Word"
    moved = _vv_top(render_typst(wider, workspace)) - _vv_top(render_typst(document, workspace))
    assert abs(moved - 10.0) < 0.5, "10 pt further down in the PDF"


def test_the_docx_font_is_the_model_s(build: Callable[..., Any], make_record: Callable[..., Path]) -> None:
    document = build(make_record())
    other = dataclasses.replace(document, typeface=dataclasses.replace(document.typeface, family="Liberation Serif"))
    styles = zipfile.ZipFile(io.BytesIO(render_docx(other))).read("word/styles.xml").decode()
    assert "Liberation Serif" in styles and "Times New Roman" not in styles
    default = zipfile.ZipFile(io.BytesIO(render_docx(document))).read("word/styles.xml").decode()
    assert 'w:ascii="Times New Roman"' in default


def test_both_renderers_read_one_value_for_each_space() -> None:
    """No space is realised differently by the PDF and the DOCX: the model names none per renderer."""
    import dataclasses

    from correspondence.model import Spacing

    names = [f.name for f in dataclasses.fields(Spacing)]
    assert [n for n in names if n.endswith(("_pdf", "_docx"))] == []
