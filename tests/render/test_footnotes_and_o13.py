"""Footnotes and ô 13 on page 1 (ND 30 PL I): the footnotes stand at the foot of the text area, above the agency's
contacts and their rule (as Word prints them: the notes above the page footer), ``Spacing.footnotes_footer_gap``
clear of the rule; neither the notes nor the body ever run into ô 13."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from correspondence import model as m
from correspondence.render.typst import render_typst

MM = 72 / 25.4
CONTACTS = """lien_he:
  dia_chi: Trụ sở Liên cơ quan số 2, phường Hồng Hà, thành phố Hạ Long, tỉnh Quảng Ninh
  dien_thoai: (0203) 3835 555
  email: vpubnd@quangninh.gov.vn
  website: www.quangninh.gov.vn
"""
SENTENCE = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương khẩn trương rà soát, cập nhật các thủ tục "
            "hành chính thuộc phạm vi quản lý, bảo đảm đúng quy định và công khai trên cổng dịch vụ công của tỉnh.")
NOTE_1 = "Ghi chú thứ nhất: Quyết định số 09/2019/QĐ-UBND ngày 13/02/2019 của Ủy ban nhân dân tỉnh."
NOTE_2 = ("Ghi chú thứ hai: Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Văn phòng Chính phủ hướng dẫn về nghiệp "
          "vụ kiểm soát thủ tục hành chính, ghi chú đủ dài để xuống dòng cuối ghi chú.")


def _body(paragraphs: int) -> str:
    """Two calls early on page 1, then ``paragraphs`` paragraphs to fill page 1 down to ô 13 and beyond."""
    return "\n\n".join([
        f"Thực hiện Quyết định số 09/2019/QĐ-UBND[^1] và Thông tư số 02/2017/TT-VPCP[^2], {SENTENCE}",
        *[" ".join([SENTENCE] * 2)] * paragraphs,
        f"[^1]: {NOTE_1}",
        f"[^2]: {NOTE_2}",
    ])


def _page_one(document: m.Document, workspace: Path) -> dict[str, Any]:
    """Page 1 measured: the rules (top, width in points), its lines of text (top, bottom, text)."""
    with pdfplumber.open(io.BytesIO(render_typst(document, workspace))) as pdf:
        page = pdf.pages[0]
        # a rule is a filled bar: its top
        rules = [(float(r["top"]), float(r["x1"] - r["x0"])) for r in [*page.rects, *page.lines]]
        lines = [(float(line["top"]), float(line["bottom"]), line["text"]) for line in page.extract_text_lines()]
        return {"rules": rules, "lines": lines, "height": float(page.height)}


@pytest.mark.parametrize("paragraphs", [1, 6])
def test_page_one_s_footnotes_stand_above_o13_clear_of_its_rule(
        paragraphs: int, build: Callable[..., Any], make_record: Callable[..., Path],
        workspace: Path) -> None:
    """Typst drew ô 13 as a float of the text area, under which it puts the footnotes: the notes were printed under
    the contacts at the very foot of the page (ô 13's text ended at 753.7 pt, the footnote rule at 766.2 pt).
    Now the footnote rule and the last note's last line stand at least ``footnotes_footer_gap`` above ô 13's rule, ô 13's
    text below it, and no line of the body reaches down to the notes or to ô 13 — with a short body and with one
    that fills page 1."""
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + CONTACTS, "utf-8")
    document = build(make_record(noi_dung=_body(paragraphs)))
    assert document.footer is not None and len(document.footer.lines) == 2
    gap = document.spacing.footnotes_footer_gap
    assert gap > 0
    page = _page_one(document, workspace)
    text_width = document.page.text_width * MM
    footer_rule = min(top for top, width in page["rules"] if abs(width - text_width) < 1)  # the full-width rule
    footnote_rule = [min(top for top, width in page["rules"] if abs(width - document.spacing.footnote_rule * MM) < 1)]
    lines = page["lines"]
    first_note = next(i for i, (_, _, text) in enumerate(lines) if "Ghi chú thứ nhất" in text)
    last_note = next(i for i, (_, _, text) in enumerate(lines) if text.rstrip().endswith("ghi chú."))
    contacts = [i for i, (_, _, text) in enumerate(lines) if "Hồng Hà" in text or "quangninh.gov.vn" in text]
    assert contacts and first_note < last_note, lines
    # the notes: under their rule, above ô 13 by the model's gap at least
    assert footnote_rule[0] < lines[first_note][0]
    assert footer_rule - footnote_rule[0] >= gap, (footnote_rule, footer_rule)
    assert footer_rule - lines[last_note][1] >= gap, (lines[last_note], footer_rule, gap)
    # ô 13: under its rule, at the foot of page 1's text area (its last line ends within the bottom margin's edge)
    assert all(lines[i][0] > footer_rule - 1 for i in contacts), (footer_rule, [lines[i] for i in contacts])
    assert max(lines[i][1] for i in contacts) <= page["height"] - document.page.bottom * MM + 1
    # the body: above the notes' rule, never into the notes or ô 13
    body = [line for line in lines[:first_note] if line[2].strip()]
    assert body and max(bottom for _, bottom, _ in body) < footnote_rule[0], (body[-1], footnote_rule)
    if paragraphs > 1:  # page 1 full: its body ends within a line or so above the notes
        assert footnote_rule[0] - body[-1][1] < 2 * document.spacing.body_line + document.spacing.footnote_rule_before
