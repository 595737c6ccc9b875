"""Turn a table file (CSV, XLSX, YAML) into located rows: one reader for annexes, mail merge and register import."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.records.loader import load_data
from correspondence.workspace import shown

Row = tuple[str, dict[str, Any]]  # (where, values)


def _error(problems: list[Problem]) -> InvalidRecord:
    return InvalidRecord(_("invalid annex table"), problems)


def read_cells(path: Path, sheet: int = 0) -> list[tuple[int, list[Any]]]:
    """Every line of a .csv or .xlsx file (the sheet at index ``sheet``) with its line number."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        worksheet = load_workbook(path, read_only=True, data_only=True).worksheets[sheet]
        return [(index, list(row)) for index, row in enumerate(worksheet.iter_rows(values_only=True), start=1)]
    text = path.read_text("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return [(index, row) for index, row in enumerate(csv.reader(text.splitlines(), dialect), start=1)]


def read_rows(source: str | list[dict[str, Any]], base: Path, where: Callable[[int], str]) -> list[Row]:
    """Rows of data from a .csv, .xlsx or .yaml file (a header row, then one row a line), or given inline;
    each with its location."""
    if isinstance(source, list):
        return [(where(index), dict(row)) for index, row in enumerate(source)]
    path = base / source if not Path(source).is_absolute() else Path(source)
    name = shown(path)
    if not path.is_file():
        raise _error([Problem(name, "", _("file not found"), _("check the path"))])
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        located, problems = load_data(path, name)
        if located is None or problems:
            raise _error(problems)
        if not isinstance(located.data, list) or not all(isinstance(r, dict) for r in located.data):
            raise _error([Problem(f"{name}:1", "", _("expected a list of rows ('- key: value')"))])
        return [(f"{name}:{located.line((i,))}", r) for i, r in enumerate(located.data)]
    if suffix not in (".xlsx", ".csv"):
        raise _error([Problem(name, "", _("table data must be .csv, .xlsx or .yaml"))])
    table = [cells for _line, cells in read_cells(path) if any(v not in (None, "") for v in cells)]
    if len(table) < 2:
        raise _error([Problem(name, "", _("the file has no rows"))])
    header = [str(h).strip() if h is not None else "" for h in table[0]]
    return [(f"{name}:{index}", {h: v for h, v in zip(header, row, strict=False) if h})
            for index, row in enumerate(table[1:], start=2)]
