"""Turn a record into its document model, or into the problems that stop it: ``check`` and ``compose``.

Apart from the other commands so that checking a record loads validation and the composer only: no renderer, no
book.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from correspondence import model as m
from correspondence.errors import InvalidRecord, Problem, UsageError
from correspondence.i18n import _
from correspondence.outgoing.documents import document
from correspondence.validate import Loaded, load, load_agency
from correspondence.validate.rules import authorities
from correspondence.validate.schema import CoQuan
from correspondence.workspace import agency_profile, find_root

__all__ = ["agency_settings", "check", "check_with_advice", "compose", "signing_authorities"]


def compose(loaded: Loaded, so: int | None, ngay: dt.date | None, nam_trong_ky_hieu: bool = False) -> m.Document:
    """The document model of a loaded record: final with a number, a draft without one."""
    return document(loaded, so, ngay, nam_trong_ky_hieu)


def check(paths: list[Path | str], workspace: Path | str | None = None) -> list[Problem]:
    """Every problem in every file (record, agency profile, body); writes nothing."""
    return check_with_advice(paths, workspace)[0]


def check_with_advice(paths: list[Path | str],
                      workspace: Path | str | None = None) -> tuple[list[Problem], list[Problem]]:
    """Every problem in every file, and the advice the valid ones get (printed as written, but worth a look: a
    trích yếu in capitals); writes nothing."""
    problems: list[Problem] = []
    advice: list[Problem] = []
    for path in paths:
        try:
            loaded = load(path, workspace if workspace is not None else find_root(Path(path)))
            compose(loaded, None, None)
            advice += loaded.advice
        except InvalidRecord as error:
            problems += error.problems
    return problems, advice


def agency_settings(workspace: Path | str, agency: str) -> CoQuan:
    """The agency profile ``registers/<agency>.yaml`` of an office, valid (its units, signers, default Lưu …); one
    that is missing or invalid is refused with its problems."""
    path = agency_profile(Path(workspace), agency)
    if not path.is_file():
        raise UsageError(_("no agency profile '{name}'").format(name=agency))
    profile, problems = load_agency(path)
    if profile is None:
        raise InvalidRecord(_("invalid record"), problems)
    return profile


def signing_authorities(workspace: Path | str, agency: str, signer: str, kind: str | None = None,
                        kt: str | None = None, thay_mat: str | None = None) -> list[str]:
    """The values of ``ky.tham_quyen`` that ND 30 Art. 13 (the checks ``check`` makes) allows ``signer`` of
    ``agency`` on a record of ``kind``: ``KT`` for a deputy of the head, ``TM``/``khong`` for the head …"""
    return authorities(agency_settings(workspace, agency), signer, kind, {"kt": kt, "thay_mat": thay_mat})
