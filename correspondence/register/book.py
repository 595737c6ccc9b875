"""Turn a year of register rows into the register book model: the sổ đăng ký văn bản đi as PL IV prints it."""

from __future__ import annotations

from correspondence import model as m
from correspondence.register.store import ASSIGNED, DONE, FAILED, VOIDED, Entry, Handling, Incoming


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _note(status: str, ghi_chu: str | None, failure: str | None = None) -> str:
    """Column Ghi chú: the row's note, marked when its number was voided or its files could not be made."""
    if status == VOIDED:
        return f"ĐÃ HỦY: {ghi_chu or ''}"
    if status == FAILED:
        return f"LỖI, CHƯA PHÁT HÀNH: {failure}"
    return ghi_chu or ""


def build(entries: list[Entry], co_quan_chu_quan: tuple[str, ...], co_quan: tuple[str, ...], nam: int, so: str,
          quyen_so: int = 1, closed: str | None = None, title: str | None = None) -> m.RegisterBook:
    """The cover (agency, the series' own title if it has one, year, from/to dates and numbers, quyển số, the day the
    year was closed) and one row per number, voided and failed included."""
    ordered = sorted(entries, key=lambda e: e.number)
    rows = []
    for entry in ordered:
        note = _note(entry.status, entry.ghi_chu, entry.failure)
        rows.append((entry.so_ky_hieu, _date(entry.ngay), entry.ten_loai_trich_yeu, entry.nguoi_ky, entry.noi_nhan,
                     entry.don_vi_nhan_ban_luu, "" if entry.so_luong_ban is None else str(entry.so_luong_ban),
                     _date(entry.ngay_chuyen), entry.ky_nhan or "", note))
    parent = tuple(line.upper() for line in co_quan_chu_quan)
    agency = tuple(line.upper() for line in co_quan)
    tu_ngay, den_ngay = (_date(ordered[0].ngay), _date(ordered[-1].ngay)) if ordered else ("", "")
    tu_so, den_so = ((ordered[0].so_ky_hieu.split("/")[0], ordered[-1].so_ky_hieu.split("/")[0]) if ordered
                     else ("", ""))
    layout = m.BookLayout() if title is None else m.BookLayout(titles={**m.BOOK_TITLES, so: title.upper()})
    cover = _cover(parent, agency, layout, so, nam, (tu_ngay, den_ngay), (tu_so, den_so), quyen_so, closed)
    return m.RegisterBook(parent, agency, nam, so, f"{quyen_so:02d}", tuple(rows), tu_ngay, den_ngay, tu_so, den_so,
                          cover, layout)


def _cover(parent: tuple[str, ...], agency: tuple[str, ...], layout: m.BookLayout, so: str, nam: int,
           days: tuple[str, str], numbers: tuple[str, str], quyen_so: int, closed: str | None = None
           ) -> tuple[m.CoverLine, ...]:
    """The cover of a register (PL IV §I.1): the agency, the register's title (a series of the agency's own: its name
    under it), the year, the first and last days and numbers in italics, the day it was closed, Quyển số at the foot."""
    title = layout.titles.get(so)
    cover = [*(m.CoverLine(line) for line in parent), *(m.CoverLine(line, bold=True) for line in agency),
             m.CoverLine(title or layout.title, bold=True, title=True)]
    if title is None:
        cover.append(m.CoverLine(f"({so})", bold=True))
    cover += [m.CoverLine(f"Năm: {nam}", italic=True), m.CoverLine(f"Từ ngày {days[0]} đến ngày {days[1]}", italic=True),
              m.CoverLine(f"Từ số {numbers[0]} đến số {numbers[1]}", italic=True)]
    if closed:
        cover.append(m.CoverLine(f"Khóa sổ ngày {_date(closed[:10])}", italic=True))
    cover.append(m.CoverLine(f"Quyển số: {quyen_so:02d}", bold=True, foot=True))
    return tuple(cover)


INCOMING_LAYOUT = m.BookLayout(
    title="SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    titles={"van_ban_den": "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "van_ban_den_mat": "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐẾN"},
    columns=("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
             "Tên loại và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"),
    widths=(20, 12, 34, 28, 20, 56, 32, 20, 16, 29))  # mm: 267, A4 landscape less its margins (PL IV); Ghi chú holds
# the deadline and the outcome of a document assigned


def _handled(item: Incoming, steps: list[Handling]) -> tuple[str, str, str]:
    """Columns 7, 8 and 10 of a số đến: the unit (and person) of its latest assignment and the day it was assigned
    (else what was written on receipt), and its Ghi chú followed by the deadline and the outcome."""
    assigned = [s for s in steps if s.action == ASSIGNED]
    done = [s for s in steps if s.action == DONE]
    note = _note(item.status, item.ghi_chu)
    if not assigned:
        unit, day = item.don_vi_nhan or "", _date(item.ngay_chuyen)
    else:
        last = assigned[-1]
        unit = " – ".join(part for part in (last.don_vi, last.nguoi) if part)
        day = _date(last.ngay)
        note = "; ".join(part for part in (note, f"Hạn giải quyết: {_date(last.han)}" if last.han else "") if part)
    if done:
        outcome = f"Đã giải quyết ngày {_date(done[-1].ngay)}" + (f": {done[-1].ghi_chu}" if done[-1].ghi_chu else "")
        note = "; ".join(part for part in (note, outcome) if part)
    return unit, day, note


def build_incoming(rows: list[Incoming], co_quan_chu_quan: tuple[str, ...], co_quan: tuple[str, ...], nam: int,
                   so: str, quyen_so: int = 1, handling: dict[int, list[Handling]] | None = None) -> m.RegisterBook:
    """The sổ đăng ký văn bản đến of a year: its cover and the ten columns of PL IV, one row per số đến; with the
    assignments and outcomes of ``handling`` (by row id), the unit it went to, when, its deadline and outcome."""
    ordered = sorted(rows, key=lambda r: r.number)
    lines = []
    for item in ordered:
        unit, day, note = _handled(item, (handling or {}).get(item.id, []))
        lines.append((_date(item.ngay_den), str(item.number), item.tac_gia, item.so_ky_hieu or "",
                      _date(item.ngay_van_ban), item.trich_yeu, unit, day, item.ky_nhan or "", note))
    parent = tuple(line.upper() for line in co_quan_chu_quan)
    agency = tuple(line.upper() for line in co_quan)
    tu_ngay, den_ngay = (_date(ordered[0].ngay_den), _date(ordered[-1].ngay_den)) if ordered else ("", "")
    tu_so, den_so = (str(ordered[0].number), str(ordered[-1].number)) if ordered else ("", "")
    cover = _cover(parent, agency, INCOMING_LAYOUT, so, nam, (tu_ngay, den_ngay), (tu_so, den_so), quyen_so)
    return m.RegisterBook(parent, agency, nam, so, f"{quyen_so:02d}", tuple(lines), tu_ngay, den_ngay, tu_so, den_so,
                          cover, INCOMING_LAYOUT)
