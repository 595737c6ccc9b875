"""The ĐẾN mark goes on a blank space of page 1 of the received PDF, never over its text or drawings (ND 30 PL IV: the
blank space under the number and trích yếu, or under the date line); the clerk is told where;
a page with no blank space big enough still gets the mark (where it covers least) and the receipt never fails."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pdfplumber
import typst
from click.testing import CliRunner

from correspondence import incoming
from correspondence import model as m
from correspondence.cli import main
from correspondence.metrics import FONT_DIR
from correspondence.render.mark import stamp_den

ROOT = Path(__file__).resolve().parents[2]
MM = 72 / 25.4
DAU = ["--tu", "Sở Tài chính", "--trich-yeu", "Công văn", "--ngay-den", "07/05/2019", "--dau"]


def _invoke(args: list[str]) -> Any:
    result = CliRunner().invoke(main, ["--lang", "vi", *args])
    assert result.exit_code == 0, result.output
    return result


def _issued(workspace: Path) -> Path:
    """The công văn the project issues, rendered as a clerk does it: ``correspondence render … --so 12``."""
    _invoke(["render", str(ROOT / "examples" / "cong-van-3018.yaml"), "--so", "12", "-o", str(workspace / "nhan")])
    return workspace / "nhan" / "12-UBND-XD6.pdf"


def _typst_pdf(folder: Path, name: str, body: str) -> Path:
    """A received PDF laid out by Typst from ``body`` (another sender's layout: the project's face, A4)."""
    source = folder / f"{name}.typ"
    source.write_text('#set page(paper: "a4", margin: (top: 20mm, bottom: 20mm, left: 30mm, right: 15mm))\n'
                      '#set text(font: "Liberation Serif", size: 13pt, lang: "vi")\n' + body, "utf-8")
    target = folder / f"{name}.pdf"
    typst.compile(str(source), output=str(target), font_paths=[str(FONT_DIR)])
    return target


def _stamped(result_files: list[Path]) -> Path:
    return next(p for p in result_files if ".den-" in p.name)


def _mark(path: Path) -> tuple[dict[str, float], list[dict[str, Any]], list[dict[str, Any]], tuple[float, float]]:
    """The mark's box on page 1 of a stamped copy (the 50 × 35 mm rectangle whose words are ĐẾN, Số:, Ngày:), the
    words inside it, every word of page 1, the page's size."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        boxes = [r for r in page.rects if abs(r["width"] - 50 * MM) < 2 and abs(r["height"] - 35 * MM) < 2]
        size = (float(page.width), float(page.height))
    (box,) = [b for b in boxes if {"ĐẾN", "Số:", "Ngày:"} <= {w["text"] for w in words if _inside(w, b)}]
    return box, [w for w in words if _inside(w, box)], words, size


def _inside(word: dict[str, Any], box: dict[str, Any]) -> bool:
    return box["x0"] <= word["x0"] and word["x1"] <= box["x1"] and box["top"] <= word["top"] and word["bottom"] <= box["bottom"]


def _meets(word: dict[str, Any], box: dict[str, Any]) -> bool:
    return word["x0"] < box["x1"] and box["x0"] < word["x1"] and word["top"] < box["bottom"] and box["top"] < word["bottom"]


def _words(path: Path, page: int) -> list[tuple[str, float, float]]:
    with pdfplumber.open(path) as pdf:
        return [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in pdf.pages[page].extract_words()]


def _receive(workspace: Path, pdf: Path, *more: str) -> tuple[Any, list[Path]]:
    result = _invoke(["incoming", "receive", str(pdf), *DAU, *more])
    folder = workspace / "output" / "ubnd-quang-ninh" / "den" / "2019"
    return result, sorted(folder.iterdir())


def _clear_of(original: Path, stamped: Path) -> dict[str, float]:
    """The mark's box, checked: inside the page, over no word of the original page 1, that page's words kept."""
    box, _inner, words, (width, height) = _mark(stamped)
    assert 0 <= box["x0"] and box["x1"] <= width and 0 <= box["top"] and box["bottom"] <= height, box
    with pdfplumber.open(original) as pdf:
        before = pdf.pages[0].extract_words()
    assert [w["text"] for w in before if _meets(w, box)] == [], "the mark covers none of the page's words"
    kept = [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in words if not _inside(w, box)]
    assert kept == [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in before], "page 1 is untouched"
    return box


