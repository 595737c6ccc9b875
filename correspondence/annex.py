"""Turn an annex declaration (table spec + CSV/XLSX/YAML rows) into the annex model, every bad row located.

Rows are built in one pass: grouping (I, II … with the group title across the row, STT restarting
in each group), order, check marks, Vietnamese numbers and dates, totals, two-level headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence import vietnamese as vn
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.schema import Bang, PhuLuc

PORTRAIT_WIDTH = m.Page().text_width
LANDSCAPE_WIDTH = m.LANDSCAPE.text_width
_ALIGN = {"trai": "left", "giua": "center", "phai": "right"}
_TRUE = {"x", "1", "true", "có", "co", "yes", "v", "✓"}

Row = tuple[str, dict[str, Any]]  # (where, values)


def _error(problems: list[Problem]) -> InvalidRecord:
    return InvalidRecord(_("invalid annex table"), problems)


def load_spec(spec: Bang | str, base: Path, where: str) -> Bang:
    """The table spec, inline or from a YAML file beside the record."""
    if isinstance(spec, Bang):
        return spec
    from correspondence.records.loader import load_data
    from correspondence.validate import validate

    path = (base / spec) if not Path(spec).is_absolute() else Path(spec)
    located, problems = load_data(path, _shown(path))
    if located is None or problems:
        raise _error(problems or [Problem(where, "bang", _("file not found"))])
    table, problems = validate(located, Bang)
    if table is None:
        raise _error(problems)
    return table


def _shown(path: Path) -> str:
    import os

    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover
        return str(path)


def load_rows(source: str | list[dict[str, Any]], base: Path, where: Callable[[int], str]) -> list[Row]:
    """Rows of data from a .csv, .xlsx or .yaml file, or given inline; each with its location."""
    if isinstance(source, list):
        return [(where(index), dict(row)) for index, row in enumerate(source)]
    path = base / source if not Path(source).is_absolute() else Path(source)
    shown = _shown(path)
    if not path.is_file():
        raise _error([Problem(shown, "", _("file not found"), _("check the path"))])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
    elif suffix == ".csv":
        text = path.read_text("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        table = [list(r) for r in csv.reader(text.splitlines(), dialect)]
    elif suffix in (".yaml", ".yml", ".json"):
        from correspondence.records.loader import load_data

        located, problems = load_data(path, shown)
        if located is None or problems:
            raise _error(problems)
        if not isinstance(located.data, list) or not all(isinstance(r, dict) for r in located.data):
            raise _error([Problem(f"{shown}:1", "", _("expected a list of rows ('- key: value')"))])
        return [(f"{shown}:{located.line((i,))}", r) for i, r in enumerate(located.data)]
    else:
        raise _error([Problem(shown, "", _("table data must be .csv, .xlsx or .yaml"))])
    table = [r for r in table if any(v not in (None, "") for v in r)]
    if len(table) < 2:
        raise _error([Problem(shown, "", _("the file has no rows"))])
    header = [str(h).strip() if h is not None else "" for h in table[0]]
    return [(f"{shown}:{index}", {h: v for h, v in zip(header, row, strict=False) if h})
            for index, row in enumerate(table[1:], start=2)]


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):  # Vietnamese: 1.234.567,5
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    return Decimal(text)


def _format_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return vn.so(int(value))
    return vn.so(float(value))


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value).strip()
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        value = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1))) if match else dt.date.fromisoformat(text)
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def build_table(spec: Bang, rows: list[Row]) -> tuple[m.Table, bool]:
    """The table model and whether it needs a landscape page."""
    if not rows:
        raise _error([Problem("", "", _("the file has no rows"))])
    problems: list[Problem] = []
    keys = {c.khoa for c in spec.cot if c.khoa} | ({spec.nhom_theo} if spec.nhom_theo else set())
    present = set().union(*(r.keys() for _w, r in rows))
    for key in sorted(keys - present):
        problems.append(Problem(rows[0][0].rsplit(":", 1)[0], key, _("column '{key}' is missing from the data").format(
            key=key), _("add it to the header row")))
    if problems:
        raise _error(problems)
    groups: dict[str, list[tuple[str, dict[str, str]]]] = {key: [] for key in spec.nhom}
    for where, values in rows:
        cells: dict[str, str] = {}
        for column in spec.cot:
            if not column.khoa:
                continue
            raw = values.get(column.khoa)
            empty = raw is None or (isinstance(raw, str) and not raw.strip())
            try:
                if empty:
                    cells[column.khoa] = ""
                elif column.kieu == "so":
                    cells[column.khoa] = _format_number(_number(raw))
                elif column.kieu == "dau_x":
                    cells[column.khoa] = "X" if str(raw).strip().lower() in _TRUE else ""
                elif column.kieu == "ngay":
                    cells[column.khoa] = _date(raw)
                else:
                    cells[column.khoa] = vn.nfc(str(raw).strip())
            except (InvalidOperation, ValueError, TypeError):
                kind = _("a number") if column.kieu == "so" else _("a date such as 30/10/2019")
                problems.append(Problem(where, column.khoa, _("must be {kind}, got '{value}'").format(kind=kind, value=raw)))
        if spec.nhom_theo:
            group = str(values.get(spec.nhom_theo, "") or "").strip()
            if group not in groups:
                problems.append(Problem(where, spec.nhom_theo, _("group '{group}' has no title in the spec").format(
                    group=group), _("add it under 'nhom'")))
                continue
        else:
            group = ""
            groups.setdefault("", [])
        groups[group].append((where, cells | {"__raw__": values}))  # type: ignore[operator]
    if problems:
        raise _error(problems)
    return _assemble(spec, groups)


def _sort_key(spec: Bang) -> Callable[[tuple[str, dict[str, Any]]], tuple[Any, ...]]:
    def key(item: tuple[str, dict[str, Any]]) -> tuple[Any, ...]:
        raw = item[1]["__raw__"]
        return tuple((str(raw.get(k, "")) if not isinstance(raw.get(k), (int, float)) else raw.get(k)) for k in spec.sap_xep)

    return key


def _assemble(spec: Bang, groups: dict[str, list[tuple[str, dict[str, Any]]]]) -> tuple[m.Table, bool]:
    columns = spec.cot
    total_width = sum(c.rong for c in columns)
    wide = spec.huong == "ngang" or (spec.huong == "tu_dong" and (total_width > PORTRAIT_WIDTH or len(columns) > 6))
    usable = LANDSCAPE_WIDTH if wide else PORTRAIT_WIDTH
    widths = tuple(round(c.rong * usable / total_width, 2) for c in columns)
    aligns = [_ALIGN[c.can] if c.can else ("center" if c.kieu in ("stt", "dau_x", "ngay") else
                                           "right" if c.kieu == "so" else "left") for c in columns]
    header = _header(spec)
    body: list[m.TableRow] = []
    totals: dict[str, Decimal] = {c.khoa: Decimal(0) for c in columns if c.tong and c.khoa}
    stt_first = columns[0].kieu == "stt"
    printed = [(k, spec.nhom.get(k, "")) for k in groups if groups[k]]  # a group without rows is not printed
    for index, (_key, title) in enumerate(printed):
        items = groups[_key]
        if spec.nhom_theo:
            label = vn.so_la_ma(index + 1)
            if stt_first:
                cells = (m.Cell(label, align="center", bold=True), m.Cell(title, colspan=len(columns) - 1, bold=True))
            else:
                cells = (m.Cell(f"{label}. {title}", colspan=len(columns), bold=True),)
            body.append(m.TableRow(cells, "group"))
        ordered = sorted(items, key=_sort_key(spec)) if spec.sap_xep else items
        number = 0
        for _where, values in ordered:
            given = any(c.kieu == "stt" and c.khoa and values.get(c.khoa) for c in columns)
            number += 0 if given else 1  # a row may print its own STT ("…", "1a"); the count goes on without it
            cells = tuple(m.Cell((values.get(c.khoa or "") or str(number)) if c.kieu == "stt" else values.get(c.khoa or "", ""),
                                 align=a)  # type: ignore[arg-type]
                          for c, a in zip(columns, aligns, strict=True))
            body.append(m.TableRow(cells))
            for key in totals:
                raw = values["__raw__"].get(key)
                if raw not in (None, ""):
                    totals[key] += _number(raw)
    if totals:
        first = next(i for i, c in enumerate(columns) if c.tong)
        cells_t: list[m.Cell] = [m.Cell("Tổng cộng", colspan=max(first, 1), align="center", bold=True)] if first else []
        for column, align in list(zip(columns, aligns, strict=True))[first:]:
            text = _format_number(totals[column.khoa]) if column.tong and column.khoa else ""
            cells_t.append(m.Cell(text, align=align, bold=True))  # type: ignore[arg-type]
        body.append(m.TableRow(tuple(cells_t), "total"))
    return m.Table(widths, header, tuple(body)), wide


def _header(spec: Bang) -> tuple[m.TableRow, ...]:
    columns = spec.cot
    if not any(c.nhom for c in columns):
        return (m.TableRow(tuple(m.Cell(c.ten, align="center", bold=True) for c in columns), "header"),)
    top: list[m.Cell] = []
    bottom: list[m.Cell] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        if column.nhom is None:
            top.append(m.Cell(column.ten, rowspan=2, align="center", bold=True))
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].nhom == column.nhom:
            span += 1
        top.append(m.Cell(column.nhom, colspan=span, align="center", bold=True))
        bottom += [m.Cell(c.ten, align="center", bold=True) for c in columns[index:index + span]]
        index += span
    return (m.TableRow(tuple(top), "header"), m.TableRow(tuple(bottom), "header"))


def build_annexes(declared: list[PhuLuc], base: Path, located: Any, kem_theo: str,
                  file_stem: str) -> tuple[m.PhuLuc, ...]:
    """Every annex of a record; problems of all annexes at once."""
    problems: list[Problem] = []
    out = []
    several = len(declared) > 1
    for index, annex in enumerate(declared):
        try:
            spec = load_spec(annex.bang, base, located.where(("phu_luc", index, "bang")))
            rows = load_rows(annex.du_lieu, base, lambda j, i=index: located.where(("phu_luc", i, "du_lieu", j)))
            if not rows:
                raise _error([Problem(located.where(("phu_luc", index, "du_lieu")), "du_lieu", _("the file has no rows"))])
            table, wide = build_table(spec, rows)
        except InvalidRecord as error:
            problems += error.problems
            continue
        numeral = vn.so_la_ma(index + 1)
        out.append(annex_model(f"Phụ lục {numeral}" if several else "Phụ lục", annex.tieu_de, kem_theo, table, wide,
                               annex.tep_rieng, f"{file_stem}-phu-luc-{numeral}" if several else f"{file_stem}-phu-luc",
                               annex.ghi_chu))
    if problems:
        raise _error(problems)
    return tuple(out)


def annex_model(heading: str, title: str, kem_theo: str, table: m.Table, wide: bool, separate: bool, stem: str,
                ghi_chu: str | None) -> m.PhuLuc:
    from correspondence.metrics import text_width

    width = text_width(kem_theo, 14, italic=True)
    usable = LANDSCAPE_WIDTH if wide else PORTRAIT_WIDTH
    return m.PhuLuc(heading, title.upper(), kem_theo, m.Rule(round(min(width, usable) / 3, 1)), table, wide, separate,
                    stem, ghi_chu)


def kem_theo_line(kind_name: str, so_ky_hieu: str | None, ngay: dt.date | None, agency_name: str) -> str:
    """``(Kèm theo Kế hoạch số 4498/KH-UBND ngày 30/10/2019 của Ủy ban nhân dân tỉnh)``; blanks in a draft."""
    if so_ky_hieu is None or ngay is None:
        return f"(Kèm theo {kind_name} số …/… ngày … tháng … năm … của {agency_name})"
    return f"(Kèm theo {kind_name} số {so_ky_hieu} ngày {vn.ngay_ngan_padded(ngay)} của {agency_name})"


def standalone(annex: m.PhuLuc, metadata: m.Metadata) -> m.Document:
    """A document that holds only ``annex``, printed as a file of its own (``render_*(…, only_annex=0)``)."""
    header = m.Header((), (), m.Rule(0), "", "", m.Rule(0), "", None, None, 0, 0)
    return m.Document(kind="phu_luc", file_stem=annex.file_stem, draft=False, header=header, kinh_gui=None, body=(),
                      chu_ky=m.ChuKy((), ""), noi_nhan=m.NoiNhan("", (), None, (), None), footer=None, metadata=metadata,
                      phu_luc=(annex,))


def for_issued(workspace: Path, so_ky_hieu: str, table: Path, spec_path: Path, title: str | None = None,
               agency: str | None = None, year: int | None = None, register_url: str | None = None,
               formats: tuple[str, ...] = ("docx", "pdf")) -> list[Path]:
    """The annex of a document already in the register: its number and date come from the register."""
    import hashlib
    import json
    import os

    from correspondence.api import render_bytes, write_atomic
    from correspondence.kinds import BY_CODE
    from correspondence.register.service import find_entry, open_register

    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year)
        spec = load_spec(str(spec_path), Path.cwd(), _shown(spec_path))
        rows = load_rows(str(table), Path.cwd(), lambda j: f"{_shown(table)}:{j + 2}")
        built, wide = build_table(spec, rows)
        stored = json.loads(entry.agency_json)["profile"] if entry.agency_json else {}
        agency_name = stored.get("ten_goi") or " ".join(stored.get("ten_co_quan", [])) or agency
        kind = BY_CODE.get(entry.kind)
        parent = "Văn bản" if kind is None or kind.viet_tat is None else kind.ten
        kem_theo = kem_theo_line(parent, entry.so_ky_hieu, dt.date.fromisoformat(entry.ngay), agency_name)
        stem = re.sub(r"[/\\\s]+", "-", entry.so_ky_hieu) + "-phu-luc"
        heading_title = title or spec.tieu_de or "Danh mục"
        annex = annex_model("Phụ lục", heading_title, kem_theo, built, wide, True, stem, None)
        metadata = m.Metadata(title=f"Phụ lục kèm theo {parent} số {entry.so_ky_hieu}", subject=heading_title,
                              author=agency_name, created=dt.datetime.fromisoformat(entry.ngay),
                              identifier=f"{entry.so_ky_hieu} {entry.ngay} phu-luc")
        rendered = render_bytes(standalone(annex, metadata), formats, workspace)
        folder = workspace / "output" / entry.agency / str(entry.year)
        targets = {folder / name: data for name, data in rendered.items()}
        write_atomic(targets)
        files = {f["path"]: f for f in entry.files}
        for path, data in targets.items():
            relative = os.path.relpath(path, workspace)
            files[relative] = {"path": relative, "sha256": hashlib.sha256(data).hexdigest()}
        register.complete(entry.id, list(files.values()), action="annex")
    return list(targets)
