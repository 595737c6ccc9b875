"""Turn documents received into rows of the sổ đăng ký văn bản đến, numbered in the order of receipt (secret ones in
their own sequence), and those rows back into ``Incoming`` records; and audit them against the events they made."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, and_, select, update

from correspondence.errors import Backdated, Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.register.connection import current_user, now
from correspondence.register.rows import (
    Handling,
    Incoming,
    handling_hash,
    handling_of,
    incoming_hash,
    incoming_of,
    received_hashes,
)
from correspondence.register.search import SearchIndex
from correspondence.register.series import Series
from correspondence.register.tables import (
    ASSIGNED,
    DONE,
    INCOMING,
    INCOMING_SECRET,
    INCOMING_VOIDED,
    ISSUED,
    RECEIVED,
    VOIDED,
    files_den_t,
    handling_t,
    incoming_t,
    text_den_t,
)


class IncomingBook(Series, SearchIndex):
    """The sổ đăng ký văn bản đến: receiving, voiding and reading its rows."""

    def receive(self, agency: str, ngay_den: dt.date, values: dict[str, Any], secret: bool = False,
                by: str | None = None) -> Incoming:
        """Take the next số đến of the year (secret documents in their own sequence) and record the row, atomically;
        numbers follow the order of receipt (a day before the last is refused)."""
        who = by or current_user()
        series = INCOMING_SECRET if secret else INCOMING
        row = {"agency": agency, "year": ngay_den.year, "series": series, "ngay_den": ngay_den.isoformat(),
               "status": ISSUED, "received_at": now(), "received_by": who, "ngay_chuyen": None, "ky_nhan": None,
               **values}
        full_text = str(row.pop("toan_van", "") or "")
        with self._writer(), self.engine.begin() as conn:
            self._refuse_closed(conn, agency, ngay_den.year)
            state = self._lock_series(conn, agency, ngay_den.year, series)
            if state.last_date and row["ngay_den"] < state.last_date:
                raise Backdated(state.last_date, state.last_number)
            number = state.last_number + 1
            self._advance_series(conn, agency, ngay_den.year, series, number, row["ngay_den"])
            row["number"] = number
            new_id = conn.execute(incoming_t.insert().values(row).returning(incoming_t.c.id)).scalar_one()
            hashes = received_hashes(row.get("files_json"))
            if hashes:
                conn.execute(files_den_t.insert(), [{"den_id": new_id, "sha256": h, "agency": agency} for h in hashes])
            stored = conn.execute(select(incoming_t).where(incoming_t.c.id == new_id)).one()
            if full_text:
                self._index(conn, text_den_t, new_id, agency, full_text)
            self._append(conn, agency, 0, RECEIVED, who, json.dumps(
                {"den": new_id, "so": number, "series": series, "hash": incoming_hash(stored)}, sort_keys=True))
        return incoming_of(stored)

    def incoming(self, agency: str, year: int | None = None, series: str | None = None,
                 number: int | None = None) -> list[Incoming]:
        query = select(incoming_t).where(incoming_t.c.agency == agency)
        if year is not None:
            query = query.where(incoming_t.c.year == year)
        if series is not None:
            query = query.where(incoming_t.c.series == series)
        if number is not None:
            query = query.where(incoming_t.c.number == number)
        with self.engine.connect() as conn:
            return [incoming_of(r) for r in conn.execute(query.order_by(incoming_t.c.year, incoming_t.c.series,
                                                                      incoming_t.c.number))]

    def incoming_with_file(self, agency: str, sha256: str) -> list[Incoming]:
        """The rows of an agency, not void, that keep a file of this SHA-256 (the same file received before)."""
        query = (select(incoming_t).select_from(files_den_t.join(incoming_t, incoming_t.c.id == files_den_t.c.den_id))
                 .where(and_(files_den_t.c.agency == agency, files_den_t.c.sha256 == sha256,
                             incoming_t.c.agency == agency, incoming_t.c.status != VOIDED)))
        with self.engine.connect() as conn:
            return [incoming_of(r) for r in conn.execute(query.order_by(incoming_t.c.id))]

    def incoming_void(self, item: Incoming, reason: str, by: str | None = None) -> Incoming:
        """Void a số đến: it stays used, the reason goes into Ghi chú."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            current = conn.execute(select(incoming_t).where(incoming_t.c.id == item.id).with_for_update()).one()
            note = f"{current.ghi_chu}; {reason}" if current.ghi_chu else reason
            conn.execute(update(incoming_t).where(incoming_t.c.id == item.id).values(status=VOIDED, ghi_chu=note))
            stored = conn.execute(select(incoming_t).where(incoming_t.c.id == item.id)).one()
            self._append(conn, item.agency, 0, INCOMING_VOIDED, who, json.dumps(
                {"den": item.id, "reason": reason, "hash": incoming_hash(stored)}, ensure_ascii=False, sort_keys=True))
        return incoming_of(stored)

    def incoming_handle(self, item: Incoming, action: str, ngay: dt.date, values: dict[str, Any],
                        by: str | None = None) -> Handling:
        """Record a step of a received document's life (``ASSIGNED``: don_vi, nguoi, han; ``DONE``: ghi_chu) and its
        event, atomically. Refused for a void số đến, and for one already done (its outcome is final)."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            current = conn.execute(select(incoming_t).where(incoming_t.c.id == item.id).with_for_update()).one()
            if current.status == VOIDED:
                raise RegisterConflict(_("số đến {number} is void: it cannot be assigned or done").format(
                    number=current.number))
            done = conn.execute(select(handling_t).where(and_(handling_t.c.den_id == item.id,
                                                              handling_t.c.action == DONE))).first()
            if done is not None:
                raise RegisterConflict(_("số đến {number} was already done on {date}").format(
                    number=current.number, date=_dmy(done.ngay)))
            row = {"agency": item.agency, "den_id": item.id, "action": action, "don_vi": None, "nguoi": None,
                   "han": None, "ghi_chu": None, **values, "ngay": ngay.isoformat(), "at": now(), "by": who}
            new_id = conn.execute(handling_t.insert().values(row).returning(handling_t.c.id)).scalar_one()
            stored = conn.execute(select(handling_t).where(handling_t.c.id == new_id)).one()
            self._append(conn, item.agency, 0, action, who, json.dumps(
                {"den": item.id, "so": current.number, "xu_ly": new_id, "hash": handling_hash(stored)},
                sort_keys=True))
        return handling_of(stored)

    def incoming_handling(self, agency: str, den_ids: list[int] | None = None) -> list[Handling]:
        """The assignments and outcomes of an agency's received documents (of ``den_ids`` when given), oldest first."""
        query = select(handling_t).where(handling_t.c.agency == agency)
        if den_ids is not None:
            query = query.where(handling_t.c.den_id.in_(den_ids))
        with self.engine.connect() as conn:
            return [handling_of(r) for r in conn.execute(query.order_by(handling_t.c.id))]

    def _audit_handling(self, conn: Connection, agency: str, events: list[Any]) -> list[Problem]:
        """Every assignment and outcome row as its event recorded it: none changed, added or deleted outside the tool."""
        vouched: dict[int, str] = {}
        for item in events:
            if item.action in (ASSIGNED, DONE) and item.detail:
                detail = json.loads(item.detail)
                vouched[int(detail["xu_ly"])] = detail["hash"]
        problems = []
        numbers = {r.id: r.number for r in conn.execute(select(incoming_t.c.id, incoming_t.c.number)
                                                         .where(incoming_t.c.agency == agency))}
        rows = {r.id: r for r in conn.execute(select(handling_t).where(handling_t.c.agency == agency))}
        for row_id, row in sorted(rows.items()):
            where = f"{agency}/xu_ly_den:{row_id}"
            number = numbers.get(row.den_id, row.den_id)
            if row_id not in vouched:
                problems.append(Problem(where, "", _(
                    "số đến {number}: an assignment or outcome was added outside the tool").format(number=number),
                    _("restore the register from a backup")))
            elif handling_hash(row) != vouched[row_id]:
                problems.append(Problem(where, "", _(
                    "số đến {number}: an assignment or outcome was changed outside the tool").format(number=number),
                    _("restore the register from a backup")))
        for _row_id in sorted(set(vouched) - set(rows)):
            problems.append(Problem(f"{agency}/events", "", _(
                "an assignment or outcome of a received document was deleted outside the tool"),
                _("restore the register from a backup")))
        return problems

    def _audit_incoming(self, conn: Connection, agency: str, events: list[Any]) -> list[Problem]:
        """Every incoming row as its last event left it: none changed, added or deleted outside the tool."""
        last: dict[int, str] = {}
        for item in events:
            if item.action in (RECEIVED, INCOMING_VOIDED) and item.detail:
                detail = json.loads(item.detail)
                last[int(detail["den"])] = detail["hash"]
        problems = []
        rows = {r.id: r for r in conn.execute(select(incoming_t).where(incoming_t.c.agency == agency))}
        for row_id, row in sorted(rows.items()):
            if row_id not in last:
                problems.append(Problem(f"{agency}/{row.year}/{row.series}:{row.number}", "", _(
                    "số đến {number}: the row was added outside the tool").format(number=row.number),
                    _("restore the register from a backup")))
            elif incoming_hash(row) != last[row_id]:
                problems.append(Problem(f"{agency}/{row.year}/{row.series}:{row.number}", "", _(
                    "số đến {number}: the row was changed outside the tool since its last event").format(
                    number=row.number), _("restore the register from a backup")))
        for _row_id in sorted(set(last) - set(rows)):
            problems.append(Problem(f"{agency}/events", "", _("an incoming row was deleted outside the tool"),
                                    _("restore the register from a backup")))
        return problems


def _dmy(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
