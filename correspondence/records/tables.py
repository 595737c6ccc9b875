"""Turn a table file (CSV, XLSX, YAML) into located rows: one reader for annexes, mail merge and register import.

CSV: any delimiter (or none: one column), UTF-8 with or without BOM, UTF-16, or the Windows
code pages Excel saves in Vietnam (1258) and elsewhere (1252), told apart by charset-normalizer;
refused with the reason when no encoding fits. XLSX: only visible sheets (the first, or the one
named), merged header cells spread over their columns, the header row found below title rows,
blank cells and formulas without a saved value read as blank. Every value is NFC; a control
character is a located problem.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.records.loader import control_problem, load_data
from correspondence.vietnamese import nfc
from correspondence.workspace import shown

Row = tuple[str, dict[str, Any]]  # (where, values)
DELIMITERS = ",;\t|"
HEADER_SEARCH = 10  # title rows above the header: the header is among the first lines
MAX_CELL = 100_000  # the longest cell, in characters (as the longest value of a record)
MAX_TABLE_BYTES = 50 * 10**6  # the largest .csv or .xlsx read: tens of thousands of rows


def _error(problems: list[Problem]) -> InvalidRecord:
    return InvalidRecord(_("invalid annex table"), problems)


def fold(text: str) -> str:
    """Lower case without diacritics, đ as d, single spaces: how Vietnamese text is compared and searched."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"\s+", " ", "".join(c for c in decomposed if not unicodedata.combining(c))).strip().lower()


def identifier(title: str) -> str:
    """A column title as a name a record can use: ``Họ và tên`` → ``ho_va_ten``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(title)).strip("_")


def decode(raw: bytes, name: str) -> str:
    """The text of a CSV file, whatever Excel saved it in; a located problem when no encoding fits."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["cp1258", "cp1252", "utf_16"]).best()
    if best is None:
        raise _error([Problem(name, "", _("the encoding of the file cannot be told (not UTF-8, UTF-16, "
                                          "Windows-1258 or Windows-1252)"),
                              _("in Excel: Save As, CSV UTF-8"))])
    return unicodedata.normalize("NFC", str(best))


def _csv_rows(text: str, name: str = "") -> list[list[str]]:
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return []
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS)
    except csv.Error:
        first = next(line for line in lines if line.strip())
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        if counts[best] == 0:  # one column: no delimiter at all
            return [[line] for line in lines]
        dialect = type("Dialect", (csv.excel,), {"delimiter": best})
    reader = csv.reader(io.StringIO("\n".join(lines)), dialect)
    limit = csv.field_size_limit(MAX_TABLE_BYTES)  # the cells are bounded after, each located (see read_cells)
    try:
        return [list(row) for row in reader]
    except csv.Error as error:
        raise _error([Problem(f"{name}:{reader.line_num}", "", _("the CSV file cannot be read here: {what}").format(
            what=error), _("in Excel: Save As, CSV UTF-8"))]) from None
    finally:
        csv.field_size_limit(limit)


def _xlsx_rows(path: Path, sheet: str | None, name: str) -> list[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _error([Problem(name, "", _("the file is not an Excel workbook (.xlsx)"),
                              _("open it in Excel and save it as .xlsx, or as CSV UTF-8"))]) from None
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if sheet is not None:
        chosen = next((ws for ws in visible if ws.title == sheet), None)
        if chosen is None:
            raise _error([Problem(name, "", _("no visible sheet '{sheet}'").format(sheet=sheet),
                                  _("sheets: {names}").format(names=", ".join(ws.title for ws in visible) or "—"))])
    elif not visible:
        raise _error([Problem(name, "", _("the workbook has no visible sheet"))])
    else:
        chosen = visible[0]
    values = [list(row) for row in chosen.iter_rows(values_only=True)]
    for merged in chosen.merged_cells.ranges:  # a merged cell's value belongs to every cell it covers
        top = values[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(values) else None
        for row in range(merged.min_row, min(merged.max_row, len(values)) + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if column - 1 < len(values[row - 1]) and merged.max_row == merged.min_row:
                    values[row - 1][column - 1] = top
    return values


def read_cells(path: Path, sheet: str | int | None = None) -> list[tuple[int, list[Any]]]:
    """Every line of a .csv or .xlsx file with its line number (the first visible sheet, or the one named)."""
    name = shown(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _error([Problem(name, "", _("cannot read the file: {error}").format(error=error.strerror))]) from None
    if size > MAX_TABLE_BYTES:
        raise _error([Problem(name, "", _("the table is {size} MB; a table holds at most {limit} MB").format(
            size=round(size / 1e6, 1), limit=MAX_TABLE_BYTES // 10**6), _("split it into several files"))])
    if path.suffix.lower() == ".xlsx":
        table = _xlsx_rows(path, sheet if isinstance(sheet, str) else None, name)
    else:
        table = _csv_rows(decode(path.read_bytes(), name), name)
    problems = [Problem(f"{name}:{index}", _("column {number}").format(number=column), _(
                    "is {length} characters long; at most {limit}").format(length=len(value), limit=MAX_CELL),
                        _("a cell holds a value, not a whole text"))
                for index, row in enumerate(table, 1) for column, value in enumerate(row, 1)
                if isinstance(value, str) and len(value) > MAX_CELL]
    if problems:
        raise _error(problems)
    return [(index, [nfc(v.strip()) if isinstance(v, str) else v for v in row]) for index, row in enumerate(table, 1)]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_row(lines: list[tuple[int, list[Any]]]) -> int:
    """The index (in ``lines``) of the header: the first of the opening lines with as many different values as
    any — a title row above a table holds one (even merged across the width), the header names every column."""
    opening = lines[:HEADER_SEARCH]

    def distinct(row: list[Any]) -> int:
        return len({str(v).strip() for v in row if not _blank(v)})

    widest = max((distinct(row) for _n, row in opening), default=0)
    return next(index for index, (_n, row) in enumerate(opening) if distinct(row) == widest)


def read_rows(source: str | list[dict[str, Any]], base: Path, where: Callable[[int], str],
              sheet: str | None = None) -> list[Row]:
    """Rows of data from a .csv, .xlsx or .yaml file (a header row, then one row a line), or given inline;
    each with its location. Blank cells are None."""
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
    lines = [(n, row) for n, row in read_cells(path, sheet) if any(not _blank(v) for v in row)]
    if len(lines) < 2:
        raise _error([Problem(name, "", _("the file has no rows"))])
    start = header_row(lines)
    header = [str(h).strip() if h is not None else "" for h in lines[start][1]]
    rows = [(f"{name}:{number}", {h: (None if _blank(v) else v) for h, v in zip(header, row, strict=False) if h})
            for number, row in lines[start + 1:]]
    if not rows:
        raise _error([Problem(name, "", _("the file has no rows"), columns_hint(header))])
    problems = [problem for where_, row in rows for column, value in row.items() if isinstance(value, str)
                for problem in [control_problem(where_, column, value)] if problem is not None]
    if problems:
        raise _error(problems)
    return rows


def columns_hint(columns: list[str]) -> str:
    """The hint every table problem carries: the columns the file has."""
    return _("columns found: {columns}").format(columns=", ".join(c for c in columns if c) or "—")
