"""Turn allocation requests into register rows, safely under concurrency: SQLAlchemy Core on SQLite or PostgreSQL.

One short transaction per number: lock the series, check the date and the year, take ``last + 1``,
insert the row and its event. ``UNIQUE`` constraints are the backstop. Rows change state (issued →
completed, voided, failed) but are never deleted, and every change is an event chained to the one
before it by SHA-256, so that ``audit`` finds any row or event changed, added or removed outside the
tool. A row is *pending* between its number and its files; its lease names the live process that
will write them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import grp
import hashlib
import json
import os
import pwd
import socket
import sqlite3
import stat
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
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError, NoSuchModuleError, OperationalError

from correspondence import numbers
from correspondence.errors import Backdated, Problem, RegisterConflict, RegisterUnavailable
from correspondence.i18n import _
from correspondence.records.tables import fold
from correspondence.register import migrations
from correspondence.register.chain import KEY_ENV, SEAL, agency_key, event_hash, fingerprint, row_hash
from correspondence.register.words import bounded, index_words, register_text
from correspondence.vietnamese import ngay_so
from correspondence.workspace import file_mode, make_folders, shown

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
                  Column("issued_at", String(40)), Column("issued_by", String(100)), Column("don_vi", String(40)),
                  Column("content_hash", String(64)), Column("failure", Text), Column("lease", String(200)),
                  Column("tim_kiem", Text), Column("thay_the", Integer), Column("thay_the_boi", Integer))
events_t = Table("events", _meta,
                 Column("id", Integer, primary_key=True, autoincrement=True), Column("entry_id", Integer),
                 Column("action", String(20)), Column("at", String(40)), Column("by", String(100)), Column("detail", Text),
                 Column("agency", String(100)), Column("prev_hash", String(64)), Column("row_hash", String(64)),
                 Column("hash", String(64)))
chains_t = Table("chains", _meta, Column("agency", String(100), primary_key=True), Column("last_hash", String(64)))
ho_so_t = Table("ho_so", _meta, Column("id", Integer, primary_key=True, autoincrement=True), Column("agency", String(100)),
                Column("nam", Integer), Column("ky_hieu", String(40)), Column("tieu_de", Text),
                Column("thoi_han", String(20)), Column("don_vi", Text), Column("nguoi_lap", Text),
                Column("status", String(10)), Column("mo_luc", String(40)), Column("dong_luc", String(40)))
filed_t = Table("ho_so_van_ban", _meta, Column("ho_so_id", Integer, primary_key=True),
                Column("entry_id", Integer, primary_key=True), Column("thu_tu", Integer), Column("them_luc", String(40)))
text_t = Table("tim_kiem_van_ban", _meta, Column("entry_id", Integer, primary_key=True), Column("agency", String(100)),
               Column("tu_khoa", Text), Column("toan_van", Text))
incoming_t = Table("van_ban_den", _meta, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("agency", String(100)), Column("year", Integer), Column("series", String(100)),
                   Column("number", Integer), Column("ngay_den", String(10)), Column("tac_gia", Text),
                   Column("so_ky_hieu", String(100)), Column("ngay_van_ban", String(10)), Column("trich_yeu", Text),
                   Column("don_vi_nhan", Text), Column("ngay_chuyen", String(10)), Column("ky_nhan", Text),
                   Column("ghi_chu", Text), Column("do_mat", String(20)), Column("do_khan", String(20)),
                   Column("status", String(20)), Column("files_json", Text), Column("received_at", String(40)),
                   Column("received_by", String(100)))
filed_den_t = Table("ho_so_van_ban_den", _meta, Column("ho_so_id", Integer, primary_key=True),
                    Column("den_id", Integer, primary_key=True), Column("thu_tu", Integer), Column("them_luc", String(40)))
text_den_t = Table("tim_kiem_den", _meta, Column("den_id", Integer, primary_key=True), Column("agency", String(100)),
                   Column("tu_khoa", Text), Column("toan_van", Text))
closed_t = Table("closed_years", _meta, Column("agency", String(100), primary_key=True),
                 Column("year", Integer, primary_key=True), Column("at", String(40)), Column("by", String(100)))

ISSUED, VOIDED, IMPORTED, FAILED = "issued", "voided", "imported", "failed"
OPEN, CLOSED_FILE, DESTROYED_FILE = "mo", "dong", "huy"  # a hồ sơ takes documents while open; "huy": decided
HO_SO_CREATED, HO_SO_FILED, HO_SO_CLOSED = "ho-so-create", "ho-so-add", "ho-so-close"
INCOMING, INCOMING_SECRET = "van_ban_den", "van_ban_den_mat"  # the số đến sequences: one a year, secret ones apart
RECEIVED, INCOMING_VOIDED = "received", "den-voided"
READ = "read"  # a document or the register read through the tool: the access log
DESTRUCTION = "ho-so-destruction"  # the council's decision that a hồ sơ may be destroyed, recorded (nothing deleted)
CLOSED = "close-year"
_HO_SO_CHAINED = ("nam", "ky_hieu", "tieu_de", "thoi_han", "don_vi", "nguoi_lap")  # what a hồ sơ's creation event holds
NOTED = "noted"  # a note added to a row's Ghi chú (the đính chính công văn that corrects it)

_KEY = and_(series_t.c.agency == bindparam("k_agency"), series_t.c.year == bindparam("k_year"),
            series_t.c.series == bindparam("k_series"))
_SELECT_SERIES = select(series_t).where(_KEY).with_for_update()
_CREATE_SERIES = series_t.insert().values(agency=bindparam("k_agency"), year=bindparam("k_year"),
                                          series=bindparam("k_series"), last_number=0)
_ADVANCE_SERIES = update(series_t).where(_KEY).values(last_number=bindparam("n"), last_date=bindparam("d"))
_ENTRY_COLUMNS = [c.name for c in entries_t.columns if c.name != "id"]
_INSERT_ENTRY = entries_t.insert().values({name: bindparam(name) for name in _ENTRY_COLUMNS}).returning(entries_t.c.id)
_LEASE_LOCKS = 727_030  # PostgreSQL advisory-lock namespace of the leases
FOREIGN_LEASE = 24 * 3600.0  # seconds: a pending row of another machine's process on a shared SQLite file
_SELECT_CLOSED = select(closed_t.c.at).where(and_(closed_t.c.agency == bindparam("k_agency"),
                                                  closed_t.c.year == bindparam("k_year")))
_SELECT_FACTS = select(events_t.c.id, events_t.c.action, events_t.c.detail, events_t.c.at).where(and_(
    events_t.c.agency == bindparam("k_agency"), events_t.c.id > bindparam("k_after"),
    events_t.c.action.in_((CLOSED, SEAL)))).order_by(events_t.c.id)
_SELECT_LAST_EVENT = select(func.max(events_t.c.id)).where(events_t.c.agency == bindparam("k_agency"))
_SELECT_TAKEN = select(entries_t.c.series).where(and_(entries_t.c.agency == bindparam("k_agency"),
                                                      entries_t.c.year == bindparam("k_year"),
                                                      entries_t.c.so_ky_hieu == bindparam("k_so")))
_SELECT_HEAD = select(chains_t.c.last_hash).where(chains_t.c.agency == bindparam("k_agency")).with_for_update()
_UPDATE_HEAD = update(chains_t).where(chains_t.c.agency == bindparam("k_agency")).values(last_hash=bindparam("h"))
_EVENT_COLUMNS = ("entry_id", "action", "at", "by", "detail", "agency", "prev_hash", "row_hash", "hash")
_INSERT_EVENT = events_t.insert().values({name: bindparam(name) for name in _EVENT_COLUMNS})


@dataclass(frozen=True)
class _Facts:
    """What the chain says of a register as a whole: the years closed (and when), the seal (its event, key print)."""

    closed: dict[int, str]
    seal: int | None
    sealed_with: str | None


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
    content_hash: str | None = None
    failure: str | None = None
    lease: str | None = None
    tim_kiem: str | None = None
    thay_the: int | None = None  # the entry this corrected document replaces
    thay_the_boi: int | None = None  # the entry of the document that replaced this one

    @property
    def files(self) -> list[dict[str, str]]:
        return json.loads(self.files_json) if self.files_json else []

    @property
    def pending(self) -> bool:
        """Numbered and committed, files not yet confirmed: being written, or interrupted by a crash."""
        return self.status == ISSUED and self.files_json is None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("record_json", "agency_json", "files_json", "lease", "tim_kiem")} | {"files": self.files}


@dataclass(frozen=True)
class HoSo:
    """A hồ sơ (case file) of the year's danh mục: its number and symbol (``01.VP``), title, retention (years, or
    ``vinh-vien``), who keeps it, and whether it still takes documents."""

    id: int
    agency: str
    nam: int
    ky_hieu: str
    tieu_de: str
    thoi_han: str
    don_vi: str | None
    nguoi_lap: str | None
    status: str
    mo_luc: str
    dong_luc: str | None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _ho_so(row: Any) -> HoSo:
    return HoSo(**{f.name: getattr(row, f.name) for f in fields(HoSo)})


@dataclass(frozen=True)
class Incoming:
    """One row of the sổ đăng ký văn bản đến (the ten columns of PL IV first), and the file received."""

    id: int
    agency: str
    year: int
    series: str
    number: int
    ngay_den: str
    tac_gia: str
    so_ky_hieu: str | None
    ngay_van_ban: str | None
    trich_yeu: str
    don_vi_nhan: str | None
    ngay_chuyen: str | None
    ky_nhan: str | None
    ghi_chu: str | None
    do_mat: str | None
    do_khan: str | None
    status: str
    files_json: str | None
    received_at: str
    received_by: str

    @property
    def files(self) -> list[dict[str, str]]:
        return json.loads(self.files_json) if self.files_json else []

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "files_json"} | {"files": self.files}


def _incoming(row: Any) -> Incoming:
    return Incoming(**{f.name: getattr(row, f.name) for f in fields(Incoming)})


def incoming_hash(row: Any) -> str:
    """The SHA-256 of an incoming row's content, as its events record it."""
    values = row if isinstance(row, dict) else row._mapping
    content = {f.name: values.get(f.name) for f in fields(Incoming)}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _entry(row: Any) -> Entry:
    return Entry(**{f.name: getattr(row, f.name) for f in fields(Entry)})


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_user() -> str:
    try:
        return os.environ.get("CORRESPONDENCE_USER") or getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no passwd entry
        return str(os.getuid())


