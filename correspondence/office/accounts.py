"""Turn the people of an office into accounts of its desk: a name, a role and a password (kept as an argon2 hash in
the register), and the rule of what each role may do (issue 25): a chuyên viên drafts and previews; a văn thư also
issues, voids, receives, files and exports; a lãnh đạo reads and signs."""

from __future__ import annotations

import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from correspondence import registers
from correspondence.errors import Problem, UsageError
from correspondence.i18n import N_, _
from correspondence.register.store import Account

VAN_THU, LANH_DAO, CHUYEN_VIEN = "van-thu", "lanh-dao", "chuyen-vien"
ROLES = {VAN_THU: N_("văn thư (records clerk)"), LANH_DAO: N_("lãnh đạo (leader)"),
         CHUYEN_VIEN: N_("chuyên viên (specialist)")}

# What each role may do on the desk. Every role reads the register, the incoming book, hồ sơ and search.
READ, DRAFT, ISSUE, VOID, RECEIVE, ASSIGN, FILE, EXPORT, SIGN = (
    "read", "draft", "issue", "void", "receive", "assign", "file", "export", "sign")
PERMISSIONS: dict[str, frozenset[str]] = {
    CHUYEN_VIEN: frozenset({READ, DRAFT}),
    VAN_THU: frozenset({READ, DRAFT, ISSUE, VOID, RECEIVE, ASSIGN, FILE, EXPORT}),
    LANH_DAO: frozenset({READ, ASSIGN, SIGN}),
}
MIN_PASSWORD = 8
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
_HASHER = PasswordHasher()
# A hash verified against when the account does not exist, so that a wrong name takes as long as a wrong password.
_ABSENT = _HASHER.hash("khong-co-tai-khoan")


def may(role: str, action: str) -> bool:
    """Whether an account of ``role`` may do ``action``."""
    return action in PERMISSIONS.get(role, frozenset())


def _checked(ten: str, vai_tro: str | None, mat_khau: str | None) -> None:
    problems = []
    if not NAME.fullmatch(ten):
        problems.append(Problem("NAME", "", _("'{name}': an account name is 2 to 40 lowercase letters without "
                                              "diacritics, digits, '.', '_' or '-'").format(name=ten)))
    if vai_tro is not None and vai_tro not in ROLES:
        problems.append(Problem("--vai-tro", "", _("'{role}' is not a role").format(role=vai_tro),
                                _("one of: {roles}").format(roles=", ".join(ROLES))))
    if mat_khau is not None and len(mat_khau) < MIN_PASSWORD:
        problems.append(Problem("CORRESPONDENCE_PASSWORD", "", _(
            "the password is shorter than {n} characters").format(n=MIN_PASSWORD)))
    if problems:
        raise UsageError(problems[0].message, problems)


def add(workspace: Path, ten: str, vai_tro: str, mat_khau: str, agency: str | None = None,
        register_url: str | None = None) -> Account:
    """A new account of the agency's desk; its password kept only as an argon2 hash."""
    _checked(ten, vai_tro, mat_khau)
    register, agency = registers.open_register(workspace, agency, register_url)
    with register:
        return register.user_add(agency, ten, vai_tro, _HASHER.hash(mat_khau))


def change(workspace: Path, ten: str, vai_tro: str | None = None, mat_khau: str | None = None,
           agency: str | None = None, register_url: str | None = None) -> Account:
    """A new role or password for an account."""
    _checked(ten, vai_tro, mat_khau)
    register, agency = registers.open_register(workspace, agency, register_url)
    with register:
        return register.user_change(agency, ten, vai_tro, _HASHER.hash(mat_khau) if mat_khau else None)


def remove(workspace: Path, ten: str, agency: str | None = None, register_url: str | None = None) -> Account:
    """Close an account: it can no longer sign in."""
    register, agency = registers.open_register(workspace, agency, register_url)
    with register:
        return register.user_remove(agency, ten)


def list_all(workspace: Path, agency: str | None = None, register_url: str | None = None) -> list[Account]:
    """The agency's active accounts, by name."""
    register, agency = registers.open_register(workspace, agency, register_url)
    with register:
        return register.users(agency)


def authenticate(workspace: Path, ten: str, mat_khau: str, agency: str | None = None,
                 register_url: str | None = None) -> Account | None:
    """The account when the password is its own; None otherwise (a wrong name costs the same time)."""
    register, agency = registers.open_register(workspace, agency, register_url)
    with register:
        account = register.user(agency, ten)
    try:
        _HASHER.verify(account.mat_khau if account is not None else _ABSENT, mat_khau)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return account


def account(workspace: Path, ten: str, agency: str | None = None, register_url: str | None = None) -> Account | None:
    """The active account of this name (a session is honoured only while its account is)."""
    register, agency = registers.open_register(workspace, agency, register_url)
    with register:
        return register.user(agency, ten)
