"""Turn the hồ sơ commands (create, import the danh mục, add, close, show, list, due) into register calls: the
hồ sơ (case files) of ND 30 Art. 28–29, their documents in order, and the retention that ends for some of them.

Nothing here deletes anything: ``due`` lists what the retention allows the council to consider, no more."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from correspondence import storage
from correspondence.errors import InvalidRecord, Problem, RegisterConflict, UsageError
from correspondence.i18n import _
from correspondence.records import read_rows
from correspondence.records.tables import columns_hint, fold, identifier
from correspondence.register.queries import find_entry
from correspondence.register.store import (
    CLOSED_FILE,
    INCOMING,
    INCOMING_SECRET,
    VOIDED,
    Entry,
    HoSo,
    Incoming,
)
from correspondence.registers import find_ho_so, open_register
from correspondence.spreadsheet import append_text, csv_bytes
from correspondence.vietnamese import hom_nay
from correspondence.workspace import find_root, shown

PERMANENT = "vinh-vien"
SYMBOL = re.compile(r"^[0-9A-Za-zĐđ][0-9A-Za-zĐđ.\-]{0,39}$")
# TT 05/2025 retention codes (maintenance) [S]: 01 vĩnh viễn, then by years; 07 another period.
RETENTION_CODES = {PERMANENT: "01", "70": "02", "50": "03", "30": "04", "20": "05", "10": "06"}
# Column titles of a danh mục hồ sơ (PL V) and the field each fills, compared without diacritics.
COLUMNS = {"so_va_ky_hieu_ho_so": "ky_hieu", "so_ky_hieu_ho_so": "ky_hieu", "ky_hieu_ho_so": "ky_hieu",
           "ky_hieu": "ky_hieu", "ten_de_muc_va_tieu_de_ho_so": "tieu_de", "tieu_de_ho_so": "tieu_de",
           "tieu_de": "tieu_de", "thoi_han_bao_quan": "thoi_han", "thoi_han_luu_tru": "thoi_han", "thoi_han": "thoi_han",
           "nguoi_lap_ho_so": "nguoi_lap", "nguoi_lap": "nguoi_lap", "don_vi_nguoi_lap": "nguoi_lap",
           "don_vi_nguoi_lap_ho_so": "nguoi_lap", "don_vi": "don_vi"}


@dataclass(frozen=True)
class Listed:
    """A line of the mục lục văn bản (PL V): the document's place, its row (issued, or received) and its pages."""

    thu_tu: int
    entry: Entry | Incoming
    trang: str  # "3-5": the pages it takes in the hồ sơ, counted from its PDFs

    @property
    def so_ky_hieu(self) -> str:
        return self.entry.so_ky_hieu or "" if isinstance(self.entry, Incoming) else self.entry.so_ky_hieu

    @property
    def ngay(self) -> str:
        """The document's own date (a received one: its date, else the day it arrived)."""
        if isinstance(self.entry, Incoming):
            return self.entry.ngay_van_ban or self.entry.ngay_den
        return self.entry.ngay

    @property
    def ten_loai_trich_yeu(self) -> str:
        return self.entry.trich_yeu if isinstance(self.entry, Incoming) else self.entry.ten_loai_trich_yeu

    @property
    def tac_gia(self) -> str | None:
        """(5) Tác giả: the sender of a received document; the agency itself for its own."""
        return self.entry.tac_gia if isinstance(self.entry, Incoming) else None


@dataclass(frozen=True)
class Contents:
    """A hồ sơ and its mục lục văn bản (PL V)."""

    ho_so: HoSo
    documents: list[Listed]

    @property
    def trang(self) -> int:
        """PageTotal: every page of the hồ sơ."""
        last = self.documents[-1].trang.rpartition("-")[2] if self.documents else "0"
        return int(last) if last.isdigit() else 0


def _root(workspace: Path | None) -> Path:
    return workspace if workspace is not None else find_root()


def retention(text: str) -> str | None:
    """``vinh-vien`` or a number of years as text (``10``) from what a clerk writes ("Vĩnh viễn", "20 năm", "10")."""
    folded = fold(text).replace("-", " ")
    if folded in ("vinh vien", "vv"):
        return PERMANENT
    match = re.fullmatch(r"(\d{1,3})(?: nam)?", folded)
    return str(int(match.group(1))) if match and int(match.group(1)) > 0 else None


def retention_text(value: str) -> str:
    return "Vĩnh viễn" if value == PERMANENT else f"{value} năm"


