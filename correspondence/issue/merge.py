"""Turn one record and a table of rows (CSV, XLSX, YAML) into many issued documents: a mail merge.

Each row is a record of its own — its unit, secrecy and kind give its series and its Số, ký hiệu —
and goes through the same issuing transaction as any record: every row is checked, composed and
rendered (on every core) before any number is taken; a bad row issues nothing and is named. With
``one_number``, the whole batch takes one number and each row is a personalised copy.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.issue.documents import document
from correspondence.issue.transaction import Unit, run
from correspondence.records import Row, read_rows
from correspondence.records.tables import columns_hint, identifier
from correspondence.render import FORMATS
from correspondence.validate import COPIES, Loaded, load, load_row, self_contained
from correspondence.validate.body import body_names
from correspondence.validate.schema import VanBan
from correspondence.workspace import find_root, shown


@dataclass(frozen=True)
class Merged:
    """One row of the merge: where it came from, its number and its files."""

    row: str
    so_ky_hieu: str
    files: list[Path]
    failure: str | None = None


# Column titles clerks write, by the name records use (compared without diacritics).
ALIASES = {"ho_va_ten": "ten", "ho_ten": "ten", "ten_khach": "ten", "khach_moi": "ten", "nguoi_nhan": "kinh_gui",
           "noi_gui": "kinh_gui", "kinh_gui_toi": "kinh_gui"}
SETTABLE = tuple(name for name in VanBan.model_fields if name not in ("du_lieu", "phu_luc", "loai", "co_quan"))


def column_names(loaded: Loaded, header: list[str]) -> dict[str, str]:
    """Which name of the record each column fills: its own name, its title without diacritics (``Chức vụ`` →
    ``chuc_vu``), or a title clerks use for it (``Họ và tên`` → ``ten``); columns the record does not use keep
    their title."""
    used = body_names(loaded.record.noi_dung or "") | set(loaded.record.du_lieu) | set(SETTABLE)
    out = {}
    for column in header:
        name = identifier(column)
        out[column] = next((c for c in (column, name, ALIASES.get(name, "")) if c in used), column)
    return out


def _map_columns(loaded: Loaded, rows: list[Row], source: str) -> list[Row]:
    """Rows keyed by the names the record uses; a table none of whose columns the record uses, or a blank cell the
    record needs, is refused — the row and column named, the columns found listed."""
    header = list(dict.fromkeys(column for _w, row in rows for column in row))
    names = column_names(loaded, header)
    body = body_names(loaded.record.noi_dung or "")
    useful = [c for c in header if names[c] in body or names[c] in SETTABLE]
    if not useful:
        raise InvalidRecord(_("invalid rows: nothing was issued"), [Problem(source, "", _(
            "the record uses none of the columns of this table (it uses: {names})").format(
            names=", ".join(sorted(body)) or "—"), columns_hint(header))])
    defaults = set(loaded.record.du_lieu)
    problems = [Problem(where, column, _("empty, but the record uses '{name}'").format(name=names[column]),
                        columns_hint(header))
                for where, row in rows for column in header
                if names[column] in body and names[column] not in defaults and row.get(column) in (None, "")]
    if problems:
        raise InvalidRecord(_("invalid rows: nothing was issued"), problems)
    return [(where, {names[column]: value for column, value in row.items()}) for where, row in rows]


def _records(loaded: Loaded, rows: list[Row]) -> list[Loaded]:
    """A loaded record per row, every problem of every row at once, located at its row."""
    out: list[Loaded] = []
    problems: list[Problem] = []
    for where, row in rows:
        try:
            item = load_row(loaded, where, row)
            document(item, 1, None)
        except InvalidRecord as error:
            problems += error.problems
            continue
        out.append(item)
    if problems:
        raise InvalidRecord(_("invalid rows: nothing was issued"), problems)
    return out


def merge(record: Path | str, data: Path | str, workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = FORMATS, one_number: bool = False,
          workers: int | None = None, progress: Callable[[int, int], None] | None = None,
          lai: bool = False, sheet: str | None = None) -> list[Merged]:
    """Issue one document per row (or one numbered document with a copy per row); number → files for every row."""
    root = Path(workspace) if workspace is not None else find_root(Path(record))
    loaded = load(record, root, check_body=False)
    rows = read_rows(str(data), Path.cwd(), lambda j: f"{data}:{j + 1}", sheet)
    if not rows:
        raise InvalidRecord(_("invalid rows: nothing was issued"), [Problem(str(data), "", _("the file has no rows"))])
    rows = _map_columns(loaded, rows, shown(Path(data)))
    items = _records(loaded, rows)
    count = workers or os.cpu_count() or 1
    if one_number:
        stored = self_contained(loaded) | {COPIES: [dict(row) for _w, row in rows]}
        unit = Unit(loaded, str(data), copies=items, stored=stored, so_luong_ban=len(rows))
        (issued,) = run([unit], root, ngay, register, formats, lai, count, progress)
        per_copy = len(issued.files) // len(items) if issued.files else 0
        return [Merged(where, issued.entry.so_ky_hieu, issued.files[index * per_copy:(index + 1) * per_copy],
                       issued.failure) for index, (where, _row) in enumerate(rows)]
    units = [Unit(item, where) for item, (where, _row) in zip(items, rows, strict=True)]
    done = run(units, root, ngay, register, formats, lai, count, progress)
    return [Merged(unit.where, issued.entry.so_ky_hieu, issued.files, issued.failure)
            for unit, issued in zip(units, done, strict=True)]
