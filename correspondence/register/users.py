"""Turn the accounts of the office's desk into rows of the register (``nguoi_dung``): who may sign in, with which role
and password hash; each change an event of the agency's chain, so that an account added or a role raised outside the
tool is found by ``register verify``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, select, update

from correspondence.errors import Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.register.connection import current_user, now
from correspondence.register.events import EventChain
from correspondence.register.tables import USER_ADDED, USER_CHANGED, USER_REMOVED, users_t

ACTIVE, REMOVED = "active", "removed"


@dataclass(frozen=True)
class Account:
    """One account of the desk: its name, role (``van-thu``, ``lanh-dao``, ``chuyen-vien``), password hash, state."""

    agency: str
    ten: str
    vai_tro: str
    mat_khau: str
    status: str
    tao_luc: str
    tao_boi: str


def account_hash(row: Any) -> str:
    """What an event vouches for of an account row: every column."""
    facts = [row.agency, row.ten, row.vai_tro, row.mat_khau, row.status, row.tao_luc, row.tao_boi]
    return hashlib.sha256(json.dumps(facts, ensure_ascii=False).encode("utf-8")).hexdigest()


def _account(row: Any) -> Account:
    return Account(row.agency, row.ten, row.vai_tro, row.mat_khau, row.status, row.tao_luc, row.tao_boi)


class UserBook(EventChain):
    """The accounts of the desk, one list per agency."""

    def _account_row(self, conn: Connection, agency: str, ten: str, lock: bool = False) -> Any:
        query = select(users_t).where(and_(users_t.c.agency == agency, users_t.c.ten == ten))
        return conn.execute(query.with_for_update() if lock else query).first()

    def user_add(self, agency: str, ten: str, vai_tro: str, mat_khau: str, by: str | None = None) -> Account:
        """A new account (a removed one of the same name comes back with the new role and password)."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            row = self._account_row(conn, agency, ten, lock=True)
            values = {"vai_tro": vai_tro, "mat_khau": mat_khau, "status": ACTIVE, "tao_luc": now(), "tao_boi": who}
            if row is not None and row.status == ACTIVE:
                raise RegisterConflict(_("the account {name} already exists").format(name=ten),
                                       [Problem(ten, "", _("remove it first, or choose another name"))])
            if row is None:
                conn.execute(users_t.insert().values(agency=agency, ten=ten, **values))
            else:
                conn.execute(update(users_t).where(users_t.c.id == row.id).values(**values))
            stored = self._account_row(conn, agency, ten)
            self._append(conn, agency, 0, USER_ADDED, who, json.dumps(
                {"ten": ten, "vai_tro": vai_tro, "hash": account_hash(stored)}, ensure_ascii=False, sort_keys=True))
        return _account(stored)

    def user_change(self, agency: str, ten: str, vai_tro: str | None = None, mat_khau: str | None = None,
                    by: str | None = None) -> Account:
        """A new role or password for an active account."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            row = self._account_row(conn, agency, ten, lock=True)
            if row is None or row.status != ACTIVE:
                raise RegisterConflict(_("there is no account {name}").format(name=ten))
            values = {key: value for key, value in (("vai_tro", vai_tro), ("mat_khau", mat_khau)) if value}
            conn.execute(update(users_t).where(users_t.c.id == row.id).values(**values))
            stored = self._account_row(conn, agency, ten)
            self._append(conn, agency, 0, USER_CHANGED, who, json.dumps(
                {"ten": ten, "vai_tro": stored.vai_tro, "hash": account_hash(stored)}, ensure_ascii=False,
                sort_keys=True))
        return _account(stored)

    def user_remove(self, agency: str, ten: str, by: str | None = None) -> Account:
        """An account closed: it can no longer sign in; its row and the events it made stay."""
        who = by or current_user()
        with self._writer(), self.engine.begin() as conn:
            row = self._account_row(conn, agency, ten, lock=True)
            if row is None or row.status != ACTIVE:
                raise RegisterConflict(_("there is no account {name}").format(name=ten))
            conn.execute(update(users_t).where(users_t.c.id == row.id).values(status=REMOVED))
            stored = self._account_row(conn, agency, ten)
            self._append(conn, agency, 0, USER_REMOVED, who, json.dumps(
                {"ten": ten, "vai_tro": stored.vai_tro, "hash": account_hash(stored)}, ensure_ascii=False,
                sort_keys=True))
        return _account(stored)

    def user(self, agency: str, ten: str) -> Account | None:
        """The active account of this name, None when there is none."""
        with self.engine.connect() as conn:
            row = self._account_row(conn, agency, ten)
        return _account(row) if row is not None and row.status == ACTIVE else None

    def users(self, agency: str) -> list[Account]:
        """The active accounts of the agency, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(users_t).where(and_(users_t.c.agency == agency, users_t.c.status == ACTIVE))
                                .order_by(users_t.c.ten)).all()
        return [_account(row) for row in rows]

    def _audit_users(self, conn: Connection, agency: str, events: list[Any]) -> list[Problem]:
        """Every account as its last event left it: none added, changed (a role raised, a password replaced) or
        deleted outside the tool."""
        vouched: dict[str, str] = {}
        for item in events:
            if item.action in (USER_ADDED, USER_CHANGED, USER_REMOVED) and item.detail:
                detail = json.loads(item.detail)
                vouched[detail["ten"]] = detail["hash"]
        problems = []
        rows = {row.ten: row for row in conn.execute(select(users_t).where(users_t.c.agency == agency))}
        for name, row in sorted(rows.items()):
            if name not in vouched:
                problems.append(Problem(f"{agency}/nguoi_dung:{name}", "", _(
                    "the account {name} was added outside the tool").format(name=name),
                    _("remove the row, or restore the register from a backup")))
            elif account_hash(row) != vouched[name]:
                problems.append(Problem(f"{agency}/nguoi_dung:{name}", "", _(
                    "the account {name} was changed outside the tool").format(name=name),
                    _("restore the register from a backup")))
        for name in sorted(set(vouched) - set(rows)):
            problems.append(Problem(f"{agency}/nguoi_dung:{name}", "", _(
                "the account {name} was deleted outside the tool").format(name=name),
                _("restore the register from a backup")))
        return problems
