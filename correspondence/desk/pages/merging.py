"""Turn a mail merge into what the room "Văn bản mới" shows: the list sent beside the form (CSV or XLSX, one document
a row, field ``danh_sach``), which placeholder of the body or field of the record each column fills, each row's
recipient, the problems of the rows told at the input they concern (those of the list itself at the list's input),
and the documents a merge issued with their files and the one PDF to print them all.

Every rule is the api's: what a column fills and what is wrong with a row (``merge_preview``), issuing each row with
its own number (``merge``), the file to print (``merge_print``). The handlers of the room (``compose``) call these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence import api
from correspondence.errors import CorrespondenceError, Problem
from correspondence.i18n import _

FIELD = "danh_sach"  # the list's input
KEPT_FIELD = "tep_danh_sach"  # the list uploaded before, named by the form shown again
SUFFIXES = (".csv", ".xlsx")
PREVIEW_PDF = "tron-thu-xem-truoc.pdf"
PRINTED = "in-chung"  # the one PDF to print a merge: <office>/output/<agency>/in-chung/ (not the archive)
_SAVED = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}-")


@dataclass(frozen=True)
class Column:
    """One column of the list and what it fills: a placeholder of the body, a field of the record, or nothing."""

    column: str
    name: str | None
    kind: str  # placeholder | field | unused
    what: str = ""


def shown_name(path: Path) -> str:
    """The list's name as the clerk sent it (without the prefix that made the kept copy's name its own)."""
    return _SAVED.sub("", path.name)


def mapping(preview: Any) -> tuple[list[Column], list[str]]:
    """Each column of a tried merge and what it fills; the placeholders of the body no column fills."""
    columns = []
    for column, name in preview.columns.items():
        if name is None:
            columns.append(Column(column, None, "unused"))
        elif name in preview.placeholders:
            columns.append(Column(column, name, "placeholder"))
        else:
            columns.append(Column(column, name, "field", preview.fields.get(column, "")))
    filled = {column.name for column in columns}
    return columns, [name for name in preview.placeholders if name not in filled]


def row_line(where: str) -> str:
    """The line of the list a row is at (``khach-moi.csv:3`` → ``3``)."""
    line = where.rpartition(":")[2]
    return line if line.isdigit() else where


def _line(source: str, listed: Path) -> str | None:
    """The line of the list a problem is at ('' for the list as a whole); None: the problem is not the list's."""
    where, _sep, line = source.rpartition(":")
    if line.isdigit() and Path(where).name == listed.name:
        return line
    return "" if Path(source).name == listed.name else None


def located(error: CorrespondenceError, listed: Path, inputs: set[str]) -> list[Problem]:
    """The problems of a merge where the form shows them: a row's problem at the record's field it names when the
    form has that input (``noi_dung``: a placeholder no column fills), else at the list's input with its column; the
    list's name and lines said, the same problem of several rows told once with all its lines. A problem of the
    record itself is kept as it is (the form places it)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    own: list[Problem] = []
    for problem in error.problems or (Problem(str(listed), "", error.message),):
        line = _line(problem.source, listed)
        if line is None:
            own.append(problem)
            continue
        text = problem.message + (f" ({problem.hint})" if problem.hint else "")
        top = re.split(r"[.\[]", problem.field or "", maxsplit=1)[0]
        if top in inputs:
            at = problem.field
        else:
            at = FIELD
            text = _("column {name}: {message}").format(name=problem.field, message=text) if problem.field else text
        grouped.setdefault((at, text), []).extend([line] if line else [])
    name = shown_name(listed)
    found = []
    for (at, message), lines in grouped.items():
        if lines:
            found.append(Problem("", at, _("list {name}, line {lines}: {message}").format(
                name=name, lines=", ".join(dict.fromkeys(lines)), message=message)))
        else:
            found.append(Problem("", at, _("list {name}: {message}").format(name=name, message=message)))
    return own + found


def try_merge(workspace: Path, record: Path, listed: Path, folder: Path) -> tuple[Any, int]:
    """The merge tried without a number: every row drafted into one PDF in ``folder``, the picture of its page 1
    beside it; the mapping and recipients, and the PDF's page count."""
    preview = api.merge_preview(record, listed, workspace, folder / PREVIEW_PDF)
    api.previews([preview.path], folder, pages=1)
    return preview, api.page_count(preview.path)


@dataclass(frozen=True)
class Issued:
    """What a merge issued: each row's line, Số/ký hiệu, recipient, files (relative to the agency's output) and
    failure; the file to print them all, and why it could not be made."""

    rows: list[tuple[str, str, str, list[tuple[str, str]], str | None]]
    printed: tuple[str, str] | None
    unprinted: str | None


def issue(workspace: Path, register_url: str | None, record: Path, listed: Path, output: Path, together: bool,
          one_number: bool) -> Issued:
    """Each row issued with its own number (or one number for all with ``one_number``); with ``together`` the one
    PDF to print them, under output/<agency>/in-chung/."""
    done = api.merge(record, listed, workspace, None, register_url, ("docx", "pdf"), one_number)
    printed, unprinted = None, None
    if together:
        try:
            path = api.merge_print(record, done, workspace, output / PRINTED)
        except CorrespondenceError as error:  # the numbers are taken and the files written: only this failed
            unprinted = error.message + "".join(f" {problem.message}" for problem in error.problems)
        else:
            printed = (path.name, _relative(path, output)) if path is not None else None
    rows = [(row_line(item.row), item.so_ky_hieu, item.recipient,
             [(path.name, _relative(path, output)) for path in item.files if _inside(path, output)], item.failure)
            for item in done]
    return Issued(rows, printed, unprinted)


def _inside(path: Path, output: Path) -> bool:
    return output in path.resolve().parents


def _relative(path: Path, output: Path) -> str:
    return path.resolve().relative_to(output).as_posix()
