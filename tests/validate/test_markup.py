"""Body markup: numbering, letters, lists, emphasis, footnotes, escapes, problems."""

from __future__ import annotations

from correspondence.model import Footnote, Run, plain_text
from correspondence.validate.markup import parse_body


def test_items_and_points_are_renumbered() -> None:
    blocks, _notes, problems = parse_body("1. Một\na) x\na) y\n7. Hai\nb) z\n### Mục\n3. Ba\n")
    assert not problems
    assert [(b.role, b.marker) for b in blocks] == [
        ("item", "1."), ("point", "a)"), ("point", "b)"), ("item", "2."), ("point", "a)"), ("heading", ""), ("item", "1.")]


def test_points_skip_letters_outside_the_vietnamese_alphabet() -> None:
    text = "\n".join("a) x" for _ in range(8))
    blocks, _notes, _problems = parse_body(text)
    assert [b.marker for b in blocks] == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)", "h)"]


def test_paragraph_lines_join_and_blank_lines_split() -> None:
    blocks, _n, _p = parse_body("dòng một\ndòng hai\n\ndòng ba")
    assert [plain_text(b.runs) for b in blocks] == ["dòng một dòng hai", "dòng ba"]


def test_dash_and_plus_lines() -> None:
    blocks, _n, _p = parse_body("- một\n+ hai")
    assert [(b.role, b.marker, b.level) for b in blocks] == [("dash", "-", 0), ("plus", "+", 1)]


def test_bold_italic_and_both() -> None:
    blocks, _n, problems = parse_body("a **b** *c* ***d*** e")
    assert not problems
    runs = [r for r in blocks[0].runs if isinstance(r, Run)]
    assert [(r.text, r.bold, r.italic) for r in runs] == [
        ("a ", False, False), ("b", True, False), (" ", False, False), ("c", False, True), (" ", False, False),
        ("d", True, True), (" e", False, False)]


def test_footnotes_numbered_in_call_order() -> None:
    blocks, notes, problems = parse_body("Xem[^b] và[^a].\n\n[^a]: Ghi chú A.\n[^b]: Ghi chú *B*.")
    assert not problems
    calls = [r for r in blocks[0].runs if isinstance(r, Footnote)]
    assert [n.number for n in calls] == [1, 2]
    assert [plain_text(n.runs) for n in notes] == ["Ghi chú B.", "Ghi chú A."]


def test_escapes() -> None:
    blocks, _n, problems = parse_body("\\1. không phải khoản \\*sao\\* \\[^x]")
    assert not problems
    assert blocks[0].role == "paragraph"
    assert plain_text(blocks[0].runs) == "1. không phải khoản *sao* [^x]"


def test_problems_are_located() -> None:
    _b, _n, problems = parse_body("dòng\n\n**chưa đóng\n\n[^x] thiếu\n\n[^y]: thừa")
    assert [(p.line, p.message) for p in problems] == [
        (3, "dấu '*' hoặc '**' mở mà chưa đóng trong đoạn này"),
        (5, "chú thích [^x] chưa có nội dung: thêm dòng '[^x]: …'"),
        (7, "chú thích [^y] không được dẫn ở đâu"),
    ]


def test_headings_are_one_line_and_bold() -> None:
    blocks, _n, _p = parse_body("## Chương I\nCâu sau tiêu đề.\n### Mục nhỏ")
    assert [(b.role, b.align, b.indent) for b in blocks] == [
        ("heading", "center", False), ("paragraph", "justify", True), ("heading", "justify", True)]
    assert all(r.bold for r in blocks[0].runs if isinstance(r, Run))
    assert not any(r.bold for r in blocks[1].runs if isinstance(r, Run))


def test_sections_are_roman_numbered_in_capitals_and_restart_items() -> None:
    blocks, _n, problems = parse_body("# Mục đích, yêu cầu\n1. Một\n2. Hai\n# Tổ chức thực hiện\n1. Ba\na) x")
    assert not problems
    assert [(b.role, b.marker) for b in blocks] == [
        ("section", "I."), ("item", "1."), ("item", "2."), ("section", "II."), ("item", "1."), ("point", "a)")]
    assert plain_text(blocks[0].runs) == "MỤC ĐÍCH, YÊU CẦU"
    assert all(r.bold for r in blocks[3].runs if isinstance(r, Run))


def test_articles_are_renumbered() -> None:
    blocks, _n, _p = parse_body("Điều 1. Phạm vi\n1. khoản\nĐiều 7. Đối tượng\n1. khoản")
    assert [(b.role, b.marker) for b in blocks] == [("article", "Điều 1."), ("item", "1."), ("article", "Điều 2."),
                                                    ("item", "1.")]
    assert plain_text(blocks[0].runs) == "Phạm vi"


def test_a_khoan_with_its_own_title_is_bold_when_marked() -> None:
    blocks, _n, _p = parse_body("1. **Mục đích:**\n\nNhằm tạo thuận lợi.\n\n2. Công tác tuyên truyền: Tăng cường tuyên truyền."
                                "\n\n3. Yêu cầu:")
    titled, body, plain, unmarked = blocks
    assert titled.bold_marker and all(r.bold for r in titled.runs if isinstance(r, Run)) and titled.keep_with_next
    # A title ending ':' not marked is printed as written (ND 30's samples), still kept with what follows.
    assert not unmarked.bold_marker and not any(r.bold for r in unmarked.runs if isinstance(r, Run))
    assert unmarked.keep_with_next
    assert not any(r.bold for r in body.runs if isinstance(r, Run))
    assert not plain.bold_marker and not any(r.bold for r in plain.runs if isinstance(r, Run))
