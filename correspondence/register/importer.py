"""Turn an existing register kept on paper or in Excel (XLSX or CSV) into register rows, checked row by row."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.kinds import CATALOGUE
from correspondence.numbers import parse_so_ky_hieu
from correspondence.records import read_cells
from correspondence.records.tables import fold

# Each column of the sổ đăng ký văn bản đi and words its header contains (without accents).
HEADERS = (
    ("so_ky_hieu", ("so, ky hieu", "so ky hieu", "so/ky hieu")),
    ("ngay", ("ngay thang",)),
    ("ten_loai_trich_yeu", ("trich yeu",)),
    ("nguoi_ky", ("nguoi ky",)),
    ("noi_nhan", ("noi nhan",)),
    ("don_vi_nhan_ban_luu", ("ban luu",)),
    ("so_luong_ban", ("so luong",)),
    ("ngay_chuyen", ("ngay chuyen",)),
    ("ky_nhan", ("ky nhan",)),
    ("ghi_chu", ("ghi chu",)),
)
REQUIRED = ("so_ky_hieu", "ngay", "ten_loai_trich_yeu")
_ABBREVIATIONS = {kind.viet_tat: kind.code for kind in CATALOGUE if kind.viet_tat}


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    return dt.date.fromisoformat(text)


def _positions(header: list[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        plain = fold(title or "")
        for name, words in HEADERS:
            if name not in positions and any(word in plain for word in words):
                positions[name] = index
                break
    return positions


def read(path: Path, series: str, display: str | None = None, sheet: str | None = None) -> list[dict[str, Any]]:
    """Every row of ``path`` as register columns (the first visible sheet, or ``sheet``; the header found below any
    title rows); every problem at once, located ``file:row``."""
    source = display or str(path)
    if not path.is_file():
        raise InvalidRecord(_("invalid register file"), [Problem(source, "", _("file not found"), _("check the path"))])
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise InvalidRecord(_("invalid register file"), [Problem(source, "", _("only .xlsx and .csv files can be imported"))])
    try:
        rows = [(n, r) for n, r in read_cells(path, sheet) if any(str(v).strip() for v in r if v is not None)]
    except InvalidRecord as error:
        raise InvalidRecord(_("invalid register file"), error.problems) from None
    if not rows:
        raise InvalidRecord(_("invalid register file"), [Problem(source, "", _("the file has no rows"))])
    start = next((i for i, (_n, row) in enumerate(rows[:10]) if all(k in _positions(row) for k in REQUIRED)), 0)
    header_line, header = rows[start]
    positions = _positions(header)
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise InvalidRecord(_("invalid register file"), [Problem(f"{source}:{header_line}", name, _(
            "column not found in the header row"), _("expected a header such as 'Số, ký hiệu văn bản'")) for name in missing])
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for line, row in rows[start + 1:]:
        if all(str(v).strip() in ("", "None") for v in row if v is not None) or fold(str(row[0] or "")).startswith("("):
            continue  # blank rows and the (1) … (10) numbering row

        def cell(name: str, row: list[Any] = row) -> Any:
            index = positions.get(name)
            value = row[index] if index is not None and index < len(row) else None
            return value.strip() if isinstance(value, str) else value

        where = f"{source}:{line}"
        values: dict[str, Any] = {"series": series}
        try:
            number, ky_hieu, year_in_symbol = parse_so_ky_hieu(str(cell("so_ky_hieu") or ""))
            values.update(number=number, so_ky_hieu=str(cell("so_ky_hieu")).strip())
            first = ky_hieu.split("-")[0]
            values["kind"] = _ABBREVIATIONS.get(first, "cong_van")
            values["don_vi"] = ky_hieu.rsplit("-", 1)[1] if values["kind"] == "cong_van" and "-" in ky_hieu else None
        except ValueError:
            problems.append(Problem(where, "so_ky_hieu", _("expected a number and symbol such as 3018/UBND-XD6, got '{value}'")
                                    .format(value=cell("so_ky_hieu") or "")))
        try:
            day = _date(cell("ngay"))
            values.update(ngay=day.isoformat(), year=day.year)
        except (ValueError, TypeError):
            problems.append(Problem(where, "ngay", _("expected a date such as 07/05/2019 or 2019-05-07, got '{value}'")
                                    .format(value=cell("ngay") or "")))
        if not cell("ten_loai_trich_yeu"):
            problems.append(Problem(where, "ten_loai_trich_yeu", _("must not be empty")))
        copies = cell("so_luong_ban")
        if copies not in (None, ""):
            try:
                values["so_luong_ban"] = int(copies)
            except (TypeError, ValueError):
                problems.append(Problem(where, "so_luong_ban", _("must be a whole number, got '{value}'").format(value=copies)))
        chuyen = cell("ngay_chuyen")
        if chuyen not in (None, ""):
            try:
                values["ngay_chuyen"] = _date(chuyen).isoformat()
            except (ValueError, TypeError):
                problems.append(Problem(where, "ngay_chuyen", _("expected a date such as 07/05/2019 or 2019-05-07, got '{value}'")
                                        .format(value=chuyen)))
        for name in ("ten_loai_trich_yeu", "nguoi_ky", "noi_nhan", "don_vi_nhan_ban_luu", "ky_nhan", "ghi_chu"):
            value = cell(name)
            values[name] = unicodedata.normalize("NFC", str(value)) if value not in (None, "") else (
                None if name in ("ky_nhan", "ghi_chu") else "")
        values["_line"] = where
        out.append(values)
    problems += _consistency(out)
    if problems:
        raise InvalidRecord(_("invalid register file"), problems)
    for values in out:
        values.pop("_line")
    return out


def _consistency(rows: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    complete = [r for r in rows if "number" in r and "year" in r]
    years = sorted({r["year"] for r in complete})
    if len(years) > 1:
        problems.append(Problem(complete[0]["_line"].rsplit(":", 1)[0], "ngay", _(
            "the file mixes several years ({years}): import one year at a time").format(
            years=", ".join(map(str, years)))))
    seen: dict[int, str] = {}
    for row in complete:
        if row["number"] in seen:
            problems.append(Problem(row["_line"], "so_ky_hieu", _("number {number} appears twice (also at {other})")
                                    .format(number=row["number"], other=seen[row["number"]])))
        seen.setdefault(row["number"], row["_line"])
    ordered = sorted(complete, key=lambda r: r["number"])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after["ngay"] < before["ngay"]:
            problems.append(Problem(after["_line"], "ngay", _("dated {date}, before the previous number ({previous})")
                                    .format(date=after["ngay"], previous=before["ngay"])))
    return problems
