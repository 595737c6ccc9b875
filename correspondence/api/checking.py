"""Turn a record into its document model, or into the problems that stop it: ``check`` and ``compose``.

Apart from the other commands so that checking a record loads validation and the composer only: no renderer, no
book.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from correspondence import model as m
from correspondence.errors import InvalidRecord, Problem
from correspondence.outgoing.documents import document
from correspondence.validate import Loaded, load
from correspondence.workspace import find_root

__all__ = ["check", "check_with_advice", "compose"]


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
