"""Turn the filters of a register listing (year, series, kind, unit, words, days) into queries of the outgoing rows
of an agency: all of them in the book's order, or one page of them, the latest first, with their count."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import and_, func, select

from correspondence.records.tables import fold
from correspondence.register.connection import Database
from correspondence.register.rows import Entry, entry_of
from correspondence.register.tables import entries_t

# What a row keeps to be rendered again and found, and a check of every row does not read: the record it was issued
# from (with its annex tables), the agency's profile, its words for search.
STORED = ("record_json", "agency_json", "tim_kiem")


def _columns(row: Any) -> dict[str, Any]:
    """The fields of an ``Entry`` from a row read without some of its columns (None)."""
    return {f.name: getattr(row, f.name, None) for f in fields(Entry)}


class Listing(Database):
    """Reading the sổ đăng ký văn bản đi: its rows filtered, a page of them, one row of an agency."""

    def get_in(self, agency: str, entry_id: int) -> Entry | None:
        """The row ``entry_id`` when it is one of ``agency``'s, else None (another agency's row is never read)."""
        query = select(entries_t).where(and_(entries_t.c.agency == agency, entries_t.c.id == entry_id))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return entry_of(row) if row is not None else None

    def entries(self, agency: str | None = None, year: int | None = None, series: str | None = None,
                kind: str | None = None, unit: str | None = None, text: str | None = None,
                stored: bool = True) -> list[Entry]:
        """The rows so filtered, in the book's order. ``stored=False``: without what a row keeps to be rendered again
        and found (``STORED``: its record, its agency, its search words, each None), as a check of every row of a
        register of years reads them."""
        columns = list(entries_t.c) if stored else [c for c in entries_t.c if c.name not in STORED]
        query = self._selection(select(*columns), agency, year, series, kind, unit, text)
        query = query.order_by(entries_t.c.agency, entries_t.c.year, entries_t.c.series, entries_t.c.number)
        with self.engine.connect() as conn:
            if stored:
                return [entry_of(r) for r in conn.execute(query)]
            return [Entry(**_columns(r)) for r in conn.execute(query)]

    def entries_page(self, agency: str, offset: int, limit: int, year: int | None = None, kind: str | None = None,
                     unit: str | None = None, text: str | None = None,
                     days: tuple[str, str] | None = None) -> tuple[list[Entry], int]:
        """``limit`` rows from ``offset`` of the agency's rows so filtered (``days``: the first and last ISO day),
        the latest first; and how many rows the filter holds in all. Only those rows are read."""
        query = self._selection(select(entries_t), agency, year, None, kind, unit, text)
        counted = self._selection(select(func.count()).select_from(entries_t), agency, year, None, kind, unit, text)
        if days is not None:
            query = query.where(and_(entries_t.c.ngay >= days[0], entries_t.c.ngay <= days[1] + "~"))
            counted = counted.where(and_(entries_t.c.ngay >= days[0], entries_t.c.ngay <= days[1] + "~"))
        query = query.order_by(entries_t.c.year.desc(), entries_t.c.ngay.desc(), entries_t.c.series,
                               entries_t.c.number.desc()).offset(offset).limit(limit)
        with self.engine.connect() as conn:
            return [entry_of(r) for r in conn.execute(query)], int(conn.execute(counted).scalar() or 0)

    @staticmethod
    def _selection(query: Any, agency: str | None, year: int | None, series: str | None, kind: str | None,
                   unit: str | None, text: str | None) -> Any:
        if agency is not None:
            query = query.where(entries_t.c.agency == agency)
        if year is not None:
            query = query.where(entries_t.c.year == year)
        if series is not None:
            query = query.where(entries_t.c.series == series)
        if kind is not None:
            query = query.where(entries_t.c.kind == kind)
        if unit is not None:
            query = query.where(entries_t.c.don_vi == unit)
        if text is not None:
            query = query.where(entries_t.c.tim_kiem.contains(fold(text), autoescape=True))
        return query
