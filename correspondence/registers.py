"""Turn a workspace and an agency into its open register: the one door every book of the office goes through.

The agency is the only one of the workspace unless named; a register is opened, never created, except by ``init``
(``register init`` and setting up an office). Also the agency's names as the books print them, and a hồ sơ looked up
by its symbol (filing, the hand-over package and search all name hồ sơ so).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from correspondence.errors import CorrespondenceError, InvalidRecord, RegisterConflict
from correspondence.i18n import _
from correspondence.progress import notice
from correspondence.register.store import Entry, HoSo, Register, sqlite_path
from correspondence.validate import load_agency
from correspondence.workspace import (
    agencies,
    agency_profile,
    explicit_register,
    find_root,
    issued_files,
    no_office,
    register_url,
    shown,
)


def agency_of(workspace: Path, agency: str | None) -> str:
    """The agency named, else the only one of the workspace; refused when it has none or several."""
    if agency is not None:
        return agency
    found = agencies(workspace)
    if not found:
        raise no_office(workspace)
    if len(found) != 1:
        raise CorrespondenceError(_("say which agency with --co-quan (found: {found})").format(
            found=", ".join(found) or "—"))
    return found[0]


def open_register(workspace: Path, agency: str | None, explicit: str | None = None) -> tuple[Register, str]:
    """The existing register of ``agency`` (the only agency of the workspace when None); never created here."""
    agency = agency_of(workspace, agency)
    url = register_url(workspace, agency, explicit)
    path = sqlite_path(url)
    if (path is not None and not path.exists() and not agency_profile(workspace, agency).is_file()
            and explicit is None and not explicit_register(workspace)):
        raise no_office(workspace, agency)
    return Register(url), agency


def init(workspace: Path | None = None, agency: str | None = None, explicit: str | None = None) -> str:
    """Create the register of an agency, explicitly; refused when one is already there. Where it is."""
    root = workspace or find_root()
    agency = agency_of(root, agency)
    if not agency_profile(root, agency).is_file():
        raise no_office(root, agency)
    url = register_url(root, agency, explicit)
    path = sqlite_path(url)
    if path is not None and path.exists():
        raise RegisterConflict(_("a register is already there: {path}").format(path=shown(path)))
    for folder in ("registers", "output"):
        (root / folder).mkdir(exist_ok=True)
    with Register(url, create=True) as created:
        created.seal(agency)  # with the agency key set, the chain is keyed from its first event
    if issued_files(root, agency):
        notice(_("output/{agency} already holds issued documents: the new register starts at 01").format(agency=agency))
    return shown(path) if path is not None else url.split("@")[-1]


def agency_names(workspace: Path, agency: str, entries: list[Entry]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parent and agency name lines: from the profile, else from the profile stored with the last entry."""
    return names_of(profile_data(workspace, agency, entries), agency)


def names_of(profile: dict[str, Any] | None, agency: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parent and agency name lines of a profile (as data); the agency's id when there is none."""
    if profile is None:
        return (), (agency,)
    return tuple(profile.get("ten_co_quan_chu_quan", ())), tuple(profile["ten_co_quan"])


def profile_data(workspace: Path, agency: str, entries: list[Entry]) -> dict[str, Any] | None:
    """The agency profile as data: the workspace's file, else the one stored with the last entry."""
    path = agency_profile(workspace, agency)
    if path.is_file():
        profile, problems = load_agency(path)
        if profile is None:
            raise InvalidRecord(_("invalid agency profile"), problems)
        return profile.model_dump()
    stored: dict[str, Any] | None = next(
        (json.loads(e.agency_json)["profile"] for e in reversed(entries) if e.agency_json), None)
    return stored


def find_ho_so(register: Register, agency: str, ky_hieu: str, nam: int | None) -> HoSo:
    """The one hồ sơ of this symbol (of ``nam`` when given); refused when none, or several years hold one."""
    found = register.ho_so(agency, ky_hieu, nam)
    if not found:
        raise RegisterConflict(_("no hồ sơ {symbol} in the register of {agency}").format(symbol=ky_hieu, agency=agency))
    if len(found) > 1:
        raise RegisterConflict(_("the hồ sơ {symbol} exists in several years ({years}): add --nam").format(
            symbol=ky_hieu, years=", ".join(str(h.nam) for h in found)))
    return found[0]