def _process_start() -> str:
    """When this process started (to tell a live process from a later one that reuses its pid)."""
    try:
        return Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


HOST = socket.gethostname() or "host"
LEASE = f"{HOST}:{os.getpid()}:{_process_start()}"


def lease_alive(lease: str | None) -> bool | None:
    """Whether the process named by a lease of this machine is still running (None: another machine's)."""
    if not lease:
        return False
    host, _sep, rest = lease.partition(":")
    pid, _sep, start = rest.partition(":")
    if host != HOST:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(int(pid), 0)
        except (ProcessLookupError, ValueError):
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[1].split()[19] == start


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3; a bare path means an SQLite file."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite register URL (None for another engine)."""
    url = normalise_url(url)
    return Path(url.split("sqlite:///", 1)[1]) if url.startswith("sqlite:///") else None


class Register:
    """The register of outgoing documents of one or more agencies, in one database.

    ``create=False`` (every command but ``register init`` and an issue on first use) opens only a
    register that exists: a missing, empty or foreign file or database is refused, never created.
    """

    def __init__(self, url: str, create: bool = False) -> None:
        self.url = normalise_url(url)
        self.sqlite = self.url.startswith("sqlite")
        self._lock_path: Path | None = None
        self._lock_handle: Any = None
        self._lease_connection: Any = None
        self._facts: dict[str, tuple[int, _Facts]] = {}  # agency → (last event read, what the events said)
        self._writing: Any = None  # the transaction that appended events not yet committed
        self.key = agency_key()
        path = sqlite_path(self.url)
        self.created: Path | None = None  # the SQLite file made by this opening
        if path is not None:
            if not create and not path.is_file():
                raise RegisterUnavailable(_("no register at {path}").format(path=path),
                                          [Problem(str(path), "", _("create it with 'correspondence register init'"))])
            if path.is_file() and path.stat().st_size == 0:
                raise RegisterUnavailable(_("{path} is empty: it is not a register").format(path=path),
                                          [Problem(str(path), "", _("restore it from a backup"))])
            _refuse_unwritable(path)
            if create:
                self._create_file(path)
            self._lock_path = path.with_name(path.name + ".lock")
            self.engine: Engine = create_engine(self.url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            try:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            except (NoSuchModuleError, ImportError, ValueError) as error:
                postgres = self.url.startswith("postgresql")
                hint = (_("install the PostgreSQL driver: pip install 'correspondence[postgresql]'") if postgres else
                        _("a register is sqlite:///path/to/file.sqlite or postgresql://user@host/database"))
                raise RegisterUnavailable(_("cannot open the register {url}: {error}").format(
                    url=self.url.split("@")[-1], error=error), [Problem(self.url.split("@")[-1], "", str(error)[:200],
                                                                       hint)]) from None
        try:
            with self._writer(), self.engine.begin() as conn:
                if not self.sqlite:
                    conn.execute(func.pg_advisory_xact_lock(727_030_2020))
                if not create and not migrations.applied(conn):
                    raise RegisterUnavailable(_("{url} holds no register").format(url=self.describe()),
                                              [Problem(self.describe(), "", _(
                                                  "create it with 'correspondence register init'"))])
                migrations.upgrade(conn)
        except (OperationalError, DatabaseError, sqlite3.DatabaseError) as error:
            self._undo()
            raise RegisterUnavailable(_("cannot open the register {url}: {error}").format(
                url=self.describe(), error=getattr(error, "orig", error))) from None
        except BaseException:
            self._undo()
            raise

    def _create_file(self, path: Path) -> None:
        """A new SQLite file with the mode of the tool's files (SQLite itself would make it 0644 whatever the umask,
        and gives its -wal and -shm files the mode of the database): the clerks of a shared folder's group can
        write it, other users cannot read it."""
        try:
            make_folders(path.parent)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            return
        except OSError as error:
            raise RegisterUnavailable(_("cannot create the register {path}: {error}").format(
                path=shown(path), error=error.strerror or error)) from None
        try:
            os.fchmod(fd, file_mode())
        finally:
            os.close(fd)
        self.created = path

    def _undo(self) -> None:
        """After a failed opening: let go of the database; a file this opening created is taken back."""
        self.engine.dispose()
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None
        if self.created is not None:
            for suffix in ("", "-wal", "-shm", ".lock"):
                with contextlib.suppress(OSError):
                    self.created.with_name(self.created.name + suffix).unlink()

    def describe(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        if self._lease_connection is not None:
            self._lease_connection.close()
            self._lease_connection = None
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
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC,
                         file_mode())
            self._lock_handle = os.fdopen(fd, "a+b")
        fcntl.flock(self._lock_handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ the chain of events

    def _append(self, conn: Connection, agency: str, entry_id: int | None, action: str, by: str,
                detail: str | None = None, row: Any = None, at: str | None = None) -> None:
        """Add an event to the agency's chain: it holds the previous event's hash and the row's content hash. With the
        agency key, a chain not sealed yet is sealed first; the events of a sealed chain are keyed."""
        head = conn.execute(_SELECT_HEAD, {"k_agency": agency}).first()
        if head is None:
            try:
                with conn.begin_nested():
                    conn.execute(chains_t.insert().values(agency=agency, last_hash=""))
            except IntegrityError:
                pass
            head = conn.execute(_SELECT_HEAD, {"k_agency": agency}).one()
        key = self._key_for(self._chain_facts(conn, agency), agency)
        if key is None and self.key is not None:
            if action != SEAL:
                self._append(conn, agency, 0, SEAL, by, fingerprint(self.key))
                head = conn.execute(_SELECT_HEAD, {"k_agency": agency}).one()
            key = self.key
        when = at or now()
        hashed = row_hash(row) if row is not None else ""
        prev = head.last_hash or ""
        digest = event_hash(prev, entry_id, agency, action, when, by, detail, hashed, key)
        conn.execute(_INSERT_EVENT, {"entry_id": entry_id, "action": action, "at": when, "by": by, "detail": detail,
                                     "agency": agency, "prev_hash": prev, "row_hash": hashed, "hash": digest})
        conn.execute(_UPDATE_HEAD, {"k_agency": agency, "h": digest})
        self._writing = conn.get_transaction()

    def _row(self, conn: Connection, entry_id: int) -> Any:
        return conn.execute(select(entries_t).where(entries_t.c.id == entry_id)).one()

    def _vouched(self, conn: Connection, row: Any) -> bool:
        """Whether the chain vouches for a row as it is: its last event is intact and holds its content hash."""
        last = conn.execute(select(events_t).where(events_t.c.entry_id == row.id)
                            .order_by(events_t.c.id.desc()).limit(1)).first()
        if last is None or not last.row_hash or last.row_hash != row_hash(row):
            return False
        facts = self._chain_facts(conn, last.agency)
        keyed = facts.seal is not None and last.id > facts.seal
        if keyed and (self.key is None or fingerprint(self.key) != facts.sealed_with):
            return False
        expected = event_hash(last.prev_hash or "", last.entry_id, last.agency, last.action, last.at, last.by,
                              last.detail, last.row_hash, self.key if keyed else None)
        return bool(last.hash == expected)

    def vouched(self, entry_id: int) -> bool:
        """Whether the chain of events vouches for the row as it is now (never changed outside the tool)."""
        with self.engine.connect() as conn:
            return self._vouched(conn, self._row(conn, entry_id))

    def _refuse_unvouched(self, conn: Connection, entry_id: int) -> Any:
        """The row, locked; refused when it was changed outside the tool: nothing is ever built or recorded over a row
        the chain does not vouch for."""
        row = conn.execute(select(entries_t).where(entries_t.c.id == entry_id).with_for_update()).one()
        if not self._vouched(conn, row):
            raise RegisterConflict(_("{number}: the row was changed outside the tool since its last event").format(
                number=row.so_ky_hieu), [Problem(f"{row.agency}/{row.year}/{row.series}:{row.number}", "",
                                                 _("restore the register from a backup"))])
        return row

    # ------------------------------------------------------------------ numbering

    def _hold_lease(self) -> str:
        """This process's lease; on PostgreSQL also held as a session lock that dies with the process."""
        if not self.sqlite and self._lease_connection is None:
            self._lease_connection = self.engine.connect()
            self._lease_connection.execute(text("SELECT pg_advisory_lock(:ns, hashtext(:lease))"),
                                           {"ns": _LEASE_LOCKS, "lease": LEASE})
            self._lease_connection.commit()
        return LEASE

    def lease_released(self, lease: str | None, since: str | None = None) -> bool:
        """Whether the process holding ``lease`` is gone (its pending rows were abandoned). Another machine's
        process on a shared SQLite file cannot be asked: its rows count as abandoned a day after ``since``."""
        if lease == LEASE:
            return False
        alive = lease_alive(lease)
        if alive is None and self.sqlite:
            issued = dt.datetime.fromisoformat(since) if since else dt.datetime.now(dt.UTC)
            issued = issued if issued.tzinfo else issued.replace(tzinfo=dt.UTC)
            return (dt.datetime.now(dt.UTC) - issued).total_seconds() > FOREIGN_LEASE
        if alive is not None:
            return alive is False
        with self.engine.connect() as conn:
            free = conn.execute(text("SELECT pg_try_advisory_lock(:ns, hashtext(:lease))"),
                                {"ns": _LEASE_LOCKS, "lease": lease}).scalar_one()
            if free:
                conn.execute(text("SELECT pg_advisory_unlock(:ns, hashtext(:lease))"), {"ns": _LEASE_LOCKS, "lease": lease})
            conn.commit()
        return bool(free)

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
        with self._writer(), self.engine.begin() as conn:
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
            conn.execute(_ADVANCE_SERIES, {"k_agency": agency, "k_year": ngay.year, "k_series": series, "n": number,
                                           "d": values["ngay"]})
            values.update(number=number, so_ky_hieu=so_ky_hieu)
            entry_id = conn.execute(_INSERT_ENTRY, values).scalar_one()
            if full_text:
                self._index(conn, text_t, entry_id, agency, full_text, so_ky_hieu)
            self._append(conn, agency, entry_id, ISSUED, who, so_ky_hieu, {**values, "id": entry_id}, values["issued_at"])
        return Entry(id=entry_id, **values)

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

    def _refuse_closed(self, conn: Connection, agency: str, year: int) -> None:
        closed = conn.execute(_SELECT_CLOSED, {"k_agency": agency, "k_year": year}).first()
        at = closed.at if closed is not None else self._chain_facts(conn, agency).closed.get(year)
        if at is not None:
            raise RegisterConflict(_("the year {year} of {agency} is closed (since {at}): no document can be issued "
                                     "into it").format(year=year, agency=agency, at=ngay_so(at[:10])))

    def _chain_facts(self, conn: Connection, agency: str) -> _Facts:
        """What the chain of events says of an agency's register as a whole: the years closed (a lock row deleted
        outside the tool reopens nothing) and the seal. The events are read once, then only those added since (a
        closed year never reopens, a seal stays); what this transaction appended is not remembered until committed."""
        after, facts = self._facts.get(agency, (0, _Facts({}, None, None)))
        last = conn.execute(_SELECT_LAST_EVENT, {"k_agency": agency}).scalar() or 0
        if last > after:
            facts = _Facts(dict(facts.closed), facts.seal, facts.sealed_with)
            for item in conn.execute(_SELECT_FACTS, {"k_agency": agency, "k_after": after}):
                if item.action == CLOSED and (item.detail or "").isdigit():
                    facts.closed.setdefault(int(item.detail), item.at)
                elif item.action == SEAL and facts.seal is None:
                    facts = _Facts(facts.closed, item.id, item.detail)
            if self._writing is None or self._writing is not conn.get_transaction():
                self._facts[agency] = (last, facts)
        return facts

    def _key_for(self, facts: _Facts, agency: str) -> bytes | None:
        """The key new events of a sealed chain are hashed with; refused without it, or with another key."""
        if facts.seal is None:
            return None
        if self.key is None:
            raise RegisterConflict(_("the register of {agency} is sealed with the agency key: nothing can be written "
                                     "without it").format(agency=agency), [Problem(KEY_ENV, "", _(
                                         "set {variable} to the agency key file").format(variable=KEY_ENV))])
        if fingerprint(self.key) != facts.sealed_with:
            raise RegisterConflict(_("the register of {agency} is sealed with another key than {variable} names")
                                   .format(agency=agency, variable=KEY_ENV), [Problem(KEY_ENV, "", _(
                                       "set {variable} to the agency key file").format(variable=KEY_ENV))])
        return self.key

    def complete(self, entry_id: int, files: list[dict[str, str]] | None, action: str = "completed") -> Entry:
        """Record the written files and their SHA-256 for a numbered row; its lease ends (None: the files are
        to be made again, by ``recover``)."""
        with self._writer(), self.engine.begin() as conn:
            self._refuse_unvouched(conn, entry_id)
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(files_json=None if files is None else json.dumps(files), lease=None))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, action, current_user(), None, row)
        return _entry(row)

    def release(self, entry_id: int) -> Entry:
        """A numbered row whose files could not be written for now (a full disk): it stays pending, its lease ended, so
        that ``recover`` (the next issue, ``register verify``) completes it once the cause is fixed."""
        with self._writer(), self.engine.begin() as conn:
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id).values(lease=None))
            return _entry(self._row(conn, entry_id))

    def fail(self, entry_id: int, reason: str) -> Entry:
        """A numbered row whose files could not be made: it stays numbered, with the reason, until voided."""
        with self._writer(), self.engine.begin() as conn:
            self._refuse_unvouched(conn, entry_id)
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id)
                         .values(status=FAILED, failure=reason, lease=None))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, FAILED, current_user(), reason, row)
        return _entry(row)

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
                conn.execute(update(series_t).where(_series_key(entry.agency, entry.year, entry.series))
                             .values(last_date=valid))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, VOIDED, by or current_user(), reason, row)
        return _entry(row)

    def annotate(self, entry_id: int, note: str, by: str | None = None) -> Entry:
        """Add ``note`` to a row's Ghi chú (``Đính chính bằng 13/UBND-XD6``), as an event of the chain."""
        with self._writer(), self.engine.begin() as conn:
            entry = conn.execute(select(entries_t).where(entries_t.c.id == entry_id).with_for_update()).one()
            ghi_chu = f"{entry.ghi_chu}; {note}" if entry.ghi_chu else note
            conn.execute(update(entries_t).where(entries_t.c.id == entry_id).values(ghi_chu=ghi_chu))
            row = self._row(conn, entry_id)
            self._append(conn, row.agency, entry_id, NOTED, by or current_user(), note, row)
        return _entry(row)

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
                conn.execute(update(series_t).where(_series_key(agency, values["year"], values["series"]))
                             .values(last_number=func.max(series_t.c.last_number, values["number"])
                                     if self.sqlite else func.greatest(series_t.c.last_number, values["number"]),
                                     last_date=last_date))
        return len(rows)

    # ------------------------------------------------------------------ reading

    def get(self, entry_id: int) -> Entry:
        with self.engine.connect() as conn:
            return _entry(self._row(conn, entry_id))

    def find(self, agency: str, so_ky_hieu: str, year: int | None = None, series: str | None = None) -> list[Entry]:
        query = select(entries_t).where(and_(entries_t.c.agency == agency, entries_t.c.so_ky_hieu == so_ky_hieu))
        if year is not None:
            query = query.where(entries_t.c.year == year)
        if series is not None:
            query = query.where(entries_t.c.series == series)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query.order_by(entries_t.c.year.desc()))]

    def issued_content(self, agency: str, year: int, content_hash: str) -> list[Entry]:
        """Rows of ``year`` (not voided) issued from exactly this record content."""
        query = select(entries_t).where(and_(entries_t.c.agency == agency, entries_t.c.year == year,
                                             entries_t.c.content_hash == content_hash, entries_t.c.status != VOIDED))
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query.order_by(entries_t.c.number))]

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
            query = query.where(entries_t.c.tim_kiem.contains(fold(text), autoescape=True))
        query = query.order_by(entries_t.c.agency, entries_t.c.year, entries_t.c.series, entries_t.c.number)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query)]

    def pending(self, agency: str | None = None) -> list[Entry]:
        """Rows numbered and committed whose files are not recorded (being written, or abandoned)."""
        query = select(entries_t).where(and_(entries_t.c.status == ISSUED, entries_t.c.files_json.is_(None)))
        if agency is not None:
            query = query.where(entries_t.c.agency == agency)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query.order_by(entries_t.c.id))]

    def unfinished_replacements(self, agency: str | None = None) -> list[tuple[Entry, Entry]]:
        """(correction, replaced) pairs whose correction is issued and written but whose replaced row is not yet
        voided and linked back: a crash between the two steps."""
        query = select(entries_t).where(and_(entries_t.c.thay_the.is_not(None), entries_t.c.status == ISSUED,
                                             entries_t.c.files_json.is_not(None)))
        if agency is not None:
            query = query.where(entries_t.c.agency == agency)
        with self.engine.connect() as conn:
            pairs = [(_entry(r), _entry(self._row(conn, r.thay_the))) for r in conn.execute(query.order_by(entries_t.c.id))]
        return [(new, old) for new, old in pairs if old.thay_the_boi is None]

    def issued_here(self, entry_id: int) -> bool:
        """Whether the tool itself numbered this row (a row added outside the tool is never completed by it)."""
        with self.engine.connect() as conn:
            return conn.execute(select(events_t.c.id).where(and_(events_t.c.entry_id == entry_id,
                                                                 events_t.c.action == ISSUED))).first() is not None

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

    # ------------------------------------------------------------------ the access log

    def record_access(self, agency: str, what: str, by: str | None = None) -> None:
        """Record that ``what`` was read through the tool (an event of the chain, so it cannot be erased unseen)."""
        with self._writer(), self.engine.begin() as conn:
            self._append(conn, agency, 0, READ, by or current_user(), what)

    def events(self, agency: str, actions: tuple[str, ...] | None = None) -> list[Any]:
        """The events of an agency's chain, oldest first (only ``actions`` when given)."""
        query = select(events_t).where(events_t.c.agency == agency)
        if actions is not None:
            query = query.where(events_t.c.action.in_(actions))
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(events_t.c.id)))

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
            return _ho_so(conn.execute(select(ho_so_t).where(ho_so_t.c.id == ho_so.id)).one())

    # ------------------------------------------------------------------ the register of incoming documents

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
            conn.execute(_ADVANCE_SERIES, {"k_agency": agency, "k_year": ngay_den.year, "k_series": series,
                                           "n": number, "d": row["ngay_den"]})
            row["number"] = number
            new_id = conn.execute(incoming_t.insert().values(row).returning(incoming_t.c.id)).scalar_one()
            stored = conn.execute(select(incoming_t).where(incoming_t.c.id == new_id)).one()
            if full_text:
                self._index(conn, text_den_t, new_id, agency, full_text)
            self._append(conn, agency, 0, RECEIVED, who, json.dumps(
                {"den": new_id, "so": number, "series": series, "hash": incoming_hash(stored)}, sort_keys=True))
        return _incoming(stored)

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
            return [_incoming(r) for r in conn.execute(query.order_by(incoming_t.c.year, incoming_t.c.series,
                                                                      incoming_t.c.number))]

    def incoming_with_file(self, agency: str, sha256: str) -> list[Incoming]:
        """The rows of an agency, not void, that keep a file of this SHA-256 (the same file received before)."""
        query = select(incoming_t).where(and_(incoming_t.c.agency == agency, incoming_t.c.status != VOIDED,
                                              incoming_t.c.files_json.contains(f'"sha256": "{sha256}"')))
        with self.engine.connect() as conn:
            return [_incoming(r) for r in conn.execute(query.order_by(incoming_t.c.id))]

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
        return _incoming(stored)

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

    def _audit_files_and_years(self, conn: Connection, agency: str, events: list[Any]) -> list[Problem]:
        """Hồ sơ, the documents filed in each (in their order) and the closed years, as the events made them: none
        changed, added or deleted outside the tool."""
        files: dict[int, dict[str, Any]] = {}
        filed: dict[int, set[tuple[str, int, int]]] = {}
        closed: set[int] = set()
        for item in events:
            if item.action == CLOSED and (item.detail or "").isdigit():
                closed.add(int(item.detail))
            if item.action not in (HO_SO_CREATED, HO_SO_FILED, HO_SO_CLOSED, DESTRUCTION) or not item.detail:
                continue
            detail = json.loads(item.detail)
            if item.action == HO_SO_CREATED:
                files[int(detail["id"])] = {name: detail.get(name) for name in _HO_SO_CHAINED} | {"status": OPEN}
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
            elif {name: getattr(row, name) for name in (*_HO_SO_CHAINED, "status")} != chained:
                problems.append(Problem(where, "", _("hồ sơ {symbol} ({year}): the row was changed outside the tool")
                                        .format(**named), hint))
            if found.get(file_id, set()) != filed.get(file_id, set()):
                problems.append(Problem(where, "", _("hồ sơ {symbol} ({year}): its list of documents was changed "
                                                     "outside the tool").format(**named), hint))
        locked = {r.year for r in conn.execute(select(closed_t.c.year).where(closed_t.c.agency == agency))}
        for year in sorted(closed - locked):
            problems.append(Problem(f"{agency}/{year}", "", _(
                "the year {year} is closed in the chain of events, but its lock row was deleted outside the tool")
                .format(year=year), _("the year stays closed; restore the register from a backup")))
        for year in sorted(locked - closed):
            problems.append(Problem(f"{agency}/{year}", "", _("the year {year} was marked closed outside the tool")
                                    .format(year=year), hint))
        return problems

    # ------------------------------------------------------------------ full-text search

    def _index(self, conn: Connection, table: Table, row_id: int, agency: str, full_text: str,
               metadata: str = "") -> None:
        """Keep a document's text for search (its first ``TEXT_LIMIT`` characters) and index its words and those of
        ``metadata`` (its number), bounded so that every engine takes them."""
        kept = bounded(full_text)
        words = index_words(f"{metadata}\n{kept}" if metadata else kept)
        key = "entry_id" if table is text_t else "den_id"
        conn.execute(table.insert().values({key: row_id, "agency": agency, "tu_khoa": words, "toan_van": kept}))
        if self.sqlite:
            index = "tim_kiem_fts" if table is text_t else "tim_kiem_den_fts"
            conn.execute(text(f"INSERT INTO {index} (rowid, tu_khoa) VALUES (:id, :words)"), {"id": row_id, "words": words})

    def _words_match(self, index: str, key: Any, words: list[str], prefixes: list[str], before: int | None,
                     limit: int | None) -> Any:
        """The condition "the row's folded words hold every one of ``words`` and a word starting with each of
        ``prefixes``" (rows before ``before`` only, when given): its FTS5 ``index`` on SQLite (walking the matches
        newest first and stopping at ``limit`` when given), the GIN index on PostgreSQL."""
        if self.sqlite:
            query = " ".join([*(f'"{w}"' for w in words), *(f'"{p}"*' for p in prefixes)])
            params: dict[str, Any] = {"q": query}
            if before is not None:
                params["b"] = before
            if limit is not None:
                params["n"] = limit
            matched = text(f"SELECT rowid FROM {index} WHERE {index} MATCH :q"
                           + ("" if before is None else " AND rowid < :b") + " ORDER BY rowid DESC"
                           + ("" if limit is None else " LIMIT :n")).bindparams(**params).columns(
                rowid=Integer).subquery()
            return key.in_(select(matched.c.rowid))
        stored: Any = literal_column(f"{key.table.name}.tu_khoa_tsv")  # to_tsvector('simple', tu_khoa), kept (v11)
        condition = stored.op("@@")(func.to_tsquery("simple", " & ".join([*words, *(f"{p}:*" for p in prefixes)])))
        return condition if before is None else and_(condition, key < before)

    def search(self, agency: str, words: list[str], year: int | None = None, kind: str | None = None,
               ho_so: int | None = None, period: tuple[str, str] | None = None, limit: int = 1000,
               prefixes: list[str] | None = None, before: int | None = None) -> list[tuple[Entry, str, str]]:
        """Documents whose indexed words hold every one of ``words`` (folded) and words starting with each of
        ``prefixes``, the last issued first (those before the row ``before`` when given), at most ``limit``: each row,
        its folded words and its text."""
        filtered = year is not None or kind is not None or ho_so is not None or period is not None
        condition = self._words_match("tim_kiem_fts", text_t.c.entry_id, words, prefixes or [], before,
                                      None if filtered else limit)
        query = (select(entries_t, text_t.c.tu_khoa, text_t.c.toan_van)
                 .join(text_t, text_t.c.entry_id == entries_t.c.id)
                 .where(and_(text_t.c.agency == agency, condition)))
        if year is not None:
            query = query.where(entries_t.c.year == year)
        if kind is not None:
            query = query.where(entries_t.c.kind == kind)
        if period is not None:
            query = query.where(and_(entries_t.c.ngay >= period[0], entries_t.c.ngay <= period[1]))
        if ho_so is not None:
            query = query.where(entries_t.c.id.in_(select(filed_t.c.entry_id).where(filed_t.c.ho_so_id == ho_so)))
        query = query.order_by(entries_t.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [(_entry(row), row.tu_khoa, row.toan_van) for row in conn.execute(query)]

    def search_incoming(self, agency: str, words: list[str], year: int | None = None, ho_so: int | None = None,
                        period: tuple[str, str] | None = None, limit: int = 1000, prefixes: list[str] | None = None,
                        before: int | None = None) -> list[tuple[Incoming, str, str]]:
        """Received documents whose indexed words hold every one of ``words`` (and ``prefixes``), the last received
        first."""
        filtered = year is not None or ho_so is not None or period is not None
        condition = self._words_match("tim_kiem_den_fts", text_den_t.c.den_id, words, prefixes or [], before,
                                      None if filtered else limit)
        query = (select(incoming_t, text_den_t.c.tu_khoa, text_den_t.c.toan_van)
                 .join(text_den_t, text_den_t.c.den_id == incoming_t.c.id)
                 .where(and_(text_den_t.c.agency == agency, condition)))
        if year is not None:
            query = query.where(incoming_t.c.year == year)
        if period is not None:
            query = query.where(and_(incoming_t.c.ngay_den >= period[0], incoming_t.c.ngay_den <= period[1]))
        if ho_so is not None:
            query = query.where(incoming_t.c.id.in_(select(filed_den_t.c.den_id).where(filed_den_t.c.ho_so_id == ho_so)))
        query = query.order_by(incoming_t.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [(_incoming(row), row.tu_khoa, row.toan_van) for row in conn.execute(query)]

    # ------------------------------------------------------------------ hồ sơ

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
            return _ho_so(conn.execute(select(ho_so_t).where(ho_so_t.c.id == new_id)).one())

    def ho_so(self, agency: str, ky_hieu: str, nam: int | None = None) -> list[HoSo]:
        query = select(ho_so_t).where(and_(ho_so_t.c.agency == agency, ho_so_t.c.ky_hieu == ky_hieu))
        if nam is not None:
            query = query.where(ho_so_t.c.nam == nam)
        with self.engine.connect() as conn:
            return [_ho_so(r) for r in conn.execute(query.order_by(ho_so_t.c.nam.desc()))]

    def ho_so_list(self, agency: str, nam: int | None = None) -> list[HoSo]:
        query = select(ho_so_t).where(ho_so_t.c.agency == agency)
        if nam is not None:
            query = query.where(ho_so_t.c.nam == nam)
        with self.engine.connect() as conn:
            return [_ho_so(r) for r in conn.execute(query.order_by(ho_so_t.c.nam, ho_so_t.c.ky_hieu))]

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
            return [(row.thu_tu, _incoming(row)) for row in conn.execute(query)]

    def ho_so_close(self, ho_so: HoSo, by: str | None = None) -> HoSo:
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            state = conn.execute(select(ho_so_t.c.status).where(ho_so_t.c.id == ho_so.id).with_for_update()).scalar_one()
            if state != OPEN:
                raise RegisterConflict(_("the hồ sơ {symbol} is already closed").format(symbol=ho_so.ky_hieu))
            conn.execute(update(ho_so_t).where(ho_so_t.c.id == ho_so.id).values(status=CLOSED_FILE, dong_luc=now()))
            self._append(conn, ho_so.agency, 0, HO_SO_CLOSED, who, json.dumps({"ho_so": ho_so.id}))
            return _ho_so(conn.execute(select(ho_so_t).where(ho_so_t.c.id == ho_so.id)).one())

    def ho_so_documents(self, ho_so: HoSo) -> list[tuple[int, Entry]]:
        """The documents of a hồ sơ in their order."""
        query = (select(filed_t.c.thu_tu, entries_t).join(entries_t, entries_t.c.id == filed_t.c.entry_id)
                 .where(filed_t.c.ho_so_id == ho_so.id).order_by(filed_t.c.thu_tu))
        with self.engine.connect() as conn:
            return [(row.thu_tu, _entry(row)) for row in conn.execute(query)]

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return max(migrations.applied(conn), default=0)

    def audit(self, agency: str) -> list[Problem]:
        """Every sign of a change made outside the tool: an event altered, added or removed, a row changed, added or
        deleted since its last event."""
        problems: list[Problem] = []
        with self.engine.connect() as conn:
            events = list(conn.execute(select(events_t).where(events_t.c.agency == agency).order_by(events_t.c.id)))
            rows = {r.id: r for r in conn.execute(select(entries_t).where(entries_t.c.agency == agency))}
            head = conn.execute(select(chains_t.c.last_hash).where(chains_t.c.agency == agency)).scalar()
            problems += self._audit_incoming(conn, agency, events)
            problems += self._audit_files_and_years(conn, agency, events)
        where = f"{agency}/events"
        previous = ""
        last_event: dict[int, Any] = {}
        numbered: dict[int, str] = {}
        keyed = unreadable = False
        for item in events:
            if item.action == SEAL and not keyed:
                keyed = True
                if self.key is None:
                    unreadable = True
                    problems.append(Problem(f"{where}:{item.id}", "", _(
                        "the chain of events is sealed with the agency key: checking it needs that key"), _(
                        "set {variable} to the agency key file").format(variable=KEY_ENV)))
                elif fingerprint(self.key) != item.detail:
                    unreadable = True
                    problems.append(Problem(f"{where}:{item.id}", "", _(
                        "the chain of events is sealed with another key"), _(
                        "set {variable} to the agency key file").format(variable=KEY_ENV)))
            expected = event_hash(item.prev_hash or "", item.entry_id, item.agency, item.action, item.at, item.by,
                                  item.detail, item.row_hash or "", self.key if keyed and not unreadable else None)
            if item.prev_hash != previous or (item.hash != expected and not unreadable):
                problems.append(Problem(f"{where}:{item.id}", "", _(
                    "the chain of events is broken at event {id}: an event was changed, inserted or removed "
                    "outside the tool").format(id=item.id), _("restore the register from a backup")))
            previous = item.hash or ""
            if item.entry_id:
                last_event[item.entry_id] = item
                if item.action in (ISSUED, IMPORTED):
                    numbered[item.entry_id] = item.detail or str(item.entry_id)
        if events and self.key is not None and not keyed:
            problems.append(Problem(where, "", _("the chain of events is not sealed with the agency key yet"), _(
                "the next change of the register seals it; if it was sealed before, the chain was rewritten outside "
                "the tool: restore the register from a backup")))
        if events and head != previous:
            problems.append(Problem(where, "", _("the last events of the chain were removed outside the tool"),
                                    _("restore the register from a backup")))
        for entry_id, item in sorted(last_event.items()):
            row = rows.get(entry_id)
            if row is None:
                problems.append(Problem(f"{where}:{item.id}", "", _("the row of {number} was deleted outside the tool")
                                        .format(number=numbered.get(entry_id, entry_id)),
                                        _("restore the register from a backup")))
            elif item.row_hash and row_hash(row) != item.row_hash:
                problems.append(Problem(f"{agency}/{row.year}/{row.series}:{row.number}", "", _(
                    "{number}: the row was changed outside the tool since its last event").format(number=row.so_ky_hieu),
                    _("restore the register from a backup")))
        voids = [item.entry_id for item in events if item.entry_id and item.action == VOIDED]
        for entry_id in sorted({e for e in voids if voids.count(e) > 1}):
            row = rows.get(entry_id)
            problems.append(Problem(f"{where}:{entry_id}", "", _("{number}: voided {count} times").format(
                number=row.so_ky_hieu if row is not None else numbered.get(entry_id, entry_id),
                count=voids.count(entry_id)), _("restore the register from a backup")))
        corrections: dict[int, list[Any]] = {}
        for row in rows.values():
            if row.thay_the is not None and (row.status == ISSUED or row.files_json is not None):
                corrections.setdefault(row.thay_the, []).append(row)
        for old_id, news in sorted(corrections.items()):
            old = rows.get(old_id)
            if len(news) > 1 and old is not None:
                problems.append(Problem(f"{agency}/{old.year}/{old.series}:{old.number}", "", _(
                    "{number}: replaced by more than one document: {numbers}").format(
                    number=old.so_ky_hieu, numbers=", ".join(r.so_ky_hieu for r in sorted(news, key=lambda r: r.id))),
                    _("void the corrections but one with 'correspondence register void'")))
        for entry_id, row in sorted(rows.items()):
            if entry_id not in last_event:
                problems.append(Problem(f"{agency}/{row.year}/{row.series}:{row.number}", "", _(
                    "{number}: the row was added outside the tool").format(number=row.so_ky_hieu),
                    _("restore the register from a backup")))
        return problems


def searchable(values: dict[str, Any]) -> str:
    """The folded text ``register list --tim`` searches: subject, signer, recipients."""
    return fold(" ".join(str(values[k]) for k in ("ten_loai_trich_yeu", "nguoi_ky", "noi_nhan") if values.get(k)))


def _series_key(agency: str, year: int, series: str) -> Any:
    return and_(series_t.c.agency == agency, series_t.c.year == year, series_t.c.series == series)


def _who(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _refuse_unwritable(path: Path) -> None:
    """Before SQLite or the lock touches anything: the clerk must be able to write the register, its -wal, -shm and
    lock files, and its folder (where SQLite makes -wal and -shm). Reading writes too (the access log). Refused
    with the file, what is missing and how to give it — nothing is left behind."""
    folder = path.parent if path.parent.exists() else None
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", ".lock")]
    for item in [folder, path, *companions]:
        if item is None or not item.exists() or os.access(item, os.R_OK | os.W_OK | (os.X_OK if item.is_dir() else 0)):
            continue
        info = item.stat()
        user, owner, group = _who(os.geteuid()), _who(info.st_uid), _group(info.st_gid)
        if info.st_uid == os.geteuid():
            missing = _("its owner ({owner}) has no write permission").format(owner=owner)
            hint = _("run: chmod u+rw {path}").format(path=shown(item))
        elif info.st_gid in (os.getegid(), *os.getgroups()):
            missing = _("the group {group} has no write permission (owner {owner}, {mode})").format(
                group=group, owner=owner, mode=stat.filemode(info.st_mode))
            hint = _("its owner {owner} can give it: chmod g+rw {path}").format(owner=owner, path=shown(item))
        else:
            missing = _("{user} is not in the group {group} that shares it (owner {owner}, {mode})").format(
                user=user, group=group, owner=owner, mode=stat.filemode(info.st_mode))
            hint = _("ask the administrator to add {user} to the group {group}").format(user=user, group=group)
        if item.is_dir():
            message = _("{user} cannot use the register {path}: no permission to write in its folder {folder} (the "
                        "register writes its -wal, -shm and .lock files there)").format(
                user=user, path=shown(path), folder=shown(item))
            hint = hint.replace("g+rw", "g+rwx").replace("u+rw", "u+rwx")
        else:
            message = _("{user} cannot use the register {path}: no permission to write {file} (every command, even "
                        "one that only reads, writes to the register)").format(
                user=user, path=shown(path), file=shown(item))
        raise RegisterUnavailable(message, [Problem(shown(item), "", missing, hint)])


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