def _values(ky_hieu: str, tieu_de: str, thoi_han: str, nam: int | None, don_vi: str | None, nguoi_lap: str | None,
            where: str) -> tuple[dict[str, object] | None, list[Problem]]:
    problems = []
    if not SYMBOL.fullmatch(ky_hieu.strip()):
        problems.append(Problem(where, "ky_hieu", _("'{symbol}' is not a hồ sơ number and symbol such as 01.VP").format(
            symbol=ky_hieu)))
    if not tieu_de.strip():
        problems.append(Problem(where, "tieu_de", _("the title is empty")))
    kept = retention(thoi_han)
    if kept is None:
        problems.append(Problem(where, "thoi_han", _("'{value}' is not a retention: a number of years or vinh-vien").format(
            value=thoi_han)))
    year = nam or hom_nay().year
    if problems:
        return None, problems
    return {"ky_hieu": ky_hieu.strip(), "tieu_de": " ".join(tieu_de.split()), "thoi_han": kept, "nam": year,
            "don_vi": don_vi or None, "nguoi_lap": nguoi_lap or None}, []


def create(workspace: Path | None, ky_hieu: str, tieu_de: str, thoi_han: str, nam: int | None = None, don_vi: str | None = None,
           nguoi_lap: str | None = None, agency: str | None = None, register_url: str | None = None) -> HoSo:
    """Open a hồ sơ of the year's danh mục."""
    values, problems = _values(ky_hieu, tieu_de, thoi_han, nam, don_vi, nguoi_lap, "ho-so create")
    if values is None:
        raise InvalidRecord(_("invalid hồ sơ: nothing was written"), problems)
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        return register.ho_so_create(agency, values)


def import_file(workspace: Path | None, path: Path, nam: int | None = None, agency: str | None = None,
                register_url: str | None = None, sheet: str | None = None) -> list[HoSo]:
    """Open every hồ sơ of a danh mục hồ sơ (XLSX, CSV): all or nothing, every problem located at its row.
    Heading rows (a title without a number and symbol) are skipped."""
    name = shown(path)
    rows = read_rows(str(path), Path.cwd(), lambda j: f"{name}:{j + 1}", sheet)
    header = list(dict.fromkeys(column for _w, row in rows for column in row))
    mapping = {column: COLUMNS[identifier(column)] for column in header if identifier(column) in COLUMNS}
    missing = {"ky_hieu", "tieu_de", "thoi_han"} - set(mapping.values())
    if missing:
        raise InvalidRecord(_("invalid danh mục hồ sơ: nothing was imported"), [Problem(
            name, ", ".join(sorted(missing)), _("columns missing: Số và ký hiệu hồ sơ, Tiêu đề hồ sơ, Thời hạn bảo quản"),
            columns_hint(header))])
    wanted: list[dict[str, object]] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for where, row in rows:
        got = {field: str(row[column]).strip() if row.get(column) is not None else "" for column, field in mapping.items()}
        if not got.get("ky_hieu"):
            continue  # a heading row: "I. TÊN ĐỀ MỤC LỚN"
        values, found = _values(got["ky_hieu"], got.get("tieu_de", ""), got.get("thoi_han", ""), nam,
                                got.get("don_vi"), got.get("nguoi_lap"), where)
        symbol = got["ky_hieu"]
        if symbol in seen:
            found.append(Problem(where, "ky_hieu", _("{symbol} is already on row {row}").format(
                symbol=symbol, row=seen[symbol])))
        seen.setdefault(symbol, where)
        problems += found
        if values is not None:
            wanted.append(values)
    if problems or not wanted:
        raise InvalidRecord(_("invalid danh mục hồ sơ: nothing was imported"),
                            problems or [Problem(name, "", _("the file has no rows"))])
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        taken = [values for values in wanted if register.ho_so(agency, str(values["ky_hieu"]), int(str(values["nam"])))]
        if taken:
            raise RegisterConflict(_("already in the register, nothing was imported: {symbols}").format(
                symbols=", ".join(str(v["ky_hieu"]) for v in taken)))
        return [register.ho_so_create(agency, values) for values in wanted]


def add(workspace: Path | None, ky_hieu: str, so_ky_hieu: str | None = None, nam: int | None = None,
        agency: str | None = None, register_url: str | None = None, year: int | None = None,
        den: int | None = None, den_mat: bool = False) -> tuple[HoSo, Entry | Incoming, int]:
    """File an issued document (``so_ky_hieu``) or a received one (số đến ``den`` of ``year``) in an open hồ sơ;
    the hồ sơ, the document and its place."""
    if (so_ky_hieu is None) == (den is None):
        raise UsageError(_("give the number of an issued document, or --den with a số đến"))
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        ho_so = find_ho_so(register, agency, ky_hieu, nam)
        entry: Entry | Incoming
        if den is not None:
            found = register.incoming(agency, year or ho_so.nam, INCOMING_SECRET if den_mat else INCOMING, den)
            if not found:
                raise RegisterConflict(_("số đến {number} is not in the incoming register of {year}").format(
                    number=den, year=year or ho_so.nam))
            entry = found[0]
        else:
            entry = find_entry(register, agency, so_ky_hieu or "", year)
        if entry.status == VOIDED:
            raise RegisterConflict(_("{number} is void: it is not filed").format(
                number=f"số đến {den}" if den is not None else so_ky_hieu))
        return ho_so, entry, register.ho_so_add(ho_so, entry)


