"""Turn allocation requests into rows of the sổ đăng ký văn bản đi, safely under concurrency, and rows back into
entries: allocate, complete, fail, void, annotate, import, and the readings of the book.

One short transaction per number: lock the series, check the date and the year, take ``last + 1``, insert the row
and its event (``batch``: the rows of a mail merge numbered, or completed, in one transaction, each its own event;
nothing taken when one is refused). ``UNIQUE`` constraints are the backstop. Rows change state (issued → completed,
voided, failed) but are never deleted. A row is *pending* between its number and its files; its lease names the live
process that will write them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from correspondence import numbers
from correspondence.errors import Backdated, Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.register.connection import current_user, now
from correspondence.register.leases import Leases
from correspondence.register.listing import Listing
from correspondence.register.rows import Entry, entry_of, searchable
from correspondence.register.search import SearchIndex
from correspondence.register.series import Series, series_key
from correspondence.register.tables import (
    FAILED,
    IMPORTED,
    ISSUED,
    NOTED,
    SIGN_PENDING,
    SIGNED,
    VOIDED,
    entries_t,
    events_t,
    series_t,
    text_t,
)
from correspondence.register.words import register_text

_ENTRY_COLUMNS = [c.name for c in entries_t.columns if c.name != "id"]
_INSERT_ENTRY = entries_t.insert().values({name: bindparam(name) for name in _ENTRY_COLUMNS}).returning(entries_t.c.id)
_SELECT_TAKEN = select(entries_t.c.series).where(and_(entries_t.c.agency == bindparam("k_agency"),
                                                      entries_t.c.year == bindparam("k_year"),
                                                      entries_t.c.so_ky_hieu == bindparam("k_so")))


class OutgoingBook(Series, Leases, SearchIndex, Listing):
    """The sổ đăng ký văn bản đi: numbering, the life of each row, and reading the book."""

    _batch: Connection | None = None  # the transaction of ``batch`` under way

    @contextmanager
    def batch(self, series: Iterable[tuple[str, int, str]] = (), rows: Iterable[int] = ()) -> Iterator[None]:
        """Every ``allocate`` and ``complete`` made inside in ONE transaction (the rows of a mail merge: one commit,
        one sync to disk, not one per row), each still checked and recorded as its own event of the chain, in order;
        a failure takes nothing (the whole transaction is undone). The ``series`` (agency, year, series) and the
        ``rows`` it will write are locked first, each in one order, before any event (the chain's head) is: a
        transaction of one row locks its row or series, then the head, so neither waits on the other."""
        if self._batch is not None:
            yield
            return
        with self._writer(), self.engine.begin() as conn:
            for agency, year, name in sorted(set(series)):
                self._lock_series(conn, agency, year, name)
            ids = sorted(set(rows))
            if ids:
                conn.execute(select(entries_t.c.id).where(entries_t.c.id.in_(ids)).order_by(entries_t.c.id)
                             .with_for_update()).all()
            self._batch = conn
            try:
                yield
            finally:
                self._batch = None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """The transaction of ``batch`` under way, else one of its own."""
        if self._batch is not None:
            yield self._batch
            return
        with self._writer(), self.engine.begin() as conn:
            yield conn

    def allocate(self, agency: str, series: str, ngay: dt.date, ky_hieu: str, fields: dict[str, Any],
                 nam_trong_ky_hieu: bool = False, by: str | None = None, replaces: int | None = None) -> Entry:
        """Take the next number of (agency, year of ``ngay``, series) and insert its row, atomically.

        The row's Số, ký hiệu is ``numbers.so_ky_hieu`` of that number. Refused: a closed year, a date
        before the series' last date (``Backdated``), a Số, ký hiệu the agency already used that year, and
        (``replaces``: the entry a correction replaces) a row that is void, unwritten or already being replaced
        — checked in the transaction that takes the number, under the lock, so two clerks cannot both replace it.
        """
        who = by or current_user()
        values: dict[str, Any] = dict.fromkeys(_ENTRY_COLUMNS)
        values.update({"agency": agency, "year": ngay.year, "series": series, "ngay": ngay.isoformat(),
                       "status": ISSUED, "issued_at": now(), "issued_by": who, "lease": self._hold_lease(), **fields})
        if values.get("record_json"):
            values["content_hash"] = hashlib.sha256(str(values["record_json"]).encode("utf-8")).hexdigest()
        values["tim_kiem"] = searchable(values)
        full_text = str(values.pop("toan_van", "") or "")
        with self._transaction() as conn:
            if replaces is not None:  # its row first, then the series (the order void takes them in)
                self._refuse_unreplaceable(conn, replaces)
            self._refuse_closed(conn, agency, ngay.year)
            state = self._lock_series(conn, agency, ngay.year, series)
            if state.last_date and values["ngay"] < state.last_date:
                raise Backdated(state.last_date, state.last_number)
            number = state.last_number + 1
            so_ky_hieu = numbers.so_ky_hieu(number, ky_hieu, ngay.year, nam_trong_ky_hieu)
            taken = conn.execute(_SELECT_TAKEN, {"k_agency": agency, "k_year": ngay.year, "k_so": so_ky_hieu}).first()
            if taken is not None:
                raise RegisterConflict(_("{number} already exists in {year} (series {series}): number and symbol "
                                         "must be unique in the year").format(number=so_ky_hieu, year=ngay.year,
                                                                               series=taken.series),
                                       [Problem(agency, "", _("give the series its own symbol in the agency profile "
                                                              "(ky_hieu_mat for secret documents)"))])
            self._advance_series(conn, agency, ngay.year, series, number, values["ngay"])
            values.update(number=number, so_ky_hieu=so_ky_hieu)
            entry_id = conn.execute(_INSERT_ENTRY, values).scalar_one()
            if full_text:
                self._index(conn, text_t, entry_id, agency, full_text, so_ky_hieu)
            self._append(conn, agency, entry_id, ISSUED, who, so_ky_hieu, {**values, "id": entry_id}, values["issued_at"])
        return Entry(id=entry_id, **values)

    def _refuse_unreplaceable(self, conn: Connection, entry_id: int) -> Any:
        """Lock the row a correction replaces; refused when it is void, was never written, or another correction
        (written, or being written) already replaces it."""
        old = conn.execute(select(entries_t).where(entries_t.c.id == entry_id).with_for_update()).one()
        if old.status == VOIDED:
            raise RegisterConflict(_("{number} is void ({note}): there is nothing to replace").format(
                number=old.so_ky_hieu, note=old.ghi_chu))
        if old.status != ISSUED or old.files_json is None:
            raise RegisterConflict(_("{number} was not issued (its files were never written): void it instead").format(
                number=old.so_ky_hieu))
        other = conn.execute(select(entries_t.c.so_ky_hieu).where(and_(
            entries_t.c.thay_the == entry_id,
            or_(entries_t.c.status == ISSUED, entries_t.c.files_json.is_not(None))))).first()
        if old.thay_the_boi is not None or other is not None:
            new = other.so_ky_hieu if other is not None else self._row(conn, old.thay_the_boi).so_ky_hieu
            raise RegisterConflict(_("{number} is already replaced by {new}: it cannot be replaced again").format(
                number=old.so_ky_hieu, new=new))
        return old

    def complete(self, entry_id: int, files: list[dict[str, str]] | None, action: str = "completed",
                 note: tuple[int, str] | None = None) -> Entry:
        """Record the written files and their SHA-256 for a numbered row; its lease ends (None: the files are
        to be made again, by ``recover``). ``note`` (a row, a text: the document a đính chính corrects and
        ``Đính chính bằng …``) is added to that row's Ghi chú in the same transaction, unless it holds it already."""
        with self._transaction() as conn:
            self._refuse_unvouched(conn, entry_id)
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(files_json=None if files is None else json.dumps(files), lease=None))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, action, current_user(), None, row)
            if note is not None:
                self._note(conn, *note, current_user())
        return entry_of(row)

    def release(self, entry_id: int) -> Entry:
        """A numbered row whose files could not be written for now (a full disk): it stays pending, its lease ended, so
        that ``recover`` (the next issue, ``register verify``) completes it once the cause is fixed."""
        with self._writer(), self.engine.begin() as conn:
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id).values(lease=None))
            return entry_of(self._row(conn, entry_id))

    def fail(self, entry_id: int, reason: str) -> Entry:
        """A numbered row whose files could not be made: it stays numbered, with the reason, until voided."""
        with self._writer(), self.engine.begin() as conn:
            self._refuse_unvouched(conn, entry_id)
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(status=FAILED, failure=reason, lease=None))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, FAILED, current_user(), reason, row)
        return entry_of(row)

    def void(self, entry_id: int, reason: str, by: str | None = None, replaced_by: int | None = None) -> Entry:
        """Mark a number as not issued: it stays used, the reason goes into Ghi chú (``replaced_by``: the entry of
        the corrected document that replaces it). Voiding the series' latest number gives its date back: the next
        issue may be dated from the last document still valid."""
        with self._writer(), self.engine.begin() as conn:
            entry = self._refuse_unvouched(conn, entry_id)
            if entry.status == VOIDED:
                raise RegisterConflict(_("{number} is already void: {note}").format(number=entry.so_ky_hieu,
                                                                                    note=entry.ghi_chu))
            if replaced_by is None:
                replacing = conn.execute(select(entries_t.c.so_ky_hieu).where(and_(
                    entries_t.c.thay_the == entry_id, entries_t.c.status == ISSUED))).first()
                if replacing is not None:  # its correction voids it, naming itself, once written
                    raise RegisterConflict(_("{number} is already replaced by {new}: it cannot be replaced again")
                                           .format(number=entry.so_ky_hieu, new=replacing.so_ky_hieu))
            else:
                correction = self._row(conn, replaced_by)
                if correction.thay_the != entry_id:
                    raise RegisterConflict(_("{new} does not replace {number}").format(
                        new=correction.so_ky_hieu, number=entry.so_ky_hieu))
            note = f"{entry.ghi_chu}; {reason}" if entry.ghi_chu else reason
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(status=VOIDED, ghi_chu=note, lease=None, thay_the_boi=replaced_by))
            state = self._lock_series(conn, entry.agency, entry.year, entry.series)
            if state.last_number == entry.number:
                valid = conn.execute(select(func.max(entries_t.c.ngay)).where(and_(
                    entries_t.c.agency == entry.agency, entries_t.c.year == entry.year,
                    entries_t.c.series == entry.series, entries_t.c.status != VOIDED))).scalar()
                conn.execute(update(series_t).where(series_key(entry.agency, entry.year, entry.series))
                             .values(last_date=valid))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, VOIDED, by or current_user(), reason, row)
        return entry_of(row)

    def add_signed(self, entry_id: int, item: dict[str, str], by: str | None = None) -> Entry:
        """Record a signed PDF of an issued row (``item``: its path, SHA-256, the role ``ky`` and who signed, when,
        with which certificate) beside its files, as an event of the chain; refused when that role signed already."""
        with self._writer(), self.engine.begin() as conn:
            row, files = self._signable(conn, entry_id, item["ky"],
                                        lambda f: f.get("ky") == item["ky"] and f.get("phu_luc") == item.get("phu_luc"))
            if "phu_luc" not in item:  # the document's signature (not an annex's): a remote request of that role is done
                files = [f for f in files if f.get("cho_ky") != item["ky"]]
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(files_json=json.dumps([*files, item], ensure_ascii=False)))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, SIGNED, by or current_user(),
                         json.dumps(item, ensure_ascii=False, sort_keys=True), row)
        return entry_of(row)

    def add_pending_signature(self, entry_id: int, item: dict[str, Any], by: str | None = None) -> Entry:
        """Record a remote signature prepared for an issued row (``item``: the prepared PDF's path and SHA-256, the role
        ``cho_ky``, what completing it needs) among its files, replacing a pending one, as an event of the chain."""
        with self._writer(), self.engine.begin() as conn:
            row, files = self._signable(conn, entry_id, item["cho_ky"],
                                        lambda f: f.get("ky") == item["cho_ky"] and "phu_luc" not in f)
            files = [f for f in files if "cho_ky" not in f]
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(files_json=json.dumps([*files, item], ensure_ascii=False)))
            row = self._row(conn, entry_id)
            shown = {key: item[key] for key in ("path", "sha256", "cho_ky", "nguoi", "luc", "serial", "hash")
                     if key in item}
            self._append(conn, row.agency, entry_id, SIGN_PENDING, by or current_user(),
                         json.dumps(shown, ensure_ascii=False, sort_keys=True), row)
        return entry_of(row)

    def _signable(self, conn: Connection, entry_id: int, role: str,
                  signed: Callable[[dict[str, Any]], bool]) -> tuple[Any, list[dict[str, Any]]]:
        """The row to sign (locked, vouched for by the chain) and its files; refused when it is not an issued
        document with its files, or when one of them is ``signed`` already in ``role``."""
        row = self._refuse_unvouched(conn, entry_id)
        files: list[dict[str, Any]] = json.loads(row.files_json or "[]")
        if row.status != ISSUED or row.files_json is None:
            raise RegisterConflict(_("{number} is not an issued document with its files: it cannot be signed")
                                   .format(number=row.so_ky_hieu))
        if any(signed(f) for f in files):
            raise RegisterConflict(_("{number} is already signed ({role})").format(number=row.so_ky_hieu, role=role))
        return row, files

    def annotate(self, entry_id: int, note: str, by: str | None = None) -> Entry:
        """Add ``note`` to a row's Ghi chú (``Đính chính bằng 13/UBND-XD6``), as an event of the chain."""
        with self._writer(), self.engine.begin() as conn:
            return entry_of(self._note(conn, entry_id, note, by or current_user()))

    def _note(self, conn: Connection, entry_id: int, note: str, by: str) -> Any:
        """The row with ``note`` added to its Ghi chú (once: a note it holds already is not repeated; a row the chain
        does not vouch for is left as it is, never re-hashed by a new event: ``register verify`` reports it)."""
        entry = conn.execute(select(entries_t).where(entries_t.c.id == entry_id).with_for_update()).one()
        if note in (entry.ghi_chu or "").split("; ") or not self._vouched(conn, entry):
            return entry
        ghi_chu = f"{entry.ghi_chu}; {note}" if entry.ghi_chu else note
        conn.execute(update(entries_t).where(entries_t.c.id == entry_id).values(ghi_chu=ghi_chu))
        row = self._row(conn, entry_id)
        self._append(conn, row.agency, entry_id, NOTED, by, note, row)
        return row

    def import_entries(self, agency: str, rows: list[dict[str, Any]], by: str | None = None) -> int:
        """Bring in entries of an existing register (all or nothing); the series continue after them."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            for row in rows:
                values = {"agency": agency, "status": IMPORTED, "issued_at": now(), "issued_by": who, **row}
                values["tim_kiem"] = searchable(values)
                state = self._lock_series(conn, agency, values["year"], values["series"])
                try:
                    with conn.begin_nested():
                        entry_id = conn.execute(entries_t.insert().values(**values).returning(entries_t.c.id)).scalar_one()
                except IntegrityError:
                    raise RegisterConflict(_("these numbers are already in the register: {numbers}").format(
                        numbers=values["so_ky_hieu"])) from None
                self._index(conn, text_t, entry_id, agency, register_text(values), values["so_ky_hieu"])
                self._append(conn, agency, entry_id, IMPORTED, who, values["so_ky_hieu"], self._row(conn, entry_id),
                             values["issued_at"])
                last_date = max(filter(None, (state.last_date, values["ngay"])))
                conn.execute(update(series_t).where(series_key(agency, values["year"], values["series"]))
                             .values(last_number=func.max(series_t.c.last_number, values["number"])
                                     if self.sqlite else func.greatest(series_t.c.last_number, values["number"]),
                                     last_date=last_date))
        return len(rows)

    # ------------------------------------------------------------------ reading

    def get(self, entry_id: int) -> Entry:
        with self.engine.connect() as conn:
            return entry_of(self._row(conn, entry_id))

    def find(self, agency: str, so_ky_hieu: str, year: int | None = None, series: str | None = None) -> list[Entry]:
        query = select(entries_t).where(and_(entries_t.c.agency == agency, entries_t.c.so_ky_hieu == so_ky_hieu))
        if year is not None:
            query = query.where(entries_t.c.year == year)
        if series is not None:
            query = query.where(entries_t.c.series == series)
        with self.engine.connect() as conn:
            return [entry_of(r) for r in conn.execute(query.order_by(entries_t.c.year.desc()))]

    def issued_content(self, agency: str, year: int, content_hash: str) -> list[Entry]:
        """Rows of ``year`` (not voided) issued from exactly this record content."""
        query = select(entries_t).where(and_(entries_t.c.agency == agency, entries_t.c.year == year,
                                             entries_t.c.content_hash == content_hash, entries_t.c.status != VOIDED))
        with self.engine.connect() as conn:
            return [entry_of(r) for r in conn.execute(query.order_by(entries_t.c.number))]

    def pending(self, agency: str | None = None) -> list[Entry]:
        """Rows numbered and committed whose files are not recorded (being written, or abandoned)."""
        query = select(entries_t).where(and_(entries_t.c.status == ISSUED, entries_t.c.files_json.is_(None)))
        if agency is not None:
            query = query.where(entries_t.c.agency == agency)
        with self.engine.connect() as conn:
            return [entry_of(r) for r in conn.execute(query.order_by(entries_t.c.id))]

    def unfinished_replacements(self, agency: str | None = None) -> list[tuple[Entry, Entry]]:
        """(correction, replaced) pairs whose correction is issued and written but whose replaced row is not yet
        voided and linked back: a crash between the two steps."""
        query = select(entries_t).where(and_(entries_t.c.thay_the.is_not(None), entries_t.c.status == ISSUED,
                                             entries_t.c.files_json.is_not(None)))
        if agency is not None:
            query = query.where(entries_t.c.agency == agency)
        with self.engine.connect() as conn:
            pairs = [(entry_of(r), entry_of(self._row(conn, r.thay_the))) for r in conn.execute(query.order_by(entries_t.c.id))]
        return [(new, old) for new, old in pairs if old.thay_the_boi is None]

    def issued_here(self, entry_id: int) -> bool:
        """Whether the tool itself numbered this row (a row added outside the tool is never completed by it)."""
        with self.engine.connect() as conn:
            return conn.execute(select(events_t.c.id).where(and_(events_t.c.entry_id == entry_id,
                                                                 events_t.c.action == ISSUED))).first() is not None
