"""Turn a list of agencies (a CSV or XLSX file: mã định danh, name, optionally the QĐ 20/2020 code) into the office's
danh bạ, ``registers/danh-ba.yaml``, and the danh bạ back into the agencies a document can be sent to.

The danh bạ is a file beside the agency profiles, not a table of the register: it is configuration the office edits
and copies from one workstation to another (or shares, like the profiles), not a fact to be chained; the register
keeps, in each envelope event, the code and the name the document was sent to."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from correspondence import storage
from correspondence.errors import InvalidRecord, Problem, UsageError
from correspondence.exchange.envelope import CANONICAL_ID, QD20_ID
from correspondence.i18n import _
from correspondence.progress import notice
from correspondence.records.tables import fold
from correspondence.workspace import DIRECTORY, shown

CODE_HEADERS = {"ma", "ma dinh danh", "ma_dinh_danh", "organid", "code", "code102", "ma qcvn 102"}
NAME_HEADERS = {"ten", "ten co quan", "ten_co_quan", "organname", "name"}
QD20_HEADERS = {"ma qd20", "ma_qd20", "ma_dinh_danh_qd20", "qd20", "code qd20"}
ID_PATTERN = r"^[A-Za-z0-9.]{1,13}$"


def path(root: Path) -> Path:
    return root / "registers" / f"{DIRECTORY}.yaml"


def load(root: Path) -> dict[str, dict[str, str]]:
    """The agencies of the danh bạ by mã định danh (``{ma: {ma, ten, ma_qd20?}}``); empty when there is none."""
    file = path(root)
    if not file.is_file():
        return {}
    data = yaml.safe_load(file.read_text("utf-8")) or {}
    items = data.get("co_quan", []) if isinstance(data, dict) else []
    return {str(item["ma"]): {k: str(v) for k, v in item.items() if v is not None}
            for item in items if isinstance(item, dict) and item.get("ma")}


def check_code(code: str, where: str, field: str, problems: list[Problem]) -> None:
    """A QCVN 102 mã định danh: at most 13 letters, digits and dots; a shape other than ``000.00.00.G22`` is
    accepted with a warning (live codes such as ``28.22.H17`` exist)."""
    import re

    if not re.match(ID_PATTERN, code):
        problems.append(Problem(where, field, _("'{code}' is not a mã định danh (QCVN 102: at most 13 letters, digits "
                                                "and dots, e.g. 000.00.00.G22)").format(code=code)))
    elif not CANONICAL_ID.match(code):
        notice(_("warning: {where}: '{code}' is not of the usual shape 000.00.00.G22").format(where=where, code=code))


def check_qd20(code: str, where: str, field: str, problems: list[Problem]) -> None:
    """A QĐ 20/2020 code: at most 35 characters, groups of A–Z and 0–9 separated by dots."""
    if len(code) > 35 or not QD20_ID.match(code):
        problems.append(Problem(where, field, _("'{code}' is not a QĐ 20/2020 code (at most 35 characters: groups of "
                                                "A–Z and 0–9 separated by dots)").format(code=code)))


def _rows(file: Path) -> list[list[str]]:
    if file.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    if file.suffix.lower() != ".csv":
        raise UsageError(_("{path}: give a .csv or .xlsx file").format(path=shown(file)))
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def import_file(root: Path, file: Path) -> tuple[int, Path]:
    """Add the agencies of ``file`` to the danh bạ (a code already there takes the new name): how many, and where.
    Every row is checked first; a wrong code is named by its row and nothing is written."""
    if not file.is_file():
        raise UsageError(_("{path}: file not found").format(path=shown(file)))
    rows = [row for row in _rows(file)]
    columns: dict[str, int] = {"ma": 0, "ten": 1}
    start = 0
    if rows:
        header = [fold(cell).replace("đ", "d") for cell in rows[0]]
        named = {key: next((i for i, cell in enumerate(header) if cell in names), None)
                 for key, names in (("ma", CODE_HEADERS), ("ten", NAME_HEADERS), ("ma_qd20", QD20_HEADERS))}
        if named["ma"] is not None:
            columns = {key: index for key, index in named.items() if index is not None}
            start = 1
    problems: list[Problem] = []
    found: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows[start:], start + 1):
        cells = {key: row[index].strip() if index < len(row) else "" for key, index in columns.items()}
        if not any(cells.values()):
            continue
        where = f"{shown(file)}:{number}"
        if not cells.get("ma"):
            problems.append(Problem(where, "ma", _("the mã định danh is missing")))
            continue
        check_code(cells["ma"], where, "ma", problems)
        if not cells.get("ten"):
            problems.append(Problem(where, "ten", _("the agency's name is missing")))
        if cells.get("ma_qd20"):
            check_qd20(cells["ma_qd20"], where, "ma_qd20", problems)
        found[cells["ma"]] = {key: value for key, value in cells.items() if value}
    if problems:
        raise InvalidRecord(_("the list of agencies has problems: nothing was imported"), problems)
    merged = {**load(root), **found}
    target = path(root)
    text = _("# The agencies documents are exchanged with (mã định danh QCVN 102, name): correspondence exchange "
             "danh-ba import FILE\n") + yaml.safe_dump({"co_quan": [merged[key] for key in sorted(merged)]},
                                                    allow_unicode=True, sort_keys=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    storage.write_atomic({target: text.encode("utf-8")})
    return len(found), target


def entries(root: Path) -> list[dict[str, Any]]:
    return [item for _key, item in sorted(load(root).items())]
