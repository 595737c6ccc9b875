"""Turn a running process into the lease its pending rows carry, and a lease back into whether its process is gone.

A row is *pending* between its number and its files; its lease (``host:pid:start``) names the live process that
will write them. On PostgreSQL the lease is also held as a session advisory lock that dies with the process; on a
shared SQLite file another machine's process cannot be asked, and its rows count as abandoned after a day.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import text

from correspondence.register.connection import Database

LEASE_LOCKS = 727_030  # PostgreSQL advisory-lock namespace of the leases
FOREIGN_LEASE = 24 * 3600.0  # seconds: a pending row of another machine's process on a shared SQLite file


def _process_start() -> str:
    """When this process started (to tell a live process from a later one that reuses its pid)."""
    try:
        return Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


HOST = socket.gethostname() or "host"
LEASE = f"{HOST}:{os.getpid()}:{_process_start()}"


def _renew_lease() -> None:
    """A forked process (a pre-forking server's worker, multiprocessing's fork or forkserver) is a process of its own:
    its own lease, so that its rows are known abandoned when it dies, however long its parent lives."""
    global LEASE
    LEASE = f"{HOST}:{os.getpid()}:{_process_start()}"


os.register_at_fork(after_in_child=_renew_lease)


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


class Leases(Database):
    """This process's lease on the rows it numbers, and whether another lease's process is gone."""

    def __init__(self, url: str, create: bool = False) -> None:
        self._lease_connection: Any = None
        super().__init__(url, create)

    def _lease(self) -> str:
        """The lease of this process (``Register`` reads it from its module at each use)."""
        return LEASE

    def _hold_lease(self) -> str:
        """This process's lease; on PostgreSQL also held as a session lock that dies with the process."""
        lease = self._lease()
        if not self.sqlite and self._lease_connection is None:
            self._lease_connection = self.engine.connect()
            self._lease_connection.execute(text("SELECT pg_advisory_lock(:ns, hashtext(:lease))"),
                                           {"ns": LEASE_LOCKS, "lease": lease})
            self._lease_connection.commit()
        return lease

    def lease_released(self, lease: str | None, since: str | None = None) -> bool:
        """Whether the process holding ``lease`` is gone (its pending rows were abandoned). Another machine's
        process on a shared SQLite file cannot be asked: its rows count as abandoned a day after ``since``."""
        if lease == self._lease():
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
                                {"ns": LEASE_LOCKS, "lease": lease}).scalar_one()
            if free:
                conn.execute(text("SELECT pg_advisory_unlock(:ns, hashtext(:lease))"), {"ns": LEASE_LOCKS, "lease": lease})
            conn.commit()
        return bool(free)

    def close(self) -> None:
        if self._lease_connection is not None:
            self._lease_connection.close()
            self._lease_connection = None
        super().close()