def close(workspace: Path | None, ky_hieu: str, nam: int | None = None, agency: str | None = None,
          register_url: str | None = None) -> HoSo:
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        return register.ho_so_close(find_ho_so(register, agency, ky_hieu, nam))


def show(workspace: Path | None, ky_hieu: str, nam: int | None = None, agency: str | None = None,
         register_url: str | None = None) -> Contents:
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        ho_so = find_ho_so(register, agency, ky_hieu, nam)
        filed: list[tuple[int, Entry | Incoming]] = [*register.ho_so_documents(ho_so), *register.ho_so_received(ho_so)]
        register.record_access(agency, f"ho-so show {ho_so.ky_hieu} ({ho_so.nam})")
    listed, page = [], 0
    for thu_tu, entry in sorted(filed, key=lambda item: item[0]):
        count = sum(pages(_root(workspace) / item["path"]) for item in entry.files
                    if item["path"].endswith(".pdf") and "ky" not in item)  # a signed copy adds no page
        listed.append(Listed(thu_tu, entry, f"{page + 1}-{page + count}" if count > 1 else
                             str(page + 1) if count else "—"))
        page += count
    return Contents(ho_so, listed)


def pages(path: Path) -> int:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError):
        return 0


def list_all(workspace: Path | None, nam: int | None = None, agency: str | None = None,
             register_url: str | None = None) -> list[HoSo]:
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        return register.ho_so_list(agency, nam)


def ends(ho_so: HoSo, last_year: int) -> int | None:
    """The last year of a hồ sơ's retention: counted from the year its work ended (its closing, or its last
    document's year), ``None`` for a permanent one."""
    if ho_so.thoi_han == PERMANENT:
        return None
    return last_year + int(ho_so.thoi_han)


def due(workspace: Path | None, today: dt.date | None = None, agency: str | None = None,
        register_url: str | None = None) -> list[tuple[HoSo, int]]:
    """Closed hồ sơ whose retention has ended (each with its last year of retention); nothing is deleted."""
    today = today or hom_nay()
    register, agency = open_register(_root(workspace), agency, register_url)
    out = []
    with register:
        for ho_so in register.ho_so_list(agency):
            if ho_so.status != CLOSED_FILE:
                continue
            years = [int(e.ngay[:4]) for _n, e in register.ho_so_documents(ho_so)]
            ended = max([int((ho_so.dong_luc or ho_so.mo_luc)[:4]), ho_so.nam, *years])
            last = ends(ho_so, ended)
            if last is not None and today.year > last:
                out.append((ho_so, last))
    return out


DESTRUCTION_COLUMNS = ("STT", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian tài liệu", "Số lượng văn bản",
                       "Thời hạn lưu trữ", "Lý do hủy", "Ghi chú")  # TT 06/2025 PL II: the columns are UNVERIFIED


def destruction_list(workspace: Path | None, out: Path, today: dt.date | None = None, agency: str | None = None,
                     register_url: str | None = None) -> tuple[Path, int]:
    """Write the danh mục tài liệu hết giá trị for the council (XLSX or CSV): every closed hồ sơ whose retention
    ended. Nothing is deleted; the decision is recorded afterwards with ``record_destruction``."""
    import io

    storage.refuse_archived(out, workspace)
    found = due(workspace, today, agency, register_url)
    rows = []
    for index, (h, last) in enumerate(found, 1):
        contents = show(workspace, h.ky_hieu, h.nam, agency, register_url)
        days = sorted(d.ngay[:10] for d in contents.documents)
        span = f"{days[0][:4]}–{days[-1][:4]}" if days else str(h.nam)
        rows.append((str(index), h.ky_hieu, h.tieu_de, span, str(len(contents.documents)), retention_text(h.thoi_han),
                     f"Hết thời hạn lưu trữ (năm {last})", ""))
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Danh mục hết giá trị"
        append_text(sheet, ["DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ"])
        append_text(sheet, DESTRUCTION_COLUMNS)
        for row in rows:
            append_text(sheet, [str(cell) for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    else:
        data = csv_bytes([DESTRUCTION_COLUMNS, *rows])
    storage.write_new(out, data)
    return out, len(rows)


def record_destruction(workspace: Path | None, ky_hieu: str, decision: str, nam: int | None = None,
                       agency: str | None = None, register_url: str | None = None) -> HoSo:
    """Record the decision (its number and date) that a closed hồ sơ whose retention ended may be destroyed; the
    tool deletes nothing: the files stay until the people charged with it destroy them."""
    if not decision.strip():
        raise RegisterConflict(_("give the decision with --quyet-dinh (its number and date)"))
    register, agency = open_register(_root(workspace), agency, register_url)
    with register:
        return register.ho_so_destruction(find_ho_so(register, agency, ky_hieu, nam), decision.strip())
