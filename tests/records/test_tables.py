"""One table reader for annexes, mail merge and register import: CSV, XLSX and YAML rows, each located."""

from __future__ import annotations

from pathlib import Path

import pytest

from correspondence.errors import InvalidRecord
from correspondence.records import read_cells, read_rows


def test_csv_rows_keep_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("ten;so\nAn;1\n\nBình;2\n", "utf-8-sig")
    rows = read_rows("a.csv", tmp_path, lambda j: f"x:{j}")
    assert rows == [("a.csv:2", {"ten": "An", "so": "1"}), ("a.csv:4", {"ten": "Bình", "so": "2"})], "the file's lines"


def test_xlsx_and_yaml_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    monkeypatch.chdir(tmp_path)
    workbook = Workbook()
    workbook.active.append(["ten", "so"])
    workbook.active.append(["An", 1])
    workbook.save(tmp_path / "a.xlsx")
    assert read_rows("a.xlsx", tmp_path, lambda j: "") == [("a.xlsx:2", {"ten": "An", "so": 1})]
    assert read_cells(tmp_path / "a.xlsx") == [(1, ["ten", "so"]), (2, ["An", 1])]
    (tmp_path / "a.yaml").write_text("- ten: An\n  so: 1\n- ten: Bình\n", "utf-8")
    assert read_rows("a.yaml", tmp_path, lambda j: "") == [("a.yaml:1", {"ten": "An", "so": 1}),
                                                           ("a.yaml:3", {"ten": "Bình"})]


def test_inline_rows_are_located_by_the_caller(tmp_path: Path) -> None:
    assert read_rows([{"a": 1}], tmp_path, lambda j: f"cv.yaml:{10 + j}") == [("cv.yaml:10", {"a": 1})]


def test_missing_file_and_unknown_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidRecord) as missing:
        read_rows("none.csv", tmp_path, lambda j: "")
    assert [str(p) for p in missing.value.problems] == ["none.csv: không tìm thấy tệp (kiểm tra lại đường dẫn)"]
    (tmp_path / "a.txt").write_text("x", "utf-8")
    with pytest.raises(InvalidRecord):
        read_rows("a.txt", tmp_path, lambda j: "")
