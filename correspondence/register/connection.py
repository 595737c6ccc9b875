"""Turn a register URL into the one open database every part of the register shares: its engine (SQLite or
PostgreSQL), the writer lock and transaction every change takes, the permission checks made before anything is
touched, and the schema brought up to date.

A bare path means an SQLite file; ``postgresql://`` means psycopg 3. On SQLite a kernel file lock queues writers
(SQLite's own busy wait is unfair) and each transaction begins ``IMMEDIATE``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import fcntl
import getpass
import grp
import os
import pwd
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event, func
from sqlalchemy.exc import DatabaseError, NoSuchModuleError, OperationalError

from correspondence.errors import Problem, RegisterUnavailable
from correspondence.i18n import _
from correspondence.register import migrations
from correspondence.workspace import file_mode, make_folders, shown


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


ACTING: contextvars.ContextVar[str | None] = contextvars.ContextVar("acting", default=None)


@contextlib.contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Every event recorded within is by ``name`` (the desk's signed-in account), whoever runs the process."""
    token = ACTING.set(name)
    try:
        yield
    finally:
        ACTING.reset(token)


def current_user() -> str:
    """Who a change is recorded as made by: the desk's account acting now, else CORRESPONDENCE_USER, else the login."""
    acting = ACTING.get()
    if acting:
        return acting
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


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite register URL (None for another engine)."""
    url = normalise_url(url)
    return Path(url.split("sqlite:///", 1)[1]) if url.startswith("sqlite:///") else None


class Database:
    """One register database, opened once: the engine, the writer lock, the schema.

    ``create=False`` (every command but ``register init`` and an issue on first use) opens only a
    register that exists: a missing, empty or foreign file or database is refused, never created.
    """

    def __init__(self, url: str, create: bool = False) -> None:
        self.url = normalise_url(url)
        self.sqlite = self.url.startswith("sqlite")
        self._lock_path: Path | None = None
        self._lock_handle: Any = None
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
                done = migrations.applied(conn)
                if not create and not done:
                    raise RegisterUnavailable(_("{url} holds no register").format(url=self.describe()),
                                              [Problem(self.describe(), "", _(
                                                  "create it with 'correspondence register init'"))])
                if max(done, default=0) > migrations.CURRENT:  # a clerk's newer tool upgraded it: this one would
                    # write rows without what the newer schema keeps
                    raise RegisterUnavailable(_(
                        "{url} was upgraded by a newer version of correspondence (schema {version}; this one knows "
                        "schema {known}): nothing was written").format(
                        url=self.describe(), version=max(done), known=migrations.CURRENT), [Problem(
                            self.describe(), "", _("this version of correspondence is older than the register"), _(
                                "update correspondence on this machine, as the other clerks of the register did"))])
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
        self.engine.dispose()
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def __enter__(self) -> Self:
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

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return max(migrations.applied(conn), default=0)


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
        try:
            info = item.stat()
        except FileNotFoundError:  # a -wal or -shm SQLite removed meanwhile (another connection closed): nothing to refuse
            continue
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
