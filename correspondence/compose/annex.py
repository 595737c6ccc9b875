"""Turn an annex (table spec + rows) into the annex model, every bad row located.

Rows are built in one pass: grouping (I, II … with the group title across the row, STT restarting
in each group), order, check marks, Vietnamese numbers and dates, totals, two-level headers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from correspondence import model as m
from correspondence import vietnamese as vn
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.metrics import text_width
from correspondence.records import Row
from correspondence.records.tables import columns_hint, identifier
from correspondence.validate import Annex
from correspondence.validate.schema import Bang

PORTRAIT_WIDTH = m.Page().text_width
LANDSCAPE_WIDTH = m.LANDSCAPE.text_width
_ALIGN = {"trai": "left", "giua": "center", "phai": "right"}
_TRUE = {"x", "1", "true", "có", "co", "yes", "v", "✓"}


def _error(problems: list[Problem]) -> InvalidRecord:
    return InvalidRecord(_("invalid annex table"), problems)


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


def _column_key(column: Any) -> str:
    """The name a column's cells are read under: its ``khoa``, else its title as a name (``Ghi chú`` → ghi_chu)."""
    return str(column.khoa or identifier(column.ten))


def match_columns(spec: Bang, rows: list[Row]) -> tuple[list[Row], list[Problem]]:
    """Rows keyed by the spec's names, as a merge matches its columns: a column of the data is the spec's column whose
    ``khoa`` or title it names, compared folded (``TÊN ĐƠN VỊ``, ``Tên đơn vị``, ``ten_don_vi``); a column the spec
    needs (its ``khoa``, not an STT; the ``nhom_theo``) and the data lacks is a problem naming the columns found and
    those the spec does not use."""
    header = list(dict.fromkeys(title for _w, row in rows for title in row))
    names: dict[str, str] = {}  # folded title or key → the spec's name
    for column in spec.cot:
        for alias in (column.khoa or "", column.ten):
            if alias:
                names.setdefault(identifier(alias), _column_key(column))
    if spec.nhom_theo:
        names.setdefault(identifier(spec.nhom_theo), spec.nhom_theo)
    for name in spec.sap_xep:
        names.setdefault(identifier(name), name)
    mapping: dict[str, str] = {}
    for title in header:  # a title written as the name itself first, then its folded form
        target = title if title in names.values() else names.get(identifier(title))
        if target is not None and target not in mapping.values():
            mapping[title] = target
    needed = {column.khoa: column.ten for column in spec.cot if column.khoa and column.kieu != "stt"}
    if spec.nhom_theo:
        needed.setdefault(spec.nhom_theo, spec.nhom_theo)
    missing = [key for key in needed if key not in mapping.values()]
    problems: list[Problem] = []
    if missing:
        first = rows[0][0].rpartition(":")
        where = f"{first[0]}:{max(int(first[2]) - 1, 1)}" if first[2].isdigit() else rows[0][0]  # the header line
        unknown = [title for title in header if title and title not in mapping]
        hint = columns_hint(header) + ("; " + _("not in the spec: {columns}").format(columns=", ".join(unknown))
                                       if unknown else "")
        problems = [Problem(where, key, _("no column '{title}' ({key}) in the data").format(title=needed[key], key=key),
                            hint) for key in missing]
    return [(where, {mapping.get(title, title): value for title, value in row.items()}) for where, row in rows], problems


