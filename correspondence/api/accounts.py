"""Turn the account commands (``user add|list|remove``) and the desk's sign-in into calls of the office book: who
may sign in, with which role, and what that role may do."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from correspondence.errors import Problem, RegisterUnavailable
from correspondence.i18n import _
from correspondence.office import accounts
from correspondence.register.connection import acting_as
from correspondence.register.store import Account
from correspondence.validate import load_agency
from correspondence.workspace import agencies, agency_profile, file_mode, find_root, no_office, shown

__all__ = ["Account", "PERMISSIONS", "ROLES", "acting", "agency_list", "may", "office_root", "session_key", "user_account",
           "user_add", "user_authenticate", "user_change", "user_list", "user_remove"]

ROLES = accounts.ROLES
PERMISSIONS = accounts.PERMISSIONS
may = accounts.may


def user_add(workspace: Path | None, ten: str, vai_tro: str, mat_khau: str, agency: str | None = None,
             register_url: str | None = None) -> Account:
    """A new account of the desk (password kept as an argon2 hash)."""
    return accounts.add(workspace or find_root(), ten, vai_tro, mat_khau, agency, register_url)


def user_change(workspace: Path | None, ten: str, vai_tro: str | None = None, mat_khau: str | None = None,
                agency: str | None = None, register_url: str | None = None) -> Account:
    """A new role or password for an account."""
    return accounts.change(workspace or find_root(), ten, vai_tro, mat_khau, agency, register_url)


def user_remove(workspace: Path | None, ten: str, agency: str | None = None,
                register_url: str | None = None) -> Account:
    """Close an account."""
    return accounts.remove(workspace or find_root(), ten, agency, register_url)


def user_list(workspace: Path | None, agency: str | None = None, register_url: str | None = None) -> list[Account]:
    """The active accounts of the agency."""
    return accounts.list_all(workspace or find_root(), agency, register_url)


def user_authenticate(workspace: Path, ten: str, mat_khau: str, agency: str | None = None,
                      register_url: str | None = None) -> Account | None:
    """The account when the password is right, else None."""
    return accounts.authenticate(workspace, ten, mat_khau, agency, register_url)


def user_account(workspace: Path, ten: str, agency: str | None = None,
                 register_url: str | None = None) -> Account | None:
    """The active account of this name, or None."""
    return accounts.account(workspace, ten, agency, register_url)


@contextmanager
def acting(ten: str) -> Iterator[None]:
    """Every register event made within is recorded as by ``ten``."""
    with acting_as(ten):
        yield


def agency_list(workspace: Path) -> list[tuple[str, str]]:
    """The agencies of an office folder, each as (id, its name in a sentence) for a choice on the desk."""
    found = []
    for code in agencies(workspace):
        profile, _problems = load_agency(agency_profile(workspace, code)) if agency_profile(
            workspace, code).is_file() else (None, [])
        found.append((code, profile.ten_trong_cau if profile is not None else code))
    return found


SESSION_KEY = Path("registers") / ".desk-secret"  # signs the desk's session cookies; made on its first start


def session_key(workspace: Path) -> str:
    """The key that signs the desk's session cookies, kept in the office folder so that a restart honours the same
    sessions: made once, with the mode of the tool's files (the clerks of a shared folder's group read it, other users
    cannot), never through a link; refused, saying which file, when this clerk cannot read it."""
    path = workspace / SESSION_KEY
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        pass
    except OSError as error:
        raise RegisterUnavailable(_("cannot make the desk's key {path}: {error}").format(
            path=shown(path), error=error.strerror or error)) from None
    else:
        with os.fdopen(fd, "w") as handle:
            os.fchmod(handle.fileno(), file_mode())
            handle.write(secrets.token_urlsafe(48))
    try:
        key = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise RegisterUnavailable(_("cannot read the desk's key {path}: {error}").format(
            path=shown(path), error=getattr(error, "strerror", None) or error), [Problem(
                shown(path), "", _("give the clerks' group read permission on it: chmod g+r {path}").format(
                    path=shown(path)))]) from None
    if len(key) < 32:
        raise RegisterUnavailable(_("the desk's key {path} is damaged: delete it, the desk makes a new one").format(
            path=shown(path)))
    return key


def office_root(workspace: Path | None) -> Path:
    """The office folder: ``workspace`` when given, else the one holding the current folder (the nearest folder
    upward with ``registers/`` and ``output/``); refused, pointing to ``correspondence init``, when it has no agency
    profile."""
    root = workspace.resolve() if workspace is not None else find_root()
    if not agencies(root):
        raise no_office(root)
    return root
