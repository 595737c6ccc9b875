"""Pages break as Word breaks them: the signature block is never split nor alone, headings stay with what follows."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber

from correspondence.render.docx import render_docx
from correspondence.render.typst import render_typst

PARAGRAPH = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương khẩn trương rà soát, cập nhật các thủ tục "
             "hành chính thuộc phạm vi quản lý, bảo đảm đúng quy định và công khai trên cổng dịch vụ công của tỉnh.")
BODY_LEFT = 30 * 72 / 25.4


def _pages(document: Any) -> list[list[dict[str, Any]]]:
    with pdfplumber.open(io.BytesIO(render_typst(document))) as pdf:
        return [page.extract_text_lines() for page in pdf.pages]


def test_the_signature_block_takes_the_last_body_lines_to_a_new_page(build: Callable[..., Any],
                                                                      make_record: Callable[..., Path]) -> None:
    """Over every body length around a page's end: the signature block either fits under the body or moves with at
    least the body's last two lines (it used to move alone, under nothing but the page number)."""
    moved = 0
    for count in range(6, 12):
        pages = _pages(build(make_record(noi_dung="\n\n".join([PARAGRAPH] * count))))
        for lines in pages:
            label = next((i for i, ln in enumerate(lines) if ln["text"].startswith("Nơi nhận")), None)
            if label is None:
                continue
            body = [ln for ln in lines[:label] if ln["x0"] < BODY_LEFT + 40]
            assert len(body) >= 2, (count, [ln["text"] for ln in lines[:label]])
            assert body[-1]["text"].endswith("./.")
            moved += len(pages) > 1
    assert moved, "some lengths put the signature block on page 2"


def test_a_heading_never_ends_a_page(build: Callable[..., Any], make_record: Callable[..., Path]) -> None:
    for count in range(6, 12):
        text = "\n\n".join([PARAGRAPH] * count) + "\n\n# Tổ chức thực hiện\n\n" + PARAGRAPH
        pages = _pages(build(make_record(loai="ke_hoach", noi_dung=text)))
        for lines in pages[:-1]:
            assert "TỔ CHỨC THỰC HIỆN" not in lines[-1]["text"], count


def test_the_docx_keeps_what_word_must_keep_together(build: Callable[..., Any],
                                                     make_record: Callable[..., Path]) -> None:
    import zipfile

    text = "# Mục đích\n\n" + PARAGRAPH + "\n\n1. Yêu cầu:\n\n" + PARAGRAPH
    data = render_docx(build(make_record(loai="ke_hoach", noi_dung=text)))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = package.read("word/styles.xml").decode()
        xml = package.read("word/document.xml").decode()
    assert "<w:pPrDefault><w:pPr><w:widowControl/>" in styles
    paragraphs = xml.split("<w:p>")
    heading = next(p for p in paragraphs if "MỤC ĐÍCH" in p)
    title = next(p for p in paragraphs if "Yêu cầu:" in p)
    last = next(p for p in paragraphs if "./." in p)
    assert all("<w:keepNext/>" in p for p in (heading, title, last))
    assert sum("<w:keepNext/>" in p for p in paragraphs) == 4  # and the spacer above the signature block
    signature = xml[xml.index("Nơi nhận") - 3000:xml.index("Nơi nhận")]
    assert "<w:cantSplit/>" in signature