def build_table(spec: Bang, rows: list[Row]) -> tuple[m.Table, bool]:
    """The table model and whether it needs a landscape page."""
    if not rows:
        raise _error([Problem("", "", _("the file has no rows"))])
    rows, problems = match_columns(spec, rows)
    if problems:
        raise _error(problems)
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = {key: [] for key in spec.nhom}
    for where, values in rows:
        cells: dict[str, str] = {}
        for column in spec.cot:
            if not column.khoa and column.kieu == "stt":
                continue
            key = _column_key(column)
            raw = values.get(key)
            empty = raw is None or (isinstance(raw, str) and not raw.strip())
            try:
                if empty:
                    cells[key] = ""
                elif column.kieu == "so":
                    cells[key] = _format_number(_number(raw))
                elif column.kieu == "dau_x":
                    cells[key] = "X" if str(raw).strip().lower() in _TRUE else ""
                elif column.kieu == "ngay":
                    cells[key] = _date(raw)
                else:
                    cells[key] = vn.nfc(str(raw).strip())
            except (InvalidOperation, ValueError, TypeError):
                kind = _("a number") if column.kieu == "so" else _("a date such as 30/10/2019")
                problems.append(Problem(where, key, _("must be {kind}, got '{value}'").format(kind=kind, value=raw)))
        if spec.nhom_theo:
            group = str(values.get(spec.nhom_theo, "") or "").strip()
            if group not in groups:
                problems.append(Problem(where, spec.nhom_theo, _("group '{group}' has no title in the spec").format(
                    group=group), _("add it under 'nhom'")))
                continue
        else:
            group = ""
            groups.setdefault("", [])
        groups[group].append((where, {**cells, "__raw__": values}))
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
            cells: tuple[m.Cell, ...]
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
            cells = tuple(m.Cell((values.get(c.khoa or "") or str(number)) if c.kieu == "stt"
                                 else values.get(_column_key(c), ""),
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


def build_annexes(annexes: tuple[Annex, ...], kem_theo: str, file_stem: str,
                  kem_theo_rieng: str | None = None) -> tuple[m.PhuLuc, ...]:
    """Every annex of a record; problems of all annexes at once. An annex in a file of its own (an electronic annex,
    Mẫu 2.2) takes ``kem_theo_rieng``: the number and date left blank, as the signature fills them."""
    problems: list[Problem] = []
    out = []
    several = len(annexes) > 1
    for index, annex in enumerate(annexes):
        try:
            table, wide = build_table(annex.spec, list(annex.rows))
        except InvalidRecord as error:
            problems += error.problems
            continue
        numeral = vn.so_la_ma(index + 1)
        declared = annex.declared
        line = kem_theo_rieng if declared.tep_rieng and kem_theo_rieng else kem_theo
        heading = declared.ten_bang.upper() if declared.ten_bang else f"Phụ lục {numeral}" if several else "Phụ lục"
        out.append(annex_model(heading, declared.tieu_de, line, table, wide,
                               declared.tep_rieng, f"{file_stem}-phu-luc-{numeral}" if several else f"{file_stem}-phu-luc",
                               declared.ghi_chu, upper=not declared.ten_bang))
    if problems:
        raise _error(problems)
    return tuple(out)


def annex_model(heading: str, title: str, kem_theo: str, table: m.Table, wide: bool, separate: bool, stem: str,
                ghi_chu: str | None, upper: bool = True) -> m.PhuLuc:
    """The annex: ``heading`` ("Phụ lục II", or the table's own name "DANH MỤC"), then its title, upper case under
    "Phụ lục" (PL I §III.1), as written under a table's name."""
    width = text_width(kem_theo, m.Sizes().phu_luc, italic=True)
    usable = LANDSCAPE_WIDTH if wide else PORTRAIT_WIDTH
    return m.PhuLuc(heading, title.upper() if upper else title, kem_theo, m.Rule(round(min(width, usable) / 3, 1)),
                    table, wide, separate, stem, ghi_chu)


def kem_theo_line(kind_name: str, so_ky_hieu: str | None, ngay: dt.date | None, agency_name: str) -> str:
    """``(Kèm theo Kế hoạch số 4498/KH-UBND ngày 30/10/2019 của Ủy ban nhân dân tỉnh)``; blanks in a draft."""
    if so_ky_hieu is None or ngay is None:
        return f"(Kèm theo {kind_name} số …/… ngày … tháng … năm … của {agency_name})"
    return f"(Kèm theo {kind_name} số {so_ky_hieu} ngày {vn.ngay_bang_so(ngay)} của {agency_name})"


def standalone(annex: m.PhuLuc, metadata: m.Metadata) -> m.Document:
    """A document that holds only ``annex``, printed as a file of its own (``render_*(…, only_annex=0)``)."""
    header = m.Header((), (), m.Rule(0), "", "", m.Rule(0), "", None, None, 0, 0)
    return m.Document(kind="phu_luc", file_stem=annex.file_stem, draft=False, header=header, kinh_gui=None, body=(),
                      chu_ky=m.ChuKy((), ""), noi_nhan=m.NoiNhan("", (), None, (), None), footer=None, metadata=metadata,
                      phu_luc=(annex,))
