"""The PDF breaks pages as the model's ``Pagination`` says and draw the footnote separator where the model's
spacing puts it: at least ``lines`` lines of a paragraph at the foot and at the head of a page, the signature block
carried to a new page with only the body's last ``lines`` lines (never the whole of a long last paragraph), and the
footnotes ``footnote_rule_after`` under their rule."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from correspondence import model as m
from correspondence.render.typst import render_typst

SENTENCE = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương khẩn trương rà soát, cập nhật các thủ tục "
            "hành chính thuộc phạm vi quản lý, bảo đảm đúng quy định và công khai trên cổng dịch vụ công của tỉnh.")
WORDS = SENTENCE.split()
MM = 72 / 25.4


def _pdf(document: m.Document, workspace: Path) -> bytes:
    return render_typst(document, workspace)


def _body_lines(document: m.Document, pdf_bytes: bytes) -> list[list[tuple[bool, dict[str, Any]]]]:
    """Per page, the body's lines in order, each marked True where a paragraph starts (its first line indented)."""
    left = document.page.left * MM
    indent = left + document.spacing.first_line_indent * MM
    pages = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            lines = [ln for ln in page.extract_text_lines() if round(ln["chars"][0]["size"]) == document.sizes.body]
            pages.append([(abs(ln["x0"] - indent) < 1, ln) for ln in lines
                          if abs(ln["x0"] - left) < 1 or abs(ln["x0"] - indent) < 1])
    return pages


def _fragments(pages: list[list[tuple[bool, dict[str, Any]]]]) -> list[tuple[int, int]]:
    """For each page break inside a paragraph: how many of its lines end the page and how many open the next."""
    out = []
    for here, there in zip(pages, pages[1:], strict=False):
        if not here or not there or there[0][0]:  # the next page opens with a paragraph's first line
            continue
        foot = next(i for i in range(len(here) - 1, -1, -1) if here[i][0] or i == 0)
        head = next((i for i, (start, _line) in enumerate(there) if start), len(there))
        out.append((len(here) - foot, head))
    return out


def test_a_paragraph_keeps_the_model_s_lines_at_a_page_foot_and_head(build: Callable[..., Any],
                                                                     make_record: Callable[..., Path],
                                                                     workspace: Path) -> None:
    """Paragraphs of eight lines broken at every line of the page's end: never fewer than ``lines`` lines of one at
    the foot or the head of a page; with ``lines`` 1 the model allows a single line, and the page is filled."""
    seen: dict[int, list[tuple[int, int]]] = {1: [], 2: []}
    for lines in (2, 1):
        for filler in range(5, 10):  # a first paragraph one line longer each time moves the break by a line
            text = "\n\n".join([" ".join((WORDS * 12)[:filler * 17 + 1])] + [" ".join([SENTENCE] * 3)] * 6)
            document = build(make_record(noi_dung=text))
            document = dataclasses.replace(document, pagination=dataclasses.replace(document.pagination, lines=lines))
            seen[lines] += _fragments(_body_lines(document, _pdf(document, workspace)))
    assert seen[2] and all(foot >= 2 and head >= 2 for foot, head in seen[2]), seen[2]
    assert any(foot == 1 or head == 1 for foot, head in seen[1]), f"the model allows one line alone: {seen[1]}"


def test_the_signature_block_takes_only_the_last_lines_of_a_long_paragraph(build: Callable[..., Any],
                                                                           make_record: Callable[..., Path],
                                                                           workspace: Path) -> None:
    """A last paragraph of a dozen lines that the signature block cannot follow on its page: the block moves with the
    paragraph's last ``lines`` lines, the rest of the paragraph stays on the page before (it used to move whole on
    the Typst engine, leaving half a page blank)."""
    moved = 0
    for extra in range(0, 8):
        text = "\n\n".join([SENTENCE] * 4 + [" ".join((WORDS * 4)[:extra * 17 + 1])] + [" ".join([SENTENCE] * 4)])
        document = build(make_record(noi_dung=text))
        pdf_bytes = _pdf(document, workspace)
        pages = _body_lines(document, pdf_bytes)
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
            label = [i for i, page in enumerate(pdf.pages) if "Nơi nhận" in (page.extract_text() or "")]
        assert len(label) == 1
        signed = label[0]
        if signed == 0 or not pages[signed - 1]:
            continue
        moved += 1
        body = pages[signed]
        assert body and not body[0][0], (extra, "the page opens in the middle of the last paragraph")
        assert len(body) == document.pagination.lines, (extra, [ln["text"][:30] for _start, ln in body])
        foot = next(i for i in range(len(pages[signed - 1]) - 1, -1, -1) if pages[signed - 1][i][0])
        assert len(pages[signed - 1]) - foot >= document.pagination.lines, (extra, "the paragraph opens before")
    assert moved >= 2, "some lengths put the signature block on the next page"


def _rule_and_note(document: m.Document, workspace: Path) -> tuple[float, float]:
    """The foot of the footnote separator and the top of the first footnote line on page 1."""
    with pdfplumber.open(io.BytesIO(_pdf(document, workspace))) as pdf:
        page = pdf.pages[0]
        width = document.spacing.footnote_rule * MM
        # a stroked line (its ink half its weight under it), a filled bar, or a border drawn as the ring of two
        # rectangles down the footnote area (the inner one's top is the border's foot)
        feet = [r["bottom"] + (r.get("linewidth") or 0) / 2 if r["bottom"] - r["top"] < 2 else r["top"]
                for r in [*page.lines, *page.rects] if abs((r["x1"] - r["x0"]) - width) < 1]
        assert feet, "a separator as long as the model's footnote_rule"
        rule = max(feet)
        notes = [ln for ln in page.extract_text_lines() if ln["top"] > rule]
        assert notes and "Ban hành ngày" in notes[0]["text"]
        return rule, notes[0]["top"]


def test_the_footnotes_stand_as_far_under_their_rule_as_the_model_says(build: Callable[..., Any],
                                                                       make_record: Callable[..., Path],
                                                                       workspace: Path) -> None:
    """The clear gap between the separator and the first footnote line (its raised number included) is at least the
    model's ``footnote_rule_after``, and grows with it (Typst's used to be 3–4 pt less)."""
    body = "Theo Quyết định số 09/2019/QĐ-UBND[^1], thực hiện **ngay**.\n\n[^1]: Ban hành ngày 13/02/2019."
    document = build(make_record(noi_dung=body))
    wider = dataclasses.replace(document, spacing=dataclasses.replace(
        document.spacing, footnote_rule_after=document.spacing.footnote_rule_after + 6))
    gaps: list[float] = []
    for doc in (document, wider):
        rule, top = _rule_and_note(doc, workspace)
        gaps.append(top - rule)
        assert top - rule >= doc.spacing.footnote_rule_after, top - rule
    assert gaps[1] - gaps[0] == pytest.approx(6, abs=0.1), gaps


def test_typst_refuses_more_lines_than_it_can_keep(build: Callable[..., Any], make_record: Callable[..., Path],
                                                  workspace: Path) -> None:
    """Typst keeps two lines together, never more: a layout asking for three is refused in words, never drawn with
    two."""
    from correspondence.errors import RenderFailed

    document = build(make_record())
    document = dataclasses.replace(document, pagination=dataclasses.replace(document.pagination, lines=3))
    with pytest.raises(RenderFailed) as caught:
        render_typst(document, workspace)
    assert caught.value.message == ("PDF chỉ giữ được tối đa 2 dòng của một đoạn liền nhau khi sang trang, còn bố cục "
                                    "yêu cầu 3 dòng")
