"""Turn allocation requests into register rows, safely under concurrency: SQLAlchemy Core on SQLite or PostgreSQL.

``Register`` is the one object callers open: it combines the parts of the register, one per group of tables, over
one database, one writer lock and one transaction per change:

- ``connection.py``: the engine (SQLite or PostgreSQL), the writer lock, permission checks, the schema;
- ``events.py``: the chain of events every change appends to (sealed with the agency key) and its audit;
- ``leases.py``: the lease a pending row carries, naming the live process that will write its files;
- ``series.py``: the series numbers are taken from, and the closed years;
- ``outgoing.py``: the sổ đăng ký văn bản đi; ``incoming.py``: the sổ đăng ký văn bản đến;
- ``hoso.py``: hồ sơ and the documents filed in them; ``users.py``: the accounts of the desk; ``search.py``: the full-text index;
- ``tables.py`` and ``rows.py``: the table declarations, and the records their rows are read into.

Rows change state (issued → completed, voided, failed) but are never deleted, and every change is an event chained
to the one before it by SHA-256, so that ``audit`` finds any row or event changed, added or removed outside the tool.
"""

from __future__ import annotations

import os
from typing import Any

from correspondence.errors import Problem
from correspondence.register import leases
from correspondence.register.connection import current_user, normalise_url, now, sqlite_path
from correspondence.register.hoso import HoSoBook
from correspondence.register.incoming import IncomingBook
from correspondence.register.leases import FOREIGN_LEASE, HOST, LEASE, lease_alive
from correspondence.register.outgoing import OutgoingBook
from correspondence.register.rows import Entry, Handling, HoSo, Incoming, incoming_hash, searchable
from correspondence.register.tables import (
    ASSIGNED,
    CLOSED,
    CLOSED_FILE,
    DESTROYED_FILE,
    DESTRUCTION,
    DONE,
    FAILED,
    HO_SO_CLOSED,
    HO_SO_CREATED,
    HO_SO_FILED,
    IMPORTED,
    INCOMING,
    INCOMING_SECRET,
    INCOMING_VOIDED,
    ISSUED,
    NOTED,
    OPEN,
    READ,
    RECEIVED,
    VOIDED,
    chains_t,
    closed_t,
    entries_t,
    events_t,
    filed_den_t,
    filed_t,
    ho_so_t,
    incoming_t,
    series_t,
    text_den_t,
    text_t,
)
from correspondence.register.users import Account, UserBook

__all__ = [
    "ASSIGNED", "Account", "CLOSED", "CLOSED_FILE", "DESTROYED_FILE", "DESTRUCTION", "DONE", "FAILED", "FOREIGN_LEASE", "HOST",
    "HO_SO_CLOSED", "HO_SO_CREATED", "HO_SO_FILED", "IMPORTED", "INCOMING", "INCOMING_SECRET", "INCOMING_VOIDED",
    "ISSUED", "LEASE", "NOTED", "OPEN", "READ", "RECEIVED", "VOIDED", "Entry", "Handling", "HoSo", "Incoming",
    "Register", "chains_t", "closed_t", "current_user", "entries_t", "events_t", "filed_den_t", "filed_t", "ho_so_t",
    "incoming_hash", "incoming_t", "lease_alive", "normalise_url", "now", "searchable", "series_t", "sqlite_path",
    "text_den_t", "text_t"
]


def _renew_lease() -> None:
    """A forked process's lease is its own (``leases`` renews it first): read again into the name ``Register`` asks."""
    global LEASE
    LEASE = leases.LEASE


os.register_at_fork(after_in_child=_renew_lease)


class Register(OutgoingBook, IncomingBook, HoSoBook, UserBook):
    """The register of outgoing and incoming documents and hồ sơ of one or more agencies, in one database.

    ``create=False`` (every command but ``register init`` and an issue on first use) opens only a
    register that exists: a missing, empty or foreign file or database is refused, never created.
    """

    def _lease(self) -> str:
        """This process's lease, as this module's ``LEASE`` says at the moment it is asked."""
        return LEASE

    def audit(self, agency: str) -> list[Problem]:
        """Every sign of a change made outside the tool: an event altered, added or removed, a row changed, added or
        deleted since its last event."""
        with self.engine.connect() as conn:
            events: list[Any] = []  # the events of no outgoing row, which the other audits read
            chain = self._audit_chain(conn, agency, events)
            problems = self._audit_incoming(conn, agency, events)
            problems += self._audit_handling(conn, agency, events)
            problems += self._audit_files(conn, agency, events)
            problems += self._audit_years(conn, agency, events)
            problems += self._audit_users(conn, agency, events)
        return problems + chain
