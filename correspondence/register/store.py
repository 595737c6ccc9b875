"""Turn allocation requests into register rows, safely under concurrency: SQLAlchemy Core on SQLite or PostgreSQL.

One short transaction per number: lock the series, check the date, take ``last + 1``, insert the
row. The ``UNIQUE`` constraints are the backstop. Rows change state (issued → voided) but are
never deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from correspondence import numbers
from correspondence.errors import Backdated, RegisterConflict, RegisterUnavailable
from correspondence.register import migrations

_meta = MetaData()
series_t = Table("series", _meta,
                 Column("agency", String(100), primary_key=True), Column("year", Integer, primary_key=True),
                 Column("series", String(100), primary_key=True), Column("last_number", Integer, nullable=False),
                 Column("last_date", String(10)))
entries_t = Table("entries", _meta,
                  Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("agency", String(100)), Column("year", Integer), Column("series", String(100)),
                  Column("number", Integer), Column("so_ky_hieu", String(100)), Column("ngay", String(10)),
                  Column("ten_loai_trich_yeu", Text), Column("nguoi_ky", Text), Column("noi_nhan", Text),
                  Column("don_vi_nhan_ban_luu", Text), Column("so_luong_ban", Integer), Column("ngay_chuyen", String(10)),
                  Column("ky_nhan", Text), Column("ghi_chu", Text), Column("kind", String(40)), Column("status", String(20)),
                  Column("record_json", Text), Column("agency_json", Text), Column("files_json", Text),
                  Column("issued_at", String(40)), Column("issued_by", String(100)), Column("don_vi", String(40)))
events_t = Table("events", _meta,
                 Column("id", Integer, primary_key=True, autoincrement=True), Column("entry_id", Integer),
                 Column("action", String(20)), Column("at", String(40)), Column("by", String(100)), Column("detail", Text))

ISSUED, VOIDED, IMPORTED = "issued", "voided", "imported"

# The allocation path runs thousands of times a second: its statements are built once.
_KEY = and_(series_t.c.agency == bindparam("k_agency"), series_t.c.year == bindparam("k_year"),
            series_t.c.series == bindparam("k_series"))
_SELECT_SERIES = select(series_t).where(_KEY).with_for_update()
_CREATE_SERIES = series_t.insert().values(agency=bindparam("k_agency"), year=bindparam("k_year"),
                                          series=bindparam("k_series"), last_number=0)
_ADVANCE_SERIES = update(series_t).where(_KEY).values(last_number=bindparam("n"), last_date=bindparam("d"))
_ENTRY_COLUMNS = [c.name for c in entries_t.columns if c.name != "id"]
_INSERT_ENTRY = entries_t.insert().values({name: bindparam(name) for name in _ENTRY_COLUMNS}).returning(entries_t.c.id)
# PostgreSQL: the whole allocation in one statement; the Số, ký hiệu is formatted by numbers.sql_so_van_ban,
# the SQL twin of numbers.so_van_ban (a test checks the two agree).
_PG_ALLOCATE = text(f"""
WITH s AS (
  UPDATE series SET last_number = last_number + 1, last_date = :ngay
  WHERE agency = :agency AND year = :year AND series = :series AND (last_date IS NULL OR last_date <= :ngay)
  RETURNING last_number
), e AS (
  INSERT INTO entries ({", ".join(c for c in _ENTRY_COLUMNS)})
  SELECT {", ".join(
      "s.last_number" if c == "number" else
      f"{numbers.sql_so_van_ban('s.last_number')} || :suffix" if c == "so_ky_hieu" else
      f":{c}" for c in _ENTRY_COLUMNS)}
  FROM s
  RETURNING id, number, so_ky_hieu
), v AS (
  INSERT INTO events (entry_id, action, at, by) SELECT id, 'issued', :issued_at, :issued_by FROM e
)
SELECT id, number, so_ky_hieu FROM e
""")
_INSERT_EVENT = events_t.insert().values(entry_id=bindparam("entry_id"), action=bindparam("action"), at=bindparam("at"),
                                         by=bindparam("by"), detail=bindparam("detail"))


@dataclass(frozen=True)
class Entry:
    """One row of the sổ đăng ký văn bản đi (the ten columns first), plus what the tool keeps with it."""

    id: int
    agency: str
    year: int
    series: str
    number: int
    so_ky_hieu: str
    ngay: str
    ten_loai_trich_yeu: str
    nguoi_ky: str
    noi_nhan: str
    don_vi_nhan_ban_luu: str
    so_luong_ban: int | None
    ngay_chuyen: str | None
    ky_nhan: str | None
    ghi_chu: str | None
    kind: str
    status: str
    record_json: str | None
    agency_json: str | None
    files_json: str | None
    issued_at: str
    issued_by: str
    don_vi: str | None = None

    @property
    def files(self) -> list[dict[str, str]]:
        return json.loads(self.files_json) if self.files_json else []

    @property
    def pending(self) -> bool:
        """Numbered and committed, files not yet confirmed (a crash in between): re-render to complete."""
        return self.status == ISSUED and self.files_json is None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("record_json", "agency_json", "files_json")} | {"files": self.files}


def _entry(row: Any) -> Entry:
    return Entry(**{f.name: getattr(row, f.name) for f in fields(Entry)})


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_user() -> str:
    try:
        return os.environ.get("CORRESPONDENCE_USER") or getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no passwd entry
        return str(os.getuid())


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3; a bare path means an SQLite file."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    return url


class Register:
    """The register of outgoing documents of one or more agencies, in one database."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.sqlite = self.url.startswith("sqlite")
        self._lock_path: Path | None = None
        self._lock_handle: Any = None
        if self.sqlite:
            path = Path(self.url.split("sqlite:///", 1)[1])
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_path = path.with_name(path.name + ".lock")
            self.engine: Engine = create_engine(self.url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)
        try:
            with self._writer(), self.engine.begin() as conn:
                if not self.sqlite:
                    conn.execute(func.pg_advisory_xact_lock(727_030_2020))
                migrations.upgrade(conn)
        except OperationalError as error:
            raise RegisterUnavailable(f"{self.describe()}: {error.orig}") from None

    def describe(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _writer(self) -> Iterator[None]:
        """SQLite: a kernel file lock queues writers promptly (SQLite's own busy wait is unfair)."""
        if self._lock_path is None:
            yield
            return
        if self._lock_handle is None:
            self._lock_handle = open(self._lock_path, "a+b")
        fcntl.flock(self._lock_handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ numbering

    def allocate(self, agency: str, series: str, ngay: dt.date, ky_hieu: str, fields: dict[str, Any],
                 nam_trong_ky_hieu: bool = False, by: str | None = None) -> Entry:
        """Take the next number of (agency, year of ``ngay``, series) and insert its row, atomically.

        The row's Số, ký hiệu is ``numbers.so_ky_hieu`` of that number. A date before the series' last
        date is refused (``Backdated``): numbers follow the order of issue.
        """
        who = by or current_user()
        values = dict.fromkeys(_ENTRY_COLUMNS)
        values.update({"agency": agency, "year": ngay.year, "series": series, "ngay": ngay.isoformat(),
                       "status": ISSUED, "issued_at": now(), "issued_by": who, **fields})
        if not self.sqlite:
            found = self._allocate_postgresql(values, numbers.suffix(ky_hieu, ngay.year, nam_trong_ky_hieu))
            if found is not None:
                return found
        with self._writer(), self.engine.begin() as conn:
            state = self._lock_series(conn, agency, ngay.year, series)
            if state.last_date and values["ngay"] < state.last_date:
                raise Backdated(state.last_date, state.last_number)
            number = state.last_number + 1
            conn.execute(_ADVANCE_SERIES, {"k_agency": agency, "k_year": ngay.year, "k_series": series, "n": number,
                                           "d": values["ngay"]})
            values.update(number=number, so_ky_hieu=numbers.so_ky_hieu(number, ky_hieu, ngay.year, nam_trong_ky_hieu))
            entry_id = conn.execute(_INSERT_ENTRY, values).scalar_one()
            conn.execute(_INSERT_EVENT, {"entry_id": entry_id, "action": ISSUED, "at": values["issued_at"], "by": who,
                                         "detail": None})
        return Entry(id=entry_id, **values)  # type: ignore[arg-type]

    def _allocate_postgresql(self, values: dict[str, Any], suffix: str) -> Entry | None:
        """One statement, one round trip: advance the locked series row, insert the entry and its event.

        None when the series does not exist yet or the date goes backwards: the general path decides.
        """
        params = {**values, "suffix": suffix}
        with self.engine.begin() as conn:
            row = conn.execute(_PG_ALLOCATE, params).first()
        if row is None:
            return None
        return Entry(**{**values, "id": row.id, "number": row.number, "so_ky_hieu": row.so_ky_hieu})

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

    def complete(self, entry_id: int, files: list[dict[str, str]] | None, action: str = "completed") -> None:
        """Record the written files and their SHA-256 for a numbered row (None: files not recorded)."""
        with self._writer(), self.engine.begin() as conn:
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(files_json=None if files is None else json.dumps(files)))
            conn.execute(events_t.insert().values(entry_id=entry_id, action=action, at=now(), by=current_user()))

    def void(self, entry_id: int, reason: str, by: str | None = None) -> Entry:
        """Mark a number as not issued: it stays used, the reason goes into Ghi chú."""
        with self._writer(), self.engine.begin() as conn:
            entry = conn.execute(select(entries_t).where(entries_t.c.id == entry_id).with_for_update()).one()
            note = f"{entry.ghi_chu}; {reason}" if entry.ghi_chu else reason
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id).values(status=VOIDED, ghi_chu=note))
            conn.execute(events_t.insert().values(entry_id=entry_id, action=VOIDED, at=now(), by=by or current_user(),
                                                  detail=reason))
        return self.get(entry_id)

    def import_entries(self, agency: str, rows: list[dict[str, Any]], by: str | None = None) -> int:
        """Bring in entries of an existing register (all or nothing); the series continue after them."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            for row in rows:
                values = {"agency": agency, "status": IMPORTED, "issued_at": now(), "issued_by": who, **row}
                state = self._lock_series(conn, agency, values["year"], values["series"])
                try:
                    with conn.begin_nested():
                        entry_id = conn.execute(entries_t.insert().values(**values).returning(entries_t.c.id)).scalar_one()
                except IntegrityError:
                    raise RegisterConflict("duplicate", [values["so_ky_hieu"]]) from None
                conn.execute(events_t.insert().values(entry_id=entry_id, action=IMPORTED, at=values["issued_at"], by=who))
                last_date = max(filter(None, (state.last_date, values["ngay"])))
                conn.execute(update(series_t).where(_series_key(agency, values["year"], values["series"]))
                             .values(last_number=func.max(series_t.c.last_number, values["number"])
                                     if self.sqlite else func.greatest(series_t.c.last_number, values["number"]),
                                     last_date=last_date))
        return len(rows)

    # ------------------------------------------------------------------ reading

    def get(self, entry_id: int) -> Entry:
        with self.engine.connect() as conn:
            return _entry(conn.execute(select(entries_t).where(entries_t.c.id == entry_id)).one())

    def find(self, agency: str, so_ky_hieu: str, year: int | None = None) -> list[Entry]:
        query = select(entries_t).where(and_(entries_t.c.agency == agency, entries_t.c.so_ky_hieu == so_ky_hieu))
        if year is not None:
            query = query.where(entries_t.c.year == year)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query.order_by(entries_t.c.year.desc()))]

    def entries(self, agency: str | None = None, year: int | None = None, series: str | None = None,
                kind: str | None = None, unit: str | None = None, text: str | None = None) -> list[Entry]:
        query = select(entries_t)
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
            query = query.where(func.lower(entries_t.c.ten_loai_trich_yeu).contains(text.lower()))
        query = query.order_by(entries_t.c.agency, entries_t.c.year, entries_t.c.series, entries_t.c.number)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query)]

    def pending(self, agency: str | None = None, older_than: float = 0.0) -> list[Entry]:
        """Rows numbered and committed whose files are not recorded, issued at least ``older_than`` seconds ago."""
        query = select(entries_t).where(and_(entries_t.c.status == ISSUED, entries_t.c.files_json.is_(None)))
        if agency is not None:
            query = query.where(entries_t.c.agency == agency)
        if older_than:
            cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=older_than)).isoformat(timespec="seconds")
            query = query.where(entries_t.c.issued_at <= cutoff)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query.order_by(entries_t.c.id))]

    def series_states(self, agency: str | None = None) -> list[Any]:
        query = select(series_t)
        if agency is not None:
            query = query.where(series_t.c.agency == agency)
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(series_t.c.agency, series_t.c.year, series_t.c.series)))

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return max(migrations.applied(conn), default=0)


def _series_key(agency: str, year: int, series: str) -> Any:
    return and_(series_t.c.agency == agency, series_t.c.year == year, series_t.c.series == series)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")
