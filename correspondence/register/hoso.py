"""Turn the year's danh mục hồ sơ into rows: a hồ sơ opened, the documents issued or received filed in it in their
order, closed, decided for destruction; and those rows back into ``HoSo`` records, audited against their events."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, func, select, update
from sqlalchemy.exc import IntegrityError

from correspondence.errors import Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.register.connection import current_user, now
from correspondence.register.events import EventChain
from correspondence.register.rows import Entry, HoSo, Incoming, entry_of, ho_so_of, incoming_of
from correspondence.register.tables import (
    CLOSED_FILE,
    DESTROYED_FILE,
    DESTRUCTION,
    HO_SO_CHAINED,
    HO_SO_CLOSED,
    HO_SO_CREATED,
    HO_SO_FILED,
    OPEN,
    entries_t,
    filed_den_t,
    filed_t,
    ho_so_t,
    incoming_t,
)


class HoSoBook(EventChain):
    """The hồ sơ of each year and the documents filed in them."""

    def ho_so_create(self, agency: str, values: dict[str, Any], by: str | None = None) -> HoSo:
        """Open a hồ sơ; refused when its symbol is taken that year."""
        who = by or current_user()
        row = {"agency": agency, "status": OPEN, "mo_luc": now(), "dong_luc": None, **values}
        with self._writer(), self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    new_id = conn.execute(ho_so_t.insert().values(row).returning(ho_so_t.c.id)).scalar_one()
            except IntegrityError:
                raise RegisterConflict(_("the hồ sơ {symbol} of {year} already exists").format(
                    symbol=values["ky_hieu"], year=values["nam"])) from None
            self._append(conn, agency, 0, HO_SO_CREATED, who, json.dumps({**values, "id": new_id}, ensure_ascii=False,
                                                                          sort_keys=True))
            return ho_so_of(conn.execute(select(ho_so_t).where(ho_so_t.c.id == new_id)).one())

    def ho_so(self, agency: str, ky_hieu: str, nam: int | None = None) -> list[HoSo]:
        query = select(ho_so_t).where(and_(ho_so_t.c.agency == agency, ho_so_t.c.ky_hieu == ky_hieu))
        if nam is not None:
            query = query.where(ho_so_t.c.nam == nam)
        with self.engine.connect() as conn:
            return [ho_so_of(r) for r in conn.execute(query.order_by(ho_so_t.c.nam.desc()))]

    def ho_so_list(self, agency: str, nam: int | None = None) -> list[HoSo]:
        query = select(ho_so_t).where(ho_so_t.c.agency == agency)
        if nam is not None:
            query = query.where(ho_so_t.c.nam == nam)
        with self.engine.connect() as conn:
            return [ho_so_of(r) for r in conn.execute(query.order_by(ho_so_t.c.nam, ho_so_t.c.ky_hieu))]

    def ho_so_add(self, ho_so: HoSo, entry: Entry | Incoming, by: str | None = None) -> int:
        """File a document, issued or received, in an open hồ sơ; its place in the hồ sơ (1, 2 …)."""
        who = by or current_user()
        received = isinstance(entry, Incoming)
        table, column = (filed_den_t, filed_den_t.c.den_id) if received else (filed_t, filed_t.c.entry_id)
        name = f"số đến {entry.number}" if isinstance(entry, Incoming) else entry.so_ky_hieu
        with self._writer(), self.engine.begin() as conn:
            state = conn.execute(select(ho_so_t.c.status).where(ho_so_t.c.id == ho_so.id).with_for_update()).scalar_one()
            if state != OPEN:
                raise RegisterConflict(_("the hồ sơ {symbol} is closed: it takes no more documents").format(
                    symbol=ho_so.ky_hieu))
            taken = conn.execute(select(table.c.thu_tu).where(and_(table.c.ho_so_id == ho_so.id,
                                                                   column == entry.id))).first()
            if taken is not None:
                raise RegisterConflict(_("{number} is already in the hồ sơ {symbol} (document {ordinal})").format(
                    number=name, symbol=ho_so.ky_hieu, ordinal=taken.thu_tu))
            last = max((conn.execute(select(func.max(t.c.thu_tu)).where(t.c.ho_so_id == ho_so.id)).scalar() or 0)
                       for t in (filed_t, filed_den_t))
            ordinal = last + 1
            conn.execute(table.insert().values({"ho_so_id": ho_so.id, column.name: entry.id, "thu_tu": ordinal,
                                                "them_luc": now()}))
            self._append(conn, ho_so.agency, 0, HO_SO_FILED, who, json.dumps(
                {"ho_so": ho_so.id, "den" if received else "entry": entry.id, "thu_tu": ordinal}, sort_keys=True))
        return ordinal

    def ho_so_received(self, ho_so: HoSo) -> list[tuple[int, Incoming]]:
        """The received documents of a hồ sơ with their places."""
        query = (select(filed_den_t.c.thu_tu, incoming_t).join(incoming_t, incoming_t.c.id == filed_den_t.c.den_id)
                 .where(filed_den_t.c.ho_so_id == ho_so.id).order_by(filed_den_t.c.thu_tu))
        with self.engine.connect() as conn:
            return [(row.thu_tu, incoming_of(row)) for row in conn.execute(query)]

    def ho_so_close(self, ho_so: HoSo, by: str | None = None) -> HoSo:
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            state = conn.execute(select(ho_so_t.c.status).where(ho_so_t.c.id == ho_so.id).with_for_update()).scalar_one()
            if state != OPEN:
                raise RegisterConflict(_("the hồ sơ {symbol} is already closed").format(symbol=ho_so.ky_hieu))
            conn.execute(update(ho_so_t).where(ho_so_t.c.id == ho_so.id).values(status=CLOSED_FILE, dong_luc=now()))
            self._append(conn, ho_so.agency, 0, HO_SO_CLOSED, who, json.dumps({"ho_so": ho_so.id}))
            return ho_so_of(conn.execute(select(ho_so_t).where(ho_so_t.c.id == ho_so.id)).one())

    def ho_so_documents(self, ho_so: HoSo) -> list[tuple[int, Entry]]:
        """The documents of a hồ sơ in their order."""
        query = (select(filed_t.c.thu_tu, entries_t).join(entries_t, entries_t.c.id == filed_t.c.entry_id)
                 .where(filed_t.c.ho_so_id == ho_so.id).order_by(filed_t.c.thu_tu))
        with self.engine.connect() as conn:
            return [(row.thu_tu, entry_of(row)) for row in conn.execute(query)]

    def ho_so_destruction(self, ho_so: HoSo, decision: str, by: str | None = None) -> HoSo:
        """Record the decision that a closed hồ sơ may be destroyed: its status says so, its documents stay."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            state = conn.execute(select(ho_so_t.c.status).where(ho_so_t.c.id == ho_so.id).with_for_update()).scalar_one()
            if state != CLOSED_FILE:
                raise RegisterConflict(_("the hồ sơ {symbol} is not closed: only a closed hồ sơ can be decided on").format(
                    symbol=ho_so.ky_hieu))
            conn.execute(update(ho_so_t).where(ho_so_t.c.id == ho_so.id).values(status=DESTROYED_FILE))
            self._append(conn, ho_so.agency, 0, DESTRUCTION, who, json.dumps(
                {"ho_so": ho_so.id, "quyet_dinh": decision}, ensure_ascii=False, sort_keys=True))
            return ho_so_of(conn.execute(select(ho_so_t).where(ho_so_t.c.id == ho_so.id)).one())

    def _audit_files(self, conn: Connection, agency: str, events: list[Any]) -> list[Problem]:
        """Hồ sơ and the documents filed in each (in their order), as the events made them: none changed, added or
        deleted outside the tool."""
        files: dict[int, dict[str, Any]] = {}
        filed: dict[int, set[tuple[str, int, int]]] = {}
        for item in events:
            if item.action not in (HO_SO_CREATED, HO_SO_FILED, HO_SO_CLOSED, DESTRUCTION) or not item.detail:
                continue
            detail = json.loads(item.detail)
            if item.action == HO_SO_CREATED:
                files[int(detail["id"])] = {name: detail.get(name) for name in HO_SO_CHAINED} | {"status": OPEN}
            elif int(detail["ho_so"]) in files and item.action != HO_SO_FILED:
                files[int(detail["ho_so"])]["status"] = CLOSED_FILE if item.action == HO_SO_CLOSED else DESTROYED_FILE
            elif item.action == HO_SO_FILED:
                kind = "den" if "den" in detail else "entry"
                filed.setdefault(int(detail["ho_so"]), set()).add((kind, int(detail[kind]), int(detail["thu_tu"])))
        rows = {r.id: r for r in conn.execute(select(ho_so_t).where(ho_so_t.c.agency == agency))}
        ids = set(rows) | set(files)
        found: dict[int, set[tuple[str, int, int]]] = {}
        for table, column, kind in ((filed_t, filed_t.c.entry_id, "entry"), (filed_den_t, filed_den_t.c.den_id, "den")):
            for r in conn.execute(select(table.c.ho_so_id, column, table.c.thu_tu).where(table.c.ho_so_id.in_(ids))):
                found.setdefault(r.ho_so_id, set()).add((kind, r[1], r.thu_tu))
        problems = []
        hint = _("restore the register from a backup")
        for file_id in sorted(ids):
            row, chained = rows.get(file_id), files.get(file_id)
            seen = chained if row is None else {"ky_hieu": row.ky_hieu, "nam": row.nam}
            named = {"symbol": (seen or {}).get("ky_hieu"), "year": (seen or {}).get("nam")}
            where = f"{agency}/ho-so/{named['symbol']}"
            if chained is None:
                problems.append(Problem(where, "", _("hồ sơ {symbol} ({year}): the row was added outside the tool")
                                        .format(**named), hint))
            elif row is None:
                problems.append(Problem(where, "", _("hồ sơ {symbol} ({year}) was deleted outside the tool").format(
                    **named), hint))
            elif {name: getattr(row, name) for name in (*HO_SO_CHAINED, "status")} != chained:
                problems.append(Problem(where, "", _("hồ sơ {symbol} ({year}): the row was changed outside the tool")
                                        .format(**named), hint))
            if found.get(file_id, set()) != filed.get(file_id, set()):
                problems.append(Problem(where, "", _("hồ sơ {symbol} ({year}): its list of documents was changed "
                                                     "outside the tool").format(**named), hint))
        return problems
