"""Tables inside the body: ``| a | b |`` lines, a ``|---|`` line making the first row the header."""

from __future__ import annotations

from correspondence import model as m
from correspondence.i18n import set_language
from correspondence.validate.markup import parse_body


def test_a_table_between_paragraphs() -> None:
    blocks, _notes, problems = parse_body("Trước bảng:\n\n| STT | Nội dung |\n|:--|---|\n| 1 | **Đậm** |\n| 2 | a \\| b |\n"
                                          "Sau bảng.")
    assert problems == []
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    table = blocks[1]
    assert isinstance(table, m.Table)
    assert [(c.text, c.bold, c.align) for c in table.header[0].cells] == [("STT", True, "center"),
                                                                           ("Nội dung", True, "center")]
    assert [[(c.text, c.bold) for c in row.cells] for row in table.rows] == [[("1", False), ("Đậm", True)],
                                                                              [("2", False), ("a | b", False)]]


def test_without_a_rule_line_every_row_is_data() -> None:
    blocks, _notes, problems = parse_body("| a | b |\n| c | d |")
    assert problems == [] and isinstance(blocks[0], m.Table)
    assert blocks[0].header == () and len(blocks[0].rows) == 2


def test_a_ragged_row_and_a_footnote_in_a_cell_are_located() -> None:
    set_language("en")
    _blocks, _notes, problems = parse_body("Đoạn.\n\n| a | b |\n|---|---|\n| c |\n| d[^1] | e |\n\n[^1]: chú thích")
    assert [(p.line, p.message) for p in problems][:2] == [
        (5, "this table row has 1 cells, the first has 2"), (6, "a footnote cannot be called inside a table cell")]
