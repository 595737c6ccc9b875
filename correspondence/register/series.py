"""Turn a series of numbers (agency, year, series) into its locked state, and a year into closed: the last number and
date each series gave, and the years no document may be issued into any more."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from correspondence.errors import Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.register.connection import current_user, now
from correspondence.register.events import EventChain
from correspondence.register.tables import CLOSED, closed_t, series_t
from correspondence.vietnamese import ngay_so

_KEY = and_(series_t.c.agency == bindparam("k_agency"), series_t.c.year == bindparam("k_year"),
            series_t.c.series == bindparam("k_series"))
_SELECT_SERIES = select(series_t).where(_KEY).with_for_update()
_CREATE_SERIES = series_t.insert().values(agency=bindparam("k_agency"), year=bindparam("k_year"),
                                          series=bindparam("k_series"), last_number=0)
_ADVANCE_SERIES = update(series_t).where(_KEY).values(last_number=bindparam("n"), last_date=bindparam("d"))
_SELECT_CLOSED = select(closed_t.c.at).where(and_(closed_t.c.agency == bindparam("k_agency"),
                                                  closed_t.c.year == bindparam("k_year")))


def series_key(agency: str, year: int, series: str) -> Any:
    """The condition naming one series' row."""
    return and_(series_t.c.agency == agency, series_t.c.year == year, series_t.c.series == series)


class Series(EventChain):
    """The series every book numbers from, and the years closed."""

    def _lock_series(self, conn: Connection, agency: str, year: int, series: str) -> Any:
        key = {"k_agency": agency, "k_year": year, "k_series": series}
        state = conn.execute(_SELECT_SERIES, key).first()
        if state is None:
            try:
                with conn.begin_nested():
                    conn.execute(_CREATE_SERIES, key)
            except IntegrityError:
                pass  # another writer created it first; its row lock now orders us
            state = conn.execute(_SELECT_SERIES, key).first()
        return state

    def _advance_series(self, conn: Connection, agency: str, year: int, series: str, number: int, date: str) -> None:
        """Record the number a locked series just gave and its date."""
        conn.execute(_ADVANCE_SERIES, {"k_agency": agency, "k_year": year, "k_series": series, "n": number, "d": date})

    def _refuse_closed(self, conn: Connection, agency: str, year: int) -> None:
        closed = conn.execute(_SELECT_CLOSED, {"k_agency": agency, "k_year": year}).first()
        at = closed.at if closed is not None else self._chain_facts(conn, agency).closed.get(year)
        if at is not None:
            raise RegisterConflict(_("the year {year} of {agency} is closed (since {at}): no document can be issued "
                                     "into it").format(year=year, agency=agency, at=ngay_so(at[:10])))

    def close_year(self, agency: str, year: int, by: str | None = None) -> None:
        """Lock a year: no document can be issued into it any more."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(closed_t.insert().values(agency=agency, year=year, at=now(), by=who))
            except IntegrityError:
                raise RegisterConflict(_("the year {year} of {agency} is already closed").format(
                    year=year, agency=agency)) from None
            self._append(conn, agency, 0, CLOSED, who, str(year))  # 0: an event of no row

    def series_states(self, agency: str | None = None) -> list[Any]:
        query = select(series_t)
        if agency is not None:
            query = query.where(series_t.c.agency == agency)
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(series_t.c.agency, series_t.c.year, series_t.c.series)))

    def closed_years(self, agency: str) -> dict[int, str]:
        """The closed years of an agency and when each was closed: its lock rows, and the years its chain of events
        says were closed (a lock row deleted outside the tool reopens nothing)."""
        with self.engine.connect() as conn:
            years = self._chain_facts(conn, agency).closed
            return years | {r.year: r.at for r in conn.execute(select(closed_t).where(closed_t.c.agency == agency))}

    def _audit_years(self, conn: Connection, agency: str, events: list[Any]) -> list[Problem]:
        """The closed years as the events closed them: no lock row deleted or added outside the tool."""
        closed = {int(item.detail) for item in events if item.action == CLOSED and (item.detail or "").isdigit()}
        locked = {r.year for r in conn.execute(select(closed_t.c.year).where(closed_t.c.agency == agency))}
        problems = []
        for year in sorted(closed - locked):
            problems.append(Problem(f"{agency}/{year}", "", _(
                "the year {year} is closed in the chain of events, but its lock row was deleted outside the tool")
                .format(year=year), _("the year stays closed; restore the register from a backup")))
        for year in sorted(locked - closed):
            problems.append(Problem(f"{agency}/{year}", "", _("the year {year} was marked closed outside the tool")
                                    .format(year=year), _("restore the register from a backup")))
        return problems
