"""Third round of the ND 30 layout audit, PDF side: footnotes broken across pages as Word breaks them, the footnote
rule's gap over ô 13 from the model, the confirmation block of a giấy nghỉ phép given room to sign, and the names of
a two-party document never broken."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from correspondence import model as m
from correspondence.render.typst import render_typst

MM = 72 / 25.4
SENTENCE = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương khẩn trương rà soát, cập nhật các thủ tục "
            "hành chính thuộc phạm vi quản lý, bảo đảm đúng quy định và công khai trên cổng dịch vụ công của tỉnh.")
WORDS = SENTENCE.split()


def _pdf(document: m.Document, workspace: Path) -> Any:
    return pdfplumber.open(io.BytesIO(render_typst(document, workspace)))


# ---------------------------------------------------------------------------------------------- 1. footnotes

LONG_NOTE = "Mở đầu ghi chú dài. " + " ".join([SENTENCE] * 6) + " Kết thúc ghi chú dài."


def _footnote_body(filler: int) -> str:
    """A short note called early on page 1, a long one called ``filler`` words further (near page 1's foot for some
    fillers), a short one called a page later."""
    return "\n\n".join([
        f"Thực hiện Quyết định số 09/2019/QĐ-UBND AAA[^1], {SENTENCE}",
        " ".join([SENTENCE] * 3),
        " ".join((WORDS * 30)[:filler]) + " BBB[^2] " + SENTENCE,
        *[" ".join([SENTENCE] * 3)] * 4,
        f"Ngoài ra CCC[^3] {SENTENCE}",
        SENTENCE,
        "[^1]: Ghi chú ngắn thứ nhất.",
        f"[^2]: {LONG_NOTE}",
        "[^3]: Ghi chú ngắn thứ ba.",
    ])


def _calls_and_notes(pdf: Any) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """The page (from 1) of each call (AAA, BBB, CCC) and the first and last pages of each note."""
    calls: dict[str, int] = {}
    notes: dict[str, list[int]] = {}
    marks = {"1": ("Ghi chú ngắn thứ nhất.",) * 2, "2": ("Mở đầu ghi chú dài.", "Kết thúc ghi chú dài."),
             "3": ("Ghi chú ngắn thứ ba.",) * 2}
    for number, page in enumerate(pdf.pages, 1):
        for word in page.extract_words():
            for call in ("AAA", "BBB", "CCC"):
                if word["text"].startswith(call):
                    calls.setdefault(call, number)
        text = re.sub(r"\s+", " ", page.extract_text() or "")
        for key, (start, end) in marks.items():
            if start in text:
                notes.setdefault(key, [number, number])[0] = number
            if end in text:
                notes.setdefault(key, [number, number])[1] = number
    return calls, {key: (first, last) for key, (first, last) in notes.items()}


def test_a_long_footnote_starts_on_its_call_s_page_and_the_later_ones_do_not_queue(
        build: Callable[..., Any], make_record: Callable[..., Path], workspace: Path) -> None:
    """A long footnote called near the foot of page 1, a short one called earlier on page 1, one called on page 2.

    Typst breaks the long note as Word does: its first lines under its call on page 1, the rest at the head of the
    next page's notes; when not one line of it fits there, the call's line goes to the next page with it. It used to
    move whole to the next page (each body paragraph was a block of its own, whose notes Typst only queues), the
    later notes queued behind it. Every note is printed on its call's page or a later one, never before it; the
    notes keep their order; a note called on a later page than the long one's call is printed on its call's page.

    This is why WeasyPrint is no longer a PDF engine of the tool: it lays a footnote out whole in the page's footnote
    area, so a long note that does not fit under its call moves whole to the next page and the notes called after it
    queue behind it (Kozea/WeasyPrint#1833), where ND 30 (as Word does) starts a note on its call's page."""
    split = 0
    for filler in range(40, 400, 50):  # no split (40, 90), a split (140–290), the call moved with the note (340, 390)
        document = build(make_record(noi_dung=_footnote_body(filler)))
        with _pdf(document, workspace) as pdf:
            calls, notes = _calls_and_notes(pdf)
        assert set(calls) == {"AAA", "BBB", "CCC"} and set(notes) == {"1", "2", "3"}, (filler, calls, notes)
        assert calls["AAA"] == 1 and notes["1"][0] == notes["1"][1] >= 1, (filler, calls, notes)
        assert notes["1"][0] <= notes["2"][0] <= notes["2"][1] <= notes["3"][0], (filler, "order", notes)
        assert notes["2"][0] >= calls["BBB"] and notes["3"][0] >= calls["CCC"], (filler, "before its call", calls,
                                                                                   notes)
        if calls["CCC"] > calls["BBB"]:
            assert notes["3"][0] == calls["CCC"], (filler, "queued behind the long note", calls, notes)
        assert notes["1"][0] == 1, (filler, "the short note left its call's page", calls, notes)
        assert notes["2"][0] == calls["BBB"], (filler, "the long note left its call's page", calls, notes)
        split += notes["2"][0] == calls["BBB"] < notes["2"][1]
    assert split >= 2, "some fillers put the call where only the long note's first lines fit"


# ---------------------------------------------------------------------------------------------- 3. giấy nghỉ phép


NGHI_PHEP = Path(__file__).resolve().parents[2] / "examples" / "loai" / "giay-nghi-phep.yaml"


def _gap_above(lines: list[dict[str, Any]], above: str, below_index: int) -> float:
    """The clear space between the last line holding ``above`` before line ``below_index`` and that line."""
    over = max(i for i in range(below_index) if above in lines[i]["text"])
    return lines[below_index]["top"] - lines[over]["bottom"]


def test_the_confirmation_block_has_room_to_sign_and_a_name_line(build: Callable[..., Any],
                                                                 workspace: Path) -> None:
    """Mẫu 1.10's confirmation block (xác nhận of the place the person goes to) is signed as the signature block is:
    under its note the model's ``signature_gap`` of room, then a name line at the name's size (``ho_ten``), bold.
    It used to end at the note, with no line to sign on and the room dropped at the cell's foot (Typst)."""
    document = build(NGHI_PHEP, so=12)
    x = document.xac_nhan
    assert x is not None and x.ho_ten
    with _pdf(document, workspace) as pdf:
        lines = [ln for page in pdf.pages for ln in page.extract_text_lines()]
    signer = document.chu_ky.ho_ten
    name = next(i for i, ln in enumerate(lines) if ln["text"].strip() == signer)
    line = next(i for i, ln in enumerate(lines) if x.ho_ten in ln["text"])
    assert line > name, "the confirmation's name line is under the signature block"
    chars = lines[line]["chars"]
    assert round(chars[0]["size"]) == document.sizes.ho_ten and "Bold" in chars[0]["fontname"]
    gap_signature = _gap_above(lines, document.chu_ky.tham_quyen[-1], name)
    gap_confirmation = _gap_above(lines, x.ghi_chu, line)
    assert gap_confirmation >= document.spacing.signature_gap
    assert gap_confirmation == pytest.approx(gap_signature, abs=3), (gap_confirmation, gap_signature)


def test_the_confirmation_block_has_room_to_sign_and_a_name_line_in_docx(build: Callable[..., Any]) -> None:
    """The DOCX draws the same: the note with ``signature_gap`` after it, then the bold name line."""
    import docx as python_docx

    from correspondence.render.docx import render_docx

    document = build(NGHI_PHEP, so=12)
    x = document.xac_nhan
    word = python_docx.Document(io.BytesIO(render_docx(document)))
    cells = [cell for table in word.tables for row in table.rows for cell in row.cells]
    cell = next(c for c in cells if any(p.text == x.tieu_de for p in c.paragraphs))
    texts = [p.text for p in cell.paragraphs]
    note, name = texts.index(x.ghi_chu), texts.index(x.ho_ten)
    assert name == note + 1
    assert cell.paragraphs[note].paragraph_format.space_after.pt == document.spacing.signature_gap
    run = cell.paragraphs[name].runs[0]
    assert run.bold and run.font.size.pt == document.sizes.ho_ten


def test_a_footnote_s_lines_stand_its_own_line_height_apart(build: Callable[..., Any],
                                                             make_record: Callable[..., Path], workspace: Path) -> None:
    """A note of several lines is laid out at its own size and line height (``footnote_line`` × its size), whatever
    the paragraph that calls it: on Typst its lines stood 18.7 pt apart, the calling paragraph's spacing leaking
    into the note."""
    document = build(make_record(noi_dung=f"Ủy ban nhân dân tỉnh có ý kiến như sau[^1]:\n\n{SENTENCE}\n\n"
                                          f"[^1]: {' '.join([SENTENCE] * 3)}"))
    pitch = document.sizes.footnote * document.spacing.footnote_line
    with _pdf(document, workspace) as pdf:
        lines = [line for line in pdf.pages[0].extract_text_lines()
                 if abs(line["chars"][-1]["size"] - document.sizes.footnote) < 0.1]
        first = next(index for index, line in enumerate(lines) if "yêu cầu" in line["text"])
        tops = [round(line["top"], 2) for line in lines[first:]]
    steps = [later - earlier for earlier, later in zip(tops[1:], tops[2:], strict=False)]  # after the marker's line
    assert len(steps) >= 3, tops
    assert all(abs(step - pitch) < 0.3 for step in steps), (steps, pitch)
