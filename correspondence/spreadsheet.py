"""Turn rows of text the clerk typed into spreadsheet files that a spreadsheet never runs: the one place where the
tool's CSV and XLSX cells are written (register and incoming books, the destruction list …).

A cell beginning like a formula (``= + - @``, a tab or a return) would run when the file is opened: in a CSV it gets
a leading apostrophe (the OWASP rule against CSV injection); in an XLSX it is written as text, never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

_STARTS_A_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: str) -> str:
    """A CSV cell value a spreadsheet never runs: one that begins like a formula gets a leading apostrophe."""
    return "'" + value if value[:1] in _STARTS_A_FORMULA else value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 CSV (with the byte-order mark Excel needs), every text cell neutral."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutral(value) if isinstance(value, str) else value for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def text_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write ``value`` into an openpyxl sheet's cell; text is stored as text, whatever it begins with."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl took a leading '=' for a formula: text it is
    return cell


def append_text(sheet: Any, values: Iterable[Any]) -> None:
    """Add a row of cells below the sheet's last one, text stored as text."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        text_cell(sheet, row, column, value)