def test_the_mark_on_an_issued_cong_van_stands_under_its_date_clear_of_every_word(workspace: Path) -> None:
    """The công văn's trích yếu is followed by Kính gửi and the body within 25 mm: no 35 mm of blank under it; the
    blank under the date line, right of the recipients, holds the mark."""
    _invoke(["register", "init"])
    original = _issued(workspace)
    result, files = _receive(workspace, original, "--don-vi-nhan", "Phòng Tổng hợp")
    assert "dấu ĐẾN: trang 1, góc trên bên phải, dưới ngày tháng" in result.output, result.output
    stamped = _stamped(files)
    box = _clear_of(original, stamped)
    with pdfplumber.open(original) as pdf:
        words = pdf.pages[0].extract_words()
    date = next(w for w in words if w["text"] == "2019")
    assert date["bottom"] <= box["top"] < date["bottom"] + 3 * MM, "right under the date line"
    assert box["x0"] > 105 * MM, "on the right half of the A4 page"
    inner = " ".join(w["text"] for w in _mark(stamped)[1])
    assert "ĐẾN Số: 1 Ngày: 07/05/2019 Chuyển: Phòng Tổng hợp" in inner
    with pdfplumber.open(stamped) as after, pdfplumber.open(original) as before:
        assert len(after.pages) == len(before.pages)
        for index in range(1, len(before.pages)):
            assert after.pages[index].extract_words() == before.pages[index].extract_words(), "page 1 only"


def test_a_page_with_room_under_its_number_and_trich_yeu_gets_the_mark_there(workspace: Path) -> None:
    _invoke(["register", "init"])
    body = " ".join(["Nội dung công văn gửi các cơ quan, đơn vị để biết và thực hiện."] * 14)
    original = _typst_pdf(workspace, "thoang", f"""
#grid(columns: (70mm, 1fr), align: center,
  [*SỞ TÀI CHÍNH* \\ Số: 123/STC-NS \\ #text(size: 12pt)[V/v dự toán ngân sách \\ năm 2020]],
  [*CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM* \\ *Độc lập - Tự do - Hạnh phúc* \\ #emph[Quảng Ninh, ngày 20 tháng 4 năm 2019]])
#v(45mm)
#align(center)[Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh]
#par(justify: true, first-line-indent: 1cm)[{body}]
""")
    result, files = _receive(workspace, original)
    assert "dấu ĐẾN: trang 1, dưới số và trích yếu" in result.output, result.output
    box = _clear_of(original, _stamped(files))
    with pdfplumber.open(original) as pdf:
        words = pdf.pages[0].extract_words()
    subject = [w for w in words if w["text"] in ("V/v", "2020", "Số:", "123/STC-NS")]
    assert box["top"] >= max(w["bottom"] for w in subject), "under the number and the trích yếu"
    assert box["top"] < max(w["bottom"] for w in subject) + 3 * MM
    block = (min(w["x0"] for w in subject), max(w["x1"] for w in subject))
    assert abs((box["x0"] + box["x1"]) / 2 - sum(block) / 2) < 2 * MM, "centred under the block"


def test_a_page_of_text_with_one_blank_gap_gets_the_mark_in_the_gap(workspace: Path) -> None:
    _invoke(["register", "init"])
    text = " ".join(["Văn bản chữ kín trang, không có khoảng trống nào ở phần đầu trang."] * 9)
    original = _typst_pdf(workspace, "khe", f"#par(justify: true)[{text}]\n#v(45mm)\n#par(justify: true)[{text} {text}]")
    result, files = _receive(workspace, original)
    assert "dấu ĐẾN: trang 1, chỗ trống cách mép trái" in result.output, result.output
    box = _clear_of(original, _stamped(files))
    assert box["top"] > 60 * MM, "in the gap under the first paragraph"


def test_a_page_full_of_text_still_gets_its_mark_and_the_clerk_is_told(workspace: Path) -> None:
    _invoke(["register", "init"])
    text = " ".join(["Văn bản chữ kín cả trang, từ mép trên đến mép dưới, không chừa chỗ trống nào."] * 60)
    original = _typst_pdf(workspace, "kin", f"#set page(margin: 5mm)\n#par(justify: true)[{text}]")
    result, files = _receive(workspace, original)
    assert "đã nhận: số đến 1" in result.output
    assert "trang 1 không còn chỗ trống đủ cho dấu ĐẾN" in result.output, result.output
    assert "dấu ĐẾN: trang 1, cách mép trái" in result.output
    box, inner, _words, (width, height) = _mark(_stamped(files))
    assert 0 <= box["x0"] and box["x1"] <= width and 0 <= box["top"] and box["bottom"] <= height
    assert [r.number for r in incoming.list_all(workspace, 2019)] == [1]


def test_the_same_pdf_stamps_to_the_same_bytes(workspace: Path) -> None:
    received = _issued(workspace).read_bytes()
    dau = m.DauDen("UBND TỈNH QUẢNG NINH", "12", "07/05/2019")
    first, place = stamp_den(received, dau, workspace)
    assert (first, place) == stamp_den(received, dau, workspace)
    assert place.kind == "ngay"
    with pdfplumber.open(io.BytesIO(first)) as pdf:
        assert "ĐẾN" in [w["text"] for w in pdf.pages[0].extract_words()]
